"""The Subscriptions page in a real browser: the Guangdong supervisor adds a signed DingTalk robot with the
keyboard, leaving inspections out of its areas, previews the digest and sends a test to a loopback robot that
checks the signature; then the ministry's page, whose lists are drawn without pressing any button, pauses a
failing subscription."""

from __future__ import annotations

import pytest
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import Select

from queries import outbox
from tests import fixture_briefing
from tests.apps import make_app
from tests.browser import axe_violations, click, keys, log_in, log_out, open_page, settled
from tests.receivers import RobotReceiver

pytestmark = pytest.mark.browser
SECRET = "SECa1b2c3d4e5f6-robot-signing-secret"


def test_add_a_robot_preview_send_a_test_and_the_ministry_pauses_a_failing_one(dash_duo, new_database, tmp_path):
    with RobotReceiver({"gd-robot": SECRET}) as robots:
        app = make_app(new_database("sqlite"), fixture_briefing.TABLES, tmp_path)
        open_page(dash_duo, app, "gd", "/subscriptions")
        dash_duo.wait_for_contains_text("#sb-content", "还没有订阅。")
        assert axe_violations(dash_duo) == []
        Select(dash_duo.find_element("#sb-channel")).select_by_value("dingtalk")
        dash_duo.find_element("#sb-target").send_keys(robots.url("dingtalk", "gd-robot"))
        secret = dash_duo.find_element("#sb-secret")
        secret.send_keys(SECRET)
        assert secret.get_attribute("type") == "password"
        secret.send_keys(Keys.TAB)  # the keyboard reaches the add button through the form
        inspections = dash_duo.find_element('#sb-areas input[value="inspections"]')
        assert inspections.is_selected()
        dash_duo.driver.execute_script("arguments[0].focus()", inspections)
        keys(dash_duo, Keys.SPACE)  # a checkbox unticks from the keyboard
        settled(dash_duo)
        assert not inspections.is_selected()
        click(dash_duo, dash_duo.find_element("#sb-add"))
        dash_duo.wait_for_contains_text("#sb-add-result", "已添加订阅 1。")
        assert dash_duo.find_element("#sb-secret").get_attribute("value") == ""
        dash_duo.wait_for_element("#sb-mine-1")
        assert "gd-robot" not in dash_duo.find_element("#sb-content").text
        assert "新生注册、资助审批、扩围提标、重复资助、学籍异动、学籍审批、毕业手续" in dash_duo.find_element("#sb-mine-1").text

        click(dash_duo, dash_duo.find_element("#sb-preview"))
        dash_duo.wait_for_contains_text("#sb-preview-text", "#### 每日摘要 · 广东省")
        assert "本年度已检查" not in dash_duo.find_element("#sb-preview-text").text
        click(dash_duo, dash_duo.find_element("#sb-test"))
        dash_duo.wait_for_contains_text("#sb-act-result", "测试消息：dingtalk: ok")
        [sent] = robots.texts("gd-robot")
        assert "广州市" in sent and "北京" not in sent
        assert dash_duo.get_logs() == []

        # Dash calls a callback when its buttons are inserted: drawing the ministry's lists must neither
        # preview, test nor pause anything (the first failing subscription stays active until pressed)
        engine = app.server.extensions["aidwatch_app_db"]
        failing = outbox.add(engine, "gd", "email", "gd@example.gov.cn", "daily")
        with engine.begin() as conn:
            conn.execute(outbox.subscription.update().where(outbox.subscription.c.id == failing).values(
                failures=1, last_result="email: refused"))
        outbox.add(engine, "ministry", "email", "office@example.gov.cn", "daily")
        log_out(dash_duo)
        log_in(dash_duo, "ministry")
        dash_duo.driver.get(dash_duo.server.url + "/subscriptions")
        dash_duo.wait_for_element(f"#sb-failing-{failing}")
        settled(dash_duo)
        assert dash_duo.find_element("#sb-act-result").text == "" and dash_duo.find_element("#sb-admin-result").text == ""
        assert outbox.get(engine, failing)["paused"] is False and len(outbox.rows(engine)) == 1  # the test only
        click(dash_duo, dash_duo.find_element("#sb-admin-pause"))
        dash_duo.wait_for_contains_text("#sb-admin-result", f"已暂停订阅 {failing}。")
        assert outbox.get(engine, failing)["paused"] is True

