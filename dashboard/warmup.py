"""Render the views everyone opens first, once per replica snapshot, before anyone asks for them.

On the mornings before a deadline the ministry, leadership and thirty-two provincial offices open
the dashboard within the same hour. Every answer of a content callback is shared per snapshot, scope
and view (``dashboard.answers``), so the landing views — every page for the nation and for each
province as the ministry and leadership open them, each province supervisor's own landing view, in
Chinese and English — are rendered in the background as soon as a new snapshot is seen, in
``THREADS`` threads of a process of their own (``cli.warmup``), below the readers' priority. Then the
views readers were served in the last warmed snapshot (their drills, cities, schools, past days; noted by
``dashboard.opened``), so that the bridge below lasts until those are ready too.

Each view goes through the app's own callback dispatch, as a request of a built-in account with the
role's scope would, inside a request context of its own: the exact code path and cache key of a
reader's request, and no real user's session is involved. One worker of all those sharing the
answers warms a snapshot (elected under the answers' lock); its progress is kept with the answers,
so every worker's ``GET /ready`` tells a load balancer whether this snapshot's warm-up is done. Until it is,
readers are served the last warmed snapshot's answers where they are kept (``answers.Answers.bridge``). A
server's check thread ``claim``s a new snapshot and has a child process ``warm_claimed`` it (``cli.warmup``);
``warm_if_new`` does both in this process (``aidwatch warm`` by hand, tests).
"""

from __future__ import annotations

import logging
import threading
import time
from urllib.parse import parse_qsl, urlencode

import flask
from flask_login import login_user

from dashboard import answers
from dashboard.auth import User
from views.context import EXTENSION
from queries.deadlines import children
from queries.regions import Region
from queries.scope import Scope

log = logging.getLogger("aidwatch.warmup")

#: The roles whose national and province views are warmed (besides each province supervisor's own).
ROLES = ("ministry", "leadership")
LANGS = ({}, {"lang": "en"})
#: Views rendered at once: a view's SQL releases the GIL while its figures hold it, so two overlap
#: one's queries with the other's drawing.
THREADS = 2
#: A warm-up that has not moved for this long is taken over by another worker's next check.
STALL_S = 600


def account(role: str, province: str | None) -> User:
    """The built-in account that renders views of ``role`` (a supervisor's: of ``province``)."""
    if role == "province":
        return User(-100 - int(province), f"warm-up-province-{province}", "province", province, 0)
    return User(-1 - ROLES.index(role), f"warm-up-{role}", role, None, 0)


def plan(app) -> list[tuple[User, str, dict]]:
    """Every landing view to warm, nation first: (built-in account, content output, view)."""
    codes = [str(code) for code in app.server.extensions[EXTENSION].query(
        children, Scope("ministry"), Region("nation"))["code"]]
    national = [account(role, None) for role in ROLES]
    views = [(user, {}) for user in national] + [(user, {"province": code}) for code in codes for user in national]
    views += [(account("province", code), {}) for code in codes]
    outputs = sorted(answers.of(app).outputs)
    return [(user, output, query | lang) for user, query in views for lang in LANGS for output in outputs]


def reopened(app, snapshot: str | None) -> list[tuple[User, str, dict]]:
    """The views readers were served in ``snapshot`` (``dashboard.opened``), as ``plan`` lists them; a note
    that names no shared page or no scope the warm-up can take is skipped."""
    shared = answers.of(app)
    if snapshot is None or shared.opened is None:
        return []
    out = []
    for note in shared.opened.views(snapshot):
        role, province, output = note.get("role"), note.get("province"), note.get("output")
        try:
            scope = Scope(role, province)  # the roles and provinces a scope may have
        except ValueError:
            continue
        if output not in shared.outputs or not str(province or 0).isdigit():
            continue
        out.append((account(scope.role, scope.province), output,
                    dict(parse_qsl(str(note.get("query", "")).lstrip("?")))))
    return out


def _identity(view) -> tuple:
    user, output, query = view
    return user.role, user.province, output, tuple(sorted(query.items()))


def render(app, user: User, output: str, query: dict) -> bool:
    """One view as ``user`` would open it, through the app's dispatch; whether its answer is stored. A
    failure is logged and skipped (the view is then rendered on demand): the warm-up never takes the app
    down."""
    body = answers.content_request(output, query)
    # an app context of its own: a fresh ``g`` per view (a failure's mark must not outlive its request)
    with app.server.app_context(), app.server.test_request_context(answers.DISPATCH, method="POST", json=body,
                                                                   headers={"Accept-Encoding": "br"}):
        login_user(user)
        setattr(flask.g, answers.WARMING, True)
        shared = answers.of(app)
        try:
            key = shared.key(body)
            response = app.server.view_functions[answers.DISPATCH]()
        except Exception:  # noqa: BLE001 — logged; see above
            log.exception("warm-up of %s %s for %s failed", output, query, user.username)
            return False
        return key is not None and response.status_code == 200 and shared.cache.get(key) is not None


