"""Inspection priorities as of a date: coverage, the pace still needed, and the schools' risk score.

Pure functions over the small per-school frames that ``queries.inspections``
and the other pages' queries return. The score is a weighted sum of signals
normalised to 0..1 (weights in ``aidwatch/risk_weights.toml``), and every
school's *reasons* are its largest contributions, so a supervisor can see why
a school is near the top and open the cases behind it.

See shared/spec/metrics.md, "Inspection priorities", and
docs/metrics-decisions.md for the score.
"""

from __future__ import annotations

import datetime as dt
import tomllib
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from aidwatch.metrics.daycounts import day64, day_array, sum_per_code
from aidwatch.metrics.rates import pct
from aidwatch.workdays import WorkCalendar

WEIGHTS_FILE = Path(__file__).resolve().parent.parent / "risk_weights.toml"
EXPORT_COLUMNS = ["code", "name", "schools", "inspected", "coverage_pct", "serious_findings"]
SCHOOL_EXPORT_COLUMNS = [*EXPORT_COLUMNS, "risk_score", "reasons"]
#: Every signal the score knows, and the per-school count column it is read from (None: computed here).
SIGNALS = {
    "not_inspected": None,
    "serious_findings": None,
    "duplicates_overdue": "duplicates_overdue",
    "phantom_suspects": "phantom_suspects",
    "duplicates_repeat": "duplicates_repeat",
    "changes_late": "changes_late",
    "priority_without_grant": "priority_without_grant",
    "dual_plate": "dual_plate",
    "joint_enrollment": "joint_enrollment",
    "approvals_late": "approvals_late",
}
#: A row shows this many reasons: the largest contributions above zero.
TOP_REASONS = 3
#: The count columns a school gets from each source (zero where a source has no row for it).
COUNT_COLUMNS = ["duplicates_open", "duplicates_overdue", "duplicates_repeat", "changes", "changes_late",
                 "overdue_approval", "phantom_suspects", "priority_students", "priority_without_grant",
                 "aid_due", "approvals_late"]


@dataclass(frozen=True)
class Weight:
    weight: float
    full_at: float | None  # a count that makes the signal 1; None for a flag


def load_weights(path: str | Path | None = None) -> dict[str, Weight]:
    """The score's weights from ``risk_weights.toml``; every signal must be there, and nothing else."""
    with open(path or WEIGHTS_FILE, "rb") as fh:
        raw = tomllib.load(fh)
    if set(raw) != set(SIGNALS):
        raise ValueError(f"risk weights must name exactly {sorted(SIGNALS)}; got {sorted(raw)}")
    out = {}
    for name, entry in raw.items():
        weight, full_at = entry.get("weight"), entry.get("full_at")
        if not isinstance(weight, (int, float)) or weight < 0:
            raise ValueError(f"risk weight {name}: weight must be a number ≥ 0")
        if full_at is not None and (not isinstance(full_at, (int, float)) or full_at <= 0):
            raise ValueError(f"risk weight {name}: full_at must be a number > 0")
        out[name] = Weight(float(weight), None if full_at is None else float(full_at))
    return {name: out[name] for name in SIGNALS}


def duplicate_counts(states: pd.DataFrame) -> pd.DataFrame:
    """Per school: ``duplicates_open, duplicates_overdue`` from duplicate matches classified as of D
    (``aidwatch.metrics.duplicates.classify``; the school id in ``school``)."""
    if states.empty:
        return pd.DataFrame(columns=["code", "duplicates_open", "duplicates_overdue"])
    n = states["n"].to_numpy()
    frame = pd.DataFrame({"code": states["school"].astype(str).to_numpy(),
                          "duplicates_open": states["open"].to_numpy(bool) * n,
                          "duplicates_overdue": states["overdue"].to_numpy(bool) * n})
    return frame.groupby("code", as_index=False).sum()


