"""The funding-gap page in a real browser: the nation's sentence and regions, a drill to 广东, then the same
view in English."""

from __future__ import annotations

import pytest

from tests import fixture_funding
from tests.apps import make_app
from tests.browser import click, click_row, download, open_page, wait_url

pytestmark = pytest.mark.browser
VIEW = "as_of=2026-04-15&year=2026"


def cell(grid: str, row: str, col: str) -> str:
    return f'#{grid} .ag-row[row-id="{row}"] .ag-cell[col-id="{col}"]'


def test_draw_and_drill_in_both_languages(dash_duo, new_database, backend, tmp_path):
    app = make_app(new_database(backend), fixture_funding.TABLES, tmp_path)
    open_page(dash_duo, app, "ministry", f"/funding?{VIEW}")

    # the nation: 广东's gap is the largest, 8 students, ¥8,000 (upper bound); 北京 cannot be priced
    dash_duo.wait_for_text_to_equal(cell("fds-grid", "44", "gap_yuan"), "8,000")
    assert dash_duo.find_element(cell("fds-grid", "11", "gap_yuan")).text == "—"
    assert "估算缺口最大的是广东省" in dash_duo.find_element("#fd-summary").text
    assert "上限" in dash_duo.find_element("#fd-convention").text
    assert dash_duo.find_element("#fds-bars") is not None and dash_duo.find_element("#fds-tiles") is not None

    click_row(dash_duo, "fds-grid", "44")
    wait_url(dash_duo, "province=44")
    # 广州: schools 1 (2 + 2) and 2 (a surplus, 0 + 2): 6 students in the gap, 深圳 2
    dash_duo.wait_for_text_to_equal(cell("fds-grid", "440100", "gap_students"), "6")
    assert dash_duo.find_element(cell("fds-grid", "440100", "undeclared")).text == "2"
    body = download(dash_duo, dash_duo.find_element("#fd-export-csv").get_attribute("href")).decode("utf-8-sig")
    assert body.splitlines()[1].startswith("2026S,440100,广州市,6,5,1,2,4,6,4375.01,1000.00,6000")

    click(dash_duo, dash_duo.find_element("#aw-lang"))
    wait_url(dash_duo, "lang=en")
    dash_duo.wait_for_contains_text("#fd-summary", "largest estimated gap")
    assert "upper bound" in dash_duo.find_element("#fd-convention").text
    assert "Guangzhou" in dash_duo.find_element("#fds-grid").text
