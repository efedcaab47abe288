"""Inspection priorities in a real browser: from the ranking to a school profile and on to its cases."""

from __future__ import annotations

import pytest

from tests import fixture_inspections
from tests.apps import make_app
from tests.browser import click, download, open_page, wait_url

pytestmark = pytest.mark.browser
VIEW = "as_of=2025-11-26&year=2025"


def test_supervisor_goes_from_the_ranking_to_a_profile_and_its_cases(dash_duo, new_database, backend, tmp_path):
    app = make_app(new_database(backend), fixture_inspections.TABLES, tmp_path)
    open_page(dash_duo, app, "gd", f"/inspections?{VIEW}")

    # ranked by score (tests/test_inspections.py): 甲 41.0, 丙 16.4, 乙 7.5
    dash_duo.wait_for_element("#insp-rank-table")
    rows = dash_duo.driver.find_elements("css selector", "#insp-rank-table tbody tr")
    assert [r.get_attribute("id") for r in rows] == ["insp-row-1", "insp-row-3", "insp-row-2"]
    assert "41.0" in rows[0].text and "本年度尚未检查 (+16.0)" in rows[0].text
    dash_duo.wait_for_contains_text("#insp-pace", "25 个工作日")
    assert dash_duo.find_element("#insp-card-coverage_pct").text.endswith("33.3%")

    # the plan export is the same ranking
    body = download(dash_duo, dash_duo.find_element("#insp-plan-xlsx").get_attribute("href").replace(".xlsx", ".csv"))
    assert body.decode("utf-8-sig").splitlines()[1].startswith("4401001,甲技师学院,1,0,0.0,0,41.0,")

    # a school → its profile
    click(dash_duo, dash_duo.find_element("#insp-school-2"))
    wait_url(dash_duo, "/school?")
    dash_duo.wait_for_text_to_equal("#sch-name", "乙技工学校")
    assert dash_duo.find_element("#sch-score").text == "7.5"
    assert "2" in dash_duo.find_element("#sch-signal-changes_late").text

    # the profile → the school's status-change cases
    click(dash_duo, dash_duo.find_element("#sch-cases-backlog"))
    wait_url(dash_duo, "/backlog?")
    assert "school=2" in dash_duo.driver.current_url
    dash_duo.wait_for_contains_text("#bl-cases", "李*")
    # and back to the profile from the breadcrumb
    click(dash_duo, dash_duo.wait_for_element("#aw-crumb-profile"))
    wait_url(dash_duo, "/school?")
    dash_duo.wait_for_text_to_equal("#sch-name", "乙技工学校")

    # a reason goes straight to its cases: 丙's phantom suspect
    dash_duo.driver.get(f"{dash_duo.server.url}/inspections?{VIEW}")
    click(dash_duo, dash_duo.wait_for_element("#insp-row-3 a[id^=insp-reason-3-phantom]"))
    wait_url(dash_duo, "/backlog?")
    dash_duo.wait_for_contains_text("#bl-suspects", "钱*")


def test_ministry_drills_coverage(dash_duo, new_database, tmp_path):
    app = make_app(new_database("sqlite"), fixture_inspections.TABLES, tmp_path)
    open_page(dash_duo, app, "ministry", f"/inspections?{VIEW}")
    dash_duo.wait_for_text_to_equal('#insp-grid .ag-row[row-id="44"] .ag-cell[col-id="coverage_pct"]', "33.3")
    dash_duo.wait_for_element("#insp-rank-nation")
    click(dash_duo, dash_duo.find_element('#insp-grid .ag-row[row-id="44"] .ag-cell[col-id="name"]'))
    wait_url(dash_duo, "province=44")
    dash_duo.wait_for_element("#insp-rank-table")
