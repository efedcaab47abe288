"""Login, sessions and the single route guard in front of the whole dashboard.

Every page, Dash callback and export shows registry data, some of it about
individual students, so nothing but the login page, static assets and the
health check is served without a session. The guard is one
``before_request`` hook rather than per-view decorators because Dash adds its
own routes (``/_dash-layout``, ``/_dash-update-component``, …) that a
decorator would never see.

Sessions are Flask's signed cookies. The user's ``session_version`` is kept in
the cookie at login and compared with the app DB on every request, so
disabling a user or changing their password ends their open sessions at once,
without a server-side session store. Each login also gets a random session
id; a logout (a POST with the CSRF token) revokes it in the app DB, which the
user loader checks, so a copied cookie dies at logout on every app server.
The cookie also carries the login time and the time of the last request: a
session idle for ``IDLE_MINUTES`` or older than ``SESSION_HOURS`` ends on its
next request, checked here on the server against a clock the tests can move
(``config["CLOCK"]``).

The login and logout routes are a Blueprint of their own (``dashboard.auth_views``);
``init_auth`` wires it: the login manager, the session checks, the throttle and
the blueprint's registration.

Login posts are throttled per client address (Flask-Limiter, in memory or in
the shared Redis of ``AIDWATCH_CACHE_URL``); per account, repeated wrong
passwords lock the account (``appdb.check_login``), and every failed login
gets the same message whatever its reason, which goes to the audit log.
"""

from __future__ import annotations

import datetime as dt
import os
import logging
import secrets
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable
from urllib.parse import quote

import flask
import flask_login
import sqlalchemy as sa
from flask_limiter import Limiter
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.exceptions import Unauthorized

from dashboard import auth_views
from aidwatch.viewstate import safe_next
from dashboard.auth_views import MSG_EXPIRED, MSG_THROTTLED, client_params
from queries import appdb
from queries.scope import Scope
from views.context import APP_DB, app_db

__all__ = ["MSG_EXPIRED", "MSG_THROTTLED", "NotLoggedIn", "Sessions", "User", "app_db", "current_scope",
           "init_auth", "safe_next"]

#: Reachable without a session.
PUBLIC_PATHS = frozenset({"/login", "/logout", "/_favicon.ico", "/healthz", "/ready"})
PUBLIC_PREFIXES = ("/assets/",)
SESSION_VERSION_KEY = "_aw_sv"
SESSION_ID_KEY = "_aw_sid"  # a random id per login: a logout revokes it in the app DB (``appdb.revoke_session``)
LOGIN_AT_KEY = "_aw_t0"    # when the session logged in (seconds since the epoch, by the app's clock)
SEEN_AT_KEY = "_aw_seen"   # the session's last request
EXTENSION_KEY = APP_DB  # the app database engine, read back with ``app_db()``
#: A session ends after this long without a request (``AIDWATCH_IDLE_MINUTES``) ...
DEFAULT_IDLE_MINUTES = 30
#: ... and this long after its login, however active (``AIDWATCH_SESSION_HOURS``).
DEFAULT_SESSION_HOURS = 12
#: Login posts per client address (``AIDWATCH_LOGIN_RATE``, Flask-Limiter notation).
DEFAULT_LOGIN_RATE = "10 per minute;50 per hour"

log = logging.getLogger("aidwatch.auth")

ROLE_LABELS = {
    "ministry": "部级 / ministry",
    "province": "省级 / province",
    "leadership": "领导 / leadership",
}


class NotLoggedIn(Unauthorized):
    """``current_scope()`` called without a logged-in user: answers HTTP 401 if it escapes."""

    description = "login required"


class User(flask_login.UserMixin):
    """The logged-in account as Flask-Login sees it: identity and data scope, no secrets."""

    def __init__(self, id: int, username: str, role: str, province: str | None, session_version: int):
        self.id = id
        self.username = username
        self.role = role
        self.province = province
        self.session_version = session_version

    @classmethod
    def from_row(cls, row: dict) -> "User":
        return cls(row["id"], row["username"], row["role"], row["province_code"], row["session_version"])

    def get_id(self) -> str:
        return str(self.id)

    @property
    def scope(self) -> Scope:
        return Scope(self.role, self.province)