def _by_code(frame: pd.DataFrame, columns: dict) -> pd.DataFrame:
    """``frame`` indexed by school id with ``columns`` renamed {source: target}."""
    if frame is None or frame.empty:
        return pd.DataFrame(columns=list(columns.values()), index=pd.Index([], dtype=str, name="code"))
    out = frame.assign(code=frame["code"].astype(str)).set_index("code")[list(columns)]
    return out.rename(columns=columns)


def school_signals(facts: pd.DataFrame, duplicates: pd.DataFrame, repeat: pd.DataFrame, changes: pd.DataFrame,
                   phantom: pd.DataFrame, priority: pd.DataFrame, approvals: pd.DataFrame) -> pd.DataFrame:
    """One row per school of ``facts`` (its attributes and inspections) with every page's counts as of D.

    ``changes`` is ``queries.backlog.school_counts``; ``repeat`` is repeat students per school
    (``code, n``); the others come from ``queries.inspections``.
    """
    out = facts.assign(code=facts["code"].astype(str)).set_index("code")
    changes = changes.assign(changes_late=changes["late_recorded"] + changes["unrecorded_overdue"]) \
        if not changes.empty else changes
    parts = [
        _by_code(duplicates, {"duplicates_open": "duplicates_open", "duplicates_overdue": "duplicates_overdue"}),
        _by_code(repeat, {"n": "duplicates_repeat"}),
        _by_code(changes, {"changes": "changes", "changes_late": "changes_late", "overdue_approval": "overdue_approval"}),
        _by_code(phantom, {"phantom_suspects": "phantom_suspects"}),
        _by_code(priority, {"priority_students": "priority_students",
                            "priority_without_grant": "priority_without_grant"}),
        _by_code(approvals, {"aid_due": "aid_due", "approvals_late": "approvals_late"}),
    ]
    for part in parts:
        out = out.join(part, how="left")
    out[COUNT_COLUMNS] = out[COUNT_COLUMNS].apply(pd.to_numeric).fillna(0).astype("int64")
    return out.reset_index()


def normalised(signals: pd.DataFrame, weights: dict[str, Weight]) -> pd.DataFrame:
    """Each signal of each school on 0..1, in the order of ``SIGNALS``."""
    out = pd.DataFrame(index=signals.index)
    for name, source in SIGNALS.items():
        if name == "not_inspected":
            value = (signals["inspections"] == 0).astype(float)
        elif name == "serious_findings":
            value = np.where(signals["serious_open"] > 0, 1.0, np.where(signals["serious_any"] > 0, 0.5, 0.0))
        else:
            value = signals[source].astype(float)
            full_at = weights[name].full_at
            value = (value > 0).astype(float) if full_at is None else np.minimum(value / full_at, 1.0)
        out[name] = value
    return out


def score(signals: pd.DataFrame, weights: dict[str, Weight]) -> pd.DataFrame:
    """``signals`` with ``risk_score`` (Σ weight × normalised signal, one decimal) and ``points_<signal>``
    (each signal's contribution), and ``reasons``: the signals contributing most, largest first
    (at most ``TOP_REASONS``, none that contribute nothing; ties in ``SIGNALS`` order)."""
    norm = normalised(signals, weights)
    points = norm * np.array([weights[n].weight for n in SIGNALS])
    out = signals.copy()
    for name in SIGNALS:
        out[f"points_{name}"] = np.round(points[name].to_numpy(), 1)
    out["risk_score"] = np.round(points.sum(axis=1).to_numpy(), 1)
    order = np.argsort(-points.to_numpy(), axis=1, kind="stable")
    names = np.array(list(SIGNALS))
    values = points.to_numpy()
    out["reasons"] = [tuple(names[j] for j in row[:TOP_REASONS] if values[i, j] > 0)
                      for i, row in enumerate(order)]
    return out


