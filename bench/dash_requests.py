"""The ``/_dash-update-component`` requests a browser sends for a page view, as plain payloads.

A page view in the browser is: the page shell (``GET path``), then the pages
router callback (``_pages_location`` → the page's layout, with the frame), then
the page's content callback (``{prefix}-view`` → ``{prefix}-content``). A click
on a table row is the page's drill callback, whose answer is the next URL.
The load test and the HTTP tests send exactly these, with the session cookie of
a real login; they are built here once so both send what the browser sends.
"""

from __future__ import annotations

import json
import re
from urllib.parse import parse_qsl, urlsplit

from dashboard.answers import content_request

ROUTER_OUTPUT = ".._pages_content.children..._pages_store.data.."


def router(path: str, search: str = "") -> dict:
    """The pages router: the layout of ``path`` with the query string ``search`` (``?a=b`` or empty)."""
    return {
        "output": ROUTER_OUTPUT,
        "outputs": [{"id": "_pages_content", "property": "children"}, {"id": "_pages_store", "property": "data"}],
        "inputs": [{"id": "_pages_location", "property": "pathname", "value": path},
                   {"id": "_pages_location", "property": "search", "value": search}],
        "changedPropIds": ["_pages_location.pathname", "_pages_location.search"],
        "state": [],
    }


def content(prefix: str, view: dict, dependencies: list[dict] | None = None) -> dict:
    """A page's content callback for the view its layout stored in ``{prefix}-view``.

    With the app's ``dependencies`` (``/_dash-dependencies``), a content callback that also listens to
    other inputs (the subscriptions page's ``sb-changed``) gets each of them, unset, as a browser sends
    them on the first render; without, the callback is taken to listen to the view alone."""
    output = f"{prefix}-content.children"
    inputs = next(([{"id": i["id"], "property": i["property"]} for i in dep["inputs"]]
                   for dep in dependencies or () if dep["output"] == output), None)
    return content_request(output, view, inputs)


def drill_output(dependencies: list[dict], prefix: str) -> str | None:
    """The output id of a page's drill callback, as ``/_dash-dependencies`` names it (``dl-drill-url.href``)."""
    for dep in dependencies:
        if any(i["id"] == f"{prefix}-grid" and i["property"] == "cellClicked" for i in dep["inputs"]):
            return dep["output"]
    return None


def drill(output: str, prefix: str, row_id: str, view: dict) -> dict:
    """A click on the row ``row_id`` of ``{prefix}-grid``; the answer is the child region's URL."""
    return {
        "output": output,
        "outputs": _href_output(output),
        "inputs": [{"id": f"{prefix}-bars", "property": "clickData", "value": None},
                   {"id": f"{prefix}-tiles", "property": "clickData", "value": None},
                   {"id": f"{prefix}-grid", "property": "cellClicked",
                    "value": {"rowId": row_id, "colId": "name", "rowIndex": 0, "value": ""}}],
        "changedPropIds": [f"{prefix}-grid.cellClicked"],
        "state": [{"id": f"{prefix}-view", "property": "data", "value": view}],
    }


def picker_output(dependencies: list[dict]) -> str | None:
    """The output id of the view bar's date/year callback (``view-url.href``)."""
    for dep in dependencies:
        if any(i["id"] == "view-asof" for i in dep["inputs"]):
            return dep["output"]
    return None


def pick_date(output: str, day: str, year: str, search: str, pathname: str, shown: dict | None = None) -> dict:
    """The view bar's date field set to ``day`` (and confirmed), on a page showing ``shown`` (``shown_view``);
    the answer is the URL of the same view on that day."""
    return {
        "output": output,
        "outputs": _href_output(output),
        "inputs": [{"id": "view-asof", "property": "value", "value": day},
                   {"id": "view-year", "property": "value", "value": year}],
        "changedPropIds": ["view-asof.value"],
        "state": [{"id": "view-query", "property": "data", "value": search},
                  {"id": "url", "property": "pathname", "value": pathname},
                  {"id": "aw-frame-snapshot", "property": "data", "value": shown}],
    }


def _href_output(output: str) -> dict:
    """``{"id": …, "property": "href"}`` of an output id such as ``dl-drill-url.href``."""
    return {"id": output.split("@")[0].rsplit(".", 1)[0], "property": "href"}


def answered_href(response: dict) -> str | None:
    """The URL a drill or picker callback answered (None: no change)."""
    return next((props.get("href") for props in (response.get("response") or {}).values()), None)


def body(payload: dict) -> str:
    return json.dumps(payload)


