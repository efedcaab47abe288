"""A tile-grid map of China's 31 provinces and the XPCC: no geographic base map.

Each province is one equal square placed roughly where it lies, so small
provinces weigh as much as large ones and every tile can be read and clicked.
"""

from __future__ import annotations

from aidwatch.reference import provinces, region_name

#: (row, column) of each province's tile; row 0 is the north.
TILES = {
    "23": (0, 7),
    "65": (1, 0), "66": (1, 1), "15": (1, 4), "11": (1, 5), "22": (1, 7),
    "63": (2, 1), "62": (2, 2), "64": (2, 3), "14": (2, 4), "13": (2, 5), "12": (2, 6), "21": (2, 7),
    "54": (3, 1), "51": (3, 2), "61": (3, 3), "41": (3, 4), "37": (3, 5),
    "53": (4, 2), "50": (4, 3), "42": (4, 4), "34": (4, 5), "32": (4, 6),
    "52": (5, 3), "43": (5, 4), "36": (5, 5), "33": (5, 6), "31": (5, 7),
    "45": (6, 3), "44": (6, 4), "35": (6, 5),
    "46": (7, 4),
}

#: Tile labels in English: the ISO 3166-2:CN subdivision letters (XPCC for the Corps, which has none).
SHORT_EN = {
    "11": "BJ", "12": "TJ", "13": "HE", "14": "SX", "15": "NM", "21": "LN", "22": "JL", "23": "HL", "31": "SH",
    "32": "JS", "33": "ZJ", "34": "AH", "35": "FJ", "36": "JX", "37": "SD", "41": "HA", "42": "HB", "43": "HN",
    "44": "GD", "45": "GX", "46": "HI", "50": "CQ", "51": "SC", "52": "GZ", "53": "YN", "54": "XZ", "61": "SN",
    "62": "GS", "63": "QH", "64": "NX", "65": "XJ", "66": "XPCC",
}

#: Red (behind) to green (done); readable in greyscale because lightness changes monotonically.
PROGRESS_SCALE = [[0.0, "#b2182b"], [0.5, "#f4d03f"], [0.8, "#a6d96a"], [1.0, "#1a7837"]]


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


def short_names(lang: str) -> dict:
    """Each tile's label: the one-character abbreviation (粤), in English the ISO letters (GD)."""
    return SHORT_EN if lang == "en" else {p["code"]: p["short_name"] for p in provinces()}


def progress_color(value: float | None, cmax: float = 100) -> tuple[int, int, int]:
    """The tile colour of ``value`` (0–``cmax``) on ``PROGRESS_SCALE`` as RGB, grey for None: the same
    colours drawn without Plotly (the briefing's PDF)."""
    if value is None:
        return rgb("#d5d8dc")
    x = min(max(float(value) / cmax, 0.0), 1.0)
    for (x0, c0), (x1, c1) in zip(PROGRESS_SCALE, PROGRESS_SCALE[1:]):
        if x <= x1:
            f = 0.0 if x1 == x0 else (x - x0) / (x1 - x0)
            return tuple(round(a + (b - a) * f) for a, b in zip(rgb(c0), rgb(c1)))
    return rgb(PROGRESS_SCALE[-1][1])


def rgb(hex_color: str) -> tuple[int, int, int]:
    """'#b2182b' → (178, 24, 43)."""
    return tuple(int(hex_color[i:i + 2], 16) for i in (1, 3, 5))


def _luminance(color: tuple[int, int, int]) -> float:
    """WCAG relative luminance of an sRGB colour."""
    def channel(v: int) -> float:
        v = v / 255
        return v / 12.92 if v <= 0.04045 else ((v + 0.055) / 1.055) ** 2.4
    r, g, b = (channel(v) for v in color)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: tuple[int, int, int], b: tuple[int, int, int]) -> float:
    hi, lo = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def label_color(tile: tuple[int, int, int]) -> str:
    """Black or white, whichever reads better on ``tile``: dark red and dark green tiles get white text."""
    return "#000000" if contrast(tile, rgb("#000000")) >= contrast(tile, rgb("#ffffff")) else "#ffffff"
