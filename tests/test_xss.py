"""Registry text that is markup reaches the page as text; text that is a formula reaches exports as text.

The Dash responses carry the names as string values (React renders them as
text), never as components; exports prefix a formula with ``'``. The browser
half is tests/test_browser_xss.py.
"""

from __future__ import annotations

import io

import openpyxl

from tests import fixture_xss
from tests.apps import app_fixture, login
from bench.dash_requests import components
from tests.dashwalk import PageWalk, dependencies

app = app_fixture(fixture_xss.TABLES)
VIEW = "?as_of=2025-05-20&year=2025&province=44&city=440100&deadline=spring_registration"


def test_markup_in_names_is_sent_as_text(app):
    client = login(app.server.test_client(), "ministry")
    walk = PageWalk(client, dependencies(client)).open("/deadlines", VIEW)
    text = "".join(post.text for post in walk.posts)
    assert fixture_xss.IMG in text and fixture_xss.CITY in text  # the names arrive, as strings
    types = {c["type"] for c in components([walk.props[k] for k in walk.props if k[1] == "children"])}
    assert "Img" not in types and "Script" not in types and "B" not in types
    assert all("onerror" not in key and "onmouseover" not in key for (_, key) in walk.props)


def test_formulas_in_names_are_exported_as_text(app):
    client = login(app.server.test_client(), "ministry")
    csv = client.get("/export/deadlines.csv" + VIEW).data.decode("utf-8-sig")
    assert ',"\'=HYPERLINK(""https://evil.example/"",""点此"")",' in csv  # quoted for its comma, then text
    assert fixture_xss.SCHOOL_1 in csv  # markup is harmless in CSV: left as it is
    book = openpyxl.load_workbook(io.BytesIO(client.get("/export/deadlines.xlsx" + VIEW).data))
    cells = [c for row in book.active.iter_rows() for c in row if isinstance(c.value, str) and "HYPERLINK" in c.value]
    assert cells and all(c.data_type == "s" and c.value.startswith("'=") for c in cells)
