"""Funding-gap page callbacks: the view → registry → figures; a click → a drill-down URL.

``funding_data`` is the view model (the page's and the export's data alike);
``build`` and ``register`` are the Dash wiring.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd

from aidwatch.metrics import funding as m
from aidwatch.policy import policy_for
from aidwatch.reference import export_names
from aidwatch.workdays import calendar
from aidwatch.i18n import t
from aidwatch.viewstate import View
from queries import funding as q
from queries.regions import Region, children
from queries.scope import Scope
from views.common import case_list, own_code, table_region, with_drill
from views.context import resolve


#: What travels beside ``/export/funding.*`` (``dashboard.export_routes.NOTES``): the yuan gap's nature.
EXPORT_NOTE = (
    "upper-bound",
    "gap_yuan is an estimate and an upper bound: students in the gap x their province's approved aid per student "
    "in the term; not every student at school is entitled to free tuition.",
    ("gap_yuan（估算缺口，元）是估算且为上限：各校缺口人数 × 所在省份本学期生均已审批资助额；在校学生不一定都享受免学费。"
     "学期按惯例自 3月1日、9月1日 起计。",
     "gap_yuan (estimated gap, yuan) is an estimate and an upper bound: each school's students in the gap x its "
     "province's approved aid per student in the term; not every student at school is entitled to free tuition. "
     "Terms are taken to begin on 1 March and 1 September."))


@dataclass(frozen=True)
class FundingView:
    view: View
    region: Region
    as_of: dt.date
    year: int
    terms: list                  # the begun terms (``aidwatch.metrics.funding.Term``), spring first
    rows: pd.DataFrame           # per term and child region: the export's columns, ``drill`` = the child's key
    totals: pd.DataFrame         # the selected region's own row per term
    cases: pd.DataFrame | None   # masked, at a school
    cases_note: str | None


def _series(registry, scope: Scope, region: Region, year: int) -> dict:
    return registry.query_many(scope, {**q.series_queries(region, year), "children": (children, region)})


def funding_data(query: dict, scope: Scope) -> FundingView:
    """The view, its rows per term and its cases, for the page and its export alike."""
    r = resolve(query, scope)
    policy = policy_for(r.year)
    at_school = r.region.level == "school"
    rows_region = table_region(r.region)
    found = _series(r.registry, r.scope, rows_region, r.year)
    kids = found["children"]
    own = own_code(r.region)
    own_name = r.labels.get(r.region.level) or t("nation", r.view.lang)
    rows, totals = m.view_rows(found, kids, rows_region.level, rows_region.province, own, own_name, policy,
                               r.as_of)
    rows = r.names(with_drill(rows, kids)) if len(rows) else rows.assign(drill=pd.Series(dtype=str))
    if at_school:
        rows = rows[rows["drill"] == str(r.region.school)].reset_index(drop=True)
        totals = rows.assign(code=own, name=own_name)
    cases = note = None
    if at_school and not r.scope.cases_allowed:
        note = t("cases_forbidden", r.view.lang)
    elif at_school:
        # Not cached: unmasked personal data stays out of the shared cache.
        with r.registry.connect() as conn:
            raw = q.gap_cases(conn, r.scope, r.region, r.year, r.as_of)
        cases = case_list("funding_gap", m.cases(raw, r.as_of, calendar()))
    return FundingView(r.view, r.region, r.as_of, r.year, m.terms_at(policy, r.as_of), rows, totals, cases, note)


def school_figures(registry, scope: Scope, region: Region, year: int, day: dt.date) -> dict:
    """A school's gap as of ``day`` for its profile, ``signal → (value, text)``: its students in the gap and its
    estimated gap in yuan in the latest begun term, from the page's own cached queries (its city's)."""
    city, policy = table_region(region), policy_for(year)
    found = _series(registry, scope, city, year)
    rows, _ = m.view_rows(found, found["children"], city.level, city.province, "", "", policy, day)
    mine = rows[rows["code"].astype(str) == str(region.school)]
    if mine.empty:
        return {"funding_gap_students": (None, "—"), "funding_gap_yuan": (None, "—")}
    row = mine.iloc[-1]
    gap = row["gap_yuan"]
    return {"funding_gap_students": (float(row["gap_students"]), f"{int(row['gap_students']):,}"),
            "funding_gap_yuan": (None, "—") if gap is None else (float(gap), f"¥{gap:,}")}


def export_frame(query: dict, scope: Scope) -> pd.DataFrame:
    """``/export/funding.*``: the spec's rows per term and child region, or at a school its masked cases."""
    data = funding_data(query, scope)
    if data.region.level != "school":
        return export_names(data.rows.reindex(columns=m.EXPORT_COLUMNS), data.region.child_level, data.view.lang)
    if data.cases_note:
        raise PermissionError(data.cases_note)
    return data.cases.reindex(columns=m.CASE_COLUMNS)
