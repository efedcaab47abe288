"""The duplicate-alert page in a real browser: from an alert to its cases, filters, drill-down and export."""

from __future__ import annotations

import pytest

from tests import fixture_duplicates
from tests.apps import make_app
from tests.browser import click, click_row, download, open_page, settled, wait_url

pytestmark = pytest.mark.browser
VIEW = "as_of=2025-11-26&year=2025"


def test_province_supervisor_goes_from_an_alert_to_its_cases(dash_duo, new_database, backend, tmp_path):
    app = make_app(new_database(backend), fixture_duplicates.TABLES, tmp_path)
    open_page(dash_duo, app, "gd", f"/duplicates?{VIEW}")

    # 广东's alerts, most urgent first: 深圳 (2 overdue), 广州交通 (1 overdue), then 广州轻工's untouched batch
    dash_duo.wait_for_element("#dup-alerts .aw-alert")
    alerts = dash_duo.driver.find_elements("css selector", "#dup-alerts .aw-alert")
    assert [a.get_attribute("data-rule") for a in alerts] == ["overdue", "overdue", "untouched"]
    assert "深圳市高级技工学校" in alerts[0].text and "2 条比对结果超过 10 个工作日未办结" in alerts[0].text
    assert "南宁" not in dash_duo.find_element("#dup-content").text

    click(dash_duo, dash_duo.find_element("#dup-alert-3"))
    wait_url(dash_duo, "school=3")
    dash_duo.wait_for_contains_text("#aw-breadcrumb", "深圳市高级技工学校")
    # the school's two matches, both overdue, student masked
    dash_duo.wait_for_contains_text("#dup-cases", "周*")
    cases = dash_duo.find_element("#dup-cases").text
    assert cases.count("逾期未办结") == 2 and "周九" not in cases and "440106********0208" in cases
    assert "2025-10-16" in cases and "2025-11-10" in cases  # due days of the 26 Sep and 27 Oct pushes

    # the case export is the same masked list
    body = download(dash_duo, dash_duo.find_element("#dup-export-csv").get_attribute("href")).decode("utf-8-sig")
    assert body.splitlines()[1].startswith("2025-09,grant,2025A,周*,440106********0208,")
    assert "周九" not in body

    # the untouched-batch alert opens its school with that batch selected
    dash_duo.driver.back()
    wait_url(dash_duo, VIEW)
    click(dash_duo, dash_duo.wait_for_element("#dup-alert-2"))
    wait_url(dash_duo, "school=2&batch=2025-11")
    dash_duo.wait_for_contains_text("#dup-cases", "钱*")
    assert "赵*" not in dash_duo.find_element("#dup-cases").text  # 赵六's match is of batch 2025-09


def test_ministry_filters_and_drills(dash_duo, new_database, tmp_path):
    app = make_app(new_database("sqlite"), fixture_duplicates.TABLES, tmp_path)
    open_page(dash_duo, app, "ministry", f"/duplicates?{VIEW}")
    dash_duo.wait_for_text_to_equal('#dup-grid .ag-row[row-id="44"] .ag-cell[col-id="overdue"]', "3")
    assert dash_duo.find_element("#dup-total-matches").text == "18"

    click(dash_duo, dash_duo.find_element("#dup-kind-grant"))
    wait_url(dash_duo, "kind=grant")
    dash_duo.wait_for_text_to_equal('#dup-grid .ag-row[row-id="44"] .ag-cell[col-id="matches"]', "7")

    click_row(dash_duo, "dup-grid", "44")
    wait_url(dash_duo, "province=44")
    assert "kind=grant" in dash_duo.driver.current_url
    dash_duo.wait_for_element('#dup-grid .ag-row[row-id="440300"]')
    # bars, most overdue first: 广州市 (1 overdue grant, m4) and 深圳市 (1, m10), ties by open: 广州市 on top
    settled(dash_duo)
    dash_duo.click_at_coord_fractions("#dup-bars .bars .point:first-child path", 0.5, 0.5)
    wait_url(dash_duo, "city=440100")
    dash_duo.wait_for_element('#dup-grid .ag-row[row-id="1"]')

    dash_duo.driver.get(f"{dash_duo.server.url}/duplicates?{VIEW}")
    dash_duo.wait_for_element("#dup-tiles .scatterlayer .trace:last-child .point")
    # coloured tiles in tile order: 京 (11), 桂 (45), 粤 (44)
    settled(dash_duo)
    dash_duo.click_at_coord_fractions("#dup-tiles .scatterlayer .trace:last-child .point:nth-child(2)", 0.5, 0.5)
    wait_url(dash_duo, "province=45")
    dash_duo.wait_for_contains_text("#aw-breadcrumb", "广西壮族自治区")