def _state_key(app, snapshot: str) -> str:
    return f"aidwatch-warm:{answers.of(app).version}:{snapshot}"


def warm(app, snapshot: str | None = None, extra: list | tuple = ()) -> dict[str, float]:
    """Render every view of ``plan``, then those of ``extra`` it does not hold (``reopened``); seconds per
    ``user/output/region[?other parameters]/lang``. With ``snapshot``, the progress (``{"warmed": n,
    "pending": m}``) is kept with the answers as it goes, for ``readiness``."""
    views = plan(app)
    planned = {_identity(view) for view in views}
    views += [view for view in extra if _identity(view) not in planned]
    cache, key = answers.of(app).cache, _state_key(app, snapshot or "")
    took: dict[str, float] = {}
    progress = {"warmed": 0, "pending": len(views)}
    lock = threading.Lock()

    def one(view):
        user, output, query = view
        started = time.perf_counter()
        stored = render(app, user, output, query)
        with lock:
            rest = urlencode(sorted((k, v) for k, v in query.items() if k not in ("province", "lang")))
            took[f"{user.username}/{output}/{query.get('province', 'nation')}{'?' + rest if rest else ''}/"
                 f"{query.get('lang', 'zh')}"] = time.perf_counter() - started
            progress["warmed"] += stored
            progress["pending"] -= 1
            if snapshot:
                cache.set(key, dict(progress), timeout=STALL_S if progress["pending"] else None)

    if snapshot:
        cache.set(key, dict(progress), timeout=STALL_S)
    queue = iter(views)

    def drain():
        while (view := next(queue, None)) is not None:
            one(view)

    # daemon threads, not a pool: a worker told to stop exits without finishing the warm-up first
    threads = [threading.Thread(target=drain, name="aidwatch-warmup", daemon=True) for _ in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return took


def claim(app):
    """The current snapshot's ``Freshness`` if no worker sharing the answers has warmed it or is warming it,
    and now this caller is (elected under the answers' lock); None when nothing is to do."""
    fresh = app.server.extensions[EXTENSION].freshness()
    shared = answers.of(app)
    key = _state_key(app, fresh.key)
    with shared.flight(key):
        if fresh.stale or shared.cache.get(key) is not None:
            return None
        shared.cache.set(key, {"warmed": 0, "pending": None}, timeout=STALL_S)  # elected
    return fresh


def warm_claimed(app, snapshot: str) -> dict[str, float] | None:
    """Warm ``snapshot`` (claimed with ``claim``, here or by the process that started this one) and make it
    the snapshot newer ones are bridged to; None, and nothing done, when the replica has moved on since
    the claim (the next check claims the newer one)."""
    fresh = app.server.extensions[EXTENSION].freshness()
    if fresh.key != snapshot:
        log.info("snapshot %s claimed, %s current: not warmed", snapshot, fresh.key)
        return None
    started = time.perf_counter()
    shared = answers.of(app)
    last = shared.cache.get(shared.warmed_key)
    # the views readers opened in the snapshot they are bridged to, rendered before the bridge ends
    took = warm(app, fresh.key, reopened(app, last[0] if last and last[0] != fresh.key else None))
    shared.mark_warmed(fresh)
    log.info("warmed %d views for snapshot %s in %.1f s", len(took), fresh.key, time.perf_counter() - started)
    return took


def warm_if_new(app) -> dict[str, float] | None:
    """Warm the current snapshot here unless a worker sharing the answers has warmed it or is warming it;
    None when nothing was to do."""
    fresh = claim(app)
    return None if fresh is None else warm_claimed(app, fresh.key)


def readiness(app, interval_s: float) -> tuple[dict, bool]:
    """``({"snapshot", "warmed", "pending"}, done)``: whether the current snapshot's warm-up is done (with
    no warm-up, ``interval_s`` 0, there is nothing to wait for). Not ready while the replica cannot be
    reached and no snapshot is known."""
    try:
        fresh = app.server.extensions[EXTENSION].freshness()
    except Exception:  # noqa: BLE001 — ReplicaUnavailable: nothing can be served yet
        return {"snapshot": None, "warmed": 0, "pending": 0}, False
    if interval_s <= 0:
        return {"snapshot": fresh.key, "warmed": 0, "pending": 0}, True
    state = answers.of(app).cache.get(_state_key(app, fresh.key)) or {}
    pending = state.get("pending")
    if pending is None:  # not started yet, or elected and about to start: all of it
        pending = len(plan(app))
    body = {"snapshot": fresh.key, "warmed": state.get("warmed", 0), "pending": pending}
    return body, pending == 0
