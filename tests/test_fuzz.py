"""Bad input never gets a 500: fuzzed URL parameters, callback inputs and callback request bodies.

Hypothesis draws page and export URLs with any mix of the view parameters
(malformed, out of range, huge, markup, SQL, NUL, …), callback requests for
every server-side callback in the app's callback map with any JSON in their
inputs, and bodies that are not callback requests at all. Each must be
answered with a page, a message or a 4xx — never a 500 or a traceback.
Runs are bounded and deterministic (``derandomize``), so CI sees the same
examples every time.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
from urllib.parse import urlencode

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import dashboard
from dashboard import export_routes as exports
from dashboard.guards import MAX_JSON_DEPTH
from aidwatch.viewstate import FIRST_YEAR, PARAMS
from tests import fixture_deadlines
from tests.apps import login, make_app, open_view
from tests.conftest import BACKENDS
from tests.dashwalk import dependencies, outputs_of

FUZZ = settings(max_examples=100, deadline=None, derandomize=True, database=None, print_blob=False,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])

NAMES = [*PARAMS, "next", "page", "x"]
EDGE = st.sampled_from([
    "", " ", "0", "-1", "2025", "2024", "2026", "9999", "99999999999999999999", "1e308", "NaN", "2025-02-30",
    "2025-13-01", "0000-01-01", "2025-06-10", "44", "45", "99", "440100", "999999", "1", "4", "987654",
    "spring_registration", "en", "fr", "grant", "2025-09", "2031-01", "<img src=x onerror=alert(1)>",
    "' OR 1=1 --", "1; DROP TABLE student", "\x00", "../../etc/passwd", "{\"a\": 1}", "[]",
    # the edges of every policy year: the day before, the first and last day, the day after
    "2024-12-31", "2025-01-01", "2025-12-31", "2026-01-01", "2026-12-17", "2026-12-31", "2027-01-01",
])
TEXT = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=24)
VALUE = st.one_of(EDGE, TEXT, st.integers(min_value=-10**30, max_value=10**30).map(str))
QUERIES = st.dictionaries(st.sampled_from(NAMES), VALUE, max_size=5)


def _containers(children):
    return st.lists(children, max_size=3) | st.dictionaries(st.one_of(st.sampled_from(NAMES), TEXT), children,
                                                            max_size=3)


JSON = st.recursive(st.none() | st.booleans() | st.integers(min_value=-10**30, max_value=10**30)
                    | st.floats(allow_nan=False, allow_infinity=False) | VALUE, _containers, max_leaves=8)
VIEWS = st.dictionaries(st.sampled_from(NAMES), st.one_of(VALUE, JSON), max_size=5)
INPUT = st.one_of(VIEWS, JSON)


@settings(max_examples=3, deadline=None, derandomize=True, database=None)
@given(QUERIES, INPUT, JSON)
def _warm_up(query, value, body):
    """Run every strategy once at import, in the main thread: hypothesis imports parts of itself lazily."""


_warm_up()
# ... and the one module a longer run still imports later (found by comparing sys.modules; hypothesis is pinned)
import hypothesis.internal.conjecture.optimiser  # noqa: E402,F401


@pytest.fixture(scope="module", params=BACKENDS)
def app(request, module_database, tmp_path_factory):
    return make_app(module_database(request.param), fixture_deadlines.TABLES, tmp_path_factory.mktemp("fuzz"))


@pytest.fixture(scope="module")
def clients(app):
    return {user: login(app.server.test_client(), user) for user in ("ministry", "gd")}


def assert_answered(response, what: str) -> None:
    body = response.get_data(as_text=True)
    assert response.status_code < 500, f"{what} → {response.status_code}: {body[:300]}"
    assert "Traceback" not in body and 'File "' not in body, what


def test_fuzzed_page_and_export_urls(app, clients):
    paths = ["/", *(m.PATH for m in dashboard.PAGES.values())]
    targets = paths + [f"/export/{name}.csv" for name in exports.EXPORTS]

    @FUZZ
    @given(target=st.sampled_from(targets), query=QUERIES, user=st.sampled_from(sorted(clients)))
    def run(target, query, user):
        response = clients[user].get(target + "?" + urlencode(query))
        assert_answered(response, f"{user} GET {target}?{urlencode(query)}")
        if response.status_code >= 400 and target.startswith("/export/"):
            assert response.get_json()["error"]  # a message, not an empty error

    run()


def test_fuzzed_callback_inputs(app, clients):
    """Every server-side callback, with any JSON where the page would send its view, a click or a date."""
    deps = dependencies(clients["ministry"])

    @FUZZ
    @given(dep=st.sampled_from(deps), data=st.data(), user=st.sampled_from(sorted(clients)))
    def run(dep, data, user):
        body = {
            "output": dep["output"], "outputs": outputs_of(dep),
            "inputs": [{**i, "value": data.draw(INPUT)} for i in dep["inputs"]],
            "changedPropIds": [f"{dep['inputs'][0]['id']}.{dep['inputs'][0]['property']}"],
            "state": [{**s, "value": data.draw(INPUT)} for s in dep.get("state", [])],
        }
        response = clients[user].post("/_dash-update-component", data=json.dumps(body),
                                      content_type="application/json")
        assert_answered(response, f"{dep['output']} {json.dumps(body, ensure_ascii=False)[:300]}")

    run()


def test_fuzzed_callback_bodies(app, clients):
    """Bodies that are not the requests a page sends: refused with 400 (or harmlessly answered), never a 500."""
    client = clients["ministry"]
    deps = dependencies(client)
    content = next(d for d in deps if d["output"] == "dl-content.children")
    valid = {"output": content["output"], "outputs": outputs_of(content),
             "inputs": [{"id": "dl-view", "property": "data", "value": {}}],
             "changedPropIds": ["dl-view.data"], "state": []}

    @FUZZ
    @given(kind=st.sampled_from(["replace", "drop", "any"]), key=st.sampled_from(sorted(valid)), value=JSON)
    def run(kind, key, value):
        # one part of a valid request replaced by any JSON, or removed; or any JSON at all
        body = {"replace": {**valid, key: value}, "drop": {k: v for k, v in valid.items() if k != key},
                "any": value}[kind]
        response = client.post("/_dash-update-component", data=json.dumps(body), content_type="application/json")
        assert_answered(response, json.dumps(body, ensure_ascii=False)[:300])
        assert response.status_code in (200, 204, 400)

    run()
    for raw in (b"", b"{", b"null", b"[]", b"\xff\xfe", b'{"output": 1e999}'):
        response = client.post("/_dash-update-component", data=raw, content_type="application/json")
        assert response.status_code == 400, raw
    huge = b'{"output": "' + b"x" * (2 << 20) + b'"}'
    assert client.post("/_dash-update-component", data=huge, content_type="application/json").status_code == 413


def test_the_reported_500s_are_4xx_with_a_message_and_a_logged_reason(app, clients, caplog):
    client = clients["ministry"]
    caplog.set_level(logging.INFO)
    # an as-of date before the year shown (was an IndexError in queries/backlog.py)
    for target in ("/export/backlog.csv", "/export/duplicates.csv", "/backlog"):
        response = client.get(f"{target}?as_of=2025-01-01&year=2026")
        assert response.status_code == 400, target
        assert "as_of=2025-01-01 is before the year 2026 shown" in response.get_data(as_text=True)
    assert "as_of=2025-01-01 is before the year 2026" in caplog.text
    # a callback body nested far deeper than any page sends (was a RecursionError in dashboard/guards.py),
    # and one just past the limit
    for depth in (100_000, MAX_JSON_DEPTH + 1):
        body = '{"output": "dl-content.children", "inputs": ' + "[" * depth + "]" * depth + "}"
        response = client.post("/_dash-update-component", data=body, content_type="application/json")
        assert response.status_code == 400 and "nested deeper" in response.get_json()["reason"], depth
    assert f"refused callback request: the body is nested deeper than {MAX_JSON_DEPTH} levels" in caplog.text
    # component-suite files Dash never registered (were a DependencyException, 500)
    for path in ("/_dash-component-suites/nope/x.js", "/_dash-component-suites/dash/nope.v1.js",
                 "/_dash-component-suites/dash/../../etc/passwd", "/_dash-component-suites/plotly/x.min.js"):
        response = client.get(path)
        assert response.status_code == 404 and response.get_json()["error"], path
    assert "no such component-suite file /_dash-component-suites/nope/x.js" in caplog.text
    # ... while the files the pages load still come
    page = client.get("/deadlines").get_data(as_text=True)
    script = next(part.split('"')[0] for part in page.split('src="')[1:] if "_dash-component-suites" in part)
    assert client.get(script).status_code == 200


def _year_edges(last_year: int) -> list[dict]:
    """Views of each policy year Y as of the day before it, its last day (where a year's clocks run out)
    and the day after it; the fuzzed URLs above mix these dates with any year, or none."""
    return [{"as_of": day.isoformat(), "year": str(year)} for year in range(FIRST_YEAR, last_year + 1)
            for day in (dt.date(year - 1, 12, 31), dt.date(year, 12, 31), dt.date(year + 1, 1, 1))]


def test_every_page_and_export_at_the_edges_of_every_policy_year(app, clients):
    """Each page (layout and content) and export, at as-of dates around every policy year: a page, a
    message or a 4xx, never a 500."""
    from aidwatch.workdays import calendar

    client = clients["ministry"]
    paths = [m.PATH for m in dashboard.PAGES.values()]
    for query in _year_edges(calendar().last.year):
        for path in paths:
            view = open_view(client, path, {**query, "school": "1"} if path == "/school" else query)
            assert view.layout_status < 500 and (view.content_status or 200) < 500, (path, query)
            assert "Traceback" not in view.text
        for name in exports.EXPORTS:
            assert_answered(client.get(f"/export/{name}.csv?" + urlencode(query)), f"{name} {query}")
