"""The status-change backlog view model: a query and a reader's scope → rows, phantom suspects and the
school's masked cases, for the page and its export alike."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd

from aidwatch.i18n import t
from aidwatch.metrics import backlog as m
from aidwatch.policy import policy_for
from aidwatch.reference import export_names, localize_rows
from aidwatch.workdays import calendar
from views.common import case_list, own_code, table_region, with_drill
from views.context import resolve
from aidwatch.viewstate import View
from queries.scope import Scope
from queries import backlog as q
from queries.regions import children, Region


@dataclass(frozen=True)
class BacklogView:
    view: View
    region: Region
    as_of: dt.date
    year: int
    record_workdays: int
    approval_workdays: int
    total: pd.DataFrame            # the selected region's own row
    rows: pd.DataFrame             # one row per child region: the export's columns and more, ``drill`` = its key
    recording_ages: pd.DataFrame   # the schools' open items by working-day age bucket
    approval_ages: pd.DataFrame    # the province's
    recording_types: pd.DataFrame
    approval_types: pd.DataFrame
    ranked: pd.DataFrame           # schools by late-recording rate (not at school level)
    cases: pd.DataFrame | None     # masked
    suspects: pd.DataFrame | None  # masked
    cases_note: str | None


def _rows(children: pd.DataFrame, schools: pd.DataFrame, phantom: pd.DataFrame, level: str) -> pd.DataFrame:
    return with_drill(m.region_rows(children, m.child_counts(schools, level), phantom), children)


def backlog_data(query: dict, scope: Scope) -> BacklogView:
    """The view, its data and its cases, for the page and for its export alike."""
    r = resolve(query, scope)
    policy, cal = policy_for(r.year), calendar()
    at_school = r.region.level == "school"
    rows_region = table_region(r.region)
    got = r.registry.query_many(r.scope, {
        "children": (children, rows_region),
        "schools": (q.school_counts, rows_region, r.year, r.as_of),
        "phantom": (q.phantom_counts, rows_region, r.as_of),
        "open": (q.open_items, r.region, r.year, r.as_of)})
    rows = localize_rows(_rows(got["children"], got["schools"], got["phantom"], rows_region.level),
                         rows_region.child_level, r.view.lang)
    if at_school:
        rows = rows[rows["drill"] == str(r.region.school)].reset_index(drop=True)
        own_name = r.labels.get("school") or ""
    else:
        own_name = r.labels.get(r.region.level) or t("nation", r.view.lang)
    own = own_code(r.region)
    total = m.total_row(rows.drop(columns=["drill"]), own, own_name)
    ages = m.open_ages(got["open"], r.as_of, policy, cal)
    ranked = pd.DataFrame()
    cases = suspects = note = None
    if not at_school:
        ranked = localize_rows(m.rank_schools(got["schools"]), "city", r.view.lang, key="city_code", column="city")
    elif not r.scope.cases_allowed:
        note = t("cases_forbidden", r.view.lang)
    else:
        # Not cached: unmasked personal data stays out of the shared cache.
        with r.registry.connect() as conn:
            raw_cases = q.change_cases(conn, r.scope, r.region, r.year, r.as_of)
            raw_suspects = q.suspect_evidence(conn, r.scope, r.region, r.as_of)
        cases = case_list("status_changes", m.change_cases(raw_cases, r.as_of, policy, cal))
        suspects = case_list("phantom_suspects", m.suspect_cases(raw_suspects, r.as_of))
    return BacklogView(
        r.view, r.region, r.as_of, r.year, policy.status_change_workdays, policy.status_approval_workdays,
        total, rows, m.by_bucket(ages, "recording"), m.by_bucket(ages, "approval"),
        m.by_type(ages, "recording"), m.by_type(ages, "approval"), ranked, cases, suspects, note)


def export_frame(query: dict, scope: Scope) -> pd.DataFrame:
    """What ``/export/backlog.*`` downloads: the spec's rows per child region, or at a school its masked
    case list: the changes (``case`` = ``status_change``) followed by the suspects (``phantom_suspect``)."""
    data = backlog_data(query, scope)
    if data.region.level != "school":
        return export_names(data.rows[m.EXPORT_COLUMNS], data.region.child_level, data.view.lang)
    if data.cases_note:
        raise PermissionError(data.cases_note)
    changes = data.cases.reindex(columns=m.CASE_COLUMNS).assign(case="status_change")
    suspects = data.suspects.reindex(columns=m.SUSPECT_COLUMNS).assign(case="phantom_suspect")
    columns = ["case", *dict.fromkeys([*m.CASE_COLUMNS, *m.SUSPECT_COLUMNS])]
    return pd.concat([changes, suspects], ignore_index=True).reindex(columns=columns)


