"""A bounded load test: simulated users log in, browse and drill against gunicorn, and every request is timed.

    python -m bench.load --users 50 --seconds 120 --scale 0.1 [--registry-url URL] [--workers 2] [--doc docs/load.md]

Each simulated user is a thread with its own session: it logs in through the
real form (CSRF token included), loads the dashboard as a browser does (page
shell, ``/_dash-layout``, ``/_dash-dependencies``, the static files once, the
pages router callback, the page's content callback) and then, with a short
think time between actions, follows the navigation, drills down a table row
(the page's own drill callback, then the URL it answers), goes back up the
breadcrumb, changes the as-of date through the view bar's callback, and now
and then downloads an export. Dash's callback POSTs need no CSRF token; they
carry the session cookie.

An error is any HTTP status of 400 or more, a refused or timed-out request
(a connection reset on a kept-alive connection is retried once, as browsers
do), or a page answering with a server-failure message (unexpected error,
replica down, query timeout). A page that refuses its view with a message
(a bad or out-of-scope view) is a *refusal*: counted and listed, not an
error of the server. The server is
``gunicorn --workers N`` (the Procfile's command) on a free loopback port over
a demo registry of ``--scale`` (generated once under ``bench/cache``, see
``bench/registries.py``), with a fresh app database holding the simulated
users. Results: p50/p95/max latency per route, written to ``docs/load.md``.
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
from urllib.parse import urlencode

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


@dataclass
class Results:
    """Latencies per route (with when each request started) and errors, filled by every user thread."""

    latencies: dict = field(default_factory=lambda: defaultdict(list))
    errors: list = field(default_factory=list)
    refusals: list = field(default_factory=list)
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

    def count_retry(self) -> None:
        with self.lock:
            self.retries += 1

    @property
    def requests(self) -> int:
        return sum(len(v) for v in self.latencies.values())

    def table(self, since: float = 0.0) -> list[dict]:
        """p50/p95/max per route over the requests that started ``since`` seconds into the run or later."""
        rows = []
        for route, timed in sorted(self.latencies.items()):
            values = [seconds for at, seconds in timed if at >= since]
            if not values:
                continue
            ordered = sorted(values)
            p95 = ordered[min(len(ordered) - 1, int(round(0.95 * (len(ordered) - 1))))]
            rows.append({"route": route, "n": len(values), "p50": statistics.median(ordered), "p95": p95,
                         "max": ordered[-1]})
        return rows


class User:
    """One simulated person: a session, the page they are on, and what they do next."""

    def __init__(self, base: str, username: str, results: Results, rng: random.Random, think: float,
                 pages: list[str], snapshot: dt.date, static: bool = True):
        self.base, self.username, self.results, self.rng, self.think = base, username, results, rng, think
        self.pages, self.snapshot, self.static = pages, snapshot, static
        self.session = requests.Session()
        self.dependencies: list[dict] = []
        self.path, self.view, self.content, self.prefix = "/", {}, b"", None

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
        """Client-side navigation to ``path?view``: the router callback (frame + layout), then the content."""
        search = "?" + urlencode(view) if view else ""
        layout = self._callback(f"layout {path}", dash_requests.router(path, search))
        if layout is None:
            return
        self.path, self.view = path, dict(view)
        self.prefix = prefix = dash_requests.view_prefix(layout.json())
        self.content = b""
        if prefix:
            content = self._callback(f"content {path}", dash_requests.content(prefix, self.view, self.dependencies))
            self.content = content.content if content is not None else b""

    def act(self) -> None:
        roll, action = self.rng.random(), "navigate"
        for name, share in ACTIONS:
            if roll < share:
                action = name
                break
            roll -= share
        getattr(self, f"_{action}")()

    def _navigate(self) -> None:
        """A header link: another page, the same view (the nav keeps the URL's view)."""
        self.open(self.rng.choice([p for p in self.pages if p != self.path] or self.pages), self.view)

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
        """The breadcrumb one level up (or the nation when already there)."""
        view = dict(self.view)
        for key in ("school", "city", "province"):
            if key in view:
                del view[key]
                break
        self.open(self.path, view)

    def _as_of(self) -> None:
        """The view bar's date picker: its callback answers the new URL, which is then opened."""
        output = dash_requests.picker_output(self.dependencies)
        if output is None:
            return
        day = self.snapshot - dt.timedelta(days=7 * self.rng.randint(1, 30))
        search = "?" + urlencode(self.view) if self.view else ""
        self._follow(self._callback("as-of change", dash_requests.pick_date(
            output, day.isoformat(), str(day.year), search, self.path)))

    def _export(self) -> None:
        page = self.path.strip("/") or "deadlines"
        if "school" in self.view or page in ("school", "briefing"):
            return self._navigate()
        query = "?" + urlencode(self.view) if self.view else ""
        self._send("GET export", "GET", f"/export/{page}.csv{query}")
        return None

    def run(self, until: float) -> None:
        if not self.log_in():
            return
        self.first_load()
        while time.monotonic() < until:
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


def run(registry_url: str, users: int, seconds: float, workers: int = 2, think: float = 1.0, seed: int = 2025,
        folder: Path | None = None, static: bool = True, threads: int = 1) -> dict:
    """Serve ``registry_url`` with gunicorn and let ``users`` simulated users work for ``seconds``
    (``static=False``: skip the page's static files, which a browser caches after its first visit)."""
    folder = Path(folder or tempfile.mkdtemp(prefix="aidwatch-load-"))
    snapshot, provinces = _registry_facts(registry_url)
    app_db = f"sqlite:///{folder / 'app.sqlite'}"
    names = _accounts(app_db, users, provinces)
    port = free_port()
    env = {**os.environ, "AIDWATCH_REGISTRY_URL": registry_url, "AIDWATCH_APP_DB_URL": app_db,
           "AIDWATCH_SECRET_KEY": "l" * 40, "AIDWATCH_INSTANCE_DIR": str(folder),
           # every simulated user logs in from 127.0.0.1: the per-address login throttle would refuse most
           "AIDWATCH_LOGIN_RATE": "10000 per minute"}
    gunicorn = str(Path(sys.executable).parent / "gunicorn")
    log = open(folder / "gunicorn.log", "wb")
    proc = subprocess.Popen([gunicorn, "--workers", str(workers), "--threads", str(threads), "--bind",
                             f"127.0.0.1:{port}", "--timeout", str(TIMEOUT_S), "cli.wsgi:server"],
                            cwd=ROOT, env=env, stdout=log, stderr=log)
    base = f"http://127.0.0.1:{port}"
    results = Results()
    try:
        _wait_up(base + "/healthz", proc)
        from dashboard import PAGES

        pages = [module.PATH for module in PAGES.values()]
        rng = random.Random(seed)
        load_before = _load_average()
        results.started = time.monotonic()
        until = results.started + seconds
        people = [User(base, name, results, random.Random(rng.random()), think, pages, snapshot, static)
                  for name in names]
        runners = [threading.Thread(target=p.run, args=(until,), daemon=True) for p in people]
        started = time.monotonic()
        for runner in runners:
            runner.start()
            time.sleep(min(0.1, seconds / 20 / max(users, 1)))  # a short ramp: not every login in the same instant
        for runner in runners:
            runner.join(seconds + TIMEOUT_S + 30)
        wall = time.monotonic() - started
    finally:
        proc.terminate()
        proc.wait(30)
        log.close()
    return {"users": users, "seconds": seconds, "wall": wall, "workers": workers, "threads": threads,
            "think": think, "requests": results.requests, "errors": results.errors, "refusals": results.refusals,
            "retries": results.retries, "routes": results.table(),
            "second_half": results.table(since=seconds / 2), "machine": _machine(),
            "load_before": load_before, "load_after": _load_average(),
            "registry": registry_url, "log": str(folder / "gunicorn.log")}


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:,.0f} ms"


