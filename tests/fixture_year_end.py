"""A hand-built registry for the year boundary: status changes and duplicate matches of December 2026
whose 10-working-day clocks run into 2027, a year the calendar does not know yet.

December 2026 has no holidays: its working days are 1–4, 7–11, 14–18, 21–25 and 28–31 Dec. The tests
run on a calendar that ends on 31 Dec 2026 (``calendar_through_2026`` in tests/conftest.py), so
``due(d, 10)`` for any d from Fri 18 Dec on is past the calendar: ``BEYOND``, after every D it knows.

| start | due(start, 10) |
|---|---|
| Mon 2026-11-02 | Mon 2026-11-16 |
| Tue 2026-11-03 | Tue 2026-11-17 |
| Tue 2026-12-01 | Tue 2026-12-15 (2–4, 7–11, 14–15 Dec) |
| Thu 2026-12-10 | Thu 2026-12-24 (11, 14–18, 21–24 Dec) |
| Mon 2026-12-14 | Mon 2026-12-28 |
| Wed 2026-12-16 | Wed 2026-12-30 |
| Thu 2026-12-17 | Thu 2026-12-31 (18, 21–25, 28–31 Dec) |
| Fri 2026-12-18 and later | BEYOND (only 9 working days are left in 2026) |

Status changes (students 301–308; none of a type that takes a student off the roll, so no suspects):

| c | school | occurred | recorded | approved | recording | approval |
|---|---|---|---|---|---|---|
| 1 | 1 | 12-01 | 12-16 | 12-18 | late (due 12-15) | due 12-30, approved in time |
| 2 | 1 | 12-10 | | | overdue from D = 12-25 (due 12-24) | |
| 3 | 1 | 12-14 | 12-29 | | late (due 12-28) from D = 12-29 | due BEYOND: awaiting, never overdue |
| 4 | 1 | 12-17 | | | due 12-31: pending at every D ≤ 12-31 | |
| 5 | 1 | 12-18 | 12-30 | | due BEYOND: on time | due BEYOND: awaiting |
| 6 | 1 | 12-22 | | | due BEYOND: pending | |
| 7 | 4 (广西) | 12-24 | 12-24 | 12-28 | due BEYOND: on time | due BEYOND; approved |
| 8 | 1 | 11-02 | 11-03 | | on time (due 11-16) | due 11-17: overdue all December |

Duplicate matches, batch 2026-12, school 1 (students 301–305, one match each: no repeats):

| m | pushed | due | verified | outcome | rectified | state |
|---|---|---|---|---|---|---|
| 1 | 12-01 | 12-15 | 12-16 | false_positive | | closed late |
| 2 | 12-10 | 12-24 | | | | open, overdue from D = 12-25 |
| 3 | 12-18 | BEYOND | | | | open, never overdue |
| 4 | 12-21 | BEYOND | 12-22 | confirmed | 12-30 | closed 12-30, not late |
| 5 | 12-17 | 12-31 | 12-31 | false_positive | | closed on its due day: on time |

The expected rows for every D from 17 to 31 December are in tests/test_year_end.py.
"""

from tests.fixture_backlog import _change, _student
from tests.fixture_deadlines import CITIES, PROVINCES, SCHOOLS
from tests.fixture_duplicates import _m

STUDENTS = [_student(sid, 1, "44", name, f"44010620090101{sid:04d}", enrolled="2025-09-01")
            for sid, name in zip(range(301, 307), ("陈一", "林二", "黄三", "何四", "罗五", "梁六"))]
STUDENTS += [_student(307, 4, "45", "蒋七", "450102200901010307", enrolled="2025-09-01"),
             _student(308, 1, "44", "宋八", "440106200901010308", enrolled="2025-09-01")]

CHANGES = [
    _change(1, 301, 1, "44", "suspend", "2026-12-01", "2026-12-16", approved="2026-12-18"),
    _change(2, 302, 1, "44", "major_change", "2026-12-10"),
    _change(3, 303, 1, "44", "resume", "2026-12-14", "2026-12-29"),
    _change(4, 304, 1, "44", "suspend", "2026-12-17"),
    _change(5, 305, 1, "44", "major_change", "2026-12-18", "2026-12-30"),
    _change(6, 306, 1, "44", "suspend", "2026-12-22"),
    _change(7, 307, 4, "45", "major_change", "2026-12-24", "2026-12-24", approved="2026-12-28"),
    _change(8, 308, 1, "44", "major_change", "2026-11-02", "2026-11-03"),
]

MATCHES = [
    _m(1, 1, "2026-12", "grant", 301, "2026-12-01", "2026-12-16", "false_positive"),
    _m(2, 1, "2026-12", "grant", 302, "2026-12-10"),
    _m(3, 1, "2026-12", "tuition", 303, "2026-12-18"),
    _m(4, 1, "2026-12", "grant", 304, "2026-12-21", "2026-12-22", "confirmed", "2026-12-30"),
    _m(5, 1, "2026-12", "tuition", 305, "2026-12-17", "2026-12-31", "false_positive"),
]

TABLES = {
    "province": PROVINCES, "city": CITIES, "school": SCHOOLS, "student": STUDENTS, "status_change": CHANGES,
    "duplicate_match": MATCHES, "registry_meta": [{"key": "snapshot_at", "value": "2026-12-31T18:00:00"}],
}
