"""Leadership briefing callbacks: the view → its view model (views.briefing) → the page; a tile or bar
click → the deadline page one level down."""

from __future__ import annotations

from dataclasses import replace

from dash import Input, Output, State, ctx, no_update

from aidwatch.policy import DEADLINES
from aidwatch.viewstate import BadView
from dashboard.callbacks.common import clicked_code, register_content
from dashboard.auth import current_scope
from dashboard.pages import briefing as page
from views.briefing import briefing_data
from views.context import child_query, view_from


def build(query: dict, scope, lang: str):
    return page.content(briefing_data(query, scope), lang)


def register(app) -> None:
    register_content(app, "br", build)

    @app.callback(Output("br-drill-url", "href"), Input("br-tiles", "clickData"),
                  Input("br-bars", "clickData"), State("br-view", "data"), State("br-focus", "data"),
                  prevent_initial_call=True)
    def drill(tile, bar, query, focus):
        """A tile or a bar opens the deadline page one level down, on the map's deadline."""
        code = clicked_code(tile if ctx.triggered_id == "br-tiles" else bar, from_grid=False)
        if code is None or not isinstance(focus, str) or focus not in DEADLINES:
            return no_update
        try:
            view = view_from(query if isinstance(query, dict) else {})
        except BadView:
            return no_update
        return "/deadlines" + child_query(replace(view, deadline=focus), str(code), current_scope())
