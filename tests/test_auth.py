"""Login, sessions, the route guard and the ``aidwatch users`` CLI.

The app here is a bare Flask server with stand-in routes for a Dash page, a
Dash callback and an export, so the guard is tested without Dash itself.
"""

from __future__ import annotations

import datetime as dt
import html
import re
from urllib.parse import parse_qs, quote, urlsplit
from pathlib import Path

import flask
import pytest
import sqlalchemy as sa
from click.testing import CliRunner

from aidwatch import contract
from cli.commands.users import users as users_cli
from queries import appdb
from dashboard.auth import NotLoggedIn, current_scope, init_auth, safe_next
from queries.scope import Scope

REPO = Path(__file__).resolve().parent.parent
PASSWORD = "correct-horse-42"


# --- fixtures ---------------------------------------------------------------------------------


def make_server(app_db, tmp_path, **overrides) -> flask.Flask:
    server = flask.Flask(__name__, template_folder=str(REPO / "dashboard" / "templates"))
    config = {
        "SECRET_KEY": "test-secret-key-not-for-production",
        "DEMO": False,
        "SESSION_COOKIE_SECURE": False,
        "INSTANCE_DIR": str(tmp_path / "instance"),
        **overrides,
    }
    init_auth(server, config, app_db)

    @server.get("/")
    def index():
        s = current_scope()
        return f"home {s.role} {s.province}"

    @server.get("/export/x.csv")
    def export():
        return "a,b\n"

    @server.post("/_dash-update-component")
    def dash_update():
        return {"ok": True}

    @server.get("/_dash-layout")
    def dash_layout():
        return {"layout": True}

    @server.post("/api/thing")
    def api_thing():
        return {"ok": True}

    @server.get("/healthz")
    def healthz():
        return "ok"

    @server.get("/assets/app.css")
    def asset():
        return "body{}"

    return server


@pytest.fixture
def server(app_db, tmp_path):
    appdb.add_user(app_db, "alice", "province", "44", PASSWORD)
    appdb.add_user(app_db, "boss", "leadership", None, PASSWORD)
    return make_server(app_db, tmp_path)


@pytest.fixture
def client(server):
    return server.test_client()


def csrf_token(client, url="/login") -> str:
    html = client.get(url).get_data(as_text=True)
    m = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html)
    assert m, html
    return m.group(1)


def login(client, username="alice", password=PASSWORD, next_url=None):
    url = "/login" if next_url is None else f"/login?next={next_url}"
    token = csrf_token(client, url)
    return client.post(url, data={"username": username, "password": password, "csrf_token": token})


# --- the guard --------------------------------------------------------------------------------


def test_page_redirects_to_login(client):
    r = client.get("/")
    assert r.status_code == 302
    assert r.headers["Location"] == "/login?next=/"


def test_page_redirect_keeps_query(client):
    r = client.get("/export/x.csv?year=2025&province=44")
    assert r.status_code == 302
    assert r.headers["Location"] == "/login?next=/export/x.csv%3Fyear%3D2025%26province%3D44"
    # and the login page carries it through to the form
    page = client.get(r.headers["Location"]).get_data(as_text=True)
    action = html.unescape(re.search(r'<form method="post" action="([^"]+)"', page).group(1))
    assert parse_qs(urlsplit(action).query) == {"next": ["/export/x.csv?year=2025&province=44"]}


def test_dash_callback_gets_401_json(client):
    r = client.post("/_dash-update-component", json={"output": "x"})
    assert r.status_code == 401
    assert r.get_json() == {"error": "login required"}


def test_dash_get_gets_401(client):
    r = client.get("/_dash-layout")
    assert r.status_code == 401
    assert r.get_json() == {"error": "login required"}


def test_any_post_gets_401(client):
    assert client.post("/api/thing").status_code == 401


def test_export_redirects(client):
    r = client.get("/export/x.csv")
    assert r.status_code == 302
    assert r.headers["Location"].startswith("/login?next=/export/x.csv")


def test_public_paths(client):
    assert client.get("/healthz").status_code == 200
    assert client.get("/assets/app.css").status_code == 200
    assert client.get("/login").status_code == 200


