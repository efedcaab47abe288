"""A tile-grid map of China's 31 provinces and the XPCC: no geographic base map.

Each province is one equal square placed roughly where it lies, so small
provinces weigh as much as large ones and every tile can be read and clicked.
"""

from __future__ import annotations

from aidwatch.reference import region_name
from views.palette import PROGRESS_SCALE, TILES, label_color, progress_color, short_names

def tile_map(values: dict, labels: dict, lang: str, hover: dict | None = None, height: int = 390,
             cmax: float = 100, unit: str = "%") -> dict:
    """Tiles coloured by ``values[code]`` (0–``cmax``, None = grey), labelled ``labels[code]``; ``unit``
    titles the colour bar (a percentage by default, e.g. a count of steps done with ``cmax`` steps).

    A tile reads the province's short name (its one-character abbreviation, in English its
    ISO 3166-2:CN letters), the hover its full name in ``lang``.
    ``customdata`` carries the province code, so a click tells which tile it was.
    The figure is a plain dict: Plotly's object validation would cost more than
    the page's queries on a warm cache. Its title is the page's heading above it (``figure.titled_graph``).
    """
    short = short_names(lang)
    names = {c: region_name(c, lang) for c in TILES}
    hover = hover or {}
    traces = []
    for has_value in (False, True):
        codes = [c for c in TILES if (values.get(c) is not None) == has_value]
        if not codes:
            continue
        # The tiles themselves are shapes in axis units (below), so that they shrink with a phone's narrow
        # chart instead of overlapping; the points stay, invisible, for the labels, hover, clicks and the scale.
        marker = dict(symbol="square", size=30, opacity=0)
        if has_value:
            marker.update(color=[values[c] for c in codes], colorscale=PROGRESS_SCALE, cmin=0, cmax=cmax,
                          showscale=True, colorbar=dict(title=unit, thickness=10, len=0.7))
        else:
            marker.update(color="#d5d8dc")
        traces.append(dict(
            type="scatter", x=[TILES[c][1] for c in codes], y=[-TILES[c][0] for c in codes], mode="markers+text",
            marker=marker, customdata=codes,
            text=[f"{short[c]}<br>{labels.get(c, '')}" for c in codes],
            textfont=dict(size=11, color=[label_color(progress_color(values.get(c), cmax)) for c in codes]),
            hovertext=[f"{names[c]}<br>{hover.get(c, labels.get(c, ''))}" for c in codes], hoverinfo="text",
            showlegend=False,
        ))
    shapes = [dict(type="rect", layer="below", x0=col - 0.48, x1=col + 0.48, y0=-row - 0.48, y1=-row + 0.48,
                   fillcolor="rgb({},{},{})".format(*progress_color(values.get(code), cmax)),
                   line=dict(width=0)) for code, (row, col) in TILES.items()]
    layout = dict(
        height=height, margin=dict(l=10, r=10, t=10, b=10),
        shapes=shapes,
        xaxis=dict(visible=False, range=[-0.6, 7.6]), yaxis=dict(visible=False, range=[-7.6, 0.6], scaleanchor="x"),
        plot_bgcolor="white", paper_bgcolor="white", clickmode="event",
    )
    return {"data": traces, "layout": layout}


