"""Open items by working-day age: the chart the backlog and the records pages share."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from aidwatch.i18n import t
from aidwatch.metrics.backlog import AGE_BUCKETS
from dashboard.components.figure import count_ticks
from dashboard.components.stacked import label_empty_stacks
from views.palette import STATUS_COLORS


def age_figure(buckets: pd.DataFrame, lang: str) -> go.Figure:
    """Open items per working-day age bucket, the overdue part in red."""
    labels = [b[0] for b in AGE_BUCKETS]
    within = buckets["n"] - buckets["overdue"]
    fig = go.Figure([
        go.Bar(x=labels, y=within, name=t("bl_within", lang), marker_color=STATUS_COLORS["on_track"]),
        go.Bar(x=labels, y=buckets["overdue"], name=t("bl_overdue", lang), marker_color=STATUS_COLORS["overdue"]),
    ])
    fig.update_layout(
        barmode="stack", height=230, margin=dict(l=10, r=10, t=10, b=70), plot_bgcolor="white",
        paper_bgcolor="white",
        xaxis=dict(title=t("bl_wd", lang)), yaxis=dict(gridcolor="#eee", rangemode="tozero", **count_ticks(buckets["n"])),
        # below the axis: above the plot there is no room on a phone
        legend=dict(orientation="h", y=-0.45, x=0, yanchor="top", traceorder="normal"),
    )
    return label_empty_stacks(fig, lang)