def ranking(signals: pd.DataFrame, weights: dict[str, Weight], as_of: dt.date) -> pd.DataFrame:
    """Schools not closed by D, highest score first (ties: not yet inspected first, then school code),
    with ``rank`` 1..n."""
    open_ = signals[~closed_by(signals["closed_on"], as_of)]
    out = score(open_, weights)
    out = out.assign(_uninspected=out["inspections"] == 0).sort_values(
        ["risk_score", "_uninspected", "school_code"], ascending=[False, False, True]).drop(columns="_uninspected")
    out.insert(0, "rank", np.arange(1, len(out) + 1))
    return out.reset_index(drop=True)


def closed_by(closed_on: pd.Series, as_of: dt.date) -> np.ndarray:
    """True where a school's ``closed_on`` is on or before D."""
    days = pd.to_datetime(closed_on)
    return (days.notna() & (days <= pd.Timestamp(as_of))).to_numpy(bool)


def coverage_at(schools: pd.DataFrame, serious: pd.DataFrame, as_of: dt.date) -> pd.DataFrame:
    """``queries.inspections.coverage_counts``' counts at D from the day-grouped frames of
    ``queries.inspections.coverage_days``: per child region with a school open at D (not closed by D),
    ``schools``, ``inspected`` (first inspection of year Y on or before D) and ``serious_findings``
    (serious inspections of year Y by D at those schools)."""
    d = day64(as_of)

    def open_at(frame: pd.DataFrame) -> np.ndarray:
        return ~(day_array(frame, "closed") <= d)

    def by_d(frame: pd.DataFrame) -> np.ndarray:
        return day_array(frame, "inspected") <= d

    n = schools["n"].to_numpy()
    out = sum_per_code(schools["code"], {"schools": n * open_at(schools),
                                         "inspected": n * (open_at(schools) & by_d(schools))})
    found = sum_per_code(serious["code"], {"serious_findings": serious["n"].to_numpy() * (open_at(serious)
                                                                                           & by_d(serious))})
    out = out.merge(found, on="code", how="left").fillna({"serious_findings": 0})
    out = out.astype({"serious_findings": "int64"})
    return out[out["schools"] > 0].reset_index(drop=True)


def coverage_rows(children: pd.DataFrame, counts: pd.DataFrame) -> pd.DataFrame:
    """The spec's rows, one per child region in the children's order, plus ``left`` and ``drill``."""
    codes = children["code"].astype(str)
    got = counts.assign(code=counts["code"].astype(str)).set_index("code") if len(counts) else None
    out = pd.DataFrame({"code": list(children["school_code"] if "school_code" in children else codes),
                        "name": list(children["name"])})
    for col in ("schools", "inspected", "serious_findings"):
        out[col] = (got[col].reindex(codes).fillna(0).to_numpy() if got is not None else 0)
        out[col] = out[col].astype("int64")
    out["coverage_pct"] = pct(out["inspected"], out["schools"])
    out["left"] = out["schools"] - out["inspected"]
    out["drill"] = list(codes)
    return out[[*EXPORT_COLUMNS, "left", "drill"]]


def total_row(rows: pd.DataFrame, code: str, name: str) -> dict:
    """The selected region's own row: its children summed."""
    schools, inspected = int(rows["schools"].sum()), int(rows["inspected"].sum())
    return {"code": code, "name": name, "schools": schools, "inspected": inspected,
            "coverage_pct": float(pct(inspected, schools)), "serious_findings": int(rows["serious_findings"].sum()),
            "left": schools - inspected}


def workdays_left(as_of: dt.date, year: int, cal: WorkCalendar) -> int:
    """Chinese working days after D up to 31 December of Y (all of Y when D is before it; 0 once past)."""
    start, end = max(as_of, dt.date(year - 1, 12, 31)), dt.date(year, 12, 31)
    return cal.workdays_between(start, end) if start < end else 0


def pace(left: int, days_left: int) -> float | None:
    """Schools to inspect per working day to finish by year end; None when no working day is left
    (0 when nothing is left)."""
    if left <= 0:
        return 0.0
    return None if days_left <= 0 else round(left / days_left, 2)
