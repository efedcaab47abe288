"""Status-change backlog page callbacks: the view → its view model (views.backlog) → the page; a click → a drill-down URL."""

from __future__ import annotations

from dashboard.callbacks.common import register_content, register_drill
from dashboard.pages import backlog as page
from views.backlog import backlog_data


def build(query: dict, scope, lang: str):
    return page.content(backlog_data(query, scope), lang)


def register(app) -> None:
    register_content(app, "bl", build)
    register_drill(app, "bl", page.PATH)
