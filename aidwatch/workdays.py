"""Chinese official working days: the clock of every deadline in the notice.

A working day is Monday–Friday minus public holidays, plus the weekend days
the State Council declares working days (调休). The schedule comes from the
maintained ``chinese_calendar`` package; an operator can add a year it does not
know yet (the State Council publishes next year's schedule each November) in a
TOML supplement file, see ``docs/working-days.md``. A year known to neither is
an error naming the year: a weekday-only guess would be silently wrong around
every long holiday.

A clock whose due day falls past the calendar's last known day is not an
error: its due day is ``BEYOND``, a day after every day the calendar knows
(spec: Working days), so "late" and "overdue" at any known D compare against
it without the unknown year. Only a count of working days that reaches into
the unknown year raises, naming that year.

All arithmetic runs on a sorted array of working-day ordinals, so ``due`` and
``workdays_between`` vectorise over millions of rows with ``numpy.searchsorted``.
"""

from __future__ import annotations

import datetime as dt
import os
import tomllib
from functools import lru_cache
from importlib import metadata
from pathlib import Path

import numpy as np
from chinese_calendar import constants as cc_constants

SUPPLEMENT_ENV = "AIDWATCH_WORKDAY_SUPPLEMENT"
#: The due day of a clock that runs past the calendar's last known day: later than every day the calendar
#: knows, so a record done by a known day is not late and nothing is overdue at a known D (spec: Working days).
#: It is a marker, not a date to show: ``beyond`` finds it, and a count of working days up to it raises.
BEYOND = dt.date.max
BEYOND_D = np.datetime64(BEYOND, "D")


class UnknownCalendarYear(LookupError):
    """Raised when a date falls in a year whose official schedule is unknown."""

    def __init__(self, year: int):
        self.year = int(year)
        super().__init__(
            f"the working-day calendar does not know the year {self.year}: add its official holiday "
            f"schedule to the supplement file named by {SUPPLEMENT_ENV} (see docs/working-days.md)"
        )


def _library_years() -> set[int]:
    return {d.year for d in cc_constants.holidays} | {d.year for d in cc_constants.workdays}


def library_source() -> str:
    """Where the library's years come from, for ``aidwatch calendar status``."""
    return f"chinesecalendar {metadata.version('chinesecalendar')}"


def beyond(days) -> np.ndarray:
    """Which of ``days`` (``datetime64[D]``) are ``BEYOND``: due days the calendar cannot name yet."""
    return np.asarray(days, dtype="datetime64[D]") == BEYOND_D


#: ``DataFrame.attrs`` key of a case list: ``{column: rows}`` of its due days past the calendar (shown empty),
#: which the page names in its "next year's schedule" banner (``views.common.case_list``).
PAST_CALENDAR = "past_calendar"


def note_past_calendar(frame, dues: dict):
    """``frame`` with ``attrs[PAST_CALENDAR]``: for each column of ``dues`` (column → the due days its cells
    show), how many are ``BEYOND``; only the columns that have any. The frame is returned."""
    counts = {column: int(beyond(days).sum()) for column, days in dues.items()}
    frame.attrs[PAST_CALENDAR] = {column: n for column, n in counts.items() if n}
    return frame


def shown(days) -> np.ndarray:
    """``days`` for display: ``BEYOND`` becomes NaT (empty), never the marker's 9999-12-31."""
    arr = np.asarray(days, dtype="datetime64[D]")
    return np.where(beyond(arr), np.datetime64("NaT", "D"), arr)


def _parse_days(values, year: int, what: str) -> set[dt.date]:
    days = set()
    for value in values:
        day = dt.date.fromisoformat(str(value))
        if day.year != year:
            raise ValueError(f"supplement year {year}: {what} day {day} is in another year")
        days.add(day)
    return days


