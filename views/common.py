"""What every view model shares: case lists (masked, and noted for the audit), the figures a view shows
empty because they need next year's holiday schedule (noted for the view's banner), drill keys, own rows."""

from __future__ import annotations

import flask

from aidwatch.i18n import N_
from aidwatch.masking import mask_frame
from aidwatch.workdays import PAST_CALENDAR
from queries.regions import Region



#: Where a request notes the case lists it showed (flask.g), for the one audit row of the view.
CASE_LISTS_SHOWN = "aidwatch_case_lists"
#: Where a request notes the figures it shows empty for want of next year's calendar (flask.g), for its banner.
PAST_CALENDAR_NOTED = "aidwatch_past_calendar"
#: Where a request notes that its answer is not to be shared between readers (``dashboard.answers``).
PRIVATE_ANSWER = "aidwatch_answer_private"
# The figures ``case_list`` notes, "past_<case list>_<due-day column>", marked for `make i18n` (docs/i18n.md).
PAST_CALENDAR_FIGURES = (
    N_("past_status_changes_record_due_on"), N_("past_status_changes_approval_due_on"),
    N_("past_duplicate_cases_due_on"), N_("past_records_awaiting_approval_due_on"),
    N_("past_graduates_pending_upload_due_on"), N_("past_graduates_pending_approval_due_on"),
)


def case_list(name: str, frame):
    """``frame`` (a list of students) masked for the screen or an export, and noted for the audit log.

    Every case list a page shows goes through here, so ``register_content``
    can write one audit row per view that showed personal data; such an answer is never shared
    (``dashboard.answers``), so every view of it is audited.
    """
    keep_private()
    masked = mask_frame(frame)
    if flask.has_request_context():
        flask.g.setdefault(CASE_LISTS_SHOWN, []).append((name, len(masked)))
        for column, rows in frame.attrs.get(PAST_CALENDAR, {}).items():
            note_past_calendar(f"past_{name}_{column}", rows)
    return masked


def note_past_calendar(figure: str, rows: int | None = None) -> None:
    """Say that this view shows the figure named by the string key ``figure`` (``rows`` of it, when it is a
    column of a case list) empty or unavailable because it needs next year's holiday schedule, which the
    calendar does not know yet: the page's content callback names it in a banner above the view. The view
    models learn it where they compute it (a due day ``BEYOND`` the calendar, an ``UnknownCalendarYear``
    caught), never by computing again. Outside a request (a digest, a warm-up) there is no banner to fill."""
    if flask.has_request_context():
        flask.g.setdefault(PAST_CALENDAR_NOTED, {}).setdefault(figure, rows)


def with_drill(rows, children):
    """``rows`` with ``drill``, each row's key one level down (a school's id), and, where the rows are
    schools, ``code`` their registry code: the spec's ``code`` column, while drilling needs the id."""
    rows = rows.assign(drill=rows["code"])
    if "school_code" in children:
        rows["code"] = rows["drill"].map(dict(zip(children["code"].astype(str), children["school_code"])))
    return rows


def table_region(region):
    """The region whose child table holds ``region``'s own row: itself, or a school's city (a school's own
    figures are its row in its city's table, from the same cached queries)."""
    return Region("city", region.province, region.city) if region.level == "school" else region


def own_code(region) -> str:
    """The code of the selected region's own row in a page's table ("nation" for the nation)."""
    return {"nation": "nation", "province": region.province, "city": region.city}.get(region.level,
                                                                                       str(region.school))


def keep_private() -> None:
    """This request's answer is not shared between readers: it shows a failure or case lists (each view
    audited). ``dashboard.answers`` reads the mark."""
    if flask.has_request_context():
        setattr(flask.g, PRIVATE_ANSWER, True)
