"""The briefing's pure parts on hand-made figures: comparisons, live deadlines, laggards, the map's
deadline, the sentences in both languages (exact strings) and the PDF's Chinese line breaking."""

from __future__ import annotations

import datetime as dt
import math

import pandas as pd
import pytest

from aidwatch.metrics import briefing as m
from aidwatch.narrative import day_text, sentences
from aidwatch.policy import DEADLINES, policy_for
from exports.briefing_pdf import wrap

D = dt.date.fromisoformat
DUE = policy_for(2025).due


def head(area, key, kind, now, week=None, month=None, done=None, total=None, status=None, left=None):
    extra = {"due_on": DUE.get(key), "working_days_left": left} if kind == "deadline" else {}
    return m.Headline(area, key, kind, {"now": now, "week": week, "month": month}, done, total, status,
                      worse_up=kind == "count", extra=extra)


def tracker(rows):
    return pd.DataFrame(rows, columns=["code", "name", "report_submitted_on", "report_status", "working_days_late"])


def behind(*rows):
    return pd.DataFrame(rows, columns=["drill", "code", "name", "pct_done", "done", "total", "left", "status"])


# -- figures -------------------------------------------------------------------------------------------

def test_comparison_dates_stop_at_the_first_policy_year():
    assert m.comparison_dates(D("2025-06-10"), D("2025-01-01")) == {
        "now": D("2025-06-10"), "week": D("2025-06-03"), "month": D("2025-05-11")}
    # 20 January: a week before is still 2025, a month before is 2024, which no view shows
    assert m.comparison_dates(D("2025-01-20"), D("2025-01-01")) == {
        "now": D("2025-01-20"), "week": D("2025-01-13"), "month": None}


def test_changes_are_points_for_percentages_and_counts_for_counts():
    pct = head("approvals", "spring_aid_approval", "deadline", 80.0, 75.5, None)
    assert pct.change("week") == 4.5 and pct.change("month") is None
    count = head("backlog", "overdue_approval", "count", 7.0, 9.0, 2.0)
    assert (count.change("week"), count.change("month")) == (-2, 5)
    assert head("inspections", "coverage_pct", "pct", float("nan"), 10.0).change("week") is None


def summary(**status):
    """A deadline summary at 10 June 2025: ``status`` per deadline as (status, done)."""
    rows = [{"deadline": d, "due_on": DUE[d], "done": status.get(d, ("done", 1))[1], "total": 5,
             "pct_done": 20.0, "working_days_left": 0, "status": status.get(d, ("done", 1))[0]} for d in DEADLINES]
    return pd.DataFrame(rows)


def test_live_deadlines():
    frame = summary(
        spring_registration=("overdue", 3),   # due 30 April: 41 days before D, no longer news
        spring_aid_approval=("overdue", 4),   # due 20 May: 21 days before D: live
        rollout_funds=("done", 5),            # done: not live
        rollout_report=("at_risk", 2),        # live
        autumn_registration=("on_track", 0),  # not started, far off: not live
        autumn_aid_approval=("no_data", 0),
    )
    assert m.live_deadlines(frame, D("2025-06-10")) == ["spring_aid_approval", "rollout_report"]
    started = summary(autumn_registration=("on_track", 1), autumn_aid_approval=("at_risk", 0))
    assert m.live_deadlines(started, D("2025-06-10")) == ["autumn_registration", "autumn_aid_approval"]


