"""The replica contract check, on SQLite and PostgreSQL.

The registry's own schema.sql and the project's SQLAlchemy copy must both pass;
a dropped column, a changed type and a missing table must each be named; the
command's exit status must tell a monitoring job what happened.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
import sqlalchemy as sa
from click.testing import CliRunner

from aidwatch import contract
from cli.commands.replica import check_replica
from aidwatch.contract_check import TypeSignature, check, type_signature
from aidwatch.replica import readonly_engine, writable_engine

SCHEMA_SQL = Path(__file__).parents[1] / ".." / "shared" / "registry" / "schema.sql"

# aid_record as schema.sql declares it, minus disbursed_on.
AID_RECORD_WITHOUT_DISBURSED_ON = """
CREATE TABLE aid_record (
    id               BIGINT         PRIMARY KEY,
    student_id       BIGINT         NOT NULL REFERENCES student(id),
    school_id        INTEGER        NOT NULL,
    province_code    CHAR(2)        NOT NULL,
    term             CHAR(5)        NOT NULL,
    grade            SMALLINT       NOT NULL,
    kind             VARCHAR(8)     NOT NULL,
    grant_tier       SMALLINT,
    amount           NUMERIC(10,2)  NOT NULL,
    submitted_on     DATE,
    publicized_on    DATE,
    approved_on      DATE,
    status           VARCHAR(10)    NOT NULL
)
"""


def run_schema_sql(url: str) -> None:
    """Execute the registry's schema.sql verbatim, as the registry's owners would."""
    script = SCHEMA_SQL.read_text("utf-8")
    if url.startswith("sqlite"):
        conn = sqlite3.connect(sa.engine.make_url(url).database)
        try:
            conn.executescript(script)
        finally:
            conn.close()
        return
    engine = writable_engine(url)
    try:
        with engine.begin() as conn:
            conn.exec_driver_sql(script)
    finally:
        engine.dispose()


def create_contract(url: str) -> None:
    engine = writable_engine(url)
    try:
        contract.metadata.create_all(engine)
    finally:
        engine.dispose()


def execute(url: str, *statements: str) -> None:
    engine = writable_engine(url)
    try:
        with engine.begin() as conn:
            for statement in statements:
                conn.execute(sa.text(statement))
    finally:
        engine.dispose()


def report_for(url: str):
    engine = readonly_engine(url)
    try:
        return check(engine)
    finally:
        engine.dispose()


def invoke(url: str):
    return CliRunner().invoke(check_replica, ["--url", url])


# -- the two sources of truth both pass ---------------------------------------------------


def test_schema_sql_is_where_the_tests_expect_it():
    assert SCHEMA_SQL.is_file(), f"shared/registry/schema.sql must sit beside the repo: {SCHEMA_SQL.resolve()}"


def test_schema_sql_matches_the_contract(new_database, backend):
    url = new_database(backend)
    run_schema_sql(url)
    report = report_for(url)
    assert report.findings == []
    assert report.ok


def test_contract_create_all_matches_itself(new_database, backend):
    url = new_database(backend)
    create_contract(url)
    report = report_for(url)
    assert report.findings == []
    result = invoke(url)
    assert result.exit_code == 0, result.output
    assert "OK: the replica matches the contract" in result.output


def test_every_contract_table_is_checked():
    """The check must reflect all 12 tables; a contract edit that drops one would weaken it."""
    assert sorted(contract.metadata.tables) == sorted(
        [
            "province", "city", "school", "student", "status_change", "graduation", "school_headcount",
            "aid_record", "duplicate_match", "province_rollout", "inspection", "registry_meta",
        ]
    )


# -- drift is named --------------------------------------------------------------------------


def test_a_dropped_column_is_named(new_database, backend):
    url = new_database(backend)
    run_schema_sql(url)
    execute(url, "DROP TABLE aid_record", AID_RECORD_WITHOUT_DISBURSED_ON)
    report = report_for(url)
    assert [(f.level, f.where, f.problem, f.expected, f.found) for f in report.findings] == [
        ("error", "aid_record.disbursed_on", "missing column", "DATE NULL", "no such column")
    ]
    result = invoke(url)
    assert result.exit_code == 1, result.output
    line = next(l for l in result.output.splitlines() if "aid_record.disbursed_on" in l)
    assert "missing column" in line and "expected DATE NULL" in line
    assert "FAILED" in result.output


@pytest.mark.parametrize(
    "table, column, declared, expected, found",
    [
        ("province", "code", "VARCHAR(2)", "CHAR(2)", "VARCHAR(2)"),
        ("aid_record", "amount", "NUMERIC(12,2)", "NUMERIC(10,2)", "NUMERIC(12,2)"),
        ("school", "id", "BIGINT", "INTEGER", "BIGINT"),
        ("student", "id_number", "CHAR(20)", "CHAR(18)", "CHAR(20)"),
        ("student", "program_years", "INTEGER", "SMALLINT", "INTEGER"),
        ("aid_record", "disbursed_on", "VARCHAR(10)", "DATE", "VARCHAR(10)"),
    ],
)
def test_a_changed_type_is_named(new_database, backend, table, column, declared, expected, found):
    url = new_database(backend)
    script = SCHEMA_SQL.read_text("utf-8")
    # Rewrite exactly one column declaration of schema.sql.
    lines = script.splitlines()
    idx = [i for i, l in enumerate(lines) if l.strip().startswith(f"CREATE TABLE {table} ")][0]
    col_idx = next(i for i in range(idx, len(lines)) if lines[i].split() and lines[i].split()[0] == column)
    old_type = lines[col_idx].split()[1].rstrip(",")
    lines[col_idx] = lines[col_idx].replace(old_type, declared, 1)
    patched = "\n".join(lines)
    if backend == "sqlite":
        conn = sqlite3.connect(sa.engine.make_url(url).database)
        conn.executescript(patched)
        conn.close()
    else:
        engine = writable_engine(url)
        with engine.begin() as conn:
            conn.exec_driver_sql(patched)
        engine.dispose()
    report = report_for(url)
    assert [(f.level, f.where, f.problem, f.expected, f.found) for f in report.findings] == [
        ("error", f"{table}.{column}", "type mismatch", expected, found)
    ]
    result = invoke(url)
    assert result.exit_code == 1
    assert f"{table}.{column}: type mismatch (expected {expected}, found {found})" in result.output


def test_a_missing_table_is_named(new_database, backend):
    url = new_database(backend)
    run_schema_sql(url)
    execute(url, "DROP TABLE inspection")
    report = report_for(url)
    assert [(f.level, f.where, f.problem) for f in report.findings] == [("error", "inspection", "missing table")]
    result = invoke(url)
    assert result.exit_code == 1
    assert "inspection: missing table" in result.output


def test_several_problems_each_get_a_line(new_database, backend):
    url = new_database(backend)
    run_schema_sql(url)
    execute(
        url,
        "DROP TABLE inspection",
        "DROP TABLE registry_meta",
        "CREATE TABLE registry_meta (key VARCHAR(32) PRIMARY KEY, value VARCHAR(64))",
    )
    report = report_for(url)
    got = {(f.level, f.where, f.problem, f.expected, f.found) for f in report.findings}
    assert got == {
        ("error", "inspection", "missing table", "8 columns", "no such table"),
        ("error", "registry_meta.value", "type mismatch", "VARCHAR(128)", "VARCHAR(64)"),
        ("warning", "registry_meta.value", "nullability differs", "NOT NULL", "NULL"),
    }
    result = invoke(url)
    assert result.exit_code == 1
    problem_lines = [l for l in result.output.splitlines() if l.split()[0] in ("ERROR", "WARNING", "INFO")]
    assert len(problem_lines) == 3


def test_extra_tables_and_columns_are_information_only(new_database, backend):
    url = new_database(backend)
    run_schema_sql(url)
    execute(
        url,
        "CREATE TABLE audit_trail (id INTEGER PRIMARY KEY)",
        "ALTER TABLE student ADD COLUMN nickname VARCHAR(20)",
    )
    report = report_for(url)
    assert report.ok
    assert {(f.level, f.where, f.found) for f in report.findings} == {
        ("info", "audit_trail", "a table"),
        ("info", "student.nickname", "VARCHAR(20)"),
    }
    result = invoke(url)
    assert result.exit_code == 0, result.output
    assert "INFO    student.nickname" in result.output


def test_nullability_difference_is_a_warning_not_a_failure(new_database, backend):
    url = new_database(backend)
    run_schema_sql(url)
    execute(
        url,
        "DROP TABLE graduation",
        """CREATE TABLE graduation (
            student_id BIGINT PRIMARY KEY REFERENCES student(id), school_id INTEGER NOT NULL,
            province_code CHAR(2) NOT NULL, graduated_on DATE, uploaded_on DATE NOT NULL,
            approved_on DATE, certificate_no VARCHAR(32))""",
    )
    report = report_for(url)
    assert report.ok
    assert {(f.level, f.where, f.expected, f.found) for f in report.findings} == {
        ("warning", "graduation.graduated_on", "NOT NULL", "NULL"),
        ("warning", "graduation.uploaded_on", "NULL", "NOT NULL"),
    }
    result = invoke(url)
    assert result.exit_code == 0
    assert "WARNING graduation.graduated_on: nullability differs (expected NOT NULL, found NULL)" in result.output


# -- type signatures --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "type_, signature",
    [
        (sa.CHAR(2), "CHAR(2)"),
        (sa.String(2), "VARCHAR(2)"),
        (sa.VARCHAR(2), "VARCHAR(2)"),
        (sa.Integer(), "INTEGER"),
        (sa.BigInteger(), "BIGINT"),
        (sa.SmallInteger(), "SMALLINT"),
        (sa.Boolean(), "BOOLEAN"),
        (sa.Date(), "DATE"),
        (sa.DateTime(), "TIMESTAMP"),
        (sa.Numeric(10, 2), "NUMERIC(10,2)"),
        (sa.Numeric(), "NUMERIC"),
        (sa.Float(), "FLOAT"),
        (sa.Text(), "TEXT"),
    ],
)
def test_type_signatures(type_, signature):
    assert str(type_signature(type_)) == signature


def test_signatures_distinguish_what_the_contract_distinguishes():
    assert type_signature(sa.CHAR(2)) != type_signature(sa.VARCHAR(2))
    assert type_signature(sa.Numeric(10, 2)) != type_signature(sa.Numeric(12, 2))
    assert type_signature(sa.Numeric(10, 2)) != type_signature(sa.Numeric(10, 3))
    assert type_signature(sa.Integer()) != type_signature(sa.BigInteger())
    assert type_signature(sa.BigInteger()) == TypeSignature("BIGINT")


# -- freshness and connection failures -----------------------------------------------------------


def test_the_command_prints_the_snapshot_time(new_database, backend):
    url = new_database(backend)
    run_schema_sql(url)
    execute(url, "INSERT INTO registry_meta (key, value) VALUES ('snapshot_at', '2025-06-06T08:30:00')")
    result = invoke(url)
    assert result.exit_code == 0, result.output
    assert "freshness: snapshot_at: 2025-06-06T08:30:00 (registry_meta)" in result.output
    # A primary server is not a standby: no replay lag is claimed.
    assert "replay lag" not in result.output


def test_freshness_without_registry_meta_is_reported_not_fatal(new_database, backend):
    url = new_database(backend)
    run_schema_sql(url)
    execute(url, "DROP TABLE registry_meta")
    result = invoke(url)
    assert result.exit_code == 1
    assert "snapshot_at: unknown (registry_meta not readable" in result.output
    assert "registry_meta: missing table" in result.output
    assert "Traceback" not in result.output


def test_the_url_defaults_to_the_environment(new_database, monkeypatch):
    url = new_database("sqlite")
    run_schema_sql(url)
    monkeypatch.setenv("AIDWATCH_REGISTRY_URL", url)
    result = CliRunner().invoke(check_replica, [])
    assert result.exit_code == 0, result.output
    assert f"registry replica: {url} (sqlite)" in result.output


def test_a_missing_sqlite_file_exits_2(tmp_path):
    missing = tmp_path / "nowhere.sqlite"
    result = invoke(f"sqlite:///{missing}")
    assert result.exit_code == 2
    assert "cannot connect to the registry replica" in result.output
    assert "does not exist" in result.output
    assert not missing.exists()  # the check never creates the file it was asked to read


def test_an_unreachable_server_exits_2_without_leaking_the_password():
    # Port 1 on loopback: nothing listens there, so the connection is refused at once.
    result = invoke("postgresql://reader:s3cret@127.0.0.1:1/registry")
    assert result.exit_code == 2
    assert "cannot connect to the registry replica postgresql://reader:***@127.0.0.1:1/registry" in result.output
    assert "s3cret" not in result.output
    assert "Traceback" not in result.output
    assert isinstance(result.exception, SystemExit)


def test_an_unsupported_database_exits_2():
    result = invoke("mysql://reader@localhost/registry")
    assert result.exit_code == 2
    assert "unsupported registry database 'mysql'" in result.output


def test_the_command_is_named_check_replica():
    assert check_replica.name == "check-replica"


def test_the_aidwatch_group_runs_it(new_database, backend):
    """Through the installed entry point's group, as an operator types it."""
    from cli.main import main

    url = new_database(backend)
    run_schema_sql(url)
    execute(url, "DROP TABLE aid_record", AID_RECORD_WITHOUT_DISBURSED_ON)
    result = CliRunner().invoke(main, ["check-replica", "--url", url])
    assert result.exit_code == 1, result.output
    assert "ERROR   aid_record.disbursed_on: missing column (expected DATE NULL, found no such column)" in result.output
