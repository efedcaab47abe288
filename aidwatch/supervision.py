"""Supervision requests (督办): the pure rules — what may be written, when a request is due, and its state.

A request is stored as append-only events (``queries.supervision``); everything shown about it is
derived here from those events and the day it is looked at (spec: "Supervision requests"):

- the clock is the calendar of the day, not the view's as-of date: ``opened_on``, ``replied_on``,
  ``closed_on`` are the Beijing dates of the actions and ``status`` compares ``due_on`` with today;
- ``due_on`` is ``due(opened_on, n)`` working days (5 by default) or an explicit date on or after the
  opening day; a due day in a year the calendar does not know is never guessed (``DueUnknown``);
- ``status``: ``closed`` when closed; else ``replied`` when a reply exists; else ``overdue`` when today is
  after ``due_on``; else ``open``.

No personal data may enter a text: a message holding an ID number (17 digits then a digit or X) or a
mobile number (11 digits starting with 1) is refused before anything is stored. Full-width digits count
as digits (NFKC), so ``１３８…`` is refused as ``138…`` is.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass

from aidwatch.workdays import BEYOND, UnknownCalendarYear

KINDS = ("open", "reply", "close", "escalated")
STATUSES = ("open", "overdue", "replied", "closed")
#: Working days a region has to answer unless the ministry gives a date.
DEFAULT_DUE_WORKDAYS = 5
#: Longest message, reply or closing note, in characters: a request is a short instruction, not a document.
MAX_MESSAGE = 1000
#: What a province's landing page shows of a message.
PREVIEW_CHARS = 40
#: The export's columns, in the spec's order.
EXPORT_COLUMNS = ["id", "code", "name", "page", "opened_on", "opened_by", "due_on", "status", "replied_on",
                  "planned_on", "closed_on", "events"]

_ID_NUMBER = re.compile(r"\d{17}[\dX]", re.IGNORECASE)
_MOBILE = re.compile(r"1\d{10}")
#: Control characters other than a line break or a tab: invisible in the page, refused by PostgreSQL (NUL).
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


class Refused(ValueError):
    """An action the rules do not allow; its text (Chinese / English) is what the user is told."""


class DueUnknown(Refused):
    """The default due day falls in a year the working-day calendar does not know: an explicit date is needed."""


def check_message(text, what: str = "message") -> str:
    """``text`` stripped, or ``Refused`` when it is empty, too long, holds control characters, an ID number or
    a mobile number. Nothing is ever shown as HTML, so markup is kept as the literal text it is."""
    if not isinstance(text, str) or not text.strip():
        raise Refused(f"内容不能为空 / the {what} is empty")
    text = text.strip().replace("\r\n", "\n")
    if len(text) > MAX_MESSAGE:
        raise Refused(f"内容最多 {MAX_MESSAGE} 个字符（现有 {len(text)} 个）/ the {what} is {len(text)} characters "
                      f"long; at most {MAX_MESSAGE} are allowed")
    if _CONTROL.search(text):
        raise Refused(f"内容含有控制字符 / the {what} holds control characters")
    digits = unicodedata.normalize("NFKC", text)
    if _ID_NUMBER.search(digits):
        raise Refused(f"内容不得包含身份证号，请删除后再提交 / the {what} holds an ID number: remove it (no personal "
                      "data may be stored)")
    if _MOBILE.search(digits):
        raise Refused(f"内容不得包含手机号码，请删除后再提交 / the {what} holds a mobile number: remove it (no "
                      "personal data may be stored)")
    return text


def parse_day(value, what: str) -> dt.date | None:
    """``YYYY-MM-DD`` (or a date) → a date; None for nothing; ``Refused`` for anything else."""
    if value is None or value == "":
        return None
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value
    try:
        return dt.date.fromisoformat(str(value).strip())
    except ValueError:
        raise Refused(f"{what}：{value!r} 不是日期（YYYY-MM-DD）/ {what}: {value!r} is not a date (YYYY-MM-DD)") from None


def due_on(opened_on: dt.date, cal, workdays: int | None = None, explicit: dt.date | None = None) -> dt.date:
    """The response due day: ``explicit`` (on or after ``opened_on``), else ``workdays`` working days after the
    opening day (``DEFAULT_DUE_WORKDAYS``), the opening day itself not counted."""
    if explicit is not None:
        if workdays is not None:
            raise Refused("请只给出工作日数或日期之一 / give either a number of working days or a date, not both")
        if explicit < opened_on:
            raise Refused(f"答复期限 {explicit} 早于发起日 {opened_on} / the due day {explicit} is before the "
                          f"opening day {opened_on}")
        return explicit
    n = DEFAULT_DUE_WORKDAYS if workdays is None else workdays
    if isinstance(n, bool) or not isinstance(n, int) or not 1 <= n <= 60:
        raise Refused("工作日数应为 1–60 的整数 / the number of working days must be a whole number from 1 to 60")
    try:
        due = cal.due(opened_on, n)
    except UnknownCalendarYear as exc:
        due, year = BEYOND, exc.year
    else:
        year = cal.last.year + 1
    if due == BEYOND:
        raise DueUnknown(f"工作日日历尚未收录 {year} 年的节假日安排，无法推算 {n} 个工作日后的日期，请直接指定答复日期 / "
                         f"the working-day calendar does not know the year {year}, so {n} working days after "
                         f"{opened_on} cannot be counted: give the due day as a date")
    return due


@dataclass(frozen=True)
class Event:
    """One stored event of a request, as the store returns it."""

    kind: str                      # open | reply | close | escalated
    at: dt.datetime                # when (UTC)
    on: dt.date                    # the Beijing date of the action
    by: str | None                 # the acting user (None: the digest round)
    message: str | None = None
    planned_on: dt.date | None = None


@dataclass(frozen=True)
class State:
    """What a request's events amount to on a given day."""

    status: str
    opened_on: dt.date
    opened_by: str
    message: str
    replied_on: dt.date | None     # the first reply's day
    planned_on: dt.date | None     # the latest reply's planned completion day
    closed_on: dt.date | None
    escalated: bool
    events: int


