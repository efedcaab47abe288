"""A hand-built registry for duplicate-aid alerts, 2025, with answers worked out by hand.

The regions and schools are the deadline fixture's (44 with two cities, 45, 11;
schools 1–3 in 44, 4 in 45, 5 in 11). Pushes sit just before the Spring
Festival 2025 (28 Jan–4 Feb off, Sun 26 Jan and Sat 8 Feb working) and National
Day 2025 (1–8 Oct off, Sun 28 Sep and Sat 11 Oct working). Due days
(``due(pushed_on, 10)``, checked against aidwatch.workdays):

| pushed | due | a weekday-only count would say |
|---|---|---|
| Fri 2025-01-24 | Thu 2025-02-13 (26 Jan, 27 Jan, 5–8 Feb, 10–13 Feb) | 2025-02-07 |
| Fri 2025-09-26 | Thu 2025-10-16 (28–30 Sep, 9–11 Oct, 13–16 Oct) | 2025-10-10 |
| Tue 2025-09-30 | Tue 2025-10-21 (9–11 Oct, 13–17 Oct, 20–21 Oct) | 2025-10-14 |
| Mon 2025-10-27 | Mon 2025-11-10 | |
| Thu 2025-11-20 | Thu 2025-12-04 | |

The matches (m = match id; s = student; verified/outcome/rectified):

| m | school | batch | kind | s | pushed | verified | outcome | rectified | as of 2025-11-26 |
|---|---|---|---|---|---|---|---|---|---|
| 1 | 1 | 2025-01 | grant | 201 | 01-24 | 02-13 | confirmed | 02-13 | closed on the due day (on time) |
| 2 | 1 | 2025-01 | tuition | 202 | 01-24 | 02-14 | false_positive | | closed late |
| 3 | 1 | 2025-09 | grant | 201 | 09-26 | 10-15 | confirmed | 10-17 | closed late (201: repeat) |
| 4 | 1 | 2025-09 | grant | 203 | 09-26 | | | | open, overdue since 10-17 |
| 5 | 1 | 2025-11 | tuition | 204 | 11-20 | | | | open |
| 6 | 1 | 2025-11 | grant | 202 | 11-20 | 11-25 | confirmed | | open (202: repeat) |
| 7 | 2 | 2025-09 | tuition | 205 | 09-30 | 10-21 | false_positive | | closed on time |
| 8 | 2 | 2025-11 | grant | 206 | 11-20 | | | | open (batch untouched) |
| 9 | 2 | 2025-11 | grant | 207 | 11-20 | | | | open (batch untouched) |
| 10 | 3 | 2025-09 | grant | 208 | 09-26 | 09-28 | confirmed | | open, overdue |
| 11 | 3 | 2025-10 | tuition | 208 | 10-27 | | | | open, overdue (208: repeat) |
| 12 | 4 | 2025-10 | grant | 209 | 10-27 | 11-03 | false_positive | | closed on time |
| 13–17 | 4 | 2025-10 | tuition | 210–214 | 10-27 | | | | 5 open, overdue |
| 18 | 5 | 2025-11 | tuition | 215 | 11-20 | | | | open (batch untouched) |
| 19 | 5 | 2024-12 | grant | 215 | 2024-12-20 | 12-23 | confirmed | 12-24 | another year |
| 20 | 5 | 2026-01 | grant | 215 | 2026-01-08 | | | | another year |

Expected numbers are in tests/test_duplicates.py next to each assertion.
"""

from tests.fixture_deadlines import CITIES, PROVINCES, SCHOOLS

PROVINCE_OF = {s["id"]: s["province_code"] for s in SCHOOLS}

NAMES = {201: "张小明", 202: "李华", 203: "欧阳美玲", 204: "王五", 205: "赵六", 206: "钱七", 207: "孙八",
         208: "周九", 209: "吴十", 210: "郑一", 211: "冯二", 212: "陈三", 213: "褚四", 214: "卫五", 215: "蒋六"}
SCHOOL_OF = {201: 1, 202: 1, 203: 1, 204: 1, 205: 2, 206: 2, 207: 2, 208: 3, 209: 4, 210: 4, 211: 4, 212: 4,
             213: 4, 214: 4, 215: 5}
DIVISION = {"44": "440106", "45": "450102", "11": "110101"}

STUDENTS = [
    {"id": sid, "school_id": SCHOOL_OF[sid], "province_code": PROVINCE_OF[SCHOOL_OF[sid]], "intake_term": "2024A",
     "enrolled_on": "2024-09-01", "registered_on": "2024-09-10", "name": name,
     "id_number": f"{DIVISION[PROVINCE_OF[SCHOOL_OF[sid]]]}20080101{sid:04d}"}  # e.g. 440106200801010201
    for sid, name in NAMES.items()
]


def _m(mid, school, batch, kind, student, pushed, verified=None, outcome=None, rectified=None,
       other=("广州市信息工程职业学校", "44")):
    year, month = int(batch[:4]), int(batch[5:])
    term = f"{year}S" if 3 <= month <= 8 else (f"{year}A" if month >= 9 else f"{year - 1}A")
    return {"id": mid, "batch_month": batch, "kind": kind, "student_id": student, "school_id": school,
            "province_code": PROVINCE_OF[school], "term": term, "other_school_name": other[0],
            "other_province_code": other[1], "pushed_on": pushed, "verified_on": verified, "outcome": outcome,
            "rectified_on": rectified}


MATCHES = [
    _m(1, 1, "2025-01", "grant", 201, "2025-01-24", "2025-02-13", "confirmed", "2025-02-13"),
    _m(2, 1, "2025-01", "tuition", 202, "2025-01-24", "2025-02-14", "false_positive"),
    _m(3, 1, "2025-09", "grant", 201, "2025-09-26", "2025-10-15", "confirmed", "2025-10-17"),
    _m(4, 1, "2025-09", "grant", 203, "2025-09-26", other=("南宁市第一职业技术学校", "45")),
    _m(5, 1, "2025-11", "tuition", 204, "2025-11-20"),
    _m(6, 1, "2025-11", "grant", 202, "2025-11-20", "2025-11-25", "confirmed"),
    _m(7, 2, "2025-09", "tuition", 205, "2025-09-30", "2025-10-21", "false_positive"),
    _m(8, 2, "2025-11", "grant", 206, "2025-11-20"),
    _m(9, 2, "2025-11", "grant", 207, "2025-11-20"),
    _m(10, 3, "2025-09", "grant", 208, "2025-09-26", "2025-09-28", "confirmed"),
    _m(11, 3, "2025-10", "tuition", 208, "2025-10-27"),
    _m(12, 4, "2025-10", "grant", 209, "2025-10-27", "2025-11-03", "false_positive",
       other=("南宁市第三职业技术学校", "45")),
    *[_m(m, 4, "2025-10", "tuition", s, "2025-10-27", other=("南宁市第三职业技术学校", "45"))
      for m, s in zip(range(13, 18), range(210, 215))],
    _m(18, 5, "2025-11", "tuition", 215, "2025-11-20", other=("北京市商业学校", "11")),
    _m(19, 5, "2024-12", "grant", 215, "2024-12-20", "2024-12-23", "confirmed", "2024-12-24",
       other=("北京市商业学校", "11")),
    _m(20, 5, "2026-01", "grant", 215, "2026-01-08", other=("北京市商业学校", "11")),
]

TABLES = {
    "province": PROVINCES, "city": CITIES, "school": SCHOOLS, "student": STUDENTS, "duplicate_match": MATCHES,
    "registry_meta": [{"key": "snapshot_at", "value": "2025-11-26T18:00:00"}],
}
