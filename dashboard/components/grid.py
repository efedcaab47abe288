"""AG Grid tables: one configuration for every page's table."""

from __future__ import annotations

import dash_ag_grid as dag
import pandas as pd


def data_grid(grid_id: str, frame: pd.DataFrame, columns: list[dict], row_id: str | None = None,
              height: int = 420, clickable: bool = False) -> dag.AgGrid:
    """A sortable, filterable grid; ``columns`` are AG Grid column definitions.

    Rows are sent as JSON records with NaN turned into empty cells, because an
    empty percentage means "no total", not zero.
    """
    records = frame.astype(object).where(frame.notna(), None).to_dict("records")
    options = {"animateRows": False, "enableCellTextSelection": True, "tooltipShowDelay": 300}
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
        className="aw-grid" + (" aw-clickable" if clickable else ""),
    )
