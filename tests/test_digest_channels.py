"""Each channel against a real receiver on a loopback port: the robots' answers (success, rate limit, bad
signature, server error) and what the outbox makes of them; a robot's 20 messages a minute; WeCom's 4,096
bytes; mail without a server (the demo) and with one that is down; an owner disabled or moved.
The outbox's once-only claims are shown on SQLite and PostgreSQL in tests/test_digests.py.
"""

from __future__ import annotations

import datetime as dt
import logging
import ssl
import subprocess


from bench.load import free_port
from notifications import digests
from queries import appdb, outbox
from notifications.channels import Message, WECOM_MAX_BYTES, wecom_content
from tests import fixture_briefing
from tests.apps import make_app
from tests.receivers import RobotReceiver, SmtpReceiver

SECRET = "SECa1b2c3d4e5f6-robot-signing-secret"
PUBLIC = "https://aidwatch.example.gov.cn"
NOTE = Message("提醒", "#### 提醒\n\n- 测试", "提醒\n- 测试", "<p>测试</p>", PUBLIC + "/briefing")


def app_over(tmp_path, **config):
    return make_app(f"sqlite:///{tmp_path / 'registry.sqlite'}", fixture_briefing.TABLES, tmp_path,
                    PUBLIC_URL=PUBLIC, **config)


def send(app, sub_id: int, key: str, message: Message = NOTE) -> dict:
    engine = app.server.extensions["aidwatch_app_db"]
    row = outbox.enqueue(engine, outbox.get(engine, sub_id, with_secrets=True), key, "test", message)
    digests.send_row(app, row, digests.RoundResult())
    return next(r for r in outbox.rows(engine, sub_id) if r["id"] == row)


def make_due(engine, row: dict) -> None:
    with engine.begin() as conn:
        conn.execute(outbox.outbox.update().where(outbox.outbox.c.id == row["id"]).values(
            next_attempt_at=outbox._now() - dt.timedelta(seconds=1)))


def test_dingtalk_answers_and_what_the_outbox_does_with_them(tmp_path):
    with RobotReceiver({"good": SECRET, "bad": SECRET}) as robots:
        app = app_over(tmp_path)
        engine = app.server.extensions["aidwatch_app_db"]
        wrong = outbox.add(engine, "gd", "dingtalk", robots.url("dingtalk", "bad"), "events", secret="SECwrong")
        right = outbox.add(engine, "gd", "dingtalk", robots.url("dingtalk", "good"), "events", secret=SECRET)

        # a wrong signing secret: 310000, given up at once (retrying cannot fix it), shown as failing
        row = send(app, wrong, "a")
        assert (row["status"], row["attempts"]) == ("failed", 1)
        assert row["result"] == "dingtalk: errcode 310000 sign not match"
        assert [s["id"] for s in outbox.listing(engine, failing=True)] == [wrong]

        # rate limited (130101): back in a minute; then a server error (HTTP 500): back in two; then sent
        robots.script = ["rate_limit"]
        row = send(app, right, "b")
        assert (row["status"], row["attempts"], row["result"]) == ("pending", 1, "dingtalk: errcode 130101 send too fast")
        wait = outbox._utc(row["next_attempt_at"]) - outbox._now()
        assert dt.timedelta(seconds=50) < wait <= dt.timedelta(minutes=1)
        assert outbox.claim(engine, row["id"]) is None  # not due yet
        make_due(engine, row)
        robots.script = ["server_error"]
        digests.send_row(app, row["id"], digests.RoundResult())
        row = outbox.rows(engine, right)[0]
        assert (row["status"], row["attempts"], row["result"]) == ("pending", 2, "dingtalk: HTTP 500")
        assert dt.timedelta(seconds=110) < outbox._utc(row["next_attempt_at"]) - outbox._now() <= dt.timedelta(minutes=2)
        make_due(engine, row)
        digests.send_row(app, row["id"], digests.RoundResult())
        row = outbox.rows(engine, right)[0]
        assert (row["status"], row["attempts"]) == ("sent", 3)
        assert robots.texts("good") == ["#### 提醒\n\n- 测试"] and robots.texts("bad") == []
        assert [s["id"] for s in outbox.listing(engine, failing=True)] == [wrong]  # a success clears it

        results = [r["params"]["status"] for r in appdb.audit_rows(engine, None, action="digest_send", oldest_first=True)]
        assert results == ["failed", "pending", "pending", "sent"]

        # pausing a failing subscription (what the ministry admin does) stops it
        outbox.set_paused(engine, wrong, True)
        assert [s["id"] for s in outbox.active(engine)] == [right]


