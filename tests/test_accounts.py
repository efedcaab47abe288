"""Accounts under attack: parallel password guessing, replayed cookies after a logout, username enumeration.

The lock and the logout live in the app DB, so they are tested with the app DB on SQLite and on PostgreSQL.
"""

from __future__ import annotations

import re
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from bench import dash_requests
from queries import appdb
from tests import fixture_deadlines
from tests.apps import login as app_login
from tests.apps import make_app, post_content
from tests.test_auth import PASSWORD, csrf_token, login, make_server

WRONG = "wrong-password-123"
#: a case list of school 1 (Guangdong): the two students of tests/test_scope_http.py::test_case_export_is_masked
CASE_EXPORT = "/export/deadlines.csv?year=2025&as_of=2025-04-30&school=1&deadline=spring_registration"
CASE_VIEW = {"as_of": "2025-04-30", "year": "2025", "school": "1"}


def app_db_on(backend: str, new_database):
    engine = appdb.app_engine(new_database(backend))
    appdb.init_db(engine)
    return engine


# --- the failed-login lock under parallel guesses ---------------------------------------------


def test_parallel_wrong_logins_lock_the_account(backend, new_database, monkeypatch):
    """20 guesses at once: each counts (one UPDATE adding 1 in the database), so the account ends up locked.

    Reading the count, hashing and writing the count + 1 back let 20 parallel guesses leave it at 2. The
    hash is a 50 ms wait here: the threads overlap as during 20 real scrypt hashes, which would take the
    shared CI cores seconds.
    """
    engine = app_db_on(backend, new_database)
    appdb.add_user(engine, "alice", "province", "44", PASSWORD)
    monkeypatch.setattr(appdb, "check_password_hash", lambda pwhash, password: time.sleep(0.05) or False)
    with ThreadPoolExecutor(max_workers=20) as pool:
        reasons = list(pool.map(lambda _: appdb.check_login(engine, "alice", WRONG)[1], range(20)))
    assert set(reasons) <= {"wrong_password", "locked"}
    counted = reasons.count("wrong_password")
    assert counted >= appdb.MAX_FAILED_LOGINS
    user = appdb.get_user(engine, "alice")
    assert appdb.is_locked(user)
    # every counted guess is in the count: a lock every MAX_FAILED_LOGINS, the rest still counting
    assert user["failed_logins"] == counted % appdb.MAX_FAILED_LOGINS
    monkeypatch.undo()
    assert appdb.check_login(engine, "alice", PASSWORD) == (None, "locked")
    engine.dispose()


def test_a_right_password_does_not_pass_a_lock_set_while_it_was_checked(app_db, monkeypatch):
    """A guesser mixing the right password into parallel wrong ones: the lock set meanwhile wins."""
    appdb.add_user(app_db, "alice", "province", "44", PASSWORD)
    real_check = appdb.check_password_hash

    def lock_during_the_hash(pwhash, password):
        for _ in range(appdb.MAX_FAILED_LOGINS):
            monkeypatch.setattr(appdb, "check_password_hash", real_check)
            appdb.check_login(app_db, "alice", WRONG)
        return real_check(pwhash, password)

    monkeypatch.setattr(appdb, "check_password_hash", lock_during_the_hash)
    assert appdb.check_login(app_db, "alice", PASSWORD) == (None, "locked")


# --- no username enumeration ------------------------------------------------------------------


def error_of(response) -> str:
    return re.search(r'<p class="error" role="alert">(.*?)</p>', response.get_data(as_text=True)).group(1)


def test_failed_logins_look_and_cost_the_same(users_with_every_state, monkeypatch):
    """Unknown, locked, disabled or a wrong password: one message, one status and one password hash each."""
    server, engine = users_with_every_state
    client = server.test_client()
    calls = []
    real_check = appdb.check_password_hash
    monkeypatch.setattr(appdb, "check_password_hash", lambda h, p: calls.append(h) or real_check(h, p))
    answers = {}
    for username, password in (("nobody", WRONG), ("locked", PASSWORD), ("disabled", PASSWORD), ("alice", WRONG)):
        calls.clear()
        response = login(client, username, password)
        answers[username] = (response.status_code, error_of(response))
        assert len(calls) == 1, username
    assert set(answers.values()) == {(200, "用户名或密码错误 / Wrong username or password")}
    # the owner and the admins learn why from the audit log (and `aidwatch users list`)
    reasons = {r["username"]: r["params"]["reason"] for r in appdb.audit_rows(engine, 4, action="login_failed")}
    assert reasons == {"nobody": "unknown", "locked": "locked", "disabled": "disabled", "alice": "wrong_password"}


