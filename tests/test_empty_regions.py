"""A city with no schools (the national reference lists every city; many have no technical school) is a
valid view with nothing in it: every page draws it and every export answers it, with no message.

Found in a profile at demo scale 0.1: the deadlines page failed to assemble an empty series and the
rollout page merged an empty, untyped code column ("unexpected failure" on screen).
"""

from __future__ import annotations

import csv
import io
from urllib.parse import urlencode

import pytest

import dashboard
from dashboard import export_routes as exports
from tests import fixture_deadlines
from tests.apps import login, make_app, open_view
from tests.conftest import BACKENDS

EMPTY_CITY = {"code": "440500", "province_code": "44", "name": "汕头市"}
TABLES = fixture_deadlines.TABLES | {"city": [*fixture_deadlines.TABLES["city"], EMPTY_CITY]}
VIEW = {"province": "44", "city": EMPTY_CITY["code"]}
#: The briefing covers the nation or one province; the school profile needs a school.
NOT_FOR_A_CITY = {"/briefing", "/school"}


@pytest.fixture(scope="module", params=BACKENDS)
def client(request, module_database, tmp_path_factory):
    app = make_app(module_database(request.param), TABLES, tmp_path_factory.mktemp("empty"))
    return login(app.server.test_client(), "ministry")


@pytest.mark.parametrize("as_of", [None, "2025-05-06"])
def test_every_page_draws_a_city_without_schools(client, as_of):
    query = VIEW | ({"as_of": as_of, "year": "2025"} if as_of else {"year": "2025"})
    for path in sorted(m.PATH for m in dashboard.PAGES.values()):
        if path in NOT_FOR_A_CITY:
            continue
        view = open_view(client, path, query)
        assert view.layout_status == 200 and view.content_status in (200, None), path
        assert "aw-message" not in view.content, (path, view.content[:400])


def test_every_export_of_a_city_without_schools_is_a_header_without_rows(client):
    for name in sorted(exports.EXPORTS):
        if name == "briefing":
            continue
        response = client.get(f"/export/{name}.csv?" + urlencode(VIEW | {"year": "2025"}))
        assert response.status_code == 200, (name, response.get_data(as_text=True)[:300])
        rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
        assert rows and rows[0], name          # the header
        assert rows[1:] == [], (name, rows[1:3])  # no schools, no rows
