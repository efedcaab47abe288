"""The policy calendar: the notice's 2025 dates, later years assumed and flagged, earlier years refused."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from pathlib import Path

import pytest

from aidwatch import policy
from aidwatch.policy import DEADLINES, policy_for

D = dt.date.fromisoformat
NOTICE = Path(__file__).parents[1] / ".." / "shared" / "policy" / "notice-2025-technical-school-student-aid.zh.md"

NOTICE_2025 = {
    "spring_registration": D("2025-04-30"),  # 春季新生注册截止时间为4月30日
    "spring_aid_approval": D("2025-05-20"),  # 5月20日（春季学期）
    "rollout_funds": D("2025-05-31"),  # 5月31日前…资金发放到位
    "rollout_report": D("2025-06-06"),  # 6月6日前报我部
    "autumn_registration": D("2025-10-31"),  # 秋季新生注册截止时间为10月31日
    "autumn_aid_approval": D("2025-11-30"),  # 11月30日（秋季学期）
}


def test_2025_dates_are_the_notices():
    p = policy_for(2025)
    assert p.due == NOTICE_2025
    assert (p.status_change_workdays, p.duplicate_workdays, p.status_approval_workdays) == (10, 10, 10)
    assert p.year == p.source_year == 2025
    assert p.assumed is False
    assert "2025" in p.source and "2025-03-24" in p.source


def test_the_deadlines_are_in_school_year_order():
    assert DEADLINES == tuple(NOTICE_2025)
    assert list(policy_for(2025).due) == list(DEADLINES)
    assert [policy_for(2025).due[d] for d in DEADLINES] == sorted(NOTICE_2025.values())


def test_the_notice_states_these_dates():
    """The data file is checked against the notice's own text, so a typo in either is caught."""
    text = re.sub(r"\s+", "", NOTICE.read_text("utf-8"))
    for phrase in (
        "春季新生注册截止时间为4月30日", "秋季新生注册截止时间为10月31日", "5月31日前", "6月6日前",
        "5月20日（春季学期）", "11月30日（秋季学期）", "学籍异动之日起10个工作日内", "10个工作日内整改到位",
    ):
        assert phrase in text, phrase
    assert "2025年3月24日" in text


@pytest.mark.parametrize("year", [2026, 2027, 2035])
def test_later_years_repeat_2025_and_are_flagged_assumed(year):
    p = policy_for(year)
    assert p.year == year and p.source_year == 2025
    assert p.assumed is True
    assert p.due == {name: day.replace(year=year) for name, day in NOTICE_2025.items()}
    assert p.status_change_workdays == 10 and p.duplicate_workdays == 10


@pytest.mark.parametrize("year", [2024, 2000])
def test_an_earlier_year_is_an_error(year):
    with pytest.raises(LookupError) as info:
        policy_for(year)
    assert str(year) in str(info.value)
    assert "2025" in str(info.value)  # and it says where the calendar starts


def test_a_newer_table_wins_over_the_older_one(monkeypatch):
    """Once a 2027 notice is added, 2027 and later use it; 2026 still repeats 2025."""
    raw = dict(policy._raw())
    raw[2027] = dict(raw[2025], source="2027 notice", spring_registration="04-25")
    monkeypatch.setattr(policy, "_raw", lambda: raw)
    assert policy_for(2026).source_year == 2025 and policy_for(2026).assumed
    p27 = policy_for(2027)
    assert (p27.source_year, p27.assumed, p27.source) == (2027, False, "2027 notice")
    assert p27.due["spring_registration"] == D("2027-04-25")
    p28 = policy_for(2028)
    assert (p28.source_year, p28.assumed) == (2027, True)
    assert p28.due["spring_registration"] == D("2028-04-25")


def test_every_configured_year_has_every_deadline():
    for year, table in policy._raw().items():
        missing = [k for k in (*DEADLINES, "status_change_workdays", "duplicate_workdays",
                               "status_approval_workdays", "source") if k not in table]
        assert missing == [], (year, missing)
        for name in DEADLINES:
            assert re.fullmatch(r"\d\d-\d\d", table[name]), (year, name, table[name])


def test_year_policy_is_immutable():
    with pytest.raises(dataclasses.FrozenInstanceError):
        policy_for(2025).year = 2026
