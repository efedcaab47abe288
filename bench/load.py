"""A bounded load test: simulated readers log in, browse and drill against gunicorn, and every request is timed.

    python -m bench.load --users 100 --seconds 180 --scale 0.1 --think 3 [--snapshot-change-at 60]
                         [--registry-url URL] [--workers 2] [--threads 1] [--doc docs/load.md]

Each simulated reader is a thread with its own session: it logs in through
the real form (CSRF token included), loads the dashboard as a browser does
(page shell, ``/_dash-layout``, ``/_dash-dependencies``, the static files
once, the pages router callback, the page's content callback) and then, with
a think time of ``--think`` seconds ± 50 % (uniform) between actions,
follows the menu's own links (read from the page frame the router answered:
the briefing's link drops city and school as the page does), drills down a
table row (the page's own drill callback, then the URL it answers), goes up
the breadcrumb's own link, changes the as-of date through the view bar's
callback, and now and then downloads one of the exports the page links to.
Dash's callback POSTs need no CSRF token; they carry the session cookie. Every
loop is bounded in time and in count, and the server is on loopback only.

Before the readers start, a warm-up phase waits for ``GET /ready`` to answer
200 (``{"snapshot", "warmed", "pending"}``; 503 while the server warms a
snapshot); a server without the probe (404) is warmed by the generator
itself: one visit of every menu page per kind of account. With
``--snapshot-change-at S`` the registry's ``registry_meta.snapshot_at`` moves
one day on S seconds into the run (a new replica snapshot, as the app detects
it: ``queries.registry.Registry.freshness``) and is put back after the run.

A *visit* is the router callback then the page's content callback. Each
content answer carries the snapshot it was read from (``aw-snapshot``,
``dashboard.callbacks.common.snapshot_stamp``) and the router's frame names the snapshot
in its header: a visit whose two disagree is counted as *redrawn* (the browser
then rewrites the header to the content's snapshot, so that the reader never
sees figures of one snapshot under the name of another; a browser test holds it).

An error is any HTTP status of 400 or more, a refused or timed-out request
(a connection reset on a kept-alive connection is retried once, as browsers
do), or a page answering with a server-failure message (unexpected error,
replica down, query timeout). A page that refuses its view with a message
(a bad or out-of-scope view) is a *refusal*: counted and listed, not an
error of the server. *Served ÷ offered*: the visits answered without an error
÷ the visits the readers would have made had every answer been instant (per
reader, one plus its time in the run ÷ the mean think time). The server is
``gunicorn --workers N`` (the Procfile's command) on a free loopback port over
a demo registry of ``--scale`` (generated once under ``bench/cache``, see
``bench/registries.py``), with a fresh app database holding the simulated
users. Results: p50/p95/max latency per route and per callback kind, the whole
visit's p95, written to ``docs/load.md``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode, urlsplit

import requests
import sqlalchemy as sa

from bench import dash_requests
from bench.report import _machine

ROOT = Path(__file__).resolve().parents[1]
DOC = ROOT / "docs" / "load.md"
PASSWORD = "load-test-password-2025"
#: Share of actions after the first page load (the rest of 1 is "navigate to another page").
ACTIONS = (("drill", 0.35), ("up", 0.15), ("as_of", 0.10), ("export", 0.05))
TIMEOUT_S = 120
ERROR_MARK = b'"aw-message"'
#: How long the warm-up phase waits for ``GET /ready`` at most, and how often it asks.
READY_TIMEOUT_S, READY_POLL_S = 900, 1.0
#: The window after a snapshot change whose latencies are reported on their own.
AFTER_CHANGE_S = 60
LOOPBACK = ("127.0.0.1", "localhost", "::1")


def _server_failures() -> tuple[str, ...]:
    """The in-page messages that mean the server failed (``views.errors.describe``'s 5xx answers): any
    other in-page message is a refusal of the view (4xx)."""
    from aidwatch.i18n import t

    keys = ("replica_down", "replica_down_uncached", "query_timeout", "calendar_unknown", "unexpected_error")
    return tuple(t(key, lang).split("{")[0] for key in keys for lang in ("zh", "en"))  # the text before any value


SERVER_FAILURES = _server_failures()


def _message(response: requests.Response) -> str:
    """The text of the ``aw-message`` alert a Dash answer carries."""
    try:
        alert = dash_requests.find(response.json(), "aw-message")
    except ValueError:
        alert = None
    text = alert.get("props", {}).get("children") if alert else None
    return str(text) if text is not None else response.content.decode("utf-8", "replace")[:300]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def kind(route: str) -> str:
    """The callback kind (or HTTP request) a route belongs to: ``layout /x`` → router, ``content /x`` → content."""
    head = route.split(" ", 1)[0]
    return {"layout": "router", "content": "content", "drill": "drill", "as-of": "as-of change"}.get(
        head, "GET export" if route == "GET export" else "other GET/POST")


def percentiles(values: list[float]) -> dict:
    """n, p50, p95 (nearest rank) and max of ``values`` (seconds)."""
    ordered = sorted(values)
    p95 = ordered[min(len(ordered) - 1, int(round(0.95 * (len(ordered) - 1))))]
    return {"n": len(ordered), "p50": statistics.median(ordered), "p95": p95, "max": ordered[-1]}


@dataclass
class Results:
    """Latencies per route (with when each request started), whole visits, errors, filled by every reader."""

    latencies: dict = field(default_factory=lambda: defaultdict(list))
    errors: list = field(default_factory=list)
    refusals: list = field(default_factory=list)
    #: (started, seconds, answered without an error, frame and content from two snapshots: True / False / None =
    #: not checkable)
    visits: list = field(default_factory=list)
    retries: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)
    started: float = field(default_factory=time.monotonic)

    def record(self, route: str, seconds: float, error: str | None = None, refusal: str | None = None) -> None:
        at = time.monotonic() - seconds - self.started
        with self.lock:
            self.latencies[route].append((at, seconds))
            if error:
                self.errors.append((route, error))
            if refusal:
                self.refusals.append((route, refusal))

    def record_visit(self, began: float, ok: bool, redrawn: bool | None) -> None:
        with self.lock:
            self.visits.append((began - self.started, time.monotonic() - began, ok, redrawn))

    def count_retry(self) -> None:
        with self.lock:
            self.retries += 1

    @property
    def requests(self) -> int:
        return sum(len(v) for v in self.latencies.values())

    def table(self, since: float = 0.0, until: float = float("inf"), by=lambda route: route) -> list[dict]:
        """p50/p95/max per route (or per ``by(route)``) over the requests started in [since, until) seconds."""
        groups = defaultdict(list)
        for route, timed in self.latencies.items():
            groups[by(route)] += [seconds for at, seconds in timed if since <= at < until]
        return [{"route": name, **percentiles(values)} for name, values in sorted(groups.items()) if values]

    def visit_figures(self, since: float = 0.0, until: float = float("inf")) -> dict:
        """The whole visits started in [since, until): their latency, how many failed, how many were checked
        for two snapshots and how many had their header redrawn."""
        part = [v for v in self.visits if since <= v[0] < until]
        ok = [seconds for _, seconds, good, _ in part if good]
        return {"visits": len(part), "served": len(ok), "failed": len(part) - len(ok),
                "checked": sum(redrawn is not None for *_, redrawn in part),
                "redrawn": sum(bool(redrawn) for *_, redrawn in part), **(percentiles(ok) if ok else {})}


class User:
    """One simulated reader: a session, the page they are on, the links it offers, and what they do next."""

    def __init__(self, base: str, username: str, results: Results, rng: random.Random, think: float,
                 snapshot: dt.date, static: bool = True):
        host = urlsplit(base).hostname
        if host not in LOOPBACK:
            raise ValueError(f"the load generator speaks to loopback only, not {host}")
        self.base, self.username, self.results, self.rng, self.think = base, username, results, rng, think
        self.snapshot, self.static = snapshot, static
        self.session = requests.Session()
        self.dependencies: list[dict] = []
        self.path, self.view, self.content, self.prefix, self.shown = "/", {}, b"", None, None
        #: what the page on screen links to: the menu, the breadcrumb (up), its downloads
        self.menu: list[str] = []
        self.crumbs: list[str] = []
        self.exports: list[str] = []

    # -- one timed request ------------------------------------------------
    def _request(self, method: str, url: str, **kwargs) -> requests.Response:
        """One request; a connection reset on a kept-alive connection is tried once more on a new one, as a
        browser does (threaded workers close idle keep-alive connections, which can cross a new request)."""
        try:
            return self.session.request(method, self.base + url, timeout=TIMEOUT_S, **kwargs)
        except requests.ConnectionError:
            self.results.count_retry()
            return self.session.request(method, self.base + url, timeout=TIMEOUT_S, **kwargs)

    def _send(self, route: str, method: str, url: str, **kwargs) -> requests.Response | None:
        started = time.perf_counter()
        try:
            response = self._request(method, url, **kwargs)
        except requests.RequestException as exc:
            self.results.record(route, time.perf_counter() - started, f"{type(exc).__name__}: {exc}")
            return None
        elapsed = time.perf_counter() - started
        error = refusal = None
        if response.status_code >= 400:
            error = f"HTTP {response.status_code} {url}"
        elif ERROR_MARK in response.content:
            text = _message(response)
            if any(m in text for m in SERVER_FAILURES):
                error = f"error message in {route} {self.view}: {text}"
            else:
                refusal = f"{route} {self.view}: {text}"
        self.results.record(route, elapsed, error, refusal)
        return response if error is None and refusal is None else None

    def _callback(self, route: str, payload: dict) -> requests.Response | None:
        return self._send(route, "POST", "/_dash-update-component", data=dash_requests.body(payload),
                          headers={"Content-Type": "application/json"})

    # -- what a person does -------------------------------------------------
    def log_in(self) -> bool:
        page = self._send("GET /login", "GET", "/login")
        if page is None:
            return False
        token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page.text) or re.search(
            r'value="([^"]+)"[^>]*name="csrf_token"', page.text)
        answer = self._send("POST /login", "POST", "/login", allow_redirects=False,
                            data={"username": self.username, "password": PASSWORD,
                                  "csrf_token": token.group(1) if token else ""})
        return answer is not None and answer.status_code == 302

    def first_load(self) -> None:
        """A full page load: the shell, Dash's layout and dependencies, the static files, then the view."""
        shell = self._send("GET page", "GET", "/")
        if shell is None:
            return
        layout = self._send("GET /_dash-layout", "GET", "/_dash-layout")
        deps = self._send("GET /_dash-dependencies", "GET", "/_dash-dependencies")
        if layout is None or deps is None:
            return
        self.dependencies = deps.json()
        for src in re.findall(r'(?:src|href)="(/(?:_dash-component-suites|assets|vendor)/[^"]+)"', shell.text):
            if self.static:
                self._send("GET static", "GET", src)
        self.open("/", {})

    def open(self, path: str, view: dict) -> None:
        """Client-side navigation to ``path?view``: the router callback (frame + layout), then the content;
        timed as one visit, and checked for the snapshot its header and its figures name."""
        began = time.monotonic()
        search = "?" + urlencode(view) if view else ""
        layout = self._callback(f"layout {path}", dash_requests.router(path, search))
        if layout is None:
            self.results.record_visit(began, False, None)
            return
        self.path, self.view = path, dict(view)
        frame = layout.json()
        self.prefix = prefix = dash_requests.view_prefix(frame)
        self.menu = dash_requests.links(frame, "aw-nav-link")
        self.crumbs = [href for href in dash_requests.links(frame, "aw-crumb") if not href.startswith("/school")
                       or path == "/school"]
        self.exports = dash_requests.export_links(frame)
        self.content = b""
        self.shown = dash_requests.shown_view(frame)
        ok, redrawn = True, None
        if prefix:
            content = self._callback(f"content {path}", dash_requests.content(prefix, self.view, self.dependencies))
            ok = content is not None
            if ok:
                self.content = content.content
                answer = content.json()
                self.shown = dash_requests.shown_view(frame, answer)
                self.exports += dash_requests.export_links(answer)
                shown, read = dash_requests.frame_snapshot(frame), dash_requests.content_snapshot(answer)
                redrawn = None if shown is None or read is None else shown != read
        self.results.record_visit(began, ok, redrawn)

    def act(self) -> None:
        roll, action = self.rng.random(), "navigate"
        for name, share in ACTIONS:
            if roll < share:
                action = name
                break
            roll -= share
        getattr(self, f"_{action}")()

    def _navigate(self) -> None:
        """A link of the header's menu, exactly as the frame wrote it (each page's link carries the view as
        deep as that page goes)."""
        others = [href for href in self.menu if dash_requests.split_url(href)[0] != self.path] or self.menu
        if not others:
            return self.open("/", {})
        path, _, view = dash_requests.split_url(self.rng.choice(others))
        self.open(path, view)
        return None

    def _drill(self) -> None:
        prefix = self.prefix
        output = dash_requests.drill_output(self.dependencies, prefix) if prefix else None
        rows = dash_requests.row_ids(json.loads(self.content), f"{prefix}-grid") if output and self.content else []
        if not rows:
            return self._up()
        answer = self._callback("drill", dash_requests.drill(output, prefix, self.rng.choice(rows), self.view))
        self._follow(answer)
        return None

    def _follow(self, answer: requests.Response | None) -> None:
        """Open the URL a callback answered, as the browser's ``dcc.Location`` does."""
        href = dash_requests.answered_href(answer.json()) if answer is not None else None
        if href:
            path, _, view = dash_requests.split_url(href)
            self.open(path, view)

    def _up(self) -> None:
        """The breadcrumb's link one level up (the last link before the current level); at the top, the menu."""
        if not self.crumbs:
            return self._navigate()
        path, _, view = dash_requests.split_url(self.crumbs[-1])
        self.open(path, view)
        return None

    def _as_of(self) -> None:
        """The view bar's date picker: its callback answers the new URL, which is then opened."""
        output = dash_requests.picker_output(self.dependencies)
        if output is None:
            return
        day = self.snapshot - dt.timedelta(days=7 * self.rng.randint(1, 30))
        search = "?" + urlencode(self.view) if self.view else ""
        self._follow(self._callback("as-of change", dash_requests.pick_date(
            output, day.isoformat(), str(day.year), search, self.path, self.shown)))

    def _export(self) -> None:
        """One of the downloads the page on screen links to (none: the menu instead)."""
        if not self.exports:
            return self._navigate()
        self._send("GET export", "GET", self.rng.choice(self.exports))
        return None

    def run(self, until: float, max_actions: int) -> None:
        """Log in, load the dashboard, then act after each think time until ``until`` or ``max_actions``."""
        if not self.log_in():
            return
        self.first_load()
        for _ in range(max_actions):
            time.sleep(self.think * self.rng.uniform(0.5, 1.5))
            if time.monotonic() >= until:
                break
            self.act()


def _registry_facts(url: str) -> tuple[dt.date, list[str]]:
    """The snapshot day and the provinces with most schools (province users are spread over them)."""
    from aidwatch import contract as c
    from aidwatch.replica import readonly_engine, snapshot_at

    engine = readonly_engine(url)
    with engine.connect() as conn:
        snap = snapshot_at(conn)
        provinces = [row[0] for row in conn.execute(
            sa.select(c.school.c.province_code).group_by(c.school.c.province_code)
            .order_by(sa.func.count().desc(), c.school.c.province_code).limit(4))]
    engine.dispose()
    return (snap.date() if snap else dt.date.today()), provinces


def _accounts(app_db_url: str, users: int, provinces: list[str]) -> list[str]:
    """Simulated users: 40 % ministry, 20 % leadership, 40 % province supervisors of the largest provinces."""
    from queries import appdb

    engine = appdb.app_engine(app_db_url)
    appdb.init_db(engine)
    names = []
    for i in range(users):
        slot = i % 5
        role, province = (("ministry", None) if slot < 2 else ("leadership", None) if slot == 2
                          else ("province", provinces[i % len(provinces)] if provinces else None))
        if province is None and role == "province":
            role = "ministry"
        name = f"load{i:03d}"
        appdb.add_user(engine, name, role, province, PASSWORD)
        names.append(name)
    engine.dispose()
    return names


def _wait_up(url: str, proc: subprocess.Popen, timeout: float = 60) -> None:
    end = time.time() + timeout
    while time.time() < end:
        if proc.poll() is not None:
            raise RuntimeError(f"gunicorn exited with {proc.returncode}")
        try:
            if requests.get(url, timeout=1).status_code == 200:
                return
        except requests.RequestException:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"{url} did not come up")


