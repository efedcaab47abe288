"""Deadline status: colours and badges, the same on every page and in print."""

from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import html

from aidwatch.i18n import status_name, t

BADGE_COLORS = {"done": "success", "on_track": "primary", "at_risk": "warning", "overdue": "danger",
                "no_data": "secondary"}


def status_badge(status: str, lang: str) -> dbc.Badge:
    return dbc.Badge(status_name(status, lang), color=BADGE_COLORS[status], className=f"aw-status aw-status-{status}")


def judgement(worse: bool, lang: str) -> html.Span:
    """"Better" or "worse" told by a symbol and a word, not by the green or red around it alone (WCAG 1.4.1):
    the symbol for the eye, the word for screen readers and as a tooltip."""
    word = t("worse", lang) if worse else t("better", lang)
    return html.Span([html.Span("✗" if worse else "✓", **{"aria-hidden": "true"}),
                      html.Span(word, className="visually-hidden")], title=word,
                     className="aw-judge " + ("aw-judge-worse" if worse else "aw-judge-better"))
