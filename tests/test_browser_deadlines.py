"""The deadline page in a real browser: log in, drill nation → province → city → school, back out, switch language, export."""

from __future__ import annotations

import pytest
from dash.testing.wait import until as wait_until
from selenium.webdriver.common.by import By

from tests import fixture_deadlines
from tests.apps import make_app
from tests.browser import click, click_row, download, open_page, wait_url

pytestmark = pytest.mark.browser
VIEW = "as_of=2025-05-20&year=2025&deadline=spring_registration"


def url(dash_duo):
    return dash_duo.driver.current_url


def test_drill_down_back_out_language_and_export(dash_duo, new_database, backend, tmp_path):
    app = make_app(new_database(backend), fixture_deadlines.TABLES, tmp_path)
    open_page(dash_duo, app, "ministry", f"/deadlines?{VIEW}")

    # nation: 广东 5 of 7 registered by 20 May (one after Labour Day), so overdue
    dash_duo.wait_for_text_to_equal('#dl-grid .ag-row[row-id="44"] .ag-cell[col-id="done"]', "5")
    assert dash_duo.find_element('#dl-grid .ag-row[row-id="44"] .ag-cell[col-id="total"]').text == "7"
    assert dash_duo.find_element('#dl-grid .ag-row[row-id="44"] .ag-cell[col-id="status_label"]').text == "已逾期"

    click_row(dash_duo, "dl-grid", "44")
    wait_url(dash_duo, "province=44")
    dash_duo.wait_for_contains_text("#aw-breadcrumb", "广东省")
    dash_duo.wait_for_text_to_equal('#dl-grid .ag-row[row-id="440100"] .ag-cell[col-id="done"]', "4")

    click_row(dash_duo, "dl-grid", "440100")
    wait_url(dash_duo, "city=440100")
    dash_duo.wait_for_contains_text("#aw-breadcrumb", "广州市")
    click_row(dash_duo, "dl-grid", "1")
    wait_url(dash_duo, "school=1")
    # the school's case list: 王五 never registered; masked on screen
    dash_duo.wait_for_contains_text("#dl-cases", "王*")
    cases = dash_duo.find_element("#dl-cases").text
    assert "440106********4567" in cases and "王五" not in cases and "440106200804044567" not in cases

    # back out with the breadcrumb, then forward and back with the browser
    click(dash_duo, dash_duo.driver.find_element(By.LINK_TEXT, "广东省"))
    wait_url(dash_duo, "province=44")
    assert "city=" not in url(dash_duo)
    dash_duo.wait_for_element('#dl-grid .ag-row[row-id="440300"]')
    dash_duo.driver.back()
    wait_url(dash_duo, "school=1")
    dash_duo.wait_for_contains_text("#dl-cases", "王*")
    dash_duo.driver.back()
    wait_url(dash_duo, "city=440100")
    dash_duo.wait_for_element('#dl-grid .ag-row[row-id="2"]')

    # switch language: the same view, in English
    click(dash_duo, dash_duo.find_element("#aw-lang"))
    wait_url(dash_duo, "lang=en")
    dash_duo.wait_for_contains_text("#aw-user", "Ministry aid office")
    dash_duo.wait_for_contains_text(".aw-card-selected", "Spring registration")

    # the export link downloads what the page shows, as the logged-in user
    href = dash_duo.find_element("#dl-export-csv").get_attribute("href")
    body = download(dash_duo, href)
    assert body.startswith(b"\xef\xbb\xbf")
    text = body.decode("utf-8-sig")
    assert text.splitlines()[0] == "deadline,code,name,due_on,done,total,pct_done,working_days_left,status"
    # as of 20 May school 1 has 101, 102 and 103 (6 May) registered of 4 reported; 11 working days past 30 April
    assert "spring_registration,4401001,广州市交通技师学院,2025-04-30,3,4,75.0,-11,overdue" in text


