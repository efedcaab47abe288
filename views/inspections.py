"""The inspection priorities view model: a query and a reader's scope → coverage and the schools' ranking.

``school_signals`` is the one place that gathers a school's signals from every
page's queries (run concurrently and cached by the registry); the school
profile (``views.school``) uses it too, so both show the same score.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd

from aidwatch.i18n import t
from aidwatch.metrics import duplicates as dup_m, inspections as m
from aidwatch.policy import policy_for
from aidwatch.reference import export_names, localize_rows
from aidwatch.workdays import calendar
from views.common import own_code
from views.context import resolve
from aidwatch.viewstate import BadView, View
from queries.scope import Scope
from queries import backlog as bl_q, duplicates as dup_q, inspections as q
from queries.regions import Region


def signal_queries(region: Region, year: int, as_of: dt.date) -> dict:
    """Every per-school query the score reads, for ``Registry.query_many``: the other pages' own
    queries where they count per school, ``queries.inspections`` for the rest."""
    return {
        "facts": (q.school_facts, region, year, as_of),
        "duplicates": (dup_q.duplicate_series, region, year),
        "repeat": (dup_q.repeat_students, region, year, as_of, None, None, "school"),
        "changes": (bl_q.school_counts, region, year, as_of),
        "phantom": (q.phantom_by_school, region, as_of),
        "priority": (q.priority_by_school, region, year, as_of),
        "approvals": (q.approval_counts, region, year, as_of),
    }


def school_signals(registry, scope, region: Region, year: int, as_of: dt.date) -> pd.DataFrame:
    """Every school of ``region`` (a province or one school) with every page's counts as of D."""
    got = registry.query_many(scope, signal_queries(region, year, as_of))
    states = dup_m.classify(got["duplicates"].groups, as_of, calendar(), policy_for(year).duplicate_workdays)
    return m.school_signals(got["facts"], m.duplicate_counts(states), got["repeat"], got["changes"],
                            got["phantom"], got["priority"], got["approvals"])


@dataclass(frozen=True)
class InspectionView:
    view: View
    region: Region
    labels: dict
    as_of: dt.date
    year: int
    rows: pd.DataFrame           # coverage per child region: the export's columns, ``left`` and ``drill``
    total: dict                  # the selected region's own coverage
    workdays_left: int           # Chinese working days after D to the end of Y
    pace: float | None           # schools per working day still needed for full coverage
    ranked: pd.DataFrame | None  # the region's open schools by risk score (None at nation level)
    cases_allowed: bool


def inspection_data(query: dict, scope: Scope) -> InspectionView:
    """The view, its coverage and its ranking, for the page and its exports alike."""
    r = resolve(query, scope)
    region = r.region
    children, counts = r.registry.query(q.coverage_counts, r.scope, region, r.year, r.as_of)
    rows = r.names(m.coverage_rows(children, counts))
    own = own_code(region)
    total = m.total_row(rows, own, r.labels.get(region.level) or t("nation", r.view.lang))
    days_left = m.workdays_left(r.as_of, r.year, calendar())
    ranked = None
    if region.level != "nation":
        # The whole province's signals (cached once), narrowed to the city or school in view.
        signals = school_signals(r.registry, r.scope, Region("province", region.province), r.year, r.as_of)
        if region.level == "city":
            signals = signals[signals["city_code"] == region.city]
        elif region.level == "school":
            signals = signals[signals["code"] == str(region.school)]
        ranked = localize_rows(m.ranking(signals.reset_index(drop=True), m.load_weights(), r.as_of), "city",
                               r.view.lang, key="city_code", column="city")
    return InspectionView(r.view, region, r.labels, r.as_of, r.year, rows, total, days_left,
                          m.pace(total["left"], days_left), ranked, r.scope.cases_allowed)


def plan_rows(ranked: pd.DataFrame, lang: str) -> pd.DataFrame:
    """One row per school, highest risk first: the spec's columns, then what an inspector needs."""
    out = pd.DataFrame({
        "code": ranked["school_code"], "name": ranked["name"], "schools": 1,
        "inspected": (ranked["inspections"] > 0).astype("int64"),
        "coverage_pct": (ranked["inspections"] > 0) * 100.0, "serious_findings": ranked["serious_year"],
        "risk_score": ranked["risk_score"],
        "reasons": ["; ".join(reason_text(name, row, lang) + f" (+{row['points_' + name]:.1f})"
                              for name in row["reasons"]) for _, row in ranked.iterrows()],
        "rank": ranked["rank"], "city": ranked["city"],
        "last_inspected_on": [d.isoformat() if d else "" for d in ranked["ever_inspected_on"]],
        "dual_plate": ranked["dual_plate"].astype("int64"), "joint_enrollment": ranked["joint_enrollment"].astype("int64"),
    })
    for col in m.COUNT_COLUMNS:
        out[col] = ranked[col].to_numpy()
    return out.reset_index(drop=True)


def export_frame(query: dict, scope: Scope) -> pd.DataFrame:
    """``/export/inspections.*``: coverage rows at nation and province level; below, one row per school
    with ``risk_score`` and ``reasons`` (the inspection plan)."""
    data = inspection_data(query, scope)
    if data.region.level in ("nation", "province"):
        return export_names(data.rows[m.EXPORT_COLUMNS], data.region.child_level, data.view.lang)
    return plan_rows(data.ranked, data.view.lang)


def plan_frame(query: dict, scope: Scope) -> pd.DataFrame:
    """``/export/inspection-plan.*``: the ranked schools of a province, city or school, with reasons."""
    data = inspection_data(query, scope)
    if data.ranked is None:
        raise BadView("the inspection plan is made per province: choose a province")
    return plan_rows(data.ranked, data.view.lang)


def reason_text(name: str, row, lang: str) -> str:
    """A reason in words, with its count (``row``: a ranked school)."""
    if name == "serious_findings":
        return t("reason_serious_open", lang) if row["serious_open"] > 0 else t("reason_serious_done", lang)
    if name in SIGNAL_PAGES:
        return t(f"reason_{name}", lang, n=int(row[name]))
    return t(f"reason_{name}", lang)


#: Where each signal's cases are: the page that owns them (None: the school profile).
SIGNAL_PAGES = {
    "duplicates_overdue": "/duplicates", "duplicates_repeat": "/duplicates",
    "phantom_suspects": "/backlog", "changes_late": "/backlog",
    "priority_without_grant": "/rollout", "approvals_late": "/deadlines",
}
