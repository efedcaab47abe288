"""The Subscriptions page (订阅) over HTTP, as the browser's callbacks reach it: add (the secret never comes
back), preview, send a test now to a loopback robot, pause / resume / remove one's own, nothing on another
user's, and the ministry pausing a failing subscription of anyone. The page's database work is the outbox
module's, shown on SQLite and PostgreSQL in tests/test_digests.py; here the app DB is SQLite.
"""

from __future__ import annotations

import json

from bench import dash_requests
from queries import appdb, outbox
from dashboard.guards import _expected_outputs
from tests import fixture_briefing
from tests.apps import login, make_app, open_view, text_of
from tests.receivers import RobotReceiver
from tests.test_briefing import component

SECRET = "SECa1b2c3d4e5f6-robot-signing-secret"


def call(app, client, trigger: str, values: dict, prop: str = "n_clicks"):
    """POST the callback ``trigger`` starts, with ``values`` (component id → value) for its inputs and states."""
    key, spec = next((k, v) for k, v in app.callback_map.items()
                     if any(i["id"] == trigger and i["property"] == prop for i in v["inputs"]))
    outputs = [{"id": i, "property": p} for i, p in _expected_outputs(key)]
    payload = {"output": key, "outputs": outputs if len(outputs) > 1 else outputs[0],
               "inputs": [{**dep, "value": values.get(dep["id"])} for dep in spec["inputs"]],
               "state": [{**dep, "value": values.get(dep["id"])} for dep in spec["state"]],
               "changedPropIds": [f"{trigger}.{prop}"]}
    response = dash_requests.post(client, payload)
    assert response.status_code == 200, response.get_data(as_text=True)
    return text_of(response)


def content(app, client) -> str:
    return call(app, client, "sb-view", {"sb-view": {}}, prop="data")


def test_manage_preview_test_and_the_ministry_pauses_failing_ones(tmp_path):
    with RobotReceiver({"gd-robot": SECRET, "bad-robot": SECRET}) as robots:
        app = make_app(f"sqlite:///{tmp_path / 'registry.sqlite'}", fixture_briefing.TABLES, tmp_path)
        engine = app.server.extensions["aidwatch_app_db"]
        gd = login(app.server.test_client(), "gd")
        page = open_view(gd, "/subscriptions")
        assert page.layout_status == 200 and "新建订阅" in page.layout and "钉钉加签密钥" in page.layout
        assert "内容范围" in page.layout and "毕业手续" in page.layout  # the areas, every one ticked
        assert component(json.loads(page.layout), "sb-areas")["props"]["value"] == list(outbox.AREAS)
        assert "还没有订阅。" in content(app, gd)

        form = {"sb-channel": "dingtalk", "sb-target": robots.url("dingtalk", "gd-robot"), "sb-secret": SECRET,
                "sb-cadence": "daily", "sb-at": "08:30", "sb-lang": "zh", "sb-areas": list(outbox.AREAS),
                "sb-changed": 0, "sb-add": 1}
        answer = call(app, gd, "sb-add", form)
        assert "已添加订阅 1。" in answer and json.loads(answer)["response"]["sb-secret"]["value"] == ""
        listed = content(app, gd)
        assert "127.0.0.1:" in listed and "gd-robot" not in listed and SECRET not in listed
        assert "不是邮箱地址" not in call(app, gd, "sb-add", {**form, "sb-channel": "email", "sb-target": "x"})
        assert "is not an e-mail address" in call(app, gd, "sb-add", {**form, "sb-channel": "email", "sb-target": "x"})

        def act(client, action, picked="1"):
            return call(app, client, f"sb-{action}", {f"sb-{action}": 1, "sb-pick": picked, "sb-changed": 1})

        preview = act(gd, "preview")
        assert "每日摘要 · 广东省" in preview and "广州市" in preview and "北京" not in preview
        assert "测试消息：dingtalk: ok" in act(gd, "test")
        [sent] = robots.texts("gd-robot")
        assert sent.startswith("#### 每日摘要 · 广东省")

        # another province's supervisor cannot touch it, whatever the posted id
        gx = login(app.server.test_client(), "gx")
        for action in ("pause", "remove", "test", "preview"):
            assert "只能管理本人的订阅。" in act(gx, action)
        assert outbox.get(engine, 1)["paused"] is False and len(robots.texts("gd-robot")) == 1

        assert "已暂停订阅 1。" in act(gd, "pause") and outbox.get(engine, 1)["paused"] is True
        assert "已恢复订阅 1。" in act(gd, "resume") and outbox.get(engine, 1)["paused"] is False

        # a robot with the wrong secret fails; the ministry sees it among the failing ones and pauses it
        call(app, gd, "sb-add", {**form, "sb-target": robots.url("dingtalk", "bad-robot"), "sb-secret": "SECwrong"})
        assert "errcode 310000" in act(gd, "test", "2")
        ministry = login(app.server.test_client(), "ministry")
        failing = content(app, ministry)
        assert "发送失败的订阅（全部用户）" in failing and "sb-failing-2" in failing and "sb-failing-1" not in failing
        assert "发送失败的订阅" not in content(app, gd)
        admin = {"sb-admin-pause": 1, "sb-failing-pick": "2", "sb-changed": 3}
        assert "请先选择一个订阅。" in call(app, gd, "sb-admin-pause", admin)  # not the ministry
        assert outbox.get(engine, 2)["paused"] is False
        assert "已暂停订阅 2。" in call(app, ministry, "sb-admin-pause", admin)
        assert outbox.get(engine, 2)["paused"] is True

        assert "已删除订阅 1。" in act(gd, "remove") and outbox.get(engine, 1) is None
        audit = [(r["username"], r["action"], r["params"]["subscription"])
                 for r in appdb.audit_rows(engine, None, oldest_first=True) if r["action"].startswith("subscription")]
        assert audit == [("gd", "subscription_add", 1), ("gd", "subscription_pause", 1),
                         ("gd", "subscription_resume", 1), ("gd", "subscription_add", 2),
                         ("ministry", "subscription_pause", 2), ("gd", "subscription_remove", 1)]
        log = json.dumps(appdb.audit_rows(engine, None), ensure_ascii=False, default=str)
        assert SECRET not in log and "gd-robot" not in log

        # the areas: at least one, known ones only; the list and the preview keep to them
        assert "请至少选择一项内容范围。" in call(app, gd, "sb-add", {**form, "sb-areas": []})
        assert "unknown area 'names'" in call(app, gd, "sb-add", {**form, "sb-areas": ["duplicates", "names"]})
        assert "请至少选择一项内容范围。" in call(app, gd, "sb-add", {**form, "sb-areas": "duplicates"})  # forged
        assert "已添加订阅 3。" in call(app, gd, "sb-add", {**form, "sb-areas": ["records", "duplicates"]})
        assert outbox.get(engine, 3)["areas"] == ("duplicates", "records")
        assert "重复资助、学籍审批" in content(app, gd)
        preview = act(gd, "preview", "3")
        assert "重复资助比对结果均已办结。" in preview and "新生学籍待审批5人" in preview
        assert "书面报告" not in preview and "春季资助审批" not in preview and "学籍异动" not in preview
        assert appdb.audit_rows(engine, 1, action="subscription_add")[0]["params"]["areas"] == ["duplicates", "records"]
