"""Dash pages. Each page module has ``PATH``, a ``layout(**query)`` and the pieces its callbacks fill in."""

from __future__ import annotations

from dashboard import context
from dashboard.components.frame import message_page, page_frame
from views.errors import describe
from queries.registry import ReplicaUnavailable
from aidwatch.viewstate import View, lang_of


def framed(path: str, query: dict, body) -> object:
    """Validate the URL's view inside the user's scope and frame ``body(view)`` with the header.

    A bad parameter, a region outside the scope or an unreachable replica
    becomes a clear message in the page; ``describe`` logs the reason.
    """
    lang = lang_of(query)
    try:
        r = context.resolve_current(query)
        ctx = context.frame_context(lang)
    except Exception as exc:  # noqa: BLE001 — mapped to a message in one place
        text, status = describe(exc, lang)
        return message_page(path, View(lang=lang), _safe_ctx(lang), text, "danger" if status >= 403 else "warning")
    return page_frame(path, r.view, r.as_of, r.year, r.labels, ctx, body(r.view))


def _safe_ctx(lang: str):
    """The header's context when the replica answers; without it the message stands alone."""
    try:
        return context.frame_context(lang)
    except ReplicaUnavailable:
        return None

