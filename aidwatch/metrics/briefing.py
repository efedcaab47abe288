"""The leadership briefing's figures: each area's headline numbers at D, a week and a month before,
the deadlines that are live at D, and the regions furthest behind on each.

Nothing here computes a metric of its own: the callers pass in what the pages'
own metric functions produced (the deadline summary and rows of
``aidwatch.metrics.deadlines``, the duplicate, backlog and inspection totals of
their modules) for each of the three dates, and this module only arranges
them, compares the dates and picks what a one-page briefing shows. The
choices are documented in docs/metrics-decisions.md ("Briefing").
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import pandas as pd

from aidwatch.policy import DEADLINES

#: The comparison dates, as calendar days before D (the school profile's trend uses the same).
COMPARE_DAYS = {"week": 7, "month": 30}
#: The dates a headline is read at, in display order: D, then the comparisons.
WHEN = ("now", "week", "month")
#: The briefing's areas, in display order, and their headlines: (key, kind). A count that rises is bad;
#: a percentage that rises is good.
AREAS = {
    "registration": [("spring_registration", "deadline"), ("autumn_registration", "deadline")],
    "approvals": [("spring_aid_approval", "deadline"), ("autumn_aid_approval", "deadline")],
    "rollout": [("rollout_funds", "deadline"), ("rollout_report", "deadline")],
    "duplicates": [("open", "count"), ("overdue", "count")],
    "backlog": [("unrecorded_overdue", "count"), ("overdue_approval", "count"), ("phantom_suspects", "count")],
    "inspections": [("coverage_pct", "pct"), ("serious_findings", "count")],
    "records": [("awaiting_approval", "count"), ("approval_overdue", "count")],
    "graduation": [("upload_overdue", "count"), ("approval_overdue", "count"), ("approved_no_certificate", "count")],
    "funding": [("gap_students", "count"), ("gap_yuan", "count")],
}
#: Deadline → its area.
DEADLINE_AREAS = {key: area for area, keys in AREAS.items() for key, kind in keys if kind == "deadline"}
#: The page each area's numbers come from.
AREA_PAGES = {"registration": "/deadlines", "approvals": "/deadlines", "rollout": "/deadlines",
              "duplicates": "/duplicates", "backlog": "/backlog", "inspections": "/inspections",
              "records": "/records", "graduation": "/records", "funding": "/funding"}
#: The counts that rank the regions furthest behind in an area without deadlines (their sum, largest first).
BEHIND_KEYS = {"records": ("approval_overdue",), "graduation": ("upload_overdue", "approval_overdue"),
               "funding": ("gap_yuan",)}
#: How many regions a laggard list names.
LAGGARDS = 5
#: A deadline stays live this many calendar days after its due day while it is not done; later, its
#: shortfall is history (it still shows among the headlines) rather than news.
LIVE_AFTER_DUE_DAYS = 30


@dataclass(frozen=True)
class Headline:
    """One headline number of an area at D, a week and a month before D (None: not available)."""

    area: str
    key: str
    kind: str                 # deadline (a completion %) | pct | count
    values: dict              # WHEN → the number (a % for deadline and pct, a count otherwise)
    done: int | None = None   # at D: the parts of a percentage
    total: int | None = None
    status: str | None = None  # deadline status at D
    worse_up: bool = True     # a count that rises is bad; a percentage that rises is good
    extra: dict = field(default_factory=dict)  # more facts for the narrative (working days left, due day)

    def change(self, when: str) -> float | None:
        """The change from ``when`` (week | month) to D: percentage points, or a count."""
        now, then = self.values.get("now"), self.values.get(when)
        if now is None or then is None or pd.isna(now) or pd.isna(then):
            return None
        return round(float(now) - float(then), 1) if self.kind != "count" else int(now) - int(then)

    @property
    def page(self) -> str:
        return AREA_PAGES[self.area]


def comparison_dates(as_of: dt.date, earliest: dt.date) -> dict:
    """WHEN → date: D, D − 7 and D − 30 days; a comparison before ``earliest`` (the first policy year)
    is None, because no view of it exists."""
    out = {"now": as_of}
    for when, days in COMPARE_DAYS.items():
        day = as_of - dt.timedelta(days=days)
        out[when] = day if day >= earliest else None
    return out


def _value(v):
    return None if v is None or pd.isna(v) else float(v)


def deadline_headlines(summaries: dict) -> dict:
    """Deadline key → ``Headline`` from the deadline summaries (``aidwatch.metrics.deadlines.summary``)
    at each of WHEN (a missing date: None)."""
    by = {when: (s.set_index("deadline") if s is not None else None) for when, s in summaries.items()}
    now = by["now"]
    out = {}
    for deadline in DEADLINES:
        row = now.loc[deadline]
        values = {when: (_value(frame.loc[deadline, "pct_done"]) if frame is not None else None)
                  for when, frame in by.items()}
        out[deadline] = Headline(DEADLINE_AREAS[deadline], deadline, "deadline", values, int(row["done"]), int(row["total"]),
                                 str(row["status"]), worse_up=False,
                                 extra={"due_on": row["due_on"], "working_days_left": int(row["working_days_left"])})
    return out


def total_headlines(area: str, totals: dict) -> dict:
    """Key → ``Headline`` for an area whose page has a region total (a dict of counts) at each of WHEN:
    duplicates (``aidwatch.metrics.duplicates.total_row``), backlog and inspections (their ``total_row``)."""
    out = {}
    for key, kind in AREAS[area]:
        values = {when: (_value(total[key]) if total is not None else None) for when, total in totals.items()}
        now = totals["now"]
        done = total = None
        if area == "inspections" and key == "coverage_pct":
            done, total = int(now["inspected"]), int(now["schools"])
        out[key] = Headline(area, key, kind, values, done, total, worse_up=kind == "count")
    return out


def live_deadlines(summary: pd.DataFrame, as_of: dt.date) -> list[str]:
    """The deadlines that need attention at D, in the year's order: not done, with work under way or
    due (a deadline not started and still far off is on track with nothing done: not live), and due no
    more than LIVE_AFTER_DUE_DAYS before D."""
    rows = summary.set_index("deadline")
    live = []
    for deadline in DEADLINES:
        r = rows.loc[deadline]
        if r["status"] in ("done", "no_data"):
            continue
        if r["status"] == "on_track" and int(r["done"]) == 0:
            continue
        if (as_of - r["due_on"]).days > LIVE_AFTER_DUE_DAYS:
            continue
        live.append(deadline)
    return live


def laggards(rows: pd.DataFrame, deadline: str, n: int = LAGGARDS) -> pd.DataFrame:
    """The ``n`` child regions furthest behind on ``deadline`` (deadline progress rows, ``drill`` = the
    child's key): lowest share done first, then most records outstanding; regions that are done or
    have nothing to do are not behind."""
    part = rows[(rows["deadline"] == deadline) & ~rows["status"].isin(["done", "no_data"])]
    part = part.assign(left=part["total"] - part["done"])
    part = part.sort_values(["pct_done", "left", "code"], ascending=[True, False, True], na_position="last")
    return part.head(n)[["drill", "code", "name", "pct_done", "done", "total", "left", "status"]].reset_index(
        drop=True)


def furthest_behind(rows: pd.DataFrame, area: str, n: int = LAGGARDS) -> pd.DataFrame:
    """The ``n`` child regions (a page's rows, ``drill`` = the child's key) with the most overdue items of
    ``area`` (the sum of its ``BEHIND_KEYS``), ties by code; regions with none are not behind."""
    part = rows.assign(value=rows[list(BEHIND_KEYS[area])].sum(axis=1))
    part = part[part["value"] > 0].sort_values(["value", "code"], ascending=[False, True])
    return part.head(n)[["drill", "code", "name", "value"]].reset_index(drop=True)


def report_summary(tracker: pd.DataFrame) -> dict:
    """The written reports at D (``aidwatch.metrics.rollout.report_tracker`` rows): how many are in, how
    many of those late, and which provinces are missing (most overdue first) or pending."""
    status = tracker["report_status"]
    missing = tracker[status == "missing"].sort_values(["working_days_late", "code"], ascending=[False, True])
    return {
        "provinces": len(tracker),
        "submitted": int(status.isin(["on_time", "late"]).sum()),
        "late": int((status == "late").sum()),
        "missing": list(missing["name"]),
        "pending": int((status == "pending").sum()),
        "rows": tracker.reset_index(drop=True),
    }


@dataclass(frozen=True)
class Facts:
    """What the briefing's sentences are made of (``aidwatch.narrative``)."""

    as_of: dt.date
    level: str               # nation | province
    region_name: str
    headlines: dict          # (area, key) → Headline
    reports: dict            # report_summary(...)
    live: dict               # live deadline → its laggards (``laggards``), in the year's order
    behind: dict = field(default_factory=dict)  # area → its regions furthest behind (``furthest_behind``)


def map_deadline(live: list[str], due: dict, as_of: dt.date, fallback: str) -> str:
    """The deadline the map shows: the next live one still ahead of D, else the live one due last, else
    ``fallback`` (the deadline page's default), so that the map shows work under way when there is some."""
    ahead = [d for d in live if due[d] >= as_of]
    return ahead[0] if ahead else (live[-1] if live else fallback)
