"""Deadline status: colours and badges, the same on every page and in print."""

from __future__ import annotations

import dash_bootstrap_components as dbc

from dashboard.i18n import status_name

#: Distinct in colour and in greyscale lightness (print).
STATUS_COLORS = {
    "done": "#1a7837",
    "on_track": "#2c7fb8",
    "at_risk": "#e6a817",
    "overdue": "#b2182b",
    "no_data": "#aab0b6",
}
BADGE_COLORS = {"done": "success", "on_track": "primary", "at_risk": "warning", "overdue": "danger",
                "no_data": "secondary"}


def status_badge(status: str, lang: str) -> dbc.Badge:
    return dbc.Badge(status_name(status, lang), color=BADGE_COLORS[status], className=f"aw-status aw-status-{status}")
