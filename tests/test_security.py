"""Accounts, sessions, the audit log and security headers: the defences listed in docs/security.md.

Login throttling, lockout and unlock, idle and absolute session timeouts on a
clock the test moves, session fixation, the audit rows of case-list views
(with the fixtures' known case counts) and the ``aidwatch audit`` command.
"""

from __future__ import annotations

import csv
import datetime as dt
import io

import openpyxl
import pandas as pd
import pytest
from click.testing import CliRunner

from cli.main import main as cli
from aidwatch.config import from_env
from aidwatch.spreadsheet import defuse, defuse_frame
from queries import appdb
from dashboard.auth import MSG_EXPIRED, MSG_THROTTLED
from tests import fixture_backlog, fixture_deadlines, fixture_duplicates, fixture_rollout
from tests.apps import login as app_login
from tests.apps import make_app, post_content
from tests.conftest import BACKENDS
from tests.test_auth import PASSWORD, login, make_server

WRONG = "wrong-password-123"


class Clock:
    """A clock the test moves by hand: the app reads it for session times."""

    def __init__(self, start: float = 1_750_000_000.0):
        self.now = start

    def __call__(self) -> float:
        return self.now

    def advance(self, minutes: float = 0, hours: float = 0) -> None:
        self.now += minutes * 60 + hours * 3600


@pytest.fixture
def users(app_db):
    appdb.add_user(app_db, "alice", "province", "44", PASSWORD)
    appdb.add_user(app_db, "boss", "leadership", None, PASSWORD)
    return app_db


def cli_run(args, ok=True):
    result = CliRunner().invoke(cli, args)
    if ok:
        assert result.exit_code == 0, result.output + repr(result.exception)
    return result


# --- configuration ----------------------------------------------------------------------------


def test_settings_from_the_environment():
    cfg = from_env({"AIDWATCH_COOKIE_SECURE": "1", "AIDWATCH_IDLE_MINUTES": "15", "AIDWATCH_SESSION_HOURS": "8",
                    "AIDWATCH_LOGIN_RATE": "5 per minute", "AIDWATCH_TRUSTED_PROXIES": "1"})
    assert (cfg["SESSION_COOKIE_SECURE"], cfg["IDLE_MINUTES"], cfg["SESSION_HOURS"], cfg["LOGIN_RATE"],
            cfg["TRUSTED_PROXIES"]) == (True, 15, 8, "5 per minute", 1)
    defaults = from_env({})
    assert (defaults["SESSION_COOKIE_SECURE"], defaults["IDLE_MINUTES"], defaults["SESSION_HOURS"],
            defaults["TRUSTED_PROXIES"]) == (False, 30, 12, 0)


# --- brute force: throttle per address, lock per account --------------------------------------


def test_login_posts_are_throttled_per_address(users, tmp_path):
    client = make_server(users, tmp_path, LOGIN_RATE="3 per minute").test_client()
    for _ in range(3):
        assert login(client, password=WRONG).status_code == 200
    r = login(client)  # the right password, but the fourth post this minute
    assert r.status_code == 429 and MSG_THROTTLED in r.get_data(as_text=True)
    assert client.get("/").status_code == 302  # not logged in
    assert client.get("/login").status_code == 200  # the form itself is never throttled
    row = appdb.audit_rows(users, 1)[0]
    assert (row["username"], row["action"], row["params"]["ip"]) == ("alice", "login_throttled", "127.0.0.1")
    # another address has its own budget
    other = make_server(users, tmp_path, LOGIN_RATE="3 per minute").test_client()
    other.environ_base["REMOTE_ADDR"] = "10.0.0.2"
    assert login(other, "boss").status_code == 302


def test_throttle_is_shared_by_app_servers_through_redis(users, tmp_path, redis_url):
    a = make_server(users, tmp_path, LOGIN_RATE="3 per minute", CACHE_URL=redis_url).test_client()
    b = make_server(users, tmp_path, LOGIN_RATE="3 per minute", CACHE_URL=redis_url).test_client()
    assert login(a, password=WRONG).status_code == 200
    assert login(a, password=WRONG).status_code == 200
    assert login(b, password=WRONG).status_code == 200
    assert login(b).status_code == 429  # b counted a's two attempts
    # without the shared store each server counts alone
    c = make_server(users, tmp_path, LOGIN_RATE="3 per minute").test_client()
    assert login(c, "boss").status_code == 302


