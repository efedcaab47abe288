"""Leadership briefing (工作简报): one printable page saying, as of D, where the country (or a province)
stands and who is behind, with every number a link to the page and drill level it comes from.

``layout(**query)`` draws the frame and a store; ``dashboard.callbacks.briefing`` fills ``content(...)``. The
same figures make the PDF (``exports.briefing_pdf``) and the XLSX (``dashboard.callbacks.briefing.export_frame``).
Print: ``assets/briefing.css`` lays the page out on A4 without the navigation.
"""

from __future__ import annotations

import datetime as dt

import dash_bootstrap_components as dbc
import pandas as pd
from dash import dcc, html

from aidwatch.i18n import N_, deadline_name, t
from aidwatch.metrics.briefing import AREAS, WHEN
from aidwatch.narrative import day_text, pct_text
from dashboard.components.figure import EMPTY_FIGURE, graph, titled_graph
from dashboard.components.status import judgement, status_badge
from dashboard.pages import deadlines as dl_page, framed
from views.briefing import change_text, column_head, metric_label, value_text

# Keys composed at run time (from a prefix and a code, or taken from a column or value list), marked
# for `make i18n` (docs/i18n.md).
COMPOSED_KEYS = (
    N_("br_area_funding"), N_("br_funding_gap_students"), N_("br_funding_gap_yuan"),
    N_("br_area_approvals"), N_("br_area_backlog"), N_("br_area_duplicates"), N_("br_area_graduation"),
    N_("br_area_inspections"), N_("br_area_records"), N_("br_area_registration"), N_("br_area_rollout"),
    N_("br_backlog_overdue_approval"), N_("br_backlog_phantom_suspects"), N_("br_backlog_unrecorded_overdue"),
    N_("br_duplicates_open"), N_("br_duplicates_overdue"), N_("br_graduation_approval_overdue"),
    N_("br_graduation_approved_no_certificate"), N_("br_graduation_upload_overdue"),
    N_("br_inspections_coverage_pct"), N_("br_inspections_serious_findings"), N_("br_laggards"), N_("br_level_city"),
    N_("br_level_province"), N_("br_month"), N_("br_now"), N_("br_records_approval_overdue"),
    N_("br_records_awaiting_approval"), N_("br_week"), N_("page_briefing"),
)

PATH = "/briefing"
#: Figures are drawn at a fixed width that fits an A4 page, so that printing does not cut them.
FIGURE_WIDTH = 460


#: Only the colours of changes: a change the bad way is red, the good way green.
CHANGE_CLASS = {True: "br-bad", False: "br-good"}


def layout(**query):
    """The frame for the URL's view and a store the content callback renders from."""
    return framed(PATH, query, lambda view: [
        dcc.Store(id="br-view", data=query),
        dcc.Loading(html.Div(id="br-content", className="aw-content br-page"), type="default", delay_show=300),
    ])


def _change_cell(b, head, when: str, lang: str):
    change = head.change(when)
    href = b.headline_href(head, when)
    # the column's head again, which a phone shows beside the cell once the table is restacked (briefing.css)
    label = {"data-label": column_head(b, when, lang)}
    if change is None or href is None:
        return html.Td("—", className="br-num br-change", **label)
    worse = (change > 0) == head.worse_up
    cls = "br-flat" if change == 0 else CHANGE_CLASS[worse]
    return html.Td([dcc.Link(change_text(head, when), href=href, className=cls, id=f"br-{head.area}-{head.key}-{when}"),
                    *([] if change == 0 else [" ", judgement(worse, lang)]),
                    html.Span(f" ({value_text(head, when)})", className="br-then")], className="br-num br-change", **label)


def headline_table(b, lang: str):
    """Every area's headline numbers at D and their change since a week and a month before.

    On a phone the table is restacked (briefing.css): each figure's value and status on its line, each
    comparison below it under its column's head (``data-label``), so that nothing scrolls sideways."""
    head_row = html.Tr([html.Th(t("br_area", lang)), html.Th(t("br_metric", lang)),
                        html.Th(f"{t('br_now', lang)} {b.as_of:%m-%d}", className="br-num"),
                        *[html.Th(column_head(b, w, lang), className="br-num") for w in WHEN[1:]],
                        html.Th(t("status", lang))])
    rows = []
    for area, keys in AREAS.items():
        first = True
        if area in b.failed:
            rows.append(html.Tr([html.Th(t(f"br_area_{area}", lang), className="br-area"),
                                 html.Td(t("br_unavailable", lang, reason=b.failed[area]), colSpan=5,
                                         className="text-muted br-failed")], id=f"br-area-{area}"))
            continue
        for key, _ in keys:
            head = b.headlines[(area, key)]
            sub = f" ({head.done:,}/{head.total:,})" if head.done is not None else ""
            now = [dcc.Link(value_text(head), href=b.headline_href(head), id=f"br-{area}-{key}", className="br-value"),
                   html.Span(sub, className="br-then")]
            status = status_badge(head.status, lang) if head.status else ""
            rows.append(html.Tr([
                html.Th(t(f"br_area_{area}", lang) if first else "", className="br-area"),
                html.Td(metric_label(area, key, lang), className="br-metric"),
                html.Td(now, className="br-num br-now"),
                *[_change_cell(b, head, w, lang) for w in WHEN[1:]],
                html.Td(status, className="br-status"),
            ], className="br-first" if first else ""))
            first = False
    return html.Section([
        html.H2(t("br_headlines", lang), className="aw-h2"),
        dbc.Table([html.Thead(head_row), html.Tbody(rows)], size="sm", responsive=True, className="br-table mb-1", id="br-headlines"),
        html.Div(t("br_pp_note", lang), className="br-note"),
    ], className="br-panel")


