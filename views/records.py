"""The records and graduation view model: a query and a reader's scope → approval and graduation figures per
region and, at a school, the masked cases, for the page and its exports alike."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd

from aidwatch.i18n import t
from aidwatch.metrics import records as m
from aidwatch.metrics.backlog import overdue_until
from aidwatch.policy import policy_for, YearPolicy
from aidwatch.reference import export_names
from aidwatch.workdays import calendar
from views.common import case_list, own_code, table_region, with_drill
from views.context import resolve
from aidwatch.viewstate import View
from queries import records as q
from queries.regions import children, Region
from queries.scope import Scope


@dataclass(frozen=True)
class RecordsView:
    view: View
    region: Region
    as_of: dt.date
    year: int
    policy: YearPolicy
    record_total: pd.DataFrame      # the selected region's own row
    records: pd.DataFrame           # one row per child region: the export's columns, ``drill`` = its key
    graduation_total: pd.DataFrame
    graduation: pd.DataFrame
    ages: pd.DataFrame              # records awaiting approval by working days elapsed
    record_cases: pd.DataFrame | None    # masked
    graduate_cases: pd.DataFrame | None  # masked
    cases_note: str | None


def records_data(query: dict, scope: Scope) -> RecordsView:
    """The view, its data and its cases, for the page and for its exports alike."""
    r = resolve(query, scope)
    policy, cal = policy_for(r.year), calendar()
    at_school = r.region.level == "school"
    rows_region = table_region(r.region)
    got = r.registry.query_many(r.scope, {
        "records": (q.record_days, rows_region, r.year),
        "graduation": (q.graduation_days, rows_region, r.year),
        "children": (children, rows_region)})
    kids = got["children"]
    lags = m.lags_at(got["records"], r.year, r.as_of, cal, policy.record_approval_workdays)
    awaiting = m.awaiting_at(got["records"], r.as_of, str(r.region.school) if at_school else None)
    records = r.names(with_drill(m.record_rows(kids, lags), kids))
    graduation = r.names(with_drill(m.graduation_rows(
        kids, m.graduation_at(got["graduation"], r.year, r.as_of, cal, policy)), kids))
    if at_school:
        school = str(r.region.school)
        lags = lags[lags["code"] == school]
        records = records[records["drill"] == school].reset_index(drop=True)
        graduation = graduation[graduation["drill"] == school].reset_index(drop=True)
        own_name = r.labels.get("school") or ""
    else:
        own_name = r.labels.get(r.region.level) or t("nation", r.view.lang)
    own = own_code(r.region)
    ages = m.ageing(awaiting, r.as_of, overdue_until(cal, r.as_of, policy.record_approval_workdays), cal)
    record_cases = graduate_cases = note = None
    if at_school and not r.scope.cases_allowed:
        note = t("cases_forbidden", r.view.lang)
    elif at_school:
        # Not cached: unmasked personal data stays out of the shared cache.
        with r.registry.connect() as conn:
            raw_records = q.record_cases(conn, r.scope, r.region, r.year, r.as_of)
            raw_graduates = q.graduate_cases(conn, r.scope, r.region, r.year, r.as_of)
        record_cases = case_list("records_awaiting", m.record_cases(raw_records, r.as_of, policy, cal))
        graduate_cases = case_list("graduates_pending", m.graduate_cases(raw_graduates, r.as_of, policy, cal))
    return RecordsView(r.view, r.region, r.as_of, r.year, policy, m.record_total(lags, own, own_name), records,
                       m.graduation_total(graduation, own, own_name), graduation, ages, record_cases,
                       graduate_cases, note)


def school_figures(registry, scope: Scope, region: Region, year: int, day: dt.date) -> dict:
    """A school's record-approval and graduation signals as of ``day`` for its profile, ``signal →
    (value, text)``, from the page's own cached queries (the school's row of its city)."""
    city, policy, cal = table_region(region), policy_for(year), calendar()
    got = registry.query_many(scope, {"records": (q.record_days, city, year),
                                      "graduation": (q.graduation_days, city, year)})
    sid = str(region.school)
    lags = m.lags_at(got["records"], year, day, cal, policy.record_approval_workdays)
    graduation = m.graduation_at(got["graduation"], year, day, cal, policy)
    rec = m.record_total(lags[lags["code"] == sid], sid, "").iloc[0]
    grad = m.graduation_total(graduation[graduation["code"] == sid], sid, "").iloc[0]
    counts = {"records_awaiting": rec["awaiting_approval"], "records_overdue": rec["approval_overdue"],
              "records_late": rec["approved_late"], "graduates_upload_overdue": grad["upload_overdue"],
              "graduates_approval_overdue": grad["approval_overdue"],
              "graduates_no_certificate": grad["approved_no_certificate"]}
    out = {key: (float(v), f"{int(v):,}") for key, v in counts.items()}
    p = grad["pct_certified"]
    out["graduates_certified_pct"] = (None, "—") if pd.isna(p) else (float(p), f"{p:.1f}%")
    return out


def _export(query: dict, scope: Scope, table: str, columns: list, cases: str, case_columns: list) -> pd.DataFrame:
    data = records_data(query, scope)
    if data.region.level != "school":
        return export_names(getattr(data, table)[columns], data.region.child_level, data.view.lang)
    if data.cases_note:
        raise PermissionError(data.cases_note)
    return getattr(data, cases).reindex(columns=case_columns)


def export_records(query: dict, scope: Scope) -> pd.DataFrame:
    """``/export/records.*``: the spec's rows per child region, or at a school its masked records awaiting
    approval."""
    return _export(query, scope, "records", m.RECORD_COLUMNS, "record_cases", m.RECORD_CASE_COLUMNS)


def export_graduation(query: dict, scope: Scope) -> pd.DataFrame:
    """``/export/graduation.*``: the spec's rows per child region, or at a school its masked graduates not
    yet uploaded, approved or certified."""
    return _export(query, scope, "graduation", m.GRADUATION_COLUMNS, "graduate_cases", m.GRADUATE_CASE_COLUMNS)


