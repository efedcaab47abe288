"""A short load test (``bench/load.py``): 10 simulated users for 15 s against gunicorn with 2 workers.

The users log in, load pages, drill down, go back up, change the as-of date
and download exports, on a tiny demo registry, once on SQLite and once on
PostgreSQL. Any failed request or error message fails the test. The full run
(50 users, 120 s, scale 0.1) is ``python -m bench.load``; see docs/load.md.
"""

from __future__ import annotations

import datetime as dt

from aidwatch.demo import generate_registry
from bench import dash_requests, load
from tests import fixture_deadlines
from tests.apps import login, make_app


def test_ten_users_browse_for_ten_seconds_without_an_error(new_database, backend, tmp_path):
    url = new_database(backend)
    generate_registry(url, scale=0.001, seed=2025, until=dt.date(2026, 11, 26), progress=False)
    summary = load.run(url, users=10, seconds=10, workers=2, folder=tmp_path, static=False)
    assert summary["errors"] == [], (summary["errors"][:5], (tmp_path / "gunicorn.log").read_text()[-2000:])
    routes = {row["route"]: row["n"] for row in summary["routes"]}
    assert routes["POST /login"] == 10 and routes["GET /_dash-dependencies"] == 10
    # every user's first view, and more: the users went on browsing (how far depends on the machine's load)
    assert sum(n for route, n in routes.items() if route.startswith("content ")) > 10


def test_the_simulated_clicks_are_the_ones_the_pages_answer(tmp_path):
    """The drill and date-picker payloads the load test sends get the URLs a browser would get."""
    app = make_app(f"sqlite:///{tmp_path / 'registry.sqlite'}", fixture_deadlines.TABLES, tmp_path)
    client = login(app.server.test_client(), "ministry")
    deps = client.get("/_dash-dependencies").get_json()

    def post(payload):
        return dash_requests.post(client, payload).get_json()

    view = {"as_of": "2025-06-10", "year": "2025"}
    content = post(dash_requests.content("dl", view))
    assert dash_requests.row_ids(content, "dl-grid")[:3] == ["11", "44", "45"]
    drill = post(dash_requests.drill(dash_requests.drill_output(deps, "dl"), "dl", "44", view))
    assert dash_requests.answered_href(drill) == "/deadlines?as_of=2025-06-10&year=2025&province=44"
    picked = post(dash_requests.pick_date(dash_requests.picker_output(deps), "2025-05-20", "2025",
                                          "?as_of=2025-06-10&year=2025&province=44", "/deadlines"))
    assert dash_requests.answered_href(picked) == "/deadlines?as_of=2025-05-20&year=2025&province=44"
