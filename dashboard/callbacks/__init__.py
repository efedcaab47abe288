"""Callbacks, registered per module on the app the factory builds (never global ``@dash.callback``)."""

from __future__ import annotations

from dashboard.callbacks import (a11y, common, backlog, briefing, deadlines, duplicates, funding, inspections, quality, records,
                                 rollout, school, subscriptions, supervision, view)


def register(app) -> None:
    view.register(app)
    a11y.register(app)
    common.register_snapshot_header(app)
    for module in (briefing, deadlines, rollout, duplicates, backlog, records, funding, inspections, school, quality,
                   subscriptions, supervision):
        module.register(app)
