"""A registry with every kind of odd row the contract allows, answers worked out by hand (snapshot 20 Oct 2025).

(But a headcount far above the registry, which needs hundreds of students: tests/fixture_quality_headcount.py.)

The regions are those of tests/fixture_deadlines.py (schools 1–5) plus school 6
in 深圳. Each odd row says which checks it fires; clean rows are there so that
the counts are not simply "every row". The working-day calendar knows
2004–2026, so a date in 1999, 2003, 2027, 2030, 2031 or 2099 is
``calendar_unknown``. Rows refer to students 997, 998 and 999 that do not
exist (build with ``references=False``).

Per school (checks fired): school 1 → 18, school 2 → 11, school 3 → 3,
school 4 → 7, school 5 → 3, school 6 → 3; student 305 (school 1, but
``province_code`` 45) → 1 under 广西 at nation level. 广东 35, 广西 8, 北京 3,
nation 46, out of the 55 rows of 2025 (and those
outside the calendar) checked.
"""

from tests.fixture_deadlines import CITIES, PROVINCES, SCHOOLS

ODD_SCHOOL = {"id": 6, "code": "4403002", "name": "深圳市新港技工学校", "province_code": "44", "city_code": "440300",
              "level": "university", "opened_on": "2020-09-01", "closed_on": "2019-07-01"}  # value; closed < opened


def _student(sid, school, prov, name, idn, enrolled="2025-09-01", intake="2025A", **more):
    return {"id": sid, "school_id": school, "province_code": prov, "name": name, "id_number": idn,
            "enrolled_on": enrolled, "intake_term": intake, **more}


STUDENTS = [
    # school 1 (广州, 44)
    _student(301, 1, "44", "陈晓东", "440106200801013010", "2025-03-03", "2025S", registered_on="2025-03-10",
             reg_approved_on="2025-03-12"),                                                     # clean
    _student(302, 1, "44", "林一帆", "440106200801013020", registered_on="2025-08-20"),        # registered < enrolled
    _student(303, 1, "44", "黄诗琪", "440106200801013030", registered_on="2025-09-10",
             reg_approved_on="2025-09-05"),                                                     # approved < registered
    _student(304, 1, "44", "何俊", "440106200801013040", status="zombie", hardship="rich"),     # values
    _student(305, 1, "45", "罗嘉欣", "440106200801013050"),                                    # province ≠ school's
    _student(306, 1, "44", "梁文博", "440106202601013060", birth_date="2026-01-01",
             program_years=9),                                                                  # born later; values
    _student(307, 1, "44", "宋雨桐", "440106200801013070", "2003-09-01", "2003A", birth_date="1987-01-01"),  # calendar
    _student(308, 1, "44", "郑凯", "440106200801013080", intake="2025X"),                      # values
    # school 2 (广州, 44)
    _student(311, 2, "44", "谢思远", "440106200801013110", "2024-09-01", "2024A"),
    _student(312, 2, "44", "韩雪", "440106200801013120", registered_on="2025-09-05"),
    # school 3 (深圳, 44)
    _student(321, 3, "44", "冯志明", "440305200801013210"),
    # school 4 (南宁, 45)
    _student(331, 4, "45", "蒋丽华", "450102200801013310", "2025-03-03", "2025S", registered_on="2025-03-05"),
    _student(332, 4, "45", "蔡伟", "450102200801013320", "2025-03-03", "2025S", registered_on="2025-03-05"),
    # school 5 (北京, 11)
    _student(341, 5, "11", "钟晓", "110101200801013410", "2024-09-01", "2024A"),
]


def _change(cid, student, school, prov, kind, occurred, recorded=None, approved=None, rejected=None):
    return {"id": cid, "student_id": student, "school_id": school, "province_code": prov, "change_type": kind,
            "occurred_on": occurred, "recorded_on": recorded, "approved_on": approved, "rejected_on": rejected}


CHANGES = [
    _change(1, 301, 1, "44", "suspend", "2025-05-06", "2025-05-05"),                  # recorded < occurred
    _change(2, 301, 1, "44", "resume", "2025-06-03", "2025-06-04", approved="2025-06-03"),  # approved < recorded
    _change(3, 302, 1, "44", "major_change", "2025-08-15", "2025-08-18"),          # before enrolment (1 Sep)
    _change(4, 999, 1, "44", "withdraw", "2025-04-01", "2025-04-02"),                 # orphan student
    _change(5, 311, 2, "44", "vanish", "2025-03-03"),                                 # value
    _change(6, 311, 2, "44", "suspend", "2025-03-10", "2031-01-05"),                  # calendar (2031)
    _change(7, 331, 4, "45", "suspend", "2025-04-01", "2025-04-03", approved="2025-04-08"),  # clean
    _change(8, 331, 4, "45", "transfer_in", "1999-05-01", "1999-05-02"),              # before enrolment; calendar
    _change(9, 312, 2, "44", "suspend", "2025-09-15", "2003-09-16"),                  # recorded < occurred; calendar
]


def _aid(aid, student, school, prov, term, kind, **more):
    return {"id": aid, "student_id": student, "school_id": school, "province_code": prov, "term": term, "kind": kind,
            **more}


