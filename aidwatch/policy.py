"""The policy calendar: each year's deadlines, as data.

Dates live in ``policy_calendar.toml`` beside this module so that a new year's
notice is a data change, not a code change. A year without its own entry
repeats the latest configured earlier year and is flagged ``assumed`` so the
dashboard can say which dates are assumed rather than published.
"""

from __future__ import annotations

import datetime as dt
import tomllib
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

#: The deadlines in display order (the order of the school year).
DEADLINES = (
    "spring_registration",
    "spring_aid_approval",
    "rollout_funds",
    "rollout_report",
    "autumn_registration",
    "autumn_aid_approval",
)


@dataclass(frozen=True)
class YearPolicy:
    year: int
    source_year: int
    source: str
    due: dict  # deadline name -> date
    status_change_workdays: int
    duplicate_workdays: int
    status_approval_workdays: int
    record_approval_workdays: int      # the dashboard's monitoring convention (监测口径), not the notice's
    graduation_upload_workdays: int    # ditto
    graduation_approval_workdays: int  # ditto
    term_starts: dict                  # "S" | "A" → the semester's usual first day (a convention, not the notice's)

    @property
    def assumed(self) -> bool:
        """True when this year's dates are copied from an earlier year's notice."""
        return self.year != self.source_year


@lru_cache(maxsize=1)
def _raw() -> dict[int, dict]:
    text = resources.files("aidwatch").joinpath("policy_calendar.toml").read_text("utf-8")
    return {int(k): v for k, v in tomllib.loads(text).items()}


def policy_for(year: int) -> YearPolicy:
    """The deadlines of ``year``; raises ``LookupError`` before the first configured year."""
    raw = _raw()
    earlier = [y for y in raw if y <= year]
    if not earlier:
        raise LookupError(f"no policy calendar for {year}: the first configured year is {min(raw)}")
    source_year = max(earlier)
    table = raw[source_year]
    due = {}
    for name in DEADLINES:
        due[name] = _month_day(year, table[name])
    return YearPolicy(
        year=year,
        source_year=source_year,
        source=table.get("source", ""),
        due=due,
        status_change_workdays=int(table["status_change_workdays"]),
        duplicate_workdays=int(table["duplicate_workdays"]),
        status_approval_workdays=int(table["status_approval_workdays"]),
        record_approval_workdays=int(table["record_approval_workdays"]),
        graduation_upload_workdays=int(table["graduation_upload_workdays"]),
        graduation_approval_workdays=int(table["graduation_approval_workdays"]),
        term_starts={half: _month_day(year, table[key])
                     for half, key in (("S", "spring_term_starts"), ("A", "autumn_term_starts"))},
    )


def _month_day(year: int, text: str) -> dt.date:
    month, day = (int(p) for p in text.split("-"))
    return dt.date(year, month, day)
