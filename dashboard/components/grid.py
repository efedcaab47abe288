"""AG Grid tables: one configuration for every page's table."""

from __future__ import annotations

import dash_ag_grid as dag
import pandas as pd

from dashboard.context import drill_links

#: Tab leaves the grid (arrows move between its cells), so crossing a 32-row table takes one Tab, not 224
#: (assets/dashAgGridFunctions.js).
KEYBOARD = {"tabToNextCell": {"function": "aidwatchTabOut(params)"}}


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
    records = frame.astype(object).where(frame.notna(), None).to_dict("records")
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
        defaultColDef={"sortable": True, "filter": True, "resizable": True, "minWidth": 90},
        columnSize="responsiveSizeToFit",
        dashGridOptions=options,
        style=style,
        **({"getRowId": f"params.data.{row_id}"} if row_id else {}),  # row_id values are strings
        **({"eventListeners": {"cellKeyDown": ["aidwatchDrillOnEnter(params)"]}} if drill is not None else {}),
        className="aw-grid" + (" aw-clickable" if clickable else ""),
    )
