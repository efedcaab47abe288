"""Callbacks, registered per module on the app the factory builds (never global ``@dash.callback``)."""

from __future__ import annotations

from callbacks import deadlines, view


def register(app) -> None:
    view.register(app)
    for module in (deadlines,):
        module.register(app)
