"""The rollout page in a real browser: the matrix and tracker, drill nation → province → city → school via
grid rows, a bar and a tile, the masked case list, language switch and export."""

from __future__ import annotations

import pytest

from tests import fixture_rollout
from tests.apps import make_app
from tests.browser import click, click_row, download, open_page, wait_url

pytestmark = pytest.mark.browser
VIEW = "as_of=2025-06-10&year=2025"


def cell(grid, row, col):
    return f'#{grid} .ag-row[row-id="{row}"] .ag-cell[col-id="{col}"]'


def test_matrix_tracker_drill_cases_language_export(dash_duo, new_database, backend, tmp_path):
    app = make_app(new_database(backend), fixture_rollout.TABLES, tmp_path)
    open_page(dash_duo, app, "ministry", f"/rollout?{VIEW}")

    # 广东: all six steps; 广西: report 9 June, one working day late; 北京: missing, two working days overdue
    dash_duo.wait_for_text_to_equal(cell("ro-grid", "44", "steps_done"), "6")
    assert dash_duo.find_element(cell("ro-grid", "45", "report_text")).text == "2025-06-09 · 晚1个工作日"
    assert "未报送" in dash_duo.find_element(cell("ro-grid", "11", "report_text")).text
    style = dash_duo.find_element(cell("ro-grid", "11", "policy_text")).get_attribute("style")
    assert "rgb(248, 208, 211)" in style  # red
    assert "广西壮族自治区" in dash_duo.find_element("#ro-tracker-late").text
    assert "北京市" in dash_duo.find_element("#ro-tracker-missing").text

    click_row(dash_duo, "ro-grid", "44")
    wait_url(dash_duo, "province=44")
    dash_duo.wait_for_text_to_equal(cell("ro-grid", "440100", "grant_recipients"), "3")
    assert dash_duo.find_element(cell("ro-grid", "440100", "avg_grant_yuan_per_year")).text == "2,200"
    click_row(dash_duo, "ro-grid", "440100")
    wait_url(dash_duo, "city=440100")
    click_row(dash_duo, "ro-grid", "1")
    wait_url(dash_duo, "school=1")
    dash_duo.wait_for_contains_text("#ro-cases", "周*")
    cases = dash_duo.find_element("#ro-cases").text
    assert "申报被退回" in cases and "待审批" in cases and "未申报" in cases
    assert "周九" not in cases and "440106200808088901" not in cases

    click(dash_duo, dash_duo.find_element("#aw-lang"))
    wait_url(dash_duo, "lang=en")
    dash_duo.wait_for_contains_text("#ro-cases", "awaiting approval")
    body = download(dash_duo, dash_duo.find_element("#ro-export-csv").get_attribute("href")).decode("utf-8-sig")
    assert body.splitlines()[1] == "周*,440106********8901,dibao,2023A,2023-09-01,2025-05-05,,rejected"


def test_clicking_a_bar_and_a_tile_drills_down(dash_duo, new_database, tmp_path):
    app = make_app(new_database("sqlite"), fixture_rollout.TABLES, tmp_path)
    open_page(dash_duo, app, "ministry", f"/rollout?{VIEW}")
    dash_duo.wait_for_element("#ro-bars .bars")
    # lowest average first: 北京 (none), 广西 2067, then 天津 and 广东 at 2300 (by name): 广东 is last
    dash_duo.click_at_coord_fractions("#ro-bars .bars .point:last-child path", 0.5, 0.5)
    wait_url(dash_duo, "province=44")
    dash_duo.wait_for_contains_text("#aw-breadcrumb", "广东省")
    dash_duo.driver.back()
    wait_url(dash_duo, VIEW)
    # coloured tiles are the second trace in tile order: 京 (11), 津 (12), 桂 (45), 粤 (44)
    dash_duo.wait_for_element("#ro-tiles .scatterlayer .trace:last-child .point")
    dash_duo.click_at_coord_fractions("#ro-tiles .scatterlayer .trace:last-child .point:nth-child(3)", 0.5, 0.5)
    wait_url(dash_duo, "province=45")
    dash_duo.wait_for_contains_text("#aw-breadcrumb", "广西壮族自治区")
