"""What every page's callbacks share: rendering a view's content for the reader, auditing its case lists,
naming the figures that need next year's holiday schedule, drilling down on a click."""

from __future__ import annotations

import dash_bootstrap_components as dbc
import flask
from dash import ctx, dcc, no_update, Input, Output, State
from flask_login import current_user

from aidwatch.viewstate import PARAMS, lang_of, BadView
from dashboard import auth
from queries import appdb
from views.common import CASE_LISTS_SHOWN, PAST_CALENDAR_NOTED
from views.context import child_query, last_known_year, registry, view_from
from views.errors import describe
from aidwatch.i18n import t
from dashboard.components.frame import FRAME_SNAPSHOT, FRESHNESS, calendar_view_banner, freshness_text, shown_view
from dashboard import answers


def message(exc: Exception, lang: str):
    """A failure as an alert in the page (the reason is logged by ``describe``)."""
    text, status = describe(exc, lang)
    return dbc.Alert(text, color="danger" if status >= 403 else "warning", id="aw-message")


def past_calendar_banner(lang: str) -> list:
    """The banner of the figures this request noted (``views.common.note_past_calendar``), or nothing."""
    noted = flask.g.pop(PAST_CALENDAR_NOTED, None)
    if not noted:
        return []
    figures = [t(key, lang) if rows is None else t("past_rows", lang, figure=t(key, lang), n=rows)
               for key, rows in noted.items()]
    return [calendar_view_banner(last_known_year() + 1, figures, lang)]


def clicked(n_clicks) -> bool:
    """A button press, not a button drawn: Dash calls a callback when its buttons are inserted into the page
    (``n_clicks`` 0) even with ``prevent_initial_call``; a list redrawn after a change must not act again."""
    return isinstance(n_clicks, int) and not isinstance(n_clicks, bool) and n_clicks > 0


def alert(text: str, ok: bool = True):
    return dbc.Alert(text, color="success" if ok else "warning", className="mt-2")


def audit_case_lists(page: str, query: dict) -> None:
    """One ``view_cases`` audit row (who, scope, view, rows per list) if this request showed case lists."""
    shown = flask.g.pop(CASE_LISTS_SHOWN, None)
    if not shown:
        return
    lists: dict[str, int] = {}
    for name, rows in shown:
        lists[name] = lists.get(name, 0) + rows
    params = {k: str(v) for k, v in query.items() if k in PARAMS} | {"page": page, "lists": lists}
    appdb.audit(auth.app_db(), current_user.username, "view_cases", auth.current_scope(), params,
                sum(lists.values()))


def drill_location(prefix: str) -> dcc.Location:
    """Where a page's drill callback writes the URL it opens: inside the content it is drawn with.

    Dash fires a callback whose inputs a callback inserts (the grid, the charts) despite
    ``prevent_initial_call`` when its output was already on the page (the app's ``url``); an output
    inserted together with its inputs is honoured, so the drill no longer runs on every render.
    ``callback-nav`` navigates as the app's own location does, without reloading the page.
    """
    return dcc.Location(id=f"{prefix}-drill-url", refresh="callback-nav")


def register_content(app, prefix: str, build, drills: tuple[str, ...] = ()) -> None:
    """``{prefix}-view`` (the URL's view) → ``{prefix}-content``: ``build(query, scope, lang)`` makes the children
    for the logged-in reader's scope,
    followed by the ``drill_location`` of the page and of each of its other ``drills`` (a page with two
    drilling sections registers a drill per section prefix).

    Case lists shown are audited before they leave; if the audit row cannot be
    written, the page shows a message instead of the cases. The answer is rendered once per snapshot,
    scope and view and shared (``dashboard.answers``), unless it shows a failure or case lists.
    """
    answers.share(app, f"{prefix}-content.children")

    @app.callback(Output(f"{prefix}-content", "children"), Input(f"{prefix}-view", "data"))
    def render(query):
        lang = lang_of(query)
        query = query if isinstance(query, dict) else {}
        try:
            fresh = registry().freshness()
            children = build(query, auth.current_scope(), lang)
            audit_case_lists(prefix, query)
            return [*past_calendar_banner(lang), *(children if isinstance(children, list) else [children]),
                    *(drill_location(p) for p in (prefix, *drills)), snapshot_stamp(fresh, query, lang)]
        except Exception as exc:  # noqa: BLE001 — every failure becomes a message (views.errors)
            return message(exc, lang)


