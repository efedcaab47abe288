"""The dashboard's handle on the replica: engine, freshness and cached results.

Callbacks and exports both go through ``Registry``, so a page and its export
compute the same numbers the same way. Results are cached per (query, scope,
region, parameters, snapshot): the scope is in every key, so one scope's
result can never reach another, and the snapshot time is too, so the cache
turns over by itself when the replica moves.

When the replica cannot be reached, the last snapshot it was seen at (kept in
the cache backend, so every app server agrees) stands in for the freshness:
results cached under it are served marked stale, anything else is a
``NotCached`` message, and the replica is tried again every ``RETRY_S``
seconds, so the dashboard recovers by itself once it is back (the pools
pre-ping, so dead connections are replaced, not reused).

The same cache-only mode serves a snapshot the replica has moved on from, for one request at a time
(``Registry.pinned``): while a new snapshot is warmed, a view nobody opened is first drawn from the last
warmed snapshot's cached results, and rendered from the new snapshot only if one of them is missing
(``dashboard.answers``).
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
import time
from concurrent.futures import ThreadPoolExecutor, as_completed
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, replace

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
#: While the replica is unreachable, how long a failed attempt stands before a request tries again: long
#: enough that requests do not queue on connection timeouts, short enough to notice the replica's return.
RETRY_S = 5
#: The cache key of the last freshness read from the replica, shared by every app server.
LAST_GOOD_KEY = "aidwatch:last-good-freshness"
#: The cache key of the current freshness and the wall time it was read, shared by every worker and host:
#: one of them reads the replica every ``freshness_ttl_s``, and all of them move to a new snapshot together.
CURRENT_KEY = "aidwatch:current-freshness"
#: How long a worker trusts its own copy of the shared freshness before looking at the shared one again:
#: workers disagree on the snapshot for at most this long after a change (the page's header follows its
#: figures for the rest, ``dashboard.callbacks.common.snapshot_stamp``).
LOCAL_TTL_S = 1.0
#: Errors that mean the replica (or the SQLite file) cannot be reached at all.
UNREACHABLE = (sa.exc.OperationalError, sa.exc.InterfaceError, FileNotFoundError)


class ReplicaUnavailable(RuntimeError):
    """The replica cannot be reached; the message is safe to show."""


class NotCached(ReplicaUnavailable):
    """The replica cannot be reached and this view's results were never cached."""


#: ``(freshness, misses)`` while this context reads a pinned snapshot from the cache alone (``Registry.pinned``).
_PINNED: ContextVar[tuple["Freshness", list] | None] = ContextVar("aidwatch_pinned", default=None)


class QueryTimeout(RuntimeError):
    """A query ran past the replica's ``statement_timeout`` and was cancelled."""


