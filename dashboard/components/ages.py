"""Open items by working-day age: the chart the backlog and the records pages share."""

from __future__ import annotations

import pandas as pd

from aidwatch.i18n import t
from aidwatch.metrics.backlog import AGE_BUCKETS
from dashboard.components.figure import count_ticks
from dashboard.components.stacked import label_empty_stacks
from views.palette import STATUS_COLORS


def age_figure(buckets: pd.DataFrame, lang: str) -> dict:
    """Open items per working-day age bucket, the overdue part in red (a plain figure dict)."""
    labels = [b[0] for b in AGE_BUCKETS]
    within = (buckets["n"] - buckets["overdue"]).tolist()
    traces = [
        dict(type="bar", x=labels, y=within, name=t("bl_within", lang), marker=dict(color=STATUS_COLORS["on_track"])),
        dict(type="bar", x=labels, y=buckets["overdue"].tolist(), name=t("bl_overdue", lang),
             marker=dict(color=STATUS_COLORS["overdue"])),
    ]
    layout = dict(
        barmode="stack", height=230, margin=dict(l=10, r=10, t=10, b=70), plot_bgcolor="white",
        paper_bgcolor="white",
        xaxis=dict(title=dict(text=t("bl_wd", lang)), automargin=True),
        # room for the counts' labels: a 10 px margin showed only the last digit of "40"
        yaxis=dict(gridcolor="#eee", rangemode="tozero", automargin=True, **count_ticks(buckets["n"])),
        # below the axis: above the plot there is no room on a phone
        legend=dict(orientation="h", y=-0.45, x=0, yanchor="top", traceorder="normal"),
    )
    return label_empty_stacks({"data": traces, "layout": layout}, lang)
