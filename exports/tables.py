"""A page's table as CSV (UTF-8 with a BOM, so that Excel opens Chinese text correctly) or XLSX."""

from __future__ import annotations

import io

import pandas as pd

from aidwatch.spreadsheet import defuse_frame

MIMETYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}


def to_csv(frame: pd.DataFrame) -> bytes:
    return frame.to_csv(index=False).encode("utf-8-sig")


def to_xlsx(frame: pd.DataFrame, sheet: str, note: str | None = None) -> bytes:
    """``frame`` on sheet ``sheet``, and ``note`` (what travels beside the table, never inside it: a note row
    would be read as data) on a second sheet "note"."""
    buf = io.BytesIO()
    with pd.ExcelWriter(buf, engine="openpyxl") as writer:
        frame.to_excel(writer, index=False, sheet_name=sheet[:31])
        if note:
            pd.DataFrame({"note": [note]}).to_excel(writer, index=False, sheet_name="note")
    return buf.getvalue()


def table_file(frame: pd.DataFrame, fmt: str, sheet: str, note: str | None = None) -> bytes:
    """``frame`` as ``fmt`` (csv or xlsx, with ``note`` beside it), registry text defused so it cannot become a
    formula in Excel."""
    frame = defuse_frame(frame)
    return to_csv(frame) if fmt == "csv" else to_xlsx(frame, sheet, note)