def test_forwarded_address_is_trusted_only_behind_a_configured_proxy(users, tmp_path):
    direct = make_server(users, tmp_path, LOGIN_RATE="2 per minute")
    proxied = make_server(users, tmp_path, LOGIN_RATE="2 per minute", TRUSTED_PROXIES=1)
    for server, expect_last in ((direct, 429), (proxied, 302)):
        statuses = []
        for i in range(3):
            client = server.test_client()
            client.environ_base["HTTP_X_FORWARDED_FOR"] = f"203.0.113.{i}"
            statuses.append(login(client, "boss", password=PASSWORD if i == 2 else WRONG).status_code)
        # without a trusted proxy the forged header changes nothing: one address, three posts
        assert statuses == [200, 200, expect_last]


def test_lockout_and_unlock_command(users, tmp_path):
    client = make_server(users, tmp_path).test_client()
    for _ in range(appdb.MAX_FAILED_LOGINS):
        login(client, password=WRONG)
    assert login(client).status_code == 200  # the right password, refused while locked
    url = str(users.url)
    out = cli_run(["users", "--app-db", url, "list"]).output
    assert "alice" in out and "until " in out  # list shows the lock
    assert cli_run(["users", "--app-db", url, "unlock", "alice"]).output.strip() == "unlocked alice"
    assert login(client).status_code == 302
    row = appdb.audit_rows(users, 1, action="user_unlock")[0]
    assert row["username"].startswith("cli:") and row["params"] == {"user": "alice"}


def test_unlock_does_not_enable_a_disabled_account(users):
    appdb.set_disabled(users, "alice", True)
    appdb.unlock(users, "alice")
    assert appdb.verify(users, "alice", PASSWORD) is None
    with pytest.raises(ValueError, match="no user"):
        appdb.unlock(users, "nobody")


def test_cli_disable_ends_a_live_session(users, tmp_path):
    client = make_server(users, tmp_path).test_client()
    login(client)
    assert client.get("/").status_code == 200
    cli_run(["users", "--app-db", str(users.url), "disable", "alice"])
    assert client.get("/").status_code == 302
    assert client.post("/_dash-update-component", json={}).status_code == 401
    assert appdb.audit_rows(users, 1, action="user_disable")[0]["params"] == {"user": "alice"}


# --- sessions: idle, too old, fixation --------------------------------------------------------


def test_idle_session_ends_after_the_idle_time(users, tmp_path):
    clock = Clock()
    client = make_server(users, tmp_path, IDLE_MINUTES=30, CLOCK=clock).test_client()
    login(client)
    for _ in range(3):  # active every 29 minutes: 87 minutes in all, still logged in
        clock.advance(minutes=29)
        assert client.get("/").status_code == 200
    clock.advance(minutes=30.5)  # without a request
    r = client.get("/")
    assert r.status_code == 302 and r.headers["Location"] == "/login?next=/&expired=1"
    assert MSG_EXPIRED in client.get(r.headers["Location"]).get_data(as_text=True)
    assert client.get("/").headers["Location"] == "/login?next=/"  # gone for good, not expired twice
    row = appdb.audit_rows(users, 1)[0]
    assert (row["username"], row["action"], row["params"]["reason"]) == ("alice", "session_expired", "idle")


def test_idle_session_gets_401_from_dash(users, tmp_path):
    clock = Clock()
    client = make_server(users, tmp_path, IDLE_MINUTES=30, CLOCK=clock).test_client()
    login(client)
    clock.advance(minutes=31)
    r = client.post("/_dash-update-component", json={})
    assert r.status_code == 401 and r.get_json() == {"error": "session expired"}