@dataclass(frozen=True)
class Sessions:
    """What a login writes into the session cookie and what a logout revokes: the rules the guard checks,
    kept beside it. The login views reach them as ``current_app.extensions[auth_views.SESSIONS]``."""

    engine: sa.Engine
    clock: Callable[[], float]
    max_hours: int

    def start(self, row: dict) -> User:
        """Log ``row``'s account in on a fresh session: nothing from before the login survives."""
        flask.session.clear()
        user = User.from_row(row)
        flask_login.login_user(user)
        flask.session[SESSION_VERSION_KEY] = row["session_version"]
        flask.session[SESSION_ID_KEY] = secrets.token_urlsafe(24)
        flask.session[LOGIN_AT_KEY] = flask.session[SEEN_AT_KEY] = int(self.clock())
        flask.session.permanent = True
        return user

    def end(self, user: User) -> None:
        """Revoke the session's id in the app DB (a copy of the cookie is refused afterwards by every app
        server) and clear the cookie."""
        login_at = flask.session.get(LOGIN_AT_KEY) or self.clock()
        appdb.revoke_session(
            self.engine, user.id, flask.session[SESSION_ID_KEY],
            expires_at=dt.datetime.fromtimestamp(login_at + self.max_hours * 3600, dt.timezone.utc),
            now=dt.datetime.fromtimestamp(self.clock(), dt.timezone.utc))
        flask_login.logout_user()
        flask.session.clear()


# --- secret key -------------------------------------------------------------------------------


def _demo_secret_key(instance_dir: str | os.PathLike) -> str:
    """Read or create ``<instance>/secret_key``, shared by restarts and all workers on the host.

    Created through a private temp file hard-linked into place, so two
    workers starting together both end up with the one key that won.
    """
    path = Path(instance_dir) / "secret_key"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".secret_key.")
        try:
            with os.fdopen(fd, "w") as f:
                f.write(secrets.token_hex(32))
            os.chmod(tmp, 0o600)
            try:
                os.link(tmp, path)
            except FileExistsError:
                pass
        finally:
            os.unlink(tmp)
    key = path.read_text().strip()
    if not key:
        raise RuntimeError(f"{path} is empty: delete it and restart")
    return key


def _secret_key(config: dict) -> str:
    key = config.get("SECRET_KEY")
    if key:
        return key
    if config.get("DEMO"):
        return _demo_secret_key(config["INSTANCE_DIR"])
    raise RuntimeError("AIDWATCH_SECRET_KEY is required")


# --- helpers for the rest of the app ----------------------------------------------------------


def current_scope() -> Scope:
    """The data scope of the logged-in user; raises ``NotLoggedIn`` (HTTP 401) without one."""
    user = flask_login.current_user
    if user is None or not user.is_authenticated:
        raise NotLoggedIn()
    return user.scope


def _limiter_storage(config: dict) -> str:
    """The shared Redis when there is one, so that every app server counts the same attempts."""
    return config.get("CACHE_URL") or "memory://"


def _session_end_reason(now: float, idle_s: float, max_s: float) -> str | None:
    """Why the logged-in session in the cookie must end now, or None while it is alive."""
    seen, start = flask.session.get(SEEN_AT_KEY), flask.session.get(LOGIN_AT_KEY)
    if not isinstance(seen, (int, float)) or not isinstance(start, (int, float)):
        return "no_timestamps"  # a cookie from before idle timeouts existed, or a forged one
    if now - seen > idle_s:
        return "idle"
    if now - start > max_s:
        return "max_age"
    return None


# --- setup ------------------------------------------------------------------------------------


