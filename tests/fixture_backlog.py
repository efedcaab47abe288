"""A hand-built registry for the status-change backlog and phantom suspects, 2025, answers worked out by hand.

Three provinces (44 with two cities, 45, 11), five schools. The changes sit
around the 2025 Spring Festival (28 Jan–4 Feb off, make-up Sun 26 Jan and
Sat 8 Feb), Labour Day (1–5 May off, make-up Sun 27 Apr), the Dragon Boat
Festival (31 May–2 Jun off) and National Day (1–8 Oct off, make-up Sun 28 Sep
and Sat 11 Oct). The snapshot day, and so the default D, is Mon 20 Oct 2025.
Each change's due days are worked out next to it; the expected counts are in
tests/test_backlog.py next to each assertion.
"""

from tests.fixture_deadlines import CITIES, PROVINCES, SCHOOLS


def _student(sid, school, prov, name, idn, status="enrolled", enrolled="2024-09-01", years=3):
    return {"id": sid, "school_id": school, "province_code": prov, "name": name, "id_number": idn,
            "status": status, "enrolled_on": enrolled, "program_years": years, "intake_term": "2024A"}


STUDENTS = [
    # school 1 (广州, 44)
    _student(201, 1, "44", "陈小红", "440106200801011111"),
    _student(202, 1, "44", "林大伟", "440106200801012222"),
    _student(203, 1, "44", "黄丽", "440106200801013333", status="transferred"),
    _student(204, 1, "44", "何志强", "440106200801014444", status="suspended"),
    _student(205, 1, "44", "罗敏", "440106200801015555"),
    # school 2 (广州, 44)
    _student(206, 2, "44", "梁静", "440106200801016666"),
    _student(207, 2, "44", "宋建国", "440106200801017777", status="suspended", enrolled="2022-09-01"),
    _student(208, 2, "44", "郑秀英", "440106200801018888", enrolled="2021-09-01"),
    _student(209, 2, "44", "谢军", "440106200801019999", enrolled="2022-09-01"),
    _student(210, 2, "44", "韩梅", "440106200801010000", enrolled="2022-09-01"),
    _student(216, 2, "44", "唐宁", "440106200801011212", enrolled="2021-10-20"),
    # school 3 (深圳, 44)
    _student(211, 3, "44", "冯刚", "440305200801011313", status="expelled"),
    _student(212, 3, "44", "曹雪", "440305200801011414"),
    _student(217, 3, "44", "彭飞", "440305200801011515", status="suspended", enrolled="2022-09-01"),
    # school 4 (南宁, 45)
    _student(213, 4, "45", "蒋涛", "450102200801011616", status="withdrawn"),
    _student(214, 4, "45", "蔡琳", "450102200801011717"),
    _student(215, 4, "45", "潘磊", "450102200801011818", enrolled="2020-09-01"),
    _student(218, 4, "45", "杜鹃", "450102200801011919"),
    # school 5 (北京, 11): nothing to report
    _student(219, 5, "11", "钟平", "110101200801012020"),
]


def _change(cid, student, school, prov, kind, occurred, recorded=None, approved=None, rejected=None):
    return {"id": cid, "student_id": student, "school_id": school, "province_code": prov, "change_type": kind,
            "occurred_on": occurred, "recorded_on": recorded, "approved_on": approved, "rejected_on": rejected}


