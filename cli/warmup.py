"""Warm the result cache with every page's national first view, once per replica snapshot.

At national scale a page's cold first view reads tens of millions of index
entries (docs/performance.md): seconds on PostgreSQL, tens of seconds on
SQLite. The replica changes once per snapshot, and every result is cached
under that snapshot's key with its scope, so the views most people open
first (each page for the nation, default date, for the ministry and for
leadership; then each province, for them and for that province's supervisor)
are computed once per snapshot in the background instead of by the first
person to open them. The queries behind them group by day, so one
warm result answers every as-of date.

The warm-up runs each page's own view model with the role's scope, inside an
app context of its own: it reuses the pages' exact code paths and cache keys,
and no user's session is involved. With a shared cache (Redis), one app server warms a
snapshot and the others skip it (an ``add`` on a per-snapshot key).
"""

from __future__ import annotations

import logging
import threading
import time

from queries.scope import Scope
from views.context import EXTENSION
from views.landing import FIRST_VIEWS
from queries.deadlines import children
from queries.regions import Region

log = logging.getLogger("aidwatch.warmup")

#: The roles whose national views are warmed, and whose province views are warmed next.
ROLES = ("ministry", "leadership")


def _run(app, reader: str, scope: Scope, page: str, data, query: dict, took: dict) -> None:
    """One page view as a reader of ``scope`` would open it; a failure is logged and skipped (the page is
    then computed on demand): the warm-up never takes the app down."""
    with app.server.app_context():
        started = time.perf_counter()
        try:
            data(query, scope)
        except Exception:  # noqa: BLE001 — logged; see above
            log.exception("warm-up of %s %s for %s failed", page, query, reader)
            return
        took[f"{reader}/{page}/{query.get('province', 'nation')}"] = time.perf_counter() - started


def warm(app, provinces: bool = False) -> dict[str, float]:
    """Every page's first view (``views.landing.FIRST_VIEWS``) for the nation, as each role in ``ROLES``;
    seconds per ``user/page/region``. With ``provinces``, then every province's view for those roles
    and each province supervisor's own view (cache keys carry the scope, so each is its own entry):
    a drill-down from the map is then warm too."""
    took: dict[str, float] = {}
    readers = [(f"warm-up-{role}", Scope(role)) for role in ROLES]
    for reader, scope in readers:
        for page, data in FIRST_VIEWS.items():
            _run(app, reader, scope, page, data, {}, took)
    if not provinces:
        return took
    codes = [str(code) for code in app.server.extensions[EXTENSION].query(
        children, Scope("ministry"), Region("nation"))["code"]]
    for code in codes:
        for page, data in FIRST_VIEWS.items():
            for reader, scope in readers:
                _run(app, reader, scope, page, data, {"province": code}, took)
            _run(app, f"warm-up-province-{code}", Scope("province", code), page, data, {}, took)
    return took


def warm_if_new(app) -> dict[str, float] | None:
    """Warm once per snapshot across all app servers sharing the cache; None when nothing was to do."""
    registry = app.server.extensions[EXTENSION]
    fresh = registry.freshness()
    if fresh.stale or not registry.cache.add(f"aidwatch:warmed:{fresh.key}", True, timeout=0):
        return None
    started = time.perf_counter()
    took = warm(app, provinces=True)
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
