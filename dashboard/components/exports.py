"""The CSV and XLSX download links every page puts above its main table."""

from __future__ import annotations

from dash import html

from aidwatch.i18n import t


def export_links(page: str, prefix: str, query: str, lang: str) -> html.Div:
    """Links to ``/export/<page>.csv|xlsx`` with the view's URL ``query`` (ids ``<prefix>-export-csv|xlsx``)."""
    return html.Div([
        html.A(t(f"export_{fmt}", lang), href=f"/export/{page}.{fmt}{query}",
               className="btn btn-outline-secondary btn-sm", id=f"{prefix}-export-{fmt}")
        for fmt in ("csv", "xlsx")
    ], className="aw-exports")
