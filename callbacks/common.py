"""What every page's callbacks share: resolving the view, case lists and their audit, drilling down on a click."""

from __future__ import annotations

import dash_bootstrap_components as dbc
import flask
from dash import Input, Output, State, ctx, dcc, no_update
from flask_login import current_user

from aidwatch.masking import mask_frame
from dashboard import answers, appdb, auth, context
from dashboard.errors import describe
from dashboard.context import child_query
from dashboard.viewstate import PARAMS, BadView, lang_of
from queries.regions import Region

_SHOWN = "aidwatch_case_lists"


def message(exc: Exception, lang: str):
    """A failure as an alert in the page (the reason is logged by ``describe``)."""
    text, status = describe(exc, lang)
    return dbc.Alert(text, color="danger" if status >= 403 else "warning", id="aw-message")


def case_list(name: str, frame):
    """``frame`` (a list of students) masked for the screen or an export, and noted for the audit log.

    Every case list a page shows goes through here, so ``register_content``
    can write one audit row per view that showed personal data; such an answer is never shared
    (``dashboard.answers``), so every view of it is audited.
    """
    answers.keep_private()
    masked = mask_frame(frame)
    if flask.has_request_context():
        flask.g.setdefault(_SHOWN, []).append((name, len(masked)))
    return masked


def audit_case_lists(page: str, query: dict) -> None:
    """One ``view_cases`` audit row (who, scope, view, rows per list) if this request showed case lists."""
    shown = flask.g.pop(_SHOWN, None)
    if not shown:
        return
    lists: dict[str, int] = {}
    for name, rows in shown:
        lists[name] = lists.get(name, 0) + rows
    params = {k: str(v) for k, v in query.items() if k in PARAMS} | {"page": page, "lists": lists}
    appdb.audit(auth.app_db(), current_user.username, "view_cases", context.current_scope(), params,
                sum(lists.values()))


def with_drill(rows, children):
    """``rows`` with ``drill``, each row's key one level down (a school's id), and, where the rows are
    schools, ``code`` their registry code: the spec's ``code`` column, while drilling needs the id."""
    rows = rows.assign(drill=rows["code"])
    if "school_code" in children:
        rows["code"] = rows["drill"].map(dict(zip(children["code"].astype(str), children["school_code"])))
    return rows


def table_region(region):
    """The region whose child table holds ``region``'s own row: itself, or a school's city (a school's own
    figures are its row in its city's table, from the same cached queries)."""
    return Region("city", region.province, region.city) if region.level == "school" else region


def own_code(region) -> str:
    """The code of the selected region's own row in a page's table ("nation" for the nation)."""
    return {"nation": "nation", "province": region.province, "city": region.city}.get(region.level,
                                                                                       str(region.school))


def drill_location(prefix: str) -> dcc.Location:
    """Where a page's drill callback writes the URL it opens: inside the content it is drawn with.

    Dash fires a callback whose inputs a callback inserts (the grid, the charts) despite
    ``prevent_initial_call`` when its output was already on the page (the app's ``url``); an output
    inserted together with its inputs is honoured, so the drill no longer runs on every render.
    ``callback-nav`` navigates as the app's own location does, without reloading the page.
    """
    return dcc.Location(id=f"{prefix}-drill-url", refresh="callback-nav")


def register_content(app, prefix: str, build, drills: tuple[str, ...] = ()) -> None:
    """``{prefix}-view`` (the URL's view) → ``{prefix}-content``: ``build(query, lang)`` makes the children,
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
            children = build(query, lang)
            audit_case_lists(prefix, query)
            return [*(children if isinstance(children, list) else [children]),
                    *(drill_location(p) for p in (prefix, *drills))]
        except Exception as exc:  # noqa: BLE001 — every failure becomes a message (dashboard.errors)
            return message(exc, lang)


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
            view = context.view_from(query if isinstance(query, dict) else {})
        except BadView:
            return no_update
        return path + child_query(view, str(code), context.current_scope())


def clicked_code(source, from_grid: bool) -> str | None:
    """The region key a click carries (a grid row's id, a Plotly point's ``customdata``), or None.

    The payload comes from the browser, so anything else — a forged string, an
    empty point list — means "no click", never an exception.
    """
    if not isinstance(source, dict):
        return None
    if from_grid:
        code = source.get("rowId")
    else:
        points = source.get("points")
        first = points[0] if isinstance(points, list) and points else None
        code = first.get("customdata") if isinstance(first, dict) else None
    if isinstance(code, bool) or not isinstance(code, (str, int)) or code == "":
        return None
    return str(code)
