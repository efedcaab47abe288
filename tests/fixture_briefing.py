"""The briefing's registry: the other pages' hand-built fixtures side by side, each area from its own.

- deadlines, rollout funds and reports: tests/fixture_deadlines.py as it is (provinces 44, 45, 11;
  schools 1–5; students 101–111; aid records 1–6; reports 44 on 6 June, 45 on 9 June, 11 never);
- duplicate alerts: tests/fixture_duplicates.py's matches and students (201–215) as they are;
- backlog: tests/fixture_backlog.py's status changes, its students moved to 1201–1219;
- inspections: tests/fixture_inspections.py's schools moved to ids 11–15 (codes 44019xx…) with their
  inspections; its students, matches, changes and aid records are left out, so that they do not
  change the other areas' answers.

The briefing is read as of Tue 10 June 2025 (the snapshot), a week before (3 June) and a month
before (11 May); the expected numbers are worked out in tests/test_briefing.py next to each assertion.
"""

from tests import fixture_backlog, fixture_deadlines, fixture_duplicates, fixture_inspections

STUDENT_OFFSET = 1000  # backlog students
SCHOOL_OFFSET = 10     # inspection schools


def _moved_school(s: dict) -> dict:
    return {**s, "id": s["id"] + SCHOOL_OFFSET, "code": s["code"][:4] + "9" + s["code"][5:]}


BACKLOG_STUDENTS = [{**s, "id": s["id"] + STUDENT_OFFSET} for s in fixture_backlog.STUDENTS]
BACKLOG_CHANGES = [{**c, "student_id": c["student_id"] + STUDENT_OFFSET} for c in fixture_backlog.CHANGES]
INSPECTION_SCHOOLS = [_moved_school(s) for s in fixture_inspections.SCHOOLS]
INSPECTIONS = [{**i, "school_id": i["school_id"] + SCHOOL_OFFSET} for i in fixture_inspections.INSPECTIONS]

TABLES = {
    **fixture_deadlines.TABLES,
    "school": fixture_deadlines.SCHOOLS + INSPECTION_SCHOOLS,
    "student": fixture_deadlines.STUDENTS + fixture_duplicates.STUDENTS + BACKLOG_STUDENTS,
    "duplicate_match": fixture_duplicates.MATCHES,
    "status_change": BACKLOG_CHANGES,
    "inspection": INSPECTIONS,
    "registry_meta": [{"key": "snapshot_at", "value": "2025-06-10T18:00:00"}],
}