#: The stamp every page's content carries: the snapshot its figures were read from.
SNAPSHOT_STAMP = "aw-snapshot"


def snapshot_stamp(fresh, query: dict, lang: str) -> dcc.Store:
    """The replica snapshot a page's content was read from (``Freshness.key``), the as-of day and year its
    figures are for, and the header's line for the snapshot.

    The frame (the router's answer) names a snapshot and shows an as-of day too, and the two come from two
    requests, perhaps two workers: a new snapshot can land between them, and while a new snapshot is being
    warmed a reader is served the last warmed one's answer (``dashboard.answers``). ``register_snapshot_header``
    then makes the header and the view bar show the content's snapshot and day, so a reader never sees
    figures of one snapshot under another's name, or of one day under another's date; a load test
    (``bench.load``) counts how often it had to.
    """
    as_of, year = view_from(query).resolved(fresh.default_as_of)
    return dcc.Store(id=SNAPSHOT_STAMP, data=shown_view(fresh.key, as_of, year) | {
        "text": freshness_text(fresh.snapshot_at, fresh.replay_lag, lang)})


def register_snapshot_header(app) -> None:
    """The header and the view bar follow the content's snapshot stamp when the frame was drawn from another
    snapshot (in the browser: no round trip). The view bar's fields then say the content's day and year: with
    no ``as_of`` in the URL that is its snapshot's day; ``pick`` knows them as shown, not as picked."""
    app.clientside_callback(
        """function (stamp, frame) {
            var skip = window.dash_clientside.no_update;
            if (!stamp || !frame || stamp.key === frame.key) { return [skip, skip, skip, skip]; }
            var moved = stamp.as_of !== frame.as_of || stamp.year !== frame.year;
            return [stamp.text, {key: stamp.key, as_of: stamp.as_of, year: stamp.year},
                    moved ? stamp.as_of : skip, moved ? stamp.year : skip];
        }""",
        Output(FRESHNESS, "children"), Output(FRAME_SNAPSHOT, "data"),
        Output("view-asof", "value"), Output("view-year", "value"),
        Input(SNAPSHOT_STAMP, "data"), State(FRAME_SNAPSHOT, "data"),
    )


def register_drill(app, prefix: str, path: str) -> None:
    """A click on ``{prefix}-bars``, ``{prefix}-tiles`` (Plotly ``customdata``) or a ``{prefix}-grid`` row
    (its row id) opens the clicked region one level down, keeping the rest of the view. A page need not
    have all three."""
    @app.callback(
        Output(f"{prefix}-drill-url", "href"),
        # optional: a page draws only the charts its level has (no empty placeholder graphs, which would
        # load Plotly for nothing)
        Input(f"{prefix}-bars", "clickData", allow_optional=True),
        Input(f"{prefix}-tiles", "clickData", allow_optional=True),
        Input(f"{prefix}-grid", "cellClicked", allow_optional=True),
        State(f"{prefix}-view", "data"),
        prevent_initial_call=True,
    )
    def drill(bar, tile, cell, query):
        source = {f"{prefix}-bars": bar, f"{prefix}-tiles": tile, f"{prefix}-grid": cell}.get(ctx.triggered_id)
        code = clicked_code(source, ctx.triggered_id == f"{prefix}-grid")
        if code is None:
            return no_update
        try:
            view = view_from(query if isinstance(query, dict) else {})
        except BadView:
            return no_update
        return path + child_query(view, str(code), auth.current_scope())


#: grid columns whose cells are links of their own (dashboard/pages/rollout.py: the draft report), not a drill
LINK_COLUMNS = frozenset({"report_link"})


def clicked_code(source, from_grid: bool) -> str | None:
    """The region key a click carries (a grid row's id, a Plotly point's ``customdata``), or None.

    The payload comes from the browser, so anything else — a forged string, an
    empty point list — means "no click", never an exception.
    """
    if not isinstance(source, dict):
        return None
    if from_grid:
        if source.get("colId") in LINK_COLUMNS:  # the cell is a link of its own (the row's document)
            return None
        code = source.get("rowId")
    else:
        points = source.get("points")
        first = points[0] if isinstance(points, list) and points else None
        code = first.get("customdata") if isinstance(first, dict) else None
    if isinstance(code, bool) or not isinstance(code, (str, int)) or code == "":
        return None
    return str(code)
