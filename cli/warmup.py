"""The background thread of each app server that warms a new replica snapshot's landing views
(``dashboard.warmup``): the process entry points (``cli.wsgi``, ``aidwatch serve``) start it.

The thread only claims a new snapshot; the rendering runs in a child process (``aidwatch warm --claimed``),
configured from the same environment as the server, which exits when done. Rendering 1,960 views in a
worker's threads left that worker holding 5.3 GiB at national scale (the allocator keeps what pandas
and Plotly freed); a child hands it all back, and the worker's readers keep its heap small.
"""

from __future__ import annotations

import logging
import os
import subprocess
import sys
import threading
import time

from dashboard.warmup import claim

log = logging.getLogger("aidwatch.warmup")
#: glibc's arenas per thread multiply a threaded renderer's heap; two keep the child's peak lower.
CHILD_ENV = {"MALLOC_ARENA_MAX": "2"}
#: The child's niceness: readers come first. A new snapshot's readers are served the last warmed one's
#: answers meanwhile (``dashboard.answers``), so a slower warm-up costs them nothing; at the same priority
#: it took half the cores from the readers' cold views in the minute after a change (docs/load.md).
CHILD_NICE = 10


def warm_in_child(snapshot: str, env: dict | None = None) -> int:
    """Run ``aidwatch warm --claimed snapshot`` in a child process and wait for it; its exit status."""
    command = [sys.executable, "-m", "cli.main", "warm", "--claimed", snapshot, "--nice", str(CHILD_NICE)]
    return subprocess.run(command, env={**(os.environ if env is None else env), **CHILD_ENV}, check=False).returncode


def check(app, env: dict | None = None) -> int | None:
    """One round: claim the current snapshot if it is new and warm it in a child; the child's exit status,
    None when there was nothing to claim."""
    fresh = claim(app)
    if fresh is None:
        return None
    status = warm_in_child(fresh.key, env)
    if status != 0:
        log.warning("warm-up of snapshot %s exited with %s; another check takes it over after its stall", fresh.key,
                    status)
    return status


def start(app, interval_s: float) -> threading.Thread | None:
    """A daemon thread that checks the snapshot every ``interval_s`` seconds and warms a new one
    (none when ``interval_s`` is 0: tests and benchmarks measure cold views on purpose)."""
    if interval_s <= 0:
        return None

    def loop():
        while True:
            try:
                check(app)
            except Exception:  # noqa: BLE001 — a replica outage; the next round tries again
                log.warning("warm-up check failed", exc_info=True)
            time.sleep(interval_s)

    thread = threading.Thread(target=loop, name="aidwatch-warmup", daemon=True)
    thread.start()
    return thread