CHANGES = [
    # c1 Fri 24 Jan: due(·,10) counts Sun 26 Jan (make-up), Mon 27 Jan, then 5, 6, 7 Feb, Sat 8 Feb (make-up),
    # 10, 11, 12, 13 Feb → due 13 Feb; recorded that day: on time (a weekday-only count would say 7 Feb, late).
    # Approval due(13 Feb, 10) = 27 Feb; approved 20 Feb (5 working days).
    _change(1, 201, 1, "44", "suspend", "2025-01-24", "2025-02-13", approved="2025-02-20"),
    # c2 Fri 25 Apr: Sun 27 Apr (make-up), 28, 29, 30 Apr, 6, 7, 8, 9, 12, 13 May → due 13 May; recorded 14 May:
    # late. Never decided: approval due(14 May, 10) = 28 May, so overdue approval at 20 Oct. Student 202 is
    # still enrolled → phantom rule 1 (withdraw not approved).
    _change(2, 202, 1, "44", "withdraw", "2025-04-25", "2025-05-14"),
    # c3 Fri 26 Sep: due 16 Oct (the spec's example); recorded on the make-up Sunday 28 Sep (1 working day),
    # approved Thu 9 Oct (29, 30 Sep, 9 Oct: 3 working days; approval due 17 Oct).
    _change(3, 203, 1, "44", "transfer_out", "2025-09-26", "2025-09-28", approved="2025-10-09"),
    # c4 Mon 29 Sep: 30 Sep, 9, 10, Sat 11 (make-up), 13–17, 20 Oct → due Mon 20 Oct. Not recorded: not
    # overdue at D = 20 Oct (D is not after the due day), overdue from 21 Oct.
    _change(4, 204, 1, "44", "suspend", "2025-09-29"),
    # c5 recorded in time, then rejected: neither awaiting nor overdue.
    _change(5, 205, 1, "44", "resume", "2025-03-03", "2025-03-05", rejected="2025-03-10"),
    # c6 Tue 3 Jun (after the Dragon Boat days off): due 17 Jun; never recorded → unrecorded and overdue.
    _change(6, 201, 1, "44", "resume", "2025-06-03"),
    # c7 Thu 9 Oct, recorded Fri 10 Oct; approval due: Sat 11 (make-up), 13–17, 20–23 Oct → 23 Oct: awaiting,
    # not overdue at 20 Oct (7 working days in).
    _change(7, 206, 2, "44", "major_change", "2025-10-09", "2025-10-10"),
    # Student 207: suspended since 1 Mar 2023 with no resume → rule 2 (a 2023 change: not in 2025's counts).
    _change(8, 207, 2, "44", "suspend", "2023-03-01", "2023-03-02", approved="2023-03-03"),
    # Student 210: suspended and resumed in 2023 → no rule.
    _change(9, 210, 2, "44", "suspend", "2023-01-10", "2023-01-11", approved="2023-01-12"),
    _change(10, 210, 2, "44", "resume", "2023-09-01", "2023-09-04", approved="2023-09-05"),
    # c11 expel Tue 6 May, recorded 7 May, approved 9 May (student 211 expelled: no rule).
    _change(11, 211, 3, "44", "expel", "2025-05-06", "2025-05-07", approved="2025-05-09"),
    # c12 deceased on 1 Dec 2025: after D = 20 Oct, so not yet counted; at D = 5 Dec it is (rule 1 for 212).
    _change(12, 212, 3, "44", "deceased", "2025-12-01"),
    # Student 217: suspended on 20 Oct 2023: exactly two years before 20 Oct 2025, so "more than two years"
    # only from 21 Oct.
    _change(13, 217, 3, "44", "suspend", "2023-10-20", "2023-10-23", approved="2023-10-24"),
    # c14 Thu 6 Feb: Fri 7, Sat 8 (make-up), 10–14, 17, 18, 19 Feb → due 19 Feb; recorded 20 Feb: late.
    _change(14, 213, 4, "45", "withdraw", "2025-02-06", "2025-02-20", approved="2025-02-21"),
    # c15 in 2024: not in 2025's counts.
    _change(15, 214, 4, "45", "transfer_in", "2024-12-20", "2024-12-23", approved="2024-12-24"),
    # c16 Tue 1 Jul: due 15 Jul, recorded 3 Jul; approval due 17 Jul, never decided → overdue approval.
    # Student 215 (enrolled 2020, three-year programme) fires rule 1 and rule 3: one suspect.
    _change(16, 215, 4, "45", "withdraw", "2025-07-01", "2025-07-03"),
    # c17 Mon 1 Sep: recorded 3 Sep (on time); approval due 17 Sep, approved only on 22 Oct → at 20 Oct
    # awaiting and overdue, and student 218 a rule-1 suspect; at 22 Oct neither.
    _change(17, 218, 4, "45", "withdraw", "2025-09-01", "2025-09-03", approved="2025-10-22"),
]

TABLES = {
    "province": PROVINCES, "city": CITIES, "school": SCHOOLS, "student": STUDENTS, "status_change": CHANGES,
    "registry_meta": [{"key": "snapshot_at", "value": "2025-10-20T18:00:00"}],
}
