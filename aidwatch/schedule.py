"""When a subscription is due: pure functions of the clock, the cadence and the working-day calendar.

A digest is identified by its *period*: ``daily:2026-10-10`` or ``weekly:2026-W41``. The outbox keeps
one row per (subscription, period), so the period is what makes a digest go out once however many app
servers run rounds, and however often: a round only asks "which period is due now?".

- daily: every Chinese official working day (make-up weekend days included, holidays skipped), at or
  after the subscription's time;
- weekly: once per ISO week, on the week's first working day at or after the time, or at the first round
  after that (a week whose working days are all holidays has no digest);
- events: no period; each event carries its own key (``notifications.digests``).

Times are Beijing time (the dashboard's readers are all in UTC+8); a naive ``now`` is taken as Beijing time.
"""

from __future__ import annotations

import datetime as dt

CADENCES = ("daily", "weekly", "events")
CHINA = dt.timezone(dt.timedelta(hours=8), "Asia/Shanghai")


def local(now: dt.datetime) -> dt.datetime:
    """``now`` in Beijing time; a naive value already is."""
    return now.replace(tzinfo=CHINA) if now.tzinfo is None else now.astimezone(CHINA)


def parse_at(text: str) -> dt.time:
    """``HH:MM`` → a time; raises ``ValueError`` with a message for anything else."""
    try:
        hours, minutes = text.split(":")
        if len(hours) != 2 or len(minutes) != 2:
            raise ValueError
        return dt.time(int(hours), int(minutes))
    except (ValueError, AttributeError):
        raise ValueError(f"{text!r} is not a time of day HH:MM (e.g. 08:30)") from None


def first_workday_of_week(day: dt.date, cal) -> dt.date | None:
    """The first working day of ``day``'s ISO week (Monday–Sunday), or None when it has none."""
    monday = day - dt.timedelta(days=day.weekday())
    for offset in range(7):
        candidate = monday + dt.timedelta(days=offset)
        if cal.is_workday(candidate):
            return candidate
    return None


def due_period(cadence: str, at: dt.time, now: dt.datetime, cal) -> str | None:
    """The period a ``cadence`` subscription with time ``at`` owes a digest for at ``now``, or None.

    Raises ``aidwatch.workdays.UnknownCalendarYear`` for a day the calendar does not know: a guess
    would send on a holiday or skip a make-up day.
    """
    if cadence not in CADENCES:
        raise ValueError(f"unknown cadence {cadence!r}: use one of {', '.join(CADENCES)}")
    if cadence == "events":
        return None
    now = local(now)
    today, reached = now.date(), now.time().replace(tzinfo=None) >= at
    if cadence == "daily":
        return f"daily:{today.isoformat()}" if cal.is_workday(today) and reached else None
    first = first_workday_of_week(today, cal)
    if first is None or today < first or (today == first and not reached):
        return None
    year, week, _ = today.isocalendar()
    return f"weekly:{year}-W{week:02d}"
