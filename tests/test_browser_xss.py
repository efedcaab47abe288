"""In a real browser, a school or city named with markup shows that markup as text and runs nothing.

A school named as a link shows on the chart's axis as the text it is: no
``<a>`` to its address anywhere in the page's SVG. Also: the page works under
the Content-Security-Policy — the browser reports
no violation while it renders the grid, the charts and the breadcrumb.
"""

from __future__ import annotations

import pytest
from selenium.common.exceptions import NoAlertPresentException
from selenium.webdriver.common.by import By

from tests import fixture_xss
from tests.apps import make_app
from tests.browser import click_row, open_page, wait_url

pytestmark = pytest.mark.browser


def test_markup_in_registry_names_is_shown_as_text(dash_duo, new_database, backend, tmp_path):
    app = make_app(new_database(backend), fixture_xss.TABLES, tmp_path)
    open_page(dash_duo, app, "ministry",
              "/deadlines?as_of=2025-05-20&year=2025&province=44&city=440100&deadline=spring_registration")
    dash_duo.wait_for_contains_text('#dl-grid .ag-row[row-id="1"] .ag-cell[col-id="name"]', fixture_xss.IMG)
    dash_duo.wait_for_contains_text("#aw-breadcrumb", fixture_xss.CITY)
    dash_duo.wait_for_element("#dl-bars .bars")
    driver = dash_duo.driver
    # a long name is broken onto two lines (dashboard.components.figure.axis_label): read them joined by the space
    ticks = driver.execute_script(
        "return Array.from(document.querySelectorAll('#dl-bars .ytick text')).map(t => {"
        " const lines = Array.from(t.querySelectorAll('tspan.line')).map(l => l.textContent);"
        " return lines.length ? lines.join(' ') : t.textContent; })")
    assert any(fixture_xss.LINK in tick for tick in ticks), ticks  # the name as text, markup and all
    links = driver.execute_script(
        "return Array.from(document.querySelectorAll('a')).map(a => a.getAttribute('href')"
        " || a.getAttributeNS('http://www.w3.org/1999/xlink', 'href') || '')")
    assert not [href for href in links if "evil.example" in href]
    click_row(dash_duo, "dl-grid", "1")
    wait_url(dash_duo, "school=1")
    dash_duo.wait_for_contains_text("#aw-breadcrumb", fixture_xss.SCHOOL_1)

    assert driver.find_elements(By.CSS_SELECTOR, "img[src='x'], img[onerror], b[onmouseover]") == []
    assert driver.execute_script("return document.querySelectorAll('[onerror], [onmouseover]').length") == 0
    with pytest.raises(NoAlertPresentException):
        driver.switch_to.alert.text  # noqa: B018  (reading it is the check)
    violations = [entry for entry in dash_duo.get_logs() or [] if "Content Security Policy" in entry["message"]]
    assert violations == []
