"""The dashboard's handle on the replica: engine, freshness and cached results.

Callbacks and exports both go through ``Registry``, so a page and its export
compute the same numbers the same way. Results are cached per (query, scope,
region, parameters, snapshot): the scope is in every key, so one scope's
result can never reach another, and the snapshot time is too, so the cache
turns over by itself when the replica moves.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import pandas as pd
import sqlalchemy as sa
from flask_caching import Cache

from aidwatch.metrics import deadlines as deadline_metrics
from aidwatch.policy import policy_for
from aidwatch.replica import freshness, readonly_engine
from aidwatch.workdays import calendar
from queries import deadlines as deadline_queries
from queries.regions import Region, region_label, resolve_region
from queries.scope import Scope

log = logging.getLogger(__name__)

FRESHNESS_TTL_S = 30


class ReplicaUnavailable(RuntimeError):
    """The replica cannot be reached; the message is safe to show."""


@dataclass(frozen=True)
class Freshness:
    snapshot_at: dt.datetime | None
    replay_lag: dt.timedelta | None

    @property
    def key(self) -> str:
        return self.snapshot_at.isoformat() if self.snapshot_at else "unknown"

    @property
    def default_as_of(self) -> dt.date:
        """The spec's default D: the snapshot's day, else today."""
        return self.snapshot_at.date() if self.snapshot_at else dt.date.today()


@dataclass(frozen=True)
class DeadlineView:
    region: Region
    labels: dict
    as_of: dt.date
    year: int
    summary: pd.DataFrame   # one row per deadline for the selected region
    rows: pd.DataFrame      # one row per deadline and child region: the export's columns + ``drill``
    assumed_from: int | None


class Registry:
    def __init__(self, url: str, cache: Cache, statement_timeout_ms: int = 30_000, query_threads: int = 4):
        self.url = url
        self._pool = ThreadPoolExecutor(max_workers=query_threads, thread_name_prefix="aidwatch-query")
        self.cache = cache
        self.statement_timeout_ms = statement_timeout_ms
        self._engine: sa.Engine | None = None
        self._lock = threading.Lock()
        self._freshness: tuple[float, Freshness] | None = None
        #: When a list, every query a view asks for is appended as (fn, scope, args): the benchmark
        #: replays exactly those on a bare connection to measure the SQL floor. None in service.
        self.trace: list | None = None

    @property
    def engine(self) -> sa.Engine:
        with self._lock:
            if self._engine is None:
                self._engine = readonly_engine(self.url, self.statement_timeout_ms)
            return self._engine

    def connect(self):
        try:
            return self.engine.connect()
        except (sa.exc.OperationalError, sa.exc.InterfaceError, FileNotFoundError) as exc:
            log.error("replica unavailable: %s", exc)
            raise ReplicaUnavailable("the registry replica cannot be reached") from exc

    def freshness(self) -> Freshness:
        now = time.monotonic()
        cached = self._freshness
        if cached and now - cached[0] < FRESHNESS_TTL_S:
            return cached[1]
        try:
            info = freshness(self.engine)
        except (sa.exc.OperationalError, sa.exc.InterfaceError, FileNotFoundError) as exc:
            log.error("replica unavailable: %s", exc)
            raise ReplicaUnavailable("the registry replica cannot be reached") from exc
        fresh = Freshness(info["snapshot_at"], info["replay_lag"])
        self._freshness = (now, fresh)
        return fresh

    def _cached(self, key: tuple, compute):
        cache_key = "aidwatch:" + repr(key)
        value = self.cache.get(cache_key)
        if value is None:
            value = compute()
            self.cache.set(cache_key, value)
        return value

    def query_many(self, scope: Scope, calls: dict[str, tuple]) -> dict:
        """Independent queries ``name → (fn, *args)`` at once, each cached on its own like ``query``.

        The SQL runs in worker threads, each on its own connection (SQLite and
        the PostgreSQL driver both release the GIL while the database works);
        the cache is read and written here, in the request's thread, where the
        Flask app context lives.
        """
        fresh = self.freshness().key
        if self.trace is not None:
            self.trace.extend((fn, scope, tuple(args)) for fn, *args in calls.values())
        keys = {name: "aidwatch:" + repr((fn.__module__, fn.__qualname__, fresh, scope, *args))
                for name, (fn, *args) in calls.items()}
        results = {name: self.cache.get(key) for name, key in keys.items()}
        missing = {name: calls[name] for name, value in results.items() if value is None}
        futures = {name: self._pool.submit(self._run, fn, scope, *args) for name, (fn, *args) in missing.items()}
        for name, future in futures.items():
            results[name] = future.result()
            self.cache.set(keys[name], results[name])
        return results

    def _run(self, fn, scope: Scope, *args):
        with self.connect() as conn:
            return fn(conn, scope, *args)

    def query(self, fn, scope: Scope, *args):
        """``fn(conn, scope, *args)`` from ``queries/``, cached per (function, snapshot, scope, arguments).

        Arguments must be hashable values with a stable ``repr`` (dates, strings,
        ``Region``, tuples): they are the cache key, together with the scope.
        """
        key = (fn.__module__, fn.__qualname__, self.freshness().key, scope, *args)
        if self.trace is not None:
            self.trace.append((fn, scope, args))

        def compute():
            with self.connect() as conn:
                return fn(conn, scope, *args)

        return self._cached(key, compute)

    def uncached(self, fn, scope: Scope, *args):
        """``fn(conn, scope, *args)`` without the cache: case lists, so that personal data never sits in it."""
        if self.trace is not None:
            self.trace.append((fn, scope, args))
        with self.connect() as conn:
            return fn(conn, scope, *args)

    def region(self, scope: Scope, province=None, city=None, school=None) -> tuple[Region, dict]:
        """Validate a drill path within the scope; raises OutOfScope / UnknownRegion."""
        key = ("region", self.freshness().key, scope, province, city, school)

        def compute():
            with self.connect() as conn:
                region = resolve_region(conn, scope, province, city, school)
                return region, region_label(conn, region)

        return self._cached(key, compute)

    def deadline_series(self, scope: Scope, region: Region, year: int):
        """The day series of a view, assembled once per snapshot from its concurrently run queries."""
        key = ("deadline_series", self.freshness().key, scope, region, year)
        return self._cached(key, lambda: deadline_queries.assemble(
            self.query_many(scope, deadline_queries.series_queries(region, year)), region))

    def deadline_view(self, scope: Scope, region: Region, labels: dict, as_of: dt.date, year: int) -> DeadlineView:
        """Everything the deadline page and its export show, as of D, from the cached series."""
        policy = policy_for(year)
        cal = calendar()
        if region.level == "school":
            parent = Region("city", region.province, region.city)
            children, series = self.deadline_series(scope, parent, year)
            series = series[series["code"] == str(region.school)]
            children = children[children["code"].astype(str) == str(region.school)]
        else:
            children, series = self.deadline_series(scope, region, year)
        region_code = {"nation": "nation", "province": region.province, "city": region.city}.get(
            region.level, str(region.school))
        summary = deadline_metrics.summary(series, region_code, region.level, as_of, policy, cal)
        rows = deadline_metrics.progress(children, series, as_of, policy, cal)
        rows["drill"] = rows["code"]  # the key one level down; for schools the id, while code is the school code
        if "school_code" in children:
            codes = dict(zip(children["code"].astype(str), children["school_code"]))
            rows["code"] = rows["code"].map(codes)
        return DeadlineView(region, labels, as_of, year, summary, rows,
                            policy.source_year if policy.assumed else None)

    def deadline_cases(self, scope: Scope, region: Region, year: int, deadline: str, as_of: dt.date) -> pd.DataFrame:
        with self.connect() as conn:
            return deadline_queries.deadline_cases(conn, scope, region, year, deadline, as_of)
