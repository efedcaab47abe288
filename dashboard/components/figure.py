"""Every chart through one door: registry text in a Plotly figure is shown as text, never as markup.

Plotly draws its strings — axis tick labels (a bar chart's category names),
``text``, hover labels, legend names, titles, annotations — as a pseudo-HTML
of its own: ``<a href>`` becomes a live link in the SVG, ``<b>``/``<span
style>`` restyle it. Dash and React do not escape what a figure holds, so a
school named ``<a href="https://evil.example">请重新登录</a>`` became a link on
the deadline chart's axis. ``graph`` is the only way the pages make a
``dcc.Graph``; it escapes ``&``, ``<`` and ``>`` in every string of the
figure (Plotly turns the entities back into the characters), wherever a chart
put the registry's text and whatever chart is added later.

Left as they are: ``hovertemplate`` and ``texttemplate`` (the chart's own
templates; the values they substitute are escaped data) and ``customdata``
(never drawn: the drill key a click sends back). ``<br>``, the one tag the
charts' own labels use (a tile's short name above its value), is kept as a line
break — in a registry name too, where it can only break the line.
"""

from __future__ import annotations

import html

import numpy as np
from dash import dcc
from dash import html as dash_html

#: keys whose strings are the charts' own templates or never drawn
UNESCAPED = frozenset({"hovertemplate", "texttemplate", "customdata"})
LINE_BREAK = "<br>"
#: A chart a view does not show (kept in the layout, hidden, so that its callbacks' ids exist).
EMPTY_FIGURE = {"data": [], "layout": {}}


def plotly_text(text: str) -> str:
    """``text`` as Plotly shows it literally: markup escaped, ``<br>`` kept as a line break."""
    return html.escape(text, quote=False).replace(html.escape(LINE_BREAK), LINE_BREAK)


def _escaped(value, key: str | None = None):
    if key in UNESCAPED:
        return value
    if isinstance(value, str):
        return plotly_text(value)
    if isinstance(value, dict):
        return {k: _escaped(v, k) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_escaped(v) for v in value]
    if isinstance(value, np.ndarray) and value.dtype.kind in "OUS":
        return [_escaped(v) for v in value.tolist()]
    return value


def axis_label(name: str, limit: int = 24) -> str:
    """A region's name as a bar chart's axis label: a name longer than ``limit`` characters broken onto two
    lines at the space nearest its middle. Plotly never wraps a tick label, and on a 390 px phone one long
    name (the XPCC's English name) took the whole width from the bars and was cut off at the left."""
    if len(name) <= limit or " " not in name:
        return name
    middle = len(name) / 2
    cut = min((i for i, ch in enumerate(name) if ch == " "), key=lambda i: abs(i - middle))
    return name[:cut] + LINE_BREAK + name[cut + 1:]


def safe_figure(figure: dict) -> dict:
    """A figure dict with every drawn string escaped (a copy)."""
    return _escaped(figure)


def graph(*, figure, **props) -> dcc.Graph:
    """``dcc.Graph(figure=…, **props)`` with the figure's strings escaped (see the module's docstring)."""
    return dcc.Graph(figure=safe_figure(figure), **props)


def titled_graph(title: str, *, id: str, figure, after: list | tuple = (), level: int = 2,
                 **props) -> dash_html.Div:
    """A chart under its title as an HTML heading: heading, chart and what follows it (``after``: its text
    alternative) one ``role="figure"`` that the heading names.

    Plotly draws ``layout.title`` as one SVG line that is never wrapped: on a 390 px phone a long title (in
    English above all) was cut off. A heading wraps, is listed among the page's headings for a screen
    reader, and gives the chart its accessible name. The figures themselves therefore carry no title.
    """
    title_id = f"{id}-title"
    heading = getattr(dash_html, f"H{level}")(title, id=title_id, className="aw-chart-title")
    return dash_html.Div([heading, graph(id=id, figure=figure, **props), *after], role="figure",
                         className="aw-chart", **{"aria-labelledby": title_id})


def count_ticks(values) -> dict:
    """Whole-number ticks for counts: small counts would otherwise get ticks at 0.5."""
    return {"dtick": 1} if len(values) == 0 or max(values) <= 5 else {"tickformat": ",d"}
