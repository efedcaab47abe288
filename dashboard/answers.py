"""Content answers rendered once per replica snapshot and served to every reader of the same scope.

Between two snapshots, a page's content callback (``dashboard.callbacks.common.register_content``) gives the
same bytes to every reader with the same data scope, view and language: the frame with the
reader's name and CSRF token comes from the router callback, never from a content callback. So the
whole answer — Dash's serialised response, Brotli-compressed — is kept in a cache shared by every
worker (files under ``instance/answers`` on one host; Redis with ``AIDWATCH_CACHE_URL``, across
hosts) and a warm view is served without building a figure or serialising JSON.

The key holds the page's output, the canonical view (``View.query()``, language included), the
reader's ``Scope``, the replica snapshot and its default as-of day, the working-day calendar's years
and sources, and a digest of the code that renders (``code_version``): a forged request for another province is computed for the forger's own
scope and refused, a new snapshot or a new deploy makes every older answer unreachable (they age
out: the file cache keeps ``THRESHOLD`` answers, Redis each for ``REDIS_TIMEOUT_S``).

Never stored: a malformed view (no key: it is rendered, as its message, each time), an answer that
describes a failure (``views.errors.describe`` calls ``views.common.keep_private``) and an answer with case
lists (``views.common.case_list`` does): those are rendered, and case lists audited, on every
request.

A new snapshot costs its readers nothing: while it is being warmed (``dashboard.warmup``), a reader
whose view has no answer yet is served that view's answer of the last snapshot whose warm-up finished,
if one is kept (``Answers.bridge``), or else drawn from that snapshot's cached results if they are all
at hand (``Registry.pinned``: no query); the answer carries its snapshot's stamp, and the page's header and
view bar follow it (``dashboard.callbacks.common.register_snapshot_header``). Once the new snapshot is
warmed, the older answers are unreachable. A view with no older answer (a drill nobody opened before) is
rendered from the new snapshot, as always; the warm-up itself never takes a bridged answer. Each view a
reader is served from the store is noted under its snapshot (``dashboard.opened``), and the next
snapshot's warm-up renders those views too before the bridge ends.

Single flight: a reader who finds no answer takes the key's lock — a file lock shared by the workers
of a host, or a Redis lock shared by every host — and looks again, so concurrent readers of one cold
view wait for the first one's answer instead of each rendering it. A reader who waits longer than
``WAIT_S`` renders it itself: the lock never refuses a reader.
"""

from __future__ import annotations

import functools
import hashlib
import importlib
import logging
import threading
from contextlib import contextmanager
from pathlib import Path

import brotli
import dash
import flask
import redis
from filelock import FileLock, Timeout
from flask_caching import Cache

from aidwatch.workdays import calendar
from dashboard.auth import current_scope
from dashboard.opened import FileOpenedViews, OpenedViews, RedisOpenedViews
from views.common import PRIVATE_ANSWER
from views.context import registry, view_from

log = logging.getLogger("aidwatch.answers")

EXTENSION = "aidwatch_answers"
DISPATCH = "/_dash-update-component"
#: Answers one host keeps on disk without Redis; beyond it the oldest files go first (``cachelib``, which
#: then opens every file on each write: keep it well above what a snapshot stores). A snapshot's warm-up
#: stores about 1,960 (``dashboard.warmup``), 4–5 KiB each; docs/load.md has the sizes.
THRESHOLD = 20_000
#: Without a threshold in Redis, an answer lives this long (give the Redis server a ``maxmemory`` too).
REDIS_TIMEOUT_S = 2 * 86400
#: How long a reader waits for another's rendering of the same view before rendering it itself.
WAIT_S = 60
#: A Redis lock outlives a crashed holder by at most this long.
LOCK_TTL_S = 120
#: File locks: one of this many files per key (by its digest), so the lock files never pile up.
LOCK_STRIPES = 256
#: Set on ``flask.g`` by the warm-up's requests: they render the current snapshot, never take a bridged answer.
WARMING = "aidwatch_warming"
#: Brotli quality of a stored answer. Measured on 40 stored answers of a load run (33 KiB of JSON each):
#: quality 9 took 6.1 ms per answer for 3,349 bytes, quality 5 0.56 ms for 3,404 (2 % more): 9 cost 5 % of
#: a cold view's CPU for nothing a reader would notice.
BR_QUALITY = 5
#: The packages whose code shapes an answer (``code_version``).
PACKAGES = ("aidwatch", "queries", "views", "exports", "notifications", "dashboard")


