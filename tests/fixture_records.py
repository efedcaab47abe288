"""A hand-built registry for record approval and graduation, 2026, answers worked out by hand.

Three provinces (44 with two cities, 45, 11), five schools (the deadline
fixture's regions). The 2026 working-day calendar around the dates used: the
Spring Festival (15–23 Feb off, Sat 14 Feb and Sat 28 Feb make-up), Labour Day
(1–5 May off, Sat 9 May make-up; Sun 26 Apr is a plain Sunday), the
Mid-Autumn Festival (Fri 25 Sep off, Sun 20 Sep make-up) and National Day (1–7
Oct off, Sat 10 Oct make-up). Every clock is the dashboard's N = 10 working
days. The snapshot day, and so the default D, is Tue 20 Oct 2026. Each
record's due day and lag is worked out next to it; the expected counts are in
tests/test_records.py next to each assertion.
"""

from tests.fixture_deadlines import CITIES, PROVINCES, SCHOOLS


def _student(sid, school, prov, name, idn, intake, registered=None, approved=None, status="enrolled"):
    return {"id": sid, "school_id": school, "province_code": prov, "name": name, "id_number": idn,
            "intake_term": intake, "registered_on": registered, "reg_approved_on": approved, "status": status,
            "enrolled_on": "2026-03-02" if intake.endswith("S") else "2026-09-01"}


STUDENTS = [
    # -- school 1 (广州, 44) --
    # r301 Thu 23 Apr: 24, 27–30 Apr, 6, 7, 8, Sat 9 (make-up), 11 May → due Mon 11 May. Approved Fri 8 May:
    # lag 8 (24 Apr, 27–30 Apr, 6–8 May), on time.
    _student(301, 1, "44", "陈一鸣", "440106201001011111", "2026S", "2026-04-23", "2026-05-08"),
    # r302 the same day, approved Tue 12 May: lag 11 (… Sat 9, 11, 12 May), after its due day 11 May: late.
    _student(302, 1, "44", "林二丫", "440106201001012222", "2026S", "2026-04-23", "2026-05-12"),
    # r303 Thu 30 Apr, never approved: 6, 7, 8, Sat 9, 11–15, 18 May → due Mon 18 May; overdue from 19 May.
    _student(303, 1, "44", "黄三石", "440106201001013333", "2026S", "2026-04-30"),
    # r304 Fri 18 Sep: Sun 20 Sep (make-up), 21–24 (25 Sep is the Mid-Autumn holiday), 28–30 Sep, 8, 9 Oct → due
    # Fri 9 Oct; approved on the make-up Saturday 10 Oct: lag 11, late.
    _student(304, 1, "44", "何四海", "440106201001014444", "2026A", "2026-09-18", "2026-10-10"),
    # r305 Wed 30 Sep, never approved: 8, 9, Sat 10, 12–16, 19, 20 Oct → due Tue 20 Oct: not overdue on D,
    # overdue from 21 Oct.
    _student(305, 1, "44", "罗五岳", "440106201001015555", "2026A", "2026-09-30"),
    # r306 of the 2025 autumn intake and r307 never registered: neither counts in 2026.
    _student(306, 1, "44", "梁六", "440106201001016666", "2025A", "2025-09-10"),
    _student(307, 1, "44", "宋七", "440106201001017777", "2026S"),
    # -- school 2 (广州, 44) --
    # r308 Mon 2 Mar approved the same day: lag 0.
    _student(308, 2, "44", "郑八", "440106201001018888", "2026S", "2026-03-02", "2026-03-02"),
    # r309 Mon 2 Mar: 3–6, 9–13, 16 Mar → due Mon 16 Mar; approved that day: lag 10, on time.
    _student(309, 2, "44", "谢九", "440106201001019999", "2026S", "2026-03-02", "2026-03-16"),
    # r310 Fri 9 Oct: due Thu 22 Oct; approved 22 Oct, after D: awaiting (not overdue) at 20 Oct.
    _student(310, 2, "44", "韩十", "440106201001010000", "2026A", "2026-10-09", "2026-10-22"),
    # -- school 3 (深圳, 44) --
    # r311 Wed 6 May, approved on the make-up Saturday 9 May: lag 3 (7, 8, 9 May).
    _student(311, 3, "44", "冯十一", "440305201001011313", "2026S", "2026-05-06", "2026-05-09"),
    # -- school 4 (南宁, 45) --
    # r312 Tue 10 Feb: 11–13, Sat 14 Feb, 24–27, Sat 28 Feb, 2 Mar → due 2 Mar; approved Fri 20 Mar: lag 24, late.
    _student(312, 4, "45", "蒋十二", "450102201001011616", "2026S", "2026-02-10", "2026-03-20"),
    # r313 the same day, never approved: overdue since 3 Mar.
    _student(313, 4, "45", "蔡十三", "450102201001011717", "2026S", "2026-02-10"),
    # r314 Tue 1 Sep: 2–4, 7–11, 14, 15 Sep → due 15 Sep; approved that day: lag 10, on time.
    _student(314, 4, "45", "潘十四", "450102201001011818", "2026A", "2026-09-01", "2026-09-15"),
    # r315 registered 2 Nov, after D.
    _student(315, 4, "45", "杜十五", "450102201001011919", "2026A", "2026-11-02"),
    # -- graduates (2023 autumn intake, approved long ago: outside 2026's record counts) --
    _student(320, 1, "44", "钟二零", "440106200701012020", "2023A", "2023-09-10", "2023-09-12", "graduated"),
    _student(321, 1, "44", "吕二一", "440106200701012121", "2023A", "2023-09-10", "2023-09-12", "graduated"),
    _student(322, 1, "44", "孔二二", "440106200701012222", "2023A", "2023-09-10", "2023-09-12", "graduated"),
    _student(323, 1, "44", "曹二三", "440106200701012323", "2023A", "2023-09-10", "2023-09-12", "graduated"),
    _student(324, 1, "44", "严二四", "440106200701012424", "2023A", "2023-09-10", "2023-09-12", "graduated"),
    _student(325, 1, "44", "华二五", "440106200701012525", "2023A", "2023-09-10", "2023-09-12", "graduated"),
    _student(326, 2, "44", "金二六", "440106200701012626", "2023A", "2023-09-10", "2023-09-12", "graduated"),
    _student(327, 4, "45", "魏二七", "450102200701012727", "2023A", "2023-09-10", "2023-09-12", "graduated"),
    _student(328, 4, "45", "陶二八", "450102200701012828", "2023A", "2023-09-10", "2023-09-12", "graduated"),
    _student(329, 4, "45", "姜二九", "450102200701012929", "2023A", "2023-09-10", "2023-09-12", "graduated"),
]


