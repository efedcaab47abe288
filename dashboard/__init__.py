"""The Dash app factory: ``create_app(config)`` → a Dash app on its own Flask server.

Everything is wired here, per app: the login guard, the registry handle and
its cache, the pages, the callbacks (registered per module, never globally)
and the export routes. Nothing touches a database at import time.
"""

from __future__ import annotations

import importlib.metadata
import logging
from pathlib import Path

import dash
import dash_bootstrap_components as dbc  # noqa: F401  (components register with Dash on import)
import flask
import flask_bootstrap
import flask_login
from dash import dcc, html, Dash
from flask import send_from_directory, Flask
from flask_caching import Cache

from dashboard import answers, auth, callbacks, compression, export_routes, guards, headers, warmup
from aidwatch.config import PROJECT_ROOT, from_env, public_url
from dashboard.callbacks import a11y
from notifications import digests
from queries import appdb
from views.context import EXTENSION
from dashboard.components.frame import html_lang, page_title
from aidwatch.i18n import t
from dashboard.pages import (backlog, briefing, deadlines, duplicates, funding, inspections, quality, records, rollout,
                             school, subscriptions, supervision)
from queries.registry import Registry

HERE = Path(__file__).resolve().parent
BOOTSTRAP_CSS = Path(flask_bootstrap.__file__).parent / "static" / "bootstrap5" / "css"
#: Where Dash's renderer loads Plotly from (``window._dashPlotlyJSURL`` when serving locally); served
#: here from dashboard/vendor/plotly-basic.min.js, plotly.js-basic-dist-min of the version plotly.py bundles.
PLOTLY_URL = "/_dash-component-suites/plotly/package_data/plotly.min.js"
#: Versioned by the package that ships it, so browsers may keep it for good (``dashboard.headers``).
BOOTSTRAP_URL = "/vendor/bootstrap.min.css?v=" + importlib.metadata.version("Bootstrap-Flask")

log = logging.getLogger(__name__)

#: Page name → layout module (``PATH``, ``layout``), in navigation order; ``NAV`` in
#: dashboard/components/frame.py lists the same pages for the header.
PAGES = {
    "briefing": briefing,
    "deadlines": deadlines,
    "rollout": rollout,
    "duplicates": duplicates,
    "backlog": backlog,
    "records": records,
    "funding": funding,
    "inspections": inspections,
    "school": school,
    "quality": quality,
    "subscriptions": subscriptions,
    "supervision": supervision,
}


def landing(**query):
    """``/``: the briefing for leadership, the deadline page for every other role."""
    leader = flask_login.current_user.is_authenticated and auth.current_scope().role == "leadership"
    return (briefing if leader else deadlines).layout(**query)


#: Query results kept per host without Redis. A snapshot's warm-up alone stores about 2,100 at scale 0.1
#: (33 MiB), and once the file cache holds more than this, cachelib opens every file on each write to find
#: the oldest: a ceiling far above a snapshot's results, reached only when old snapshots' have piled up.
RESULTS_THRESHOLD = 50_000
#: How long a query result is kept: past the next snapshot's warm-up (daily snapshots), so that while it
#: runs a view nobody opened is drawn from the last warmed snapshot's results (``Registry.pinned``). On
#: files the count above bounds the disk either way; give a Redis server ``maxmemory`` with ``allkeys-lru``.
RESULTS_TIMEOUT_S = 2 * 86400


def _redis(cfg: dict, timeout: int) -> dict:
    return {"CACHE_TYPE": "RedisCache", "CACHE_REDIS_URL": cfg["CACHE_URL"], "CACHE_DEFAULT_TIMEOUT": timeout}


def _cache_config(cfg: dict) -> dict:
    """Where query results are kept: Redis across hosts; else files under the instance folder, which the
    workers of a host share (a result one worker computed is read by the other instead of computed again)
    and which live in the operating system's file cache, not in each worker's memory (a worker that kept
    them in its own heap grew past 1.5 GiB at scale 0.1 under load, docs/load.md)."""
    if cfg.get("CACHE_URL"):
        return _redis(cfg, RESULTS_TIMEOUT_S)
    return {"CACHE_TYPE": "FileSystemCache", "CACHE_DIR": str(Path(cfg["INSTANCE_DIR"]) / "results"),
            "CACHE_THRESHOLD": RESULTS_THRESHOLD, "CACHE_DEFAULT_TIMEOUT": RESULTS_TIMEOUT_S}


