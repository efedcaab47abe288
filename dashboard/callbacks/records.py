"""Records and graduation page callbacks: the view → its view model (views.records) → the page; a click on either section → a drill-down URL."""

from __future__ import annotations

from dashboard.callbacks.common import register_content, register_drill
from dashboard.pages import records as page
from views.records import records_data


def build(query: dict, scope, lang: str):
    return page.content(records_data(query, scope), lang)


def register(app) -> None:
    register_content(app, "rg", build, drills=("rgg",))
    register_drill(app, "rgg", page.PATH)
    register_drill(app, "rg", page.PATH)
