"""Digests and reminders end to end, with real receivers on loopback ports (tests/receivers.py): a DingTalk /
WeCom robot server that checks signatures and answers like the real ones, and aiosmtpd's SMTP server.

The registry is the briefing's (tests/fixture_briefing.py), read as of Tue 10 June 2025 at 09:00 Beijing
time (a working day; its snapshot is 10 June 18:00). What the messages must say is worked out in
tests/test_briefing.py: nationally 北京市 has not sent its written report (due 6 June, 2 working days
overdue) and spring aid approval is 14 working days overdue with 广东省 furthest behind (66.7 %); for
广东省 the report came on time, 广州市 is behind on approvals, 1 approval is overdue, 2 phantom suspects.
"""

from __future__ import annotations

import io
import json
import threading

import sqlalchemy as sa
from click.testing import CliRunner
from pypdf import PdfReader

from cli.main import main
from dashboard import create_app
from notifications import digests
from queries import appdb, outbox
from notifications.channels import Message
from tests import fixture_briefing, fixture_records
from tests.apps import make_app
from tests.receivers import RobotReceiver, SmtpReceiver

NOW = "2025-06-10T09:00"
PUBLIC = "https://aidwatch.example.gov.cn"
SECRET = "SECa1b2c3d4e5f6-robot-signing-secret"
OTHER_PROVINCES = ("北京", "广西", "全国", "Nation")


def flat(text: str) -> str:
    return "".join(text.split())


def setup(backend, new_database, tmp_path, smtp, tables=fixture_briefing.TABLES, **config):
    """The registry of ``tables`` on ``backend``, the app DB on it too (PostgreSQL) or in a SQLite file; the
    users of tests/apps.py; and the environment ``aidwatch`` commands read."""
    registry = new_database(backend)
    app_db = new_database(backend) if backend == "postgresql" else f"sqlite:///{tmp_path / 'app.sqlite'}"
    app = make_app(registry, tables, tmp_path, APP_DB_URL=app_db, SMTP_URL=smtp.url,
                   PUBLIC_URL=PUBLIC, MAIL_FROM="aidwatch@example.gov.cn", **config)
    env = {"AIDWATCH_REGISTRY_URL": registry, "AIDWATCH_APP_DB_URL": app_db, "AIDWATCH_SECRET_KEY": "t" * 32,
           "AIDWATCH_INSTANCE_DIR": str(tmp_path / "instance"), "AIDWATCH_SMTP_URL": smtp.url,
           "AIDWATCH_MAIL_FROM": "aidwatch@example.gov.cn", "AIDWATCH_PUBLIC_URL": PUBLIC,
           "AIDWATCH_WARM_INTERVAL_S": "0", "AIDWATCH_DIGEST_INTERVAL_S": "0"}
    return app, env


def cli(env, *args, exit_code=0):
    result = CliRunner().invoke(main, list(args), env=env, catch_exceptions=False)
    assert result.exit_code == exit_code, result.output
    return result.output


def lines(mails) -> list[str]:
    """The sentences of each mail's plain text (``- …`` lines), mail by mail."""
    return [[line[2:] for line in m.get_body(("plain",)).get_content().splitlines() if line.startswith("- ")]
            for m in mails]


def personal_data() -> list[str]:
    """Every student's name and ID number in the registry: none may appear in a message, even in part."""
    students = fixture_briefing.TABLES["student"]
    return [s["name"] for s in students if s.get("name")] + [s["id_number"][-8:] for s in students
                                                             if s.get("id_number")]