def status_of(due: dt.date, events: list[Event], today: dt.date) -> str:
    kinds = {e.kind for e in events}
    if "close" in kinds:
        return "closed"
    if "reply" in kinds:
        return "replied"
    return "overdue" if today > due else "open"


def derive(due: dt.date, events: list[Event], today: dt.date) -> State:
    """The state of a request whose events are ``events`` (in the order written) as of ``today``."""
    events = sorted(events, key=lambda e: e.at)
    opening = next(e for e in events if e.kind == "open")
    replies = [e for e in events if e.kind == "reply"]
    close = next((e for e in events if e.kind == "close"), None)
    return State(
        status=status_of(due, events, today), opened_on=opening.on, opened_by=opening.by or "",
        message=opening.message or "", replied_on=replies[0].on if replies else None,
        planned_on=next((r.planned_on for r in reversed(replies) if r.planned_on), None),
        closed_on=close.on if close else None, escalated=any(e.kind == "escalated" for e in events),
        events=len(events),
    )


def needs_escalation(due: dt.date, events: list[Event], today: dt.date) -> bool:
    """True when the round of ``today`` must write the request's one ``escalated`` event."""
    return status_of(due, events, today) == "overdue" and not any(e.kind == "escalated" for e in events)


def answered_on_time(due: dt.date, events: list[Event]) -> dt.date | None:
    """The day of the first reply when it came on or before the due day, else None."""
    first = min((e for e in events if e.kind == "reply"), key=lambda e: e.at, default=None)
    return first.on if first is not None and first.on <= due else None


def may_open(scope) -> None:
    if scope.role != "ministry":
        raise Refused("只有部资助办可以发起督办 / only the ministry opens supervision requests")


def may_close(scope) -> None:
    if scope.role != "ministry":
        raise Refused("只有部资助办可以办结督办 / only the ministry closes supervision requests")


def may_reply(scope, province: str) -> None:
    """A province user of the request's province, or the ministry; leadership reads only."""
    if scope.role == "ministry" or (scope.role == "province" and scope.province == province):
        return
    if scope.role == "province":
        raise Refused("该督办不在您的数据范围内 / this request is outside your data scope")
    raise Refused("只有被督办省份或部资助办可以答复 / only the province asked, or the ministry, replies")


def may_see(scope, province: str) -> bool:
    return scope.province is None or scope.province == province


def preview(message: str, n: int = PREVIEW_CHARS) -> str:
    """The first ``n`` characters of a message, on one line, with an ellipsis when cut."""
    flat = " ".join(message.split())
    return flat if len(flat) <= n else flat[:n] + "…"


def workdays_left(due: dt.date, today: dt.date, cal) -> int | None:
    """Working days from today to the due day (negative when past); None when the calendar does not know
    one of the two years (that cell only says so)."""
    try:
        return cal.workdays_between(today, due)
    except UnknownCalendarYear:
        return None
