"""A chart's text alternative: one sentence on what it shows and its extremes, and the same numbers as a
table one click away (a native ``<details>``), so that a screen reader, a keyboard or a colour-blind reader
gets what the picture says (WCAG 1.1.1, 1.4.1)."""

from __future__ import annotations

import dash_bootstrap_components as dbc
import pandas as pd
from dash import dcc, html

from aidwatch.i18n import t


def summary_sentence(title: str, frame: pd.DataFrame, value: str, text: str, lang: str) -> str:
    """'<title>: lowest A (v), highest B (v).' over the rows that have a value; rows without one are counted.
    Ties are broken by name (the rows are few: plain lists, not a sorted frame)."""
    rows = [(v, name, shown) for v, name, shown in zip(frame[value].tolist(), frame["name"].tolist(),
                                                          frame[text].tolist()) if not pd.isna(v)]
    missing = len(frame) - len(rows)
    if not rows:
        sentence = t("chart_empty", lang, title=title)
    else:
        rows.sort(key=lambda r: (r[0], r[1]))
        (_, low_name, low_text), (_, high_name, high_text) = rows[0], rows[-1]
        sentence = t("chart_extremes", lang, title=title, low=f"{low_name} {low_text}", high=f"{high_name} {high_text}")
    return sentence + (" " + t("chart_no_data", lang, n=missing) if missing and rows else "")


def chart_alternative(alt_id: str, title: str, frame: pd.DataFrame, columns: list[tuple[str, str]], value: str,
                      text: str, lang: str, hrefs: list[str] | None = None) -> html.Div:
    """The sentence and the table for a chart of ``frame`` (one row per region: ``name``, the ``value`` it
    plots and ``text``, that value as shown). ``columns`` are the table's (field, header) pairs; with
    ``hrefs`` each name links to its region's drill-down, as a click on the chart would open it."""
    cells = []
    for field, _ in columns:
        values = frame[field].tolist() if field in frame else [None] * len(frame)
        shown = ["—" if v is None or (isinstance(v, float) and pd.isna(v)) else v for v in values]
        if field == "name" and hrefs is not None:
            shown = [dcc.Link(v, href=href) for v, href in zip(shown, hrefs)]
        cells.append(shown)
    rows = [html.Tr([html.Td(v) for v in row]) for row in zip(*cells)] if cells else []
    table = dbc.Table([html.Thead(html.Tr([html.Th(h) for _, h in columns])), html.Tbody(rows)], size="sm",
                      responsive=True, className="aw-small-table mb-0")
    return html.Div([
        html.P(summary_sentence(title, frame, value, text, lang), className="aw-chart-summary"),
        html.Details([html.Summary(t("chart_as_table", lang)), table], className="aw-chart-table"),
    ], id=alt_id, className="aw-chart-alt")
