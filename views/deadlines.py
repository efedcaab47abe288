"""The deadline-progress view model: a query and a reader's scope → each child region's progress and, at a
school, its masked outstanding cases, for the page and its export alike."""

from __future__ import annotations

from dataclasses import replace

from aidwatch.i18n import t
from aidwatch.metrics.deadlines import EXPORT_COLUMNS, default_deadline
from aidwatch.policy import policy_for
from aidwatch.reference import export_names
from views.common import case_list
from views.context import resolve
from queries.scope import Scope


def deadline_data(query: dict, scope: Scope):
    """The view, its data and its cases, for the page and for its export alike."""
    r = resolve(query, scope)
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


def export_frame(query: dict, scope: Scope):
    """What ``/export/deadlines.*`` downloads: the spec's rows, or at a school its masked cases."""
    view, data, deadline, cases, note = deadline_data(query, scope)
    if data.region.level != "school":
        return export_names(data.rows[EXPORT_COLUMNS], data.region.child_level, view.lang)
    if note:
        raise PermissionError(note)
    return cases.reindex(columns=["deadline", *case_columns(deadline)]).assign(deadline=deadline)


CASE_COLUMNS = {
    "registration": ["name", "id_number", "intake_term", "enrolled_on", "registered_on", "status"],
    "aid": ["name", "id_number", "term", "kind", "grade", "amount", "submitted_on", "publicized_on",
            "approved_on", "disbursed_on", "status"],
}


def case_columns(deadline: str) -> list[str]:
    return CASE_COLUMNS["registration" if deadline.endswith("registration") else "aid"]