def test_laggards_lowest_share_then_most_left_and_never_the_done():
    rows = pd.DataFrame([
        {"deadline": "spring_aid_approval", "code": c, "drill": c, "name": n, "done": d, "total": t,
         "pct_done": (math.nan if t == 0 else round(100 * d / t, 1)), "status": s}
        for c, n, d, t, s in [("11", "北京市", 0, 0, "no_data"), ("12", "天津市", 5, 10, "overdue"),
                              ("13", "河北省", 50, 100, "overdue"), ("14", "山西省", 9, 9, "done"),
                              ("15", "内蒙古自治区", 1, 4, "at_risk"), ("21", "辽宁省", 3, 4, "at_risk"),
                              ("22", "吉林省", 70, 100, "on_track"), ("23", "黑龙江省", 90, 100, "on_track")]
    ] + [{"deadline": "rollout_funds", "code": "11", "drill": "11", "name": "北京市", "done": 0, "total": 3,
          "pct_done": 0.0, "status": "overdue"}])
    out = m.laggards(rows, "spring_aid_approval")
    # 25.0 %, then the two at 50.0 % (50 left before 5 left), 70.0 %, 75.0 %; 90.0 % is the sixth
    assert list(out["name"]) == ["内蒙古自治区", "河北省", "天津市", "吉林省", "辽宁省"]
    assert list(out["left"]) == [3, 50, 5, 30, 1]


def test_map_deadline_prefers_work_ahead_then_the_last_due():
    assert m.map_deadline(["autumn_registration", "autumn_aid_approval"], DUE, D("2025-11-26"),
                          "autumn_aid_approval") == "autumn_aid_approval"
    assert m.map_deadline(["spring_aid_approval", "rollout_report"], DUE, D("2025-06-10"),
                          "autumn_registration") == "rollout_report"
    assert m.map_deadline([], DUE, D("2025-07-01"), "autumn_registration") == "autumn_registration"


def test_report_summary():
    out = m.report_summary(tracker([
        ("44", "广东省", D("2025-06-06"), "on_time", None), ("45", "广西壮族自治区", D("2025-06-09"), "late", 1),
        ("11", "北京市", None, "missing", 2), ("12", "天津市", None, "missing", 2), ("13", "河北省", None, "missing", 3),
    ]))
    assert (out["provinces"], out["submitted"], out["late"], out["pending"]) == (5, 2, 1, 0)
    assert out["missing"] == ["河北省", "北京市", "天津市"]  # most overdue first, then by code


# -- sentences -----------------------------------------------------------------------------------------

def nation_facts(reports, live=None, heads=None):
    base = {
        ("rollout", "rollout_report"): head("rollout", "rollout_report", "deadline", 40.0, 20.0, 0.0, 2, 5,
                                            "overdue", -2),
        ("approvals", "spring_aid_approval"): head("approvals", "spring_aid_approval", "deadline", 93.7, 88.5, 60.0,
                                                   52_899, 56_474, "at_risk", 3),
        ("duplicates", "open"): head("duplicates", "open", "count", 36, 40, 12),
        ("duplicates", "overdue"): head("duplicates", "overdue", "count", 8, 9, 1),
        ("backlog", "unrecorded_overdue"): head("backlog", "unrecorded_overdue", "count", 47, 46, 52),
        ("backlog", "overdue_approval"): head("backlog", "overdue_approval", "count", 1, 0, 0),
        ("backlog", "phantom_suspects"): head("backlog", "phantom_suspects", "count", 376, 315, 226),
        ("inspections", "coverage_pct"): head("inspections", "coverage_pct", "pct", 35.9, 30.8, 25.6, 14, 39),
        ("inspections", "serious_findings"): head("inspections", "serious_findings", "count", 1, 1, 0),
    }
    return m.Facts(D("2025-06-10"), "nation", "全国", base | (heads or {}), m.report_summary(tracker(reports)),
                   live or {})


MISSING = [("44", "广东省", D("2025-06-06"), "on_time", None), ("45", "广西壮族自治区", D("2025-06-09"), "late", 1),
           ("12", "天津市", D("2025-05-28"), "on_time", None), ("11", "北京市", None, "missing", 2),
           ("13", "河北省", None, "missing", 2)]
LIVE = {"spring_aid_approval": behind(("62", "62", "甘肃省", 0.0, 0, 675, 675, "overdue"),
                                      ("41", "41", "河南省", 41.8, 2027, 4855, 2828, "overdue"),
                                      ("64", "64", "宁夏回族自治区", 95.3, 261, 274, 13, "overdue"),
                                      ("42", "42", "湖北省", 98.8, 2358, 2386, 28, "overdue")),
        "rollout_report": behind(("11", "11", "北京市", 0.0, 0, 1, 1, "overdue"))}


