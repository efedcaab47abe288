"""Supervision requests (督办): the pure rules of aidwatch.supervision — what may be written, the due day on
China's official calendar, and the state derived from events."""

from __future__ import annotations

import datetime as dt

import pytest

from aidwatch import supervision as rules
from aidwatch.workdays import calendar
from queries.scope import Scope

UTC = dt.timezone.utc


def ev(kind, day, by="ministry", message=None, planned=None, hour=9):
    return rules.Event(kind, dt.datetime(day.year, day.month, day.day, hour, tzinfo=UTC), day, by, message, planned)


@pytest.mark.parametrize("text", [
    "请核查 44010519491231002X 的情况", "请核查44010519491231002x", "号码 440105194912310021 有误",
    "联系 13800138000", "联系+8613800138000", "联系 １３８００１３８０００",  # full-width digits count too
])
def test_personal_numbers_are_refused(text):
    with pytest.raises(rules.Refused) as refused:
        rules.check_message(text)
    assert ("身份证号" in str(refused.value)) or ("手机号码" in str(refused.value))


@pytest.mark.parametrize("text", ["请于 5 个工作日内核实广州市 12 所学校", "学校代码 4401001", "电话 020-12345678",
                                  "1380013800 是 10 位"])
def test_other_numbers_pass(text):
    assert rules.check_message(text) == text


def test_length_cap_empty_and_control_characters():
    assert rules.check_message("  <b>核查</b>\r\n第二行  ") == "<b>核查</b>\n第二行"  # kept as the text it is
    with pytest.raises(rules.Refused, match="最多 1000 个字符（现有 1001 个）"):
        rules.check_message("催" * 1001)
    assert rules.check_message("催" * 1000) == "催" * 1000
    for bad in ("", "   ", None, 5):
        with pytest.raises(rules.Refused, match="empty"):
            rules.check_message(bad)
    with pytest.raises(rules.Refused, match="control"):
        rules.check_message("a\x00b")


def test_due_day_counts_working_days_across_the_national_day_holiday():
    cal = calendar()
    # Monday 29 Sep 2025: 30 Sep, 9 Oct, 10 Oct, Sat 11 Oct (a make-up working day), Mon 13 Oct
    assert rules.due_on(dt.date(2025, 9, 29), cal) == dt.date(2025, 10, 13)
    assert rules.due_on(dt.date(2025, 9, 29), cal, workdays=1) == dt.date(2025, 9, 30)
    assert rules.due_on(dt.date(2025, 9, 29), cal, explicit=dt.date(2025, 9, 29)) == dt.date(2025, 9, 29)
    with pytest.raises(rules.Refused, match="before the opening day"):
        rules.due_on(dt.date(2025, 9, 29), cal, explicit=dt.date(2025, 9, 28))
    for n in (0, 61, -1, 2.5, True):
        with pytest.raises(rules.Refused, match="1 to 60"):
            rules.due_on(dt.date(2025, 9, 29), cal, workdays=n)


def test_a_due_day_in_an_unknown_year_is_never_guessed():
    cal = calendar()
    last = cal.last  # 31 December of the last year the calendar knows
    with pytest.raises(rules.DueUnknown) as unknown:
        rules.due_on(last - dt.timedelta(days=1), cal)
    assert f"{last.year + 1} 年" in str(unknown.value) and "give the due day as a date" in str(unknown.value)
    explicit = dt.date(last.year + 1, 1, 8)
    assert rules.due_on(last - dt.timedelta(days=1), cal, explicit=explicit) == explicit
    assert rules.workdays_left(explicit, last, cal) is None  # that cell says so; nothing else fails


def test_state_from_events():
    due = dt.date(2025, 10, 13)
    opened = [ev("open", dt.date(2025, 9, 29), message="请核查")]
    assert rules.derive(due, opened, dt.date(2025, 10, 13)).status == "open"
    assert rules.derive(due, opened, dt.date(2025, 10, 14)).status == "overdue"
    assert rules.needs_escalation(due, opened, dt.date(2025, 10, 14))
    escalated = opened + [ev("escalated", dt.date(2025, 10, 14), by=None)]
    assert not rules.needs_escalation(due, escalated, dt.date(2025, 10, 15))
    replies = escalated + [ev("reply", dt.date(2025, 10, 15), "gd", "已部署", dt.date(2025, 10, 31)),
                           ev("reply", dt.date(2025, 10, 20), "gd", "进展", None),
                           ev("reply", dt.date(2025, 10, 22), "gd", "延期", dt.date(2025, 11, 7))]
    state = rules.derive(due, replies, dt.date(2025, 10, 23))
    assert (state.status, state.replied_on, state.planned_on, state.events) == (
        "replied", dt.date(2025, 10, 15), dt.date(2025, 11, 7), 5)
    assert (state.opened_on, state.opened_by, state.message, state.escalated) == (
        dt.date(2025, 9, 29), "ministry", "请核查", True)
    assert rules.answered_on_time(due, replies) is None  # first reply after the due day
    assert rules.answered_on_time(due, opened + [ev("reply", due, "gd")]) == due
    closed = replies + [ev("close", dt.date(2025, 11, 10), message="办结")]
    assert rules.derive(due, closed, dt.date(2025, 11, 10)).closed_on == dt.date(2025, 11, 10)
    assert rules.derive(due, closed, dt.date(2025, 11, 10)).status == "closed"


def test_who_may_do_what():
    ministry, leader, gd, gx = Scope("ministry"), Scope("leadership"), Scope("province", "44"), Scope("province", "45")
    rules.may_open(ministry)
    rules.may_close(ministry)
    for scope in (leader, gd):
        with pytest.raises(rules.Refused):
            rules.may_open(scope)
        with pytest.raises(rules.Refused):
            rules.may_close(scope)
    rules.may_reply(gd, "44")
    rules.may_reply(ministry, "44")
    for scope in (gx, leader):
        with pytest.raises(rules.Refused):
            rules.may_reply(scope, "44")
    assert rules.may_see(leader, "44") and rules.may_see(gd, "44") and not rules.may_see(gx, "44")


def test_preview_is_forty_characters_on_one_line():
    text = "请核查广州市各校春季学期国家助学金审核进度，\n并于期限内书面报告落实情况和计划完成时间，谢谢。"
    assert rules.preview(text) == " ".join(text.split())[:40] + "…"
    assert rules.preview("短") == "短"
