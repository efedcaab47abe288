"""A first visit in a real browser: the JavaScript on the wire is compressed and within budget, a page
renders once (no URL rewrite, no drill on mount), and a page without a chart never loads Plotly."""

from __future__ import annotations

import os

import pytest
from flask import request

from bench.browser import RESOURCES_JS
from tests import fixture_deadlines
from tests.apps import make_app
from tests.browser import log_in, settled

pytestmark = pytest.mark.browser

#: The issue's budget for JavaScript on the wire per first visit.
JS_BUDGET = 2_000_000


def test_first_visit_is_compressed_within_budget_and_renders_once(dash_duo, new_database, tmp_path):
    app = make_app(new_database("sqlite"), fixture_deadlines.TABLES, tmp_path)
    outputs = []

    @app.server.before_request
    def note_callbacks():
        if request.path == "/_dash-update-component":
            outputs.append((request.get_json(silent=True) or {}).get("output", ""))

    dash_duo.start_server(app, navigate=False, port=int(os.environ.get("AIDWATCH_TEST_BROWSER_PORT", "8050")))
    # the ministry lands on the deadline page at "/": a first visit (empty cache) of a URL without as_of
    log_in(dash_duo, "ministry")
    dash_duo.wait_for_element("#dl-grid .ag-row")
    dash_duo.wait_for_element("#dl-tiles .js-plotly-plot")
    settled(dash_duo)
    dash_duo.driver.execute_script("return new Promise(done => setTimeout(done, 1000))")  # a late re-render shows
    got = dash_duo.driver.execute_script(RESOURCES_JS)
    assert got["js_transfer"] <= JS_BUDGET, got["js_files"]
    large = [(name, wire, size) for name, wire, size in got["js_files"] if size > 50_000]
    assert len(large) >= 8 and all(wire < size / 2 for _, wire, size in large), large  # compressed
    assert any("plotly" in name for name, _, _ in large)
    # the router and the page's content, once each: the view bar did not rewrite the URL, nothing drilled
    content = [o for o in outputs if o.endswith("-content.children")]
    assert content == ["dl-content.children"], outputs
    assert not [o for o in outputs if "drill-url" in o or "view-url" in o], outputs
    assert len(outputs) == 2, outputs
    assert dash_duo.driver.current_url.rstrip("/") == dash_duo.server.url.rstrip("/")

    # a school's data-quality page draws no chart: Plotly is not even loaded
    dash_duo.driver.get(dash_duo.server.url + "/quality?school=1&year=2025")
    dash_duo.wait_for_element("#dq-content .aw-panel")
    settled(dash_duo)
    assert dash_duo.driver.execute_script("return typeof window.Plotly") == "undefined"
    assert not dash_duo.find_elements(".js-plotly-plot")
