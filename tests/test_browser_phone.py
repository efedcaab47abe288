"""No page is wider than a phone: every page of the menu, the school profile and a province's views, at 360 and
390 px, in Chinese and in English.

A phone's browser zooms a page that is too wide out until it fits, which makes ``innerWidth`` itself grow;
so the check is both that the window is still the phone's width and that the document is no wider than it
(wide tables and charts scroll inside their own boxes, the briefing's headline table restacks).
"""

from __future__ import annotations

import pytest

from dashboard.components.frame import NAV
from tests.browser import log_in, serve, viewport
from tests.test_browser_a11y import VIEW, demo_app, drawn

pytestmark = pytest.mark.browser
#: the pages that go below a province (the briefing stops there; subscriptions has no region)
DRILLED = ("/deadlines", "/rollout", "/duplicates", "/backlog", "/records", "/inspections", "/quality")


def phone_paths(school: str) -> list[str]:
    province = school.split("&")[0]
    return [*(f"{path}?{VIEW}" for path, _ in NAV), f"/school?{VIEW}&{school}", f"/briefing?{VIEW}&{province}",
            *(f"{path}?{VIEW}&{province}" for path in DRILLED), *(f"{path}?{VIEW}&{school}" for path in DRILLED)]


def test_no_page_is_wider_than_a_phone(dash_duo, tmp_path):
    app, school = demo_app(tmp_path)
    paths = phone_paths(school)
    serve(dash_duo, app)
    log_in(dash_duo, "ministry")
    driver, wide = dash_duo.driver, {}
    for width in (360, 390):
        viewport(dash_duo, width, 800)
        for path in paths:
            for lang in ("zh", "en"):
                driver.get(dash_duo.server.url + path + f"&lang={lang}")
                drawn(dash_duo)
                inner, scroll = driver.execute_script(
                    "return [window.innerWidth, document.documentElement.scrollWidth]")
                if inner != width or scroll > inner:
                    wide[f"{width} {lang} {path}"] = (inner, scroll)
                if path.startswith("/briefing"):  # restacked: it does not even scroll inside its own box
                    table = driver.execute_script(
                        "const t = document.querySelector('#br-headlines');"
                        "return [t.getBoundingClientRect().width, t.parentElement.clientWidth]")
                    if table[0] > table[1]:
                        wide[f"{width} {lang} {path} #br-headlines"] = table
    assert not wide, wide
