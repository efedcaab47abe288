"""One mapping from failures to what the user is told, for callbacks and exports alike.

Every failure a user can cause or meet gets a clear message and an HTTP
status; the reason goes to the log. Anything unexpected is logged with its
traceback and shown as a generic message, never as a traceback.
"""

from __future__ import annotations

import logging

from dashboard.i18n import t
from dashboard.registry import ReplicaUnavailable
from dashboard.viewstate import BadView
from queries.regions import UnknownRegion
from queries.scope import OutOfScope

log = logging.getLogger("aidwatch.errors")


def describe(exc: Exception, lang: str) -> tuple[str, int]:
    """(message, HTTP status) for ``exc``."""
    if isinstance(exc, OutOfScope):
        log.warning("refused out-of-scope request: %s", exc)
        return t("out_of_scope", lang, detail=exc), 403
    if isinstance(exc, PermissionError):
        log.warning("refused: %s", exc)
        return t("cases_forbidden", lang), 403
    if isinstance(exc, (BadView, UnknownRegion)):
        log.info("bad request: %s", exc)
        return t("bad_request", lang, detail=exc), 400
    if isinstance(exc, ReplicaUnavailable):
        return t("replica_down", lang), 503
    log.exception("unexpected failure", exc_info=exc)
    return ("出现意外错误，已记录。" if lang == "zh" else "Something unexpected went wrong; it has been logged."), 500