def _shared_config(cfg: dict) -> dict:
    """Where the workers keep what they must agree on (the replica's current and last good freshness):
    Redis across hosts, else files under the instance folder, which every worker of the host reads."""
    if cfg.get("CACHE_URL"):
        return _redis(cfg, 0)
    return {"CACHE_TYPE": "FileSystemCache", "CACHE_DIR": str(Path(cfg["INSTANCE_DIR"]) / "shared"),
            "CACHE_THRESHOLD": 100, "CACHE_DEFAULT_TIMEOUT": 0}


def page_language(app: Dash) -> None:
    """Serve each page's HTML with ``<html lang>`` and the ``<title>`` of its path and language, so that the
    first paint and anything reading the HTML (a screen reader before scripts run) have them; later
    navigations set both in the browser (dashboard.callbacks.a11y)."""
    paths = {module.PATH for module in PAGES.values()}
    interpolate = app.interpolate_index

    def interpolate_index(**kwargs):
        lang = "en" if flask.request.args.get("lang") == "en" else "zh"
        if flask.request.path in paths:
            kwargs["title"] = page_title(flask.request.path, lang)
        return interpolate(**kwargs).replace("<html>", f'<html lang="{html_lang(lang)}">', 1)

    app.interpolate_index = interpolate_index


def create_app(config: dict | None = None) -> Dash:
    cfg = from_env() | (config or {})
    server = Flask("dashboard", template_folder=str(HERE / "templates"), instance_path=cfg["INSTANCE_DIR"])
    engine = appdb.app_engine(cfg["APP_DB_URL"])
    appdb.init_db(engine)
    server.extensions["aidwatch_app_db"] = engine
    auth.init_auth(server, cfg, engine)

    cache = Cache(server, config=_cache_config(cfg))
    server.extensions[EXTENSION] = Registry(cfg["REGISTRY_URL"], cache, cfg["STATEMENT_TIMEOUT_MS"],
                                           cfg["QUERY_THREADS"], shared=Cache(server, config=_shared_config(cfg)))

    @server.get("/vendor/bootstrap.min.css")
    def bootstrap_css():
        return send_from_directory(BOOTSTRAP_CSS, "bootstrap.min.css", max_age=86400)

    @server.get(PLOTLY_URL)
    def plotly_basic():
        # Dash's renderer loads Plotly from this fixed URL when the first graph mounts (never on a page
        # without one); the basic bundle (scatter, bar, pie: every trace the pages draw) is a quarter of
        # the full 4.8 MB. Unversioned URL: revalidated by its ETag.
        return send_from_directory(HERE / "vendor", "plotly-basic.min.js", mimetype="text/javascript")

    @server.get("/healthz")
    def healthz():
        return {"ok": True}

    @server.get("/ready")
    def ready():
        """Readiness for a load balancer: 200 once this snapshot's warm-up is done, 503 before (``warmup``)."""
        body, done = warmup.readiness(app, cfg["WARM_INTERVAL_S"])
        return body, 200 if done else 503

    server.config["AIDWATCH_CLOCK"] = cfg.get("CLOCK")  # the tests' clock (seconds), else time.time
    server.config["AIDWATCH_PDF_FONT"] = cfg.get("PDF_FONT")  # the briefing PDF's font (exports.briefing_pdf)
    server.config["AIDWATCH_PUBLIC_URL"] = public_url(cfg)  # the base of absolute links in exports and messages
    export_routes.register(server)
    server.config["AIDWATCH_DIGESTS"] = {key: cfg.get(key) for key in digests.CONFIG_KEYS} | {
        "PUBLIC_URL": server.config["AIDWATCH_PUBLIC_URL"]}

    app = Dash(
        "dashboard",
        server=server,
        use_pages=True,
        pages_folder="",
        assets_folder=str(PROJECT_ROOT / "assets"),
        external_stylesheets=[BOOTSTRAP_URL],
        suppress_callback_exceptions=True,
        title=t("product"),
        update_title=None,
    )
    # "/" shows the landing page itself: a redirect rule would clash with Dash's own "/" route.
    dash.register_page("home", path="/", layout=landing, title=t("product"), order=0)
    for order, (name, module) in enumerate(PAGES.items(), start=1):
        dash.register_page(name, path=module.PATH, layout=module.layout, title=t("product"), order=order)
    # aw-announce outlives the pages: a live region must exist before what it announces (dashboard.callbacks.a11y).
    app.layout = html.Div([dcc.Location(id="url", refresh="callback-nav"), dash.page_container,
                           html.Div(id=a11y.ANNOUNCE, role="status", className="visually-hidden",
                                    **{"aria-live": "polite"})])
    page_language(app)
    answers.install(app, cfg)
    callbacks.register(app)
    guards.install(server, ["/", *(module.PATH for module in PAGES.values())])
    guards.install_callback_check(app)
    compression.install(server)  # before the headers: their after_request must see the page uncompressed
    headers.install(server)
    return app