@functools.cache
def code_version() -> str:
    """A digest of Dash's version and every file of ``PACKAGES``: answers of other code (an earlier deploy
    sharing the Redis) are never served."""
    digest = hashlib.sha256(dash.__version__.encode())
    for package in PACKAGES:
        root = Path(importlib.import_module(package).__file__).parent
        for path in sorted(p for p in root.rglob("*") if p.is_file() and "__pycache__" not in p.parts):
            digest.update(str(path.relative_to(root)).encode() + path.read_bytes())
    return digest.hexdigest()[:16]


@contextmanager
def _file_flight(folder: Path, key: str):
    lock = FileLock(folder / f"{int(hashlib.sha256(key.encode()).hexdigest(), 16) % LOCK_STRIPES:03d}.lock")
    try:
        lock.acquire(timeout=WAIT_S)
    except Timeout:
        log.warning("waited %s s for another rendering of %s; rendering it here", WAIT_S, key)
        yield
        return
    try:
        yield
    finally:
        lock.release()


@contextmanager
def _redis_flight(client: redis.Redis, key: str):
    lock = client.lock("aidwatch-answer-lock:" + hashlib.sha256(key.encode()).hexdigest(), timeout=LOCK_TTL_S)
    held = lock.acquire(blocking_timeout=WAIT_S)
    if not held:
        log.warning("waited %s s for another rendering of %s; rendering it here", WAIT_S, key)
    try:
        yield
    finally:
        if held:
            try:
                lock.release()
            except redis.exceptions.LockError:  # held past LOCK_TTL_S: another reader has it now
                pass