def test_cookie_flags(client):
    login(client)
    r = client.get("/")
    assert r.status_code == 200
    cookie = client.get_cookie("session")
    assert cookie is not None and cookie.http_only and cookie.same_site == "Lax" and not cookie.secure


def test_secure_cookie_flag(app_db, tmp_path):
    appdb.add_user(app_db, "carol", "ministry", None, PASSWORD)
    c = make_server(app_db, tmp_path, SESSION_COOKIE_SECURE=True).test_client()
    r = login(c, "carol")
    set_cookie = r.headers["Set-Cookie"]
    assert "Secure" in set_cookie and "HttpOnly" in set_cookie and "SameSite=Lax" in set_cookie


# --- login ------------------------------------------------------------------------------------


def test_login_page_is_bilingual_and_has_csrf(client):
    html = client.get("/login").get_data(as_text=True)
    assert "技工院校学生资助监测看板" in html
    assert "aidwatch — student aid monitoring" in html
    assert 'name="csrf_token"' in html
    assert "http://" not in html and "https://" not in html  # no CDN: works offline


def test_wrong_password(client, app_db):
    r = login(client, password="wrong-password-123")
    assert r.status_code == 200
    assert "用户名或密码错误 / Wrong username or password" in r.get_data(as_text=True)
    assert client.get("/").status_code == 302
    row = appdb.audit_rows(app_db, 1)[0]
    assert (row["username"], row["action"]) == ("alice", "login_failed")
    assert row["params"]["ip"] == "127.0.0.1"


def test_unknown_user_same_message(client, app_db):
    r = login(client, username="nobody", password="whatever-12345")
    assert r.status_code == 200
    assert "用户名或密码错误 / Wrong username or password" in r.get_data(as_text=True)
    assert appdb.audit_rows(app_db, 1)[0]["action"] == "login_failed"


def test_login_without_csrf_refused(client, app_db):
    client.get("/login")
    r = client.post("/login", data={"username": "alice", "password": PASSWORD})
    assert r.status_code == 400
    assert client.get("/").status_code == 302
    assert appdb.audit_rows(app_db, 1)[0]["action"] == "login_refused"


def test_login_with_foreign_csrf_refused(server, app_db):
    token = csrf_token(server.test_client())
    other = server.test_client()
    other.get("/login")
    r = other.post("/login", data={"username": "alice", "password": PASSWORD, "csrf_token": token})
    assert r.status_code == 400
    assert other.get("/").status_code == 302


def test_login_success(client, app_db):
    r = login(client)
    assert r.status_code == 302 and r.headers["Location"] == "/"
    r = client.get("/")
    assert r.status_code == 200 and r.get_data(as_text=True) == "home province 44"
    assert client.post("/_dash-update-component", json={}).status_code == 200
    assert client.get("/export/x.csv").status_code == 200
    row = appdb.audit_rows(app_db, 1)[0]
    assert (row["username"], row["action"], row["scope"]) == ("alice", "login", "province:44")


def test_login_redirects_to_next(client):
    r = login(client, next_url="/export/x.csv%3Fyear%3D2025")
    assert r.headers["Location"] == "/export/x.csv?year=2025"


@pytest.mark.parametrize("target", [
    "https://evil.example/", "//evil.example/", "/\\evil.example", "http:/evil", "javascript:alert(1)",
    "evil.example", "/\r\nSet-Cookie:x",
])
def test_external_next_ignored(client, target):
    r = login(client, next_url=quote(target, safe=""))
    assert r.status_code == 302 and r.headers["Location"] == "/"


def test_safe_next():
    assert safe_next("/a/b?c=1") == "/a/b?c=1"
    for bad in (None, "", "https://x.y/", "//x.y", "/\\x.y", "x", "/a\r\nb"):
        assert safe_next(bad) == "/"


def test_logout(client, app_db):
    login(client)
    r = client.post("/logout", data={"csrf_token": csrf_token(client, "/logout")})
    assert r.status_code == 302 and r.headers["Location"] == "/login"
    assert client.get("/").status_code == 302
    assert appdb.audit_rows(app_db, 1)[0]["action"] == "logout"


