"""The view bar: an as-of date or year picked in the header becomes the URL."""

from __future__ import annotations

from dash import Input, Output, State, no_update

from dashboard import context
from dashboard.registry import ReplicaUnavailable
from dashboard.viewstate import BadView, parse_query_string


def register(app) -> None:
    @app.callback(
        Output("view-url", "href"),
        Input("view-asof", "date"),
        Input("view-year", "value"),
        State("view-query", "data"),
        State("url", "pathname"),
        prevent_initial_call=True,
    )
    def pick(as_of, year, query, pathname):
        try:
            view = context.view_from(parse_query_string(query if isinstance(query, str) else ""))
            picked = context.view_from({"as_of": as_of, "year": year})
            shown = view.resolved(context.registry().freshness().default_as_of)
        except (BadView, ReplicaUnavailable):
            return no_update
        query_after = view.query(as_of=picked.as_of or view.as_of, year=picked.year or view.year)
        if query_after == view.query() or (picked.as_of or shown[0], picked.year or shown[1]) == shown:
            # Pickers report their value when they mount: the date and year the page already shows (its
            # defaults, when the URL has no as_of) are not a new view, nor a history entry, nor a second render.
            return no_update
        return (pathname or "/") + query_after
