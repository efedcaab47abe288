"""``aidwatch users``: manage dashboard accounts in the app DB.

Passwords are read from a file (or stdin with ``-``), never from the command
line, where they would land in shell history and ``ps`` output.
"""

from __future__ import annotations

import functools
import getpass
import secrets
import string
import unicodedata

import click

from aidwatch import config as aw_config
from aidwatch import reference

LOGIN_URL = "http://127.0.0.1:8050/login"
DEMO_FALLBACK_PROVINCE = "44"
DEMO_PASSWORD_LENGTH = 16
# Letters and digits without look-alikes (0/O, 1/l/I), so a password copied by eye still works.
_ALPHABET = "".join(c for c in string.ascii_letters + string.digits if c not in "0O1lI")


def _appdb():
    # Imported lazily: `aidwatch` loads every command module at start, and the
    # dashboard package pulls in Dash, which commands like demo-data do not need.
    from queries import appdb

    return appdb


def _province_name(code: str | None) -> str:
    for p in reference.provinces():
        if p["code"] == code:
            return p["name"]
    return ""


def _read_password(fileobj) -> str:
    """The first line of the file, without its line ending (spaces are part of the password)."""
    line = fileobj.readline()
    password = line.rstrip("\r\n")
    if not password:
        raise click.ClickException("the password file is empty (the first line is the password)")
    return password


def _fail_on_value_error(fn, *args):
    try:
        return fn(*args)
    except ValueError as exc:
        raise click.ClickException(str(exc)) from exc


def cli_actor() -> str:
    """The audit log's name for a change made on the command line: ``cli:<operating-system account>``."""
    try:
        who = getpass.getuser()
    except (KeyError, OSError):  # no passwd entry (some containers)
        who = "unknown"
    return f"cli:{who}"[:64]


def _audit(db, action: str, name: str, **params) -> None:
    """Account changes go into the audit log too, under the operating-system account that made them."""
    _appdb().audit(db.engine, cli_actor(), f"user_{action}", None, {"user": name, **params})


class AppDB:
    """The app DB engine, opened on first use so that ``--help`` creates no files."""

    def __init__(self, url: str | None):
        self.url = url
        self._engine = None

    @property
    def engine(self):
        if self._engine is None:
            appdb = _appdb()
            self._engine = appdb.app_engine(self.url or aw_config.from_env()["APP_DB_URL"])
            appdb.init_db(self._engine)
        return self._engine

    def close(self) -> None:
        if self._engine is not None:
            self._engine.dispose()


def app_db_group(fn):
    """A command group on the app DB: ``--app-db URL`` and the DB, opened on first use, as ``ctx.obj``."""
    @click.option("--app-db", "app_db_url", metavar="URL", help="App DB URL (default: AIDWATCH_APP_DB_URL).")
    @click.pass_context
    @functools.wraps(fn)
    def group(ctx: click.Context, app_db_url: str | None) -> None:
        ctx.obj = AppDB(app_db_url)
        ctx.call_on_close(ctx.obj.close)

    return click.group(help=fn.__doc__)(group)


@app_db_group
def users() -> None:
    """Dashboard accounts: add, list, disable, enable, unlock, passwd, demo-accounts."""


@users.command("add")
@click.argument("name")
@click.option("--role", required=True, type=click.Choice(["ministry", "province", "leadership"]))
@click.option("--province", metavar="CODE", help="GB/T 2260 province code; required for --role province only.")
@click.option("--password-file", required=True, type=click.File("r", encoding="utf-8"),
              help="File whose first line is the password; - for stdin.")
@click.pass_obj
def add(db, name: str, role: str, province: str | None, password_file) -> None:
    """Create an account."""
    password = _read_password(password_file)
    _fail_on_value_error(_appdb().add_user, db.engine, name, role, province, password)
    _audit(db, "add", name, role=role, province=province)
    where = f" {province} {_province_name(province)}" if province else ""
    click.echo(f"added {name} ({role}{where})")


@users.command("list")
@click.pass_obj
def list_(db) -> None:
    """Show all accounts."""
    appdb = _appdb()
    rows = [("username", "role", "province", "disabled", "locked")]
    for u in appdb.list_users(db.engine):
        province = f"{u['province_code']} {_province_name(u['province_code'])}" if u["province_code"] else "-"
        locked = u["locked_until"].strftime("until %Y-%m-%d %H:%M UTC") if appdb.is_locked(u) else "no"
        rows.append((u["username"], u["role"], province, "yes" if u["disabled"] else "no", locked))
    if len(rows) == 1:
        click.echo("no users yet: add one with `aidwatch users add NAME --role ROLE --password-file FILE`")
        return
    widths = [max(_width(r[i]) for r in rows) for i in range(len(rows[0]))]
    for r in rows:
        click.echo("  ".join(_pad(cell, w) for cell, w in zip(r, widths)).rstrip())


@users.command("disable")
@click.argument("name")
@click.pass_obj
def disable(db, name: str) -> None:
    """Block an account and end its open sessions."""
    _fail_on_value_error(_appdb().set_disabled, db.engine, name, True)
    _audit(db, "disable", name)
    click.echo(f"disabled {name}; their open sessions have ended")