def _reason(exc: BaseException) -> str:
    """The first line of a driver error: what the log needs, without the SQL that follows."""
    text = str(getattr(exc, "orig", None) or exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def db_failure(exc: BaseException) -> Exception | None:
    """The user-facing failure a database error stands for (``QueryTimeout`` or ``ReplicaUnavailable``),
    or None for an error that says nothing about the replica's health (a bug: it stays unexpected)."""
    if not isinstance(exc, sa.exc.DBAPIError):
        return None
    if getattr(exc.orig, "sqlstate", None) == "57014":  # query_canceled: statement_timeout
        return QueryTimeout(_reason(exc))
    if exc.connection_invalidated or isinstance(exc, (sa.exc.OperationalError, sa.exc.InterfaceError)):
        return ReplicaUnavailable(_reason(exc))
    return None


def snapshot_key(snapshot_at: dt.datetime | None) -> str:
    """A snapshot's name in cache keys and on the page (the frame's and the content's stamps compare it)."""
    return snapshot_at.isoformat() if snapshot_at else "unknown"


@dataclass(frozen=True)
class Freshness:
    snapshot_at: dt.datetime | None
    replay_lag: dt.timedelta | None
    #: True while the replica cannot be reached: these are the last known values, and only cached
    #: results can be shown.
    stale: bool = False
    #: When this server (or another, through the shared cache) last read the freshness from the replica.
    checked_at: dt.datetime | None = None

    @property
    def key(self) -> str:
        return snapshot_key(self.snapshot_at)

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
    def __init__(self, url: str, cache: Cache, statement_timeout_ms: int, query_threads: int,
                 shared: Cache | None = None):
        self.url = url
        self.query_threads = query_threads
        self.cache = cache
        #: What every worker (and host) must agree on, the replica's freshness: ``cache`` itself when that is
        #: shared (Redis), else a store the workers of a host share (``dashboard._shared_config``).
        self.shared = cache if shared is None else shared
        self.statement_timeout_ms = statement_timeout_ms
        self.freshness_ttl_s = FRESHNESS_TTL_S
        self.retry_s = RETRY_S
        self._engine: sa.Engine | None = None
        self._lock = threading.Lock()
        #: (monotonic time of the lookup, its result); the result is None after a failed lookup with no
        #: earlier freshness to fall back on.
        self._freshness: tuple[float, Freshness | None] | None = None
        self._last_good: Freshness | None = None
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
        """A connection to the replica; refused at once while the replica is known to be down."""
        if self.is_down:
            raise self._not_cached()
        try:
            return self.engine.connect()
        except UNREACHABLE as exc:
            self._freshness = None  # the next request looks again, and falls back to the last snapshot
            log.error("replica unavailable: %s", _reason(exc))
            raise ReplicaUnavailable("the registry replica cannot be reached") from exc

    @property
    def is_down(self) -> bool:
        """The last freshness lookup failed (local state only: safe in the query threads), or this context
        reads a pinned snapshot: either way, only cached results can be had."""
        if _PINNED.get() is not None:
            return True
        cached = self._freshness
        return cached is not None and (cached[1] is None or cached[1].stale)

    def _not_cached(self, message: str = "the registry replica cannot be reached and this view is not cached"):
        """The failure of a result that is not cached while only cached ones can be had (noted when pinned)."""
        pin = _PINNED.get()
        if pin is not None:
            pin[1].append(message)
        return NotCached(message)

    @contextmanager
    def pinned(self, fresh: Freshness):
        """Within this context (this request's thread and the contexts copied from it), ``fresh`` is the
        snapshot and the replica is not asked anything: results come from the cache under ``fresh``'s key
        or are ``NotCached``. Yields the list of the misses: a view drawn without one is wholly of ``fresh``."""
        misses: list = []
        token = _PINNED.set((fresh, misses))
        try:
            yield misses
        finally:
            _PINNED.reset(token)

    @contextmanager
    def _guard(self):
        """Database errors that mean "unreachable" or "too slow" become the failures users are told about."""
        try:
            yield
        except sa.exc.DBAPIError as exc:
            failure = db_failure(exc)
            if failure is None:
                raise
            if isinstance(failure, ReplicaUnavailable):
                self._freshness = None
                log.error("replica lost during a query: %s", failure)
            raise failure from exc

    def _execute(self, fn, scope: Scope, *args):
        with self._guard(), self.connect() as conn:
            return fn(conn, scope, *args)

    def freshness(self) -> Freshness:
        """The replica's freshness, looked up at most every ``freshness_ttl_s`` seconds by any worker.

        The last lookup is shared (``CURRENT_KEY``), so that the workers of a
        host (and every host, with Redis) answer from the same snapshot: a page's
        frame and its figures, served by two workers a moment apart, would
        otherwise name two snapshots for up to ``freshness_ttl_s`` after a change.

        When the replica cannot be reached, the last freshness any app server read
        (``LAST_GOOD_KEY`` in the shared cache) comes back marked ``stale``, so the
        results cached under its snapshot are still served; with none known,
        ``ReplicaUnavailable``. Either way the failure is logged with its reason
        and the lookup is tried again after ``retry_s`` seconds.
        """
        pin = _PINNED.get()
        if pin is not None:
            return pin[0]
        now = time.monotonic()
        cached = self._freshness
        if cached:
            current = cached[1]
            down = current is None or current.stale
            if now - cached[0] < (self.retry_s if down else min(LOCAL_TTL_S, self.freshness_ttl_s)):
                if current is None:
                    raise ReplicaUnavailable("the registry replica cannot be reached")
                return current
            if not down:
                shared = self.shared.get(CURRENT_KEY)
                if shared is not None and 0 <= time.time() - shared[0] < self.freshness_ttl_s:
                    self._freshness = (now, shared[1])
                    return shared[1]
        try:
            info = freshness(self.engine)
        except UNREACHABLE as exc:
            return self._fall_back(now, exc)
        fresh = Freshness(info["snapshot_at"], info["replay_lag"], checked_at=dt.datetime.now().replace(microsecond=0))
        if cached is not None and (cached[1] is None or cached[1].stale):
            log.warning("replica reachable again; snapshot %s", fresh.key)
        self._freshness = (now, fresh)
        self._last_good = fresh
        self.shared.set(LAST_GOOD_KEY, fresh, timeout=0)
        self.shared.set(CURRENT_KEY, (time.time(), fresh), timeout=max(1, int(self.freshness_ttl_s) * 2))
        return fresh

    def forget_freshness(self) -> None:
        """Look at the replica again on the next request, in every worker (a new snapshot is known to be
        there: tests and benchmarks that change it)."""
        self._freshness = None
        self.shared.delete(CURRENT_KEY)

    def _fall_back(self, now: float, exc: Exception) -> Freshness:
        last = self.shared.get(LAST_GOOD_KEY) or self._last_good
        if last is None:
            self._freshness = (now, None)
            log.error("replica unavailable, no earlier snapshot to fall back on: %s", _reason(exc))
            raise ReplicaUnavailable("the registry replica cannot be reached") from exc
        stale = replace(last, stale=True)
        self._freshness = (now, stale)
        log.error("replica unavailable, serving results cached for snapshot %s (last reached %s): %s",
                  stale.key, stale.checked_at, _reason(exc))
        return stale

    def _cached(self, key: tuple, compute):
        cache_key = "aidwatch:" + repr(key)
        value = self.cache.get(cache_key)
        if value is None:
            if self.is_down:
                raise self._not_cached()
            value = compute()
            self.cache.set(cache_key, value)
        return value

    def query_many(self, scope: Scope, calls: dict[str, tuple], return_exceptions: bool = False) -> dict:
        """Independent queries ``name → (fn, *args)`` at once, each cached on its own like ``query``.

        The SQL runs in worker threads, each on its own connection (SQLite and
        the PostgreSQL driver both release the GIL while the database works);
        the cache is read and written here, in the request's thread, where the
        Flask app context lives. The queries start in the order given: list the
        longest first, so that none starts when the others are already done.
        With ``return_exceptions`` a query that fails comes back as its
        exception and the others are still answered (and cached), so that a
        view made of several sources can show what it has.
        """
        fresh = self.freshness().key
        if self.trace is not None:
            self.trace.extend((fn, scope, tuple(args)) for fn, *args in calls.values())
        keys = {name: "aidwatch:" + repr((fn.__module__, fn.__qualname__, fresh, scope, *args))
                for name, (fn, *args) in calls.items()}
        results = {name: self.cache.get(key) for name, key in keys.items()}
        missing = {name: calls[name] for name, value in results.items() if value is None}
        if missing and self.is_down:
            if not return_exceptions:
                raise self._not_cached()
            results |= {name: self._not_cached("the registry replica cannot be reached") for name in missing}
            missing = {}
        if not missing:
            return results
        # Threads for this call only: no idle pool outlives the request (a test server that stops by
        # killing its threads would otherwise kill idle workers too, and they would print tracebacks).
        with ThreadPoolExecutor(max_workers=min(self.query_threads, len(missing)),
                                thread_name_prefix="aidwatch-query") as pool:
            futures = {pool.submit(self._run, fn, scope, *args): name for name, (fn, *args) in missing.items()}
            # Each result is cached as soon as it is in (pickling a frame takes the GIL), while the
            # slower queries still run.
            for future in as_completed(futures):
                name = futures[future]
                try:
                    results[name] = future.result()
                except Exception as exc:  # noqa: BLE001 — the caller asked to see failures one by one
                    if not return_exceptions:
                        raise
                    results[name] = exc  # not cached: the next view tries again
                    continue
                self.cache.set(keys[name], results[name])
        return results

    def _run(self, fn, scope: Scope, *args):
        return self._execute(fn, scope, *args)

    def query(self, fn, scope: Scope, *args):
        """``fn(conn, scope, *args)`` from ``queries/``, cached per (function, snapshot, scope, arguments).

        Arguments must be hashable values with a stable ``repr`` (dates, strings,
        ``Region``, tuples): they are the cache key, together with the scope.
        """
        key = (fn.__module__, fn.__qualname__, self.freshness().key, scope, *args)
        if self.trace is not None:
            self.trace.append((fn, scope, args))
        return self._cached(key, lambda: self._execute(fn, scope, *args))

    def uncached(self, fn, scope: Scope, *args):
        """``fn(conn, scope, *args)`` without the cache: case lists, so that personal data never sits in it."""
        if self.trace is not None:
            self.trace.append((fn, scope, args))
        return self._execute(fn, scope, *args)

    def region(self, scope: Scope, province=None, city=None, school=None) -> tuple[Region, dict]:
        """Validate a drill path within the scope; raises OutOfScope / UnknownRegion."""
        key = ("region", self.freshness().key, scope, province, city, school)

        def compute():
            with self._guard(), self.connect() as conn:
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
        return self._execute(deadline_queries.deadline_cases, scope, region, year, deadline, as_of)