def test_acceptance_one_scoped_message_each_however_often_the_round_runs(backend, new_database, tmp_path):
    with RobotReceiver({"gd-robot": SECRET}) as robots, SmtpReceiver() as smtp:
        app, env = setup(backend, new_database, tmp_path, smtp)
        secret_file = tmp_path / "secret"
        secret_file.write_text(SECRET + "\n")
        added = [
            cli(env, "subscriptions", "add", "gd", "--channel", "dingtalk", "--webhook",
                robots.url("dingtalk", "gd-robot"), "--secret-file", str(secret_file), "--at", "08:30"),
            cli(env, "subscriptions", "add", "leader", "--channel", "email", "--to", "leader@example.gov.cn",
                "--cadence", "weekly", "--lang", "en"),
            cli(env, "subscriptions", "add", "ministry", "--channel", "email", "--to", "office@example.gov.cn",
                "--cadence", "events"),
            cli(env, "subscriptions", "add", "gd", "--channel", "email", "--to", "gd@example.gov.cn",
                "--cadence", "events"),
        ]
        listing = cli(env, "subscriptions", "list")
        for shown in added + [listing]:
            assert SECRET not in shown and "gd-robot" not in shown  # the secret and the token never again
        assert "dingtalk\t127.0.0.1:" in listing and "leader@example.gov.cn" in listing

        first = cli(env, "digests", "run", "--now", NOW)
        second = cli(env, "digests", "run", "--now", NOW)
        assert "0 new, 0 sent" in second, second
        assert "0 failed" in first

        # the Guangdong supervisor's robot: one signed daily digest, Guangdong only
        [gd] = robots.texts("gd-robot")
        assert gd.startswith("#### 每日摘要 · 广东省 · 2025年6月10日")
        assert "截至2025年6月10日，广东省已于6月6日按时报送书面报告。" in gd
        assert "春季资助审批已于5月20日截止（已逾期14个工作日），尚未完成：广州市。" in gd
        assert f"({PUBLIC}/deadlines?as_of=2025-06-10&year=2025&province=44&deadline=spring_aid_approval)" in gd
        assert f"[打开看板]({PUBLIC}/briefing?as_of=2025-06-10&year=2025&province=44)" in gd
        assert not any(other in gd for other in OTHER_PROVINCES)
        assert "上次" not in gd  # counts are in the sentences; "since the last reminder" is for reminders

        # leadership: one weekly briefing, in English, HTML + text, with the briefing PDF
        [mail] = smtp.to("leader@example.gov.cn")
        assert mail["Subject"] == "Weekly briefing · Nation · 2025-06-10"
        assert mail["From"] == "aidwatch@example.gov.cn"
        text = mail.get_body(("plain",)).get_content()
        html = mail.get_body(("html",)).get_content()
        sentence = "Spring aid approval: 80.0% (4/5, 1 to go) done, 14 working days overdue"
        assert sentence in text and sentence in html
        assert "Written report (due 6 June) missing: Beijing." in text
        assert "Spring aid approval was due on 2025-05-20 (14 working day(s) ago); not done: Guangdong." in text
        [pdf] = [part for part in mail.iter_attachments() if part.get_content_type() == "application/pdf"]
        assert pdf.get_filename() == "briefing-2025-06-10.pdf"
        reader = PdfReader(io.BytesIO(pdf.get_content()))
        # pypdf reads this font's Latin text back as UTF-16 code units
        assert "80.0%(4/5)" in flat("".join(page.extract_text() for page in reader.pages).replace("\x00", ""))

        # a national event reaches the ministry and not the province
        ministry = [m.get_body(("plain",)).get_content() for m in smtp.to("office@example.gov.cn")]
        province = [m.get_body(("plain",)).get_content() for m in smtp.to("gd@example.gov.cn")]
        assert sum("6月6日书面报告未报送：北京市。" in m for m in ministry) == 1
        assert any("尚未完成：广东省。" in m for m in ministry)
        # approvals overdue, the report, status changes overdue, phantom suspects, records past the convention
        assert len(ministry) == 5
        assert any("全国：新生学籍超过监测口径审批期限未审批8人（上次0人）；逾期最多的省份：广东省（5）、广西壮族自治区（3）。"
                   f"\n  {PUBLIC}/records?as_of=2025-06-10&year=2025\n" in m.replace("\r\n", "\n") for m in ministry)
        assert len(province) == 4 and not any(other in m for m in province for other in OTHER_PROVINCES)
        assert any("广东省：疑似长期空挂学籍2人" in m for m in province)
        assert any("广东省：新生学籍超过监测口径审批期限未审批5人（上次0人）；逾期最多的地市：广州市（4）、深圳市（1）。" in m
                   for m in province)

        everything = [gd] + [m.get_body((part,)).get_content() for _, m in smtp.messages for part in ("plain", "html")]
        assert not any(p in message for message in everything for p in personal_data())

        # every send and every change audited, without the webhook's token or the secret
        engine = app.server.extensions["aidwatch_app_db"]
        sends = appdb.audit_rows(engine, None, action="digest_send")
        assert len(sends) == 1 + 1 + 5 + 4
        robot = next(r for r in sends if r["params"]["channel"] == "dingtalk")
        assert robot["username"] == "gd" and robot["scope"] == "province:44"
        assert robot["params"]["event"] == "daily:2025-06-10" and robot["params"]["status"] == "sent"
        assert robot["params"]["recipient"].startswith("127.0.0.1:")
        assert len(appdb.audit_rows(engine, None, action="subscription_add")) == 4
        log = json.dumps(appdb.audit_rows(engine, None), ensure_ascii=False, default=str)
        assert SECRET not in log and "gd-robot" not in log


