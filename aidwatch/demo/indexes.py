"""The indexes the dashboard's queries need on the replica, as data.

The dashboard filters every page by term or year, province, city and school
and counts by day, over tables of tens of millions of rows. These indexes are
what the project asks the replica's administrators to create; the demo
generator creates the same ones after loading (bulk loads are faster without
them), and ``docs/replica-indexes.md`` is rendered from this list.
"""

from __future__ import annotations

from typing import NamedTuple

import sqlalchemy as sa


class Index(NamedTuple):
    name: str
    table: str
    columns: tuple[str, ...]
    reason: str
    #: A partial index's condition (the same SQL in both dialects), or None. ``sync_indexes`` compares
    #: columns only (each database rewrites the condition in its own words): a new condition, a new name.
    where: str | None = None


INDEXES: tuple[Index, ...] = (
    Index("ix_school_province_city", "school", ("province_code", "city_code"),
          "drill-down from province to city to school on every page"),
    Index("ix_student_intake_region_registered", "student",
          ("intake_term", "province_code", "school_id", "registered_on"),
          "registration deadlines: new students of a term registered by D, per region"),
    Index("ix_student_intake_province_registered", "student", ("intake_term", "province_code", "registered_on"),
          "registration deadlines at nation level: counted per province and day in index order, no sort"),
    Index("ix_student_school_status", "student", ("school_id", "status"),
          "phantom-enrolment suspects and students on the roll per school"),
    Index("ix_student_school_intake_years", "student", ("school_id", "intake_term", "program_years", "province_code"),
          "data quality: the students whose programme runs through a headcount's term, per school, covering"),
    Index("ix_student_status_program_enrolled", "student",
          ("status", "program_years", "enrolled_on", "province_code", "id"),
          "phantom-enrolment suspects: students on the roll past their programme + 1 year, covering"),
    Index("ix_student_id_status_region", "student", ("id", "status", "province_code", "school_id"),
          "phantom-enrolment suspects found by their status changes: the student's status and region in one "
          "seek, without reading the table"),
    Index("ix_student_status_hardship_region", "student",
          ("status", "hardship", "province_code", "enrolled_on", "school_id", "id"),
          "expansion rollout: enrolled priority students per hardship group, region and enrolment day, covering "
          "and in index order (no sort)"),
    Index("ix_student_priority_status_id", "student",
          ("status", "id", "hardship", "province_code", "enrolled_on", "school_id"),
          "expansion rollout: priority students in id order, so that the seeks for their first grant "
          "(ix_aid_record_student) walk that index forward instead of jumping across it; partial: only "
          "students in a hardship group", where="hardship IS NOT NULL"),
    Index("ix_aid_record_term_kind_region_dates", "aid_record",
          ("term", "kind", "province_code", "school_id", "status", "submitted_on", "approved_on", "disbursed_on"),
          "aid approval and funds deadlines, grant recipients: covering, so counts by day never read the table"),
    Index("ix_aid_record_term_kind_province_submitted", "aid_record",
          ("term", "kind", "province_code", "submitted_on", "approved_on", "school_id", "status"),
          "aid approval deadlines: counted per province and (submitted, approved) days in index order, so the "
          "national count streams instead of sorting millions of rows; in a province per (days, school), "
          "likewise"),
    Index("ix_aid_record_term_kind_province_approved", "aid_record",
          ("term", "kind", "province_code", "approved_on", "disbursed_on", "school_id"),
          "expansion funds deadline: grants per province and (approved, disbursed) days in index order"),
    Index("ix_aid_record_grant_recipients", "aid_record",
          ("term", "kind", "province_code", "approved_on", "grade", "grant_tier", "amount", "school_id"),
          "expansion rollout: grant recipients by approval day, year of study, tier and amount, in index order"),
    Index("ix_aid_record_term_kind_school_student", "aid_record",
          ("term", "kind", "province_code", "school_id", "student_id", "status", "submitted_on", "approved_on",
           "amount"),
          "funding gap: each student's first declaration and approval per school and term, and the amounts, "
          "covering, so the per-student groups stream through the index and never read the table"),
    Index("ix_aid_record_school_term", "aid_record", ("school_id", "term"),
          "data quality at a school and its cases: one school's aid records of a year and those with an odd "
          "term, sought by school instead of read across every school's records of the year"),
    Index("ix_aid_record_student", "aid_record", ("student_id", "term", "kind", "approved_on"),
          "a student's aid history (case lists); a priority student's first grant day, covering"),
    Index("ix_status_change_province_occurred_school", "status_change",
          ("province_code", "occurred_on", "school_id", "change_type", "recorded_on", "approved_on", "rejected_on"),
          "status-change backlog of a year, per region: covering, so the counts never read the table"),
    Index("ix_status_change_type_occurred", "status_change",
          ("change_type", "occurred_on", "recorded_on", "approved_on", "rejected_on", "province_code", "student_id",
           "id"),
          "phantom-enrolment suspects (unapproved leaving changes, old suspensions) and open items per change "
          "type and day: covering, in the order they are grouped"),
    Index("ix_status_change_student", "status_change", ("student_id", "change_type", "occurred_on"),
          "a student's changes (phantom-enrolment rules: a later resume; case lists)"),
    Index("ix_duplicate_match_province_pushed_school", "duplicate_match", ("province_code", "pushed_on", "school_id"),
          "duplicate-aid alerts of a year, per region"),
    Index("ix_duplicate_match_student", "duplicate_match", ("student_id",),
          "repeat students matched in several monthly batches"),
    Index("ix_school_headcount_term_province", "school_headcount", ("term", "province_code"),
          "registration deadline totals (reported new students) per region"),
    Index("ix_graduation_province_days", "graduation",
          ("province_code", "graduated_on", "uploaded_on", "approved_on", "school_id", "certificate_no"),
          "graduation processing: graduates of a year per region and (graduation, upload, approval) days, covering, "
          "so the counts never read the table"),
    Index("ix_inspection_province_year_school", "inspection", ("province_code", "year", "school_id"),
          "inspection coverage of a year, per region"),
)


