"""Dash pages. Each page module has ``PATH``, a ``layout(**query)`` and the pieces its callbacks fill in."""

from __future__ import annotations

import logging

from dashboard import context
from dashboard.components.frame import message_page, page_frame
from dashboard.i18n import t
from dashboard.registry import ReplicaUnavailable
from dashboard.viewstate import BadView, View
from queries.regions import UnknownRegion
from queries.scope import OutOfScope

log = logging.getLogger(__name__)


def framed(path: str, query: dict, body) -> object:
    """Validate the URL's view inside the user's scope and frame ``body`` with the header.

    A bad parameter, a region outside the scope or an unreachable replica
    becomes a clear message in the page, and the reason is logged.
    """
    lang = "en" if query.get("lang") == "en" else "zh"
    try:
        view = context.view_from(query)
    except BadView as exc:
        log.info("bad view on %s: %s", path, exc)
        return message_page(path, View(lang=lang), _safe_ctx(lang), t("bad_request", lang, detail=exc))
    try:
        ctx = context.frame_context(lang)
        reg = context.registry()
        as_of, year = view.resolved(reg.freshness().default_as_of)
        region, labels = reg.region(context.current_scope(), **view.region_params())
    except OutOfScope as exc:
        log.warning("out of scope on %s: %s", path, exc)
        return message_page(path, View(lang=lang), _safe_ctx(lang), t("out_of_scope", lang, detail=exc), "danger")
    except UnknownRegion as exc:
        log.info("unknown region on %s: %s", path, exc)
        return message_page(path, View(lang=lang), _safe_ctx(lang), t("bad_request", lang, detail=exc))
    except ReplicaUnavailable:
        return message_page(path, view, None, t("replica_down", lang), "danger")
    return page_frame(path, view, as_of, year, labels, ctx, body(view))


def _safe_ctx(lang: str):
    try:
        return context.frame_context(lang)
    except ReplicaUnavailable:
        return None