def wait_ready(base: str, timeout: float = READY_TIMEOUT_S, poll: float = READY_POLL_S) -> dict:
    """The warm-up phase's wait: ``GET /ready`` until 200 with its JSON (the server warmed the current
    snapshot), bounded in time and count. ``{"probe": "ready" | "absent" | "timeout", "seconds", "body"}``:
    a 404, or an answer that is not the probe's JSON, means the server has no readiness probe (the caller
    then warms it itself)."""
    started, body = time.monotonic(), None
    for _ in range(int(timeout / poll) + 1):
        try:
            answer = requests.get(base + "/ready", timeout=10)
        except requests.RequestException:
            answer = None
        if answer is not None:
            try:
                body = answer.json()
            except ValueError:
                body = None
            probe = isinstance(body, dict) and {"snapshot", "warmed", "pending"} <= set(body)
            # 404, or a page that is not the probe's JSON (the app's own page for an unknown path): no probe
            if answer.status_code == 404 or (answer.status_code == 200 and not probe):
                return {"probe": "absent", "seconds": time.monotonic() - started, "body": None}
            if answer.status_code == 200:
                return {"probe": "ready", "seconds": time.monotonic() - started, "body": body}
        if time.monotonic() - started >= timeout:
            break
        time.sleep(poll)
    return {"probe": "timeout", "seconds": time.monotonic() - started, "body": body}


