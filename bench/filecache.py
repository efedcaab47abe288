"""Bring a registry's files into the operating system's file cache before it is measured.

The measurements assume a replica server whose working set is in memory: "cold" means an empty
result cache, not a disk read. On a machine with less memory than both national registries
together (the SQLite file and the PostgreSQL cluster, 13 GB each), whichever was read last pushes
the other out, and the kernel's reclaim drops pages left untouched for a while: measured straight
after the PostgreSQL run, the SQLite deadline page read part of its indexes from disk and took a
quarter longer. So each backend's files are read through once just before its pages are measured.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import make_url

CHUNK = 16 << 20


def _read(paths) -> int:
    total = 0
    for path in paths:
        with open(path, "rb", buffering=0) as f:
            while chunk := f.read(CHUNK):
                total += len(chunk)
    return total


def _files(url: str) -> list[Path]:
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        return [Path(parsed.database)]
    datadir = os.environ.get("AIDWATCH_TEST_PG_DATADIR")
    if not datadir:
        return []
    engine = sa.create_engine(url)
    try:
        with engine.connect() as conn:
            oid = conn.execute(sa.text("SELECT oid FROM pg_database WHERE datname = current_database()")).scalar()
    finally:
        engine.dispose()
    return sorted(p for p in (Path(datadir) / "base" / str(oid)).iterdir() if p.is_file())


def warm(url: str) -> tuple[int, float]:
    """Read every file of the registry at ``url`` once: (bytes read, seconds)."""
    started = time.perf_counter()
    size = _read(_files(url))
    return size, time.perf_counter() - started
