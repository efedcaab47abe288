"""Deadline page callbacks: the view → its view model (views.deadlines) → figures; a click → a drill-down URL."""

from __future__ import annotations

from dashboard.callbacks.common import register_content, register_drill
from dashboard.callbacks import supervision
from dashboard.pages import deadlines as page
from views.deadlines import deadline_data


def build(query: dict, scope, lang: str):
    view, data, deadline, cases, note = deadline_data(query, scope)
    # a province user's open supervision requests come first on its landing page (views.supervision)
    return [*supervision.landing(lang), *page.content(view, data, deadline, cases, note, lang)]


def register(app) -> None:
    register_content(app, "dl", build)
    register_drill(app, "dl", page.PATH)
