"""``aidwatch check-replica``: is the live replica still the shape the dashboard reads?

Run it after the registry's owners announce a change, and from monitoring. It
connects exactly as the dashboard does (read-only, with the statement
timeout), so a failure here is a failure the dashboard would hit too.

Exit status: 0 the replica matches the contract (warnings and extra tables or
columns allowed), 1 something is missing or mismatched, 2 the replica cannot
be reached or read at all.
"""

from __future__ import annotations

import datetime as dt

import click
import sqlalchemy as sa
from sqlalchemy.engine import make_url

from aidwatch import config as aw_config
from aidwatch import contract_check, replica

EXIT_OK, EXIT_MISMATCH, EXIT_UNREACHABLE = 0, 1, 2
#: Seconds to wait for a PostgreSQL server; without it an unreachable host can hang the check for minutes.
PG_CONNECT_TIMEOUT_S = 10


def _display_url(url: str) -> str:
    """The URL without its password, fit to print."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except sa.exc.ArgumentError:
        return "<unparseable URL>"


def _with_connect_timeout(url: str) -> str:
    parsed = make_url(url)
    if parsed.get_backend_name() == "postgresql" and "connect_timeout" not in parsed.query:
        parsed = parsed.update_query_dict({"connect_timeout": str(PG_CONNECT_TIMEOUT_S)})
    return parsed.render_as_string(hide_password=False)


def _reason(exc: BaseException) -> str:
    """The driver's own words, first line only: enough to act on, no traceback, no SQL."""
    inner = getattr(exc, "orig", None) or exc
    text = str(inner).strip()
    return text.splitlines()[0] if text else type(inner).__name__


def _fmt_lag(lag: dt.timedelta) -> str:
    seconds = max(lag.total_seconds(), 0.0)
    if seconds < 120:
        return f"{seconds:.0f} s"
    if seconds < 7200:
        return f"{seconds / 60:.1f} min"
    return f"{seconds / 3600:.1f} h"


def _freshness_lines(engine: sa.Engine) -> list[str]:
    """Replay lag on a PostgreSQL standby, else the registry's own snapshot time."""
    try:
        fresh = replica.freshness(engine)
    except sa.exc.SQLAlchemyError as exc:
        # registry_meta missing or unreadable: still report the replay lag where there is one.
        lines = [f"snapshot_at: unknown (registry_meta not readable: {_reason(exc)})"]
        try:
            with engine.connect() as conn:
                lag = replica.replay_lag(conn)
        except sa.exc.SQLAlchemyError:
            lag = None
        if lag is not None:
            lines.insert(0, f"replay lag: {_fmt_lag(lag)} (PostgreSQL standby, pg_last_xact_replay_timestamp)")
        return lines
    lines = []
    if fresh["replay_lag"] is not None:
        lines.append(f"replay lag: {_fmt_lag(fresh['replay_lag'])} (PostgreSQL standby, pg_last_xact_replay_timestamp)")
    snap = fresh["snapshot_at"]
    lines.append(
        f"snapshot_at: {snap.isoformat()} (registry_meta)" if snap else "snapshot_at: unknown (registry_meta has none)"
    )
    return lines


@click.command("check-replica")
@click.option(
    "--url",
    default=None,
    help="Registry replica URL (default: AIDWATCH_REGISTRY_URL, else the demo registry).",
)
def check_replica(url: str | None) -> None:
    """Check the registry replica against the contract (shared/registry/schema.sql)."""
    settings = aw_config.from_env()
    url = url or settings["REGISTRY_URL"]
    shown = _display_url(url)
    ctx = click.get_current_context()
    try:
        engine = replica.readonly_engine(_with_connect_timeout(url), settings["STATEMENT_TIMEOUT_MS"])
        with engine.connect() as conn:
            conn.execute(sa.text("SELECT 1"))
    except FileNotFoundError as exc:
        click.echo(f"cannot connect to the registry replica {shown}: {exc}", err=True)
        ctx.exit(EXIT_UNREACHABLE)
    except (sa.exc.SQLAlchemyError, ValueError, ImportError) as exc:
        click.echo(f"cannot connect to the registry replica {shown}: {_reason(exc)}", err=True)
        ctx.exit(EXIT_UNREACHABLE)

    try:
        click.echo(f"registry replica: {shown} ({engine.dialect.name})")
        for line in _freshness_lines(engine):
            click.echo(f"freshness: {line}")
        try:
            report = contract_check.check(engine)
        except sa.exc.SQLAlchemyError as exc:
            click.echo(f"cannot read the replica's catalog: {_reason(exc)}", err=True)
            ctx.exit(EXIT_UNREACHABLE)
    finally:
        engine.dispose()

    for finding in report.errors + report.warnings + report.infos:
        click.echo(str(finding))
    summary = (
        f"{len(report.errors)} error(s), {len(report.warnings)} warning(s), "
        f"{len(report.infos)} extra table(s)/column(s)"
    )
    if report.ok:
        click.echo(f"OK: the replica matches the contract; {summary}")
        ctx.exit(EXIT_OK)
    click.echo(f"FAILED: the replica does not match the contract; {summary}")
    ctx.exit(EXIT_MISMATCH)
