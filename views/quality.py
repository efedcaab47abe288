"""The data-quality view model: a query and a reader's scope → each check's counts per region and, at a
school, its masked rows, for the page and its export alike."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from aidwatch.i18n import t
from aidwatch.metrics import quality as m
from aidwatch.reference import export_names
from views.common import case_list, own_code, with_drill
from views.context import resolve
from aidwatch.viewstate import View
from queries.scope import Scope
from queries import quality as q
from queries.regions import children, Region


@dataclass(frozen=True)
class QualityView:
    view: View
    region: Region
    year: int
    total: pd.DataFrame          # the selected region's own row
    checks: pd.DataFrame         # check, category, table, n for the selected region
    rows: pd.DataFrame           # one row per child region (the school itself at school level), ``drill`` = its key
    cases: pd.DataFrame | None   # masked
    cases_note: str | None


def quality_data(query: dict, scope: Scope) -> QualityView:
    """The view, its counts and its cases, for the page and for its export alike."""
    r = resolve(query, scope)
    calls = {table: (q.quality_counts, r.region, table, r.year) for table in m.TABLES}
    results = r.registry.query_many(r.scope, {**calls, "children": (children, r.region)})
    counts = {table: results[table] for table in m.TABLES}
    rows = r.names(with_drill(m.region_rows(results["children"], counts), results["children"]))
    own = own_code(r.region)
    name = r.labels.get(r.region.level) or t("nation", r.view.lang)
    total = m.total_row(rows, own, name)
    cases = note = None
    if r.region.level == "school":
        if not r.scope.cases_allowed:
            note = t("cases_forbidden", r.view.lang)
        else:
            # Not cached: unmasked personal data stays out of the shared cache.
            raw = r.registry.uncached(q.quality_cases, r.scope, r.region, r.year)
            cases = case_list("odd_rows", m.case_rows(raw, q.evidence_names(r.year)))
    return QualityView(r.view, r.region, r.year, total, m.by_check(counts), rows, cases, note)


def export_frame(query: dict, scope: Scope) -> pd.DataFrame:
    """What ``/export/quality.*`` downloads: per child region every check's count, or at a school its
    masked list of odd rows."""
    data = quality_data(query, scope)
    if data.region.level != "school":
        return export_names(data.rows[m.EXPORT_COLUMNS], data.region.child_level, data.view.lang)
    if data.cases_note:
        raise PermissionError(data.cases_note)
    return data.cases[m.CASE_COLUMNS]


