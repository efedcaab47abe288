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
#: What the series counts per deadline: records done, and records that count towards the total.
MEASURES = ("done", "total")
EXPORT_COLUMNS = ["deadline", "code", "name", "due_on", "done", "total", "pct_done", "working_days_left", "status"]


def _positions(column: pd.Series, keys: list[str]) -> np.ndarray:
    """Each row's position in ``keys`` (-1: not among them), looked up once per category, not per row."""
    col = column if isinstance(column.dtype, pd.CategoricalDtype) else column.astype("category")
    where = np.append(pd.Index(keys).get_indexer(col.cat.categories.astype(str)), -1)
    return where[col.cat.codes.to_numpy()]  # code -1 (a missing value) takes the appended -1


def cumulative(series: pd.DataFrame, codes: list[str], days: list[dt.date]) -> dict[tuple[dt.date, str], np.ndarray]:
    """(day, measure) → the records counted by that day per (deadline, code), as a flat array in deadline order
    (``DEADLINES``) then ``codes`` order: the records whose day is on or before it (or that have none).

    This runs on every as-of change and several times per briefing (D and the pace window's start, at three
    dates): positions and sums over the cached series' arrays, not a grouped pandas sum per call."""
    size = len(DEADLINES) * len(codes)
    if series.empty:
        return {(day, measure): np.zeros(size, dtype=np.int64) for day in days for measure in MEASURES}
    deadline, code = _positions(series["deadline"], list(DEADLINES)), _positions(series["code"], codes)
    cell = np.where((deadline >= 0) & (code >= 0), deadline * len(codes) + code, -1)
    measure = _positions(series["measure"], list(MEASURES))
    day, n = series["day"].to_numpy(), series["n"].to_numpy()
    out = {}
    for d in days:
        counted = (cell >= 0) & (np.isnat(day) | (day <= np.datetime64(d)))
        for i, name in enumerate(MEASURES):
            rows = counted & (measure == i)
            out[(d, name)] = np.bincount(cell[rows], weights=n[rows], minlength=size).astype(np.int64)
    return out


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
    codes = list(children["code"].astype(str))
    pace_start = as_of - dt.timedelta(days=PACE_WINDOW_DAYS)
    counts = cumulative(series, codes, [as_of, pace_start])
    out = pd.DataFrame({"deadline": np.repeat(list(DEADLINES), len(codes)), "code": codes * len(DEADLINES),
                        "done": counts[(as_of, "done")], "total": counts[(as_of, "total")]})
    out["name"] = list(children["name"]) * len(DEADLINES)
    out["due_on"] = out["deadline"].map(policy.due)
    out["pct_done"] = pct(out["done"], out["total"])
    left = {d: cal.workdays_between(as_of, due) for d, due in policy.due.items()}
    out["working_days_left"] = out["deadline"].map(left).astype("int64")
    before, done, total = counts[(pace_start, "done")], out["done"].to_numpy(), out["total"].to_numpy()
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
