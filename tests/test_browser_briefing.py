"""The briefing in a real browser, for each role within its scope: leadership lands on it at "/", its numbers
link to their pages, a tile opens the deadline page; a province supervisor sees only their province; the
ministry keeps the deadline page at "/"."""

from __future__ import annotations

import pytest

from tests import fixture_briefing
from tests.apps import make_app
from tests.browser import download, log_in, log_out, open_page, settled, wait_url
from tests.test_briefing import GD_ZH, NATION_EN, NATION_ZH

pytestmark = pytest.mark.browser


def sentences(dash_duo) -> list[str]:
    return [li.text for li in dash_duo.find_elements("#br-sentences li")]


def relog(dash_duo, username: str, path: str) -> None:
    log_out(dash_duo)
    log_in(dash_duo, username)
    dash_duo.driver.get(dash_duo.server.url + path)


def test_briefing_for_each_role(dash_duo, new_database, backend, tmp_path):
    app = make_app(new_database(backend), fixture_briefing.TABLES, tmp_path)

    # leadership: "/" is the briefing, as of the snapshot (10 June 2025)
    open_page(dash_duo, app, "leader", "/")
    dash_duo.wait_for_text_to_equal("#br-title", "全国技工院校学生资助工作简报")
    assert sentences(dash_duo) == NATION_ZH
    assert dash_duo.find_element(".aw-nav-link.active").text == "工作简报"
    value = dash_duo.find_element("#br-approvals-spring_aid_approval")
    assert value.text == "80.0%"
    assert value.get_attribute("href").endswith("/deadlines?as_of=2025-06-10&year=2025&deadline=spring_aid_approval")
    month = dash_duo.find_element("#br-approvals-spring_aid_approval-month")
    assert month.text == "+5.0" and month.get_attribute("href").endswith(
        "/deadlines?as_of=2025-05-11&year=2025&deadline=spring_aid_approval")
    assert dash_duo.find_element("#br-inspections-coverage_pct").text == "30.0%"
    assert "广东省" in dash_duo.find_element("#br-laggards-spring_aid_approval").text
    dash_duo.wait_for_element("#br-tiles .js-plotly-plot")
    assert "数据截至 2025-06-10 18:00" in dash_duo.find_element("#br-footer").text

    # a tile opens the deadline page one level down, on the map's deadline (the written report)
    settled(dash_duo)
    # the second trace holds the provinces with a value, in tile order: 北京 (11) first
    dash_duo.click_at_coord_fractions("#br-tiles .scatterlayer .trace:last-child .point:nth-child(1)", 0.5, 0.5)
    wait_url(dash_duo, "/deadlines?")
    url = dash_duo.driver.current_url
    assert "province=11" in url and url.endswith("&deadline=rollout_report")
    dash_duo.wait_for_element("#dl-card-rollout_report.aw-card-link, #dl-card-rollout_report")

    # English, and the Print / download buttons carry the view
    dash_duo.driver.get(dash_duo.server.url + "/briefing?lang=en")
    dash_duo.wait_for_text_to_equal("#br-title", "Student aid briefing: Nation")
    assert sentences(dash_duo) == NATION_EN
    href = dash_duo.find_element("#br-export-pdf").get_attribute("href")
    assert "/export/briefing.pdf?" in href and href.endswith("lang=en")
    assert download(dash_duo, href)[:5] == b"%PDF-"

    # a province supervisor: their province only, its cities as bars
    relog(dash_duo, "gd", "/briefing")
    dash_duo.wait_for_text_to_equal("#br-title", "广东省技工院校学生资助工作简报")
    assert sentences(dash_duo) == GD_ZH
    text = dash_duo.find_element("#br-content").text
    assert "北京市" not in text and "广西" not in text
    dash_duo.wait_for_element("#br-bars .js-plotly-plot")
    assert "广州市" in dash_duo.find_element("#br-laggards-spring_aid_approval").text

    # the ministry keeps the deadline page as its landing page
    relog(dash_duo, "ministry", "/")
    dash_duo.wait_for_element("#dl-timeline")
    assert dash_duo.find_element(".aw-nav-link.active").text == "时间节点进度"
