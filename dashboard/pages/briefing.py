"""Leadership briefing (工作简报): one printable page saying, as of D, where the country (or a province)
stands and who is behind, with every number a link to the page and drill level it comes from.

``layout(**query)`` draws the frame and a store; ``callbacks.briefing`` fills ``content(...)``. The
same figures make the PDF (``dashboard.briefing_pdf``) and the XLSX (``callbacks.briefing.export_frame``).
Print: ``assets/briefing.css`` lays the page out on A4 without the navigation.
"""

from __future__ import annotations

import datetime as dt

import dash_bootstrap_components as dbc
import pandas as pd
from dash import dcc, html

from aidwatch.metrics.briefing import AREAS, WHEN
from aidwatch.narrative import day_text, pct_text
from dashboard.components.figure import graph, titled_graph
from dashboard.components.status import judgement, status_badge
from dashboard.i18n import add_strings, deadline_name, t
from dashboard.pages import deadlines as dl_page
from dashboard.pages import framed

PATH = "/briefing"
#: Figures are drawn at a fixed width that fits an A4 page, so that printing does not cut them.
FIGURE_WIDTH = 460

add_strings({
    "page_briefing": ("工作简报", "Briefing"),
    "br_title": ("{region}技工院校学生资助工作简报", "Student aid briefing: {region}"),
    "br_subtitle": ("截至{day} · {year}年度", "As of {day} · year {year}"),
    "br_summary": ("要点", "Summary"),
    "br_headlines": ("主要指标", "Headline figures"),
    "br_area": ("板块", "Area"),
    "br_metric": ("指标", "Figure"),
    "br_now": ("截至日", "As of D"),
    "br_week": ("较一周前 {day}", "vs {day} (−7 d)"),
    "br_month": ("较一个月前 {day}", "vs {day} (−30 d)"),
    "br_pp_note": ("与一周前、一个月前相比；百分比的变化以百分点计，括号内为当时的数值。点击任一数字可打开其来源页面。",
                   "Compared with a week and a month before; changes of percentages are in percentage points, "
                   "the earlier value in brackets. Click any number to open the page it comes from."),
    "br_area_registration": ("新生注册", "Registration"),
    "br_area_approvals": ("资助审批", "Aid approval"),
    "br_area_rollout": ("扩围提标", "Rollout"),
    "br_area_duplicates": ("重复资助", "Duplicate aid"),
    "br_area_backlog": ("学籍异动", "Status changes"),
    "br_area_inspections": ("检查", "Inspections"),
    "br_duplicates_open": ("比对结果未办结（条）", "Matches open"),
    "br_duplicates_overdue": ("其中逾期（条）", "of which overdue"),
    "br_backlog_unrecorded_overdue": ("逾期未办理（条）", "Unrecorded, overdue"),
    "br_backlog_overdue_approval": ("逾期未审批（条）", "Approval overdue"),
    "br_backlog_phantom_suspects": ("疑似空挂学籍（人）", "Phantom suspects"),
    "br_inspections_coverage_pct": ("检查覆盖率", "Schools inspected"),
    "br_inspections_serious_findings": ("严重问题（个）", "Serious findings"),
    "br_area_records": ("学籍审批", "Record approval"),
    "br_area_graduation": ("毕业手续", "Graduation"),
    "br_records_awaiting_approval": ("待审批学籍（人）", "Records awaiting approval"),
    "br_records_approval_overdue": ("其中逾期（人，监测口径）", "of which overdue (convention)"),
    "br_graduation_upload_overdue": ("逾期未上传（人，监测口径）", "Upload overdue (convention)"),
    "br_graduation_approval_overdue": ("逾期未审批（人，监测口径）", "Approval overdue (convention)"),
    "br_graduation_approved_no_certificate": ("已审批无证书（人）", "Approved, no certificate"),
    "br_area_funding": ("资金缺口", "Funding gap"),
    "br_funding_gap_students": ("缺口人数（最新学期）", "Students in the gap (latest term)"),
    "br_funding_gap_yuan": ("估算缺口（元，上限）", "Estimated gap (yuan, upper bound)"),
    "br_laggards": ("进度最慢的{level}", "{level} furthest behind"),
    "br_laggards_none": ("没有进度落后的{level}。", "No {level} behind."),
    "br_level_province": ("省份", "provinces"),
    "br_level_city": ("地市", "cities"),
    "br_map_hint": ("点击图块或柱条，打开该地区此节点的进度。", "Click a tile or bar to open that region's progress on this deadline."),
    "br_no_live": ("当前没有进行中的时间节点。", "No deadline is under way."),
    "br_map_title": ("各地进度", "Progress by region"),
    "br_unavailable": ("暂不可用：{reason}", "Not available: {reason}"),
    "br_footer": ("截至日 {day} · 数据截至 {snapshot} · 生成于 {generated}",
                  "As of {day} · data as of {snapshot} · generated {generated}"),
    "br_print": ("打印", "Print"),
    "br_pdf": ("下载 PDF", "Download PDF"),
    "pdf_no_font": ("服务器缺少可嵌入的中文字体，暂时无法生成 PDF；请改用浏览器打印或下载 Excel。",
                    "The server has no Chinese font to embed, so no PDF for now; print from the browser or "
                    "download the Excel file instead."),
})

