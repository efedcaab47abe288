"""The background thread of each app server that warms a new replica snapshot's landing views
(``dashboard.warmup``): the process entry points (``cli.wsgi``, ``aidwatch serve``) start it."""

from __future__ import annotations

import logging
import threading
import time

from dashboard.warmup import warm_if_new

log = logging.getLogger("aidwatch.warmup")


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
