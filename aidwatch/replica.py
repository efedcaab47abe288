"""Read-only access to the registry replica.

The dashboard must never write to the registry. SQLite files are opened
through a ``mode=ro`` URI, so the file itself refuses writes; PostgreSQL
sessions start with ``default_transaction_read_only=on`` and a
``statement_timeout`` so that a runaway query cannot hold the replica, and
without JIT compilation (``jit=off``): the dashboard's queries are short
aggregations, and compiling their expressions cost PostgreSQL more than running
them (3.7 s of JIT for a 0.1 s records query at national scale, see
docs/performance.md). Both pools pre-ping so that a replica that went away and came back is reconnected
without an error reaching the user.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from urllib.parse import quote

import sqlalchemy as sa
from sqlalchemy.engine import URL, make_url

from aidwatch import contract

try:
    # SQLite 3.51 as a wheel: national first views, mostly index scans, are ready sooner than on the
    # SQLite 3.40 that Python links on Debian 12 (in alternating runs the deadline page 2.7-2.9 s → 2.2-2.3 s,
    # the rollout page 2.3 s → 1.9-2.2 s). The standard module where no wheel is built (pysqlite3-binary
    # is for x86-64 Linux).
    from pysqlite3 import dbapi2 as sqlite_dbapi
except ImportError:  # pragma: no cover - other platforms
    import sqlite3 as sqlite_dbapi

DEFAULT_STATEMENT_TIMEOUT_MS = 30_000


def sqlite_readonly_url(url: URL) -> str:
    """``sqlite:///path`` → a URI connection string that opens the file read-only."""
    path = Path(url.database or "").resolve()
    if not url.database or not path.exists():
        raise FileNotFoundError(f"registry file {url.database!r} does not exist")
    return f"sqlite:///file:{quote(str(path))}?mode=ro&uri=true"


def readonly_engine(url: str, statement_timeout_ms: int = DEFAULT_STATEMENT_TIMEOUT_MS) -> sa.Engine:
    """An engine on the replica that cannot write, whatever the caller does."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        # No memory map: SQLite 3.51 would map the whole file (Python's 3.40 stopped at 2 GiB), and every
        # page it read would count as this server's memory (3.7 GiB) for at most a tenth of the time.
        return sa.create_engine(sqlite_readonly_url(parsed), pool_pre_ping=True, module=sqlite_dbapi)
    if parsed.get_backend_name() == "postgresql":
        if parsed.drivername == "postgresql":
            parsed = parsed.set(drivername="postgresql+psycopg")
        options = f"-c default_transaction_read_only=on -c statement_timeout={int(statement_timeout_ms)} -c jit=off"
        return sa.create_engine(
            parsed,
            pool_pre_ping=True,
            pool_size=8,
            max_overflow=4,
            connect_args={"options": options, "application_name": "aidwatch", "connect_timeout": 10},
        )
    raise ValueError(f"unsupported registry database {parsed.get_backend_name()!r}: use sqlite or postgresql")


def writable_engine(url: str) -> sa.Engine:
    """A normal engine, for the demo generator and tests only (never the dashboard)."""
    parsed = make_url(url)
    if parsed.drivername == "postgresql":
        parsed = parsed.set(drivername="postgresql+psycopg")
    return sa.create_engine(parsed)


def snapshot_at(conn: sa.Connection) -> dt.datetime | None:
    """``registry_meta.snapshot_at``: the newest replicated change, as the registry states it."""
    value = conn.execute(
        sa.select(contract.registry_meta.c.value).where(contract.registry_meta.c.key == "snapshot_at")
    ).scalar()
    if not value:
        return None
    try:
        return dt.datetime.fromisoformat(value)
    except ValueError:
        return None


def replay_lag(conn: sa.Connection) -> dt.timedelta | None:
    """On a PostgreSQL standby, how far replay is behind now; None elsewhere."""
    if conn.dialect.name != "postgresql":
        return None
    in_recovery, replayed = conn.execute(
        sa.text("SELECT pg_is_in_recovery(), pg_last_xact_replay_timestamp()")
    ).one()
    if not in_recovery or replayed is None:
        return None
    now = conn.execute(sa.text("SELECT now()")).scalar()
    return now - replayed


def freshness(engine: sa.Engine) -> dict:
    """The replica's freshness: snapshot time and, on a standby, the replay lag."""
    with engine.connect() as conn:
        return {"snapshot_at": snapshot_at(conn), "replay_lag": replay_lag(conn)}
