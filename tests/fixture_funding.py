"""A hand-built registry for the central-subsidy gap, 2026, answers worked out by hand.

The deadline fixture's regions: 广东 44 (广州 with schools 1 and 2, 深圳 with
school 3), 广西 45 (南宁, school 4), 北京 11 (东城, school 5). Terms 2026S from
Sun 1 Mar, 2026A from Tue 1 Sep; approval due 20 May and 30 Nov. The as-of
dates the tests use: Fri 27 Feb (no term yet), Wed 15 Apr, Thu 21 May (after the
spring deadline), Tue 15 Sep (both terms), Tue 1 Dec (after the autumn one).

What each school holds (T = tuition, G = grant; "app" the approval day):

school 1, headcount 5 (S) and 3 (A):
  s401 T 1000.00 sub 10 Mar app 10 Apr · G 575.00 sub 10 Mar app 25 May · A: T 1000.00 sub 10 Sep, never
  s402 T 1000.01 sub 10 Mar app 15 May, later revoked (stays approved) · A: T 1000.00 sub 20 Sep app 10 Oct
  s403 T 1000.00 sub 20 Apr, never approved · G 575.00 rejected (left out everywhere)
  s404 T 1000.00 rejected: never declared
  s405 T 1000.00 with no submission day: never declared
  s406 T 1000.00 sub 20 Mar app 10 Sep here, and T 1000.00 at school 3 too (a student at two schools)
school 2, headcount 1 (S), a surplus: s407, s408 T 900.00 sub 5 Mar app 10 Jun
school 3, headcount 2 (S): s406 T 1000.00 sub 25 Mar app 1 Jun · s409 G 575.00 sub 25 Mar app 1 Jul
school 4, headcount 3 (S) and 1 (A): s410, s411 T 800.00 sub 2 Mar app 16 Mar · s412 T 800.00 sub 2 Mar app
  25 May (late) · s413 G 500.00 sub 2 Mar app 16 Mar · A: s410 T 800.00 sub 5 Sep app 12 Sep
school 5, headcount 2 (S): s414 T 1200.00 sub 10 Mar app 15 Jun (北京 has no approved record before)

广东's spring average: at 15 Apr s401's 1000.00 alone; at 21 May (1000.00 + 1000.01) / 2 = 1000.005 →
1000.01 (half up, where rounding half to even gives 1000.00); at 15 Sep the eight approved records, 6950.01
over s401, s402, s406, s407, s408, s409 = 1158.335 → 1158.34. The expected rows are in tests/test_funding.py.
"""

from decimal import Decimal

from tests.fixture_deadlines import CITIES, PROVINCES, SCHOOLS

PEOPLE = {
    401: (1, "44", "陈一鸣", "440106200801014011"), 402: (1, "44", "林二丫", "440106200801014022"),
    403: (1, "44", "黄三石", "440106200801014033"), 404: (1, "44", "何四海", "440106200801014044"),
    405: (1, "44", "罗五岳", "440106200801014055"), 406: (1, "44", "梁六", "440106200801014066"),
    407: (2, "44", "宋七", "440106200801014077"), 408: (2, "44", "郑八", "440106200801014088"),
    409: (3, "44", "谢九", "440305200801014099"), 410: (4, "45", "韩十", "450102200801014100"),
    411: (4, "45", "冯十一", "450102200801014111"), 412: (4, "45", "蒋十二", "450102200801014122"),
    413: (4, "45", "蔡十三", "450102200801014133"), 414: (5, "11", "潘十四", "110101200801014144"),
}
STUDENTS = [{"id": sid, "school_id": school, "province_code": prov, "name": name, "id_number": idn,
             "intake_term": "2025A", "enrolled_on": "2025-09-01", "registered_on": "2025-09-10",
             "reg_approved_on": "2025-09-20"} for sid, (school, prov, name, idn) in PEOPLE.items()]

HEADCOUNT = [{"school_id": school, "province_code": prov, "term": term, "reported_students": n, "reported_new": 0}
             for school, prov, term, n in ((1, "44", "2026S", 5), (2, "44", "2026S", 1), (3, "44", "2026S", 2),
                                           (4, "45", "2026S", 3), (5, "11", "2026S", 2), (1, "44", "2026A", 3),
                                           (4, "45", "2026A", 1), (1, "44", "2025A", 900))]


def _aid(rid, student, kind, amount, submitted, approved=None, status=None, school=None, term="2026S"):
    home, prov, _, _ = PEOPLE[student]
    return {"id": rid, "student_id": student, "school_id": school or home, "province_code": prov, "term": term,
            "kind": kind, "grant_tier": 1 if kind == "grant" else None, "amount": Decimal(amount),
            "submitted_on": submitted, "approved_on": approved,
            "status": status or ("approved" if approved else "submitted")}


AID = [
    _aid(1, 401, "tuition", "1000.00", "2026-03-10", "2026-04-10"),
    _aid(2, 401, "grant", "575.00", "2026-03-10", "2026-05-25"),
    _aid(3, 402, "tuition", "1000.01", "2026-03-10", "2026-05-15", "revoked"),
    _aid(4, 403, "tuition", "1000.00", "2026-04-20"),
    _aid(5, 403, "grant", "575.00", "2026-03-10", status="rejected"),
    _aid(6, 404, "tuition", "1000.00", "2026-03-12", status="rejected"),
    _aid(7, 405, "tuition", "1000.00", None),
    _aid(8, 406, "tuition", "1000.00", "2026-03-20", "2026-09-10"),
    _aid(9, 406, "tuition", "1000.00", "2026-03-25", "2026-06-01", school=3),
    _aid(10, 407, "tuition", "900.00", "2026-03-05", "2026-06-10"),
    _aid(11, 408, "tuition", "900.00", "2026-03-05", "2026-06-10"),
    _aid(12, 409, "grant", "575.00", "2026-03-25", "2026-07-01"),
    _aid(13, 410, "tuition", "800.00", "2026-03-02", "2026-03-16"),
    _aid(14, 411, "tuition", "800.00", "2026-03-02", "2026-03-16"),
    _aid(15, 412, "tuition", "800.00", "2026-03-02", "2026-05-25"),
    _aid(16, 413, "grant", "500.00", "2026-03-02", "2026-03-16"),
    _aid(17, 414, "tuition", "1200.00", "2026-03-10", "2026-06-15"),
    _aid(18, 401, "tuition", "1000.00", "2026-09-10", term="2026A"),
    _aid(19, 402, "tuition", "1000.00", "2026-09-20", "2026-10-10", term="2026A"),
    _aid(20, 410, "tuition", "800.00", "2026-09-05", "2026-09-12", term="2026A"),
    # 2025's autumn: another year, never counted in 2026
    _aid(21, 401, "tuition", "999.00", "2025-09-10", term="2025A"),
]

TABLES = {
    "province": PROVINCES, "city": CITIES, "school": SCHOOLS, "student": STUDENTS, "school_headcount": HEADCOUNT,
    "aid_record": AID, "registry_meta": [{"key": "snapshot_at", "value": "2026-12-01T18:00:00"}],
}
