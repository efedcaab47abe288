"""Page requests are checked before Dash serves its page shell.

Dash answers every path with its index page and 200, and would only show a
bad view's message after loading. Here a page URL with a malformed or
out-of-scope view, or an unknown page, gets its message at once with a real
4xx status, so bookmarks and links fail visibly (and monitoring sees them).
"""

from __future__ import annotations

import flask

from dashboard import context
from dashboard.errors import describe


def install(server, page_paths) -> None:
    pages = frozenset(page_paths)

    @server.before_request
    def check_page():
        request = flask.request
        path = request.path
        if request.method not in ("GET", "HEAD") or path.startswith(("/_", "/assets/", "/export/", "/vendor/")) \
                or path in ("/login", "/logout", "/healthz"):
            return None
        lang = "en" if request.args.get("lang") == "en" else "zh"
        if path not in pages:
            text = "页面不存在。" if lang == "zh" else "There is no such page."
            return _message(text, 404)
        if not request.args:
            return None
        try:
            context.resolve(request.args.to_dict())
        except Exception as exc:  # noqa: BLE001 — mapped to a message and status in one place
            text, status = describe(exc, lang)
            return _message(text, status)
        return None


def _message(text: str, status: int):
    return flask.render_template("message.html", message=text, status=status, home="/"), status
