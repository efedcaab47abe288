"""``aidwatch audit``: read the audit log of the app DB — who saw or exported what, who logged in.

The log is append-only from the dashboard's side; this command only reads it,
to answer an inspector's question ("who looked at this school's cases last
month?") on the terminal or as a CSV file for a spreadsheet.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json

import click

from cli.commands.users import app_db_group
from aidwatch.spreadsheet import defuse

COLUMNS = ("id", "at", "username", "action", "scope", "row_count", "params")


def _since(value: str | None) -> dt.datetime | None:
    """``YYYY-MM-DD`` or an ISO date-time; without a zone it is UTC (the log is kept in UTC)."""
    if value is None:
        return None
    try:
        parsed = dt.datetime.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a date (YYYY-MM-DD) or an ISO date-time", param_hint="--since")
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=dt.timezone.utc)


def _cells(row: dict) -> list[str]:
    at = row["at"].astimezone(dt.timezone.utc).strftime("%Y-%m-%d %H:%M:%S") if row["at"] else ""
    params = "" if row["params"] is None else json.dumps(row["params"], ensure_ascii=False, sort_keys=True)
    return [str(row["id"]), at, row["username"] or "", row["action"], row["scope"] or "",
            "" if row["row_count"] is None else str(row["row_count"]), params]


def _filters(fn):
    fn = click.option("--since", metavar="DATE", help="Only rows at or after DATE (YYYY-MM-DD or ISO date-time, UTC).")(fn)
    fn = click.option("--action", metavar="ACTION",
                      help="Only this action or its family (export matches export:deadlines.csv).")(fn)
    fn = click.option("--user", metavar="NAME", help="Only rows of this username.")(fn)
    return fn


@app_db_group
def audit() -> None:
    """The audit log: logins, case-list views, exports, account changes."""


@audit.command("list")
@_filters
@click.option("--limit", default=100, show_default=True, type=click.IntRange(min=1), help="At most this many rows.")
@click.pass_obj
def list_(db, user: str | None, action: str | None, since: str | None, limit: int) -> None:
    """The newest matching rows first, one a line (UTC times)."""
    from queries import appdb

    rows = appdb.audit_rows(db.engine, limit, user=user, action=action, since=_since(since))
    if not rows:
        click.echo("no audit rows match")
        return
    click.echo("\t".join(COLUMNS))
    for row in rows:
        click.echo("\t".join(_cells(row)))


@audit.command("export")
@_filters
@click.option("--out", "out", required=True, type=click.Path(dir_okay=False, allow_dash=True),
              help="CSV file to write (UTF-8 with BOM, for Excel); - for stdout.")
@click.pass_obj
def export(db, user: str | None, action: str | None, since: str | None, out: str) -> None:
    """Every matching row, oldest first, as CSV."""
    from queries import appdb

    rows = appdb.audit_rows(db.engine, None, user=user, action=action, since=_since(since), oldest_first=True)
    buf = io.StringIO()
    writer = csv.writer(buf)
    writer.writerow(COLUMNS)
    for row in rows:
        writer.writerow([defuse(cell) for cell in _cells(row)])  # usernames of failed logins are anyone's text
    if out == "-":
        click.echo(buf.getvalue(), nl=False)
        return
    with open(out, "w", encoding="utf-8-sig", newline="") as f:
        f.write(buf.getvalue())
    click.echo(f"wrote {len(rows)} rows to {out}", err=True)
