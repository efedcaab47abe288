"""Configuration from the environment, in one place.

Every setting has an ``AIDWATCH_`` environment variable; ``create_app`` takes
the same keys as a dict so tests can build apps without touching the
environment.
"""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import urlsplit

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEMO_REGISTRY = PROJECT_ROOT / "data" / "registry.sqlite"
#: Where ``make run`` serves the demo: its links' base when ``AIDWATCH_PUBLIC_URL`` is not set.
DEMO_PUBLIC_URL = "http://127.0.0.1:8050"


def from_env(environ=None) -> dict:
    env = os.environ if environ is None else environ
    instance = Path(env.get("AIDWATCH_INSTANCE_DIR", PROJECT_ROOT / "instance"))
    demo = env.get("AIDWATCH_DEMO", "0") == "1"
    return {
        "REGISTRY_URL": env.get("AIDWATCH_REGISTRY_URL", f"sqlite:///{DEMO_REGISTRY}"),
        "APP_DB_URL": env.get("AIDWATCH_APP_DB_URL", f"sqlite:///{instance / 'app.sqlite'}"),
        "SECRET_KEY": env.get("AIDWATCH_SECRET_KEY"),
        "DEMO": demo,
        # the dashboard's address as its users reach it: the base of every absolute link in an export or a message
        # (see public_url)
        "PUBLIC_URL": env.get("AIDWATCH_PUBLIC_URL") or (DEMO_PUBLIC_URL if demo else None),
        "CACHE_URL": env.get("AIDWATCH_CACHE_URL"),
        "STATEMENT_TIMEOUT_MS": int(env.get("AIDWATCH_STATEMENT_TIMEOUT_MS", "30000")),
        # threads one view's queries run in at once: by default one per core, since with SQLite the SQL runs in
        # them (four on two cores made the national deadline page 0.3 s slower); a PostgreSQL replica on a
        # larger server can take more
        "QUERY_THREADS": int(env.get("AIDWATCH_QUERY_THREADS") or os.cpu_count() or 2),
        # views one server process renders at once (dashboard.answers): rendering is CPU-bound under the GIL;
        # eight at once in a worker's eight threads made each eight times slower and starved its cheap requests
        # (the router's frame, a stored answer, a static file). 100 readers at scale 0.1 on 2 cores, visit p95:
        # 8 slots (none) 4,863 ms, 2 slots 2,252 ms, 1 slot 1,967 ms (docs/load.md)
        "RENDER_SLOTS": int(env.get("AIDWATCH_RENDER_SLOTS", "1")),
        "SESSION_COOKIE_SECURE": env.get("AIDWATCH_COOKIE_SECURE", "0") == "1",
        "IDLE_MINUTES": int(env.get("AIDWATCH_IDLE_MINUTES", "30")),
        "SESSION_HOURS": int(env.get("AIDWATCH_SESSION_HOURS", "12")),
        "LOGIN_RATE": env.get("AIDWATCH_LOGIN_RATE", "10 per minute;50 per hour"),
        "TRUSTED_PROXIES": int(env.get("AIDWATCH_TRUSTED_PROXIES", "0")),
        "PDF_FONT": env.get("AIDWATCH_PDF_FONT"),
        # seconds between checks for a new replica snapshot to warm (cli.warmup); 0: never
        "WARM_INTERVAL_S": float(env.get("AIDWATCH_WARM_INTERVAL_S", "300")),
        "INSTANCE_DIR": str(instance),
        # digests and reminders (notifications.digests): the mail server (smtp://user:password@host:port; unset: sends
        # are logged, not made), the sender address, and seconds between background rounds (0: only by cron)
        "SMTP_URL": env.get("AIDWATCH_SMTP_URL") or None,
        "MAIL_FROM": env.get("AIDWATCH_MAIL_FROM", "aidwatch@localhost"),
        # a CA bundle to trust for the mail server's TLS certificate besides the system's (an internal CA)
        "SMTP_CA_FILE": env.get("AIDWATCH_SMTP_CA_FILE") or None,
        "DIGEST_INTERVAL_S": float(env.get("AIDWATCH_DIGEST_INTERVAL_S", "60")),
    }


def public_url(config: dict) -> str:
    """The base of every absolute link the dashboard writes (exports, messages): ``PUBLIC_URL`` without its
    trailing slash, or "" when it is not set, so that links are then same-site paths.

    Never the request's ``Host`` header: anyone can send ``Host: evil.example`` and would have the
    dashboard write links to their own site into the files it hands out. Raises ``ValueError`` for a
    value that is not an absolute http(s) URL, so a typo fails at start, not in a downloaded file.
    """
    url = (config.get("PUBLIC_URL") or "").strip()
    if not url:
        return ""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname or parts.query or parts.fragment \
            or parts.username or parts.password:
        raise ValueError(f"AIDWATCH_PUBLIC_URL={url!r} must be an absolute http(s) URL such as "
                         "https://aidwatch.example.gov.cn (a path is allowed; no query, fragment or password)")
    return url.rstrip("/")