def test_nation_sentences_in_chinese():
    facts = nation_facts(MISSING, LIVE)
    assert sentences(facts, "zh") == [
        "截至2025年6月10日，已有3个省份报送书面报告（其中1个逾期报送），2个省份逾期未报：北京市、河北省。",
        "春季资助审批完成93.7%（52,899/56,474，尚差3,575），有风险，剩3个工作日，较一周前提高5.2个百分点；"
        "进度最慢的省份：甘肃省（0.0%）、河南省（41.8%）、宁夏回族自治区（95.3%）。",
        "重复资助比对结果未办结36条，其中逾期8条（一周前9条）。",
        "学籍异动逾期未办理47条、逾期未审批1条，疑似长期空挂学籍376人。",
        "本年度已检查14所学校，覆盖率35.9%（14/39），发现严重问题1个。",
    ]


def test_nation_sentences_in_english():
    facts = nation_facts(MISSING, LIVE)
    assert sentences(facts, "en") == [
        "As of 10 June 2025, 3 provinces have submitted the written report (1 of them late); 2 provinces are "
        "overdue: 北京市, 河北省.",
        "Spring aid approval: 93.7% (52,899/56,474, 3,575 to go) done, at risk with 3 working days left, up 5.2 "
        "points on a week before; furthest behind: 甘肃省 (0.0%), 河南省 (41.8%), 宁夏回族自治区 (95.3%).",
        "Duplicate aid: 36 matches open, 8 of them overdue (9 a week before).",
        "Status changes: 47 unrecorded past the limit, 1 approval overdue; 376 suspected phantom enrolments.",
        "Inspections this year: 14 of 39 schools (35.9%), 1 serious finding.",
    ]


@pytest.mark.parametrize("reports, as_of, zh, en", [
    ([("44", "广东省", D("2025-06-03"), "on_time", None), ("45", "广西壮族自治区", None, "pending", None),
      ("11", "北京市", None, "pending", None)], "2025-06-03",
     "截至2025年6月3日，已有1个省份报送书面报告，2个省份尚未报送（6月6日截止）。",
     "As of 3 June 2025, 1 province has submitted the written report; 2 not yet (due 6 June)."),
    ([("44", "广东省", None, "pending", None), ("45", "广西壮族自治区", None, "pending", None)], "2025-05-01",
     "截至2025年5月1日，尚无省份报送书面报告（6月6日截止）。",
     "As of 1 May 2025, no province has submitted the written report yet (due 6 June)."),
    ([("44", "广东省", D("2025-06-06"), "on_time", None), ("45", "广西壮族自治区", D("2025-06-09"), "late", 1)],
     "2025-06-10",
     "截至2025年6月10日，全部2个省份均已报送书面报告（其中1个逾期报送）。",
     "As of 10 June 2025, all 2 provinces have submitted the written report (1 of them late)."),
])
def test_report_sentence_before_on_and_after_the_due_day(reports, as_of, zh, en):
    facts = nation_facts(reports)
    facts = m.Facts(D(as_of), "nation", "全国", facts.headlines, facts.reports, {})
    assert sentences(facts, "zh")[0] == zh
    assert sentences(facts, "en")[0] == en


