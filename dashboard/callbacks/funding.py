"""Funding-gap page callbacks: the view → its view model (views.funding) → the page; a click in either term's
section → a drill-down URL."""

from __future__ import annotations

from dashboard.callbacks.common import register_content, register_drill
from dashboard.pages import funding as page
from views.funding import funding_data


def build(query: dict, scope, lang: str):
    return page.content(funding_data(query, scope), lang)


def register(app) -> None:
    register_content(app, "fd", build, drills=page.SECTIONS)
    for prefix in page.SECTIONS:
        register_drill(app, prefix, page.PATH)
