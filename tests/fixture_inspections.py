"""A hand-built registry for inspection priorities, 2025, with answers worked out by hand.

Province 44 (two cities) and 45, as of Wed 2025-11-26 (the snapshot):

| school | city | flags | inspections (year, day, serious, rectified) | other signals as of D |
|---|---|---|---|---|
| 1 甲 | 440100 | dual plate | 2024-05-10 serious, not rectified | duplicate match pushed Fri 26 Sep, unverified: due 16 Oct → overdue |
| 2 乙 | 440100 | joint enrolment | 2025-06-10 (2 findings) | change occurred 3 Mar recorded 30 Apr (due 17 Mar: late); change occurred 9 Oct, unrecorded (due 22 Oct, Sat 11 Oct a working day: overdue); priority student (dibao) without a grant |
| 3 丙 | 440300 | — | 2025-12-05 (after D: not yet) | student enrolled 2021-09-01 on a 3-year programme, still enrolled (2021 + 3 + 1 = 2025-09-01 < D: phantom rule 3); tuition 2025S submitted 1 Apr, approved 1 Jun (after 20 May: late) |
| 4 丁 | 440300 | dual plate | 2025-03-01 | closed 2025-08-31: not a school as of D |
| 5 戊 | 450100 | — | 2025-04-15 serious, rectified 2025-12-10 (after D) | — |

Expected numbers are in tests/test_inspections.py next to each assertion.
"""

PROVINCES = [
    {"code": "44", "name": "广东省", "short_name": "粤", "region": "east"},
    {"code": "45", "name": "广西壮族自治区", "short_name": "桂", "region": "west"},
]
CITIES = [
    {"code": "440100", "province_code": "44", "name": "广州市"},
    {"code": "440300", "province_code": "44", "name": "深圳市"},
    {"code": "450100", "province_code": "45", "name": "南宁市"},
]
SCHOOLS = [
    {"id": 1, "code": "4401001", "name": "甲技师学院", "province_code": "44", "city_code": "440100", "dual_plate": True},
    {"id": 2, "code": "4401002", "name": "乙技工学校", "province_code": "44", "city_code": "440100",
     "joint_enrollment": True},
    {"id": 3, "code": "4403001", "name": "丙高级技工学校", "province_code": "44", "city_code": "440300"},
    {"id": 4, "code": "4403002", "name": "丁技工学校", "province_code": "44", "city_code": "440300", "dual_plate": True,
     "closed_on": "2025-08-31"},
    {"id": 5, "code": "4501001", "name": "戊技工学校", "province_code": "45", "city_code": "450100"},
]


def _student(sid, school, province, name, enrolled="2024-09-01", hardship=None):
    return {"id": sid, "school_id": school, "province_code": province, "id_number": f"44010620080101{sid:04d}",
            "name": name, "intake_term": f"{enrolled[:4]}A", "enrolled_on": enrolled, "registered_on": enrolled,
            "hardship": hardship}


STUDENTS = [
    _student(301, 1, "44", "张三"),
    _student(302, 2, "44", "李四"),
    _student(303, 2, "44", "王五"),
    _student(304, 2, "44", "赵六", enrolled="2025-03-01", hardship="dibao"),
    _student(305, 3, "44", "钱七", enrolled="2021-09-01"),
    _student(306, 3, "44", "孙八"),
]
INSPECTIONS = [
    {"id": 1, "school_id": 1, "province_code": "44", "year": 2024, "inspected_on": "2024-05-10", "finding_count": 3,
     "serious": True},
    {"id": 2, "school_id": 2, "province_code": "44", "year": 2025, "inspected_on": "2025-06-10", "finding_count": 2},
    {"id": 3, "school_id": 3, "province_code": "44", "year": 2025, "inspected_on": "2025-12-05"},
    {"id": 4, "school_id": 4, "province_code": "44", "year": 2025, "inspected_on": "2025-03-01"},
    {"id": 5, "school_id": 5, "province_code": "45", "year": 2025, "inspected_on": "2025-04-15", "finding_count": 1,
     "serious": True, "rectified_on": "2025-12-10"},
]
MATCHES = [
    {"id": 1, "batch_month": "2025-09", "kind": "grant", "student_id": 301, "school_id": 1, "province_code": "44",
     "term": "2025A", "other_school_name": "某职业学校", "other_province_code": "44", "pushed_on": "2025-09-26"},
]
CHANGES = [
    {"id": 1, "student_id": 302, "school_id": 2, "province_code": "44", "change_type": "major_change",
     "occurred_on": "2025-03-03", "recorded_on": "2025-04-30", "approved_on": "2025-05-06"},
    {"id": 2, "student_id": 303, "school_id": 2, "province_code": "44", "change_type": "major_change",
     "occurred_on": "2025-10-09"},
]
AID = [
    {"id": 1, "student_id": 306, "school_id": 3, "province_code": "44", "term": "2025S", "kind": "tuition",
     "amount": 1000, "submitted_on": "2025-04-01", "approved_on": "2025-06-01", "status": "approved"},
]

TABLES = {
    "province": PROVINCES, "city": CITIES, "school": SCHOOLS, "student": STUDENTS, "inspection": INSPECTIONS,
    "duplicate_match": MATCHES, "status_change": CHANGES, "aid_record": AID,
    "registry_meta": [{"key": "snapshot_at", "value": "2025-11-26T18:00:00"}],
}
