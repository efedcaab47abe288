"""Two gunicorn instances behind one Redis: a session and a cached result cross between them.

This is what running on several machines needs: sessions in signed cookies
(one secret key), the app database shared, and the result cache in Redis.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import redis
import requests

from bench.load import free_port
from tests import fixture_deadlines
from tests.apps import PASSWORD, USERS
from tests.registry_builder import build_registry

ROOT = Path(__file__).resolve().parents[1]


def wait_for(url: str, timeout: float = 30) -> None:
    end = time.time() + timeout
    while time.time() < end:
        try:
            if requests.get(url, timeout=1).status_code < 500:
                return
        except requests.RequestException:
            time.sleep(0.2)
    raise AssertionError(f"{url} did not come up")


def test_session_and_cache_cross_between_two_instances(tmp_path, redis_url):
    registry = build_registry(f"sqlite:///{tmp_path / 'registry.sqlite'}", fixture_deadlines.TABLES)
    env = {**os.environ, "AIDWATCH_REGISTRY_URL": registry, "AIDWATCH_APP_DB_URL": f"sqlite:///{tmp_path / 'app.sqlite'}",
           "AIDWATCH_SECRET_KEY": "s" * 40, "AIDWATCH_CACHE_URL": redis_url, "AIDWATCH_INSTANCE_DIR": str(tmp_path),
           "AIDWATCH_WARM_INTERVAL_S": "0"}  # no warm-up: the test counts the cache keys one request makes
    from queries import appdb

    engine = appdb.app_engine(env["AIDWATCH_APP_DB_URL"])
    appdb.init_db(engine)
    appdb.add_user(engine, "gd", *USERS["gd"], PASSWORD)
    ports = [free_port(), free_port()]
    gunicorn = str(Path(sys.executable).parent / "gunicorn")
    procs = [subprocess.Popen([gunicorn, "--workers", "1", "--bind", f"127.0.0.1:{p}", "cli.wsgi:server"],
                              cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL) for p in ports]
    try:
        a, b = (f"http://127.0.0.1:{p}" for p in ports)
        wait_for(a + "/healthz")
        wait_for(b + "/healthz")
        session = requests.Session()
        page = session.get(a + "/login").text
        token = page.split('name="csrf_token"', 1)[1].split('value="', 1)[1].split('"', 1)[0]
        response = session.post(a + "/login", data={"username": "gd", "password": PASSWORD, "csrf_token": token},
                                allow_redirects=False)
        assert response.status_code == 302

        cache = redis.Redis.from_url(redis_url)
        first = session.get(a + "/export/deadlines.csv?year=2025&as_of=2025-06-10")
        assert first.status_code == 200
        keys = set(cache.keys("*deadline_series*"))
        assert len(keys) == 1 and b"Scope(role='province', province='44')" in next(iter(keys))
        hits = cache.info("stats")["keyspace_hits"]

        # the same cookie on the other instance: logged in there too, and served from the shared cache
        second = session.get(b + "/export/deadlines.csv?year=2025&as_of=2025-06-10", allow_redirects=False)
        assert second.status_code == 200
        assert second.content == first.content
        assert set(cache.keys("*deadline_series*")) == keys
        assert cache.info("stats")["keyspace_hits"] > hits
    finally:
        for proc in procs:
            proc.terminate()
        for proc in procs:
            proc.wait(10)
