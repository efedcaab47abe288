"""Semester arithmetic: 'YYYYS' (March–July) and 'YYYYA' (September–January).

Terms are handled as integers ``2*year + (0 spring | 1 autumn)`` so that a
student's grade in a term is plain subtraction.
"""

from __future__ import annotations

import datetime as dt

from aidwatch.demo.days import day
from aidwatch.policy import policy_for

FIRST_AID_TERM = 2 * 2025  # '2025S': the expansion's first semester


def code(index: int) -> str:
    return f"{index // 2}{'A' if index % 2 else 'S'}"


def index_of(term: str) -> int:
    return 2 * int(term[:4]) + (1 if term[4] == "A" else 0)


def start(index: int) -> int:
    """First day of the semester (1 March / 1 September)."""
    year, autumn = divmod(index, 2)
    return day(dt.date(year, 9 if autumn else 3, 1))


def census(index: int) -> int:
    """The day a school's roll for the semester is taken (aid and headcount)."""
    return start(index) + 30


def approval_due(index: int) -> int:
    """The semester's aid approval deadline (20 May / 30 November in the 2025 notice)."""
    year, autumn = divmod(index, 2)
    return day(policy_for(year).due["autumn_aid_approval" if autumn else "spring_aid_approval"])


def holding(date: dt.date) -> int:
    """The latest semester that has started by ``date`` (February belongs to last autumn's)."""
    if date.month >= 9:
        return 2 * date.year + 1
    if date.month >= 3:
        return 2 * date.year
    return 2 * (date.year - 1) + 1
