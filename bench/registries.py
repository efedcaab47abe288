"""National-scale registries, generated once and kept between runs.

SQLite files live under ``bench/cache``; PostgreSQL databases live in the
benchmark's own cluster (``make bench`` keeps its data folder under
``bench/cache/pg``). Generation is timed in a child process, so its peak RSS
is the generator's own, and the figures are kept beside the registries.
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import make_url

from aidwatch.demo.indexes import sync_indexes

CACHE = Path(__file__).resolve().parent / "cache"
SEED = 2025
UNTIL = "2026-11-26"


def _name(scale: float) -> str:
    return f"registry_s{str(scale).replace('.', '_')}_seed{SEED}_{UNTIL.replace('-', '')}"


def _generate(url: str, scale: float) -> dict:
    cmd = [sys.executable, "-c", "from cli.commands.demo import demo_data; demo_data()",
           "--url", url, "--scale", str(scale), "--seed", str(SEED), "--until", UNTIL]
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    started = time.monotonic()
    subprocess.run(cmd, check=True)
    return {"seconds": round(time.monotonic() - started, 1),
            "peak_rss_mib": round(max(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, before) / 1024)}


def _record(key: str, figures: dict) -> None:
    path = CACHE / "generation.json"
    data = json.loads(path.read_text()) if path.exists() else {}
    data[key] = figures
    path.write_text(json.dumps(data, indent=2))


def generation_figures() -> dict:
    path = CACHE / "generation.json"
    return json.loads(path.read_text()) if path.exists() else {}


def _sync(url: str) -> None:
    """A cached registry may predate a change to the index list: rebuild what differs."""
    engine = sa.create_engine(url)
    try:
        built = sync_indexes(engine)
    finally:
        engine.dispose()
    if built:
        print(f"rebuilt indexes {', '.join(built)} on {make_url(url).database}", flush=True)


def sqlite_registry(scale: float) -> str:
    CACHE.mkdir(parents=True, exist_ok=True)
    path = CACHE / f"{_name(scale)}.sqlite"
    if not path.exists():
        partial = path.with_suffix(".partial")
        partial.unlink(missing_ok=True)
        figures = _generate(f"sqlite:///{partial}", scale)
        figures["size_mib"] = round(partial.stat().st_size / 2**20)
        partial.rename(path)
        _record(f"sqlite {scale}", figures)
    _sync(f"sqlite:///{path}")
    return f"sqlite:///{path}"


def postgres_registry(server_url: str, scale: float) -> str:
    server = make_url(server_url).set(drivername="postgresql+psycopg")
    name = _name(scale)
    admin = sa.create_engine(server, isolation_level="AUTOCOMMIT")
    url = server.set(database=name)
    with admin.connect() as conn:
        exists = conn.execute(sa.text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name}).first()
    complete = False
    if exists:
        probe = sa.create_engine(url)
        with probe.connect() as conn:
            complete = bool(conn.execute(sa.text(
                "SELECT 1 FROM information_schema.tables WHERE table_name = 'registry_meta'")).first()) and bool(
                conn.execute(sa.text("SELECT 1 FROM registry_meta WHERE key = 'snapshot_at'")).first())
        probe.dispose()
    if not complete:
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))  # generated name
            conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
        _record(f"postgresql {scale}", _generate(url.render_as_string(hide_password=False), scale))
    admin.dispose()
    _sync(url.render_as_string(hide_password=False))
    return url.render_as_string(hide_password=False)


def registry_for(backend: str, scale: float) -> str:
    """The registry of ``scale`` on ``backend`` (sqlite | postgresql, the latter in the cluster
    ``AIDWATCH_TEST_PG_URL`` names, which ``make bench`` starts), generated on first use."""
    if backend == "sqlite":
        return sqlite_registry(scale)
    server = os.environ.get("AIDWATCH_TEST_PG_URL")
    if not server:
        raise SystemExit("AIDWATCH_TEST_PG_URL is not set: run `make bench`")
    return postgres_registry(server, scale)
