"""Shared fixtures: empty registries on SQLite and on a real PostgreSQL server, an app database, a Redis.

``make test`` starts a throwaway PostgreSQL cluster and exports
``AIDWATCH_TEST_PG_URL``. Without it the PostgreSQL tests fail (never skip):
a suite that silently drops half its databases proves nothing.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import time
import uuid

import hypothesis  # noqa: F401  (see below)
import hypothesis.strategies  # noqa: F401
import pytest
import redis
import sqlalchemy as sa
from sqlalchemy.engine import make_url

from aidwatch import workdays
from bench.load import free_port
from queries import appdb

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


@pytest.fixture
def app_db(tmp_path):
    """The dashboard's own database (users, audit log), empty, on SQLite."""
    eng = appdb.app_engine(f"sqlite:///{tmp_path / 'instance' / 'app.sqlite'}")
    appdb.init_db(eng)
    yield eng
    eng.dispose()


@pytest.fixture
def redis_url(tmp_path):
    """A throwaway redis-server on a free loopback port (the shared cache of several app servers)."""
    binary = shutil.which("redis-server")
    if not binary:
        pytest.fail("redis-server is not installed: `make test` installs Debian's redis-server")
    port = free_port()
    proc = subprocess.Popen([binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
                             "--dir", str(tmp_path)], stdout=subprocess.DEVNULL)
    client = redis.Redis(port=port)
    for _ in range(50):
        try:
            client.ping()
            break
        except redis.ConnectionError:
            time.sleep(0.1)
    yield f"redis://127.0.0.1:{port}/0"
    proc.terminate()
    proc.wait(10)


@pytest.fixture(autouse=True)
def _browser_settles(request):
    """A browser test ends only once no callback is in flight: stopping dash_duo's server kills the threads
    still answering, and their tracebacks (SystemExit) would be printed while other tests run."""
    if "dash_duo" not in request.fixturenames:
        yield
        return
    duo = request.getfixturevalue("dash_duo")
    yield
    from tests.browser import settled  # here: tests.browser imports this module's BACKENDS through tests.apps

    try:
        settled(duo)
    except Exception:  # noqa: BLE001 — the test's own outcome stands; a dead page has nothing in flight
        pass


@pytest.fixture
def calendar_through_2026(monkeypatch):
    """The process calendar knows the library's years up to 2026 and nothing later, and no supplement: the
    year-end tests hold whether or not a later chinesecalendar release knows 2027 one day."""
    years = {y for y in workdays._library_years() if y <= 2026}
    monkeypatch.setattr(workdays, "_library_years", lambda: years)
    monkeypatch.delenv(workdays.SUPPLEMENT_ENV, raising=False)
    workdays._calendar_for.cache_clear()
    yield workdays.calendar()
    workdays._calendar_for.cache_clear()
