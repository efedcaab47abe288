"""``/export/<page>.csv`` and ``.xlsx``: each page's main table, with the page's own query parameters.

Exports go through the same functions as the pages (same scope, same
numbers, same masking). CSV is UTF-8 with a BOM so that Excel opens Chinese
text correctly.
"""

from __future__ import annotations

import datetime as dt
import io

import pandas as pd
from flask import Response, abort, jsonify, request
from flask_login import current_user

from aidwatch.spreadsheet import defuse_frame
from callbacks import backlog, briefing, deadlines, duplicates, funding, inspections, quality, records, rollout
from dashboard import appdb
from dashboard.auth import app_db, current_scope
from dashboard.errors import describe
from dashboard.viewstate import lang_of

EXPORTS = {"deadlines": deadlines.export_frame, "rollout": rollout.export_frame,
           "duplicates": duplicates.export_frame, "backlog": backlog.export_frame,
           "inspections": inspections.export_frame, "inspection-plan": inspections.plan_frame,
           "quality": quality.export_frame, "records": records.export_records,
           "graduation": records.export_graduation, "briefing": briefing.export_frame,
           "funding": funding.export_frame}
#: Notes that travel beside a page's table, never inside it (a note row would be parsed as data by every CSV
#: reader): page → (tag added to the file's name, the note in English for the ``X-Estimate-Note`` header,
#: the note as (zh, en) for a second XLSX sheet "note").
NOTES = {"funding": funding.EXPORT_NOTE}
#: Documents drawn on the server rather than tables: (page, format) → fn(query) → (bytes, figures in it).
DOCUMENTS = {("briefing", "pdf"): briefing.pdf_document}
MIMETYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pdf": "application/pdf",
}


def to_csv(frame: pd.DataFrame) -> bytes:
    return frame.to_csv(index=False).encode("utf-8-sig")


def to_xlsx(frame: pd.DataFrame, sheet: str, note: str | None = None) -> bytes:
    buf = io.BytesIO()
    with pd.ExcelWriter(buf, engine="openpyxl") as writer:
        frame.to_excel(writer, index=False, sheet_name=sheet[:31])
        if note:
            pd.DataFrame({"note": [note]}).to_excel(writer, index=False, sheet_name="note")
    return buf.getvalue()


def register(server) -> None:
    @server.get("/export/<page>.<fmt>")
    def export(page: str, fmt: str):
        document = DOCUMENTS.get((page, fmt))
        if document is None and (page not in EXPORTS or fmt not in ("csv", "xlsx")):
            abort(404)
        query = request.args.to_dict()
        lang = lang_of(query)
        try:
            if document is not None:
                body, rows = document(query)
            else:
                frame = EXPORTS[page](query)
                body, rows = None, len(frame)
        except Exception as exc:  # noqa: BLE001 — mapped to a message and status in one place
            text, status = describe(exc, lang)
            return jsonify({"error": text}), status
        appdb.audit(app_db(), current_user.username, f"export:{page}.{fmt}", current_scope(), query, rows)
        tag, header, note = NOTES.get(page, (None, None, None))
        if body is None:
            frame = defuse_frame(frame)  # registry text must not become a formula in Excel
            body = to_csv(frame) if fmt == "csv" else to_xlsx(frame, page, note and note[lang == "en"])
        stamp = dt.date.today().isoformat()
        name = f"{page}-{tag}-{stamp}" if tag else f"{page}-{stamp}"
        return Response(body, mimetype=MIMETYPES[fmt], headers={
            "Content-Disposition": f'attachment; filename="{name}.{fmt}"', "X-Row-Count": str(rows),
            **({"X-Estimate-Note": header} if header else {}),
        })