def _load_average() -> str:
    try:
        return Path("/proc/loadavg").read_text().split()[0]
    except OSError:
        return "?"


HEADER = """# Load test

`python -m bench.load --users 50 --seconds 120 --scale 0.1 [--threads N]` serves the demo registry of that
scale (SQLite, generated once under `bench/cache`) with `gunicorn --workers 2` on loopback, with a fresh app
database and the in-process result cache of each worker (as `make run`; several servers would share Redis),
and lets simulated users work for the given time. Each user logs in through the form, loads the dashboard as
a browser does (page shell, `/_dash-layout`, `/_dash-dependencies`, the static files once, the pages router
callback, the page's content callback), then, with a think time of 1 s ± 50 % between actions, navigates
between pages keeping the view, drills down table rows through the page's own drill callback, goes back up,
changes the as-of date through the view bar's callback and sometimes downloads a CSV export. Users are 40 %
ministry, 20 % leadership and 40 % supervisors of the four provinces with most schools. The cache starts
empty, so the first views of every scope and region are cold; the second table of each run has only the
requests started in its second half.

An error is an HTTP status of 400 or more, a refused or timed-out request (a connection reset on a kept-alive
connection is retried once, as browsers do), or a page answering with a server-failure message (unexpected
error, replica down, query timeout); a page refusing its view with a message (bad or out-of-scope view) is
counted as a refusal. `layout PATH` is the router callback (frame, freshness, region check), `content PATH` the page's
figures and tables, `drill` and `as-of change` the callbacks that answer the next URL (whose view then loads as
`layout`/`content`). The load generator runs on the same 2-core machine and competes with the server for its
cores, and the machine is shared with other work (its load average is given per run), so the latencies are an
upper bound of the server's own. `tests/test_load.py` runs a short version (10 users, 15 s, tiny registry) in
`make test` and asserts zero errors.

Reading the figures: 50 users acting about once a second offer more work than two workers on two shared cores
serve (the requests/s of a run is what they did serve), so most of a request's time is waiting for a free
worker behind cold views (a view's queries run once per scope, region and date, then come from the cache; the
warm-up thread of `cli/warmup.py` competes for the same cores at start). What the runs show is that
nothing fails under that pressure; for shorter waits, run more workers on more cores and share the cache
through Redis, so that one worker's cold view warms the others'.
"""


