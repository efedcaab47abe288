"""Accessibility in a real browser: axe-core (WCAG 2.1 A/AA) on every page, both languages, desktop and phone.

One browser session walks every page of a small demo registry (so every kind of block is drawn: tile maps,
bars, grids, badges, case lists, the briefing) at 1440 px and at 390 px, in Chinese and in English, and
axe-core (tests/vendor/axe-core) must find nothing "serious" or "critical" on any of them; each page also
carries its language on ``<html>``, its own title in that language and exactly one ``h1``, and never scrolls
sideways; on the phone the folded menu opens from the keyboard.
"""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa
from selenium.webdriver.common.keys import Keys

from aidwatch.demo import generate_registry
from tests.apps import make_app
from tests.browser import axe_violations, keys, log_in, serve, settled, tab_to, viewport

pytestmark = pytest.mark.browser
WIDTHS = {"desktop": (1440, 1000), "phone": (390, 844)}
VIEW = "as_of=2025-06-10&year=2025"
HTML_LANG = {"zh": "zh-CN", "en": "en"}
PRODUCT = {"zh": "技工院校学生资助监测看板", "en": "Student aid monitor"}
TITLES = {"briefing": {"zh": "工作简报", "en": "Briefing"},
          "deadlines": {"zh": "时间节点进度", "en": "Deadline progress"},
          "rollout": {"zh": "扩围提标落实", "en": "Expansion rollout"},
          "duplicates": {"zh": "重复资助预警", "en": "Duplicate-aid alerts"},
          "backlog": {"zh": "学籍异动积压", "en": "Status-change backlog"},
          "records": {"zh": "学籍与毕业", "en": "Records & graduation"},
          "inspections": {"zh": "检查重点", "en": "Inspection priorities"},
          "school": {"zh": "学校档案", "en": "School profile"},
          "quality": {"zh": "数据质量", "en": "Data quality"},
          "subscriptions": {"zh": "订阅", "en": "Subscriptions"},
          "supervision": {"zh": "督办", "en": "Supervision"}}


def a_school(url: str) -> str:
    """``province, city, school`` of the demo school with the most students: a deep view with cases."""
    engine = sa.create_engine(url)
    with engine.connect() as conn:
        row = conn.execute(sa.text(
            "SELECT s.province_code, s.city_code, s.id FROM school s JOIN student st ON st.school_id = s.id "
            "GROUP BY s.province_code, s.city_code, s.id ORDER BY count(*) DESC, s.id LIMIT 1")).one()
    engine.dispose()
    return f"province={row[0]}&city={row[1]}&school={row[2]}"


def demo_app(tmp_path):
    """A dashboard over a small demo registry (every kind of block is drawn), and its largest school's view."""
    url = f"sqlite:///{tmp_path / 'registry.sqlite'}"
    generate_registry(url, scale=0.001, seed=2025, until=dt.date(2026, 11, 26), progress=False)
    return make_app(url, {}, tmp_path), a_school(url)


def page_paths(school: str) -> list[str]:
    return [f"/briefing?{VIEW}", f"/deadlines?{VIEW}", f"/deadlines?{VIEW}&{school}", f"/rollout?{VIEW}",
            f"/duplicates?{VIEW}", f"/backlog?{VIEW}", f"/records?{VIEW}", f"/records?{VIEW}&{school}",
            f"/inspections?{VIEW}", f"/school?{VIEW}&{school}", f"/quality?{VIEW}", f"/subscriptions?{VIEW}",
            f"/supervision?{VIEW}", f"/supervision?{VIEW}&{school}"]


def drawn(dash_duo) -> None:
    """Wait until the page's content callback has filled the page (or put a message in it)."""
    dash_duo.wait_for_element(".aw-content > *, #aw-message", timeout=20)
    settled(dash_duo, timeout=20)


def test_axe_finds_nothing_serious_on_any_page(dash_duo, tmp_path):
    app, school = demo_app(tmp_path)
    paths = page_paths(school)
    serve(dash_duo, app)
    found = {}
    driver = dash_duo.driver
    for width, size in WIDTHS.items():
        viewport(dash_duo, *size)
        driver.get(dash_duo.server.url + "/login")
        found[f"{width} /login"] = axe_violations(dash_duo)
    log_in(dash_duo, "ministry")
    for width, size in WIDTHS.items():
        viewport(dash_duo, *size)
        for path in paths:
            for lang in ("zh", "en"):
                driver.get(dash_duo.server.url + path + ("&lang=en" if lang == "en" else ""))
                drawn(dash_duo)
                where = f"{width} {lang} {path}"
                found[where] = axe_violations(dash_duo)
                # the page's language on <html>, its own title in that language, one h1
                page = path.split("?")[0].strip("/")
                assert driver.execute_script("return document.documentElement.lang") == HTML_LANG[lang], where
                assert driver.title == f"{TITLES[page][lang]} · {PRODUCT[lang]}", (where, driver.title)
                assert len(driver.find_elements("css selector", "h1")) == 1, where
                # nothing makes the page itself scroll sideways (wide tables and charts scroll inside themselves)
                assert driver.execute_script(
                    "return document.documentElement.scrollWidth <= window.innerWidth"), (where, "scrolls sideways")
    # still on a phone: the folded menu opens from the keyboard, says so, and passes axe open too
    assert not driver.find_element("css selector", ".aw-nav").is_displayed()
    tab_to(dash_duo, "#aw-menu-button")
    keys(dash_duo, Keys.ENTER)
    dash_duo.wait_for_element(".aw-menu-open .aw-nav")
    assert driver.find_element("css selector", ".aw-nav").is_displayed()
    assert driver.find_element("css selector", "#aw-menu-button").get_attribute("aria-expanded") == "true"
    found["phone menu open"] = axe_violations(dash_duo)
    bad = {where: v for where, v in found.items() if v}
    assert not bad, "\n".join(f"{where}: {v}" for where, v in bad.items())