def warm_by_visits(base: str, names: list[str], snapshot: dt.date) -> float:
    """Without a readiness probe: one reader of each kind of account (ministry, leadership, province) opens
    every page of its menu once, so that the measured run starts warm as it would after ``/ready``.
    Seconds taken; these requests are not in the results."""
    started, scratch = time.monotonic(), Results()
    for name in names:
        reader = User(base, name, scratch, random.Random(0), 0.0, snapshot, static=False)
        if not reader.log_in():
            continue
        reader.first_load()
        for href in list(reader.menu):
            path, _, view = dash_requests.split_url(href)
            reader.open(path, view)
    return time.monotonic() - started


def _set_snapshot(registry_url: str, value: str) -> None:
    """Write ``registry_meta.snapshot_at`` (the replica's snapshot, as the app reads it)."""
    from aidwatch import contract as c

    engine = sa.create_engine(registry_url)
    try:
        with engine.begin() as conn:
            conn.execute(sa.update(c.registry_meta).where(c.registry_meta.c.key == "snapshot_at").values(value=value))
    finally:
        engine.dispose()


def _snapshot_value(registry_url: str) -> str | None:
    from aidwatch import contract as c

    engine = sa.create_engine(registry_url)
    try:
        with engine.connect() as conn:
            return conn.execute(sa.select(c.registry_meta.c.value).where(
                c.registry_meta.c.key == "snapshot_at")).scalar()
    finally:
        engine.dispose()