@users.command("enable")
@click.argument("name")
@click.pass_obj
def enable(db, name: str) -> None:
    """Allow a disabled or locked account to log in again."""
    _fail_on_value_error(_appdb().set_disabled, db.engine, name, False)
    _audit(db, "enable", name)
    click.echo(f"enabled {name}")


@users.command("unlock")
@click.argument("name")
@click.pass_obj
def unlock(db, name: str) -> None:
    """Lift a lock from too many wrong passwords now (a disabled account stays disabled)."""
    _fail_on_value_error(_appdb().unlock, db.engine, name)
    _audit(db, "unlock", name)
    click.echo(f"unlocked {name}")


@users.command("passwd")
@click.argument("name")
@click.option("--password-file", required=True, type=click.File("r", encoding="utf-8"),
              help="File whose first line is the new password; - for stdin.")
@click.pass_obj
def passwd(db, name: str, password_file) -> None:
    """Set a new password; ends the account's open sessions and clears a lock."""
    password = _read_password(password_file)
    _fail_on_value_error(_appdb().set_password, db.engine, name, password)
    _audit(db, "passwd", name)
    click.echo(f"password changed for {name}; their open sessions have ended")


# --- demo accounts ----------------------------------------------------------------------------


def random_password(length: int = DEMO_PASSWORD_LENGTH) -> str:
    """A random password from ``secrets`` that also passes the password rules."""
    while True:
        password = "".join(secrets.choice(_ALPHABET) for _ in range(length))
        if not password.isdigit():
            return password


def largest_province(registry_url: str) -> str:
    """The province with the most students in the registry; 44 if it has none.

    The demo province user then sees a province with real data behind it.
    """
    import sqlalchemy as sa

    from aidwatch import contract
    from aidwatch.replica import readonly_engine

    engine = readonly_engine(registry_url)
    try:
        with engine.connect() as conn:
            n = sa.func.count().label("n")
            row = conn.execute(
                sa.select(contract.student.c.province_code, n)
                .group_by(contract.student.c.province_code)
                .order_by(n.desc(), contract.student.c.province_code)
                .limit(1)
            ).first()
    finally:
        engine.dispose()
    return row.province_code.strip() if row is not None else DEMO_FALLBACK_PROVINCE


def _width(text: str) -> int:
    """Terminal columns: CJK characters take two."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in str(text))


def _pad(text: str, width: int) -> str:
    return str(text) + " " * (width - _width(text))


def _box(lines: list[str]) -> str:
    inner = max(_width(line) for line in lines)
    top = "┌" + "─" * (inner + 2) + "┐"
    bottom = "└" + "─" * (inner + 2) + "┘"
    return "\n".join([top, *(f"│ {_pad(line, inner)} │" for line in lines), bottom])


@users.command("demo-accounts")
@click.option("--registry", "registry_url", metavar="URL", help="Registry URL (default: AIDWATCH_REGISTRY_URL).")
@click.pass_obj
def demo_accounts(db, registry_url: str | None) -> None:
    """Create one demo account per role with random passwords (AIDWATCH_DEMO=1 only)."""
    appdb = _appdb()
    cfg = aw_config.from_env()
    if not cfg["DEMO"]:
        raise click.ClickException("demo-accounts is for demo installs only: set AIDWATCH_DEMO=1")

    engine = db.engine
    # Fixed names, one per role, so "if absent" is well defined and the reset hint is exact.
    wanted = [("ministry", "ministry"), ("leadership", "leadership"), ("province", "province")]
    missing = [w for w in wanted if appdb.get_user(engine, w[0]) is None]
    existing = [name for name, role in wanted if (name, role) not in missing]

    created = []
    if missing:
        province = None
        if any(role == "province" for _, role in missing):
            url = registry_url or cfg["REGISTRY_URL"]
            try:
                province = largest_province(url)
            except Exception as exc:  # noqa: BLE001 - a demo must start; say why it fell back
                click.echo(f"warning: could not read the registry ({exc}); using province "
                           f"{DEMO_FALLBACK_PROVINCE}", err=True)
                province = DEMO_FALLBACK_PROVINCE
        for username, role in missing:
            code = province if role == "province" else None
            password = random_password()
            appdb.add_user(engine, username, role, code, password)
            created.append((username, role, code, password))

    if created:
        lines = [
            "aidwatch 演示账户 / demo accounts",
            f"登录 / log in: {LOGIN_URL}",
            "",
        ]
        name_w = max(_width(u) for u, *_ in created)
        for username, role, code, password in created:
            label = f"{role} {code} {_province_name(code)}" if code else role
            lines.append(f"{_pad(username, name_w)}  {password}  ({label})")
        lines += [
            "",
            "密码只显示这一次，请现在记下。",
            "These passwords are shown once only: note them now.",
        ]
        click.echo(_box(lines))
    if existing:
        click.echo(f"demo accounts already exist: {', '.join(existing)} (passwords not shown again).")
        click.echo("To reset one:  aidwatch users passwd NAME --password-file FILE   (or - to read stdin)")
