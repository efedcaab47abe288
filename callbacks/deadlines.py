"""Deadline page callbacks: the view → registry → figures; a click → a drill-down URL."""

from __future__ import annotations

from dataclasses import replace

from aidwatch.metrics.deadlines import EXPORT_COLUMNS, default_deadline
from aidwatch.policy import policy_for
from aidwatch.reference import export_names
from callbacks import supervision
from callbacks.common import case_list, register_content, register_drill
from dashboard.context import resolve
from dashboard.i18n import t
from dashboard.pages import deadlines as page


def deadline_data(query: dict):
    """The view, its data and its cases, for the page and for its export alike."""
    r = resolve(query)
    data = r.registry.deadline_view(r.scope, r.region, r.labels, r.as_of, r.year)
    data = replace(data, rows=r.names(data.rows))
    deadline = r.view.deadline or default_deadline(policy_for(r.year), r.as_of)
    cases, note = None, None
    if r.region.level == "school":
        if not r.scope.cases_allowed:
            note = t("cases_forbidden", r.view.lang)
        elif deadline == "rollout_report":
            note = t("report_no_cases", r.view.lang)
        else:
            cases = case_list("deadline_cases", r.registry.deadline_cases(r.scope, r.region, r.year, deadline, r.as_of))
    return r.view, data, deadline, cases, note


def build(query: dict, lang: str):
    view, data, deadline, cases, note = deadline_data(query)
    # a province user's open supervision requests come first on its landing page (callbacks.supervision)
    return [*supervision.landing(lang), *page.content(view, data, deadline, cases, note, lang)]


def export_frame(query: dict):
    """What ``/export/deadlines.*`` downloads: the spec's rows, or at a school its masked cases."""
    view, data, deadline, cases, note = deadline_data(query)
    if data.region.level != "school":
        return export_names(data.rows[EXPORT_COLUMNS], data.region.child_level, view.lang)
    if note:
        raise PermissionError(note)
    return cases.reindex(columns=["deadline", *page.case_columns(deadline)]).assign(deadline=deadline)


def register(app) -> None:
    register_content(app, "dl", build)
    register_drill(app, "dl", page.PATH)
