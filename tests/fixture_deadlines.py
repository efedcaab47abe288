"""A hand-built registry for deadline progress, 2025, with answers worked out by hand.

Three provinces (44 with two cities, 45, 11), five schools. Dates sit around
Labour Day 2025 (1–5 May off, Sunday 27 April a make-up working day) and the
National Day make-up Sunday 28 September. The expected numbers are in
tests/test_deadlines.py next to each assertion.
"""

PROVINCES = [
    {"code": "44", "name": "广东省", "short_name": "粤", "region": "east"},
    {"code": "45", "name": "广西壮族自治区", "short_name": "桂", "region": "west"},
    {"code": "11", "name": "北京市", "short_name": "京", "region": "east"},
]
CITIES = [
    {"code": "440100", "province_code": "44", "name": "广州市"},
    {"code": "440300", "province_code": "44", "name": "深圳市"},
    {"code": "450100", "province_code": "45", "name": "南宁市"},
    {"code": "110101", "province_code": "11", "name": "东城区"},
]
SCHOOLS = [
    {"id": 1, "code": "4401001", "name": "广州市交通技师学院", "province_code": "44", "city_code": "440100"},
    {"id": 2, "code": "4401002", "name": "广州市轻工技工学校", "province_code": "44", "city_code": "440100"},
    {"id": 3, "code": "4403001", "name": "深圳市高级技工学校", "province_code": "44", "city_code": "440300"},
    {"id": 4, "code": "4501001", "name": "南宁市技工学校", "province_code": "45", "city_code": "450100"},
    {"id": 5, "code": "1101001", "name": "北京市工贸技师学院", "province_code": "11", "city_code": "110101"},
]


def _student(sid, school, prov, intake, registered, name, idn):
    return {"id": sid, "school_id": school, "province_code": prov, "intake_term": intake,
            "enrolled_on": "2025-03-03" if intake.endswith("S") else "2025-09-01",
            "registered_on": registered, "name": name, "id_number": idn}


STUDENTS = [
    _student(101, 1, "44", "2025S", "2025-03-10", "张小明", "440106200801011234"),
    _student(102, 1, "44", "2025S", "2025-04-27", "李华", "440106200802022345"),
    _student(103, 1, "44", "2025S", "2025-05-06", "欧阳美玲", "440106200803033456"),
    _student(104, 1, "44", "2025S", None, "王五", "440106200804044567"),
    _student(105, 2, "44", "2025S", "2025-04-30", "赵六", "440106200805055678"),
    _student(106, 3, "44", "2025S", "2025-04-29", "钱七", "440305200806066789"),
    _student(107, 4, "45", "2025S", "2025-04-10", "孙八", "450102200807077890"),
    _student(108, 4, "45", "2025S", "2025-04-11", "周九", "450102200808088901"),
    _student(109, 4, "45", "2025S", "2025-04-14", "吴十", "450102200809099012"),
    _student(110, 1, "44", "2025A", "2025-09-28", "郑一", "440106200810101123"),
    _student(111, 5, "11", "2025A", "2025-10-09", "冯二", "110101200811112234"),
]

HEADCOUNT = [
    {"school_id": 1, "province_code": "44", "term": "2025S", "reported_students": 400, "reported_new": 4},
    {"school_id": 2, "province_code": "44", "term": "2025S", "reported_students": 100, "reported_new": 1},
    {"school_id": 3, "province_code": "44", "term": "2025S", "reported_students": 200, "reported_new": 2},
    {"school_id": 4, "province_code": "45", "term": "2025S", "reported_students": 300, "reported_new": 3},
    {"school_id": 5, "province_code": "11", "term": "2025S", "reported_students": 50, "reported_new": 0},
    {"school_id": 1, "province_code": "44", "term": "2025A", "reported_students": 400, "reported_new": 1},
    {"school_id": 5, "province_code": "11", "term": "2025A", "reported_students": 50, "reported_new": 2},
]


def _aid(rid, student, school, prov, kind, submitted, approved, disbursed, status, grade=1):
    return {"id": rid, "student_id": student, "school_id": school, "province_code": prov, "term": "2025S",
            "grade": grade, "kind": kind, "grant_tier": 1 if kind == "grant" else None,
            "amount": 1150 if kind == "grant" else 1000, "submitted_on": submitted, "approved_on": approved,
            "disbursed_on": disbursed, "status": status}


AID = [
    _aid(1, 101, 1, "44", "tuition", "2025-04-01", "2025-05-09", None, "approved"),
    _aid(2, 102, 1, "44", "grant", "2025-04-01", "2025-05-21", "2025-05-30", "approved", grade=3),
    _aid(3, 103, 1, "44", "grant", "2025-05-12", None, None, "submitted"),
    _aid(4, 104, 1, "44", "tuition", "2025-04-02", None, None, "rejected"),
    _aid(5, 107, 4, "45", "grant", "2025-03-20", "2025-04-15", "2025-06-03", "approved"),
    _aid(6, 108, 4, "45", "grant", "2025-03-20", "2025-04-15", "2025-05-20", "revoked"),
]

ROLLOUT = [
    {"province_code": "44", "year": 2025, "policy_revised_on": "2025-03-31", "tier_count": 2,
     "tier_amounts": "2600,2000", "report_submitted_on": "2025-06-06"},
    {"province_code": "45", "year": 2025, "policy_revised_on": "2025-04-15", "tier_count": 3,
     "tier_amounts": "3000,2300,1600", "report_submitted_on": "2025-06-09"},
    {"province_code": "11", "year": 2025},
]

TABLES = {
    "province": PROVINCES, "city": CITIES, "school": SCHOOLS, "student": STUDENTS,
    "school_headcount": HEADCOUNT, "aid_record": AID, "province_rollout": ROLLOUT,
    "registry_meta": [{"key": "snapshot_at", "value": "2025-11-26T18:00:00"}],
}
