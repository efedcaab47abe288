"""What to measure per page: its content callback, and the same SQL run directly (the floor)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from queries import deadlines


@dataclass(frozen=True)
class PageBench:
    name: str
    path: str
    prefix: str  # the page's ``{prefix}-view`` → ``{prefix}-content`` callback
    floor: Callable  # floor(conn, scope, region, year, as_of): the page's queries, uncached
    drawn: str  # CSS selector present once the browser has drawn the page's data


PAGES = [
    PageBench("deadlines", "/deadlines", "dl",
              lambda conn, scope, region, year, as_of: deadlines.deadline_series(conn, scope, region, year),
              "#dl-grid .ag-row"),
]
