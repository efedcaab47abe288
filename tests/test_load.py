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
    # without the server's warm-up (its 1,960 landing views took four minutes per backend here, and
    # tests/test_warmup.py holds it): the readers meet cold views, the harder case for "no error"
    summary = load.run(url, users=10, seconds=10, workers=2, folder=tmp_path, static=False, warm_up=False)
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


def test_the_reader_follows_the_frames_own_links_and_each_answer_names_its_snapshot(tmp_path):
    """The menu's links as the frame writes them (the briefing's drops the city), the exports each page links
    to (every one exists: no download the page does not offer, such as a subscriptions CSV), and the snapshot
    stamp of each content answer equal to the one its header names."""
    app = make_app(f"sqlite:///{tmp_path / 'registry.sqlite'}", fixture_deadlines.TABLES, tmp_path)
    client = login(app.server.test_client(), "ministry")
    deps = client.get("/_dash-dependencies").get_json()
    frame = dash_requests.post(client, dash_requests.router(
        "/deadlines", "?as_of=2025-06-10&year=2025&province=44&city=440100")).get_json()
    menu = dash_requests.links(frame, "aw-nav-link")
    assert "/briefing?as_of=2025-06-10&year=2025&province=44" in menu
    assert "/rollout?as_of=2025-06-10&year=2025&province=44&city=440100" in menu
    assert dash_requests.links(frame, "aw-crumb") == ["/deadlines?as_of=2025-06-10&year=2025",
                                                      "/deadlines?as_of=2025-06-10&year=2025&province=44"]
    assert dash_requests.frame_snapshot(frame) == "2025-11-26 18:00"
    exports = set()
    for href in menu:
        path, search, view = dash_requests.split_url(href)
        layout = dash_requests.post(client, dash_requests.router(path, search)).get_json()
        prefix = dash_requests.view_prefix(layout)
        answer = dash_requests.post(client, dash_requests.content(prefix, view, deps)).get_json()
        exports |= set(dash_requests.export_links(layout) + dash_requests.export_links(answer))
        if path not in ("/subscriptions", "/supervision"):  # the app database's forms and lists, not the registry's figures
            assert dash_requests.content_snapshot(answer) == dash_requests.frame_snapshot(layout), path
    assert exports and not any("subscriptions" in href for href in exports)
    assert {href: client.get(href).status_code for href in exports} == {href: 200 for href in exports}


def test_a_visit_whose_frame_and_figures_come_from_two_snapshots_is_counted():
    results = load.Results()
    began = results.started
    results.record_visit(began, True, False)
    results.record_visit(began, True, True)
    results.record_visit(began, False, None)
    figures = results.visit_figures()
    assert (figures["visits"], figures["served"], figures["failed"], figures["checked"], figures["redrawn"]) == (
        3, 2, 1, 2, 1)
    assert load.next_snapshot("2026-11-26T18:00:00") == "2026-11-27T18:00:00"
    assert [load.kind(r) for r in ("layout /briefing", "content /rollout", "drill", "as-of change", "GET export",
                                   "GET static")] == ["router", "content", "drill", "as-of change", "GET export",
                                                      "other GET/POST"]