def next_snapshot(value: str) -> str:
    """The snapshot one day after ``value`` (ISO), as the replica would state a new one."""
    return (dt.datetime.fromisoformat(value) + dt.timedelta(days=1)).isoformat()


def run(registry_url: str, users: int, seconds: float, workers: int = 2, think: float = 1.0, seed: int = 2025,
        folder: Path | None = None, static: bool = True, threads: int = 1,
        snapshot_change_at: float | None = None, ready_timeout: float = READY_TIMEOUT_S,
        warm_up: bool = True) -> dict:
    """Serve ``registry_url`` with gunicorn, wait for its warm-up, and let ``users`` simulated readers work for
    ``seconds`` (``static=False``: skip the page's static files, which a browser caches after its first visit;
    ``snapshot_change_at``: move the registry's snapshot one day on that many seconds into the run, and back
    afterwards; ``warm_up=False``: the server does not warm its landing views, so the run starts at once)."""
    folder = Path(folder or tempfile.mkdtemp(prefix="aidwatch-load-"))
    folder.mkdir(parents=True, exist_ok=True)
    snapshot, provinces = _registry_facts(registry_url)
    # a new app database every run (its accounts are this run's readers), whatever the instance folder holds
    app_db = f"sqlite:///{Path(tempfile.mkdtemp(prefix='aidwatch-load-db-')) / 'app.sqlite'}"
    names = _accounts(app_db, users, provinces)
    port = free_port()
    env = {**os.environ, "AIDWATCH_REGISTRY_URL": registry_url, "AIDWATCH_APP_DB_URL": app_db,
           "AIDWATCH_SECRET_KEY": "l" * 40, "AIDWATCH_INSTANCE_DIR": str(folder),
           # every simulated user logs in from 127.0.0.1: the per-address login throttle would refuse most
           "AIDWATCH_LOGIN_RATE": "10000 per minute",
           "MALLOC_ARENA_MAX": "2"}  # as the Procfile
    if not warm_up:  # the server's own warm-up off: ``/ready`` answers at once, the readers meet cold views
        env["AIDWATCH_WARM_INTERVAL_S"] = "0"
    gunicorn = str(Path(sys.executable).parent / "gunicorn")
    log = open(folder / "gunicorn.log", "wb")
    original = _snapshot_value(registry_url) if snapshot_change_at is not None else None
    if snapshot_change_at is not None and not original:
        raise ValueError("--snapshot-change-at needs a registry with registry_meta.snapshot_at")
    proc = subprocess.Popen([gunicorn, "--workers", str(workers), "--threads", str(threads), "--bind",
                             f"127.0.0.1:{port}", "--timeout", str(TIMEOUT_S), "cli.wsgi:server"],
                            cwd=ROOT, env=env, stdout=log, stderr=log)
    base = f"http://127.0.0.1:{port}"
    results = Results()
    change: dict = {}
    rss = RssPeaks(proc.pid)
    try:
        _wait_up(base + "/healthz", proc)
        ready = wait_ready(base, ready_timeout)
        if ready["probe"] == "absent":
            kinds = [names[i] for i in (0, 2, 3) if i < len(names)]  # load000 ministry, 002 leadership, 003 province
            ready["seconds"] += warm_by_visits(base, kinds, snapshot)
        rng = random.Random(seed)
        load_before = _load_average()
        server_cpu_before, own_cpu_before = rss.cpu_total(), time.process_time()
        results.started = time.monotonic()
        until = results.started + seconds
        max_actions = int(seconds / (think * 0.5)) + 2 if think > 0 else int(seconds * 20)
        people = [User(base, name, results, random.Random(rng.random()), think, snapshot, static) for name in names]
        runners = [threading.Thread(target=p.run, args=(until, max_actions), daemon=True) for p in people]
        if snapshot_change_at is not None:
            def changer():
                time.sleep(max(0.0, results.started + snapshot_change_at - time.monotonic()))
                change["new"] = next_snapshot(original)
                _set_snapshot(registry_url, change["new"])
                change["at"] = time.monotonic() - results.started
            runners.append(threading.Thread(target=changer, daemon=True))
        started = time.monotonic()
        arrived = []
        for runner in runners:
            runner.start()
            arrived.append(time.monotonic())
            time.sleep(min(0.1, seconds / 20 / max(users, 1)))  # a short ramp: not every login in the same instant
        for runner in runners:
            runner.join(max(0.0, until - time.monotonic()) + TIMEOUT_S + 30)
        wall = time.monotonic() - started
        time.sleep(1.1)  # one more sample of the workers' CPU
        cpu = {"server": rss.cpu_total() - server_cpu_before, "generator": time.process_time() - own_cpu_before}
    finally:
        rss_peaks, warm_rss = rss.stop()
        proc.terminate()
        proc.wait(30)
        log.close()
        if original is not None:
            _set_snapshot(registry_url, original)
    # the visits readers would have made, had every answer been instant: the first, then one per think time
    offered = sum(1 + max(0.0, until - t) / think for t in arrived[:len(names)]) if think > 0 else None
    visits = results.visit_figures()
    summary = {"users": users, "seconds": seconds, "wall": wall, "workers": workers, "threads": threads,
               "think": think, "requests": results.requests, "errors": results.errors, "refusals": results.refusals,
               "retries": results.retries, "routes": results.table(), "kinds": results.table(by=kind),
               "second_half": results.table(since=seconds / 2), "visits": visits,
               "served_offered": (visits["served"] / offered) if offered else None, "warm_up": ready,
               "machine": _machine(), "load_before": load_before, "load_after": _load_average(),
               "registry": registry_url, "log": str(folder / "gunicorn.log"), "rss_peaks_mib": rss_peaks,
               "warm_rss_mib": warm_rss, "cpu_s": cpu, "answers_mib": _folder_mib(folder / "answers")}
    if snapshot_change_at is not None:
        at = change.get("at", snapshot_change_at)
        summary["snapshot_change"] = {
            "at": at, "from": original, "to": change.get("new"),
            "kinds": results.table(since=at, until=at + AFTER_CHANGE_S, by=kind),
            "all": results.table(since=at, until=at + AFTER_CHANGE_S, by=lambda route: "every request"),
            "visits": results.visit_figures(since=at, until=at + AFTER_CHANGE_S)}
    return summary


