"""Security headers on every response, with a Content-Security-Policy Dash works under.

Scripts may come only from this server, plus the inline scripts of the very
page being served, allowed one by one by their SHA-256 hashes (Dash's index
page bootstraps its renderer inline, and which scripts it inlines depends on
the Dash version and features). Inline styles are allowed because Dash,
Plotly and AG Grid set them on elements; images may be ``data:`` URIs
(Plotly's). Nothing may frame the dashboard. Nothing but static files may
be kept in a browser's or proxy's cache: pages, callbacks and exports carry
registry data, some of it personal. Versioned static files (Dash's
fingerprinted component suites, ``/assets/`` with their ``?m=`` modification
stamp, the vendored Bootstrap with its ``?v=`` version) are cached for a year
and marked ``immutable``: a new version has a new URL, so a browser never even
revalidates them.
"""

from __future__ import annotations

import base64
import hashlib
import re

from dash.fingerprint import check_fingerprint
from flask import request

#: Responses that are the same for everyone and may be cached.
STATIC_PREFIXES = ("/assets/", "/vendor/", "/_dash-component-suites/", "/_favicon.ico")

#: How long a browser keeps a versioned static file: a year, never revalidated.
IMMUTABLE = "public, max-age=31536000, immutable"

INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")[^>]*>(.*?)</script>", re.S)


def inline_script_hashes(html: str) -> list[str]:
    """CSP sources for the inline scripts of ``html``."""
    return [
        "'sha256-" + base64.b64encode(hashlib.sha256(body.encode("utf-8")).digest()).decode() + "'"
        for body in INLINE_SCRIPT.findall(html)
    ]


def content_security_policy(script_hashes) -> str:
    return "; ".join([
        "default-src 'self'",
        "script-src " + " ".join(["'self'", *script_hashes]),
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data: blob:",
        "font-src 'self' data:",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ])


def install(server) -> None:
    """Add the headers to every response of ``server``."""

    @server.after_request
    def secure(response):
        hashes = []
        if response.mimetype == "text/html" and not response.direct_passthrough:
            hashes = inline_script_hashes(response.get_data(as_text=True))
        response.headers.setdefault("Content-Security-Policy", content_security_policy(hashes))
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        if not request.path.startswith(STATIC_PREFIXES):
            response.headers["Cache-Control"] = "no-store"
        elif response.status_code == 200 and is_versioned(request.path, request.args):
            response.headers["Cache-Control"] = IMMUTABLE
        return response


def is_versioned(path: str, args) -> bool:
    """A static URL that changes whenever its content does: a Dash fingerprint in the file name
    (``dash_renderer.v4_4_1m1796284062.min.js``) or a version or modification stamp in the query."""
    if path.startswith("/_dash-component-suites/") and check_fingerprint(path)[1]:
        return True
    return bool(args.get("v") or args.get("m"))
