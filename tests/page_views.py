"""A page view over HTTP as the browser makes it: the router callback (frame + layout), then the content callback."""

from __future__ import annotations

import json
from dataclasses import dataclass
from urllib.parse import urlencode

from bench import dash_requests


@dataclass
class PageView:
    layout_status: int
    layout: str            # the router's answer, JSON with Chinese text decoded
    prefix: str | None     # the page's callback prefix (None: the layout is a message page)
    content_status: int | None
    content: str           # the content callback's answer, decoded ("" without one)

    @property
    def text(self) -> str:
        return self.layout + self.content


def _post(client, payload: dict):
    response = client.post("/_dash-update-component", data=dash_requests.body(payload),
                           content_type="application/json")
    try:
        data = response.get_json()
    except Exception:  # noqa: BLE001 — a non-JSON answer (an error page) is kept as text
        data = None
    text = json.dumps(data, ensure_ascii=False) if data is not None else response.get_data(as_text=True)
    return response.status_code, data, text


def open_view(client, path: str, query: dict | None = None) -> PageView:
    """The layout of ``path?query`` and, when it has one, its content for the view it stored."""
    search = "?" + urlencode(query) if query else ""
    status, data, layout = _post(client, dash_requests.router(path, search))
    prefix = dash_requests.view_prefix(data) if data else None
    if prefix is None:
        return PageView(status, layout, None, None, "")
    view = dash_requests.store_view(data, prefix)
    content_status, _, content = _post(client, dash_requests.content(prefix, view if view is not None else {}))
    return PageView(status, layout, prefix, content_status, content)
