"""What every page's callbacks share: resolving the view, and drilling down on a click."""

from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import Input, Output, State, ctx, no_update

from dashboard import context
from dashboard.errors import describe
from dashboard.context import resolve  # noqa: F401  (re-exported for the page callbacks)
from dashboard.viewstate import BadView, View
from queries.scope import Scope


def lang_of(query) -> str:
    return "en" if isinstance(query, dict) and query.get("lang") == "en" else "zh"


def message(exc: Exception, lang: str):
    """A failure as an alert in the page (the reason is logged by ``describe``)."""
    text, status = describe(exc, lang)
    return dbc.Alert(text, color="danger" if status >= 403 else "warning", id="aw-message")


def register_content(app, prefix: str, build) -> None:
    """``{prefix}-view`` (the URL's view) → ``{prefix}-content``: ``build(query, lang)`` makes the children."""
    @app.callback(Output(f"{prefix}-content", "children"), Input(f"{prefix}-view", "data"))
    def render(query):
        lang = lang_of(query)
        try:
            return build(query if isinstance(query, dict) else {}, lang)
        except Exception as exc:  # noqa: BLE001 — every failure becomes a message (dashboard.errors)
            return message(exc, lang)


def register_drill(app, prefix: str, path: str) -> None:
    """A click on ``{prefix}-bars``, ``{prefix}-tiles`` (Plotly ``customdata``) or a ``{prefix}-grid`` row
    (its row id) opens the clicked region one level down, keeping the rest of the view."""
    @app.callback(
        Output("url", "href", allow_duplicate=True),
        Input(f"{prefix}-bars", "clickData"),
        Input(f"{prefix}-tiles", "clickData"),
        Input(f"{prefix}-grid", "cellClicked"),
        State(f"{prefix}-view", "data"),
        prevent_initial_call=True,
    )
    def drill(bar, tile, cell, query):
        source = {f"{prefix}-bars": bar, f"{prefix}-tiles": tile, f"{prefix}-grid": cell}.get(ctx.triggered_id)
        if not source:
            return no_update
        code = source.get("rowId") if ctx.triggered_id == f"{prefix}-grid" else source["points"][0].get("customdata")
        if code in (None, ""):
            return no_update
        try:
            view = context.view_from(query if isinstance(query, dict) else {})
        except BadView:
            return no_update
        return path + child_query(view, str(code), context.current_scope())


def child_query(view: View, code: str, scope: Scope) -> str:
    """The URL query one level below ``view`` for the child region ``code``."""
    if view.school:
        return view.query()
    if view.city:
        return view.query(school=code)
    if view.province or scope.province:
        return view.query(province=view.province or scope.province, city=code)
    return view.query(province=code)
