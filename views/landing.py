"""Each page's view model of the view most readers open first (URL query → the view's data), for the
background warm-up (``cli.warmup``). The school profile and the data-quality page are not opened first."""

from __future__ import annotations

from views import backlog, briefing, deadlines, duplicates, funding, inspections, records, rollout

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
