"""Callbacks, registered per module on the app the factory builds (never global ``@dash.callback``)."""

from __future__ import annotations

from callbacks import (a11y, backlog, briefing, deadlines, duplicates, funding, inspections, quality, records, rollout,
                       school, subscriptions, view)


#: Each page's data function (URL query → the view's data): what ``dashboard.warmup`` runs for the
#: nation's first view. The school profile and the data-quality page are not opened first.
FIRST_VIEWS = {
    "deadlines": deadlines.deadline_data,
    "rollout": rollout.rollout_data,
    "duplicates": duplicates.duplicate_data,
    "backlog": backlog.backlog_data,
    "records": records.records_data,
    "funding": funding.funding_data,
    "inspections": inspections.inspection_data,
    "briefing": briefing.briefing_data,
}


def register(app) -> None:
    view.register(app)
    a11y.register(app)
    for module in (briefing, deadlines, rollout, duplicates, backlog, records, funding, inspections, school, quality,
                   subscriptions):
        module.register(app)
