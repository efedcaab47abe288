"""AG Grid tables: one configuration for every page's table."""

from __future__ import annotations

import dash_ag_grid as dag
import pandas as pd

from aidwatch.i18n import t, value_name
from dashboard.context import drill_links

#: Tab leaves the grid (arrows move between its cells), so crossing a 32-row table takes one Tab, not 224
#: (assets/dashAgGridFunctions.js).
KEYBOARD = {"tabToNextCell": {"function": "aidwatchTabOut(params)"}}
#: the grid's narrowest column (``defaultColDef``)
MIN_WIDTH = 90
#: a header's padding and its sort and menu icons: 72 px of a 100 px column, measured at 390 px
HEADER_CHROME_PX = 72
#: a Latin letter and a Chinese character of a 14 px header, a little wide rather than narrow
LATIN_PX, CJK_PX = 8.5, 14
#: a run of Chinese longer than this may wrap between its characters, as Chinese text does
CJK_UNBROKEN = 5


def _is_cjk(ch: str) -> bool:
    return "\u2e80" <= ch <= "\u9fff" or "\uff00" <= ch <= "\uffef"


def header_min_width(header: str) -> int:
    """The narrowest a column with a wrapping header can be without a word broken in two: its longest word
    beside the header's icons. AG Grid breaks a word that does not fit (``overflow-wrap: break-word``): on a
    390 px phone the rollout's 100 px "Steps done" column read "Ste / ps / done" and "已完成步 / 骤". A
    Chinese run counts up to ``CJK_UNBROKEN`` characters; a longer one wraps between characters."""
    def width(word: str) -> float:
        cjk = sum(map(_is_cjk, word))
        return (len(word) - cjk) * LATIN_PX + min(cjk, CJK_UNBROKEN) * CJK_PX
    return HEADER_CHROME_PX + round(max(map(width, header.split()), default=0))


def _unbroken_headers(columns: list[dict]) -> list[dict]:
    """Each column whose header wraps made at least as wide as ``header_min_width`` asks."""
    return [{**c, "minWidth": max(c.get("minWidth", MIN_WIDTH), header_min_width(c.get("headerName", "")))}
            if c.get("wrapHeaderText") else c for c in columns]


def _cell(value):
    """A cell as JSON takes it: a missing value of any kind (None, NaN, NaT, pd.NA) is None."""
    if value is None or value is pd.NA or value is pd.NaT or (isinstance(value, float) and value != value):
        return None
    return value


def records_of(frame: pd.DataFrame) -> list[dict]:
    """The frame's rows as dicts of Python values, missing cells None: what
    ``frame.astype(object).where(frame.notna(), None).to_dict("records")`` gives, column by column in a
    quarter of the time (every grid of every cold view passes here)."""
    columns = list(frame.columns)
    values = [[_cell(v) for v in frame[col].tolist()] for col in columns]
    return [dict(zip(columns, row)) for row in zip(*values)]


def data_grid(grid_id: str, frame: pd.DataFrame, columns: list[dict], row_id: str | None = None,
              height: int = 420, clickable: bool = False, drill: str | None = None) -> dag.AgGrid:
    """A sortable, filterable grid; ``columns`` are AG Grid column definitions.

    Rows are sent as JSON records with NaN turned into empty cells, because an
    empty percentage means "no total", not zero.

    ``drill`` (``dashboard.context.drill_template``) makes the grid a way down for keyboards and screen
    readers too: each row's ``name`` becomes a real link to its region (``row_id`` is the code), and Enter
    on any cell of the row opens it. A mouse click still goes through the page's drill callback.
    """
    if drill is not None:
        frame = frame.assign(href=drill_links(drill, frame[row_id]))
        columns = [{**c, "cellRenderer": "DrillLink"} if c.get("field") == "name" else c for c in columns]
    columns = _unbroken_headers(columns)
    records = records_of(frame)
    options = {"animateRows": False, "enableCellTextSelection": True, "tooltipShowDelay": 300, **KEYBOARD}
    style = {"height": f"{height}px", "width": "100%"}
    if len(records) <= 12:
        # A short table is as tall as its rows, not a fixed box with empty space below.
        options["domLayout"] = "autoHeight"
        style = {"width": "100%"}
    return dag.AgGrid(
        id=grid_id,
        rowData=records,
        columnDefs=columns,
        defaultColDef={"sortable": True, "filter": True, "resizable": True, "minWidth": MIN_WIDTH},
        columnSize="responsiveSizeToFit",
        dashGridOptions=options,
        style=style,
        **({"getRowId": f"params.data.{row_id}"} if row_id else {}),  # row_id values are strings
        **({"eventListeners": {"cellKeyDown": ["aidwatchDrillOnEnter(params)"]}} if drill is not None else {}),
        className="aw-grid" + (" aw-clickable" if clickable else ""),
    )


#: Minimum widths so that long tables scroll sideways instead of cutting dates and ID numbers short.
CASE_WIDTHS = {"name": 90, "id_number": 175, "rule": 250, "status": 90}


def case_frame(frame: pd.DataFrame, fields: list[str], value_cols: tuple, lang: str) -> pd.DataFrame:
    """A case list's rows as the grid shows them: ``fields`` in order, the ``value_cols`` codes named in the
    reader's language, dates (columns ending in ``_on``) as ISO days, a missing one empty."""
    out = frame.reindex(columns=fields).copy()
    for col in value_cols:
        if col in out:
            out[col] = out[col].map(lambda v: value_name(v, lang) if isinstance(v, str) and v else "")
    for col in out.columns:
        if col.endswith("_on"):
            out[col] = out[col].map(lambda v: v.isoformat() if hasattr(v, "isoformat") else "")
    return out


def case_columns(fields, labels: dict, lang: str) -> list[dict]:
    """A case list's columns: each field's header (``labels`` first, else its own key), wide enough for it."""
    return [{"field": f, "headerName": labels.get(f) or t(f, lang), "headerTooltip": labels.get(f) or t(f, lang),
             "minWidth": CASE_WIDTHS.get(f, 115)} for f in fields]
