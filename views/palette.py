"""The colours and the tile grid every renderer shares: the web charts, the briefing PDF and its Word twin.

Each province is one equal square placed roughly where it lies (no geographic base map); status and
progress colours are distinct in greyscale lightness too, for print.
"""

from __future__ import annotations

from aidwatch.reference import provinces


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


#: Distinct in colour and in greyscale lightness (print).
STATUS_COLORS = {
    "done": "#1a7837",
    "on_track": "#2c7fb8",
    "at_risk": "#e6a817",
    "overdue": "#b2182b",
    "no_data": "#aab0b6",
}
#: The same tones dark enough for text on white (≥ 4.5:1): a figure in amber would be 2.1:1.
TEXT_COLORS = {
    "done": "#1a7837",
    "on_track": "#1f5f8b",
    "at_risk": "#8a5a00",
    "overdue": "#b2182b",
    "no_data": "#616e7c",
}