def test_session_ends_after_its_maximum_age_however_active(users, tmp_path):
    clock = Clock()
    client = make_server(users, tmp_path, IDLE_MINUTES=30, SESSION_HOURS=1, CLOCK=clock).test_client()
    login(client)
    for _ in range(3):
        clock.advance(minutes=20)
        assert client.get("/").status_code == 200  # 60 minutes
    clock.advance(minutes=1)
    assert client.get("/").status_code == 302
    assert appdb.audit_rows(users, 1)[0]["params"]["reason"] == "max_age"


def test_session_without_timestamps_is_refused(users, tmp_path):
    """A signed cookie with a user id but no login time (older code, or a key leak) is not a session."""
    client = make_server(users, tmp_path).test_client()
    login(client)
    with client.session_transaction() as session:
        del session["_aw_seen"]
    assert client.get("/").status_code == 302


def test_login_starts_a_fresh_session(users, tmp_path):
    """Session fixation: nothing set before the login survives it, and the cookie changes."""
    client = make_server(users, tmp_path).test_client()
    client.get("/login")
    with client.session_transaction() as session:
        session["planted"] = "by-an-attacker"
    before = client.get_cookie("session").value
    login(client)
    with client.session_transaction() as session:
        assert "planted" not in session and session["_aw_t0"] == session["_aw_seen"]
    assert client.get_cookie("session").value != before


def test_cookie_lifetime_is_the_idle_time(users, tmp_path):
    client = make_server(users, tmp_path, IDLE_MINUTES=20).test_client()
    r = login(client)
    cookie = r.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Expires=" in cookie
    expires = client.get_cookie("session").expires
    left = expires - dt.datetime.now(dt.timezone.utc)
    assert dt.timedelta(minutes=19) < left <= dt.timedelta(minutes=20)


# --- the audit log: case-list views and the `aidwatch audit` command -------------------------

#: page prefix, fixture, view showing a school's case list, lists and their rows (the fixtures' known answers)
CASE_VIEWS = [
    # 欧阳美玲 and 王五 had not registered by 30 April (tests/test_scope_http.py)
    ("dl", fixture_deadlines, {"as_of": "2025-04-30", "year": "2025", "school": "1",
                               "deadline": "spring_registration"}, {"deadline_cases": 2}),
    # c7, then suspects 207 and 208 (tests/test_backlog.py)
    ("bl", fixture_backlog, {"as_of": "2025-10-20", "school": "2"}, {"status_changes": 1, "phantom_suspects": 2}),
    # 欧阳美玲 and 张小明, September batch (tests/test_duplicates.py)
    ("dup", fixture_duplicates, {"as_of": "2025-11-26", "year": "2025", "school": "1", "batch": "2025-09"},
     {"duplicate_cases": 2}),
    # 周*, 王*, 欧**玲: priority students without a grant (tests/test_rollout.py)
    ("ro", fixture_rollout, {"as_of": "2025-06-10", "school": "1"}, {"priority_cases": 3}),
]
EXPORT_OF = {"dl": "deadlines", "bl": "backlog", "dup": "duplicates", "ro": "rollout"}


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize("prefix,fixture,view,lists", CASE_VIEWS, ids=[v[0] for v in CASE_VIEWS])
def test_every_case_list_view_is_audited(prefix, fixture, view, lists, backend, new_database, tmp_path):
    app = make_app(new_database(backend), fixture.TABLES, tmp_path)
    app_db = app.server.extensions["aidwatch_app_db"]
    client = app_login(app.server.test_client(), "gd")
    response = post_content(client, prefix, view)
    assert response.status_code == 200
    row = appdb.audit_rows(app_db, 1)[0]
    assert (row["username"], row["action"], row["scope"]) == ("gd", "view_cases", "province:44")
    assert row["params"] == {**view, "page": prefix, "lists": lists}
    assert row["row_count"] == sum(lists.values())
    # the export of the same view: its own audit row, with the same number of rows
    query = "&".join(f"{k}={v}" for k, v in view.items())
    export = client.get(f"/export/{EXPORT_OF[prefix]}.csv?{query}")
    assert export.status_code == 200 and int(export.headers["X-Row-Count"]) == sum(lists.values())
    row = appdb.audit_rows(app_db, 1)[0]
    assert (row["action"], row["row_count"]) == (f"export:{EXPORT_OF[prefix]}.csv", sum(lists.values()))
    # aggregates are not case lists: a city view writes no audit row
    before = len(appdb.audit_rows(app_db, None))
    post_content(client, prefix, {**{k: v for k, v in view.items() if k != "school"}, "province": "44"})
    assert len(appdb.audit_rows(app_db, None)) == before
    # leadership sees no case list, so nothing to audit either
    leader = app_login(app.server.test_client(), "leader")
    assert "440106" not in post_content(leader, prefix, view).get_data(as_text=True)
    assert [(r["username"], r["action"]) for r in appdb.audit_rows(app_db, None)[:2]] == [
        ("leader", "login"), ("gd", "export:" + EXPORT_OF[prefix] + ".csv")]


