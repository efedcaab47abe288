"""Supervision requests (督办) end to end on SQLite and PostgreSQL: the append-only store and its once-only
escalation under concurrent rounds, the migration of an existing app DB, the command line, the page's
callbacks (including forged ones), the export, the landing list, the digests and the briefing's line.

The registry is tests/fixture_deadlines.py (广东 44 with 广州 440100 and two of its schools, 广西 45, 北京 11);
users are tests/apps.py's: ``ministry``, ``leader``, ``gd`` (province 44), ``gx`` (province 45).
"""

from __future__ import annotations

import datetime as dt
import json
import threading

import sqlalchemy as sa
from click.testing import CliRunner

from cli.main import main
from views import supervision as actions
from queries import appdb, supervision as store
from queries.scope import Scope
from tests import fixture_deadlines
from tests.apps import login, make_app, open_view
from tests.test_subscriptions_page import call

CHINA = dt.timezone(dt.timedelta(hours=8))
#: Monday 29 September 2025, 10:00 Beijing: due 5 working days later is Monday 13 October (the holiday between)
OPENED = dt.datetime(2025, 9, 29, 10, tzinfo=CHINA)
MINISTRY, GD, GX, LEADER = Scope("ministry"), Scope("province", "44"), Scope("province", "45"), Scope("leadership")


def setup(backend, new_database, tmp_path):
    registry = new_database(backend)
    app_db = new_database(backend) if backend == "postgresql" else f"sqlite:///{tmp_path / 'app.sqlite'}"
    app = make_app(registry, fixture_deadlines.TABLES, tmp_path, APP_DB_URL=app_db)
    env = {"AIDWATCH_REGISTRY_URL": registry, "AIDWATCH_APP_DB_URL": app_db, "AIDWATCH_SECRET_KEY": "t" * 32,
           "AIDWATCH_INSTANCE_DIR": str(tmp_path / "instance"), "AIDWATCH_WARM_INTERVAL_S": "0",
           "AIDWATCH_DIGEST_INTERVAL_S": "0"}
    return app, app.server.extensions["aidwatch_app_db"], env


def registry(app):
    return app.server.extensions["aidwatch_registry"]


def opened(app, engine, text="请核查广州市春季学期助学金审核进度", now=OPENED, **region):
    with app.server.app_context():
        return actions.open_request(engine, registry(app), "ministry", MINISTRY, region.pop("province", "44"),
                                    page_path="/deadlines?province=44&as_of=2025-09-29", text=text, now=now,
                                    **region)


def events(engine) -> list[tuple]:
    with engine.connect() as conn:
        return [tuple(r) for r in conn.execute(sa.select(store.supervision_event.c.request_id,
                                                         store.supervision_event.c.kind,
                                                         store.supervision_event.c.username)
                                               .order_by(store.supervision_event.c.id))]


def actions_audited(engine) -> list[tuple]:
    return [(r["username"], r["action"], r["params"]["request"])
            for r in appdb.audit_rows(engine, None, action=None, oldest_first=True)
            if r["action"].startswith("supervision_")]


