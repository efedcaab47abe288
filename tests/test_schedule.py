"""Digest schedules on the Chinese working-day calendar (``aidwatch.schedule``), across National Day 2026:
1–7 October (Thu–Wed) are off, Saturday 10 October is a make-up working day, and Sunday 27 September is
not one (chinese_calendar's 2026 schedule).
"""

import datetime as dt

import pytest

from aidwatch.schedule import CHINA, due_period, first_workday_of_week, parse_at
from aidwatch.workdays import UnknownCalendarYear, WorkCalendar, calendar

AT = dt.time(8, 30)


def at(day: str, hhmm: str = "09:00") -> dt.datetime:
    return dt.datetime.fromisoformat(f"{day}T{hhmm}")


def test_daily_runs_on_working_days_at_or_after_its_time():
    cal = calendar()
    assert due_period("daily", AT, at("2026-09-30", "08:29"), cal) is None
    assert due_period("daily", AT, at("2026-09-30", "08:30"), cal) == "daily:2026-09-30"
    # the holiday: nothing from 1 to 7 October, though 5–7 October are weekdays
    assert [due_period("daily", AT, at(f"2026-10-0{d}"), cal) for d in range(1, 8)] == [None] * 7
    assert due_period("daily", AT, at("2026-10-08"), cal) == "daily:2026-10-08"
    # the make-up Saturday is a working day; the Sunday after it is not
    assert due_period("daily", AT, at("2026-10-10"), cal) == "daily:2026-10-10"
    assert due_period("daily", AT, at("2026-10-11"), cal) is None


def test_times_with_a_zone_are_read_in_beijing_time():
    cal = calendar()
    # 00:40 UTC on 8 October is 08:40 in Beijing: due; 00:20 UTC is 08:20: not yet
    assert due_period("daily", AT, dt.datetime(2026, 10, 8, 0, 40, tzinfo=dt.timezone.utc), cal) == "daily:2026-10-08"
    assert due_period("daily", AT, dt.datetime(2026, 10, 8, 0, 20, tzinfo=dt.timezone.utc), cal) is None
    assert due_period("daily", AT, dt.datetime(2026, 10, 8, 8, 20, tzinfo=CHINA), cal) is None


def test_weekly_goes_on_the_first_working_day_of_the_week_or_the_first_run_after():
    cal = calendar()
    # week 40 (28 Sep – 4 Oct): Monday 28 September works
    assert first_workday_of_week(dt.date(2026, 10, 3), cal) == dt.date(2026, 9, 28)
    assert due_period("weekly", AT, at("2026-09-28", "08:00"), cal) is None
    assert due_period("weekly", AT, at("2026-09-28", "08:30"), cal) == "weekly:2026-W40"
    # a server down on Monday sends at its first round later that week, still for week 40
    assert due_period("weekly", AT, at("2026-10-03", "23:00"), cal) == "weekly:2026-W40"
    # week 41 (5–11 Oct): Monday to Wednesday are holidays, so Thursday 8 October is its first working day
    assert first_workday_of_week(dt.date(2026, 10, 5), cal) == dt.date(2026, 10, 8)
    assert due_period("weekly", AT, at("2026-10-05"), cal) is None
    assert due_period("weekly", AT, at("2026-10-07", "23:59"), cal) is None
    assert due_period("weekly", AT, at("2026-10-08", "08:30"), cal) == "weekly:2026-W41"
    assert due_period("weekly", AT, at("2026-10-10"), cal) == "weekly:2026-W41"  # the make-up Saturday: same week


def test_a_week_without_working_days_has_no_digest():
    cal = WorkCalendar({2026: ({dt.date(2026, 10, 1) + dt.timedelta(days=d) for d in range(4, 9)}, set())})
    assert first_workday_of_week(dt.date(2026, 10, 7), cal) is None
    assert due_period("weekly", AT, at("2026-10-11"), cal) is None


def test_events_have_no_period_and_bad_values_are_refused():
    cal = calendar()
    assert due_period("events", AT, at("2026-10-08"), cal) is None
    with pytest.raises(ValueError, match="unknown cadence"):
        due_period("hourly", AT, at("2026-10-08"), cal)
    assert parse_at("07:05") == dt.time(7, 5)
    for bad in ("7:05", "25:00", "0800", "", "ab:cd"):
        with pytest.raises(ValueError, match="HH:MM"):
            parse_at(bad)
    with pytest.raises(UnknownCalendarYear):
        due_period("daily", AT, at(f"{cal.last.year + 1}-01-05"), cal)
