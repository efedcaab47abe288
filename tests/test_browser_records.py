"""The records & graduation page in a real browser: nation → province → city → school → cases, in Chinese,
then the same school in English."""

from __future__ import annotations

import pytest

from tests import fixture_records
from tests.apps import make_app
from tests.browser import click, click_row, download, open_page, wait_url

pytestmark = pytest.mark.browser
VIEW = "as_of=2026-10-20&year=2026"


def cell(grid: str, row: str, col: str) -> str:
    return f'#{grid} .ag-row[row-id="{row}"] .ag-cell[col-id="{col}"]'


def test_drill_to_a_schools_cases_in_both_languages(dash_duo, new_database, backend, tmp_path):
    app = make_app(new_database(backend), fixture_records.TABLES, tmp_path)
    open_page(dash_duo, app, "ministry", f"/records?{VIEW}")

    # nation: 广东 9 registered, 1 overdue, median 9.0; 6 graduates, 1 certified (16.7 %)
    dash_duo.wait_for_text_to_equal(cell("rg-grid", "44", "approval_overdue"), "1")
    assert dash_duo.find_element(cell("rg-grid", "44", "median_approval_workdays")).text == "9"
    assert dash_duo.find_element(cell("rgg-grid", "44", "pct_certified")).text == "16.7"
    dash_duo.wait_for_contains_text("#rg-convention", "监测口径")

    click_row(dash_duo, "rg-grid", "44")
    wait_url(dash_duo, "province=44")
    dash_duo.wait_for_text_to_equal(cell("rg-grid", "440100", "registered"), "8")
    click_row(dash_duo, "rgg-grid", "440100")   # the graduation table drills too
    wait_url(dash_duo, "city=440100")
    dash_duo.wait_for_text_to_equal(cell("rgg-grid", "1", "upload_overdue"), "1")
    click_row(dash_duo, "rg-grid", "1")
    wait_url(dash_duo, "school=1")

    # the school's cases, masked: r303 overdue since 18 May, g322 never uploaded
    dash_duo.wait_for_contains_text("#rg-record-cases-panel", "黄*石")
    records = dash_duo.find_element("#rg-record-cases-panel").text
    assert "2026-05-18" in records and "逾期未办" in records and "黄三石" not in records
    graduates = dash_duo.find_element("#rg-graduate-cases-panel").text
    assert "孔*二" in graduates and "逾期未上传" in graduates and "已审批无证书" in graduates
    body = download(dash_duo, dash_duo.find_element("#rgg-export-csv").get_attribute("href")).decode("utf-8-sig")
    assert "孔*二" in body and "孔二二" not in body

    click(dash_duo, dash_duo.find_element("#aw-lang"))
    wait_url(dash_duo, "lang=en")
    dash_duo.wait_for_contains_text("#rg-record-cases-panel", "Overdue")
    assert "Monitoring convention" in dash_duo.find_element("#rg-convention").text
    assert "Upload overdue" in dash_duo.find_element("#rg-graduate-cases-panel").text