def _folder_mib(folder: Path) -> float:
    """The shared answers' size on disk at the end of the run (what one host's cache grew to)."""
    return sum(f.stat().st_size for f in folder.rglob("*") if f.is_file()) / 2**20 if folder.exists() else 0.0


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:,.0f} ms"


def _children(pid: int) -> list[int]:
    """The processes whose parent is ``pid`` (gunicorn's workers), from /proc."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                # the command may hold spaces and brackets: the fields after its closing ")" are fixed
                if int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1]) == pid:
                    found.append(int(entry.name))
            except (OSError, IndexError, ValueError):
                continue
    return found


def _rss_mib(pid: int) -> float | None:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


def _cpu_s(pid: int) -> float | None:
    """The CPU seconds (user + system) ``pid`` has used so far."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


class RssPeaks:
    """The largest resident set each gunicorn worker reached, sampled every second while the server runs
    (the warm-up included): the issue's memory target is per worker, with the caches full. Also each
    worker's CPU seconds, so that a run can tell the server's share of the machine from the generator's."""

    def __init__(self, master: int):
        self.master, self.peaks, self.cpu, self._stop = master, {}, {}, threading.Event()
        #: the warm-up's child processes a worker starts (``cli.warmup``): their peaks apart, their CPU the server's
        self.child_peaks: dict[int, float] = {}
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _sample(self, pid: int, peaks: dict) -> None:
        rss, cpu = _rss_mib(pid), _cpu_s(pid)
        if rss is not None:
            peaks[pid] = max(rss, peaks.get(pid, 0.0))
        if cpu is not None:
            self.cpu[pid] = cpu

    def _run(self) -> None:
        while not self._stop.wait(1.0):
            for pid in _children(self.master):
                self._sample(pid, self.peaks)
                for child in _children(pid):
                    self._sample(child, self.child_peaks)

    def cpu_total(self) -> float:
        return sum(self.cpu.values())

    def stop(self) -> tuple[list[float], float | None]:
        """Each worker's peak RSS (MiB, largest first), and the largest warm-up child's (None: none ran)."""
        self._stop.set()
        self._thread.join(5)
        return (sorted((round(v) for v in self.peaks.values()), reverse=True),
                round(max(self.child_peaks.values())) if self.child_peaks else None)


