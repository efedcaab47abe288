"""Page requests and callback requests are checked before Dash sees them.

Dash answers every path with its index page and 200, and would only show a
bad view's message after loading. Here a page URL with a malformed or
out-of-scope view, or an unknown page, gets its message at once with a real
4xx status, so bookmarks and links fail visibly (and monitoring sees them).

Dash trusts the shape of a callback request and fails with a 500 on a forged
one (an unknown output, inputs that are not a list, …). ``install_callback_check``
refuses any request that is not shaped like one the page itself would send,
with a 400, before Dash dispatches it; the values inside are the callbacks'
to judge; a body nested deeper than ``MAX_JSON_DEPTH`` is refused too (Python's
JSON parser, and every walk of the value after it, would recurse until a
RecursionError).

Dash serves its JavaScript under ``/_dash-component-suites/`` and raises on a
path it did not register; that is a 404 with a message here, not a 500.
"""

from __future__ import annotations

import logging

import flask
from dash.exceptions import DependencyException

from aidwatch.i18n import t
from dashboard import context
from views.errors import describe

log = logging.getLogger("aidwatch.guards")

DISPATCH = "/_dash-update-component"
#: Largest request body accepted (callback payloads and login forms are a few kB).
MAX_BODY_BYTES = 1 << 20
MSG_BAD_CALLBACK = "请求格式错误 / Malformed callback request"
#: Dash's own page router trusts these to be text: anything else is a forged request (and would be a 500).
TEXT_PROPS = {("_pages_location", "pathname"), ("_pages_location", "search")}
#: Deepest nesting of a callback body: the pages send about six levels (a view inside an input inside a list).
MAX_JSON_DEPTH = 32
MSG_NO_FILE = "文件不存在 / No such file"


def install(server, page_paths) -> None:
    pages = frozenset(page_paths)
    server.register_error_handler(DependencyException, _unknown_dependency)

    @server.before_request
    def check_page():
        request = flask.request
        path = request.path
        if request.method not in ("GET", "HEAD") or path.startswith(("/_", "/assets/", "/export/", "/vendor/")) \
                or path in ("/login", "/logout", "/healthz", "/ready"):
            return None
        lang = "en" if request.args.get("lang") == "en" else "zh"
        if path not in pages:
            return _message(t("no_such_page", lang), 404)
        if not request.args:
            return None
        try:
            context.resolve_current(request.args.to_dict())
        except Exception as exc:  # noqa: BLE001 — mapped to a message and status in one place
            text, status = describe(exc, lang)
            return _message(text, status)
        return None


def _unknown_dependency(exc: DependencyException):
    """A ``/_dash-component-suites/`` path Dash did not register (a stale page, a probe): 404, logged."""
    log.warning("no such component-suite file %s: %s", flask.request.path, str(exc).splitlines()[0])
    return flask.jsonify(error=MSG_NO_FILE), 404


def _message(text: str, status: int):
    return flask.render_template("message.html", message=text, status=status, home="/"), status


def install_callback_check(app) -> None:
    """Refuse malformed callback requests to ``app`` with 400, and bodies over ``MAX_BODY_BYTES`` with 413."""
    server = app.server
    server.config["MAX_CONTENT_LENGTH"] = MAX_BODY_BYTES

    @server.before_request
    def check_callback():
        request = flask.request
        if request.method != "POST" or not request.path.endswith(DISPATCH):
            return None
        try:
            body = request.get_json(silent=True)
        except RecursionError:  # json.loads itself recursed too deep: far beyond MAX_JSON_DEPTH
            body, problem = None, f"the body is nested deeper than {MAX_JSON_DEPTH} levels"
        else:
            problem = callback_request_problem(app.callback_map, body)
        if problem is None:
            return None
        log.warning("refused callback request: %s", problem)
        return flask.jsonify(error=MSG_BAD_CALLBACK, reason=problem), 400


def _clean(prop) -> str | None:
    return prop.split("@", 1)[0] if isinstance(prop, str) else None


def _items_problem(name: str, items, spec: list[dict]) -> str | None:
    """``items`` must be one ``{id, property, value}`` per dependency in ``spec``, in order."""
    if not isinstance(items, list) or len(items) != len(spec):
        return f"{name}: expected a list of {len(spec)}"
    for item, dep in zip(items, spec):
        if isinstance(dep["id"], dict) or str(dep["id"]).startswith("{"):  # pattern-matching: item or list
            group = item if isinstance(item, list) else [item]
            if not all(isinstance(i, dict) and i.get("property") == dep["property"] for i in group):
                return f"{name}: not items of {dep['property']}"
            continue
        if not isinstance(item, dict) or item.get("id") != dep["id"] or item.get("property") != dep["property"]:
            return f"{name}: expected {dep['id']}.{dep['property']}"
        if (dep["id"], dep["property"]) in TEXT_PROPS and not isinstance(item.get("value"), (str, type(None))):
            return f"{name}: {dep['id']}.{dep['property']} must be text"
    return None


def _expected_outputs(output: str) -> list[tuple[str, str]] | None:
    """``(id, property)`` of each output named by a callback key; None for pattern-matching outputs."""
    if "{" in output:
        return None
    parts = output[2:-2].split("...") if output.startswith("..") and output.endswith("..") else [output]
    return [tuple(part.rsplit(".", 1)) for part in parts]


def _depth_exceeds(value, limit: int) -> bool:
    """Whether lists and objects in ``value`` nest deeper than ``limit`` (walked without recursion)."""
    stack = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, (list, dict)):
            if depth > limit:
                return True
            stack.extend((child, depth + 1) for child in (item.values() if isinstance(item, dict) else item))
    return False


def callback_request_problem(callback_map: dict, body) -> str | None:
    """Why ``body`` is not a request the dashboard's own pages could send to a server callback, or None."""
    if not isinstance(body, dict):
        return "the body is not a JSON object"
    if _depth_exceeds(body, MAX_JSON_DEPTH):
        return f"the body is nested deeper than {MAX_JSON_DEPTH} levels"
    output = body.get("output")
    if not isinstance(output, str) or output not in callback_map:
        return "no such callback"
    spec = callback_map[output]
    if not callable(spec.get("callback")):
        return "not a server-side callback"
    for name, default in (("inputs", None), ("state", [])):
        problem = _items_problem(name, body.get(name, default), spec.get(name, []))
        if problem:
            return problem
    changed = body.get("changedPropIds", [])
    if not isinstance(changed, list) or not all(isinstance(c, str) for c in changed):
        return "changedPropIds: expected a list of strings"
    outputs, expected = body.get("outputs"), _expected_outputs(output)
    if spec.get("no_output") or expected is None:
        return None if isinstance(outputs, (list, dict, type(None))) else "outputs: expected a list"
    given = outputs if len(expected) > 1 else [outputs]
    if not isinstance(given, list) or len(given) != len(expected):
        return f"outputs: expected {len(expected)}"
    for item, (oid, prop) in zip(given, expected):
        if not isinstance(item, dict) or item.get("id") != oid or _clean(item.get("property")) != _clean(prop):
            return f"outputs: expected {oid}.{_clean(prop)}"
    return None