def test_case_lists_are_not_shown_when_the_audit_cannot_be_written(new_database, tmp_path, monkeypatch):
    app = make_app(new_database("sqlite"), fixture_deadlines.TABLES, tmp_path)
    client = app_login(app.server.test_client(), "ministry")

    def broken(*args, **kwargs):
        raise RuntimeError("app database down")

    monkeypatch.setattr(appdb, "audit", broken)
    body = post_content(client, "dl", CASE_VIEWS[0][2]).get_data(as_text=True)
    assert "440106********4567" not in body and "aw-message" in body


def test_audit_cli_lists_filters_and_exports(users, tmp_path):
    appdb.audit(users, "alice", "login", "province:44", {"ip": "10.0.0.1"})
    appdb.audit(users, "alice", "view_cases", "province:44", {"page": "dl", "school": "1"}, 2)
    appdb.audit(users, "boss", "export:deadlines.csv", "leadership", {"city": "440100"}, 3)
    appdb.audit(users, "=cmd|' /C calc'!A0", "login_failed", None, {"ip": "10.0.0.9"})
    with users.begin() as conn:  # the first row happened last year
        conn.execute(appdb.audit_log.update().where(appdb.audit_log.c.action == "login").values(
            at=dt.datetime(2024, 12, 31, 23, 0, tzinfo=dt.timezone.utc)))
    url = str(users.url)

    def listed(*args):
        lines = cli_run(["audit", "--app-db", url, "list", *args]).output.splitlines()
        assert lines[0].split("\t") == ["id", "at", "username", "action", "scope", "row_count", "params"]
        return [line.split("\t") for line in lines[1:]]

    rows = listed()
    assert [r[3] for r in rows] == ["login_failed", "export:deadlines.csv", "view_cases", "login"]  # newest first
    assert [r[3] for r in listed("--user", "alice")] == ["view_cases", "login"]
    assert [(r[3], r[5]) for r in listed("--action", "export")] == [("export:deadlines.csv", "3")]
    assert [r[3] for r in listed("--since", "2025-01-01")] == ["login_failed", "export:deadlines.csv", "view_cases"]
    assert listed("--user", "alice", "--since", "2025-01-01T00:00:00")[0][6] == '{"page": "dl", "school": "1"}'
    assert cli_run(["audit", "--app-db", url, "list", "--user", "nobody"]).output.strip() == "no audit rows match"
    bad = cli_run(["audit", "--app-db", url, "list", "--since", "yesterday"], ok=False)
    assert bad.exit_code == 2 and "not a date" in bad.output

    out = tmp_path / "audit.csv"
    cli_run(["audit", "--app-db", url, "export", "--out", str(out)])
    table = list(csv.reader(io.StringIO(out.read_text(encoding="utf-8-sig"))))
    assert table[0] == ["id", "at", "username", "action", "scope", "row_count", "params"]
    assert [r[3] for r in table[1:]] == ["login", "view_cases", "export:deadlines.csv", "login_failed"]  # oldest first
    assert table[1][1] == "2024-12-31 23:00:00"
    assert table[4][2] == "'=cmd|' /C calc'!A0"  # a typed username cannot become a formula
    only = cli_run(["audit", "--app-db", url, "export", "--action", "view_cases", "--out", "-"]).output
    assert only.splitlines()[1].split(",")[3] == "view_cases" and len(only.splitlines()) == 2