def _warm_rss(mib: float | None) -> str:
    return "" if mib is None else f", the warm-up's child process {mib:,.0f} MiB"


def _load_average() -> str:
    try:
        return Path("/proc/loadavg").read_text().split()[0]
    except OSError:
        return "?"


HEADER = """# Load test

`python -m bench.load --users 100 --seconds 180 --scale 0.1 --think 3 [--threads N] [--snapshot-change-at S]`
serves the demo registry of that scale (SQLite, generated once under `bench/cache`) with `gunicorn --workers 2`
on loopback, with a fresh app database, and lets simulated readers work for the given time. A warm-up phase
comes first: the generator waits for `GET /ready` to answer 200 (the server has warmed the current snapshot);
a server without the probe (404) is warmed by the generator itself, one visit of every menu page per kind of
account. Each reader logs in through the form, loads the dashboard as a browser does (page shell,
`/_dash-layout`, `/_dash-dependencies`, the static files once, the pages router callback, the page's content
callback), then, with a think time of `--think` s ± 50 % (uniform) between actions, follows the links of the
header's menu as the frame wrote them (the briefing's link drops city and school), drills down table rows
through the page's own drill callback, goes up through the breadcrumb's link, changes the as-of date through
the view bar's callback and sometimes downloads one of the exports the page links to. Readers are 40 %
ministry, 20 % leadership and 40 % supervisors of the four provinces with most schools.

An error is an HTTP status of 400 or more, a refused or timed-out request (a connection reset on a kept-alive
connection is retried once, as browsers do), or a page answering with a server-failure message (unexpected
error, replica down, query timeout); a page refusing its view with a message (bad or out-of-scope view) is
counted as a refusal. `layout PATH` is the router callback (frame, freshness, region check), `content PATH` the
page's figures and tables, `drill` and `as-of change` the callbacks that answer the next URL (whose view then
loads as `layout`/`content`); the same figures per callback kind follow. A **visit** is the router callback
then the content callback, timed together. **Served ÷ offered** is the visits answered without an error ÷ the
visits the readers would have made had every answer been instant (per reader: one, plus its time in the run ÷
the mean think time); it falls below 1 by the share of the readers' time spent waiting. **Redrawn**:
each content answer carries the snapshot it was read from (`aw-snapshot`) and the frame's header names one
too; where the two differ (a new snapshot landed between the two requests) the browser rewrites the header to
the content's snapshot, so no reader is shown figures of one snapshot under another's name. With
`--snapshot-change-at S`, `registry_meta.snapshot_at` moves one day on S s into the run (and back after it),
and the minute after the change is reported on its own. The load generator runs on the same 2-core machine
and competes with the server for its cores, and the machine is shared with other work (its load average is
given per run), so the latencies are an upper bound of the server's own. `tests/test_load.py` runs a short
version (10 users, 10 s, tiny registry) in `make test` and asserts zero errors.
"""


