"""Apps over hand-built registries, with one user per role, for browser and HTTP tests."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from urllib.parse import urlencode

import pytest

from bench import dash_requests
from dashboard import answers, create_app
from queries import appdb
from tests.conftest import BACKENDS
from tests.registry_builder import build_registry

PASSWORD = "correct-horse-42"
USERS = {"ministry": ("ministry", None), "leader": ("leadership", None), "gd": ("province", "44"),
         "gx": ("province", "45")}


def make_app(url: str, tables: dict, tmp_path, **config):
    """A dashboard over a new registry at ``url`` filled with ``tables``; ``config`` adds or overrides settings."""
    build_registry(url, tables)
    app = create_app({
        "REGISTRY_URL": url, "APP_DB_URL": f"sqlite:///{tmp_path / 'app.sqlite'}", "SECRET_KEY": "t" * 32,
        "INSTANCE_DIR": str(tmp_path / "instance"), "DEMO": False,
        # Every test client logs in from 127.0.0.1: the login throttle is tested on its own (test_security.py).
        "LOGIN_RATE": "10000 per minute", **config,
    })
    engine = app.server.extensions["aidwatch_app_db"]
    for name, (role, province) in USERS.items():
        appdb.add_user(engine, name, role, province, PASSWORD)
    return app


def forget(app) -> None:
    """Empty ``app``'s query results and shared answers: a test that makes a source fail must not be served
    what earlier tests of its module computed for the same view."""
    app.server.extensions["aidwatch_registry"].cache.clear()
    answers.of(app).cache.clear()


def login(client, username: str):
    """Log a Flask test client in through the real form, CSRF token included."""
    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page) or re.search(
        r'value="([^"]+)"[^>]*name="csrf_token"', page)
    response = client.post("/login", data={"username": username, "password": PASSWORD, "csrf_token": token.group(1)})
    assert response.status_code == 302, response.get_data(as_text=True)
    return client


def app_fixture(tables: dict):
    """A module-scoped fixture: one app per database (SQLite, PostgreSQL) over ``tables``, for tests that only read."""
    @pytest.fixture(scope="module", params=BACKENDS)
    def app(request, module_database, tmp_path_factory):
        return make_app(module_database(request.param), tables, tmp_path_factory.mktemp("app"))
    return app


def post_content(client, prefix: str, view: dict):
    """POST a page's content callback (``<prefix>-view.data`` → ``<prefix>-content``) with any view we like."""
    dependencies = client.get("/_dash-dependencies").get_json()  # without a login: a 401's message, not a list
    return dash_requests.post(client, dash_requests.content(
        prefix, view, dependencies if isinstance(dependencies, list) else None))


def text_of(response) -> str:
    """The response body with JSON's \\u escapes decoded, so Chinese text can be searched."""
    body = response.get_data(as_text=True)
    try:
        return json.dumps(json.loads(body), ensure_ascii=False)
    except ValueError:
        return body


def _nodes(tree):
    """Every component in a callback's JSON output (a layout tree), depth first."""
    if isinstance(tree, list):
        for item in tree:
            yield from _nodes(item)
    elif isinstance(tree, dict):
        props = tree.get("props", tree)
        if "type" in tree and "props" in tree:
            yield tree
        for value in props.values():
            yield from _nodes(value)


def chart_titles(response) -> dict[str, str]:
    """``{graph id: its title}`` for every chart of a content callback's answer, the title read from the
    heading that names the chart's ``role="figure"`` (``figure.titled_graph``). A chart drawn without that
    heading, a heading that names no chart, or a title left inside the Plotly figure (cut off on a phone)
    fails here."""
    nodes = list(_nodes(json.loads(response.get_data(as_text=True))))
    texts = {n["props"]["id"]: n["props"].get("children") for n in nodes if isinstance(n["props"].get("id"), str)}
    titles = {}
    for node in nodes:
        props = node["props"]
        if node["type"] == "Graph":
            layout = (props.get("figure") or {}).get("layout", {})
            assert not (layout.get("title") or {}).get("text"), (props.get("id"), layout.get("title"))
        if props.get("role") == "figure":
            graphs = [n["props"]["id"] for n in _nodes(props["children"]) if n["type"] == "Graph"]
            assert len(graphs) == 1, graphs
            title = texts[props["aria-labelledby"]]
            assert isinstance(title, str) and title, (graphs, title)
            titles[graphs[0]] = title
    shown = {n["props"]["id"] for n in nodes if n["type"] == "Graph"
             and (n["props"].get("figure") or {}).get("data")}
    assert shown <= set(titles), f"charts without a heading: {shown - set(titles)}"
    return titles


def json_or_none(response):
    try:
        return response.get_json()
    except Exception:  # noqa: BLE001 — a non-JSON answer (an error page) has no data
        return None


@dataclass
class PageView:
    """A page view over HTTP as the browser makes it: the router callback (frame + layout), then the
    content callback."""

    layout_status: int
    layout: str            # the router's answer, JSON with Chinese text decoded
    prefix: str | None     # the page's callback prefix (None: the layout is a message page)
    content_status: int | None
    content: str           # the content callback's answer, decoded ("" without one)

    @property
    def text(self) -> str:
        return self.layout + self.content


def open_view(client, path: str, query: dict | None = None) -> PageView:
    """The layout of ``path?query`` and, when it has one, its content for the view it stored."""
    search = "?" + urlencode(query) if query else ""
    routed = dash_requests.post(client, dash_requests.router(path, search))
    data = json_or_none(routed)
    prefix = dash_requests.view_prefix(data) if data else None
    if prefix is None:
        return PageView(routed.status_code, text_of(routed), None, None, "")
    view = dash_requests.store_view(data, prefix)
    content = post_content(client, prefix, view if view is not None else {})
    return PageView(routed.status_code, text_of(routed), prefix, content.status_code, text_of(content))


def school_export_rows(client, url: str, city: str) -> list[str]:
    """A school's export (``url`` names ``school=``) for a reader without case lists: 200, the city export's
    header, and rows that are each a row of the city's own export (the school's, not its cases); the rows."""
    school = client.get(url)
    assert school.status_code == 200, school.data
    city_url = url.replace("school=", f"city={city}&_school=")
    own = school.data.decode("utf-8-sig").splitlines()
    whole = client.get(city_url).data.decode("utf-8-sig").splitlines()
    assert own[0] == whole[0] and own[1:] and set(own[1:]) <= set(whole[1:]), (own, whole[:3])
    return own[1:]
