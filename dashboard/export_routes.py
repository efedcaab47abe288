"""``/export/<page>.csv`` and ``.xlsx``: each page's main table, with the page's own query parameters; and
the documents drawn on the server (the briefing as PDF and Word, a province's draft 6 June report).

Exports go through the same view models as the pages (same scope, same numbers, same masking), for the
logged-in reader's scope, and are rendered by the ``exports`` package.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd

from flask import abort, current_app, jsonify, request, Response
from flask_login import current_user

from aidwatch.viewstate import lang_of
from dashboard.auth import app_db, current_scope
from exports.briefing_pdf import briefing_pdf
from exports.docx_writer import write_docx
from exports.tables import MIMETYPES, table_file
from queries import appdb
from views import (backlog, briefing, deadlines, duplicates, funding, inspections, quality, records, rollout,
                   rollout_report, supervision)
from views.briefing_document import briefing_document
from queries.regions import children
from views.context import resolve
from views.errors import describe

EXPORTS = {"deadlines": deadlines.export_frame, "rollout": rollout.export_frame,
           "duplicates": duplicates.export_frame, "backlog": backlog.export_frame,
           "inspections": inspections.export_frame, "inspection-plan": inspections.plan_frame,
           "quality": quality.export_frame, "records": records.export_records,
           "graduation": records.export_graduation, "briefing": briefing.export_frame,
           "supervision": supervision.export_frame, "funding": funding.export_frame}
#: Notes that travel beside a page's table, never inside it (a note row would be parsed as data by every CSV
#: reader): page → (tag added to the file's name, the note in English for the ``X-Estimate-Note`` header,
#: the note as (zh, en) for a second XLSX sheet "note").
NOTES = {"funding": funding.EXPORT_NOTE}


def briefing_pdf_document(query: dict, scope) -> tuple[bytes, int]:
    """``/export/briefing.pdf``: the briefing drawn on A4 (``exports.briefing_pdf``), and its figure count."""
    b = briefing.briefing_data(query, scope)
    body = briefing_pdf(b, b.view.lang, briefing.public_base(), current_app.config.get("AIDWATCH_PDF_FONT"))
    return body, len(b.headlines)


def briefing_docx_document(query: dict, scope) -> tuple[bytes, int]:
    """``/export/briefing.docx``: the same document as the PDF (``views.briefing_document``), as Word."""
    b = briefing.briefing_data(query, scope)
    return write_docx(briefing_document(b, b.view.lang, briefing.public_base())), len(b.headlines)


def rollout_report_document(query: dict, scope) -> tuple[bytes, int]:
    """``/export/rollout-report.docx``: the province's draft 6 June report (``views.rollout_report``)."""
    report = rollout.report_data(query, scope)
    return write_docx(rollout_report.document(report)), len(report.export)


#: Documents drawn on the server rather than tables: (page, format) → fn(query, scope) → (bytes, figures in it).
DOCUMENTS = {("briefing", "pdf"): briefing_pdf_document, ("briefing", "docx"): briefing_docx_document,
             ("rollout-report", "docx"): rollout_report_document}


def table_for(export_frame, query: dict, scope) -> pd.DataFrame:
    """``export_frame(query, scope)``; for a reader without case lists at a school (leadership), whose page
    shows the school's figures and not its cases, the school's own rows of its city's table instead of the
    refusal the case list would give: the export holds what the page shows."""
    try:
        return export_frame(query, scope)
    except PermissionError:
        if not query.get("school") or scope.cases_allowed:
            raise
        r = resolve(query, scope)  # a URL may name the school alone
        parent = {k: v for k, v in query.items() if k != "school"} | {"province": r.region.province,
                                                                        "city": r.region.city}
        frame = export_frame(parent, scope)
        if "code" not in frame:
            raise
        # a city's table names its schools by their official code
        code = str(r.registry.query(children, scope, r.region)["school_code"].iloc[0])
        return frame[frame["code"].astype(str) == code].reset_index(drop=True)


def register(server) -> None:
    @server.get("/export/<page>.<fmt>")
    def export(page: str, fmt: str):
        document = DOCUMENTS.get((page, fmt))
        if document is None and (page not in EXPORTS or fmt not in ("csv", "xlsx")):
            abort(404)
        query = request.args.to_dict()
        lang = lang_of(query)
        scope = current_scope()
        try:
            if document is not None:
                body, rows = document(query, scope)
            else:
                frame = table_for(EXPORTS[page], query, scope)
                body, rows = None, len(frame)
        except Exception as exc:  # noqa: BLE001 — mapped to a message and status in one place
            text, status = describe(exc, lang)
            return jsonify({"error": text}), status
        appdb.audit(app_db(), current_user.username, f"export:{page}.{fmt}", scope, query, rows)
        tag, header, note = NOTES.get(page, (None, None, None))
        if body is None:
            body = table_file(frame, fmt, page, note and note[lang == "en"])
        stamp = dt.date.today().isoformat()
        name = f"{page}-{tag}-{stamp}" if tag else f"{page}-{stamp}"
        return Response(body, mimetype=MIMETYPES[fmt], headers={
            "Content-Disposition": f'attachment; filename="{name}.{fmt}"', "X-Row-Count": str(rows),
            **({"X-Estimate-Note": header} if header else {}),
        })