def test_a_robot_gets_at_most_20_messages_a_minute(tmp_path):
    with RobotReceiver() as robots:
        app = app_over(tmp_path)
        engine = app.server.extensions["aidwatch_app_db"]
        sub = outbox.add(engine, "ministry", "dingtalk", robots.url("dingtalk", "busy"), "events")
        for n in range(22):
            outbox.enqueue(engine, outbox.get(engine, sub, with_secrets=True), f"event:{n}", "test", NOTE)
        result = digests.RoundResult()
        for row_id in outbox.claimable(engine):
            digests.send_row(app, row_id, result)
        assert (result.sent, result.retrying, len(robots.texts("busy"))) == (20, 2, 20)
        held = [r for r in outbox.rows(engine, sub) if r["status"] == "pending"]
        assert [(r["attempts"], r["result"]) for r in held] == [
            (0, "held back: 20 messages to this robot in the last minute")] * 2
        assert robots.requests == 20  # held back here, not refused by the robot


def test_wecom_markdown_is_cut_under_4096_bytes_with_a_link_to_the_rest(tmp_path):
    long = Message("提醒", "\n".join(f"- 第{n}行：广东省逾期未办结的比对结果" for n in range(400)), "", "",
                   PUBLIC + "/duplicates?as_of=2025-06-10&province=44")
    content = wecom_content(long, "zh")
    assert len(content.encode()) < WECOM_MAX_BYTES < len(long.markdown.encode())
    assert content.endswith(f"……[查看全文]({PUBLIC}/duplicates?as_of=2025-06-10&province=44)")
    assert "\n- 第" in content and content.split("\n\n……")[0].endswith("比对结果")  # cut at a line's end
    with RobotReceiver() as robots:
        app = app_over(tmp_path)
        engine = app.server.extensions["aidwatch_app_db"]
        sub = outbox.add(engine, "gd", "wecom", robots.url("wecom", "group"), "events")
        assert send(app, sub, "long", long)["status"] == "sent"
        assert robots.texts("group") == [content]


def test_mail_without_a_server_is_logged_and_a_server_down_is_retried(tmp_path, caplog):
    app = app_over(tmp_path, SMTP_URL=None)
    engine = app.server.extensions["aidwatch_app_db"]
    sub = outbox.add(engine, "leader", "email", "leader@example.gov.cn", "events")
    with caplog.at_level(logging.INFO, logger="aidwatch.digests"):
        row = send(app, sub, "demo")
    assert (row["status"], row["result"]) == ("sent", "logged: AIDWATCH_SMTP_URL is not set")
    assert "logged, not sent" in caplog.text and "提醒\n- 测试" in caplog.text

    app.server.config["AIDWATCH_DIGESTS"]["SMTP_URL"] = f"smtp://127.0.0.1:{free_port()}"  # nothing listens
    row = send(app, sub, "down")
    assert row["status"] == "pending" and row["result"].startswith("email: ConnectionRefusedError")


def test_content_follows_the_owner_now_a_moved_or_disabled_owner(tmp_path):
    with SmtpReceiver() as smtp:
        app = app_over(tmp_path, SMTP_URL=smtp.url)
        engine = app.server.extensions["aidwatch_app_db"]
        outbox.add(engine, "gd", "email", "gd@example.gov.cn", "daily", "08:30")
        digests.run_round(app, dt.datetime(2025, 6, 10, 9, 0))
        with engine.begin() as conn:  # the account now supervises Guangxi
            conn.execute(appdb.app_user.update().where(appdb.app_user.c.username == "gd").values(province_code="45"))
        digests.run_round(app, dt.datetime(2025, 6, 11, 9, 0))
        appdb.set_disabled(engine, "gd", True)
        assert digests.run_round(app, dt.datetime(2025, 6, 12, 9, 0)).enqueued == 0
        subjects = [m["Subject"] for m in smtp.to("gd@example.gov.cn")]
        # the content is as of the snapshot (10 June) when the clock is past it
        assert subjects == ["每日摘要 · 广东省 · 2025年6月10日", "每日摘要 · 广西壮族自治区 · 2025年6月10日"]
        second = smtp.to("gd@example.gov.cn")[1].get_body(("plain",)).get_content()
        assert "广东" not in second


def test_mail_goes_over_starttls_to_a_server_whose_certificate_is_checked(tmp_path):
    """A server that offers STARTTLS (and requires it), with a certificate from an internal CA: trusted
    through AIDWATCH_SMTP_CA_FILE, the mail goes encrypted; without it the certificate is refused."""
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=127.0.0.1",
                    "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", str(key), "-out", str(cert)],
                   check=True, capture_output=True)
    tls = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    tls.load_cert_chain(cert, key)
    with SmtpReceiver(tls) as smtp:
        app = app_over(tmp_path, SMTP_URL=smtp.url)
        engine = app.server.extensions["aidwatch_app_db"]
        sub = outbox.add(engine, "leader", "email", "leader@example.gov.cn", "events")
        row = send(app, sub, "untrusted")
        assert row["status"] == "pending" and "CERTIFICATE_VERIFY_FAILED" in row["result"]
        app.server.config["AIDWATCH_DIGESTS"]["SMTP_CA_FILE"] = str(cert)
        assert send(app, sub, "trusted")["status"] == "sent"
        assert smtp.encrypted == [True] and smtp.to("leader@example.gov.cn")[0]["Subject"] == "提醒"
