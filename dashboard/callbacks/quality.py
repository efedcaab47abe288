"""Data-quality page callbacks: the view → its view model (views.quality) → the page; a click → a drill-down URL."""

from __future__ import annotations

from dashboard.callbacks.common import register_content, register_drill
from dashboard.pages import quality as page
from views.quality import quality_data


def build(query: dict, scope, lang: str):
    return page.content(quality_data(query, scope), lang)


def register(app) -> None:
    register_content(app, "dq", build)
    register_drill(app, "dq", page.PATH)
