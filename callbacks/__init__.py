"""Callbacks, registered per module on the app the factory builds (never global ``@dash.callback``)."""

from __future__ import annotations

from callbacks import backlog, deadlines, duplicates, inspections, rollout, school, view


def register(app) -> None:
    view.register(app)
    for module in (deadlines, rollout, duplicates, backlog, inspections, school):
        module.register(app)
