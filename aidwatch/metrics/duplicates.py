"""Duplicate-aid alerts as of a date, derived from the grouped match frame.

``queries.duplicates.match_groups`` counts a year's matches per region and per
(kind, batch, pushed, verified, outcome, rectified). Everything the page shows
as of D is derived here, in memory, with Chinese working days
(``WorkCalendar.due_many``): a new D needs no new query.

Rules (shared/spec/metrics.md): rows with ``pushed_on`` ≤ D; due day
``due(pushed_on, 10)``; **closed** once verified ``false_positive``, or
``confirmed`` and rectified, on or before D, on the later of those days;
``open`` = not closed; ``overdue`` = open and D after the due day;
``closed_late`` = closed after the due day. Dates after D do not exist yet.

The alert rules and their severity order are documented in
docs/metrics-decisions.md ("Duplicate-aid alerts").
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pandas as pd

from aidwatch.workdays import WorkCalendar, note_past_calendar, shown

EXPORT_COLUMNS = ["code", "name", "matches", "unverified", "confirmed", "open", "overdue", "closed_late",
                  "repeat_students"]
COUNTS = EXPORT_COLUMNS[2:-1]
#: Ageing of open matches: working days since the push, inclusive bounds.
AGE_BUCKETS = (("0-5", 0, 5), ("6-10", 6, 10), ("11-20", 11, 20), ("20+", 21, None))
#: Alert rules, most severe first (docs/metrics-decisions.md).
RULES = ("overdue", "repeat", "many_open", "untouched")
#: A school with at least this many open matches is chased even before any is overdue.
MANY_OPEN = 5
#: A match's state on a case list, most urgent first.
STATES = ("overdue", "open", "closed_late", "closed")


def filtered(groups: pd.DataFrame, kind: str | None, batch: str | None) -> pd.DataFrame:
    """The grouped matches of one kind and/or one batch month (None: all)."""
    keep = pd.Series(True, index=groups.index)
    if kind is not None:
        keep &= groups["kind"] == kind
    if batch is not None:
        keep &= groups["batch_month"] == batch
    return groups[keep]


def classify(frame: pd.DataFrame, as_of: dt.date, cal: WorkCalendar, workdays: int) -> pd.DataFrame:
    """Rows pushed by D with their as-of state: ``due_on, closed_on, unverified, confirmed, open, overdue,
    closed_late, elapsed`` (working days from the push to the closing day, or to D while open).
A due day past the calendar's last known day is ``BEYOND`` (after every known D): not overdue, not late.

    Works on grouped rows (weight ``n``) and on case rows alike; dates after D are blanked.
    """
    cutoff = pd.Timestamp(as_of)
    out = frame[frame["pushed_on"] <= cutoff].copy()
    verified_on = out["verified_on"].where(out["verified_on"] <= cutoff)
    rectified_on = out["rectified_on"].where(out["rectified_on"] <= cutoff)
    verified = verified_on.notna()
    out["verified_on"], out["rectified_on"] = verified_on, rectified_on
    out["outcome"] = out["outcome"].where(verified, None)
    confirmed = verified & (out["outcome"] == "confirmed")
    false_positive = verified & (out["outcome"] == "false_positive")
    rectified_done = confirmed & rectified_on.notna()
    closed_on = verified_on.where(false_positive)
    closed_on = closed_on.where(~rectified_done, np.maximum(verified_on, rectified_on))
    pushed = out["pushed_on"].to_numpy("datetime64[D]")
    due = cal.due_many(pushed, workdays, outside="nat")
    out["due_on"] = pd.Series(due, index=out.index).astype("datetime64[s]")
    out["closed_on"] = closed_on
    closed = closed_on.notna()
    end = np.where(closed, closed_on.to_numpy("datetime64[D]"), np.datetime64(as_of, "D"))
    # a closing day in a year the calendar does not know (an odd row, see the quality page): elapsed unknown
    out["elapsed"] = pd.array(cal.workdays_between_many(pushed, end, outside="nat"), dtype="Int64")
    out["unverified"] = ~verified
    out["confirmed"] = confirmed
    out["open"] = ~closed
    out["overdue"] = ~closed & (cutoff > out["due_on"])
    out["closed_late"] = closed & (closed_on > out["due_on"])
    return out


def _weighted(states: pd.DataFrame, key: str = "code") -> pd.DataFrame:
    """Per ``key``: ``matches`` and the count of each flag, weighted by ``n``."""
    n = states["n"].to_numpy()
    data = {"matches": n}
    data.update({flag: states[flag].to_numpy(bool) * n for flag in COUNTS[1:]})
    return pd.DataFrame(data, index=states[key].to_numpy()).groupby(level=0).sum()


def region_rows(children: pd.DataFrame, states: pd.DataFrame, repeat: pd.DataFrame) -> pd.DataFrame:
    """Export rows, one per child region in the children's order, plus ``drill`` (the key one level down)."""
    codes = children["code"].astype(str)
    counts = _weighted(states).reindex(codes, fill_value=0)
    out = counts.reset_index(drop=True)
    out.insert(0, "code", list(children["school_code"] if "school_code" in children else codes))
    out.insert(1, "name", list(children["name"]))
    out["repeat_students"] = codes.map(dict(zip(repeat["code"], repeat["n"]))).fillna(0).to_numpy()
    out = out.astype({c: "int64" for c in EXPORT_COLUMNS[2:]})
    out["drill"] = list(codes)
    return out


