"""Dates as integer day numbers, working-day arithmetic and fast date strings.

The generator handles tens of millions of dates, so they live in int64 numpy
arrays of days since 1970-01-01 (the ``datetime64[D]`` encoding). ``NEVER`` is
a day far in the future meaning "has not happened yet": any date after
``until`` becomes ``NEVER`` and is written as NULL, and adding a lag to
``NEVER`` stays ``NEVER``, so a chain of dates stays ordered automatically.
"""

from __future__ import annotations

import datetime as dt

import numpy as np

from aidwatch.workdays import UnknownCalendarYear, WorkCalendar

EPOCH = dt.date(1970, 1, 1).toordinal()
NEVER = 10**7  # a day number in the year 29349: "not happened yet"
LUT_FIRST = dt.date(1950, 1, 1)
LUT_LAST = dt.date(2040, 12, 31)


def day(value: dt.date | str) -> int:
    """The day number of a date or ISO string."""
    if isinstance(value, str):
        value = dt.date.fromisoformat(value)
    return value.toordinal() - EPOCH


def to_date(number: int) -> dt.date:
    return dt.date.fromordinal(int(number) + EPOCH)


def cut(days: np.ndarray, until: int) -> np.ndarray:
    """Dates after ``until`` have not happened yet: they become ``NEVER``."""
    return np.where(days > until, NEVER, days)


class WorkdayIndex:
    """Vectorised working-day arithmetic over the official calendar.

    ``WorkCalendar.due_many`` takes one ``n`` for all rows; the generator needs
    a different lag per row and a ``NEVER`` that passes through, so this keeps
    its own sorted array of working days, built once from the calendar's
    public ``is_workday`` (make-up weekend days included).
    """

    def __init__(self, calendar: WorkCalendar):
        self.first = day(calendar.first)
        self.last = day(calendar.last)
        numbers = np.arange(self.first, self.last + 1, dtype=np.int64)
        work = np.fromiter((calendar.is_workday(to_date(n)) for n in numbers), dtype=bool, count=numbers.size)
        self.workdays = numbers[work]

    def check(self, number: int) -> None:
        if not (self.first <= number <= self.last):
            raise UnknownCalendarYear(to_date(number).year)

    def add(self, days, n=0) -> np.ndarray:
        """The ``n``-th working day after each day (the day itself not counted).

        ``n == 0`` means the day itself when it is a working day, else the next
        one. Results beyond the calendar, and ``NEVER`` inputs, are ``NEVER``:
        both lie after ``until``, which is always inside the calendar.
        """
        days = np.asarray(days, dtype=np.int64)
        n = np.broadcast_to(np.asarray(n, dtype=np.int64), days.shape)
        never = days >= NEVER
        safe = np.where(never, self.last, days)
        if safe.size and safe.min() < self.first:
            raise UnknownCalendarYear(to_date(int(safe.min())).year)
        right = np.searchsorted(self.workdays, safe, side="right")
        left = np.searchsorted(self.workdays, safe, side="left")
        idx = np.where(n > 0, right + n - 1, left)
        beyond = idx >= self.workdays.size
        out = self.workdays[np.minimum(idx, self.workdays.size - 1)]
        return np.where(never | beyond, NEVER, out)

    def next(self, days) -> np.ndarray:
        """The day itself when a working day, else the next working day."""
        return self.add(days, 0)


_LUT = np.array(
    [(LUT_FIRST + dt.timedelta(days=i)).isoformat() for i in range((LUT_LAST - LUT_FIRST).days + 1)] + [None],
    dtype=object,
)
_LUT_BASE = day(LUT_FIRST)


def iso(days: np.ndarray) -> list:
    """Day numbers → ISO strings, ``NEVER`` → None, by table lookup (far faster than strftime)."""
    days = np.asarray(days, dtype=np.int64)
    idx = days - _LUT_BASE
    idx = np.where(days >= NEVER, len(_LUT) - 1, idx)
    if idx.size and (idx.min() < 0 or idx.max() >= len(_LUT)):
        raise ValueError("date outside the generator's range 1950–2040")
    return _LUT[idx].tolist()


def ymd(days: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Year, month and day arrays of day numbers."""
    d = np.asarray(days, dtype="datetime64[D]")
    y = d.astype("datetime64[Y]").astype(np.int64) + 1970
    m = d.astype("datetime64[M]").astype(np.int64) % 12 + 1
    dd = (d - d.astype("datetime64[M]")).astype(np.int64) + 1
    return y, m, dd


def ymd_to_day(year, month, dom) -> np.ndarray:
    """Vectorised date(year, month, dom) → day numbers."""
    year = np.asarray(year, dtype=np.int64)
    month = np.asarray(month, dtype=np.int64)
    months = (year - 1970) * 12 + (month - 1)
    first = months.astype("datetime64[M]").astype("datetime64[D]").astype(np.int64)
    return first + np.asarray(dom, dtype=np.int64) - 1