def _rows(rows: list[dict], first: str) -> list[str]:
    lines = [f"| {first} | requests | p50 | p95 | max |", "|---|---|---|---|---|"]
    return lines + [f"| {r['route']} | {r['n']:,} | {_ms(r['p50'])} | {_ms(r['p95'])} | {_ms(r['max'])} |"
                    for r in rows]


def _visits(v: dict) -> str:
    p95 = f"p95 {_ms(v['p95'])} (p50 {_ms(v['p50'])})" if "p95" in v else "none answered"
    return (f"{v['visits']:,} visits, {v['failed']} failed; whole visit {p95}; {v['redrawn']} of {v['checked']:,} "
            f"checked visits had their header redrawn (frame and figures read from two snapshots)")


def _section(summary: dict, scale: float | None) -> tuple[str, list[str]]:
    registry = f"demo registry scale {scale}" if scale is not None else "the registry given"
    title = (f"## {summary['users']} readers, think {summary['think']:g} s, {summary['seconds']:.0f} s, "
             f"gunicorn --workers {summary['workers']}"
             + (f" --threads {summary['threads']}" if summary["threads"] > 1 else " (sync)") + f", {registry}"
             + (f", snapshot change at {summary['snapshot_change']['at']:.0f} s" if "snapshot_change" in summary
                else ""))
    warm = summary["warm_up"]
    warm_text = {"ready": f"`/ready` answered 200 after {warm['seconds']:.0f} s ({warm['body']})",
                 "absent": f"no `/ready` (404): warmed by the generator's own visits in {warm['seconds']:.0f} s",
                 "timeout": f"`/ready` not 200 after {warm['seconds']:.0f} s (last {warm['body']}): measured anyway"}
    ratio = summary["served_offered"]
    lines = [title, "",
             f"Measured on {dt.date.today().isoformat()}: {summary['machine']}; load average "
             f"{summary['load_before']} before, {summary['load_after']} after. Warm-up: {warm_text[warm['probe']]}. "
             f"**{summary['requests']:,} requests, {len(summary['errors'])} errors** in {summary['wall']:.0f} s "
             f"({summary['requests'] / summary['wall']:.1f} requests/s); {len(summary['refusals'])} views refused "
             f"with a message, {summary['retries']} connection resets retried. "
             f"**{_visits(summary['visits'])}; served ÷ offered "
             f"{'—' if ratio is None else f'{ratio:.2f}'}.** Peak RSS per worker: "
             f"{', '.join(f'{v:,} MiB' for v in summary['rss_peaks_mib']) or '—'}"
             f"{_warm_rss(summary.get('warm_rss_mib'))}; shared answers on disk at "
             f"the end: {summary['answers_mib']:.1f} MiB. CPU during the run: the server's workers (and warm-up) "
             f"{summary['cpu_s']['server']:,.0f} s, the generator {summary['cpu_s']['generator']:,.0f} s, of "
             f"{summary['wall'] * (os.cpu_count() or 1):,.0f} core-seconds.", "",
             "Per callback kind:", "", *_rows(summary["kinds"], "kind"), ""]
    change = summary.get("snapshot_change")
    if change:
        lines += [f"The minute after the snapshot changed ({change['from']} → {change['to']}, at "
                  f"{change['at']:.0f} s): {_visits(change['visits'])}.", "",
                  *_rows(change["all"] + change["kinds"], "requests started in that minute"), ""]
    for caption, rows in (("All requests", summary["routes"]),
                          (f"Second half (started after {summary['seconds'] / 2:.0f} s)", summary["second_half"])):
        lines += [f"{caption}:", "", *_rows(rows, "route"), ""]
    if summary["errors"]:
        lines += ["Errors (first 20):", ""] + [f"- {route}: {error}" for route, error in summary["errors"][:20]] + [""]
    if summary["refusals"]:
        lines += ["Refused views (first 5):", ""] + [f"- {text}" for _, text in summary["refusals"][:5]] + [""]
    return title, lines