def _graduate(sid, school, prov, graduated, uploaded=None, approved=None, cert=None):
    return {"student_id": sid, "school_id": school, "province_code": prov, "graduated_on": graduated,
            "uploaded_on": uploaded, "approved_on": approved, "certificate_no": cert}


GRADUATION = [
    # g320 uploaded, approved and certified.
    _graduate(320, 1, "44", "2026-06-30", "2026-07-03", "2026-07-10", "C2026440001"),
    # g321 Tue 30 Jun: upload due 14 Jul; uploaded 20 Jul (late, not a column); approval due(20 Jul) = 3 Aug,
    # never approved → approval overdue.
    _graduate(321, 1, "44", "2026-06-30", "2026-07-20"),
    # g322 never uploaded: upload due 14 Jul → upload overdue.
    _graduate(322, 1, "44", "2026-06-30"),
    # g323 approved 2 Jul without a certificate number.
    _graduate(323, 1, "44", "2026-06-30", "2026-07-01", "2026-07-02"),
    # g324 Wed 30 Sep, not uploaded: due Tue 20 Oct (see r305) → not overdue on D, overdue from 21 Oct.
    _graduate(324, 1, "44", "2026-09-30"),
    # g325 graduated in 2025: not in 2026's counts.
    _graduate(325, 1, "44", "2025-07-01", "2025-07-02", "2025-07-03", "C2025440001"),
    # g326 uploaded Tue 29 Sep: 30 Sep, 8, 9, Sat 10, 12–16, 19 Oct → approval due Mon 19 Oct; approved with a
    # certificate on 21 Oct: approval overdue on D, certified from 21 Oct.
    _graduate(326, 2, "44", "2026-07-01", "2026-09-29", "2026-10-21", "C2026440002"),
    # g327 certified; g328 uploaded Thu 2 Jul (approval due 16 Jul), never approved → approval overdue.
    _graduate(327, 4, "45", "2026-06-30", "2026-07-02", "2026-07-06", "C2026450001"),
    _graduate(328, 4, "45", "2026-06-30", "2026-07-02"),
    # g329 graduates on 1 Dec, after D.
    _graduate(329, 4, "45", "2026-12-01"),
]

TABLES = {
    "province": PROVINCES, "city": CITIES, "school": SCHOOLS, "student": STUDENTS, "graduation": GRADUATION,
    "registry_meta": [{"key": "snapshot_at", "value": "2026-10-20T18:00:00"}],
}