@pytest.fixture
def users_with_every_state(app_db, tmp_path):
    for name in ("alice", "locked", "disabled"):
        appdb.add_user(app_db, name, "province", "44", PASSWORD)
    for _ in range(appdb.MAX_FAILED_LOGINS):
        appdb.check_login(app_db, "locked", WRONG)
    appdb.set_disabled(app_db, "disabled", True)
    return make_server(app_db, tmp_path), app_db


# --- logout ends the session on the server ----------------------------------------------------


def logout(client, token: str):
    return client.post("/logout", data={"csrf_token": token})


def replay(server, cookie: str):
    """A new client carrying a copy of someone's session cookie."""
    thief = server.test_client()
    thief.set_cookie("session", cookie)
    return thief


def test_a_get_does_not_log_out_and_a_post_needs_the_token(app_db, tmp_path):
    appdb.add_user(app_db, "alice", "province", "44", PASSWORD)
    client = make_server(app_db, tmp_path).test_client()
    login(client)
    page = client.get("/logout")  # a link or an image on another site: only a page asking to confirm
    assert page.status_code == 200 and 'method="post"' in page.get_data(as_text=True)
    assert client.get("/").status_code == 200
    assert client.post("/logout").status_code == 400
    other = make_server(app_db, tmp_path).test_client()
    assert logout(client, csrf_token(other)).status_code == 400  # another session's token
    assert client.get("/").status_code == 200
    assert [r["action"] for r in appdb.audit_rows(app_db, 2)] == ["logout_refused", "logout_refused"]
    response = logout(client, csrf_token(client, "/logout"))
    assert response.status_code == 302 and response.headers["Location"] == "/login"
    assert client.get("/").status_code == 302


def test_a_copied_cookie_dies_at_logout_on_every_app_server(app_db, tmp_path):
    """Two app servers on one app DB: a logout on one ends the session on the other; other sessions live on."""
    appdb.add_user(app_db, "alice", "province", "44", PASSWORD)
    one, two = make_server(app_db, tmp_path), make_server(app_db, tmp_path)
    client, laptop = one.test_client(), one.test_client()
    login(client)
    login(laptop)  # the same person's other session
    cookie = client.get_cookie("session").value
    assert replay(two, cookie).get("/").status_code == 200
    logout(client, csrf_token(client, "/logout"))
    for server in (one, two):
        assert replay(server, cookie).get("/").status_code == 302
        assert replay(server, cookie).post("/_dash-update-component", json={}).status_code == 401
    assert laptop.get("/").status_code == 200


def header_token(client) -> str:
    """The CSRF token of the logout form in the page header, as the browser gets it."""
    layout = dash_requests.post(client, dash_requests.router("/deadlines")).get_json()
    return dash_requests.find(layout, "aw-logout-token")["props"]["value"]


def test_replayed_cookie_gets_no_cases_after_logout(backend, new_database, tmp_path):
    """The app over HTTP, app DB and registry on ``backend``: a cookie saved before /logout reads nothing after."""
    app = make_app(new_database(backend), fixture_deadlines.TABLES, tmp_path, APP_DB_URL=new_database(backend))
    server = app.server
    gd, ministry = app_login(server.test_client(), "gd"), app_login(server.test_client(), "ministry")
    cookie = gd.get_cookie("session").value
    thief = replay(server, cookie)
    assert thief.get(CASE_EXPORT).status_code == 200  # the copy works while the session lives
    assert "440106********3456" in post_content(thief, "dl", CASE_VIEW).get_data(as_text=True)

    response = logout(gd, header_token(gd))
    assert response.status_code == 302 and response.headers["Location"] == "/login"

    thief = replay(server, cookie)
    export = thief.get(CASE_EXPORT)
    assert export.status_code == 302 and export.headers["Location"].startswith("/login")
    callback = post_content(thief, "dl", CASE_VIEW)
    assert callback.status_code == 401 and "3456" not in callback.get_data(as_text=True)
    assert gd.get(CASE_EXPORT).status_code == 302
    assert ministry.get(CASE_EXPORT).status_code == 200  # other users' sessions are untouched
    server.extensions["aidwatch_app_db"].dispose()
