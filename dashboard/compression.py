"""Compressed responses: Brotli or gzip for JavaScript, CSS, JSON and HTML (flask-compress).

Dash's JavaScript compresses to about a quarter. Static files are the same for everyone, so each is
compressed once per algorithm and kept (keyed by path: the fingerprinted paths carry their version,
and an unknown path is a 4xx that is never compressed or kept, so the store is bounded by the files
the app serves). Callback and page responses differ per request and are compressed as they go
(Brotli quality 4 takes a few milliseconds on a view's JSON).

``install`` must run before ``dashboard.headers.install``: Flask runs ``after_request`` handlers in
reverse order of registration, so the security headers (whose CSP hashes the page's inline scripts)
see the page before it is compressed.
"""

from __future__ import annotations

import threading

from flask import request
from flask_compress import Compress

from dashboard.headers import STATIC_PREFIXES

ALGORITHMS = ["br", "gzip"]


class _StaticStore:
    """What ``flask_compress`` asks of a cache, in memory: compressed static files by (algorithm; path)."""

    def __init__(self):
        self._data: dict[str, bytes] = {}
        self._lock = threading.Lock()

    def get(self, key: str) -> bytes | None:
        return self._data.get(key)

    def set(self, key: str, value: bytes) -> None:
        with self._lock:
            self._data[key] = value


def install(server) -> None:
    server.config.update(COMPRESS_ALGORITHM=ALGORITHMS, COMPRESS_REGISTER=False)
    dynamic, static = Compress(), Compress()
    dynamic.init_app(server)
    static.init_app(server)
    static.cache, static.cache_key = _StaticStore(), lambda req: req.path

    @server.after_request
    def compress(response):
        return (static if request.path.startswith(STATIC_PREFIXES) else dynamic).after_request(response)
