"""Deadline page callbacks: the view → registry → figures; a click → a drill-down URL."""

from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import Input, Output, State, ctx, no_update

from aidwatch.masking import mask_frame
from aidwatch.metrics.deadlines import EXPORT_COLUMNS, default_deadline
from aidwatch.policy import policy_for
from dashboard import context
from dashboard.errors import describe
from dashboard.i18n import t
from dashboard.pages import deadlines as page
from dashboard.viewstate import BadView


def deadline_data(query: dict):
    """The view, its data and its cases, for the page and for its export alike."""
    view = context.view_from(query)
    scope = context.current_scope()
    reg = context.registry()
    as_of, year = view.resolved(reg.freshness().default_as_of)
    region, labels = reg.region(scope, **view.region_params())
    data = reg.deadline_view(scope, region, labels, as_of, year)
    deadline = view.deadline or default_deadline(policy_for(year), as_of)
    cases, note = None, None
    if region.level == "school":
        if not scope.cases_allowed:
            note = t("cases_forbidden", view.lang)
        elif deadline == "rollout_report":
            note = t("report_no_cases", view.lang)
        else:
            cases = mask_frame(reg.deadline_cases(scope, region, year, deadline, as_of))
    return view, data, deadline, cases, note


def register(app) -> None:
    @app.callback(Output("dl-content", "children"), Input("dl-view", "data"))
    def render(query):
        query = query if isinstance(query, dict) else {}
        lang = "en" if query.get("lang") == "en" else "zh"
        try:
            view, data, deadline, cases, note = deadline_data(query)
        except Exception as exc:  # noqa: BLE001 — every failure becomes a message (dashboard.errors)
            text, status = describe(exc, lang)
            return dbc.Alert(text, color="danger" if status >= 403 else "warning", id="aw-message")
        return page.content(view, data, deadline, cases, note, lang)

    @app.callback(
        Output("url", "href", allow_duplicate=True),
        Input("dl-bars", "clickData"),
        Input("dl-tiles", "clickData"),
        Input("dl-grid", "cellClicked"),
        State("dl-view", "data"),
        prevent_initial_call=True,
    )
    def drill(bar, tile, cell, query):
        """One level down from the clicked bar, tile or row."""
        source = {"dl-bars": bar, "dl-tiles": tile, "dl-grid": cell}.get(ctx.triggered_id)
        if not source:
            return no_update
        code = source.get("rowId") if ctx.triggered_id == "dl-grid" else source["points"][0].get("customdata")
        if code in (None, ""):
            return no_update
        try:
            view = context.view_from(query if isinstance(query, dict) else {})
        except BadView:
            return no_update
        if view.city:
            return page.PATH + view.query(school=str(code))
        if view.province or context.current_scope().province:
            return page.PATH + view.query(province=view.province or context.current_scope().province, city=str(code))
        return page.PATH + view.query(province=str(code))


def export_frame(query: dict):
    """What ``/export/deadlines.*`` downloads: the spec's rows, or at a school its masked cases."""
    view, data, deadline, cases, note = deadline_data(query)
    if data.region.level != "school":
        return data.rows[EXPORT_COLUMNS]
    if note:
        raise PermissionError(note)
    return cases.reindex(columns=["deadline", *page.case_columns(deadline)]).assign(deadline=deadline)
