"""The deadline page by keyboard alone: log in, change the date, drill nation → province → city → school →
cases and back up, with Tab, arrows and Enter only (no element is clicked)."""

from __future__ import annotations

import pytest
from selenium.webdriver.common.keys import Keys

from tests import fixture_deadlines
from tests.apps import PASSWORD, make_app
from tests.browser import arrow_to_row, focused, keys, serve, tab_to, wait_url

pytestmark = pytest.mark.browser
VIEW = "as_of=2025-05-20&year=2025&deadline=spring_registration"


def drill(dash_duo, row_id: str) -> None:
    """From ``main`` (where the focus is after every navigation), Tab into the region grid, arrow down to
    the row and press Enter. One Tab more would leave the grid: Tab never walks its cells."""
    tab_to(dash_duo, "#dl-grid .ag-cell")
    arrow_to_row(dash_duo, "dl-grid", row_id)
    keys(dash_duo, Keys.ENTER)


def arrived(dash_duo, fragment: str, crumb: str) -> None:
    """The new view is drawn, the focus is on ``main`` and the page was announced."""
    wait_url(dash_duo, fragment)
    dash_duo.wait_for_contains_text("#aw-breadcrumb", crumb)
    dash_duo.wait_for_element(".aw-content > *")
    dash_duo.wait_for_text_to_equal("#aw-announce", "时间节点进度 · 技工院校学生资助监测看板")
    assert focused(dash_duo, "#aw-main")


def test_log_in_change_the_date_drill_down_and_back_by_keyboard(dash_duo, new_database, tmp_path):
    app = make_app(new_database("sqlite"), fixture_deadlines.TABLES, tmp_path)
    serve(dash_duo, app)
    driver = dash_duo.driver
    driver.set_window_size(1400, 1000)
    driver.get(dash_duo.server.url + f"/login?next=/deadlines?{VIEW.replace('&', '%26')}")
    dash_duo.wait_for_element("#username")
    assert focused(dash_duo, "#username")  # autofocus
    keys(dash_duo, "ministry", Keys.TAB, PASSWORD, Keys.ENTER)
    dash_duo.wait_for_text_to_equal('#dl-grid .ag-row[row-id="44"] .ag-cell[col-id="done"]', "5")

    # the as-of date: Tab to the view bar's date field, type a day, confirm with Enter
    tab_to(dash_duo, "#view-asof")
    keys(dash_duo, "05272025")
    assert "as_of=2025-05-20" in driver.current_url  # typing alone applies nothing
    keys(dash_duo, Keys.ENTER)
    arrived(dash_duo, "as_of=2025-05-27", "全国")

    # the 3-row grid is crossed with one Tab, and Shift+Tab comes back into it
    tab_to(dash_duo, "#dl-grid .ag-cell")
    keys(dash_duo, Keys.TAB)
    assert not focused(dash_duo, "#dl-grid *")
    tab_to(dash_duo, "#dl-grid .ag-cell", back=True, limit=1)
    # the region names are links to their drill-down
    assert dash_duo.find_element('#dl-grid .ag-row[row-id="44"] .ag-cell[col-id="name"] a').get_attribute(
        "href").endswith("/deadlines?as_of=2025-05-27&year=2025&province=44&deadline=spring_registration")

    # nation → 广东 → 广州 → school 1 → its cases
    arrow_to_row(dash_duo, "dl-grid", "44")
    keys(dash_duo, Keys.ENTER)
    arrived(dash_duo, "province=44", "广东省")
    drill(dash_duo, "440100")
    arrived(dash_duo, "city=440100", "广州市")
    drill(dash_duo, "1")
    arrived(dash_duo, "school=1", "广州市交通技师学院")
    dash_duo.wait_for_contains_text("#dl-cases", "王*")

    # and back up through the breadcrumb, by keyboard
    tab_to(dash_duo, "#aw-breadcrumb a[href*='province=44']:not([href*='city='])", back=True)
    keys(dash_duo, Keys.ENTER)
    arrived(dash_duo, "province=44", "广东省")
    assert "city=" not in driver.current_url and "as_of=2025-05-27" in driver.current_url