def test_two_app_servers_send_a_digest_once(backend, new_database, tmp_path):
    """Two app servers (each its own app and engines) run their rounds at once over one app DB."""
    with RobotReceiver() as robots, SmtpReceiver() as smtp:
        app, env = setup(backend, new_database, tmp_path, smtp)
        other = create_app(dict(app.server.config["AIDWATCH_DIGESTS"], REGISTRY_URL=env["AIDWATCH_REGISTRY_URL"],
                                APP_DB_URL=env["AIDWATCH_APP_DB_URL"], SECRET_KEY="t" * 32, DEMO=False,
                                INSTANCE_DIR=str(tmp_path / "other")))
        engine = app.server.extensions["aidwatch_app_db"]
        assert engine is not other.server.extensions["aidwatch_app_db"]
        outbox.add(engine, "gd", "wecom", robots.url("wecom", "gd-group"), "daily")
        outbox.add(engine, "leader", "email", "leader@example.gov.cn", "daily")
        now = digests.local(digests.dt.datetime.fromisoformat(NOW))
        start, results = threading.Barrier(2), []

        def server(a):
            start.wait()
            results.append(digests.run_round(a, now))

        threads = [threading.Thread(target=server, args=(a,)) for a in (app, other)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert len(robots.texts("gd-group")) == 1 and len(smtp.to("leader@example.gov.cn")) == 1
        assert sum(r.sent for r in results) == 2 and sum(r.failed for r in results) == 0
        assert [r["status"] for r in outbox.rows(engine)] == ["sent", "sent"]

        # a server that dies mid-send leaves its claim; once the claim expires another round sends it
        sub = outbox.add(engine, "ministry", "email", "office@example.gov.cn", "events")
        row = outbox.enqueue(engine, outbox.get(engine, sub, with_secrets=True), "test:crash", "test",
                             Message("测试", "测试", "测试", "<p>测试</p>", PUBLIC))
        assert outbox.claim(engine, row) is not None
        assert outbox.claim(other.server.extensions["aidwatch_app_db"], row) is None  # taken
        digests.send_row(other, row, digests.RoundResult())
        assert smtp.to("office@example.gov.cn") == []
        with engine.begin() as conn:
            conn.execute(outbox.outbox.update().where(outbox.outbox.c.id == row).values(
                claimed_until=outbox._now() - outbox.LEASE))
        digests.send_row(other, row, digests.RoundResult())
        assert len(smtp.to("office@example.gov.cn")) == 1
        assert outbox.rows(engine, sub)[0]["attempts"] == 2


def test_events_as_a_deadline_nears_and_passes_each_sent_once(tmp_path, new_database):
    """The ministry's reminders on Wed 4 June (the written report due Fri 6 June, 2 working days left, no
    province has sent it; spring aid approval, due 20 May, 10 working days overdue: 21–23 and 26–30 May, 3–4 June,
    the Dragon Boat days 31 May – 2 June off) and on Tue 10 June (北京市 still missing it). Counts that did not rise since the
    last message (phantom suspects: 3 on both days; approvals overdue: 1; records past the convention: 8, all due by
    20 May) are not news the second time."""
    with SmtpReceiver() as smtp:
        app, _ = setup("sqlite", new_database, tmp_path, smtp)
        engine = app.server.extensions["aidwatch_app_db"]
        outbox.add(engine, "ministry", "email", "office@example.gov.cn", "events")
        digests.run_round(app, digests.dt.datetime(2025, 6, 4, 9, 0))
        first = sorted(m.get_body(("plain",)).get_content().split("\n")[2] for m in smtp.to("office@example.gov.cn"))
        assert first == [
            "- 全国：学籍异动逾期未办理或未审批1条（上次0条）。",
            "- 全国：新生学籍超过监测口径审批期限未审批8人（上次0人）；逾期最多的省份：广东省（5）、广西壮族自治区（3）。",
            "- 全国：疑似长期空挂学籍3人（上次0人）。",
            "- 春季资助审批已于5月20日截止（已逾期10个工作日），尚未完成：广东省。",  # 21–23, 26–30 May, 3–4 June
            "- 省级书面报告将于6月6日截止（还剩2个工作日），进度落后：北京市、广东省、广西壮族自治区。",
        ]
        assert digests.run_round(app, digests.dt.datetime(2025, 6, 4, 15, 0)).enqueued == 0
        digests.run_round(app, digests.dt.datetime(2025, 6, 10, 9, 0))
        later = [m.get_body(("plain",)).get_content().split("\n")[2] for m in smtp.to("office@example.gov.cn")[5:]]
        assert later == ["- 6月6日书面报告未报送：北京市。"]


def test_a_subscription_covers_its_areas_only(backend, new_database, tmp_path):
    """As of 10 June 2025 the ministry's events are the five of the acceptance test; a subscription limited
    to duplicates (none open, none overdue) gets no event and a digest of the duplicate sentence alone, one
    limited to records only the records event; a narrowed weekly mail goes without the whole briefing's PDF."""
    with SmtpReceiver() as smtp:
        app, env = setup(backend, new_database, tmp_path, smtp)
        add = ("subscriptions", "add", "ministry", "--channel", "email", "--to")
        assert "events, zh, duplicates" in cli(env, *add, "dup@example.gov.cn", "--cadence", "events",
                                                "--areas", "duplicates")
        cli(env, *add, "rec@example.gov.cn", "--cadence", "events", "--areas", " records ,")
        cli(env, *add, "daily@example.gov.cn", "--areas", "duplicates")
        cli(env, *add, "weekly@example.gov.cn", "--cadence", "weekly", "--areas", "backlog,duplicates")
        cli(env, *add, "all@example.gov.cn", "--cadence", "events")
        listing = cli(env, "subscriptions", "list")
        assert "\tevents\t08:30\tzh\tduplicates\tactive" in listing and "\tduplicates,backlog\t" in listing
        assert "\tall areas\t" in listing and "\trecords\t" in listing
        for bad, said in (("duplicates,deadlines", "unknown area 'deadlines'"), (",", "at least one area")):
            out = cli(env, *add, "x@example.gov.cn", "--areas", bad, exit_code=2)
            assert "--areas" in out and said in out and "registration, approvals, rollout" in out
        assert len(outbox.listing(app.server.extensions["aidwatch_app_db"])) == 5

        cli(env, "digests", "run", "--now", NOW)
        assert smtp.to("dup@example.gov.cn") == [] and len(smtp.to("all@example.gov.cn")) == 5
        assert lines(smtp.to("rec@example.gov.cn")) == [
            ["全国：新生学籍超过监测口径审批期限未审批8人（上次0人）；逾期最多的省份：广东省（5）、广西壮族自治区（3）。"]]
        assert lines(smtp.to("daily@example.gov.cn")) == [["重复资助比对结果均已办结。"]]
        [weekly] = smtp.to("weekly@example.gov.cn")
        assert lines([weekly]) == [["重复资助比对结果均已办结。", "学籍异动逾期未办理0条、逾期未审批1条，疑似长期空挂学籍3人。"]]
        assert list(weekly.iter_attachments()) == []


def test_an_app_db_made_before_areas_gets_the_column(backend, new_database, tmp_path):
    """An app DB whose subscription table predates ``areas``: the next start adds it, and the subscriptions
    it held cover every area."""
    url = new_database(backend) if backend == "postgresql" else f"sqlite:///{tmp_path / 'app.sqlite'}"
    engine = appdb.app_engine(url)
    appdb.init_db(engine)
    appdb.add_user(engine, "ministry", "ministry", None, "correct-horse-42")
    old = outbox.add(engine, "ministry", "email", "office@example.gov.cn", "daily")
    with engine.begin() as conn:
        conn.execute(sa.text("ALTER TABLE subscription DROP COLUMN areas"))
    assert "areas" not in {c["name"] for c in sa.inspect(engine).get_columns("subscription")}
    assert appdb.add_missing_columns(engine) == ["subscription.areas"]
    appdb.init_db(engine)  # nothing left to add
    assert outbox.get(engine, old)["areas"] == outbox.AREAS == (
        "registration", "approvals", "rollout", "duplicates", "backlog", "inspections", "records", "graduation",
        "funding")
    new = outbox.add(engine, "ministry", "email", "office@example.gov.cn", "events", areas=["records", "duplicates"])
    assert [s["areas"] for s in outbox.active(engine)] == [outbox.AREAS, ("duplicates", "records")]
    engine.dispose()
    assert new == old + 1


def test_record_and_graduate_approvals_overdue_rising(backend, new_database, tmp_path):
    """tests/fixture_records.py on Mon 19 and Tue 20 Oct 2026 (the snapshot). Records past the convention:
    r303 (广州, due 18 May) and r313 (南宁, due 2 Mar) on both days (r305 is due on the 20th) → 2, not news
    the second day. Graduates: g322's upload (广州, due 14 Jul), the approvals of g321 (广州, due 3 Aug) and
    g328 (南宁, due 16 Jul) → 3 on the 19th; g326's approval (广州, due 19 Oct) is overdue on the 20th → 4."""
    with SmtpReceiver() as smtp:
        app, env = setup(backend, new_database, tmp_path, smtp, fixture_records.TABLES)
        engine = app.server.extensions["aidwatch_app_db"]
        outbox.add(engine, "ministry", "email", "office@example.gov.cn", "events", lang="en",
                   areas=["records", "graduation"])
        outbox.add(engine, "gd", "email", "gd@example.gov.cn", "events", areas=["records", "graduation"])
        for day in ("2026-10-19T09:00", "2026-10-20T09:00"):
            cli(env, "digests", "run", "--now", day)
        view = "as_of=2026-10-19&year=2026"
        assert lines(smtp.to("office@example.gov.cn")) == [
            ["Nation: 2 new-student record(s) awaiting approval past the dashboard's convention (was 0); most "
             "behind: Guangdong (1), Guangxi (1)."],
            ["Nation: 3 graduate(s) not uploaded or not approved past the convention (was 0); most behind: "
             "Guangdong (2), Guangxi (1)."],
            ["Nation: 4 graduate(s) not uploaded or not approved past the convention (was 3); most behind: "
             "Guangdong (3), Guangxi (1)."]]
        assert lines(smtp.to("gd@example.gov.cn")) == [
            ["广东省：新生学籍超过监测口径审批期限未审批1人（上次0人）；逾期最多的地市：广州市（1）。"],
            ["广东省：毕业生数据逾期未上传或未审批2人（上次0人）；逾期最多的地市：广州市（2）。"],
            ["广东省：毕业生数据逾期未上传或未审批3人（上次2人）；逾期最多的地市：广州市（3）。"]]
        first = smtp.to("office@example.gov.cn")[0].get_body(("plain",)).get_content()
        assert f"{PUBLIC}/records?{view}&lang=en" in first
        assert f"{PUBLIC}/records?as_of=2026-10-20&year=2026&province=44" in \
            smtp.to("gd@example.gov.cn")[2].get_body(("plain",)).get_content()
        everything = [m.get_body((part,)).get_content() for _, m in smtp.messages for part in ("plain", "html")]
        people = [s["name"] for s in fixture_records.STUDENTS] + [s["id_number"][-8:] for s in fixture_records.STUDENTS]
        assert len(everything) == 12 and not any(p in m for m in everything for p in people)