def test_current_scope(server):
    with server.test_request_context("/"):
        with pytest.raises(NotLoggedIn):
            current_scope()
    c = server.test_client()
    login(c, "boss")
    assert c.get("/").get_data(as_text=True) == "home leadership None"
    assert Scope("leadership").cases_allowed is False


def test_disable_ends_session(client, app_db):
    login(client)
    assert client.get("/").status_code == 200
    appdb.set_disabled(app_db, "alice", True)
    assert client.get("/").status_code == 302
    assert client.post("/_dash-update-component", json={}).status_code == 401
    # and a disabled user cannot log in again
    r = login(client)
    assert r.status_code == 200 and "Wrong username or password" in r.get_data(as_text=True)
    appdb.set_disabled(app_db, "alice", False)
    assert login(client).status_code == 302


def test_passwd_ends_session(client, app_db):
    login(client)
    assert client.get("/").status_code == 200
    appdb.set_password(app_db, "alice", "a-new-password-77")
    assert client.get("/").status_code == 302
    assert login(client).status_code == 200  # old password is gone
    assert login(client, password="a-new-password-77").status_code == 302
    assert client.get("/").status_code == 200


def test_lockout_after_repeated_failures(client, app_db):
    for _ in range(appdb.MAX_FAILED_LOGINS):
        login(client, password="wrong-password-123")
    r = login(client)  # the right password, but locked: told like any failure, the reason in the audit log
    assert r.status_code == 200 and "Wrong username or password" in r.get_data(as_text=True)
    assert appdb.is_locked(appdb.get_user(app_db, "alice"))
    assert appdb.audit_rows(app_db, 1)[0]["params"]["reason"] == "locked"
    # enabling clears the lock
    appdb.set_disabled(app_db, "alice", False)
    assert login(client).status_code == 302


def test_lock_expires(app_db):
    appdb.add_user(app_db, "dave", "ministry", None, PASSWORD)
    past = dt.datetime.now(dt.timezone.utc) - dt.timedelta(minutes=1)
    with app_db.begin() as conn:
        conn.execute(appdb.app_user.update().values(locked_until=past))
    assert appdb.verify(app_db, "dave", PASSWORD) is not None


# --- secret key -------------------------------------------------------------------------------


def test_secret_key_required(app_db, tmp_path):
    with pytest.raises(RuntimeError, match="AIDWATCH_SECRET_KEY is required"):
        make_server(app_db, tmp_path, SECRET_KEY=None)


def test_demo_secret_key_persisted(app_db, tmp_path):
    a = make_server(app_db, tmp_path, SECRET_KEY=None, DEMO=True)
    b = make_server(app_db, tmp_path, SECRET_KEY=None, DEMO=True)
    assert a.secret_key and a.secret_key == b.secret_key
    path = tmp_path / "instance" / "secret_key"
    assert path.read_text().strip() == a.secret_key
    assert oct(path.stat().st_mode & 0o777) == "0o600"


def test_session_valid_across_workers(app_db, tmp_path):
    """Two servers with the same persisted demo key accept each other's sessions."""
    appdb.add_user(app_db, "erin", "ministry", None, PASSWORD)
    a = make_server(app_db, tmp_path, SECRET_KEY=None, DEMO=True)
    b = make_server(app_db, tmp_path, SECRET_KEY=None, DEMO=True)
    ca = a.test_client()
    login(ca, "erin")
    cb = b.test_client()
    cb.set_cookie("session", ca.get_cookie("session").value)
    assert cb.get("/").status_code == 200


# --- appdb rules ------------------------------------------------------------------------------


@pytest.mark.parametrize("password, message", [
    ("short-1", "at least 10"),
    ("12345678901234", "all digits"),
])
def test_password_rules(app_db, password, message):
    with pytest.raises(ValueError, match=message):
        appdb.add_user(app_db, "frank", "ministry", None, password)
    appdb.add_user(app_db, "frank", "ministry", None, PASSWORD)
    with pytest.raises(ValueError, match=message):
        appdb.set_password(app_db, "frank", password)