def _section(summary: dict, scale: float | None) -> tuple[str, list[str]]:
    registry = f"demo registry scale {scale}" if scale is not None else "the registry given"
    title = f"## {summary['users']} users, {summary['seconds']:.0f} s, gunicorn --workers {summary['workers']}" + (
        f" --threads {summary['threads']}" if summary["threads"] > 1 else " (sync)") + f", {registry}"
    lines = [title, "",
             f"Measured on {dt.date.today().isoformat()}: {summary['machine']}; load average "
             f"{summary['load_before']} before, {summary['load_after']} after. "
             f"**{summary['requests']:,} requests, {len(summary['errors'])} errors** in {summary['wall']:.0f} s "
             f"({summary['requests'] / summary['wall']:.1f} requests/s); {len(summary['refusals'])} views refused "
             f"with a message, {summary['retries']} connection resets retried.", ""]
    for caption, rows in (("All requests", summary["routes"]),
                          (f"Second half (started after {summary['seconds'] / 2:.0f} s)", summary["second_half"])):
        lines += [f"{caption}:", "", "| route | requests | p50 | p95 | max |", "|---|---|---|---|---|"]
        lines += [f"| {r['route']} | {r['n']:,} | {_ms(r['p50'])} | {_ms(r['p95'])} | {_ms(r['max'])} |"
                  for r in rows]
        lines.append("")
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
    ap.add_argument("--users", type=int, default=50)
    ap.add_argument("--seconds", type=float, default=120)
    ap.add_argument("--scale", type=float, default=0.1)
    ap.add_argument("--registry-url", help="serve this registry instead of the demo registry of --scale")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--think", type=float, default=1.0, help="mean seconds between a user's actions")
    ap.add_argument("--doc", default=str(DOC), help="where to write the results (markdown)")
    ap.add_argument("--no-static", action="store_true", help="do not fetch the static files on first load")
    ap.add_argument("--threads", type=int, default=1, help="gunicorn threads per worker (1: sync workers)")
    args = ap.parse_args(argv)
    if args.registry_url:
        url, scale = args.registry_url, None
    else:
        from bench import registries

        url, scale = registries.sqlite_registry(args.scale), args.scale
    summary = run(url, args.users, args.seconds, args.workers, args.think, static=not args.no_static,
                  threads=args.threads)
    doc = write(summary, scale, Path(args.doc))
    for row in summary["routes"]:
        print(f"{row['route']:<28} {row['n']:>6}  p50 {_ms(row['p50']):>9}  p95 {_ms(row['p95']):>9}")
    print(f"{summary['requests']} requests, {len(summary['errors'])} errors; wrote {doc}")
    for route, error in summary["errors"][:10]:
        print(f"  {route}: {error}")
    return 1 if summary["errors"] else 0


if __name__ == "__main__":
    sys.exit(main())
