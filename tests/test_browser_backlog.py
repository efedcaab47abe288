"""The backlog page in a real browser: drill nation → province → city → school to a suspect's evidence."""

from __future__ import annotations

import pytest

from tests import fixture_backlog
from tests.apps import make_app
from tests.browser import click_row, download, open_page, wait_url

pytestmark = pytest.mark.browser
VIEW = "as_of=2025-10-20&year=2025"


def cell(grid: str, row: str, col: str) -> str:
    return f'#{grid} .ag-row[row-id="{row}"] .ag-cell[col-id="{col}"]'


def test_drill_to_a_suspects_evidence(dash_duo, new_database, backend, tmp_path):
    app = make_app(new_database(backend), fixture_backlog.TABLES, tmp_path)
    open_page(dash_duo, app, "ministry", f"/backlog?{VIEW}")

    # nation: 广东 has c6 unrecorded and overdue, c2 awaiting approval past its due day, three suspects
    dash_duo.wait_for_text_to_equal(cell("bl-grid", "44", "unrecorded_overdue"), "1")
    assert dash_duo.find_element(cell("bl-grid", "44", "overdue_approval")).text == "1"
    assert dash_duo.find_element(cell("bl-grid", "44", "phantom_suspects")).text == "3"
    # the two duties side by side: schools 1 + 0 overdue recordings, province 1 + 2 overdue approvals
    dash_duo.wait_for_contains_text("#bl-card-overdue_approval", "3")

    click_row(dash_duo, "bl-grid", "44")
    wait_url(dash_duo, "province=44")
    dash_duo.wait_for_text_to_equal(cell("bl-grid", "440100", "phantom_suspects"), "3")
    click_row(dash_duo, "bl-grid", "440100")
    wait_url(dash_duo, "city=440100")
    dash_duo.wait_for_text_to_equal(cell("bl-grid", "2", "phantom_suspects"), "2")
    click_row(dash_duo, "bl-grid", "2")
    wait_url(dash_duo, "school=2")

    # the suspect's evidence: suspended on 1 Mar 2023 with no resumption (rule 2), masked
    dash_duo.wait_for_contains_text("#bl-suspects", "宋*国")
    suspects = dash_duo.find_element("#bl-suspects").text
    assert "规则二：休学两年以上未复学" in suspects and "2023-03-01" in suspects
    assert "规则三：超出学制一年以上" in suspects and "2024-09-01" in suspects  # 208: expected end 1 Sep 2024
    assert "宋建国" not in suspects and "440106200801017777" not in suspects
    # the school's change c7: recorded in time, awaiting approval due 23 Oct
    cases = dash_duo.find_element("#bl-cases").text
    assert "2025-10-23" in cases and "待审批" in cases

    body = download(dash_duo, dash_duo.find_element("#bl-export-csv").get_attribute("href")).decode("utf-8-sig")
    assert "宋*国" in body and "宋建国" not in body


def test_clicking_a_tile_drills_down(dash_duo, new_database, tmp_path):
    app = make_app(new_database("sqlite"), fixture_backlog.TABLES, tmp_path)
    open_page(dash_duo, app, "ministry", f"/backlog?{VIEW}")
    # the coloured tiles are the second trace, in tile order: 桂 (45), then 粤 (44)
    dash_duo.wait_for_element("#bl-tiles .scatterlayer .trace:last-child .point")
    dash_duo.click_at_coord_fractions("#bl-tiles .scatterlayer .trace:last-child .point:nth-child(1)", 0.5, 0.5)
    wait_url(dash_duo, "province=45")
    dash_duo.wait_for_contains_text("#aw-breadcrumb", "广西壮族自治区")