def laggard_table(b, deadline: str, behind: pd.DataFrame, lang: str):
    level = t(f"br_level_{b.child_level}", lang)
    title = f"{deadline_name(deadline, lang)} · {t('br_laggards', lang, level=level)}"
    if behind.empty:
        return html.Div([html.H3(title, className="br-h3"), html.Div(t("br_laggards_none", lang, level=level),
                                                                      className="br-note")])
    rows = []
    for i, r in enumerate(behind.itertuples(), start=1):
        href = b.child_href("/deadlines", r.drill, deadline=deadline)
        rows.append(html.Tr([
            html.Td(str(i), className="br-rank"),
            html.Td(dcc.Link(r.name, href=href)),
            html.Td(dcc.Link(pct_text(r.pct_done), href=href, id=f"br-lag-{deadline}-{r.drill}"), className="br-num"),
            html.Td(f"{r.done:,}/{r.total:,}", className="br-num br-then"),
            html.Td(status_badge(r.status, lang)),
        ]))
    return html.Div([html.H3(title, className="br-h3"),
                     dbc.Table(html.Tbody(rows), size="sm", responsive=True, className="br-table br-laggards mb-2",
                               id=f"br-laggards-{deadline}")])


def _graph(graph_id: str, title: str, figure: dict | None):
    if figure is None:
        return html.Div(graph(id=graph_id, figure=EMPTY_FIGURE), style={"display": "none"})
    figure["layout"].update(width=FIGURE_WIDTH, autosize=False)
    # fixed width for print; where the column is narrower (a phone) it scrolls inside this box, which the
    # keyboard can therefore focus and scroll too
    return html.Div(titled_graph(title, id=graph_id, figure=figure, level=3,
                                 config={"displayModeBar": False, "responsive": False}),
                    className="br-figure", tabIndex="0")


def progress_map(b, lang: str):
    """The map's deadline by province (nation) or the province's cities as bars; a click drills."""
    tiles = bars = None
    dname = deadline_name(b.focus, lang) if b.focus is not None else ""
    if b.focus is not None and not b.focus_rows.empty:
        if b.region.level == "nation":
            tiles = dl_page.tiles(b.focus_rows, lang)
        else:
            bars = dl_page.bars(b.focus_rows, lang)
    return html.Section([_graph("br-tiles", t("tiles_title", lang, deadline=dname), tiles),
                         _graph("br-bars", t("bars_title", lang, deadline=dname), bars),
                         html.Div(t("br_map_hint", lang), className="br-note aw-hint")], className="br-panel br-map")


def laggards(b, lang: str):
    if "registration" in b.failed:
        return html.Section(html.Div(t("br_unavailable", lang, reason=b.failed["registration"]),
                                     className="text-muted"), className="br-panel")
    parts = [laggard_table(b, d, behind, lang) for d, behind in b.live.items()]
    return html.Section(parts or [html.Div(t("br_no_live", lang), className="br-note", id="br-no-live")],
                        className="br-panel br-laggard-panel")


def footer(b, lang: str):
    snap = b.fresh.snapshot_at
    text = t("br_footer", lang, day=b.as_of.isoformat(),
             snapshot=f"{snap:%Y-%m-%d %H:%M}" if snap else t("no_snapshot", lang),
             generated=f"{dt.datetime.now():%Y-%m-%d %H:%M}")
    return html.Footer(text, className="br-footer", id="br-footer")


def actions(b, lang: str):
    query = b.view.query()
    return html.Div([
        html.Button(t("br_print", lang), id="br-print", className="btn btn-outline-secondary btn-sm",
                    **{"data-print": "1"}),
        html.A(t("br_pdf", lang), href="/export/briefing.pdf" + query, className="btn btn-outline-secondary btn-sm",
               id="br-export-pdf"),
        html.A(t("br_docx", lang), href="/export/briefing.docx" + query, className="btn btn-outline-secondary btn-sm",
               id="br-export-docx"),
        html.A(t("export_xlsx", lang), href="/export/briefing.xlsx" + query,
               className="btn btn-outline-secondary btn-sm", id="br-export-xlsx"),
    ], className="aw-exports br-actions")


def content(b, lang: str, requests: str | None = None) -> list:
    """Everything below the header: title, sentences (and the line on supervision requests), headline table,
    map and laggards, footer."""
    title = html.Div([
        html.Div([html.H1(t("br_title", lang, region=b.region_name), className="br-h1", id="br-title"),
                  html.Div(t("br_subtitle", lang, day=day_text(b.as_of, lang), year=b.year), className="br-sub")]),
        actions(b, lang),
    ], className="br-head")
    summary = html.Section([html.H2(t("br_summary", lang), className="aw-h2"),
                            html.Ul([html.Li(s) for s in b.sentences], className="br-sentences", id="br-sentences"),
                            *([html.P(requests, className="br-supervision", id="br-supervision")] if requests else [])],
                           className="br-panel br-summary")
    return [
        title, summary, headline_table(b, lang),
        html.Div([progress_map(b, lang), laggards(b, lang)], className="br-two"),
        footer(b, lang), dcc.Store(id="br-focus", data=b.focus),
    ]
