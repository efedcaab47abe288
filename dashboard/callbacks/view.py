"""The view bar: an as-of date or year confirmed in the header becomes the URL."""

from __future__ import annotations

import datetime as dt

from dash import Input, Output, State, no_update

from dashboard.components.frame import FRAME_SNAPSHOT
from views.context import registry, view_from
from queries.registry import ReplicaUnavailable
from aidwatch.viewstate import BadView, parse_query_string


def _shown(frame) -> tuple[dt.date, int] | None:
    """The as-of day and year the page shows (the frame's, or the content's when its snapshot differed:
    ``dashboard.callbacks.common.register_snapshot_header``); None when the store says nothing usable."""
    try:
        return dt.date.fromisoformat(frame["as_of"]), int(frame["year"])
    except (TypeError, KeyError, ValueError):
        return None


def register(app) -> None:
    @app.callback(
        Output("view-url", "href"),
        Input("view-asof", "value"),
        Input("view-year", "value"),
        State("view-query", "data"),
        State("url", "pathname"),
        State(FRAME_SNAPSHOT, "data"),
        prevent_initial_call=True,
    )
    def pick(as_of, year, query, pathname, frame):
        if not as_of or year is None:
            return no_update  # a field emptied or half-typed: nothing to apply yet
        try:
            view = view_from(parse_query_string(query if isinstance(query, str) else ""))
            picked = view_from({"as_of": str(as_of), "year": str(year)})
            shown = _shown(frame) or view.resolved(registry().freshness().default_as_of)
        except (BadView, ReplicaUnavailable):
            return no_update
        query_after = view.query(as_of=picked.as_of or view.as_of, year=picked.year or view.year)
        if query_after == view.query() or (picked.as_of or shown[0], picked.year or shown[1]) == shown:
            # Fields report their value when they mount: the date and year the page already shows (its
            # defaults, when the URL has no as_of), or a field confirmed unchanged, are not a new view, nor a history
            # entry, nor a second render.
            return no_update
        return (pathname or "/") + query_after
