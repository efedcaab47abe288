"""The duplicate-aid alerts view model: a query and a reader's scope → the overview, alerts and the school's
masked cases, for the page and its export alike."""

from __future__ import annotations

from dataclasses import dataclass, replace

import pandas as pd

from aidwatch.i18n import t
from aidwatch.metrics import duplicates as m
from aidwatch.policy import policy_for
from aidwatch.reference import export_names, localize_rows
from aidwatch.workdays import calendar
from views.common import case_list
from views.context import resolve
from aidwatch.viewstate import BadView, View
from queries.scope import Scope
from queries import duplicates as q
from queries.regions import CHILD_LEVEL

#: What ``/export/duplicates.*`` holds at school level: the masked case list.
CASE_EXPORT_COLUMNS = ["batch_month", "kind", "term", "name", "id_number", "other_school_name", "other_province_code",
                       "other_province", "pushed_on", "due_on", "verified_on", "outcome", "rectified_on",
                       "workdays_elapsed", "state"]


@dataclass(frozen=True)
class DuplicateView:
    view: View
    level: str
    data: m.Overview
    alert_labels: pd.DataFrame   # names of the schools the shown alerts point at
    cases: pd.DataFrame | None   # masked
    cases_note: str | None
    limit: int                   # working days to check and rectify a match


def duplicate_data(query: dict, scope: Scope) -> DuplicateView:
    """The view, its data and its cases, for the page and for its export alike."""
    r = resolve(query, scope)
    view, region = r.view, r.region
    if view.batch is not None and int(view.batch[:4]) != r.year:
        raise BadView(f"batch={view.batch} is not a month of {r.year}")
    limit, cal = policy_for(r.year).duplicate_workdays, calendar()
    series = r.registry.query(q.duplicate_series, r.scope, region, r.year)
    repeats = r.registry.query(q.repeat_counts, r.scope, region, r.year, r.as_of, view.kind, view.batch)
    code = {"nation": "nation", "province": region.province, "city": region.city}.get(region.level, str(region.school))
    name = r.labels.get(region.level) or t("nation", view.lang)
    data = m.overview(series.children, series.groups, repeats.children, repeats.total, repeats.schools, code, name, r.as_of, cal, limit, view.kind, view.batch)
    data = replace(data, rows=r.names(data.rows))
    shown = tuple(sorted(int(c) for c in data.alerts["code"].head(ALERTS_SHOWN)))
    labels = r.registry.query(q.school_labels, r.scope, shown) if shown else pd.DataFrame(columns=["id"])
    labels = localize_rows(localize_rows(labels, "province", view.lang, key="province_code", column="province"),
                           "city", view.lang, key="city_code", column="city")
    cases, note = None, None
    if region.level == "school":
        if not r.scope.cases_allowed:
            note = t("cases_forbidden", view.lang)
        else:
            raw = r.registry.uncached(q.duplicate_cases, r.scope, region, r.year, r.as_of, view.kind, view.batch)
            cases = localize_rows(case_list("duplicate_cases", m.case_rows(raw, r.as_of, cal, limit)), "province",
                                  view.lang, key="other_province_code", column="other_province")
    return DuplicateView(view, region.level, data, labels, cases, note, limit)


def export_frame(query: dict, scope: Scope) -> pd.DataFrame:
    """What ``/export/duplicates.*`` downloads: the spec's rows, or at a school its masked cases."""
    d = duplicate_data(query, scope)
    if d.level != "school":
        return export_names(d.data.rows[m.EXPORT_COLUMNS], CHILD_LEVEL[d.level], d.view.lang)
    if d.cases_note:
        raise PermissionError(d.cases_note)
    out = d.cases.reindex(columns=CASE_EXPORT_COLUMNS).copy()
    for col in ("pushed_on", "due_on", "verified_on", "rectified_on"):
        out[col] = out[col].map(lambda v: "" if pd.isna(v) else pd.Timestamp(v).date().isoformat())
    return out


#: The alert list shows this many; the rest are counted ("and N more").
ALERTS_SHOWN = 20
