"""Deadline progress as of a date, derived from the day-grouped series.

The series (``queries.deadlines.deadline_series``) holds, per deadline,
measure and child region, how many records start counting on each day. Any
as-of date D is then a cumulative sum up to D, computed here in memory, so a
date change needs no new query.

Status (shared/spec/metrics.md): ``done`` when done ≥ total > 0; else
``overdue`` when D is after the due day; else ``at_risk`` or ``on_track`` by
projecting the recent pace: the records done in the 14 calendar days up to D,
per working day in that window, times the working days left. If that
projection does not reach the total by the due day the deadline is at risk.
A deadline whose work has not started and that is more than
``NOT_STARTED_HORIZON`` working days away is on track (docs/metrics-decisions.md).
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from aidwatch.policy import DEADLINES, YearPolicy
from aidwatch.metrics.rates import pct
from aidwatch.workdays import WorkCalendar

PACE_WINDOW_DAYS = 14
#: Further than this many working days from its due day, a deadline whose work has
#: not started yet is on track: there is no pace to project, and nothing is late.
NOT_STARTED_HORIZON = 20
EXPORT_COLUMNS = ["deadline", "code", "name", "due_on", "done", "total", "pct_done", "working_days_left", "status"]


def cumulative(series: pd.DataFrame, as_of: dt.date) -> pd.DataFrame:
    """Totals per (deadline, code, measure) counting records whose day is on or before ``as_of``.

    This runs on every as-of change, so it must stay well under the 150 ms a date change may
    take: one grouped sum over the (categorical) cached series.
    """
    if series.empty:
        return pd.DataFrame(columns=["deadline", "code", "done", "total"])
    day = series["day"].to_numpy()
    keep = np.isnat(day) | (day <= np.datetime64(as_of))
    out = (series.loc[keep].groupby(["deadline", "code", "measure"], sort=True, observed=True)["n"].sum()
           .unstack("measure", fill_value=0).reindex(columns=["done", "total"], fill_value=0).reset_index())
    out.columns.name = None
    return out.astype({"deadline": str, "code": str, "done": "int64", "total": "int64"})


def classify(done, total, as_of: dt.date, due_on: dt.date, done_before, cal: WorkCalendar):
    """Status of each row of one deadline (arrays or scalars); ``done_before`` is done as of D minus the pace window."""
    done, total, done_before = (np.asarray(v, dtype=float) for v in (done, total, done_before))
    left = cal.workdays_between(as_of, due_on)
    window = max(cal.workdays_between(as_of - dt.timedelta(days=PACE_WINDOW_DAYS), as_of), 1)
    projected = done + np.maximum(done - done_before, 0) / window * left
    status = np.select(
        [total <= 0, done >= total, np.full(done.shape, as_of > due_on),
         (done == 0) & (left > NOT_STARTED_HORIZON), projected >= total],
        ["no_data", "done", "overdue", "on_track", "on_track"],
        default="at_risk",
    )
    return status.item() if status.ndim == 0 else status


def progress(children: pd.DataFrame, series: pd.DataFrame, as_of: dt.date, policy: YearPolicy,
             cal: WorkCalendar) -> pd.DataFrame:
    """Export rows: one per deadline and child region, in deadline order then region order."""
    now = cumulative(series, as_of)
    before = cumulative(series, as_of - dt.timedelta(days=PACE_WINDOW_DAYS))
    grid = pd.MultiIndex.from_product([list(DEADLINES), list(children["code"].astype(str))], names=["deadline", "code"])
    now = now.set_index(["deadline", "code"]).reindex(grid, fill_value=0)
    done_before = before.set_index(["deadline", "code"])["done"].reindex(grid, fill_value=0)
    out = now.reset_index()
    names = dict(zip(children["code"].astype(str), children["name"]))
    out["name"] = out["code"].map(names)
    out["due_on"] = out["deadline"].map(policy.due)
    out["done"] = out["done"].astype("int64")
    out["total"] = out["total"].astype("int64")
    out["pct_done"] = pct(out["done"], out["total"])
    left = {d: cal.workdays_between(as_of, due) for d, due in policy.due.items()}
    out["working_days_left"] = out["deadline"].map(left).astype("int64")
    before, done, total = done_before.to_numpy(), out["done"].to_numpy(), out["total"].to_numpy()
    deadline_of, status = out["deadline"].to_numpy(), np.empty(len(out), dtype=object)
    for deadline, due_on in policy.due.items():
        rows = deadline_of == deadline
        status[rows] = classify(done[rows], total[rows], as_of, due_on, before[rows], cal)
    out["status"] = status
    return out[EXPORT_COLUMNS]


def summary(series: pd.DataFrame, region_code: str, level: str, as_of: dt.date, policy: YearPolicy,
            cal: WorkCalendar) -> pd.DataFrame:
    """The selected region's own row per deadline: the children summed.

    The written report is the exception below the nation: every child carries
    the same province's report, so the region's row is that report, once.
    """
    merged = series.copy()
    if level != "nation" and not merged.empty:
        report = merged["deadline"] == "rollout_report"
        first = merged.loc[report, "code"].astype(str).min()
        merged = merged[~report | (merged["code"] == first)]
    merged["code"] = region_code
    children = pd.DataFrame({"code": [region_code], "name": [""]})
    return progress(children, merged, as_of, policy, cal)


def default_deadline(policy: YearPolicy, as_of: dt.date) -> str:
    """The deadline a view opens on: the next one due on or after D, else the last one of the year."""
    by_due = sorted(DEADLINES, key=lambda d: policy.due[d])
    upcoming = [d for d in by_due if policy.due[d] >= as_of]
    return upcoming[0] if upcoming else by_due[-1]