class Answers:
    """The shared answers of one app: which callbacks are shared, their cache, and the lock per key."""

    def __init__(self, cache: Cache, flight, version: str, render_slots: int,
                 opened: OpenedViews | None = None):
        self.cache = cache
        self.flight = flight          # key → a context manager held while its answer is rendered
        self.version = version
        self.outputs: set[str] = set()
        #: Answers this process rendered for a shared view (stored or not): what single flight keeps at one.
        self.rendered = 0
        #: Answers this process served from the last warmed snapshot while the current one was warming.
        self.bridged = 0
        self._count = threading.Lock()
        #: Views this process renders at once (``RENDER_SLOTS``); its other threads' readers wait for a slot.
        self._slots = threading.BoundedSemaphore(render_slots)
        #: The views readers were served, per snapshot (``dashboard.opened``); None: not noted.
        self.opened: OpenedViews | None = opened

    @property
    def warmed_key(self) -> str:
        """Where the last snapshot whose warm-up finished is kept, as ``(key, default as-of day, taken at)``."""
        return f"aidwatch-warmed:{self.version}"

    def mark_warmed(self, fresh) -> None:
        """``fresh``'s snapshot is warmed: readers of a newer one are bridged to it until that one is."""
        self.cache.set(self.warmed_key, (fresh.key, fresh.default_as_of, fresh.snapshot_at, fresh), timeout=0)

    def bridge(self, shared):
        """``(key of the shared view's answer in the last warmed snapshot, that snapshot's freshness)``
        (``shared``: ``shared_view``'s), while the
        current one is newer and not warmed (and the replica answers); None otherwise. Never to a newer
        snapshot: a replica put back to an older one is served its own answers or rendered."""
        warmed = self.cache.get(self.warmed_key)
        if warmed is None:
            return None
        key, default_as_of, taken_at, warmed_fresh = warmed
        try:
            fresh = registry().freshness()
        except Exception:  # noqa: BLE001 — ReplicaUnavailable: no bridge (the callback says why)
            return None
        if fresh.stale or fresh.snapshot_at is None or taken_at is None or taken_at >= fresh.snapshot_at:
            return None
        return self.key_of(shared, snapshot=(key, default_as_of)), warmed_fresh

    def shared_view(self, body):
        """``(output, canonical view, scope, freshness, calendar digest)`` of a shared content callback request
        in the reader's scope; None for any other request, a malformed view, or when the snapshot cannot be
        read (then rendered as a message)."""
        if not isinstance(body, dict) or body.get("output") not in self.outputs:
            return None
        inputs = body.get("inputs")
        query = inputs[0].get("value") if isinstance(inputs, list) and inputs and isinstance(inputs[0], dict) \
            else None
        try:
            view = view_from(query if isinstance(query, dict) else {})
            fresh = registry().freshness()
            scope = current_scope()
            days = sorted(calendar().sources.items())  # the working-day years known, and from where
        except Exception:  # noqa: BLE001 — BadView, ReplicaUnavailable, no login: the callback says which
            return None
        return body["output"], view.query(), scope, fresh, hashlib.sha256(repr(days).encode()).hexdigest()[:8]

    def key_of(self, shared, snapshot: tuple[str, object] | None = None) -> str:
        """The cache key of a ``shared_view`` (of the current snapshot, or of ``snapshot`` as ``(key,
        default as-of day)``)."""
        output, query, scope, fresh, days = shared
        snapshot = snapshot or (fresh.key, fresh.default_as_of)
        return "aidwatch-answer:" + repr((self.version, output, query, scope, *snapshot, days))

    def key(self, body) -> str | None:
        """The cache key of a shared content callback request in the reader's scope; None where
        ``shared_view`` is."""
        shared = self.shared_view(body)
        return None if shared is None else self.key_of(shared)

    def note_opened(self, shared) -> None:
        """Note a ``shared_view`` as opened in the current snapshot, for the next snapshot's warm-up
        (``dashboard.opened``)."""
        if self.opened is None or shared[3].stale:
            return
        output, query, scope, fresh, _ = shared
        self.opened.note(fresh.key, {"output": output, "query": query, "role": scope.role,
                                     "province": scope.province})

    def answer(self, key: str, dispatch, bridge=None, opened=None) -> flask.Response:
        """The stored answer of ``key``, else (with ``bridge``, a callable giving the same view's key in the
        last warmed snapshot and that snapshot's freshness) that snapshot's answer or one drawn from its
        cached results, else ``dispatch()``'s, rendered once across workers and stored; ``opened()`` is
        called when the answer served is a stored one (a view the next snapshot's warm-up should render:
        not a failure, not a case list)."""
        stored = self.cache.get(key)
        if stored is None and bridge is not None and (old := bridge()) is not None:
            stored = self.cache.get(old[0])
            if stored is None:
                stored = self._render_pinned(*old, dispatch)
            if stored is not None:
                with self._count:
                    self.bridged += 1
        if stored is None:
            with self.flight(key):
                stored = self.cache.get(key)
                if stored is None:
                    with self._slots:
                        response = dispatch()
                    with self._count:
                        self.rendered += 1
                    if response.status_code != 200 or flask.g.get(PRIVATE_ANSWER):
                        return response
                    stored = brotli.compress(response.get_data(), quality=BR_QUALITY)
                    self.cache.set(key, stored)
        if opened is not None:
            opened()
        return _respond(stored)


    def _render_pinned(self, key: str, warmed, dispatch) -> bytes | None:
        """``dispatch()``'s answer drawn from the cached results of the last warmed snapshot (``warmed``, its
        freshness) alone, stored under that snapshot's ``key``: a view nobody opened costs no query while a
        new snapshot warms, when its results are at hand (an as-of day, another page of a region). None when
        one of them is not (a city nobody opened): the view is then rendered from the current snapshot."""
        with self.flight(key):
            stored = self.cache.get(key)
            if stored is not None:
                return stored
            with self._slots, registry().pinned(warmed) as misses:
                response = dispatch()
            if misses or response.status_code != 200 or flask.g.get(PRIVATE_ANSWER):
                flask.g.pop(PRIVATE_ANSWER, None)  # the rendering from the current snapshot decides again
                return None
            with self._count:
                self.rendered += 1
            stored = brotli.compress(response.get_data(), quality=BR_QUALITY)
            self.cache.set(key, stored)
            return stored


