"""Shared fixtures: empty registries on SQLite and on a real PostgreSQL server.

``make test`` starts a throwaway PostgreSQL cluster and exports
``AIDWATCH_TEST_PG_URL``. Without it the PostgreSQL tests fail (never skip):
a suite that silently drops half its databases proves nothing.
"""

from __future__ import annotations

import os
import uuid

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import make_url

BACKENDS = ("sqlite", "postgresql")


@pytest.fixture(scope="session")
def pg_server_url() -> str:
    url = os.environ.get("AIDWATCH_TEST_PG_URL")
    if not url:
        pytest.fail("AIDWATCH_TEST_PG_URL is not set: run the suite with `make test`, which starts PostgreSQL")
    return url


@pytest.fixture
def new_database(tmp_path, request):
    """Factory: ``new_database(backend)`` → URL of a new, empty, writable database."""
    created: list[str] = []
    admin = None

    def make(backend: str) -> str:
        nonlocal admin
        if backend == "sqlite":
            return f"sqlite:///{tmp_path / f'registry-{uuid.uuid4().hex[:8]}.sqlite'}"
        if backend != "postgresql":
            raise ValueError(backend)
        server = request.getfixturevalue("pg_server_url")
        name = f"aidwatch_test_{uuid.uuid4().hex[:12]}"
        if admin is None:
            admin = sa.create_engine(
                make_url(server).set(drivername="postgresql+psycopg"), isolation_level="AUTOCOMMIT"
            )
        with admin.connect() as conn:
            conn.execute(sa.text(f'CREATE DATABASE "{name}"'))  # name is generated above, not user input
        created.append(name)
        return make_url(server).set(drivername="postgresql+psycopg", database=name).render_as_string(
            hide_password=False
        )

    yield make
    if admin is not None:
        with admin.connect() as conn:
            for name in created:
                conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(params=BACKENDS)
def backend(request) -> str:
    """Run a test once on SQLite and once on PostgreSQL."""
    return request.param


# Browser tests: dash.testing's dash_duo drives Debian's Chromium, headless.
os.environ.setdefault("DASH_TEST_CHROMEPATH", "/usr/bin/chromium")
