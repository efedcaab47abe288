"""Rollout page callbacks: the view → its view model (views.rollout) → the page; a click → a drill-down URL."""

from __future__ import annotations

from dashboard.callbacks.common import register_content, register_drill
from dashboard.pages import rollout as page
from views.rollout import rollout_data


def build(query: dict, scope, lang: str):
    return page.content(rollout_data(query, scope), lang)


def register(app) -> None:
    register_content(app, "ro", build)
    register_drill(app, "ro", page.PATH)