def test_role_and_province_validation(app_db):
    with pytest.raises(ValueError, match="unknown role"):
        appdb.add_user(app_db, "g", "admin", None, PASSWORD)
    with pytest.raises(ValueError, match="needs --province"):
        appdb.add_user(app_db, "g", "province", None, PASSWORD)
    with pytest.raises(ValueError, match="unknown province"):
        appdb.add_user(app_db, "g", "province", "99", PASSWORD)
    with pytest.raises(ValueError, match="only the province role"):
        appdb.add_user(app_db, "g", "ministry", "44", PASSWORD)
    with pytest.raises(ValueError, match="username"):
        appdb.add_user(app_db, "bad name", "ministry", None, PASSWORD)
    appdb.add_user(app_db, "g", "province", "11", PASSWORD)
    with pytest.raises(ValueError, match="already exists"):
        appdb.add_user(app_db, "g", "ministry", None, PASSWORD)


def test_init_db_idempotent_and_audit(app_db):
    appdb.init_db(app_db)
    appdb.audit(app_db, "alice", "export", Scope("province", "44"), {"page": "aid", "as_of": dt.date(2025, 9, 1)}, 12)
    row = appdb.audit_rows(app_db, 1)[0]
    assert row["scope"] == "province:44" and row["row_count"] == 12
    assert row["params"] == {"as_of": "2025-09-01", "page": "aid"}


def test_passwords_are_hashed(app_db):
    appdb.add_user(app_db, "h", "ministry", None, PASSWORD)
    assert PASSWORD not in appdb.get_user(app_db, "h")["password_hash"]


# --- CLI --------------------------------------------------------------------------------------


def run(args, app_db, input=None, env=None, ok=True):
    result = CliRunner().invoke(users_cli, ["--app-db", app_db, *args], input=input, env=env or {})
    if ok:
        assert result.exit_code == 0, result.output + repr(result.exception)
    return result


@pytest.fixture
def app_db_url(tmp_path):
    return f"sqlite:///{tmp_path / 'cli' / 'app.sqlite'}"


def test_cli_add_list_disable_enable_passwd(app_db_url, tmp_path):
    pw = tmp_path / "pw.txt"
    pw.write_text("first-password-1\nignored second line\n", encoding="utf-8")
    run(["add", "zhang", "--role", "province", "--province", "44", "--password-file", str(pw)], app_db_url)
    run(["add", "li", "--role", "ministry", "--password-file", "-"], app_db_url, input="stdin-password-2\n")

    eng = appdb.app_engine(app_db_url)
    assert appdb.verify(eng, "zhang", "first-password-1") is not None
    assert appdb.verify(eng, "li", "stdin-password-2") is not None

    out = run(["list"], app_db_url).output
    lines = out.splitlines()
    assert lines[0].split() == ["username", "role", "province", "disabled", "locked"]
    assert re.search(r"^zhang\s+province\s+44 广东省\s+no\s+no$", out, re.M)
    assert re.search(r"^li\s+ministry\s+-\s+no\s+no$", out, re.M)

    run(["disable", "zhang"], app_db_url)
    assert re.search(r"^zhang\s+province\s+44 广东省\s+yes\s+no$", run(["list"], app_db_url).output, re.M)
    assert appdb.verify(eng, "zhang", "first-password-1") is None
    run(["enable", "zhang"], app_db_url)
    assert appdb.verify(eng, "zhang", "first-password-1") is not None

    run(["passwd", "zhang", "--password-file", "-"], app_db_url, input="second-password-3\n")
    assert appdb.verify(eng, "zhang", "first-password-1") is None
    assert appdb.verify(eng, "zhang", "second-password-3") is not None
    eng.dispose()


def test_cli_errors(app_db_url):
    r = run(["add", "wang", "--role", "ministry", "--password-file", "-"], app_db_url, input="123456789012\n", ok=False)
    assert r.exit_code != 0 and "all digits" in r.output
    r = run(["add", "wang", "--role", "province", "--password-file", "-"], app_db_url, input=PASSWORD, ok=False)
    assert r.exit_code != 0 and "--province" in r.output
    r = run(["add", "wang", "--role", "ministry", "--password-file", "-"], app_db_url, input="\n", ok=False)
    assert r.exit_code != 0 and "empty" in r.output
    r = run(["disable", "nobody"], app_db_url, ok=False)
    assert r.exit_code != 0 and "no user" in r.output
    r = run(["passwd", "nobody", "--password-file", "-"], app_db_url, input=PASSWORD, ok=False)
    assert r.exit_code != 0 and "no user" in r.output