def test_the_loop_in_the_store_and_escalation_once_under_concurrent_rounds(backend, new_database, tmp_path):
    app, engine, _ = setup(backend, new_database, tmp_path)
    first = opened(app, engine, city="440100")
    second = opened(app, engine, province="45", text="请核查南宁市")
    rows = {r["id"]: r for r in actions.listing(engine, MINISTRY, now=OPENED)}
    assert (rows[first]["code"], rows[first]["name"], rows[first]["due_on"], rows[first]["status"]) == (
        "440100", "广州市", "2025-10-13", "open")
    assert rows[first]["workdays_left"] == 5 and rows[second]["name"] == "广西壮族自治区"

    # two rounds on two hosts (two engines) at once, after the due day: one escalated event each request
    late = dt.datetime(2025, 10, 14, 9, tzinfo=CHINA)
    hosts = [appdb.app_engine(engine.url.render_as_string(hide_password=False)) for _ in range(2)]
    barrier, done = threading.Barrier(4), []

    def round_(host):
        barrier.wait()
        done.extend(actions.escalate(host, now=late))

    threads = [threading.Thread(target=round_, args=(hosts[i % 2],)) for i in range(4)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert sorted(done) == [first, second]
    assert actions.escalate(engine, now=late + dt.timedelta(days=1)) == []
    assert [e for e in events(engine) if e[1] == "escalated"] == [(first, "escalated", None),
                                                                  (second, "escalated", None)] or sorted(
        e for e in events(engine) if e[1] == "escalated") == [(first, "escalated", None), (second, "escalated", None)]
    assert sum(a[1] == "supervision_escalate" for a in actions_audited(engine)) == 2

    # the database itself refuses a second escalated event, whatever the caller checked
    raced = []
    barrier2 = threading.Barrier(6)

    def insert(host):
        barrier2.wait()
        raced.append(store.append_once(host, first, "escalated", late, late.date(), None))

    threads = [threading.Thread(target=insert, args=(hosts[i % 2],)) for i in range(6)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert raced == [False] * 6

    # gd answers (twice), the ministry closes; the state follows the events
    with app.server.app_context():
        actions.reply(engine, "gd", GD, first, "已部署各校核查", "2025-10-31", now=late)
        actions.reply(engine, "gd", GD, first, "进展：完成 8 所", "2025-11-07", now=late + dt.timedelta(days=3))
        actions.close(engine, "ministry", MINISTRY, first, "已办结", now=late + dt.timedelta(days=10))
    row = actions.listing(engine, GD, now=late + dt.timedelta(days=10))[0]
    assert {k: row[k] for k in ("id", "status", "replied_on", "planned_on", "closed_on", "events")} == {
        "id": first, "status": "closed", "replied_on": "2025-10-14", "planned_on": "2025-11-07",
        "closed_on": "2025-10-24", "events": 5}
    assert [h["kind"] for h in row["history"]] == ["open", "escalated", "reply", "reply", "close"]
    assert [r["id"] for r in actions.listing(engine, GX, now=late)] == [second]  # scope in the query

    # a user disabled later still appears by name
    appdb.set_disabled(engine, "gd", True)
    assert [h["by"] for h in actions.listing(engine, MINISTRY, now=late)[1]["history"]] == [
        "ministry", None, "gd", "gd", "ministry"]
    for host in hosts:
        host.dispose()


def test_refusals_write_nothing(backend, new_database, tmp_path):
    app, engine, _ = setup(backend, new_database, tmp_path)
    request_id = opened(app, engine)
    before = events(engine), actions_audited(engine)
    with app.server.app_context():
        attempts = [
            lambda: actions.open_request(engine, registry(app), "gd", GD, "44", page_path="/deadlines", text="x"),
            lambda: actions.open_request(engine, registry(app), "ministry", MINISTRY, "44", page_path="/deadlines",
                                         text="身份证 44010519491231002X"),
            lambda: actions.open_request(engine, registry(app), "ministry", MINISTRY, "44", page_path="/deadlines",
                                         text="手机 13800138000"),
            lambda: actions.open_request(engine, registry(app), "ministry", MINISTRY, "44",
                                         page_path="javascript:alert(1)", text="x"),
            lambda: actions.open_request(engine, registry(app), "ministry", MINISTRY, "44", page_path="/deadlines",
                                         text="x", due="2025-09-28", now=OPENED),
            lambda: actions.open_request(engine, registry(app), "ministry", MINISTRY, "44", page_path="/deadlines",
                                         text="x" * 1001),
            lambda: actions.reply(engine, "gx", GX, request_id, "不是我省的"),
            lambda: actions.reply(engine, "leader", LEADER, request_id, "领导不答复"),
            lambda: actions.reply(engine, "gd", GD, request_id, "手机 13800138000"),
            lambda: actions.close(engine, "gd", GD, request_id, "省里不能办结"),
            lambda: actions.reply(engine, "gd", GD, 999, "没有这一项"),
        ]
        for attempt in attempts:
            try:
                attempt()
            except actions.rules.Refused:
                continue
            raise AssertionError("not refused")
        actions.close(engine, "ministry", MINISTRY, request_id, "办结")
        after_close = events(engine)
        for attempt in (lambda: actions.reply(engine, "gd", GD, request_id, "办结后答复"),
                        lambda: actions.close(engine, "ministry", MINISTRY, request_id, "再办结一次")):
            try:
                attempt()
            except actions.rules.Refused:
                continue
            raise AssertionError("not refused")
    assert before[0] + [(request_id, "close", "ministry")] == after_close == events(engine)
    assert actions_audited(engine) == before[1] + [("ministry", "supervision_close", request_id)]


def test_an_existing_app_db_gains_the_tables(backend, new_database, tmp_path):
    url = new_database(backend) if backend == "postgresql" else f"sqlite:///{tmp_path / 'old.sqlite'}"
    engine = appdb.app_engine(url)
    for table in (appdb.app_user, appdb.audit_log, appdb.revoked_session):  # an app DB from before
        table.create(engine)
    appdb.add_user(engine, "ministry", "ministry", None, "correct-horse-42")
    appdb.init_db(engine)
    names = set(sa.inspect(engine).get_table_names())
    assert {"supervision_request", "supervision_event"} <= names
    assert "supervision_event_once" in {i["name"] for i in sa.inspect(engine).get_indexes("supervision_event")}
    assert appdb.get_user(engine, "ministry")["role"] == "ministry"
    engine.dispose()


def cli(env, *args, exit_code=0, stdin=None):
    result = CliRunner().invoke(main, list(args), env=env, input=stdin, catch_exceptions=False)
    assert result.exit_code == exit_code, (result.stdout, result.stderr)
    return result


def test_command_line(backend, new_database, tmp_path):
    app, engine, env = setup(backend, new_database, tmp_path)
    msg = tmp_path / "msg.txt"
    msg.write_text("请核查广州市交通技师学院的助学金审核 <b>进度</b>\n", encoding="utf-8")
    out = cli(env, "supervision", "open", "--as", "ministry", "--province", "44", "--school", "1",
              "--page", "/deadlines?province=44&city=440100&school=1", "--message-file", str(msg))
    request_id = int(out.stdout.strip())
    assert out.stdout == f"{request_id}\n"
    pii = tmp_path / "pii.txt"
    pii.write_text("联系人手机 13912345678", encoding="utf-8")
    before = events(engine)
    for args in (("open", "--as", "gd", "--province", "44", "--page", "/deadlines", "--message-file", str(msg)),
                 ("open", "--as", "ministry", "--province", "44", "--page", "/deadlines", "--message-file", str(pii)),
                 ("open", "--as", "ministry", "--province", "44", "--page", "/deadlines", "--message-file", str(msg),
                  "--due", "2020-01-01"),
                 ("open", "--as", "ministry", "--province", "99", "--page", "/deadlines", "--message-file", str(msg)),
                 ("open", "--as", "nobody", "--province", "44", "--page", "/deadlines", "--message-file", str(msg)),
                 ("reply", str(request_id), "--as", "gx", "--message-file", str(msg)),
                 ("reply", str(request_id), "--as", "gd", "--message-file", str(pii)),
                 ("close", str(request_id), "--as", "gd", "--message-file", str(msg))):
        result = cli(env, "supervision", *args, exit_code=1)
        assert result.stdout == "" and result.stderr.startswith("Error: "), result.stderr
    assert "mobile number" in cli(env, "supervision", "reply", str(request_id), "--as", "gd", "--message-file",
                                  str(pii), exit_code=1).stderr
    assert "within your data scope" in cli(env, "supervision", "reply", str(request_id), "--as", "gx",
                                            "--message-file", str(msg), exit_code=1).stderr
    assert events(engine) == before

    cli(env, "supervision", "reply", str(request_id), "--as", "gd", "--message-file", "-", "--planned", "2026-12-31",
        stdin="已部署核查\n")
    listed = cli(env, "supervision", "list", "--as", "gd", "--json").stdout
    assert "\\u" not in listed and "广州市交通技师学院" in listed
    [row] = json.loads(listed)
    assert list(row) == ["id", "code", "name", "page", "opened_on", "opened_by", "due_on", "status", "replied_on",
                         "planned_on", "closed_on", "events", "message", "history"]
    assert (row["code"], row["name"], row["status"], row["planned_on"], row["events"]) == (
        "4401001", "广州市交通技师学院", "replied", "2026-12-31", 2)
    assert row["message"] == "请核查广州市交通技师学院的助学金审核 <b>进度</b>"
    assert [(h["kind"], h["by"], h["message"], h["planned_on"]) for h in row["history"]] == [
        ("open", "ministry", row["message"], None), ("reply", "gd", "已部署核查", "2026-12-31")]
    assert json.loads(cli(env, "supervision", "list", "--as", "gx", "--json").stdout) == []
    table = cli(env, "supervision", "list").stdout.splitlines()
    assert table[0].split("\t") == actions.rules.EXPORT_COLUMNS and len(table) == 2
    cli(env, "supervision", "close", str(request_id), "--as", "ministry", "--message-file", str(msg))
    assert "closed" in cli(env, "supervision", "reply", str(request_id), "--as", "gd", "--message-file", str(msg),
                           exit_code=1).stderr
    assert [a[:2] for a in actions_audited(engine)] == [("ministry", "supervision_open"), ("gd", "supervision_reply"),
                                                        ("ministry", "supervision_close")]


def content(app, client, query) -> str:
    return call(app, client, "sv-view", {"sv-view": query, "sv-changed": 0}, prop="data")


def test_page_export_landing_and_forged_callbacks(tmp_path):
    app = make_app(f"sqlite:///{tmp_path / 'registry.sqlite'}", fixture_deadlines.TABLES, tmp_path)
    engine = app.server.extensions["aidwatch_app_db"]
    ministry, gd, gx = (login(app.server.test_client(), u) for u in ("ministry", "gd", "gx"))

    # the view bar's 督办 link: the ministry's, at a region, carrying the view
    page = open_view(ministry, "/deadlines", {"province": "44", "deadline": "spring_aid_approval"})
    assert "/supervision?province=44&page=%2Fdeadlines%3Fprovince%3D44%26deadline%3Dspring_aid_approval" in page.layout
    assert "aw-supervise" not in open_view(gd, "/deadlines", {"province": "44"}).layout
    assert "aw-supervise" not in open_view(ministry, "/deadlines").layout  # the nation: no region to ask

    query = {"province": "44", "page": "/deadlines?province=44&deadline=spring_aid_approval"}
    form = {"sv-view": query, "sv-changed": 0, "sv-open": 1, "sv-workdays": 5, "sv-due": None,
            "sv-message": "<script>alert(1)</script>请核查春季学期助学金审批进度，落后地市请说明原因。"}
    assert "已发起督办 1。" in call(app, ministry, "sv-open", form)
    assert "only the ministry opens" in call(app, gd, "sv-open", {**form, "sv-view": {**query, "lang": "en"}})
    assert "数据范围" in call(app, gx, "sv-open", form)  # another province: out of scope, nothing stored
    assert "身份证号" in call(app, ministry, "sv-open", {**form, "sv-message": "请核查 44010519491231002X"})
    assert "at most 1000" in call(app, ministry, "sv-open", {**form, "sv-message": "催" * 1001,
                                                             "sv-view": {**query, "lang": "en"}})
    assert "早于发起日" in call(app, ministry, "sv-open", {**form, "sv-due": "2020-01-01"})
    assert len(actions.listing(engine, MINISTRY)) == 1
    forged_page = content(app, ministry, {"province": "44", "page": "javascript:alert(1)"})
    assert "请求参数有误" in forged_page and 'href": "javascript' not in forged_page

    listed = content(app, ministry, {})
    assert "<script>alert(1)</script>请核查" in listed and "广东省" in listed and "sv-province-44" in listed
    assert '"dangerously_allow_html"' not in listed and "Markdown" not in listed
    assert "sv-close" in listed and "sv-open-form" not in listed  # the nation: no region to open on
    assert "待答复" in content(app, gd, {}) and "sv-close" not in content(app, gd, {})
    assert "没有督办事项。" in content(app, gx, {})
    assert "数据范围" in content(app, gx, {"province": "44"})
    assert "sv-reply" not in content(app, app.server.test_client() and login(app.server.test_client(), "leader"), {})

    # a province user's landing page: its requests first, then the deadlines
    landing = open_view(gd, "/")
    assert landing.content.index("待办督办") < landing.content.index("年度时间节点")
    assert actions.rules.preview(form["sv-message"]) == "<script>alert(1)</script>请核查春季学期助学金审批进度，…"
    assert "<script>alert(1)</script>请核查春季学期助学金审批进度，…" in landing.content
    assert "/deadlines?province=44&deadline=spring_aid_approval" in landing.content
    assert "待办督办" not in open_view(gx, "/").content and "待办督办" not in open_view(ministry, "/").content

    # forged answers: another province, leadership, a closed request
    answer = {"sv-view": {}, "sv-changed": 0, "sv-pick": "1", "sv-answer": "已部署", "sv-planned": "2026-12-31",
              "sv-reply": 1, "sv-close": 0}
    assert "不在您的数据范围内" in call(app, gx, "sv-reply", answer)
    assert "只有部资助办可以办结" in call(app, gd, "sv-close", {**answer, "sv-reply": 0, "sv-close": 1})
    assert "手机号码" in call(app, gd, "sv-reply", {**answer, "sv-answer": "联系 13800138000"})
    assert [e[1] for e in events(engine)] == ["open"]
    assert "已答复督办 1。" in call(app, gd, "sv-reply", answer)
    assert "已办结督办 1。" in call(app, ministry, "sv-close", {**answer, "sv-reply": 0, "sv-close": 1,
                                                           "sv-answer": "办结"})
    assert "已办结，不能再答复" in call(app, gd, "sv-reply", answer)
    assert [e[1] for e in events(engine)] == ["open", "reply", "close"]

    # exports: the spec's columns in the reader's scope, whatever as_of says
    csv = gd.get("/export/supervision.csv?as_of=2025-03-01").get_data(as_text=True).lstrip("\ufeff").splitlines()
    assert csv[0] == "id,code,name,page,opened_on,opened_by,due_on,status,replied_on,planned_on,closed_on,events"
    assert csv[1].startswith("1,44,广东省,/deadlines?province=44&deadline=spring_aid_approval,") and csv[1].endswith(
        ",closed,") is False and ",closed," in csv[1] and csv[1].endswith(",3")
    assert len(gx.get("/export/supervision.csv").get_data(as_text=True).lstrip("\ufeff").splitlines()) == 1
    assert gx.get("/export/supervision.csv?province=44").status_code == 404
    assert gd.get("/export/supervision.xlsx").status_code == 200
    assert gd.get("/export/supervision.csv?status=nonsense").status_code == 400


def test_the_round_escalates_once_and_digests_name_the_requests(backend, new_database, tmp_path):
    from notifications import digests
    from tests import fixture_briefing
    from tests.receivers import SmtpReceiver
    from tests.test_digests import NOW, cli as digest_cli, lines, setup as digest_setup

    with SmtpReceiver() as smtp:
        app, env = digest_setup(backend, new_database, tmp_path, smtp, tables=fixture_briefing.TABLES)
        engine = app.server.extensions["aidwatch_app_db"]
        for user in ("ministry", "gd", "gx"):
            digest_cli(env, "subscriptions", "add", user, "--channel", "email", "--to", f"{user}@example.gov.cn")
        digest_cli(env, "subscriptions", "add", "gd", "--channel", "email", "--to", "gd-events@example.gov.cn",
                   "--cadence", "events")
        # opened on the Dragon Boat holiday (Mon 2 June 2025): due 5 working days later, Mon 9 June
        request_id = opened(app, engine, now=dt.datetime(2025, 6, 2, 10, tzinfo=CHINA), text="请核查春季学期助学金审批")
        with app.server.app_context():
            open_id = actions.open_request(engine, registry(app), "ministry", MINISTRY, "44", page_path="/deadlines",
                                           text="请报送书面报告", now=dt.datetime(2025, 6, 9, 10, tzinfo=CHINA))
        when = dt.datetime.fromisoformat(NOW)
        digests.run_round(app, when)
        digests.run_round(app, when)
        assert [e for e in events(engine) if e[1] == "escalated"] == [(request_id, "escalated", None)]
        text = {f"{u}@example.gov.cn": "\n".join(sum(lines(smtp.to(f"{u}@example.gov.cn")), []))
                for u in ("ministry", "gd", "gx")}
        assert f"督办 {request_id}（广东省）逾期未答复，答复期限为 2025-06-09。" in text["ministry@example.gov.cn"]
        assert f"督办 {open_id}" not in text["ministry@example.gov.cn"]  # the ministry hears of overdue ones
        assert f"督办 {request_id}（广东省）逾期未答复" in text["gd@example.gov.cn"]
        assert f"督办 {open_id}（广东省）待答复，答复期限为 2025-06-16：请报送书面报告" in text["gd@example.gov.cn"]
        assert "督办" not in text["gx@example.gov.cn"]
        reminders = [line for mail in lines(smtp.to("gd-events@example.gov.cn")) for line in mail if "督办" in line]
        assert reminders == [f"督办 {request_id}（广东省）逾期未答复，答复期限为 2025-06-09。"]  # once, two rounds


def test_the_briefing_line(tmp_path):
    app = make_app(f"sqlite:///{tmp_path / 'registry.sqlite'}", fixture_deadlines.TABLES, tmp_path)
    engine = app.server.extensions["aidwatch_app_db"]
    now = dt.datetime.now(CHINA)
    first, second = opened(app, engine, now=now), opened(app, engine, now=now - dt.timedelta(days=40))
    third = opened(app, engine, province="45", now=now)
    with app.server.app_context():
        actions.reply(engine, "gd", GD, first, "已部署", now=now)
    assert actions.briefing_line(engine, MINISTRY, "zh", now) == "督办：未办结 3 件，其中逾期未答复 1 件；本月按期答复 1 件。"
    assert actions.briefing_line(engine, GX, "en", now) == (
        "Supervision requests: 1 not closed, 0 of them overdue; 0 answered on time this month.")
    page = open_view(login(app.server.test_client(), "gd"), "/briefing")
    assert "督办：未办结 2 件，其中逾期未答复 1 件；本月按期答复 1 件。" in page.content
    assert second and third