@pytest.mark.parametrize("row, zh, en", [
    (("44", "广东省", D("2025-06-06"), "on_time", None), "截至2025年6月10日，广东省已于6月6日按时报送书面报告。",
     "As of 10 June 2025, 广东省 submitted its written report on time on 6 June."),
    (("45", "广西壮族自治区", D("2025-06-09"), "late", 1),
     "截至2025年6月10日，广西壮族自治区已于6月9日报送书面报告，逾期1个工作日。",
     "As of 10 June 2025, 广西壮族自治区 submitted its written report on 9 June, 1 working day late."),
    (("11", "北京市", None, "missing", 2), "截至2025年6月10日，北京市尚未报送书面报告，已逾期2个工作日。",
     "As of 10 June 2025, 北京市 has not submitted its written report, 2 working days overdue."),
    (("12", "天津市", None, "pending", None), "截至2025年6月10日，天津市尚未报送书面报告（6月6日截止）。",
     "As of 10 June 2025, 天津市 has not yet submitted its written report (due 6 June)."),
])
def test_a_province_reads_its_own_report(row, zh, en):
    nation = nation_facts([row])
    facts = m.Facts(nation.as_of, "province", row[1], nation.headlines, nation.reports, {})
    assert sentences(facts, "zh")[0] == zh
    assert sentences(facts, "en")[0] == en


def test_province_deadline_names_cities_and_overdue_state():
    heads = {("approvals", "spring_aid_approval"): head("approvals", "spring_aid_approval", "deadline", 66.7, 66.7,
                                                        50.0, 2, 3, "overdue", -14),
             ("duplicates", "open"): head("duplicates", "open", "count", 0, 0, 0)}
    nation = nation_facts([("44", "广东省", D("2025-06-06"), "on_time", None)])
    live = {"spring_aid_approval": behind(("440100", "440100", "广州市", 66.7, 2, 3, 1, "overdue"))}
    facts = m.Facts(nation.as_of, "province", "广东省", nation.headlines | heads, nation.reports, live)
    zh, en = sentences(facts, "zh"), sentences(facts, "en")
    assert zh[1] == "春季资助审批完成66.7%（2/3，尚差1），已逾期14个工作日，一周内无进展；进度最慢的地市：广州市（66.7%）。"
    assert en[1] == ("Spring aid approval: 66.7% (2/3, 1 to go) done, 14 working days overdue, no progress in the "
                     "past week; furthest behind: 广州市 (66.7%).")
    assert zh[2] == "重复资助比对结果均已办结。" and en[2] == "Duplicate aid: every match is closed."


def test_no_live_deadline_and_due_today():
    facts = nation_facts(MISSING)
    assert sentences(facts, "zh")[1] == "目前没有进行中的时间节点。"
    assert sentences(facts, "en")[1] == "No deadline is under way."
    today = {("approvals", "spring_aid_approval"): head("approvals", "spring_aid_approval", "deadline", 50.0, 50.0,
                                                        None, 1, 2, "at_risk", 0)}
    facts = nation_facts(MISSING, {"spring_aid_approval": behind()}, today)
    assert sentences(facts, "zh")[1] == "春季资助审批完成50.0%（1/2，尚差1），今日截止，有风险，一周内无进展。"
    assert sentences(facts, "en")[1] == \
        "Spring aid approval: 50.0% (1/2, 1 to go) done, due today, at risk, no progress in the past week."


def test_day_text():
    assert day_text(D("2025-06-06"), "zh") == "2025年6月6日"
    assert day_text(D("2025-06-06"), "en") == "6 June 2025"
    assert day_text(D("2025-11-30"), "zh", year=False) == "11月30日"


# -- the PDF's line breaking ---------------------------------------------------------------------------

def test_wrap_keeps_numbers_whole_and_punctuation_off_the_line_start():
    width = lambda s: float(len(s))  # noqa: E731 — one unit a character
    lines = wrap("春季资助审批完成93.7%（52,899/56,474），已逾期", 14, width)
    # the opening bracket moves down with what it opens; the closing marks overhang the 14 units
    assert lines == ["春季资助审批完成93.7%", "（52,899/56,474），", "已逾期"]
    # a closing mark stays with the line it closes even when that line is full
    assert wrap("甲乙丙丁，戊己", 4, width) == ["甲乙丙丁，", "戊己"]
    # English breaks at spaces only, so a Chinese name stays whole
    assert wrap("Spring aid approval: 93.7% done", 12, width, "en") == ["Spring aid", "approval:", "93.7% done"]
    assert wrap("1 province is overdue: 河南省.", 24, width, "en") == ["1 province is overdue:", "河南省."]
