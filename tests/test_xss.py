"""Registry text that is markup reaches the page as text; text that is a formula reaches exports as text.

The Dash responses carry the names as string values (React renders them as
text), never as components; Plotly figures, which draw a pseudo-HTML of their
own, carry them escaped on every page; exports prefix a formula with ``'``.
The browser half is tests/test_browser_xss.py.
"""

from __future__ import annotations

import io
import re

import openpyxl

import dashboard

from tests import fixture_xss
from tests.apps import app_fixture, login
from bench.dash_requests import components
from tests.dashwalk import PageWalk, dependencies

app = app_fixture(fixture_xss.TABLES)
every_page = app_fixture(fixture_xss.EVERY_PAGE)
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
    assert fixture_xss.SCHOOL_1.replace('"', '""') in csv  # markup is harmless in CSV: left as it is (quoted)
    book = openpyxl.load_workbook(io.BytesIO(client.get("/export/deadlines.xlsx" + VIEW).data))
    cells = [c for row in book.active.iter_rows() for c in row if isinstance(c.value, str) and "HYPERLINK" in c.value]
    assert cells and all(c.data_type == "s" and c.value.startswith("'=") for c in cells)


#: the charts' own markup: a line break in labels, the hover box's suffix in templates
OWN_MARKUP = re.compile(r"<br>|</?extra>")


def figure_strings(value, key=""):
    """(key, string) for every string in a figure."""
    if isinstance(value, str):
        yield key, value
    elif isinstance(value, dict):
        for k, v in value.items():
            yield from figure_strings(v, k)
    elif isinstance(value, list):
        for v in value:
            yield from figure_strings(v, key)


def test_registry_text_in_figures_is_escaped_on_every_page(every_page):
    """Every chart of every page at every level, for the ministry: no tag in any string of a figure but the
    charts' own ``<br>`` and ``<extra>``; the hostile names are there, escaped (the walk reached them)."""
    client = login(every_page.server.test_client(), "ministry")
    deps = dependencies(client)
    escaped_names: dict[str, set[str]] = {}
    views = ["", "&province=44", "&province=44&city=440100", "&province=44&city=440100&school=1"]
    for module in dashboard.PAGES.values():
        for view in views:
            walk = PageWalk(client, deps).open(module.PATH, "?as_of=2025-06-10&year=2025" + view)
            figures = {cid: fig for (cid, prop), fig in walk.props.items() if prop == "figure" and fig}
            for cid, figure in figures.items():
                for key, text in figure_strings(figure):
                    assert "<" not in OWN_MARKUP.sub("", text), (module.PATH, view, cid, key, text)
                    for name, escaped in (("school", '&lt;a href="https://evil.example"'),
                                          ("city", "&lt;b onmouseover"), ("province", '&lt;a href="//e.cn"')):
                        if escaped in text.replace("<br>", " "):  # a long axis label wraps at a space
                            escaped_names.setdefault(module.PATH, set()).add(name)
    assert escaped_names == {
        "/deadlines": {"school", "city", "province"}, "/rollout": {"school", "city", "province"},
        "/duplicates": {"school", "city", "province"}, "/backlog": {"school", "city", "province"},
        "/inspections": {"school", "city", "province"}, "/quality": {"school", "city", "province"},
        "/records": {"school", "city", "province"}, "/funding": {"school", "city", "province"},
        "/briefing": {"city"}}  # its map's provinces are the reference's names
