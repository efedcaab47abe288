"""Leadership briefing callbacks: the view → its view model (views.briefing) → the page; a tile or bar
click → the deadline page one level down."""

from __future__ import annotations

from dataclasses import replace

from dash import ctx, no_update, Input, Output, State

from aidwatch.policy import DEADLINES
from aidwatch.viewstate import BadView
from dashboard.callbacks.common import clicked_code, register_content
from dashboard.auth import current_scope
from dashboard.pages import briefing as page
from views.briefing import briefing_data
from views import supervision
from views.context import app_db, child_query, view_from


def build(query: dict, scope, lang: str):
    b = briefing_data(query, scope)
    # the briefing's one line on supervision requests (views.supervision): the calendar of the day, not D
    line = supervision.briefing_line(app_db(), scope, lang, region=b.region)
    return page.content(b, lang, line)


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
