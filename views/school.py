"""The school profile view model: one school's attributes and every page's signals as of D, with their trend.

The signals come from the same cached queries the pages use (deadlines from
``Registry.deadline_view``, the rest from ``views.inspections.school_signals``
and the rollout page's series), at D, a week before and a month before.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd

from aidwatch.metrics import inspections as m
from aidwatch.metrics import rollout as ro_m
from aidwatch.policy import DEADLINES
from views.inspections import school_signals
from views.records import school_figures
from views.context import resolve
from aidwatch.viewstate import View
from queries.scope import Scope
from queries import inspections as q
from queries import rollout as ro_q
from queries.regions import Region
from views.funding import school_figures as funding_figures

#: The trend's dates: D minus these many calendar days, oldest first (a month before, a week before, D).
TREND_DAYS = (30, 7, 0)
#: (section, signal, higher is worse) in display order; the section is the page that owns the signal.
SIGNALS = [
    *[("deadlines", d, False) for d in DEADLINES],
    ("deadlines", "approvals_late", True),
    ("duplicates", "duplicates_open", True), ("duplicates", "duplicates_overdue", True),
    ("duplicates", "duplicates_repeat", True),
    ("backlog", "changes", False), ("backlog", "changes_late", True), ("backlog", "overdue_approval", True),
    ("backlog", "phantom_suspects", True),
    ("rollout", "grant_recipients", False), ("rollout", "third_year_recipients", False),
    ("rollout", "disbursed_pct", False), ("rollout", "priority_students", False),
    ("rollout", "priority_without_grant", True),
    ("inspections", "inspections", False), ("inspections", "serious_open", True),
    ("inspections", "risk_score", True),
    ("records", "records_awaiting", True), ("records", "records_overdue", True), ("records", "records_late", True),
    ("records", "graduates_upload_overdue", True), ("records", "graduates_approval_overdue", True),
    ("records", "graduates_no_certificate", True), ("records", "graduates_certified_pct", False),
    ("funding", "funding_gap_students", True), ("funding", "funding_gap_yuan", True),
]


@dataclass(frozen=True)
class Profile:
    view: View
    region: Region
    labels: dict
    as_of: dt.date
    year: int
    dates: tuple              # the trend's dates, oldest first; the last is D
    school: pd.Series         # the school as of D: attributes, counts, score, reasons
    signals: pd.DataFrame     # section, signal, worse_up, value_<i>, text_<i> for each date
    history: pd.DataFrame     # inspections by D, newest first
    cases_allowed: bool


def _deadline_values(summary: pd.DataFrame) -> dict:
    """Per deadline: (pct_done, "pct% (done/total)")."""
    out = {}
    for row in summary.itertuples():
        pct = None if pd.isna(row.pct_done) else float(row.pct_done)
        out[row.deadline] = (pct, ("—" if pct is None else f"{pct:.1f}%") + f" ({row.done:,}/{row.total:,})")
    return out


def _counts(row: pd.Series, grants: pd.Series) -> dict:
    out = {key: (float(row[key]), f"{int(row[key]):,}") for key in
           ("approvals_late", "duplicates_open", "duplicates_overdue", "duplicates_repeat", "changes", "changes_late",
            "overdue_approval", "phantom_suspects", "priority_students", "priority_without_grant", "inspections",
            "serious_open")}
    out["risk_score"] = (float(row["risk_score"]), f"{row['risk_score']:.1f}")
    for key in ("grant_recipients", "third_year_recipients"):
        out[key] = (float(grants[key]), f"{int(grants[key]):,}")
    p = grants["disbursed_pct"]
    out["disbursed_pct"] = (None, "—") if pd.isna(p) else (float(p), f"{p:.1f}%")
    return out


def profile_data(query: dict, scope: Scope) -> Profile | None:
    """The school's profile, or None when the view is not a school's."""
    r = resolve(query, scope)
    if r.region.level != "school":
        return None
    weights = m.load_weights()
    sid = str(r.region.school)
    series = ro_q.assemble(r.registry.query_many(r.scope, ro_q.series_queries(r.region, r.year)))
    dates = tuple(r.as_of - dt.timedelta(days=n) for n in TREND_DAYS)
    values, school = [], None
    for day in dates:
        signals = school_signals(r.registry, r.scope, r.region, r.year, day)
        row = m.score(signals, weights).iloc[0]
        grants = ro_m.grant_figures([sid], series.recipients, series.paid, day).iloc[0]
        deadlines = r.registry.deadline_view(r.scope, r.region, r.labels, day, r.year).summary
        values.append(_deadline_values(deadlines) | _counts(row, grants)
                      | school_figures(r.registry, r.scope, r.region, r.year, day)
                      | funding_figures(r.registry, r.scope, r.region, r.year, day))
        school = row
    frame = pd.DataFrame([{"section": s, "signal": k, "worse_up": w,
                           **{f"value_{i}": v[k][0] for i, v in enumerate(values)},
                           **{f"text_{i}": v[k][1] for i, v in enumerate(values)}} for s, k, w in SIGNALS])
    history = r.registry.query(q.inspection_history, r.scope, r.region, r.as_of)
    return Profile(r.view, r.region, r.labels, r.as_of, r.year, dates, school, frame, history,
                   r.scope.cases_allowed)