def post(client, payload: dict):
    """POST one callback request with a Flask test client, as the browser's renderer would: the raw response."""
    return client.post("/_dash-update-component", data=body(payload), content_type="application/json")


def split_url(url: str) -> tuple[str, str, dict]:
    """``/backlog?province=44`` → (``/backlog``, ``?province=44``, ``{"province": "44"}``)."""
    parts = urlsplit(url)
    search = f"?{parts.query}" if parts.query else ""
    return parts.path or "/", search, dict(parse_qsl(parts.query))


def store_view(layout_response: dict, prefix: str) -> dict | None:
    """The view the layout put in its ``{prefix}-view`` store (what the content callback is sent)."""
    found = find(layout_response, f"{prefix}-view")
    return None if found is None else found.get("props", {}).get("data")


def view_prefix(layout_response) -> str | None:
    """The page's callback prefix: its layout holds a store ``{prefix}-view`` (None on a message page)."""
    if isinstance(layout_response, dict):
        ident = layout_response.get("props", {}).get("id")
        if layout_response.get("type") == "Store" and isinstance(ident, str) and ident.endswith("-view") \
                and ident != "view-query":
            return ident[:-len("-view")]
        values = layout_response.values()
    elif isinstance(layout_response, list):
        values = layout_response
    else:
        return None
    for value in values:
        found = view_prefix(value)
        if found:
            return found
    return None


def components(tree):
    """Every component (``{"type", "namespace", "props"}``) in a Dash JSON layout tree or callback
    answer, in document order."""
    stack = [tree]
    while stack:
        node = stack.pop()
        if isinstance(node, list):
            stack.extend(reversed(node))
        elif isinstance(node, dict):
            if "props" in node and "type" in node:
                yield node
                node = node["props"]
            stack.extend(reversed([v for v in node.values() if isinstance(v, (list, dict))]))


def find(node, component_id: str):
    """The first component with id ``component_id`` in a Dash JSON answer (None when absent)."""
    return next((c for c in components(node) if c["props"].get("id") == component_id), None)


def row_ids(content_response: dict, grid_id: str) -> list[str]:
    """The row ids of the grid ``grid_id`` in a content answer: where a person could click to drill."""
    grid = find(content_response, grid_id)
    if grid is None:
        return []
    props = grid.get("props", {})
    getter = props.get("getRowId") or ""
    field = getter.rsplit(".", 1)[-1] if getter.startswith("params.data.") else None
    return [str(row[field]) for row in props.get("rowData") or [] if field and row.get(field) is not None]


def links(answer, class_name: str) -> list[str]:
    """The ``href`` of every link (``dcc.Link`` or ``html.A``) whose class list holds ``class_name``, in
    document order: the menu's (``aw-nav-link``) and the breadcrumb's (``aw-crumb``) in a router answer."""
    return [c["props"]["href"] for c in components(answer)
            if class_name in str(c["props"].get("className") or "").split() and c["props"].get("href")]


def export_links(answer) -> list[str]:
    """The downloads a page offers (links to ``/export/…``), as a reader would click them."""
    return [c["props"]["href"] for c in components(answer)
            if str(c["props"].get("href") or "").startswith("/export/")]


SNAPSHOT_STAMP = re.compile(r"\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}")


def _minute(text: str | None) -> str | None:
    """``2026-11-26T18:00:00`` or ``数据快照 2026-11-26 18:00`` → ``2026-11-26 18:00`` (None: no snapshot named)."""
    found = SNAPSHOT_STAMP.search(text or "")
    return found.group(0).replace("T", " ") if found else None


def frame_snapshot(layout_response) -> str | None:
    """The snapshot the page's header names (``aw-freshness``), to the minute."""
    fresh = find(layout_response, "aw-freshness")
    return _minute(str(fresh["props"].get("children"))) if fresh else None


def shown_view(layout_response, content_response=None) -> dict | None:
    """The snapshot, as-of day and year the page shows, as the browser holds them after both answers: the
    content's stamp where it has one (the header follows it), else the frame's store."""
    stamp = find(content_response, "aw-snapshot") if content_response is not None else None
    if stamp:
        return {k: stamp["props"]["data"].get(k) for k in ("key", "as_of", "year")}
    frame = find(layout_response, "aw-frame-snapshot")
    return frame["props"]["data"] if frame else None


def content_snapshot(content_response) -> str | None:
    """The snapshot a content answer was read from (its ``aw-snapshot`` stamp), to the minute; None
    when the answer carries no stamp (a message, or a page without one)."""
    stamp = find(content_response, "aw-snapshot")
    return _minute(stamp["props"]["data"]["key"]) if stamp else None