def _respond(stored: bytes) -> flask.Response:
    """A stored answer as it is kept, Brotli, or decompressed for a client without it (flask-compress
    then gzips it where accepted)."""
    if flask.request.accept_encodings.quality("br"):
        response = flask.Response(stored, mimetype="application/json")
        response.headers["Content-Encoding"] = "br"
    else:
        response = flask.Response(brotli.decompress(stored), mimetype="application/json")
    response.vary.add("Accept-Encoding")
    return response


def install(app, cfg: dict) -> Answers:
    """Serve ``app``'s callback requests through its ``Answers`` (Redis with ``CACHE_URL``, else files under
    the instance folder); callbacks opt in with ``share``."""
    server = app.server
    if cfg.get("CACHE_URL"):
        cache = Cache(server, config={"CACHE_TYPE": "RedisCache", "CACHE_REDIS_URL": cfg["CACHE_URL"],
                                      "CACHE_DEFAULT_TIMEOUT": REDIS_TIMEOUT_S})
        client = redis.Redis.from_url(cfg["CACHE_URL"])
        flight = functools.partial(_redis_flight, client)
        opened = RedisOpenedViews(code_version(), client)
    else:
        instance = Path(cfg["INSTANCE_DIR"])
        (instance / "answer-locks").mkdir(parents=True, exist_ok=True)
        cache = Cache(server, config={"CACHE_TYPE": "FileSystemCache", "CACHE_DIR": str(instance / "answers"),
                                      "CACHE_THRESHOLD": THRESHOLD, "CACHE_DEFAULT_TIMEOUT": 0})
        flight = functools.partial(_file_flight, instance / "answer-locks")
        opened = FileOpenedViews(code_version(), instance / "opened")
    answers = server.extensions[EXTENSION] = Answers(cache, flight, code_version(), cfg["RENDER_SLOTS"], opened)
    dispatch = server.view_functions[DISPATCH]

    @functools.wraps(dispatch)  # keeps Dash's view name (``dash.dash.dispatch``), as integrations expect
    def serve():
        shared = answers.shared_view(flask.request.get_json(silent=True))
        if shared is None:
            return dispatch()
        key = answers.key_of(shared)
        if flask.g.get(WARMING):
            return answers.answer(key, dispatch)
        return answers.answer(key, dispatch, functools.partial(answers.bridge, shared),
                              functools.partial(answers.note_opened, shared))

    server.view_functions[DISPATCH] = serve
    return answers


def of(app) -> Answers:
    return app.server.extensions[EXTENSION]


def share(app, output: str) -> None:
    """Serve the callback of ``output`` (``dl-content.children``) from the shared answers."""
    of(app).outputs.add(output)


def content_request(output: str, view: dict, inputs: list[dict] | None = None) -> dict:
    """The body a browser posts for the content callback ``output`` (``{prefix}-content.children``) of
    ``view``: each of ``inputs`` unset but the view store (default: the view store alone)."""
    prefix = output.split("-content.", 1)[0]
    inputs = inputs or [{"id": f"{prefix}-view", "property": "data"}]
    return {
        "output": output,
        "outputs": {"id": f"{prefix}-content", "property": "children"},
        "inputs": [i | {"value": view if i["id"] == f"{prefix}-view" else None} for i in inputs],
        "changedPropIds": [f"{prefix}-view.data"],
        "state": [],
    }
