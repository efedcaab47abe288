"""The expansion rollout view model: a query and a reader's scope → steps, grants against the target and
priority groups per region, for the page and its export alike."""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass

import pandas as pd

from aidwatch.i18n import t
from aidwatch.metrics import rollout as m
from aidwatch.policy import policy_for
from aidwatch.reference import export_names, localize_rows
from aidwatch.spreadsheet import defuse_frame
from aidwatch.workdays import calendar
from views.common import case_list, own_code, with_drill
from views.context import resolve
from views.errors import OtherProvince
from queries.scope import Scope
from queries import rollout as q
from aidwatch.viewstate import BadView, View
from queries.regions import Region


@dataclass(frozen=True)
class RolloutView:
    view: View
    region: Region
    as_of: dt.date
    year: int
    funds_due: dt.date
    report_due: dt.date
    steps: pd.DataFrame      # the step matrix: every province at nation level, else the region's province
    rows: pd.DataFrame       # one row per child region (the export's columns and more), ``drill`` = its key
    summary: pd.DataFrame    # the selected region's own grant figures and priority coverage, one row
    tiers: pd.DataFrame      # tier distribution per child region
    cases: pd.DataFrame | None
    cases_note: str | None


def _collapse(frame: pd.DataFrame, code: str) -> pd.DataFrame:
    return frame.assign(code=code)


def _steps(r, series: q.RolloutSeries, policy, cal) -> pd.DataFrame:
    """The step matrix of the provinces in ``series`` (recipients grouped by province or, below, its cities)."""
    names = {p["province_code"]: p["province_code"] for p in series.provinces.to_dict("records")}
    if r.region.level == "nation":
        names |= dict(zip(series.children["code"].astype(str), series.children["name"]))
        recipients, paid = series.recipients, series.paid
    else:
        names[r.region.province] = r.labels.get("province") or r.region.province
        recipients, paid = _collapse(series.recipients, r.region.province), _collapse(series.paid, r.region.province)
    codes = list(series.provinces["province_code"])
    figures = m.grant_figures(codes, recipients, paid, r.as_of)
    tracker = m.report_tracker(series.provinces, names, r.as_of, policy.due["rollout_report"], cal)
    return m.step_matrix(series.provinces, figures, tracker, r.as_of, policy.due["rollout_funds"])


def rollout_data(query: dict, scope: Scope) -> RolloutView:
    """The view, its data and its cases, for the page and for its export alike."""
    r = resolve(query, scope)
    policy, cal = policy_for(r.year), calendar()
    funds_due = policy.due["rollout_funds"]
    calls = q.priority_queries(r.region, r.year) | q.series_queries(r.region, r.year)  # the longest first
    if r.region.level in ("city", "school"):
        # the step matrix is the province's: asked for at the same time
        province = Region("province", r.region.province)
        calls |= {f"province:{name}": call for name, call in q.series_queries(province, r.year).items()}
    found = r.registry.query_many(r.scope, calls)
    series, counts = q.assemble(found), m.priority_counts(q.priority_frame(found), r.as_of)
    codes = list(series.children["code"].astype(str))
    figures = m.grant_figures(codes, series.recipients, series.paid, r.as_of)
    priority = m.priority_table(codes, counts)
    if r.region.level == "nation":
        steps = _steps(r, series, policy, cal)
        rows = steps.merge(priority, on="code", how="left")
        declared = {p.province_code: m.parse_tiers(p.tier_amounts) for p in series.provinces.itertuples()}
    else:
        pseries = series if r.region.level == "province" else q.assemble(
            {name.removeprefix("province:"): v for name, v in found.items() if name.startswith("province:")})
        steps = _steps(r, pseries, policy, cal)
        rows = m.region_rows(series.children, figures, priority, r.as_of, funds_due)
        tiers = m.parse_tiers(series.provinces["tier_amounts"].iloc[0]) if len(series.provinces) else ()
        declared = {code: tiers for code in codes}
    rows = r.names(with_drill(rows, series.children))
    steps = localize_rows(steps, "province", r.view.lang, key="code")
    own = own_code(r.region)
    summary = m.grant_figures([own], _collapse(series.recipients, own), _collapse(series.paid, own), r.as_of).merge(
        m.priority_table([own], _collapse(counts, own)), on="code")
    cases, note = None, None
    if r.region.level == "school":
        if not r.scope.cases_allowed:
            note = t("cases_forbidden", r.view.lang)
        else:
            # Not cached: unmasked personal data stays out of the shared cache.
            with r.registry.connect() as conn:
                raw = q.priority_cases(conn, r.scope, r.region, r.year, r.as_of)
            cases = case_list("priority_cases", m.case_reasons(raw, r.as_of))
    return RolloutView(r.view, r.region, r.as_of, r.year, funds_due, policy.due["rollout_report"], steps, rows, summary,
                       m.tier_distribution(series.recipients, declared, r.as_of), cases, note)


def export_frame(query: dict, scope: Scope) -> pd.DataFrame:
    """What ``/export/rollout.*`` downloads: the spec's rows, or at a school its masked case list."""
    data = rollout_data(query, scope)
    if data.region.level != "school":
        return export_names(m.export_rows(data.rows, data.region.level), data.region.child_level, data.view.lang)
    if data.cases_note:
        raise PermissionError(data.cases_note)
    return data.cases.reindex(columns=m.CASE_COLUMNS)




@dataclass(frozen=True)
class ReportView:
    """What the province's 6 June report says: the rollout page's figures for province ``P`` at D (and, from
    the same cached series, at 31 May), its cities, and its row of ``/export/rollout.csv``."""

    data: RolloutView          # the province's rollout view at D
    at_funds_due: RolloutView | None  # the same at 31 May (None when D is before it)
    export: dict               # its row of the nation-level export: column → text exactly as the CSV has it


def report_query(query: dict) -> dict:
    """The report's view: province P (required) at the URL's date, year and language; a city or school in
    the URL is not the report's business."""
    if not query.get("province"):
        raise BadView("province is required: the report is one province's")
    return {k: v for k, v in query.items() if k in ("as_of", "year", "province", "lang")}


def export_text(frame: pd.DataFrame) -> list[dict]:
    """Each row of ``frame`` as ``/export/*.csv`` writes it (defused, then ``exports.tables.to_csv``):
    column → text."""
    return list(csv.DictReader(io.StringIO(defuse_frame(frame).to_csv(index=False))))


def report_data(query: dict, scope: Scope) -> ReportView:
    """The province's figures for its report, scoped like the page: another province's is refused."""
    query = report_query(query)
    if scope.province is not None and scope.province != query["province"]:
        raise OtherProvince(f"province user {scope.province} asked for province {query['province']}'s report")
    data = rollout_data(query, scope)
    earlier = (rollout_data(query | {"as_of": data.funds_due.isoformat(), "year": str(data.year)}, scope)
               if data.as_of > data.funds_due else None)
    summary = data.summary.drop(columns=[c for c in data.steps.columns if c in data.summary and c != "code"])
    row = data.steps.merge(summary, on="code")  # the province's own row, as the nation's export has it
    frame = export_names(m.export_rows(row, "nation"), "province", data.view.lang)
    return ReportView(data, earlier, export_text(frame)[0])