def create_statements(dialect: str) -> list[str]:
    """``CREATE INDEX`` statements (identifiers come from the list above, never from input)."""
    return [f"CREATE INDEX IF NOT EXISTS {ix.name} ON {ix.table} ({', '.join(ix.columns)})"
            + (f" WHERE {ix.where}" if ix.where else "") for ix in INDEXES]


def create_indexes(conn: sa.Connection) -> None:
    """Create the indexes and refresh planner statistics on a SQLAlchemy connection."""
    for stmt in create_statements(conn.dialect.name):
        conn.execute(sa.text(stmt))
    if conn.dialect.name == "sqlite":
        conn.execute(sa.text("PRAGMA analysis_limit=2000"))
    conn.execute(sa.text("ANALYZE"))


def sync_indexes(engine: sa.Engine) -> list[str]:
    """Bring an existing registry's indexes in line with the list: create the missing ones, rebuild
    those whose columns changed (``IF NOT EXISTS`` would keep a stale definition), then ``ANALYZE``.
    The names of the indexes built; for registries generated before a change to the list (the
    benchmark keeps national ones for days)."""
    built = []
    existing = {}
    inspector = sa.inspect(engine)
    for table in {ix.table for ix in INDEXES}:
        existing.update({i["name"]: tuple(i["column_names"]) for i in inspector.get_indexes(table)})
    with engine.begin() as conn:
        for ix, stmt in zip(INDEXES, create_statements(engine.dialect.name)):
            if existing.get(ix.name) == ix.columns:
                continue
            if ix.name in existing:
                conn.execute(sa.text(f"DROP INDEX {ix.name}"))  # a name from the list above
            conn.execute(sa.text(stmt))
            built.append(ix.name)
        if built:
            if conn.dialect.name == "sqlite":
                conn.execute(sa.text("PRAGMA analysis_limit=2000"))
            conn.execute(sa.text("ANALYZE"))
    return built


def markdown() -> str:
    """The body of docs/replica-indexes.md; a test keeps the file identical to this."""
    lines = [
        "# Indexes the dashboard needs on the registry replica",
        "",
        "The dashboard only reads the replica, but it reads tens of millions of rows filtered by term or",
        "year, province, city and school, and counts them by day. Please create these indexes on the",
        "replica (or its primary) and keep planner statistics fresh (`ANALYZE`). The demo generator",
        "(`aidwatch demo-data`) creates exactly these after loading; the list lives in",
        "`aidwatch/demo/indexes.py` and this file is generated from it (`python -m aidwatch.demo.indexes`).",
        "",
        "| index | table | columns | why the dashboard needs it |",
        "|---|---|---|---|",
    ]
    for ix in INDEXES:
        columns = ", ".join(ix.columns) + (f" WHERE {ix.where}" if ix.where else "")
        lines.append(f"| `{ix.name}` | `{ix.table}` | `{columns}` | {ix.reason} |")
    lines += ["", "SQL (PostgreSQL and SQLite):", "", "```sql"]
    lines += [s + ";" for s in create_statements("postgresql")]
    lines += ["ANALYZE;", "```", ""]
    return "\n".join(lines)


if __name__ == "__main__":
    print(markdown(), end="")
