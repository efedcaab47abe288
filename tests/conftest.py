"""Shared fixtures: empty registries on SQLite and on a real PostgreSQL server.

``make test`` starts a throwaway PostgreSQL cluster and exports
``AIDWATCH_TEST_PG_URL``. Without it the PostgreSQL tests fail (never skip):
a suite that silently drops half its databases proves nothing.
"""

from __future__ import annotations

import os
import uuid

import hypothesis  # noqa: F401  (see below)
import hypothesis.strategies  # noqa: F401
import pytest
import sqlalchemy as sa
from sqlalchemy.engine import make_url

# hypothesis is imported here, at collection, in the main thread before any test starts a thread, and its
# pytest plugin is off (-p no:hypothesispytest in pyproject): pytest rewrites the modules of every installed
# plugin, and CPython 3.11.7 crashes when that rewriting of a lazily imported module races another thread
# formatting a traceback (gh-106905). tests/test_fuzz.py runs its strategies once at import for the same reason.

BACKENDS = ("sqlite", "postgresql")


@pytest.fixture(scope="session")
def pg_server_url() -> str:
    url = os.environ.get("AIDWATCH_TEST_PG_URL")
    if not url:
        pytest.fail("AIDWATCH_TEST_PG_URL is not set: run the suite with `make test`, which starts PostgreSQL")
    return url


class DatabaseFactory:
    """Creates empty, writable databases: SQLite files under a folder, or PostgreSQL databases on the test server."""

    def __init__(self, folder, pg_url_getter):
        self.folder = folder
        self._pg_url_getter = pg_url_getter
        self._admin = None
        self._server = None
        self.created: list[str] = []

    def __call__(self, backend: str) -> str:
        if backend == "sqlite":
            return f"sqlite:///{self.folder / f'registry-{uuid.uuid4().hex[:8]}.sqlite'}"
        if backend != "postgresql":
            raise ValueError(backend)
        if self._admin is None:
            self._server = self._pg_url_getter()
            self._admin = sa.create_engine(
                make_url(self._server).set(drivername="postgresql+psycopg"), isolation_level="AUTOCOMMIT")
        name = f"aidwatch_test_{uuid.uuid4().hex[:12]}"
        with self._admin.connect() as conn:
            conn.execute(sa.text(f'CREATE DATABASE "{name}"'))  # name is generated above, not user input
        self.created.append(name)
        return make_url(self._server).set(drivername="postgresql+psycopg", database=name).render_as_string(
            hide_password=False)

    def drop_all(self) -> None:
        if self._admin is None:
            return
        with self._admin.connect() as conn:
            for name in self.created:
                conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        self._admin.dispose()


@pytest.fixture
def new_database(tmp_path, request):
    """Factory: ``new_database(backend)`` → URL of a new, empty, writable database, dropped after the test."""
    factory = DatabaseFactory(tmp_path, lambda: request.getfixturevalue("pg_server_url"))
    yield factory
    factory.drop_all()


@pytest.fixture(scope="module")
def module_database(tmp_path_factory, request):
    """The same factory for module-scoped fixtures (one registry shared by a module's read-only tests)."""
    factory = DatabaseFactory(tmp_path_factory.mktemp("registries"), lambda: request.getfixturevalue("pg_server_url"))
    yield factory
    factory.drop_all()


@pytest.fixture(params=BACKENDS)
def backend(request) -> str:
    """Run a test once on SQLite and once on PostgreSQL."""
    return request.param


# Browser tests: dash.testing's dash_duo drives Debian's Chromium, headless.
os.environ.setdefault("DASH_TEST_CHROMEPATH", "/usr/bin/chromium")