#: Only the colours of changes: a change the bad way is red, the good way green.
CHANGE_CLASS = {True: "br-bad", False: "br-good"}


def layout(**query):
    """The frame for the URL's view and a store the content callback renders from."""
    return framed(PATH, query, lambda view: [
        dcc.Store(id="br-view", data=query),
        dcc.Loading(html.Div(id="br-content", className="aw-content br-page"), type="default", delay_show=300),
    ])


def metric_label(area: str, key: str, lang: str) -> str:
    """A headline's name: the deadline's own name, or the area's figure."""
    if (key, "deadline") in AREAS[area]:
        return deadline_name(key, lang)
    return t(f"br_{area}_{key}", lang)


def value_text(head, when: str = "now") -> str:
    value = head.values.get(when)
    if value is None:
        return "—"
    return pct_text(value) if head.kind in ("deadline", "pct") else f"{int(value):,}"


def change_text(head, when: str) -> str:
    change = head.change(when)
    if change is None:
        return "—"
    if head.kind == "count":
        return f"{change:+,d}" if change else "0"
    return f"{change:+.1f}" if change else "0.0"


def _change_cell(b, head, when: str, lang: str):
    change = head.change(when)
    href = b.headline_href(head, when)
    if change is None or href is None:
        return html.Td("—", className="br-num")
    worse = (change > 0) == head.worse_up
    cls = "br-flat" if change == 0 else CHANGE_CLASS[worse]
    return html.Td([dcc.Link(change_text(head, when), href=href, className=cls, id=f"br-{head.area}-{head.key}-{when}"),
                    *([] if change == 0 else [" ", judgement(worse, lang)]),
                    html.Span(f" ({value_text(head, when)})", className="br-then")], className="br-num")


def column_head(b, when: str, lang: str) -> str:
    """'较一周前 06-03' / 'vs 06-03 (−7 d)': a comparison column and its date."""
    day = b.dates[when]
    return t(f"br_{when}", lang, day=f"{day:%m-%d}" if day else "—")


def headline_table(b, lang: str):
    """Every area's headline numbers at D and their change since a week and a month before."""
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
                                         className="text-muted")], id=f"br-area-{area}"))
            continue
        for key, _ in keys:
            head = b.headlines[(area, key)]
            sub = f" ({head.done:,}/{head.total:,})" if head.done is not None else ""
            now = [dcc.Link(value_text(head), href=b.headline_href(head), id=f"br-{area}-{key}", className="br-value"),
                   html.Span(sub, className="br-then")]
            status = status_badge(head.status, lang) if head.status else ""
            rows.append(html.Tr([
                html.Th(t(f"br_area_{area}", lang) if first else "", className="br-area"),
                html.Td(metric_label(area, key, lang)),
                html.Td(now, className="br-num"),
                *[_change_cell(b, head, w, lang) for w in WHEN[1:]],
                html.Td(status),
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
        return html.Div(graph(id=graph_id, figure={"data": [], "layout": {}}), style={"display": "none"})
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
        html.A(t("export_xlsx", lang), href="/export/briefing.xlsx" + query,
               className="btn btn-outline-secondary btn-sm", id="br-export-xlsx"),
    ], className="aw-exports br-actions")


def content(b, lang: str) -> list:
    """Everything below the header: title, sentences, headline table, map and laggards, footer."""
    title = html.Div([
        html.Div([html.H1(t("br_title", lang, region=b.region_name), className="br-h1", id="br-title"),
                  html.Div(t("br_subtitle", lang, day=day_text(b.as_of, lang), year=b.year), className="br-sub")]),
        actions(b, lang),
    ], className="br-head")
    summary = html.Section([html.H2(t("br_summary", lang), className="aw-h2"),
                            html.Ul([html.Li(s) for s in b.sentences], className="br-sentences", id="br-sentences")],
                           className="br-panel br-summary")
    return [
        title, summary, headline_table(b, lang),
        html.Div([progress_map(b, lang), laggards(b, lang)], className="br-two"),
        footer(b, lang), dcc.Store(id="br-focus", data=b.focus),
    ]
