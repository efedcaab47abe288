"""One mapping from failures to what the user is told, for callbacks and exports alike.

Every failure a user can cause or meet gets a clear message and an HTTP
status; the reason goes to the log. Anything unexpected is logged with its
traceback and shown as a generic message, never as a traceback.
"""

from __future__ import annotations

import logging

from aidwatch.i18n import t
from aidwatch.workdays import UnknownCalendarYear
from queries.registry import db_failure, NotCached, QueryTimeout, ReplicaUnavailable
from aidwatch.viewstate import BadView
from queries.regions import UnknownRegion
from queries.scope import OutOfScope
from views.common import keep_private

log = logging.getLogger("aidwatch.errors")


class FontMissing(RuntimeError):
    """The server has no font with Chinese glyphs to embed in a PDF (``exports.briefing_pdf``)."""


class OtherProvince(PermissionError):
    """A province user asked for another province's document (``callbacks.rollout.report_data``)."""


def describe(exc: Exception, lang: str) -> tuple[str, int]:
    """(message, HTTP status) for ``exc``; the request's callback answer is then not shared (a failure
    is rendered again by the next reader, never kept for the snapshot)."""
    keep_private()
    if isinstance(exc, OutOfScope):
        # also a region that does not exist (``queries.regions.NoSuchRegion``): one status and one text for
        # both, naming nothing, so that the answer cannot tell a province user what exists elsewhere
        log.warning("refused: no such region in the scope: %s", exc)
        return t("out_of_scope", lang), 404
    if isinstance(exc, OtherProvince):
        log.warning("refused: %s", exc)
        return t("out_of_scope", lang), 403
    if isinstance(exc, PermissionError):
        log.warning("refused: %s", exc)
        return t("cases_forbidden", lang), 403
    if isinstance(exc, (BadView, UnknownRegion)):
        log.info("bad request: %s", exc)
        return t("bad_request", lang, detail=exc), 400
    if isinstance(exc, UnknownCalendarYear):
        log.error("working-day calendar gap: %s", exc)
        return t("calendar_unknown", lang, year=exc.year), 503
    if isinstance(exc, FontMissing):
        log.error("PDF refused: %s", exc)
        return t("pdf_no_font", lang), 503
    if isinstance(exc, NotCached):
        return t("replica_down_uncached", lang), 503
    if isinstance(exc, ReplicaUnavailable):
        return t("replica_down", lang), 503
    if isinstance(exc, QueryTimeout):
        log.warning("query cancelled by statement_timeout: %s", exc)
        return t("query_timeout", lang), 504
    failure = db_failure(exc)  # raised by a query run on a connection of the caller's own
    if failure is not None:
        if isinstance(failure, ReplicaUnavailable):
            log.error("replica lost during a query: %s", failure)
        return describe(failure, lang)
    log.exception("unexpected failure", exc_info=exc)
    return t("unexpected_error", lang), 500
