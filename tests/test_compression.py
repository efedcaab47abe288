"""Compressed responses and long-lived caching of versioned static files, over HTTP, and the Plotly bundle."""

from __future__ import annotations

import gzip
import re

import brotli
from plotly.offline import get_plotlyjs_version

from bench import dash_requests
from dashboard import PLOTLY_URL
from dashboard.headers import IMMUTABLE
from tests import fixture_deadlines
from tests.apps import app_fixture, login

app = app_fixture(fixture_deadlines.TABLES)


def scripts(client) -> list[str]:
    page = client.get("/deadlines", headers={"Accept-Encoding": "identity"}).get_data(as_text=True)
    return re.findall(r'<script src="([^"]+)"', page)


def test_fingerprinted_javascript_is_brotli_and_immutable(app):
    client = login(app.server.test_client(), "ministry")
    srcs = [s for s in scripts(client) if s.startswith("/_dash-component-suites/")]
    assert len(srcs) >= 8
    renderer = next(s for s in srcs if "dash_renderer" in s)
    plain = client.get(renderer, headers={"Accept-Encoding": "identity"})
    br = client.get(renderer, headers={"Accept-Encoding": "gzip, deflate, br"})
    assert "Content-Encoding" not in plain.headers and br.headers["Content-Encoding"] == "br"
    assert brotli.decompress(br.data) == plain.data and len(br.data) < len(plain.data) / 3
    assert br.headers["Cache-Control"] == IMMUTABLE and "Accept-Encoding" in br.headers["Vary"]
    again = client.get(renderer, headers={"Accept-Encoding": "br"})  # from the store of compressed files
    assert again.data == br.data
    # a page, and a callback's JSON, are compressed too and never cached
    page = client.get("/deadlines", headers={"Accept-Encoding": "gzip"})
    assert page.headers["Content-Encoding"] == "gzip" and page.headers["Cache-Control"] == "no-store"
    html = gzip.decompress(page.data).decode()
    # the CSP hashes the inline scripts of the page itself, not of its compressed bytes
    assert "'sha256-" in page.headers["Content-Security-Policy"] and "<script" in html
    answer = client.post("/_dash-update-component", headers={"Accept-Encoding": "br"}, content_type="application/json",
                         data=dash_requests.body(dash_requests.content("dl", {"as_of": "2025-06-10", "year": "2025"})))
    assert answer.status_code == 200 and answer.headers["Content-Encoding"] == "br"
    assert answer.headers["Cache-Control"] == "no-store" and "\"dl-grid\"" in brotli.decompress(answer.data).decode()


def test_plotly_is_the_basic_bundle_of_plotly_pys_version(app):
    client = login(app.server.test_client(), "ministry")
    got = client.get(PLOTLY_URL, headers={"Accept-Encoding": "br"})
    body = brotli.decompress(got.data).decode()
    assert got.status_code == 200 and got.headers["Content-Encoding"] == "br"
    assert f"plotly.js (basic - minified) v{get_plotlyjs_version()}" in body[:200]
    assert len(got.data) < 450_000  # the full bundle is 1.1 MB even at Brotli's best
    assert app.server.test_client().get(PLOTLY_URL).status_code == 401  # behind the login like every /_dash-*