def load_supplement(path: str | os.PathLike | None) -> dict[int, tuple[set[dt.date], set[dt.date]]]:
    """Read ``{year: (holidays, make_up_workdays)}`` from a TOML supplement file.

    The file has one table per year::

        [2027]
        holidays = ["2027-01-01", ...]   # official days off that fall on weekdays or weekends
        workdays = ["2027-02-07", ...]   # weekend days declared working days (调休)
    """
    if not path:
        return {}
    with open(path, "rb") as fh:
        raw = tomllib.load(fh)
    out = {}
    for key, table in raw.items():
        year = int(key)
        out[year] = (
            _parse_days(table.get("holidays", []), year, "holiday"),
            _parse_days(table.get("workdays", []), year, "make-up working"),
        )
    return out


class WorkCalendar:
    """Working days for every year the library or the supplement knows."""

    def __init__(self, supplement: dict[int, tuple[set[dt.date], set[dt.date]]] | None = None,
                 supplement_path: str | None = None):
        supplement = supplement or {}
        lib_years = _library_years()
        self.years = frozenset(lib_years | set(supplement))
        #: year → where its schedule comes from (the library's version, or the supplement file)
        self.sources = {y: (f"supplement {supplement_path or '(in memory)'}" if y in supplement else library_source())
                        for y in sorted(self.years)}
        # Known years must be contiguous, or a due date could silently jump a gap.
        lo, hi = min(self.years), max(self.years)
        missing = sorted(set(range(lo, hi + 1)) - self.years)
        if missing:
            raise UnknownCalendarYear(missing[0])
        self.first = dt.date(lo, 1, 1)
        self.last = dt.date(hi, 12, 31)
        days = []
        day = self.first
        one = dt.timedelta(days=1)
        while day <= self.last:
            if day.year in supplement:
                holidays, makeups = supplement[day.year]
                work = day in makeups or (day.weekday() < 5 and day not in holidays)
            else:
                # chinese_calendar.is_workday's rule on its own tables, without its per-call range check
                # (a scan of every holiday, 0.4 s for the whole calendar); the years were checked above.
                work = day in cc_constants.workdays or (day.weekday() < 5 and day not in cc_constants.holidays)
            if work:
                days.append(day.toordinal())
            day += one
        self._ordinals = np.asarray(days, dtype=np.int64)
        self._set = frozenset(days)

    def missing_schedule(self, today: dt.date) -> int | None:
        """The year whose official schedule should be loaded by ``today`` and is not: the current year at
        any time, and from 1 December the next one (the State Council publishes it in November), so that
        the clocks of the year's last days can be counted to their end."""
        wanted = [today.year, today.year + 1] if today.month == 12 else [today.year]
        return next((year for year in wanted if year not in self.years), None)

    # -- scalar API -----------------------------------------------------
    def _unknown(self, day: dt.date) -> UnknownCalendarYear:
        """The error for a day outside the calendar; ``BEYOND`` names the first year after the calendar."""
        return UnknownCalendarYear(self.last.year + 1 if day == BEYOND else day.year)

    def _check(self, day: dt.date) -> None:
        if not (self.first <= day <= self.last):
            raise self._unknown(day)

    def is_workday(self, day: dt.date) -> bool:
        self._check(day)
        return day.toordinal() in self._set

    def due(self, day: dt.date, n: int) -> dt.date:
        """The n-th working day after ``day``; ``day`` itself is not counted (自…之日起). ``BEYOND`` when it
        falls past the calendar's last known day."""
        self._check(day)
        if n < 1:
            raise ValueError("n must be at least 1")
        idx = int(np.searchsorted(self._ordinals, day.toordinal(), side="right")) + n - 1
        if idx >= len(self._ordinals):
            return BEYOND
        return dt.date.fromordinal(int(self._ordinals[idx]))

    def workdays_between(self, start: dt.date, end: dt.date) -> int:
        """Working days in (start, end]; negative, counting (end, start], when end < start."""
        self._check(start)
        self._check(end)
        a = np.searchsorted(self._ordinals, start.toordinal(), side="right")
        b = np.searchsorted(self._ordinals, end.toordinal(), side="right")
        return int(b - a)

    def next_workday(self, day: dt.date) -> dt.date:
        """``day`` itself when it is a working day, else the next one (``BEYOND`` past the calendar)."""
        return day if self.is_workday(day) else self.due(day, 1)

    # -- vectorised API -------------------------------------------------
    def _ordinals_of(self, days) -> np.ndarray:
        arr = np.asarray(days, dtype="datetime64[D]")
        if arr.size == 0:
            return arr.astype(np.int64)
        valid = ~np.isnat(arr)
        ords = arr.astype(np.int64) + dt.date(1970, 1, 1).toordinal()
        if valid.any():
            lo, hi = ords[valid].min(), ords[valid].max()
            if lo < self.first.toordinal():
                raise self._unknown(dt.date.fromordinal(int(lo)))
            if hi > self.last.toordinal():
                raise self._unknown(dt.date.fromordinal(int(hi)))
        return ords

    def known(self, days) -> np.ndarray:
        """Which of ``days`` (``datetime64[D]``) fall in a year the calendar knows (NaT: False)."""
        arr = np.asarray(days, dtype="datetime64[D]")
        return ~np.isnat(arr) & (arr >= np.datetime64(self.first, "D")) & (arr <= np.datetime64(self.last, "D"))

    def _unknown_as_nat(self, days, outside: str) -> np.ndarray:
        """``days`` with those outside the calendar turned into NaT when ``outside`` is ``"nat"``.

        Registry rows can carry any date (a typo'd 1999, a placeholder 2099): for them the
        working-day figures are unknown and left empty, and the data-quality page counts them.
        ``"raise"`` keeps the error that names the year, for everything that is not such a row.
        """
        arr = np.asarray(days, dtype="datetime64[D]")
        if outside == "raise":
            return arr
        if outside != "nat":
            raise ValueError(f"outside must be 'raise' or 'nat', not {outside!r}")
        return np.where(self.known(arr), arr, np.datetime64("NaT", "D"))

    def due_many(self, days, n: int, outside: str = "raise") -> np.ndarray:
        """Vectorised ``due``: an array of ``datetime64[D]``; NaT stays NaT, and with ``outside="nat"`` so
        does a day in a year the calendar does not know. A due day past the calendar's last known day is
        ``BEYOND_D``."""
        if n < 1:
            raise ValueError("n must be at least 1")
        arr = self._unknown_as_nat(days, outside)
        ords = self._ordinals_of(arr)
        out = np.full(arr.shape, np.datetime64("NaT"), dtype="datetime64[D]")
        valid = ~np.isnat(arr)
        idx = np.searchsorted(self._ordinals, ords[valid], side="right") + n - 1
        past = idx >= len(self._ordinals)
        epoch = dt.date(1970, 1, 1).toordinal()
        dues = np.full(idx.shape, BEYOND_D)
        dues[~past] = (self._ordinals[idx[~past]] - epoch).astype("datetime64[D]")
        out[valid] = dues
        return out

    def workdays_between_many(self, start, end, outside: str = "raise") -> np.ndarray:
        """Vectorised ``workdays_between`` as float (NaN where either side is NaT, and with ``outside="nat"``
        where either side is in a year the calendar does not know or is ``BEYOND``)."""
        s = self._unknown_as_nat(start, outside)
        e = self._unknown_as_nat(end, outside)
        s, e = np.broadcast_arrays(s, e)
        valid = ~(np.isnat(s) | np.isnat(e))
        out = np.full(s.shape, np.nan)
        so = self._ordinals_of(s[valid])
        eo = self._ordinals_of(e[valid])
        out[valid] = np.searchsorted(self._ordinals, eo, side="right") - np.searchsorted(
            self._ordinals, so, side="right"
        )
        return out


@lru_cache(maxsize=4)
def _calendar_for(path: str | None) -> WorkCalendar:
    return WorkCalendar(load_supplement(path), path)


def calendar() -> WorkCalendar:
    """The process-wide calendar, including the operator's supplement if configured."""
    path = os.environ.get(SUPPLEMENT_ENV) or None
    if path and not Path(path).exists():
        raise FileNotFoundError(f"{SUPPLEMENT_ENV} names {path}, which does not exist")
    return _calendar_for(path)
