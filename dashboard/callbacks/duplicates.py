"""Duplicate-aid page callbacks: the view → its view model (views.duplicates) → the page; a click → a drill-down URL."""

from __future__ import annotations

from dashboard.callbacks.common import register_content, register_drill
from dashboard.pages import duplicates as page
from views.duplicates import duplicate_data


def build(query: dict, scope, lang: str):
    d = duplicate_data(query, scope)
    return page.content(d.view, d.data, d.alert_labels, d.level, d.cases, d.cases_note, d.limit, lang)


def register(app) -> None:
    register_content(app, "dup", build)
    register_drill(app, "dup", page.PATH)
