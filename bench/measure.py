"""Server-side timings of each page's first view, drill-down and as-of change, through the real app.

Requests go through Flask, the login guard, Dash's callback dispatch and JSON
serialisation (a test client, no network), so the figures are the server's
time for the callbacks that draw a view. "Cold" empties the result cache
first, not the operating system's file cache: a replica server keeps its
working set in memory, so each backend's files are read into the file cache
before its pages are measured (``bench.filecache``); "warm" repeats the
request with the result cache full.
"""

from __future__ import annotations

import datetime as dt
import re
import statistics
import tempfile
import time
from pathlib import Path

import sqlalchemy as sa
from flask_login import login_user

from aidwatch import contract as c
from aidwatch.replica import readonly_engine
from bench import dash_requests
from bench.pages import PageBench
from dashboard import answers, create_app
from queries import appdb
from dashboard.auth import User

USER, PASSWORD = "bench", "bench-password-1234"


def build_app(registry_url: str):
    folder = Path(tempfile.mkdtemp(prefix="aidwatch-bench-"))
    app = create_app({"REGISTRY_URL": registry_url, "APP_DB_URL": f"sqlite:///{folder / 'app.sqlite'}",
                      "SECRET_KEY": "b" * 40, "INSTANCE_DIR": str(folder), "DEMO": False})
    engine = app.server.extensions["aidwatch_app_db"]
    appdb.add_user(engine, USER, "ministry", None, PASSWORD)
    client = app.server.test_client()
    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page) or re.search(
        r'value="([^"]+)"[^>]*name="csrf_token"', page)
    client.post("/login", data={"username": USER, "password": PASSWORD, "csrf_token": token.group(1)})
    return app, client


def largest_province(registry_url: str) -> str:
    engine = readonly_engine(registry_url)
    with engine.connect() as conn:
        code = conn.execute(sa.select(c.school.c.province_code).group_by(c.school.c.province_code)
                            .order_by(sa.func.count().desc()).limit(1)).scalar()
    engine.dispose()
    return code


def _content(client, page: PageBench, view: dict) -> float:
    payload = dash_requests.content(page.prefix, view)
    started = time.perf_counter()
    response = dash_requests.post(client, payload)
    elapsed = time.perf_counter() - started
    body = response.get_data(as_text=True)
    if response.status_code != 200 or '"aw-message"' in body:
        raise RuntimeError(f"{page.name} {view}: HTTP {response.status_code}: {body[:300]}")
    return elapsed


def _layout(app, page_module, view: dict) -> float:
    """The page's ``layout(**query)`` (frame, freshness, region) as the pages router calls it."""
    engine = app.server.extensions["aidwatch_app_db"]
    user = User.from_row(appdb.get_user(engine, USER))
    with app.server.test_request_context("/"):
        login_user(user)
        started = time.perf_counter()
        page_module.layout(**view)
        return time.perf_counter() - started


def _cold(app) -> None:
    """Empty the result cache and the shared answers (a warm view is served as its stored answer)."""
    reg = app.server.extensions["aidwatch_registry"]
    reg.cache.clear()
    answers.of(app).cache.clear()
    reg.forget_freshness()


def _median(values) -> float:
    return statistics.median(values)


def measure_page(app, client, page: PageBench, page_module, registry_url: str, province: str, repeat: int) -> dict:
    reg = app.server.extensions["aidwatch_registry"]
    snapshot = reg.freshness().default_as_of
    view = {}
    cold, warm, drill, asof, floor = [], [], [], [], []
    other_day = (snapshot - dt.timedelta(days=30)).isoformat()
    for _ in range(repeat):
        _cold(app)
        cold.append(_layout(app, page_module, view) + _content(client, page, view))
        warm.append(_layout(app, page_module, view) + _content(client, page, view))
        asof.append(_content(client, page, {"as_of": other_day}))
        _cold(app)
        drill.append(_layout(app, page_module, {"province": province})
                     + _content(client, page, {"province": province}))
    # The floor: exactly the queries the cold first view asked for, one after another on a bare connection.
    _cold(app)
    reg.trace = []
    _content(client, page, view)
    # Each distinct query once: a view may ask for a query twice (the briefing prefetches the deadline
    # series' queries, then assembles the series), and the cache answers the second time.
    calls, reg.trace = list(dict.fromkeys(reg.trace)), None
    engine = readonly_engine(registry_url)
    for _ in range(repeat):
        with engine.connect() as conn:
            started = time.perf_counter()
            for fn, scope, args in calls:
                fn(conn, scope, *args)
            floor.append(time.perf_counter() - started)
    engine.dispose()
    out = {"cold": _median(cold), "warm": _median(warm), "asof": _median(asof), "drill": _median(drill),
           "floor": _median(floor)}
    out["overhead"] = out["cold"] / out["floor"] - 1 if out["floor"] else None
    return out
