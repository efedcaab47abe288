"""The demo snapshot day: today, unless the working-day calendar cannot run a month past it."""

import datetime as dt

from cli.commands.demo import default_until
from aidwatch.workdays import calendar


def test_today_when_the_calendar_runs_on():
    assert default_until(dt.date(2026, 6, 1)) == dt.date(2026, 6, 1)


def test_clamped_when_today_is_past_the_calendar():
    last = calendar().last
    assert default_until(last + dt.timedelta(days=90)) == last - dt.timedelta(days=31)
