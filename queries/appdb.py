"""The dashboard's own small database: accounts and the audit log.

This is never the registry replica. The replica is read-only by construction
(see ``aidwatch.replica``); everything the dashboard itself must remember —
who may log in, with which data scope, and who exported what — lives here, in
SQLite by default (``AIDWATCH_APP_DB_URL``) or any SQLAlchemy URL.

Functions take an engine rather than reading Flask globals so that the CLI,
the web app and the tests share one implementation.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.compiler import compiles
from werkzeug.security import check_password_hash, generate_password_hash

from aidwatch import reference

ROLES = ("ministry", "province", "leadership")
MIN_PASSWORD_LENGTH = 10
#: After this many wrong passwords in a row an account is locked for LOCK_MINUTES,
#: so that an online guesser gets a handful of tries per quarter hour, not thousands.
MAX_FAILED_LOGINS = 5
LOCK_MINUTES = 15
USERNAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$")

app_metadata = sa.MetaData()

app_user = sa.Table(
    "app_user",
    app_metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("username", sa.String(64), nullable=False, unique=True),
    sa.Column("password_hash", sa.String(256), nullable=False),
    sa.Column("role", sa.String(16), nullable=False),
    sa.Column("province_code", sa.CHAR(2), nullable=True),
    sa.Column("disabled", sa.Boolean, nullable=False, default=False),
    # Part of every login session; bumping it ends all sessions of the user.
    sa.Column("session_version", sa.Integer, nullable=False, default=1),
    sa.Column("failed_logins", sa.Integer, nullable=False, default=0),
    sa.Column("locked_until", sa.DateTime(timezone=True), nullable=True),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
)

# Sessions ended by a logout before their cookie expired. Sessions are signed cookies, so the server keeps no
# list of live ones; a logout writes the session's id here and every request checks it (one primary-key look-up
# joined to the account's own), so a copied cookie dies at logout on every app server. A row is needed only
# until the session would have ended anyway (``expires_at``), and is purged after that.
revoked_session = sa.Table(
    "revoked_session",
    app_metadata,
    sa.Column("session_id", sa.String(64), primary_key=True),
    sa.Column("user_id", sa.Integer, nullable=False),
    sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False, index=True),
)

audit_log = sa.Table(
    "audit_log",
    app_metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("at", sa.DateTime(timezone=True), nullable=False, index=True),
    sa.Column("username", sa.String(64), nullable=True, index=True),
    sa.Column("action", sa.String(32), nullable=False),
    sa.Column("scope", sa.String(32), nullable=True),
    sa.Column("params", sa.Text, nullable=True),  # JSON
    sa.Column("row_count", sa.Integer, nullable=True),
)

# Digest subscriptions and their outbox (``queries.outbox`` reads and writes them).
subscription = sa.Table(
    "subscription",
    app_metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("owner", sa.String(64), nullable=False, index=True),
    sa.Column("channel", sa.String(16), nullable=False),
    sa.Column("target", sa.Text, nullable=False),       # an e-mail address or a robot's webhook URL (secret)
    sa.Column("secret", sa.Text, nullable=True),        # DingTalk signing secret (secret)
    sa.Column("cadence", sa.String(8), nullable=False),
    sa.Column("at_time", sa.String(5), nullable=False),
    sa.Column("lang", sa.String(2), nullable=False),
    # the areas covered, comma-separated in AREAS order; NULL: every area (rows made before the column too)
    sa.Column("areas", sa.String(200), nullable=True),
    sa.Column("paused", sa.Boolean, nullable=False, default=False),
    sa.Column("failures", sa.Integer, nullable=False, default=0),  # failed sends in a row
    sa.Column("last_result", sa.Text, nullable=True),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
)

outbox = sa.Table(
    "outbox",
    app_metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("subscription_id", sa.Integer, sa.ForeignKey("subscription.id", ondelete="CASCADE"), nullable=False),
    sa.Column("key", sa.String(160), nullable=False),
    sa.Column("kind", sa.String(32), nullable=False),   # digest | an event kind
    sa.Column("value", sa.Float, nullable=True),         # the count an event reported (its next baseline)
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("status", sa.String(8), nullable=False),   # pending | sending | sent | failed
    sa.Column("attempts", sa.Integer, nullable=False, default=0),
    sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("claimed_until", sa.DateTime(timezone=True), nullable=True),
    sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True, index=True),
    sa.Column("target_hash", sa.String(64), nullable=False, index=True),  # per-robot rate limit, without the URL
    sa.Column("subject", sa.Text, nullable=False),
    sa.Column("markdown", sa.Text, nullable=False),
    sa.Column("text", sa.Text, nullable=False),
    sa.Column("html", sa.Text, nullable=False),
    sa.Column("link", sa.Text, nullable=False),          # the view with the whole story (a cut message's "more")
    sa.Column("attachment", sa.LargeBinary, nullable=True),
    sa.Column("attachment_name", sa.String(64), nullable=True),
    sa.Column("result", sa.Text, nullable=True),
    sa.UniqueConstraint("subscription_id", "key", name="outbox_once"),
)


# Supervision requests and their append-only events (``queries.supervision`` reads and writes them).
#: Events a request has at most one of.
SUPERVISION_ONCE = ("open", "close", "escalated")

supervision_request = sa.Table(
    "supervision_request",
    app_metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("province", sa.CHAR(2), nullable=False, index=True),
    sa.Column("city", sa.String(6), nullable=True),
    sa.Column("school", sa.Integer, nullable=True),
    sa.Column("code", sa.String(32), nullable=False),     # the region's code (a school's registry code)
    sa.Column("name", sa.String(200), nullable=False),    # the region's Chinese name when the request was opened
    sa.Column("page", sa.Text, nullable=False),           # the view's path and query, as the ministry saw it
    sa.Column("due_on", sa.Date, nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
)

supervision_event = sa.Table(
    "supervision_event",
    app_metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("request_id", sa.Integer, sa.ForeignKey("supervision_request.id"), nullable=False, index=True),
    sa.Column("kind", sa.String(16), nullable=False),     # open | reply | close | escalated
    sa.Column("at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("on_day", sa.Date, nullable=False),         # the Beijing date of the action
    sa.Column("username", sa.String(64), nullable=True),  # None: the digest round
    sa.Column("message", sa.Text, nullable=True),
    sa.Column("planned_on", sa.Date, nullable=True),
)

_once = supervision_event.c.kind.in_(SUPERVISION_ONCE)
sa.Index("supervision_event_once", supervision_event.c.request_id, supervision_event.c.kind, unique=True,
         sqlite_where=_once, postgresql_where=_once)

# A real hash to compare against when the username does not exist, so a wrong
# username costs as much time as a wrong password and does not reveal itself.
_DUMMY_HASH = generate_password_hash("aidwatch-dummy-password")


def _now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


def _utc(value: dt.datetime | None) -> dt.datetime | None:
    """SQLite returns naive datetimes; everything here is stored as UTC."""
    if value is not None and value.tzinfo is None:
        return value.replace(tzinfo=dt.timezone.utc)
    return value


def app_engine(url: str) -> sa.Engine:
    """An engine on the app DB; for SQLite, creates the file's directory first.

    ``instance/`` does not exist on a fresh checkout, and SQLite refuses to
    create a file in a missing directory with an unhelpful message.
    """
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:" and not parsed.database.startswith("file:"):
            Path(parsed.database).expanduser().resolve().parent.mkdir(parents=True, exist_ok=True)
        # Several gunicorn workers share the file: wait for a lock instead of failing.
        return sa.create_engine(parsed, connect_args={"timeout": 30})
    if parsed.drivername == "postgresql":
        parsed = parsed.set(drivername="postgresql+psycopg")
    return sa.create_engine(parsed, pool_pre_ping=True)


class AddColumn(sa.schema.ExecutableDDLElement):
    """``ALTER TABLE … ADD COLUMN …`` for a column of the metadata (SQLAlchemy Core has no such construct)."""

    def __init__(self, table: sa.Table, column: sa.Column):
        self.table, self.column = table, column


@compiles(AddColumn)
def _add_column(element: AddColumn, compiler, **kw) -> str:
    return "ALTER TABLE {} ADD COLUMN {}".format(compiler.preparer.format_table(element.table),
                                                 compiler.process(sa.schema.CreateColumn(element.column), **kw))


def add_missing_columns(engine: sa.Engine) -> list[str]:
    """Add the columns that the metadata has and an existing table lacks (``table.column`` each, added).

    ``create_all`` creates missing tables but never changes one that exists, so an app DB made by an
    earlier version would lack a column added since (``subscription.areas``). Such a column is nullable,
    NULL meaning what the rows had before it existed, so adding it is all an upgrade needs, on SQLite and
    PostgreSQL alike. Two app servers starting at once may both try: the loser's error is ignored when the
    column is there after all.
    """
    added = []
    for table in app_metadata.sorted_tables:
        have = {c["name"] for c in sa.inspect(engine).get_columns(table.name)}
        for column in table.columns:
            if column.name in have:
                continue
            if not column.nullable:
                raise RuntimeError(f"app DB: {table.name}.{column.name} is missing and cannot be added (NOT NULL)")
            try:
                with engine.begin() as conn:
                    conn.execute(AddColumn(table, column))
            except DBAPIError:
                if column.name not in {c["name"] for c in sa.inspect(engine).get_columns(table.name)}:
                    raise
                continue
            added.append(f"{table.name}.{column.name}")
    return added


def init_db(engine: sa.Engine) -> None:
    """Create the tables if missing, and the columns added since a table was made; safe to call on every
    start (subscriptions and the outbox too)."""
    app_metadata.create_all(engine, checkfirst=True)
    add_missing_columns(engine)


# --- validation -------------------------------------------------------------------------------


def check_password_rules(password: str) -> None:
    """Raise ``ValueError`` when ``password`` is too weak to protect case-level data."""
    if not isinstance(password, str) or len(password) < MIN_PASSWORD_LENGTH:
        raise ValueError(
            f"密码至少 {MIN_PASSWORD_LENGTH} 个字符 / password must be at least {MIN_PASSWORD_LENGTH} characters"
        )
    if password.isdigit():
        raise ValueError("密码不能全是数字 / password must not be all digits")


def _check_username(username: str) -> None:
    if not isinstance(username, str) or not USERNAME_RE.match(username):
        raise ValueError(
            "用户名只能包含字母、数字和 . _ @ -，最长 64 个字符 / "
            "username: letters, digits and . _ @ - only, at most 64 characters, starting with a letter or digit"
        )


def _check_role(role: str, province: str | None) -> None:
    if role not in ROLES:
        raise ValueError(f"unknown role {role!r}: use one of {', '.join(ROLES)}")
    if role == "province":
        if not province:
            raise ValueError("a province user needs --province CODE (GB/T 2260, e.g. 44)")
        known = {p["code"] for p in reference.provinces()}
        if province not in known:
            raise ValueError(f"unknown province code {province!r}: use a GB/T 2260 code such as 11 or 44")
    elif province:
        raise ValueError(f"only the province role carries a province code (role {role!r} sees all provinces)")


# --- users ------------------------------------------------------------------------------------


def add_user(engine: sa.Engine, username: str, role: str, province: str | None, password: str) -> dict:
    """Create an account; raises ``ValueError`` on a bad name, role, province, password or a duplicate."""
    _check_username(username)
    _check_role(role, province)
    check_password_rules(password)
    with engine.begin() as conn:
        if conn.execute(sa.select(app_user.c.id).where(app_user.c.username == username)).first():
            raise ValueError(f"user {username!r} already exists")
        conn.execute(
            app_user.insert().values(
                username=username,
                password_hash=generate_password_hash(password),
                role=role,
                province_code=province or None,
                disabled=False,
                session_version=1,
                failed_logins=0,
                locked_until=None,
                created_at=_now(),
            )
        )
    return get_user(engine, username)


def _row(row) -> dict | None:
    if row is None:
        return None
    d = dict(row._mapping)
    d["locked_until"] = _utc(d["locked_until"])
    d["created_at"] = _utc(d["created_at"])
    return d


def get_user(engine: sa.Engine, username: str) -> dict | None:
    """The account as a dict (all ``app_user`` columns), or None."""
    with engine.connect() as conn:
        return _row(conn.execute(sa.select(app_user).where(app_user.c.username == username)).first())


def get_session_user(engine: sa.Engine, user_id: int, session_id: str) -> dict | None:
    """The account of a session (by the id in its cookie), or None when the session was ended by a logout."""
    revoked = sa.select(revoked_session.c.session_id).where(revoked_session.c.session_id == session_id)
    query = sa.select(app_user).where(app_user.c.id == int(user_id), ~sa.exists(revoked))
    with engine.connect() as conn:
        return _row(conn.execute(query).first())


def revoke_session(engine: sa.Engine, user_id: int, session_id: str, expires_at: dt.datetime,
                   now: dt.datetime | None = None) -> None:
    """End one session for good (logout): its cookie is refused from now on, on every app server.

    ``expires_at`` is when the session would end anyway (its login time plus the session's maximum age);
    the revocations of sessions that have ended by ``now`` (the app's clock) are forgotten here.
    """
    with engine.begin() as conn:
        conn.execute(revoked_session.delete().where(revoked_session.c.expires_at < (now or _now())))
        if conn.execute(sa.select(revoked_session.c.session_id)
                        .where(revoked_session.c.session_id == session_id)).first() is None:
            conn.execute(revoked_session.insert().values(session_id=session_id, user_id=int(user_id),
                                                         expires_at=expires_at))


def list_users(engine: sa.Engine) -> list[dict]:
    with engine.connect() as conn:
        return [_row(r) for r in conn.execute(sa.select(app_user).order_by(app_user.c.username))]


def is_locked(user: dict, now: dt.datetime | None = None) -> bool:
    """True while a lock from too many failed logins is in force."""
    until = _utc(user.get("locked_until"))
    return until is not None and until > (now or _now())


def _require(conn, username: str):
    row = conn.execute(sa.select(app_user.c.id).where(app_user.c.username == username)).first()
    if row is None:
        raise ValueError(f"no user {username!r}")
    return row.id


def set_disabled(engine: sa.Engine, username: str, disabled: bool) -> None:
    """Disable (ending every open session) or re-enable an account.

    Re-enabling also clears a failed-login lock: an administrator who enables
    an account means for it to work now.
    """
    with engine.begin() as conn:
        uid = _require(conn, username)
        values: dict = {"disabled": bool(disabled)}
        if disabled:
            values["session_version"] = app_user.c.session_version + 1
        else:
            values.update(failed_logins=0, locked_until=None)
        conn.execute(app_user.update().where(app_user.c.id == uid).values(**values))


def unlock(engine: sa.Engine, username: str) -> None:
    """Lift a failed-login lock now, without enabling a disabled account."""
    with engine.begin() as conn:
        uid = _require(conn, username)
        conn.execute(app_user.update().where(app_user.c.id == uid).values(failed_logins=0, locked_until=None))


def set_password(engine: sa.Engine, username: str, password: str) -> None:
    """Set a new password, end all existing sessions and clear any lock."""
    check_password_rules(password)
    with engine.begin() as conn:
        uid = _require(conn, username)
        conn.execute(
            app_user.update()
            .where(app_user.c.id == uid)
            .values(
                password_hash=generate_password_hash(password),
                session_version=app_user.c.session_version + 1,
                failed_logins=0,
                locked_until=None,
            )
        )


def check_login(engine: sa.Engine, username: str, password: str) -> tuple[dict | None, str]:
    """(the account, ``"ok"``) if ``password`` is right and the account may log in now, else (None, reason).

    The reason (``unknown``, ``disabled``, ``locked``, ``wrong_password``) is for the audit log only: the
    login page gives every failure the same message, and every failure computes one password hash (against
    a dummy hash when there is no usable account), so neither the answer nor its time tells a guesser which
    usernames exist or are locked.

    Wrong passwords are counted by one UPDATE that adds 1 in the database and locks the account when the
    count reaches MAX_FAILED_LOGINS, so parallel guesses cannot each read the same count and write it back
    (a read, a hash and a write would let 20 parallel guesses leave the count at 2). A success resets the
    count, only if no lock was set meanwhile.
    """
    user = get_user(engine, username) if isinstance(username, str) and username else None
    if user is None or user["disabled"] or is_locked(user):
        check_password_hash(_DUMMY_HASH, password or "")  # the same cost as a real check
        reason = "unknown" if user is None else "disabled" if user["disabled"] else "locked"
        return None, reason
    now = _now()
    may_log_in = sa.and_(app_user.c.id == user["id"], app_user.c.disabled.is_(False),
                         sa.or_(app_user.c.locked_until.is_(None), app_user.c.locked_until <= now))
    if check_password_hash(user["password_hash"], password or ""):
        with engine.begin() as conn:
            reset = conn.execute(app_user.update().where(may_log_in).values(failed_logins=0, locked_until=None))
        if reset.rowcount != 1:  # locked (by parallel guesses) or disabled while the hash was computed
            return None, "locked"
        user.update(failed_logins=0, locked_until=None)
        return user, "ok"
    reaches_limit = app_user.c.failed_logins + 1 >= MAX_FAILED_LOGINS
    with engine.begin() as conn:
        conn.execute(
            app_user.update().where(app_user.c.id == user["id"]).values(
                # both expressions read the row as it was before this UPDATE
                failed_logins=sa.case((reaches_limit, 0), else_=app_user.c.failed_logins + 1),
                locked_until=sa.case((reaches_limit, now + dt.timedelta(minutes=LOCK_MINUTES)),
                                     else_=app_user.c.locked_until),
            )
        )
    return None, "wrong_password"


def verify(engine: sa.Engine, username: str, password: str) -> dict | None:
    """The account if ``password`` is right and the account may log in now, else None (see ``check_login``)."""
    return check_login(engine, username, password)[0]


# --- audit ------------------------------------------------------------------------------------


def scope_label(scope) -> str | None:
    """``Scope`` → short text for the audit log (``ministry``, ``province:44``); strings pass through."""
    if scope is None or isinstance(scope, str):
        return scope
    role = getattr(scope, "role", None)
    province = getattr(scope, "province", None)
    return f"{role}:{province}" if province else role


def audit(engine: sa.Engine, username: str | None, action: str, scope, params=None, row_count: int | None = None) -> None:
    """Append one audit row: who did what, under which data scope, with which parameters.

    ``scope`` may be a ``queries.scope.Scope`` or a string; ``params`` any
    JSON-able value (dates are written as text).
    """
    text = None if params is None else json.dumps(params, ensure_ascii=False, sort_keys=True, default=str)
    with engine.begin() as conn:
        conn.execute(
            audit_log.insert().values(
                at=_now(),
                username=(username or None) and str(username)[:64],
                action=action,
                scope=scope_label(scope),
                params=text,
                row_count=row_count,
            )
        )


def audit_rows(engine: sa.Engine, limit: int | None = 100, user: str | None = None, action: str | None = None,
               since: dt.datetime | None = None, oldest_first: bool = False) -> list[dict]:
    """Audit rows, newest first unless ``oldest_first``, ``params`` decoded (tests, ``aidwatch audit``).

    ``action`` matches the action itself or its family: ``export`` matches
    ``export:deadlines.csv``. ``since`` is inclusive; a naive datetime is UTC.
    """
    query = sa.select(audit_log)
    if user is not None:
        query = query.where(audit_log.c.username == user)
    if action is not None:
        query = query.where(sa.or_(audit_log.c.action == action,
                                   audit_log.c.action.startswith(action + ":", autoescape=True)))
    if since is not None:
        query = query.where(audit_log.c.at >= _utc(since))
    query = query.order_by(audit_log.c.id.asc() if oldest_first else audit_log.c.id.desc())
    if limit is not None:
        query = query.limit(limit)
    with engine.connect() as conn:
        rows = conn.execute(query).all()
    out = []
    for r in rows:
        d = dict(r._mapping)
        d["at"] = _utc(d["at"])
        d["params"] = None if d["params"] is None else json.loads(d["params"])
        out.append(d)
    return out