def total_row(code: str, name: str, states: pd.DataFrame, repeat_total: int) -> dict:
    """The selected region's own figures: its children summed, and its own repeat-student count."""
    sums = {flag: int((states[flag].to_numpy(bool) * states["n"].to_numpy()).sum()) for flag in COUNTS[1:]}
    return {"code": code, "name": name, "matches": int(states["n"].sum()), **sums,
            "repeat_students": int(repeat_total)}


def ageing(states: pd.DataFrame) -> pd.DataFrame:
    """Open matches per working-day age bucket and kind: ``bucket, kind, n`` (every bucket present)."""
    open_ = states[states["open"]]
    rows = []
    for label, lo, hi in AGE_BUCKETS:
        inside = (open_["elapsed"] >= lo) & (open_["elapsed"] <= (hi if hi is not None else np.inf))
        for kind in ("grant", "tuition"):
            rows.append((label, kind, int(open_.loc[inside & (open_["kind"] == kind), "n"].sum())))
    return pd.DataFrame(rows, columns=["bucket", "kind", "n"])


def trend(states: pd.DataFrame, as_of: dt.date) -> pd.DataFrame:
    """Per batch month and kind: ``matches`` and ``pct_on_time``, the share closed within the limit among
    the matches whose due day is on or before D (NaN while no match of the batch is due yet)."""
    if states.empty:
        return pd.DataFrame(columns=["batch_month", "kind", "matches", "due", "on_time", "pct_on_time"])
    n = states["n"]
    due = states["due_on"] <= pd.Timestamp(as_of)
    on_time = ~states["open"] & ~states["closed_late"] & due
    frame = pd.DataFrame({"batch_month": states["batch_month"], "kind": states["kind"], "matches": n,
                          "due": n * due, "on_time": n * on_time})
    out = frame.groupby(["batch_month", "kind"], as_index=False).sum().sort_values(["batch_month", "kind"])
    with np.errstate(divide="ignore", invalid="ignore"):
        out["pct_on_time"] = np.where(out["due"] > 0, np.round(100.0 * out["on_time"] / out["due"].clip(lower=1), 1),
                                      np.nan)
    return out.reset_index(drop=True)