def write(summary: dict, scale: float | None, doc: Path = DOC) -> Path:
    """Write this run's section into ``doc`` (``docs/load.md``), keeping the sections of other configurations."""
    title, lines = _section(summary, scale)
    sections: dict[str, str] = {}
    if doc.exists():
        for part in doc.read_text().split("\n## ")[1:]:
            head = "## " + part.split("\n", 1)[0]
            sections[head] = "## " + part.rstrip("\n") + "\n"
    sections[title] = "\n".join(lines)
    doc.write_text(HEADER + "\n" + "\n".join(sections[k].rstrip("\n") + "\n" for k in sorted(sections)))
    return doc


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--users", type=int, default=100)
    ap.add_argument("--seconds", type=float, default=180)
    ap.add_argument("--scale", type=float, default=0.1)
    ap.add_argument("--registry-url", help="serve this registry instead of the demo registry of --scale")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--think", type=float, default=3.0,
                    help="mean think time in seconds between a reader's actions (each drawn ± 50 %%, uniform)")
    ap.add_argument("--snapshot-change-at", type=float, metavar="S",
                    help="move registry_meta.snapshot_at one day on S seconds into the run (put back after it)")
    ap.add_argument("--ready-timeout", type=float, default=READY_TIMEOUT_S,
                    help="how long the warm-up phase waits for GET /ready to answer 200")
    ap.add_argument("--doc", default=str(DOC), help="where to write the results (markdown)")
    ap.add_argument("--no-static", action="store_true", help="do not fetch the static files on first load")
    ap.add_argument("--threads", type=int, default=8,
                    help="gunicorn threads per worker (8, as the Procfile; 1: sync workers)")
    ap.add_argument("--instance", metavar="DIR",
                    help="the server's instance folder (shared answers, warm-up progress); a folder of an earlier "
                         "run of the same registry and snapshot starts warm (default: a new temporary folder)")
    args = ap.parse_args(argv)
    if args.think <= 0:
        ap.error("--think must be positive")
    if args.snapshot_change_at is not None and not 0 <= args.snapshot_change_at < args.seconds:
        ap.error("--snapshot-change-at must fall inside the run")
    if args.registry_url:
        url, scale = args.registry_url, None
    else:
        from bench import registries

        url, scale = registries.sqlite_registry(args.scale), args.scale
    summary = run(url, args.users, args.seconds, args.workers, args.think, static=not args.no_static,
                  threads=args.threads, snapshot_change_at=args.snapshot_change_at, ready_timeout=args.ready_timeout,
                  folder=Path(args.instance) if args.instance else None)
    doc = write(summary, scale, Path(args.doc))
    for row in summary["kinds"] + summary["routes"]:
        print(f"{row['route']:<28} {row['n']:>6}  p50 {_ms(row['p50']):>9}  p95 {_ms(row['p95']):>9}")
    print(_visits(summary["visits"]), f"served/offered {summary['served_offered']:.2f}")
    if "snapshot_change" in summary:
        change = summary["snapshot_change"]
        print(f"minute after the snapshot change at {change['at']:.0f} s:", _visits(change["visits"]),
              "; p95 of every request", _ms(change["all"][0]["p95"]) if change["all"] else "—")
    print(f"{summary['requests']} requests, {len(summary['errors'])} errors; wrote {doc}")
    print(f"peak RSS per worker (MiB): {summary['rss_peaks_mib']}{_warm_rss(summary.get('warm_rss_mib'))}; shared answers {summary['answers_mib']:.1f} MiB; "
          f"CPU s: {summary['cpu_s']}")
    for route, error in summary["errors"][:10]:
        print(f"  {route}: {error}")
    return 1 if summary["errors"] else 0


if __name__ == "__main__":
    sys.exit(main())
