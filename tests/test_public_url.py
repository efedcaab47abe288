"""Absolute links in exports take their base from ``AIDWATCH_PUBLIC_URL``, never from the request's Host header.

A forged ``Host: evil.example`` once put ``http://evil.example/…`` links into the briefing CSV and PDF that
leadership forwards.
"""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader

from aidwatch.config import DEMO_PUBLIC_URL, from_env, public_url
from tests import fixture_briefing
from tests.apps import login, make_app

VIEW = "as_of=2025-06-10&year=2025"
PUBLIC = "https://aidwatch.example.gov.cn/dash"
EVIL = {"Host": "evil.example"}


def forging(client):
    """``client``, whose session cookie it will now also send to requests naming evil.example as their Host."""
    client.set_cookie("session", client.get_cookie("session").value, domain="evil.example")
    return client


def csv_links(client) -> list[str]:
    response = client.get(f"/export/briefing.csv?{VIEW}", headers=EVIL)
    assert response.status_code == 200
    text = response.data.decode("utf-8-sig")
    assert "evil.example" not in text
    header, *rows = text.splitlines()
    column = header.split(",").index("link")
    return [row.split(",")[column] for row in rows if row.split(",")[column]]


def pdf_links(client) -> list[str]:
    response = client.get(f"/export/briefing.pdf?{VIEW}", headers=EVIL)
    assert response.status_code == 200 and b"evil.example" not in response.data
    reader = PdfReader(io.BytesIO(response.data))
    return [annot.get_object()["/A"]["/URI"] for page in reader.pages for annot in page.get("/Annots", [])
            if "/URI" in annot.get_object().get("/A", {})]


@pytest.mark.parametrize("configured,base", [(PUBLIC + "/", PUBLIC), (None, "")])
def test_export_links_ignore_a_forged_host_header(new_database, tmp_path, configured, base):
    """On SQLite only: the links are written after the queries, whichever database answered them."""
    app = make_app(new_database("sqlite"), fixture_briefing.TABLES, tmp_path, PUBLIC_URL=configured)
    client = forging(login(app.server.test_client(), "leader"))
    links = csv_links(client)
    assert f"{base}/deadlines?as_of=2025-06-10&year=2025&deadline=spring_aid_approval" in links
    assert all(link.startswith(base + "/") and not link.startswith("//") for link in links)
    links = pdf_links(client)
    assert links and all(link.startswith(base + "/") and not link.startswith("//") for link in links), links


def test_public_url_setting():
    assert from_env({"AIDWATCH_PUBLIC_URL": PUBLIC})["PUBLIC_URL"] == PUBLIC
    assert public_url(from_env({"AIDWATCH_DEMO": "1"})) == DEMO_PUBLIC_URL == "http://127.0.0.1:8050"
    assert public_url(from_env({})) == ""  # unset outside the demo: same-site paths
    assert public_url({"PUBLIC_URL": " https://a.example/x/ "}) == "https://a.example/x"
    for bad in ("aidwatch.example.gov.cn", "javascript:alert(1)", "//evil.example", "https://a.example/?x=1",
                "https://user:pw@a.example", "ftp://a.example"):
        with pytest.raises(ValueError, match="AIDWATCH_PUBLIC_URL"):
            public_url({"PUBLIC_URL": bad})