def alerts(states: pd.DataFrame, repeat: pd.DataFrame, key: str = "school") -> pd.DataFrame:
    """What a supervisor chases, one row per school, most urgent first.

    ``states`` carry the school id in ``key``; ``repeat`` is repeat students per school.
    Columns: ``code`` (school id), ``rule`` (the most severe rule that fired),
    ``rules`` (all that fired, in severity order), ``overdue``, ``oldest``
    (working days since the push of the oldest overdue match), ``open``,
    ``repeat_students``, ``batch`` / ``batch_n`` (the newest batch not yet touched).
    """
    columns = ["code", "rule", "rules", "overdue", "oldest", "open", "repeat_students", "batch", "batch_n"]
    if states.empty and repeat.empty:
        return pd.DataFrame(columns=columns)
    per = _weighted(states, key)[["open", "overdue"]]
    overdue_rows = states[states["overdue"]]
    per["oldest"] = overdue_rows.groupby(key)["elapsed"].max()
    per = per.join(repeat.set_index("code")["n"].rename("repeat_students"), how="outer").fillna(0)
    # A batch is untouched at a school while none of its matches there is verified and none is overdue yet.
    by_batch = states.assign(verified=~states["unverified"] * states["n"], late=states["overdue"] * states["n"])
    by_batch = by_batch.groupby([key, "batch_month"], as_index=False)[["n", "verified", "late"]].sum()
    fresh = by_batch[(by_batch["verified"] == 0) & (by_batch["late"] == 0)]
    newest = fresh.sort_values("batch_month").groupby(key).tail(1).set_index(key)
    per["batch"] = newest["batch_month"]
    per["batch_n"] = newest["n"]
    fired = {
        "overdue": per["overdue"] > 0,
        "repeat": per["repeat_students"] > 0,
        "many_open": per["open"] >= MANY_OPEN,
        "untouched": per["batch"].notna(),
    }
    hits = np.column_stack([fired[r].to_numpy(bool) for r in RULES])
    keep = hits.any(axis=1)
    per, hits = per[keep].copy(), hits[keep]
    per["rules"] = [tuple(r for r, hit in zip(RULES, row) if hit) for row in hits.tolist()]
    per["severity"] = hits.argmax(axis=1)
    per["rule"] = np.asarray(RULES, dtype=object)[per["severity"].to_numpy()]
    # Within a rule, the bigger problem first: more overdue (then older), more repeats, more open, bigger batch.
    measure = np.column_stack([(per["overdue"] * 10_000 + per["oldest"].fillna(0)).to_numpy(float),
                               per["repeat_students"].to_numpy(float), per["open"].to_numpy(float),
                               per["batch_n"].fillna(0).to_numpy(float)])
    per["measure"] = measure[np.arange(len(per)), per["severity"].to_numpy()]
    per["code"] = per.index.astype(str)
    per["key"] = pd.to_numeric(per["code"])
    per = per.sort_values(["severity", "measure", "key"], ascending=[True, False, True])
    for col in ("overdue", "open", "repeat_students"):
        per[col] = per[col].astype("int64")
    return per.reindex(columns=columns).reset_index(drop=True)


def case_rows(cases: pd.DataFrame, as_of: dt.date, cal: WorkCalendar, workdays: int) -> pd.DataFrame:
    """A school's matches as they stood on D, most urgent first, with ``state, due_on, workdays_elapsed``."""
    out = classify(cases.assign(n=1), as_of, cal, workdays)
    out["state"] = np.select([out["overdue"], out["open"], out["closed_late"]], list(STATES[:3]), STATES[3])
    out["workdays_elapsed"] = out["elapsed"]
    due = out["due_on"].to_numpy("datetime64[D]")
    out["due_on"] = pd.Series(shown(due), index=out.index)
    out["rank"] = out["state"].map(STATES.index)
    out = out.sort_values(["rank", "pushed_on"], kind="stable").drop(columns=["rank"]).reset_index(drop=True)
    return note_past_calendar(out, {"due_on": due})


@dataclass(frozen=True)
class Overview:
    """What the page and its export show as of D for one region and filter."""

    rows: pd.DataFrame      # export columns + drill, one per child region
    total: dict             # the region's own row
    ageing: pd.DataFrame
    trend: pd.DataFrame
    alerts: pd.DataFrame
    batches: list           # batch months pushed by D in year Y (for the filter)


def overview(children: pd.DataFrame, groups: pd.DataFrame, repeat: pd.DataFrame, repeat_total: int,
             school_repeat: pd.DataFrame, region_code: str, region_name: str,
             as_of: dt.date, cal: WorkCalendar, workdays: int, kind: str | None, batch: str | None) -> Overview:
    """Everything of one view from the cached frames (``groups``: child region in ``code``, school in ``school``)."""
    states = classify(filtered(groups, kind, batch), as_of, cal, workdays)
    batches = sorted(groups.loc[groups["pushed_on"] <= pd.Timestamp(as_of), "batch_month"].unique())
    return Overview(
        rows=region_rows(children, states, repeat),
        total=total_row(region_code, region_name, states, repeat_total),
        ageing=ageing(states),
        trend=trend(states, as_of),
        alerts=alerts(states, school_repeat),
        batches=list(batches),
    )
