"""Headcounts against the registry's students (``headcount_above_registry``), answers worked out by hand.

The regions are those of tests/fixture_deadlines.py. A headcount is "far above" the registry when it is more
than 1.5 × the students the registry holds at the school whose programme runs through the term (any status)
and at least 50 more. Per headcount row, with the registry's students beside it:

| school | term  | headcount | registry | fires | why |
|---|---|---|---|---|---|
| 1 广州 | 2025S | 100 | 50  | yes | 40 of 2024A (3 y) + 10 of 2022A (3 y, last term 2025S); 100 > 75, 50 more: the margin's edge |
| 1 广州 | 2025A | 105 | 70  | no  | 40 of 2024A + 30 of 2025A; 105 = 1.5 × 70 is not more than it |
| 2 广州 | 2025A | 56  | 5   | yes | 5 of 2025A (2 y); two more at the school carry ``province_code`` 45 and are not counted (51 more) |
| 3 深圳 | 2025A | 160 | 106 | yes | 96 of 2024A + 10 of 2020A (6 y, last term 2026S); 5 of 2019A (6 y) ended 2025S; 160 > 159 |
| 4 南宁 | 2025S | 60  | 0   | yes | no student's programme runs through 2025S (the 2025A intake starts after it) |
| 4 南宁 | 2025A | 150 | 100 | no  | 60 enrolled + 40 withdrawn of 2025A: any status counts; 150 = 1.5 × 100 |
| 5 北京 | 2025A | 40  | 0   | no  | 40 more only: a small school's class is not a discrepancy |
| 5 北京 | 2026S | 500 | 0   | yes | in the 2026 view only |
| 5 北京 | 1999S | 500 | 0   | no  | outside the calendar: checked in every year's view, but the check reads year Y's terms only |

The rows of 2025 checked (``records``), placed by their own ``province_code``: 广东 — 35 students of a 2025
intake (school 1's 30, school 2's 5), 4 headcounts, 3 schools = 42 rows, 3 odd; 广西 — 102 students (school 4's
100, and school 2's two that carry 45, which are also ``province_mismatch``), 2 headcounts, 1 school = 105 rows,
3 odd; 北京 — 2 headcounts (2025A, 1999S), 1 school = 3 rows, none odd. In 2026: 北京 3 rows (2026S, 1999S,
the school), 1 odd. Snapshot 20 October 2025.
"""

import itertools

from tests.fixture_deadlines import CITIES, PROVINCES, SCHOOLS

_ids = itertools.count(1001)


def _cohort(school: int, prov: str, intake: str, n: int, years: int = 3, status: str = "enrolled") -> list[dict]:
    """``n`` students of one intake at one school (names and ID numbers are never shown by these tests)."""
    year, autumn = int(intake[:4]), intake.endswith("A")
    rows = []
    for sid in itertools.islice(_ids, n):
        rows.append({"id": sid, "school_id": school, "province_code": prov, "name": "测试学生",
                     "id_number": f"44010620080101{sid % 10000:04d}", "intake_term": intake, "program_years": years,
                     "enrolled_on": f"{year}-{'09' if autumn else '03'}-05", "status": status})
    return rows


STUDENTS = [
    *_cohort(1, "44", "2024A", 40), *_cohort(1, "44", "2022S", 20, status="graduated"),
    *_cohort(1, "44", "2022A", 10, status="graduated"), *_cohort(1, "44", "2025A", 30),
    *_cohort(2, "44", "2025A", 5, years=2), *_cohort(2, "45", "2025A", 2, years=2),
    *_cohort(3, "44", "2024A", 96), *_cohort(3, "44", "2020A", 10, years=6),
    *_cohort(3, "44", "2019A", 5, years=6, status="graduated"),
    *_cohort(4, "45", "2025A", 60), *_cohort(4, "45", "2025A", 40, status="withdrawn"),
]


def _headcount(school, prov, term, students, new):
    return {"school_id": school, "province_code": prov, "term": term, "reported_students": students,
            "reported_new": new}


HEADCOUNTS = [
    _headcount(1, "44", "2025S", 100, 0), _headcount(1, "44", "2025A", 105, 30),
    _headcount(2, "44", "2025A", 56, 5), _headcount(3, "44", "2025A", 160, 0),
    _headcount(4, "45", "2025S", 60, 0), _headcount(4, "45", "2025A", 150, 100),
    _headcount(5, "11", "2025A", 40, 0), _headcount(5, "11", "2026S", 500, 0), _headcount(5, "11", "1999S", 500, 0),
]

TABLES = {
    "province": PROVINCES, "city": CITIES, "school": SCHOOLS, "student": STUDENTS, "school_headcount": HEADCOUNTS,
    "registry_meta": [{"key": "snapshot_at", "value": "2025-10-20T18:00:00"}],
}
