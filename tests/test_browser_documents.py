"""The Word documents' buttons in a real browser, by keyboard: the rollout page's draft report (a province's
view, and each province's row of the ministry's matrix) and the briefing's Word link beside its PDF."""

from __future__ import annotations

import io

import docx
import pytest

from tests import fixture_briefing, fixture_rollout
from tests.apps import make_app
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import WebDriverWait

from tests.browser import arrow_to_row, download, focused, keys, open_page, tab_to, wait_url

pytestmark = pytest.mark.browser
VIEW = "as_of=2025-06-10&year=2025"


def test_report_buttons_by_keyboard(dash_duo, new_database, tmp_path):
    app = make_app(new_database("sqlite"), fixture_rollout.TABLES, tmp_path)
    open_page(dash_duo, app, "ministry", f"/rollout?{VIEW}")
    # the ministry: a link in each province's row, which downloads rather than drills
    link = f'#ro-grid .ag-row[row-id="45"] .ag-cell[col-id="report_link"] a'
    dash_duo.wait_for_element(link)
    href = dash_duo.find_element(link).get_attribute("href")
    assert href.endswith(f"/export/rollout-report.docx?{VIEW}&province=45")
    doc = docx.Document(io.BytesIO(download(dash_duo, href)))
    assert doc.paragraphs[0].text.startswith("广西壮族自治区关于")
    # by keyboard: into the grid, down to 广西's row, right to its link, Enter downloads (and does not drill)
    dash_duo.driver.execute_script("window.aidwatchDownload = function (h) { window.downloaded = h; };")
    tab_to(dash_duo, "#ro-grid .ag-cell")
    arrow_to_row(dash_duo, "ro-grid", "45")
    report_cell = '#ro-grid .ag-cell[col-id="report_link"]'
    for _ in range(20):
        if focused(dash_duo, report_cell):
            break
        keys(dash_duo, Keys.ARROW_RIGHT)
    assert focused(dash_duo, report_cell)
    keys(dash_duo, Keys.ENTER)
    WebDriverWait(dash_duo.driver, 5).until(lambda d: href.endswith(d.execute_script("return window.downloaded")
                                                                     or "nothing"))
    assert "province=45" not in dash_duo.driver.current_url
    # a province's view: the button beside its exports, reached with Tab
    base = dash_duo.driver.current_url.split("/rollout")[0]
    dash_duo.driver.get(base + f"/rollout?{VIEW}&province=44")
    dash_duo.wait_for_text_to_equal("#ro-export-report", "起草落实情况报告")
    tab_to(dash_duo, "#ro-export-report")
    href = dash_duo.find_element("#ro-export-report").get_attribute("href")
    assert href.endswith(f"/export/rollout-report.docx?{VIEW}&province=44")
    assert docx.Document(io.BytesIO(download(dash_duo, href))).paragraphs[0].text.startswith("广东省关于")
    wait_url(dash_duo, "province=44")


def test_briefing_word_link_by_keyboard(dash_duo, new_database, tmp_path):
    app = make_app(new_database("sqlite"), fixture_briefing.TABLES, tmp_path)
    open_page(dash_duo, app, "leader", f"/briefing?{VIEW}&lang=en")
    dash_duo.wait_for_text_to_equal("#br-export-docx", "Download Word")
    tab_to(dash_duo, "#br-export-docx")
    href = dash_duo.find_element("#br-export-docx").get_attribute("href")
    assert "/export/briefing.docx?" in href and href.endswith("lang=en")
    assert docx.Document(io.BytesIO(download(dash_duo, href))).paragraphs[0].text == "Student aid briefing: Nation"
