"""``aidwatch supervision``: open, reply to, close and list supervision requests (督办) as a named user.

The same actions as the ``/supervision`` page (``views.supervision``), with that user's role and scope:
a refused action exits 1 with the reason on standard error and writes nothing. ``list --json`` prints a
UTF-8 JSON array (no ``\\u`` escapes) of the export's columns plus ``message`` and ``history``.
"""

from __future__ import annotations

import json

import click

from aidwatch.supervision import EXPORT_COLUMNS
from views.context import app_db


def _context():
    """The dashboard app (its registry, the app DB) and an app context to act in."""
    from dashboard import create_app  # lazily: the dashboard package loads Dash

    app = create_app()
    return app, app.server.app_context()


def _actor(engine, username: str):
    """(name, Scope) of an enabled account, or a refusal."""
    from queries import appdb
    from queries.scope import Scope

    user = appdb.get_user(engine, username)
    if user is None or user["disabled"]:
        raise click.ClickException(f"no enabled user {username!r}")
    return user["username"], Scope(user["role"], user["province_code"])


def _run(fn):
    """Run an action; a refusal or a region outside the scope becomes exit 1 with its reason on stderr."""
    from aidwatch.supervision import Refused
    from views.errors import describe
    from queries.regions import UnknownRegion
    from queries.scope import OutOfScope

    try:
        return fn()
    except Refused as exc:
        raise click.ClickException(str(exc)) from exc
    except (OutOfScope, UnknownRegion) as exc:
        raise click.ClickException(describe(exc, "en")[0]) from exc


@click.group()
def supervision() -> None:
    """Supervision requests (督办): open, reply, close, list."""


@supervision.command("open")
@click.option("--as", "username", required=True, metavar="USER", help="Act as this user (a ministry account).")
@click.option("--province", required=True, metavar="P")
@click.option("--city", metavar="C")
@click.option("--school", metavar="S")
@click.option("--page", "page_path", required=True, metavar="PATH_AND_QUERY", help="The view, e.g. /deadlines?province=44.")
@click.option("--message-file", required=True, type=click.File("r", encoding="utf-8"), help="- for stdin.")
@click.option("--due-workdays", type=int, metavar="N", help="Due N working days after today (default 5).")
@click.option("--due", metavar="YYYY-MM-DD", help="Due on this day (on or after today).")
def open_(username, province, city, school, page_path, message_file, due_workdays, due) -> None:
    """Open a request; prints its id."""
    from views import supervision as actions

    if due_workdays is not None and due is not None:
        raise click.UsageError("give --due-workdays or --due, not both")
    app, context = _context()
    with context:
        engine = app_db()
        name, scope = _actor(engine, username)
        registry = app.server.extensions["aidwatch_registry"]
        request_id = _run(lambda: actions.open_request(engine, registry, name, scope, province, city, school,
                                                       page_path, message_file.read(), due_workdays, due))
    click.echo(str(request_id))


@supervision.command("reply")
@click.argument("request_id", metavar="ID", type=int)
@click.option("--as", "username", required=True, metavar="USER")
@click.option("--message-file", required=True, type=click.File("r", encoding="utf-8"), help="- for stdin.")
@click.option("--planned", metavar="YYYY-MM-DD", help="The planned completion day.")
def reply(request_id, username, message_file, planned) -> None:
    """Answer a request (the province asked, or the ministry)."""
    from views import supervision as actions

    app, context = _context()
    with context:
        engine = app_db()
        name, scope = _actor(engine, username)
        _run(lambda: actions.reply(engine, name, scope, request_id, message_file.read(), planned))
    click.echo(f"replied to request {request_id}")


@supervision.command("close")
@click.argument("request_id", metavar="ID", type=int)
@click.option("--as", "username", required=True, metavar="USER")
@click.option("--message-file", required=True, type=click.File("r", encoding="utf-8"), help="- for stdin.")
def close(request_id, username, message_file) -> None:
    """Close a request with a note (the ministry)."""
    from views import supervision as actions

    app, context = _context()
    with context:
        engine = app_db()
        name, scope = _actor(engine, username)
        _run(lambda: actions.close(engine, name, scope, request_id, message_file.read()))
    click.echo(f"closed request {request_id}")


@supervision.command("list")
@click.option("--as", "username", metavar="USER", help="Only what this user may see (default: every request).")
@click.option("--json", "as_json", is_flag=True, help="A JSON array with each request's message and history.")
def list_(username, as_json) -> None:
    """Every request in the scope, newest first, with its status today."""
    from views import supervision as actions
    from queries.scope import Scope

    app, context = _context()
    with context:
        engine = app_db()
        scope = _actor(engine, username)[1] if username else Scope("ministry")
        rows = actions.listing(engine, scope)
    if as_json:
        keep = [*EXPORT_COLUMNS, "message", "history"]
        click.echo(json.dumps([{k: r[k] for k in keep} for r in rows], ensure_ascii=False, indent=2))
        return
    click.echo("\t".join(EXPORT_COLUMNS))
    for r in rows:
        click.echo("\t".join(str(r[c]) for c in EXPORT_COLUMNS))