def test_clicking_a_tile_and_a_bar_drills_down(dash_duo, new_database, tmp_path):
    app = make_app(new_database("sqlite"), fixture_deadlines.TABLES, tmp_path)
    open_page(dash_duo, app, "ministry", f"/deadlines?{VIEW}")
    dash_duo.wait_for_element("#dl-bars .bars")
    # bars are sorted worst first: 北京 (no data) at the top, then 广东 (71.4 %), then 广西 (100 %)
    dash_duo.click_at_coord_fractions("#dl-bars .bars .point:last-child path", 0.5, 0.5)
    wait_url(dash_duo, "province=45")
    dash_duo.wait_for_contains_text("#aw-breadcrumb", "广西壮族自治区")
    dash_duo.driver.back()
    wait_url(dash_duo, VIEW)
    # the coloured tiles are the second trace, in tile order: 桂 (45), then 粤 (44)
    dash_duo.wait_for_element("#dl-tiles .scatterlayer .trace:last-child .point")
    dash_duo.click_at_coord_fractions("#dl-tiles .scatterlayer .trace:last-child .point:nth-child(2)", 0.5, 0.5)
    wait_url(dash_duo, "province=44")
    dash_duo.wait_for_contains_text("#aw-breadcrumb", "广东省")


def test_the_header_names_the_snapshot_the_figures_were_read_from(dash_duo, new_database, tmp_path, monkeypatch):
    """A new snapshot landing between the frame's request and the content's (two workers, a moment apart):
    the header is rewritten to the content's snapshot, never left naming another."""
    import dataclasses
    import datetime as dt

    from dashboard import context

    drawn = context.frame_context

    def a_day_behind(lang):
        ctx = drawn(lang)
        return dataclasses.replace(ctx, snapshot_at=ctx.snapshot_at - dt.timedelta(days=1))

    monkeypatch.setattr(context, "frame_context", a_day_behind)
    app = make_app(new_database("sqlite"), fixture_deadlines.TABLES, tmp_path)
    open_page(dash_duo, app, "ministry", f"/deadlines?{VIEW}")
    dash_duo.wait_for_text_to_equal('#dl-grid .ag-row[row-id="44"] .ag-cell[col-id="done"]', "5")
    dash_duo.wait_for_text_to_equal("#aw-freshness", "数据截至 2025-11-26 18:00")
    # a page without figures of the replica keeps the frame's own line: the frame was a day behind
    click(dash_duo, dash_duo.driver.find_element(By.CSS_SELECTOR, '.aw-nav-link[href^="/subscriptions"]'))
    wait_url(dash_duo, "/subscriptions")
    dash_duo.wait_for_text_to_equal("#aw-freshness", "数据截至 2025-11-25 18:00")


def test_the_view_bar_shows_the_day_of_the_figures_when_the_snapshot_moved(dash_duo, new_database, tmp_path,
                                                                           monkeypatch):
    """The frame drawn from the snapshot before (its default as-of day a day earlier), the figures from
    the current one, with no as-of in the URL (the landing view, served from the last warmed snapshot
    while a new one warms, or the other way round): the header and the date field follow the figures,
    and that is not taken for a date the reader picked (the URL stays without ``as_of``)."""
    import dataclasses
    import datetime as dt

    from dashboard import context

    drawn, resolved = context.frame_context, context.resolve_current

    def frame_a_day_behind(lang):
        ctx = drawn(lang)
        return dataclasses.replace(ctx, snapshot_at=ctx.snapshot_at - dt.timedelta(days=1))

    def view_a_day_behind(query):
        r = resolved(query)
        return r if r.view.as_of else dataclasses.replace(r, as_of=r.as_of - dt.timedelta(days=1))

    monkeypatch.setattr(context, "frame_context", frame_a_day_behind)
    monkeypatch.setattr(context, "resolve_current", view_a_day_behind)
    app = make_app(new_database("sqlite"), fixture_deadlines.TABLES, tmp_path)
    open_page(dash_duo, app, "ministry", "/deadlines?deadline=spring_registration")
    dash_duo.wait_for_text_to_equal("#aw-freshness", "数据截至 2025-11-26 18:00")
    wait_until(lambda: dash_duo.find_element("#view-asof").get_attribute("value") == "2025-11-26", 10)
    dash_duo.wait_for_text_to_equal('#dl-grid .ag-row[row-id="44"] .ag-cell[col-id="done"]', "5")
    assert "as_of" not in url(dash_duo)
    # a date the reader does pick is still a new view
    field = dash_duo.find_element("#view-asof")
    dash_duo.driver.execute_script("arguments[0].value = ''", field)
    field.send_keys("05202025\n")
    wait_url(dash_duo, "as_of=2025-05-20")
