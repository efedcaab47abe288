"""The pages the benchmark measures: their content callback, and what shows they are drawn."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class PageBench:
    name: str
    path: str
    prefix: str  # the page's ``{prefix}-view`` → ``{prefix}-content`` callback
    drawn: str   # CSS selector present once the browser has drawn the page's data


PAGES = [
    PageBench("deadlines", "/deadlines", "dl", "#dl-grid .ag-row"),
    PageBench("rollout", "/rollout", "ro", "#ro-grid .ag-row"),
    PageBench("duplicates", "/duplicates", "dup", "#dup-grid .ag-row"),
    PageBench("backlog", "/backlog", "bl", "#bl-grid .ag-row"),
    PageBench("records", "/records", "rg", "#rg-grid .ag-row"),
    # the bench's snapshot (26 November) is in the autumn term, whose section the page draws first
    PageBench("funding", "/funding", "fd", "#fda-grid .ag-row"),
    PageBench("inspections", "/inspections", "insp", "#insp-grid .ag-row"),
    PageBench("briefing", "/briefing", "br", "#br-sentences li"),
]