def test_spreadsheet_formulas_are_defused():
    assert [defuse(v) for v in ("=1+1", "+1", "-1", "@SUM(A1)", "\t=1", "广州", "", 5, None)] == [
        "'=1+1", "'+1", "'-1", "'@SUM(A1)", "'\t=1", "广州", "", 5, None]
    frame = defuse_frame(pd.DataFrame({"name": ["=HYPERLINK(\"x\")", "ok"], "n": [-1, 2]}))
    assert frame["name"].tolist() == ["'=HYPERLINK(\"x\")", "ok"] and frame["n"].tolist() == [-1, 2]


@pytest.mark.parametrize("lead", ["\n", "\r", "\t", "\x00", " ", "\r\n", "\x00\n ", "\x0b"])
@pytest.mark.parametrize("sign", ["=", "+", "-", "@"])
def test_a_formula_behind_whitespace_or_control_characters_is_defused(lead, sign):
    from exports.tables import to_xlsx

    formula = lead + sign + 'HYPERLINK("https://evil.example/","x")'
    cell = defuse(formula)
    assert cell.startswith("'") and cell.lstrip("' \t\r\n").startswith(sign)
    assert "\x00" not in cell and "\x0b" not in cell  # no cell can hold them
    book = openpyxl.load_workbook(io.BytesIO(to_xlsx(defuse_frame(pd.DataFrame({"name": [formula]})), "x")))
    written = book.active["A2"]
    assert written.data_type == "s" and written.value.startswith("'")


def test_text_that_only_looks_odd_is_left_alone():
    assert [defuse(v) for v in (" 广州", "a=1", "广州\n=1", "x\x00y", "1-2")] == [
        " 广州", "a=1", "广州\n=1", "xy", "1-2"]


# --- headers on every kind of response ------------------------------------------------------


def test_security_headers_on_every_kind_of_response(backend, new_database, tmp_path):
    app = make_app(new_database(backend), fixture_deadlines.TABLES, tmp_path, LOGIN_RATE="3 per minute")
    anonymous = app.server.test_client()
    client = app_login(app.server.test_client(), "ministry")
    content = post_content(client, "dl", {"as_of": "2025-05-20"})
    bad_callback = client.post("/_dash-update-component", json={"output": "nope"})
    throttled = [login(anonymous, "ministry", password=WRONG) for _ in range(4)][-1]
    responses = {
        "page": client.get("/deadlines?as_of=2025-05-20"), "page 400": client.get("/deadlines?as_of=2025-02-30"),
        "page 404": client.get("/no-such-page"), "dash layout": client.get("/_dash-layout"),
        "dash dependencies": client.get("/_dash-dependencies"), "callback": content, "callback 400": bad_callback,
        "export": client.get("/export/deadlines.csv?as_of=2025-05-20"),
        "export 400": client.get("/export/deadlines.csv?year=abc"), "login": anonymous.get("/login"),
        "login 429": throttled, "callback 401": anonymous.post("/_dash-update-component", json={}),
        "redirect": anonymous.get("/deadlines"),
    }
    assert [responses[k].status_code for k in responses] == [200, 400, 404, 200, 200, 200, 400, 200, 400, 200, 429,
                                                            401, 302]
    for what, response in responses.items():
        h = response.headers
        csp = dict(part.strip().split(" ", 1) for part in h["Content-Security-Policy"].split(";"))
        assert csp["frame-ancestors"] == "'none'" and csp["default-src"] == "'self'" and csp["object-src"] == "'none'"
        assert "'unsafe-inline'" not in csp["script-src"] and "'unsafe-eval'" not in csp["script-src"], what
        assert (h["X-Content-Type-Options"], h["X-Frame-Options"], h["Referrer-Policy"]) == (
            "nosniff", "DENY", "same-origin"), what
        assert h["Cache-Control"] == "no-store", what
    # the page's inline scripts are allowed one by one, by hash
    assert "'sha256-" in responses["page"].headers["Content-Security-Policy"]
    # static files may be cached
    css = client.get("/assets/style.css")
    assert css.status_code == 200 and css.headers.get("Cache-Control") != "no-store"
