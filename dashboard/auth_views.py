"""The login and logout pages: a Flask Blueprint that ``dashboard.auth.init_auth`` registers.

These views are the HTTP side of logging in: the forms and their CSRF tokens, the templates, the messages
and the audit rows of each outcome. What a login writes into the session cookie and what a logout revokes
are the guard's rules, kept with it in ``dashboard.auth``; the views reach them through the app, as
``current_app.extensions[SESSIONS]`` (``auth.Sessions``), so that this module imports nothing above it
(the Flask-Login and dash-on-Flask layout: models and wiring below, a blueprint of views beside them).

There is no password form: passwords are set by an administrator on the command line
(``aidwatch users passwd``), and a new one ends the account's open sessions (``appdb.set_password``).
"""

from __future__ import annotations

import logging

import flask
import flask_login
from flask_wtf import FlaskForm
from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired, Length

from queries import appdb
from aidwatch.viewstate import safe_next

#: The app's ``extensions`` key of its ``auth.Sessions``, set by ``init_auth``.
SESSIONS = "aidwatch_sessions"

MSG_WRONG = "用户名或密码错误 / Wrong username or password"
MSG_CSRF = "页面已过期，请重新提交 / The form has expired, please try again"
MSG_MISSING = "请输入用户名和密码 / Enter your username and password"
MSG_THROTTLED = "登录尝试过于频繁，请稍后再试 / Too many login attempts from this address: please wait and try again"
MSG_EXPIRED = "会话已因长时间无操作或超时而结束，请重新登录 / Your session has ended (idle or too old): please log in again"

log = logging.getLogger("aidwatch.auth")

bp = flask.Blueprint("auth", __name__, template_folder="templates")


class LogoutForm(FlaskForm):
    """Only the CSRF token: a logout is a POST that another site cannot forge."""


class LoginForm(FlaskForm):
    """CSRF-protected on its own: no global CSRFProtect, so Dash's JSON POSTs need no token."""

    username = StringField("用户名 / Username", validators=[DataRequired(), Length(max=64)])
    password = PasswordField("密码 / Password", validators=[DataRequired(), Length(max=1024)])


def client_params() -> dict:
    """The client's address, for the audit rows of logins and logouts."""
    return {"ip": flask.request.remote_addr}


def _sessions():
    return flask.current_app.extensions[SESSIONS]


def throttled(limit):
    """The login form again with HTTP 429, when an address posts logins faster than its limit
    (Flask-Limiter's ``on_breach``, applied to ``login`` by ``init_auth``)."""
    username = flask.request.form.get("username", "")
    appdb.audit(_sessions().engine, username.strip()[:64] or None, "login_throttled", None,
                {**client_params(), "limit": str(limit.limit)})
    log.warning("login throttled for %s (%s)", flask.request.remote_addr, limit.limit)
    form = LoginForm(formdata=None)
    form.username.data = username[:64]
    next_url = safe_next(flask.request.args.get("next"))
    body = flask.render_template("login.html", form=form, error=MSG_THROTTLED, next_url=next_url)
    return flask.make_response(body, 429)


@bp.route("/login", methods=["GET", "POST"])
def login():
    sessions = _sessions()
    next_url = safe_next(flask.request.args.get("next"))
    form = LoginForm()
    error = MSG_EXPIRED if flask.request.args.get("expired") == "1" and flask.request.method == "GET" else None
    status = 200
    if flask.request.method == "POST":
        if not form.validate_on_submit():
            if form.csrf_token.errors:
                error, status = MSG_CSRF, 400
                appdb.audit(sessions.engine, form.username.data, "login_refused", None,
                            {**client_params(), "reason": "csrf"})
            else:
                error = MSG_MISSING
        else:
            username = form.username.data.strip()
            row, reason = appdb.check_login(sessions.engine, username, form.password.data)
            if row is not None:
                user = sessions.start(row)
                appdb.audit(sessions.engine, user.username, "login", user.scope, client_params())
                return flask.redirect(next_url)
            # One message for every failure: a locked, disabled or unknown account must not show
            # itself. The reason goes to the audit log, where the owner and the admins see it.
            error = MSG_WRONG
            appdb.audit(sessions.engine, username, "login_failed", None, {**client_params(), "reason": reason})
        form.password.data = ""
    elif flask_login.current_user.is_authenticated:
        return flask.redirect(next_url)
    return flask.render_template("login.html", form=form, error=error, next_url=next_url), status


@bp.route("/logout", methods=["GET", "POST"])
def logout():
    """POST with the CSRF token ends the session on the server; GET only asks to confirm.

    A GET that logged out could be triggered from any site (an image, a link); and the session's id is
    revoked in the app DB, so a copy of the cookie is refused afterwards by every app server.
    """
    user = flask_login.current_user
    if not user.is_authenticated:
        return flask.redirect(flask.url_for("auth.login"))
    sessions = _sessions()
    form = LogoutForm()
    if flask.request.method == "GET":
        return flask.render_template("logout.html", form=form, error=None, username=user.username)
    if not form.validate_on_submit():  # no token, another session's, or too old: ask again
        appdb.audit(sessions.engine, user.username, "logout_refused", user.scope,
                    {**client_params(), "reason": "csrf"})
        return flask.render_template("logout.html", form=form, error=MSG_CSRF, username=user.username), 400
    appdb.audit(sessions.engine, user.username, "logout", user.scope, client_params())
    sessions.end(user)
    return flask.redirect(flask.url_for("auth.login"))
