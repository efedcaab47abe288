"""The dashboard cannot write to the registry, whatever SQL reaches the engine.

Each write is tried through ``readonly_engine`` on SQLite (file opened with
``mode=ro``) and PostgreSQL (``default_transaction_read_only=on``), and the data
is read back through a separate writable engine to prove nothing changed.
"""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from aidwatch import contract
from aidwatch.replica import DEFAULT_STATEMENT_TIMEOUT_MS, readonly_engine, sqlite_readonly_url, writable_engine
from tests.registry_builder import build_registry

ROWS = {
    "province": [{"code": "44", "name": "广东省", "short_name": "粤", "region": "east"}],
    "registry_meta": [{"key": "snapshot_at", "value": "2025-06-06T08:00:00"}],
}

WRITES = {
    "insert": "INSERT INTO province (code, name, short_name, region) VALUES ('45', '广西壮族自治区', '桂', 'west')",
    "update": "UPDATE province SET name = 'changed' WHERE code = '44'",
    "delete": "DELETE FROM registry_meta",
    "create_table": "CREATE TABLE scratch (id INTEGER)",
}


@pytest.fixture
def registry_url(new_database, backend):
    return build_registry(new_database(backend), ROWS)


def state(url: str) -> dict:
    """What the registry holds, read through a writable engine (so the read-only path is not the judge)."""
    engine = writable_engine(url)
    try:
        with engine.connect() as conn:
            return {
                "province": conn.execute(sa.text("SELECT code, name FROM province ORDER BY code")).all(),
                "registry_meta": conn.execute(sa.text("SELECT key, value FROM registry_meta")).all(),
                "tables": sorted(sa.inspect(conn).get_table_names()),
            }
    finally:
        engine.dispose()


def is_read_only_refusal(exc: sa.exc.DBAPIError, backend: str) -> bool:
    message = str(exc.orig)
    if backend == "sqlite":
        return "attempt to write a readonly database" in message
    return getattr(exc.orig, "sqlstate", None) == "25006" and "read-only transaction" in message


@pytest.mark.parametrize("write", sorted(WRITES))
def test_writes_are_refused(registry_url, backend, write):
    before = state(registry_url)
    engine = readonly_engine(registry_url)
    try:
        with pytest.raises(sa.exc.DBAPIError) as info:
            with engine.begin() as conn:
                conn.execute(sa.text(WRITES[write]))
        assert is_read_only_refusal(info.value, backend), str(info.value)
    finally:
        engine.dispose()
    assert state(registry_url) == before
    assert "scratch" not in state(registry_url)["tables"]


def test_core_insert_is_refused_too(registry_url, backend):
    """The same through SQLAlchemy Core, the way application code would write."""
    engine = readonly_engine(registry_url)
    try:
        with pytest.raises(sa.exc.DBAPIError) as info:
            with engine.begin() as conn:
                conn.execute(sa.insert(contract.registry_meta).values(key="k", value="v"))
        assert is_read_only_refusal(info.value, backend)
    finally:
        engine.dispose()
    assert len(state(registry_url)["registry_meta"]) == 1


def test_reads_work(registry_url):
    engine = readonly_engine(registry_url)
    try:
        with engine.connect() as conn:
            rows = conn.execute(sa.select(contract.province.c.code, contract.province.c.name)).all()
            value = conn.execute(
                sa.select(contract.registry_meta.c.value).where(contract.registry_meta.c.key == "snapshot_at")
            ).scalar_one()
        assert [tuple(r) for r in rows] == [("44", "广东省")]
        assert value == "2025-06-06T08:00:00"
    finally:
        engine.dispose()


def test_a_refused_write_does_not_spoil_the_pool(registry_url):
    """After a refused write, the next checkout must still read normally."""
    engine = readonly_engine(registry_url)
    try:
        with pytest.raises(sa.exc.DBAPIError):
            with engine.begin() as conn:
                conn.execute(sa.text(WRITES["update"]))
        with engine.connect() as conn:
            assert conn.execute(sa.text("SELECT name FROM province WHERE code = '44'")).scalar_one() == "广东省"
    finally:
        engine.dispose()


# -- PostgreSQL session settings -----------------------------------------------------------------


def pg_url(new_database) -> str:
    return build_registry(new_database("postgresql"), ROWS)


def test_postgresql_session_is_read_only(new_database):
    engine = readonly_engine(pg_url(new_database))
    try:
        with engine.connect() as conn:
            assert conn.execute(sa.text("SHOW default_transaction_read_only")).scalar_one() == "on"
            assert conn.execute(sa.text("SHOW transaction_read_only")).scalar_one() == "on"
            assert conn.execute(sa.text("SHOW application_name")).scalar_one() == "aidwatch"
            assert conn.execute(sa.text("SHOW jit")).scalar_one() == "off"
    finally:
        engine.dispose()


def test_statement_timeout_defaults_to_thirty_seconds(new_database):
    assert DEFAULT_STATEMENT_TIMEOUT_MS == 30_000
    engine = readonly_engine(pg_url(new_database))
    try:
        with engine.connect() as conn:
            assert conn.execute(sa.text("SHOW statement_timeout")).scalar_one() == "30s"
    finally:
        engine.dispose()


def test_statement_timeout_cancels_a_slow_query(new_database):
    engine = readonly_engine(pg_url(new_database), statement_timeout_ms=200)
    try:
        with engine.connect() as conn:
            assert conn.execute(sa.text("SHOW statement_timeout")).scalar_one() == "200ms"
            # A query well inside the limit still runs.
            assert conn.execute(sa.text("SELECT pg_sleep(0.01), 1")).one()[1] == 1
        with pytest.raises(sa.exc.OperationalError) as info:
            with engine.connect() as conn:
                conn.execute(sa.text("SELECT pg_sleep(2)"))
        assert info.value.orig.sqlstate == "57014"  # query_canceled
        assert "statement timeout" in str(info.value.orig)
        # The pool recovers: the next query on the same engine works.
        with engine.connect() as conn:
            assert conn.execute(sa.text("SELECT 1")).scalar_one() == 1
    finally:
        engine.dispose()


def test_plain_postgresql_url_uses_psycopg(new_database):
    url = sa.engine.make_url(pg_url(new_database)).set(drivername="postgresql").render_as_string(hide_password=False)
    engine = readonly_engine(url)
    try:
        assert engine.dialect.driver == "psycopg"
        with engine.connect() as conn:
            assert conn.execute(sa.text("SHOW transaction_read_only")).scalar_one() == "on"
    finally:
        engine.dispose()


# -- SQLite specifics -------------------------------------------------------------------------------


def test_sqlite_url_opens_the_file_read_only(tmp_path):
    db = tmp_path / "registry.sqlite"
    build_registry(f"sqlite:///{db}", ROWS)
    url = sqlite_readonly_url(sa.engine.make_url(f"sqlite:///{db}"))
    assert url.startswith("sqlite:///file:") and url.endswith("?mode=ro&uri=true")
    assert str(db) in url


def test_a_missing_sqlite_file_is_a_clear_error(tmp_path):
    missing = tmp_path / "no-such-registry.sqlite"
    with pytest.raises(FileNotFoundError) as info:
        readonly_engine(f"sqlite:///{missing}")
    assert str(missing) in str(info.value)
    assert "does not exist" in str(info.value)
    assert not missing.exists()  # read-only access must never create an empty registry


def test_an_unsupported_backend_is_refused():
    with pytest.raises(ValueError, match="unsupported registry database 'mysql'"):
        readonly_engine("mysql://reader@localhost/registry")