def init_auth(server: flask.Flask, config: dict, app_engine: sa.Engine | None = None) -> flask_login.LoginManager:
    """Secure the Flask server behind Dash: secret key, cookies, the login blueprint and the guard.

    ``app_engine`` is the app DB; when omitted it is opened from
    ``config["APP_DB_URL"]``. Its tables are created if missing.
    """
    if app_engine is None:
        app_engine = appdb.app_engine(config["APP_DB_URL"])
    appdb.init_db(app_engine)
    server.extensions[EXTENSION_KEY] = app_engine

    server.secret_key = _secret_key(config)
    idle_minutes = int(config.get("IDLE_MINUTES") or DEFAULT_IDLE_MINUTES)
    max_hours = int(config.get("SESSION_HOURS") or DEFAULT_SESSION_HOURS)
    clock = config.get("CLOCK") or time.time
    server.config.update(
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=bool(config.get("SESSION_COOKIE_SECURE")),
        # The browser drops the cookie after the idle time too; the server checks both times itself.
        PERMANENT_SESSION_LIFETIME=dt.timedelta(minutes=idle_minutes),
        SESSION_REFRESH_EACH_REQUEST=True,
    )
    proxies = int(config.get("TRUSTED_PROXIES") or 0)
    if proxies:
        # Behind a load balancer the client address is in X-Forwarded-For; trust only that many hops,
        # or anyone could pick the address the login throttle counts.
        server.wsgi_app = ProxyFix(server.wsgi_app, x_for=proxies, x_proto=proxies)
    limiter = Limiter(
        lambda: flask.request.remote_addr or "unknown", app=server, storage_uri=_limiter_storage(config),
        key_prefix="aidwatch-login", strategy="moving-window",
        # A cache outage must not lock everybody out: count in memory meanwhile (the per-account lock
        # in the app DB still holds).
        in_memory_fallback_enabled=True, swallow_errors=True, headers_enabled=True,
    )

    manager = flask_login.LoginManager()
    manager.login_view = "auth.login"
    manager.session_protection = "basic"
    manager.init_app(server)

    @manager.user_loader
    def load_user(user_id: str):
        # Re-read on every request: a disabled account, a new password or a changed
        # role takes effect on the very next request, not at cookie expiry.
        session_id = flask.session.get(SESSION_ID_KEY)
        if not isinstance(session_id, str):
            return None  # a cookie from before logouts were revocable, or a forged one
        try:
            row = appdb.get_session_user(app_engine, int(user_id), session_id)
        except (TypeError, ValueError):
            return None
        if row is None or row["disabled"]:
            return None
        if flask.session.get(SESSION_VERSION_KEY) != row["session_version"]:
            return None
        return User.from_row(row)

    server.extensions[auth_views.SESSIONS] = Sessions(app_engine, clock, max_hours)
    server.register_blueprint(auth_views.bp)
    # The blueprint is shared by every server of the process, each with its own limiter and rate: the
    # throttle wraps this server's login view, not the blueprint's function.
    server.view_functions["auth.login"] = limiter.limit(
        config.get("LOGIN_RATE") or DEFAULT_LOGIN_RATE, methods=["POST"], on_breach=auth_views.throttled,
    )(auth_views.login)

    def end_stale_session() -> bool:
        """End a logged-in session that is idle or too old (and say so in the audit log); refresh a live one."""
        if "_user_id" not in flask.session:
            return False
        now = clock()
        reason = _session_end_reason(now, idle_minutes * 60, max_hours * 3600)
        if reason is None:
            flask.session[SEEN_AT_KEY] = int(now)
            return False
        user = flask_login.current_user
        if user.is_authenticated:
            appdb.audit(app_engine, user.username, "session_expired", user.scope,
                        {**client_params(), "reason": reason})
        flask_login.logout_user()
        flask.session.clear()
        return True

    @server.before_request
    def require_login():
        path = flask.request.path
        expired = end_stale_session()
        if path in PUBLIC_PATHS or path.startswith(PUBLIC_PREFIXES):
            return None
        if flask_login.current_user.is_authenticated:
            return None
        if path.startswith("/_dash-") or flask.request.method not in ("GET", "HEAD"):
            return flask.jsonify(error="session expired" if expired else "login required"), 401
        target = flask.request.script_root + path
        if flask.request.query_string:
            target += "?" + flask.request.query_string.decode("utf-8", "replace")
        return flask.redirect(flask.url_for("auth.login") + "?next=" + quote(target, safe="/")
                              + ("&expired=1" if expired else ""))

    return manager