AID = [
    _aid(1, 301, 1, "44", "2025S", "tuition", submitted_on="2025-03-20", approved_on="2025-03-15",
         status="approved"),                                                            # approved < submitted
    _aid(2, 301, 1, "44", "2025S", "grant", grant_tier=1, amount=1150, submitted_on="2025-03-20",
         approved_on="2025-04-10", disbursed_on="2025-04-01", status="approved"),      # paid < approved
    _aid(3, 999, 1, "44", "2025S", "tuition", submitted_on="2025-03-20", approved_on="2025-04-01",
         status="approved"),                                                            # orphan student
    _aid(4, 311, 2, "44", "2025A", "grant", grant_tier=2, amount=-50, grade=0,
         submitted_on="2025-09-20"),                                                    # numbers
    _aid(5, 311, 2, "44", "2025A", "loan", status="pending", submitted_on="2025-09-20"),  # values
    _aid(6, 331, 4, "45", "2025S", "grant", grant_tier=1, amount=1150, submitted_on="2025-03-20",
         approved_on="2099-01-01", status="approved"),                                 # calendar (2099)
    _aid(7, 332, 4, "45", "2025S", "tuition", submitted_on="2025-03-20", approved_on="2025-04-01",
         status="approved"),                                                            # clean
    _aid(8, 321, 3, "44", "2025A", "tuition", submitted_on="2025-09-20"),               # clean
    _aid(9, 312, 2, "44", "2025Q", "tuition", submitted_on="2025-09-20"),               # value (term)
]


def _match(mid, student, school, prov, batch, pushed, **more):
    return {"id": mid, "batch_month": batch, "kind": more.pop("kind", "grant"), "student_id": student,
            "school_id": school, "province_code": prov, "term": more.pop("term", "2025S"),
            "other_school_name": "某职业学校", "other_province_code": "43", "pushed_on": pushed, **more}


MATCHES = [
    _match(1, 301, 1, "44", "2025-05", "2025-05-10", verified_on="2025-05-08", outcome="confirmed",
           rectified_on="2025-05-20"),                                                  # verified < pushed
    _match(2, 301, 1, "44", "2025-06", "2025-06-10", verified_on="2025-06-12", outcome="confirmed",
           rectified_on="2025-06-01"),                                                  # rectified < pushed
    _match(3, 998, 3, "44", "2025-07", "2025-07-10"),                                   # orphan student
    _match(4, 331, 4, "45", "2025-07", "2025-07-10", verified_on="2025-07-11", outcome="maybe"),  # value
    _match(5, 332, 4, "45", "2025-08", "2025-08-11", verified_on="1999-01-01",
           outcome="false_positive"),                                                   # verified < pushed; calendar
]

GRADUATIONS = [
    {"student_id": 311, "school_id": 2, "province_code": "44", "graduated_on": "2025-07-01",
     "uploaded_on": "2025-06-20"},                                                      # uploaded < graduated
    {"student_id": 997, "school_id": 3, "province_code": "44", "graduated_on": "2025-07-01"},   # orphan student
    {"student_id": 341, "school_id": 5, "province_code": "11", "graduated_on": "2027-07-01"},   # calendar (2027)
]

INSPECTIONS = [
    {"id": 1, "school_id": 1, "province_code": "44", "year": 2025, "inspected_on": "2025-06-01", "finding_count": 2,
     "rectified_on": "2025-05-01"},                                                     # rectified < inspected
    {"id": 2, "school_id": 2, "province_code": "44", "year": 2025, "inspected_on": "2025-06-01", "finding_count": 0,
     "serious": True},                                                                  # numbers: serious, no finding
    {"id": 3, "school_id": 4, "province_code": "45", "year": 2025, "inspected_on": "2025-06-01", "finding_count": 1,
     "rectified_on": "2030-01-01"},                                                     # calendar (2030)
    {"id": 4, "school_id": 5, "province_code": "11", "year": 2025, "inspected_on": "2025-06-02",
     "finding_count": -1},                                                              # numbers
]


def _headcount(school, prov, term, students, new):
    return {"school_id": school, "province_code": prov, "term": term, "reported_students": students,
            "reported_new": new}


# Headcounts stay within 50 of the registry's students (headcount_above_registry has its own fixture,
# tests/fixture_quality_headcount.py)
HEADCOUNTS = [
    _headcount(1, "44", "2025S", 40, 0),    # no new students reported, yet 301 is a 2025S intake
    _headcount(1, "44", "2025A", 40, 10),   # clean
    _headcount(2, "44", "2025A", 0, 0),     # zero headcount; and 312 is a 2025A intake
    _headcount(3, "44", "2025A", 50, 60),   # numbers: more new students than students
    _headcount(4, "45", "2025S", 40, 5),    # clean
    _headcount(5, "11", "2025X", 10, 1),    # value (term)
    _headcount(6, "44", "2025A", 0, 0),     # zero headcount (no students: no intake check)
]

ROLLOUT = [  # not checked by the quality page, but every page must survive them
    {"province_code": "44", "year": 2025, "policy_revised_on": "2025-03-01", "tier_count": 2,
     "tier_amounts": "3000,abc", "funds_disbursed_on": "2025-05-20", "report_submitted_on": "2025-06-01"},
    {"province_code": "45", "year": 2025, "tier_count": 0, "tier_amounts": "", "report_submitted_on": "2031-01-01"},
]

TABLES = {
    "province": PROVINCES, "city": CITIES, "school": [*SCHOOLS, ODD_SCHOOL], "student": STUDENTS,
    "status_change": CHANGES, "aid_record": AID, "duplicate_match": MATCHES, "graduation": GRADUATIONS,
    "inspection": INSPECTIONS, "school_headcount": HEADCOUNTS, "province_rollout": ROLLOUT,
    "registry_meta": [{"key": "snapshot_at", "value": "2025-10-20T18:00:00"}],
}
