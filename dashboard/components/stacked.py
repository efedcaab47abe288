"""Stacked bars that say something where nothing is stacked.

A stacked bar chart draws a region whose parts add up to 0, or that has no figure at all, as an empty slot
beside its name: it reads like a missing bar or a rendering fault, and the empty region may be the one that
matters most (no grant recipients at all, nothing approved). ``label_empty_stacks`` adds one trace to such a
chart: a zero-length bar with the text "0" or "无数据"/"no data" at the axis for every such category, so that
every region says something (the one-bar charts do the same with their own outside labels).
"""

from __future__ import annotations

import math
from collections.abc import Iterable

from aidwatch.i18n import t

#: the label's colour: the axis text's dark grey, readable on the white plot (contrast above 9:1)
LABEL_COLOR = "#444444"


def _bar_traces(figure: dict) -> list[dict]:
    return [tr for tr in figure.get("data", []) if tr.get("type", "bar") == "bar"]


def _known(value) -> bool:
    return value is not None and not (isinstance(value, float) and math.isnan(value))


def empty_stacks(traces: list[dict], categories: Iterable[str] | None = None) -> dict[str, str]:
    """``{category: "zero" | "none"}`` for the categories whose stacked total is 0 ("zero") or that have no
    value in any trace ("none"); ``categories`` also counts those no trace lists (as "none")."""
    totals: dict[str, float | None] = {c: None for c in categories or ()}
    for tr in traces:
        horizontal = tr.get("orientation") == "h"
        names, values = (tr.get("y"), tr.get("x")) if horizontal else (tr.get("x"), tr.get("y"))
        for name, value in zip(list(names if names is not None else ()), list(values if values is not None else ())):
            total = totals.get(name)
            totals[name] = (total or 0) + float(value) if _known(value) else total
    return {name: "none" if total is None else "zero" for name, total in totals.items() if not total}


def label_empty_stacks(figure: dict, lang: str, categories: Iterable[str] | None = None) -> dict:
    """``figure`` (a plain figure dict of stacked bars, all one orientation) with a text label at the
    value axis for every category whose stack is empty: "0" where its parts add up to 0, "无数据"/"no data"
    where it has no value (``categories``: every category the chart should show, if some have no trace
    value at all). The label trace is last, so that nothing stacks on it and its text stays outside."""
    traces = _bar_traces(figure)
    empty = empty_stacks(traces, categories)
    if not empty:
        return figure
    names = list(empty)
    labels = ["0" if empty[n] == "zero" else t("no_pct", lang) for n in names]
    horizontal = any(tr.get("orientation") == "h" for tr in traces)
    zeros = [0] * len(names)
    trace = dict(type="bar", orientation="h" if horizontal else "v", x=zeros if horizontal else names,
                 y=names if horizontal else zeros, text=labels, textposition="outside", cliponaxis=False,
                 textfont=dict(color=LABEL_COLOR), marker=dict(color="rgba(0,0,0,0)"), showlegend=False,
                 hoverinfo="skip", name="")
    figure["data"] = [*figure.get("data", []), trace]
    return figure
