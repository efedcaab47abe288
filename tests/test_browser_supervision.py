"""Supervision requests (督办) in a real browser, in Chinese and in English: the ministry drills from the
nation into an overdue province's row, presses the view bar's 督办 link and opens a request on that view; the
Guangdong supervisor then finds it first on their landing page, follows it to /supervision and answers it.

The app's clock is fixed at Tue 3 June 2025 10:00 Beijing time, so the request is due 5 working days later,
on Tue 10 June 2025 (``make_app(CLOCK=…)``: the session checks read the same clock)."""

from __future__ import annotations

import datetime as dt

import pytest

from tests import fixture_deadlines
from tests.apps import make_app
from tests.browser import click, click_row, log_in, log_out, open_page, settled, wait_url
from tests.test_browser_deadlines import VIEW

pytestmark = pytest.mark.browser
NOW = dt.datetime(2025, 6, 3, 10, tzinfo=dt.timezone(dt.timedelta(hours=8))).timestamp()
TEXT = {
    "zh": {"overdue": "已逾期", "opened": "已发起督办 1。", "landing": "待办督办", "replied": "已答复督办 1。",
           "status": "已答复", "message": "请核查广东省春季学期新生注册逾期原因，并报送整改计划。"},
    "en": {"overdue": "Overdue", "opened": "Request 1 opened.", "landing": "Requests to answer",
           "replied": "Replied to request 1.", "status": "Replied",
           "message": "Please explain Guangdong's late spring registrations and send a plan."},
}


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_ministry_opens_from_an_overdue_row_and_the_province_answers(dash_duo, new_database, tmp_path, lang):
    text = TEXT[lang]
    suffix = "&lang=en" if lang == "en" else ""
    app = make_app(new_database("sqlite"), fixture_deadlines.TABLES, tmp_path, CLOCK=lambda: NOW)
    open_page(dash_duo, app, "ministry", f"/deadlines?{VIEW}{suffix}")
    dash_duo.wait_for_text_to_equal('#dl-grid .ag-row[row-id="44"] .ag-cell[col-id="status_label"]', text["overdue"])
    click_row(dash_duo, "dl-grid", "44")
    wait_url(dash_duo, "province=44")
    click(dash_duo, dash_duo.wait_for_element("#aw-supervise"))
    wait_url(dash_duo, "/supervision?province=44")
    dash_duo.wait_for_contains_text("#sv-open-page", "/deadlines?as_of=2025-05-20&year=2025&province=44")
    dash_duo.find_element("#sv-message").send_keys(text["message"])
    click(dash_duo, dash_duo.find_element("#sv-open"))
    dash_duo.wait_for_contains_text("#sv-open-result", text["opened"])
    dash_duo.wait_for_contains_text("#sv-request-1", "2025-06-10")

    log_out(dash_duo)
    log_in(dash_duo, "gd")
    dash_duo.driver.get(dash_duo.server.url + ("/?lang=en" if lang == "en" else "/"))
    dash_duo.wait_for_contains_text("#sv-landing", text["landing"])
    landing = dash_duo.find_element("#sv-landing-1").text
    assert text["message"][:40] in landing and "2025-06-10" in landing
    link = dash_duo.find_element("#sv-landing-link-1").get_attribute("href")
    assert link.endswith("/deadlines?as_of=2025-05-20&year=2025&province=44&deadline=spring_registration" + suffix)
    click(dash_duo, dash_duo.find_element("#sv-landing-all"))
    wait_url(dash_duo, "/supervision")
    answer = dash_duo.wait_for_element("#sv-answer")
    answer.send_keys("已部署各市核查，计划月底前完成。" if lang == "zh" else "Cities are checking; done by month end.")
    click(dash_duo, dash_duo.find_element("#sv-reply"))
    dash_duo.wait_for_contains_text("#sv-act-result", text["replied"])
    dash_duo.wait_for_contains_text("#sv-request-1", text["status"])
    settled(dash_duo)
    click(dash_duo, dash_duo.find_element("#sv-request-1 summary"))
    dash_duo.wait_for_contains_text("#sv-request-1", "gd")
