"""Inspection page callbacks: the view → its view model (views.inspections) → the page; a click → a drill-down URL."""

from __future__ import annotations

from dashboard.callbacks.common import register_content, register_drill
from dashboard.pages import inspections as page
from views.inspections import inspection_data


def build(query: dict, scope, lang: str):
    return page.content(inspection_data(query, scope), lang)


def register(app) -> None:
    register_content(app, "insp", build)
    register_drill(app, "insp", page.PATH)
