"""Warm the result cache with every page's national first view, once per replica snapshot.

At national scale a page's cold first view reads tens of millions of index
entries (docs/performance.md): seconds on PostgreSQL, tens of seconds on
SQLite. The replica changes once per snapshot, and every result is cached
under that snapshot's key with its scope, so the views most people open
first (each page for the nation, default date, for the ministry and for
leadership) are computed once per snapshot in the background instead of by
the first person to open them. The queries behind them group by day, so one
warm result answers every as-of date.

The warm-up runs each page's own data function, as a request of a built-in
account with the role's scope would, inside a request context of its own:
it reuses the pages' exact code paths and cache keys, and no real user's
session is involved. With a shared cache (Redis), one app server warms a
snapshot and the others skip it (an ``add`` on a per-snapshot key).
"""

from __future__ import annotations

import logging
import threading
import time

from flask_login import login_user

import callbacks
from dashboard.auth import User
from dashboard.context import EXTENSION

log = logging.getLogger("aidwatch.warmup")

#: The scopes whose national views are warmed (a province user's own views are small).
ROLES = ("ministry", "leadership")


def warm(app) -> dict[str, float]:
    """Run every page's first view (``callbacks.FIRST_VIEWS``) for each role in ``ROLES``; seconds per ``role/page``.

    A page that fails is logged and skipped: the warm-up never takes the app down.
    """
    took = {}
    for number, role in enumerate(ROLES, start=1):
        user = User(-number, f"warm-up-{role}", role, None, 0)
        for page, data in callbacks.FIRST_VIEWS.items():
            with app.server.test_request_context("/"):
                login_user(user)
                started = time.perf_counter()
                try:
                    data({})
                except Exception:  # noqa: BLE001 — logged; the page is computed on demand instead
                    log.exception("warm-up of %s for %s failed", page, role)
                    continue
                took[f"{role}/{page}"] = time.perf_counter() - started
    return took


def warm_if_new(app) -> dict[str, float] | None:
    """Warm once per snapshot across all app servers sharing the cache; None when nothing was to do."""
    registry = app.server.extensions[EXTENSION]
    fresh = registry.freshness()
    if fresh.stale or not registry.cache.add(f"aidwatch:warmed:{fresh.key}", True, timeout=0):
        return None
    started = time.perf_counter()
    took = warm(app)
    log.info("warmed %d views for snapshot %s in %.1f s", len(took), fresh.key, time.perf_counter() - started)
    return took


def start(app, interval_s: float) -> threading.Thread | None:
    """A daemon thread that checks the snapshot every ``interval_s`` seconds and warms a new one
    (none when ``interval_s`` is 0: tests and benchmarks measure cold views on purpose)."""
    if interval_s <= 0:
        return None
    def loop():
        while True:
            try:
                warm_if_new(app)
            except Exception:  # noqa: BLE001 — a replica outage; the next round tries again
                log.warning("warm-up check failed", exc_info=True)
            time.sleep(interval_s)

    thread = threading.Thread(target=loop, name="aidwatch-warmup", daemon=True)
    thread.start()
    return thread
