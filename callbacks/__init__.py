"""Callbacks, registered per module on the app the factory builds (never global ``@dash.callback``)."""

from __future__ import annotations

from callbacks import (a11y, backlog, briefing, deadlines, duplicates, inspections, quality, records, rollout,
                       school, subscriptions, view)


def register(app) -> None:
    view.register(app)
    a11y.register(app)
    for module in (briefing, deadlines, rollout, duplicates, backlog, records, inspections, school, quality,
                   subscriptions):
        module.register(app)