def make_registry(path: Path, students_by_province: dict[str, int]) -> str:
    url = f"sqlite:///{path}"
    eng = sa.create_engine(url)
    contract.metadata.create_all(eng)
    names = {"11": "北京市", "44": "广东省", "51": "四川省"}
    with eng.begin() as conn:
        for code, name in names.items():
            conn.execute(contract.province.insert().values(code=code, name=name, short_name=name[:1], region="east"))
            conn.execute(contract.city.insert().values(code=code + "0100", province_code=code, name=name + "市区"))
            conn.execute(contract.school.insert().values(
                id=int(code), code=f"S{code}", name=f"{name}技师学院", province_code=code, city_code=code + "0100",
                level="technician_college", ownership="public", dual_plate=False, joint_enrollment=False,
            ))
        sid = 0
        for code, n in students_by_province.items():
            for _ in range(n):
                sid += 1
                conn.execute(contract.student.insert().values(
                    id=sid, school_id=int(code), province_code=code, id_number=f"{sid:018d}", name=f"学生{sid}",
                    gender="F", birth_date=dt.date(2008, 1, 1), major_code="0101", agri_major=False,
                    intake_term="2024A", program_years=3, enrolled_on=dt.date(2024, 9, 1), status="enrolled",
                ))
    eng.dispose()
    return url


def demo_passwords(output: str) -> dict[str, str]:
    found = dict(re.findall(r"│ (ministry|leadership|province)\s+(\S+)\s+\(", output))
    assert set(found) == {"ministry", "leadership", "province"}, output
    return found


def test_cli_demo_accounts(tmp_path):
    registry = make_registry(tmp_path / "registry.sqlite", {"11": 2, "44": 3, "51": 5})
    env = {"AIDWATCH_DEMO": "1", "AIDWATCH_REGISTRY_URL": registry}
    runs = []
    for i in (1, 2):
        url = f"sqlite:///{tmp_path / f'demo{i}' / 'app.sqlite'}"
        out = run(["demo-accounts"], url, env=env).output
        assert "http://127.0.0.1:8050/login" in out
        passwords = demo_passwords(out)
        eng = appdb.app_engine(url)
        for name, password in passwords.items():
            assert len(password) >= 14
            user = appdb.verify(eng, name, password)
            assert user is not None and user["role"] == name
        assert appdb.get_user(eng, "province")["province_code"] == "51"  # the largest province
        eng.dispose()
        runs.append(passwords)

        # a second run on the same DB creates nothing and shows no password
        again = run(["demo-accounts"], url, env=env).output
        assert "already exist" in again and "aidwatch users passwd" in again
        assert not any(p in again for p in passwords.values())
    assert all(runs[0][k] != runs[1][k] for k in runs[0])
    assert len(set(runs[0].values())) == 3


def test_cli_demo_accounts_empty_registry_falls_back_to_44(tmp_path, app_db_url):
    registry = make_registry(tmp_path / "empty.sqlite", {})
    run(["demo-accounts"], app_db_url, env={"AIDWATCH_DEMO": "1", "AIDWATCH_REGISTRY_URL": registry})
    eng = appdb.app_engine(app_db_url)
    assert appdb.get_user(eng, "province")["province_code"] == "44"
    eng.dispose()


def test_cli_demo_accounts_needs_demo(tmp_path, app_db_url):
    r = run(["demo-accounts"], app_db_url, env={"AIDWATCH_DEMO": "0"}, ok=False)
    assert r.exit_code != 0 and "AIDWATCH_DEMO=1" in r.output
    eng = appdb.app_engine(app_db_url)
    appdb.init_db(eng)
    assert appdb.list_users(eng) == []
    eng.dispose()
