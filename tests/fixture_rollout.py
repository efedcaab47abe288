"""A hand-built registry for the expansion rollout, 2025, with answers worked out by hand.

Four provinces: 广东 (44, two cities) reports on 6 June itself, 广西 (45) on
Monday 9 June (one working day late), 北京 (11) never, 天津 (12) early on 28
May. Dragon Boat Festival 2025: 31 May – 2 June off, so 6 June is a Friday
working day. Semester amounts are half the declared yearly tier amounts
(44: 2600/2000 → 1300/1000; 45: 3000/2300/1600 → 1500/1150/800). The
expected numbers are in tests/test_rollout.py next to each assertion.
"""

from tests import fixture_deadlines

# the deadline fixture's places, plus 天津 with one school
PROVINCES = fixture_deadlines.PROVINCES + [{"code": "12", "name": "天津市", "short_name": "津", "region": "east"}]
CITIES = fixture_deadlines.CITIES + [{"code": "120101", "province_code": "12", "name": "和平区"}]
SCHOOLS = fixture_deadlines.SCHOOLS + [
    {"id": 6, "code": "1201001", "name": "天津市机电工艺学院", "province_code": "12", "city_code": "120101"},
]


def _student(sid, school, prov, name, idn, hardship=None, status="enrolled", enrolled="2023-09-01"):
    return {"id": sid, "school_id": school, "province_code": prov, "intake_term": enrolled[:4] + "A",
            "enrolled_on": enrolled, "registered_on": enrolled, "name": name, "id_number": idn,
            "hardship": hardship, "status": status}


STUDENTS = [
    _student(201, 1, "44", "张小明", "440106200801011234", "registered_poor"),  # grant r1: covered
    _student(202, 1, "44", "李华", "440106200802022345"),
    _student(203, 2, "44", "赵六", "440106200805055678", "disabled"),          # grant r3: covered
    _student(204, 3, "44", "钱七", "440305200806066789", "martyr_child"),      # grant r4, revoked later: covered
    _student(205, 3, "44", "孙三", "440305200807077890"),
    _student(206, 1, "44", "周九", "440106200808088901", "dibao"),             # grant rejected: without
    _student(207, 1, "44", "欧阳美玲", "440106200803033456", "orphan"),        # approved 20 June: without until then
    _student(208, 1, "44", "王五", "440106200804044567", "edge_poverty"),      # tuition only: without
    _student(209, 1, "44", "吴十", "440106200809099012", "dibao", status="withdrawn"),  # not enrolled: not counted
    _student(210, 1, "44", "郑一", "440106200810101123", "tekun", enrolled="2025-09-01"),  # enrolled after D
    _student(301, 4, "45", "孙八", "450102200807077890", "registered_poor"),   # grant r11: covered
    _student(302, 4, "45", "冯二", "450102200811112234"),
    _student(303, 4, "45", "陈四", "450102200812122345"),
    _student(304, 4, "45", "褚五", "450102200901013456", "sudden_hardship"),   # nothing: without
    _student(401, 6, "12", "卫六", "120101200902024567"),
    _student(501, 5, "11", "蒋七", "110101200903035678", "dibao"),             # nothing: without
]


def _grant(rid, student, school, prov, grade, tier, amount, approved, disbursed, status="approved",
           submitted="2025-04-01", term="2025S", kind="grant"):
    return {"id": rid, "student_id": student, "school_id": school, "province_code": prov, "term": term,
            "grade": grade, "kind": kind, "grant_tier": tier if kind == "grant" else None, "amount": amount,
            "submitted_on": submitted, "approved_on": approved, "disbursed_on": disbursed, "status": status}


AID = [
    # 广东: declared 2600 / 2000 a year → 1300 / 1000 a semester
    _grant(1, 201, 1, "44", 3, 1, 1300, "2025-05-10", "2025-05-20"),
    _grant(2, 202, 1, "44", 1, 2, 1000, "2025-05-10", "2025-05-28"),
    _grant(3, 203, 2, "44", 2, 2, 1000, "2025-05-15", "2025-06-10"),
    _grant(4, 204, 3, "44", 3, 1, 1300, "2025-05-20", "2025-05-25", status="revoked"),
    _grant(5, 205, 3, "44", 1, 1, 1250, "2025-06-12", None),            # approved after 10 June; off tier
    _grant(6, 201, 1, "44", 3, None, 1000, "2025-05-10", "2025-05-20", kind="tuition"),
    _grant(7, 206, 1, "44", 2, 2, 1000, None, None, status="rejected", submitted="2025-05-05"),
    _grant(8, 207, 1, "44", 1, 1, 1300, "2025-06-20", None, submitted="2025-05-20"),
    _grant(9, 208, 1, "44", 1, None, 1000, "2025-05-10", "2025-05-20", kind="tuition"),
    _grant(10, 208, 1, "44", 1, 1, 1000, "2024-04-01", "2024-04-10", term="2024S", submitted="2024-03-01"),
    # 广西: declared 3000 / 2300 / 1600 → 1500 / 1150 / 800
    _grant(11, 301, 4, "45", 3, 1, 1500, "2025-04-20", "2025-06-03"),
    _grant(12, 302, 4, "45", 1, 3, 800, "2025-04-20", "2025-06-03"),
    _grant(13, 303, 4, "45", 2, 3, 800, "2025-04-25", None),
    # 天津: one tier of 2300
    _grant(21, 401, 6, "12", 1, 1, 1150, "2025-05-12", "2025-05-20"),
]

ROLLOUT = [
    {"province_code": "44", "year": 2025, "policy_revised_on": "2025-03-31", "tier_count": 2,
     "tier_amounts": "2600,2000", "funds_disbursed_on": "2025-05-30", "report_submitted_on": "2025-06-06"},
    {"province_code": "45", "year": 2025, "policy_revised_on": "2025-04-15", "tier_count": 3,
     "tier_amounts": "3000,2300,1600", "funds_disbursed_on": "2025-06-03", "report_submitted_on": "2025-06-09"},
    {"province_code": "11", "year": 2025},
    {"province_code": "12", "year": 2025, "policy_revised_on": "2025-06-03", "tier_count": 1,
     "tier_amounts": "2300", "report_submitted_on": "2025-05-28"},
]

TABLES = {
    "province": PROVINCES, "city": CITIES, "school": SCHOOLS, "student": STUDENTS, "aid_record": AID,
    "province_rollout": ROLLOUT, "registry_meta": [{"key": "snapshot_at", "value": "2025-06-10T18:00:00"}],
}
