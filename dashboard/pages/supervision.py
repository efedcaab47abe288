"""Supervision requests page (督办): open, overdue, replied and closed requests of the view's region, each with
its history; the ministry opens and closes, the province asked answers.

Messages are the users' own text: they are always put in the page as text (Dash escapes it), never as HTML
or Markdown. ``callbacks.supervision`` computes everything shown here (``supervision_data``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import dash_bootstrap_components as dbc
from dash import dcc, html

from aidwatch.reference import region_name
from aidwatch.supervision import DEFAULT_DUE_WORKDAYS, MAX_MESSAGE, STATUSES, preview
from dashboard.i18n import add_strings, t
from dashboard.pages import framed
from dashboard.viewstate import View

PATH = "/supervision"

add_strings({
    "page_supervision": ("督办", "Supervision"),
    "sv_intro": ("部资助办就看板所示情况向省份发起督办，省份在期限内答复并说明计划完成日期，部资助办办结。期限按发起当天"
                 "（北京时间）计算，与页面的截至日无关。",
                 "The ministry asks a region to act on what a view shows; the region answers by the due day with a "
                 "planned completion date; the ministry closes the request. Days are Beijing dates of the actions, "
                 "whatever the view's as-of date."),
    "sv_status_open": ("待答复", "Open"),
    "sv_status_overdue": ("逾期未答复", "Overdue"),
    "sv_status_replied": ("已答复", "Replied"),
    "sv_status_closed": ("已办结", "Closed"),
    "sv_all": ("全部", "All"),
    "sv_new": ("发起督办", "Open a request"),
    "sv_region": ("督办对象", "Region"),
    "sv_page": ("所督办的页面", "The view"),
    "sv_message": ("督办内容（纯文本，最多 {n} 字，不得包含姓名、身份证号、手机号）",
                   "Message (plain text, at most {n} characters; no names, ID or mobile numbers)"),
    "sv_workdays": ("答复期限：工作日数", "Due in working days"),
    "sv_due": ("或指定答复日期", "or due on"),
    "sv_due_hint": ("默认 {n} 个工作日；日历尚未收录的年份请直接指定日期。",
                    "{n} working days by default; where the calendar does not know the year, give a date."),
    "sv_open_button": ("发起", "Open"),
    "sv_opened": ("已发起督办 {id}。", "Request {id} opened."),
    "sv_list": ("督办事项", "Requests"),
    "sv_none": ("没有督办事项。", "No requests."),
    "sv_by_province": ("各省份督办", "Requests by province"),
    "sv_col_id": ("编号", "No."),
    "sv_col_region": ("地区", "Region"),
    "sv_col_opened": ("发起", "Opened"),
    "sv_col_due": ("答复期限", "Due"),
    "sv_col_left": ("剩余工作日", "Working days left"),
    "sv_col_status": ("状态", "Status"),
    "sv_col_replied": ("首次答复", "First reply"),
    "sv_col_planned": ("计划完成", "Planned"),
    "sv_col_closed": ("办结", "Closed"),
    "sv_open_view": ("查看所督办的页面", "Open the view"),
    "sv_history": ("处理记录", "History"),
    "sv_kind_open": ("发起", "opened"),
    "sv_kind_reply": ("答复", "replied"),
    "sv_kind_close": ("办结", "closed"),
    "sv_kind_escalated": ("逾期上报", "escalated"),
    "sv_round": ("系统", "system"),
    "sv_planned_fmt": ("计划 {day} 完成", "planned for {day}"),
    "sv_answer": ("答复或办结", "Reply or close"),
    "sv_pick": ("督办事项", "Request"),
    "sv_answer_text": ("答复内容或办结说明（纯文本，最多 {n} 字）", "Reply or closing note (plain text, at most {n} characters)"),
    "sv_planned": ("计划完成日期（答复时填写）", "Planned completion (with a reply)"),
    "sv_reply_button": ("答复", "Reply"),
    "sv_close_button": ("办结", "Close"),
    "sv_done_reply": ("已答复督办 {id}。", "Replied to request {id}."),
    "sv_done_close": ("已办结督办 {id}。", "Request {id} closed."),
    "sv_nothing_open": ("没有待处理的督办。", "No request to answer."),
    "sv_landing": ("待办督办", "Requests to answer"),
    "sv_all_link": ("全部督办", "All requests"),
    "sv_left_unknown": ("日历未收录", "calendar unknown"),
    "sv_briefing_line": ("督办：未办结 {open} 件，其中逾期未答复 {overdue} 件；本月按期答复 {on_time} 件。",
                         "Supervision requests: {open} not closed, {overdue} of them overdue; {on_time} answered on "
                         "time this month."),
    "sv_digest_overdue": ("督办 {id}（{region}）逾期未答复，答复期限为 {due}。",
                          "Request {id} ({region}) is overdue: its answer was due on {due}."),
    "sv_digest_open": ("督办 {id}（{region}）待答复，答复期限为 {due}：{text}",
                       "Request {id} ({region}) awaits an answer by {due}: {text}"),
})


@dataclass(frozen=True)
class SupervisionView:
    """What ``callbacks.supervision.supervision_data`` gives the page."""

    view: View
    role: str
    region: object            # queries.regions.Region
    labels: dict
    status: str | None        # the status filter (None: all)
    rows: list                # described requests (callbacks.supervision.describe_row), newest first
    per_status: dict          # status → count in the region (before the status filter)
    provinces: list           # at the nation: each province's counts
    form: dict | None         # the ministry's opening form: {"page": the view's path and query}


def layout(**query):
    return framed(PATH, query, lambda view: [
        dcc.Store(id="sv-view", data=query),
        dcc.Store(id="sv-changed", data=0),
        html.Div(t("sv_intro", view.lang), className="aw-hint"),
        dcc.Loading(html.Div(id="sv-content", className="aw-content"), type="default", delay_show=300),
        # outside the content, which is redrawn after every change: what an action answered stays in view
        html.Div(id="sv-open-result", role="status"),
        html.Div(id="sv-act-result", role="status"),
    ])


def status_label(status: str, lang: str) -> str:
    return t(f"sv_status_{status}", lang)


def _left(row: dict, lang: str) -> str:
    if row["status"] in ("closed", "replied"):
        return "—"
    left = row["workdays_left"]
    if left is None:
        return t("sv_left_unknown", lang)
    return t("wd_left_fmt", lang, n=left) if left >= 0 else t("wd_over_fmt", lang, n=-left)


def region_text(row: dict, lang: str) -> str:
    """The request's region in ``lang``: a province's or city's name from the reference table, a school's as
    stored when the request was opened."""
    if row["school"] is not None:
        return row["name"]
    return region_name(row["city"] or row["province"], lang, row["name"]) or row["name"]


def status_cards(data: SupervisionView, lang: str) -> dbc.Row:
    """One card per status, each a link filtering the list (the filter is in the URL); "all" first."""
    def card(key: str | None, label: str, count: int):
        body = dbc.CardBody([html.Div(label, className="aw-card-title"), html.Div(f"{count:,}", className="aw-card-figure")])
        selected = data.status == key
        return dbc.Col(dcc.Link(dbc.Card(body, className="aw-card" + (" aw-card-selected" if selected else "")),
                                href=PATH + with_status(data.view.query(), key),
                                className="aw-card-link", id=f"sv-filter-{key or 'all'}"), xs=6, md=4, xl=2)
    cards = [card(None, t("sv_all", lang), sum(data.per_status.values()))]
    cards += [card(s, status_label(s, lang), data.per_status[s]) for s in STATUSES]
    return dbc.Row(cards, className="g-2 aw-cards")


def with_status(query: str, status: str | None) -> str:
    """A view's URL query with the status filter added (the filter is part of the URL like the view)."""
    if status is None:
        return query
    return query + ("&" if query else "?") + f"status={status}"


def province_table(data: SupervisionView, lang: str):
    """At the nation: each province's counts, its name a link one level down."""
    head = html.Thead(html.Tr([html.Th(t("province", lang))] + [html.Th(status_label(s, lang)) for s in STATUSES]))
    body = html.Tbody([html.Tr([html.Td(dcc.Link(p["name"], href=PATH + with_status(data.view.query(province=p["code"]),
                                                                         data.status)))]
                               + [html.Td(f"{p[s]:,}") for s in STATUSES], id=f"sv-province-{p['code']}")
                       for p in data.provinces])
    return dbc.Card(dbc.CardBody([html.H2(t("sv_by_province", lang), className="aw-h2"),
                                  dbc.Table([head, body], size="sm", className="aw-small-table", responsive=True,
                                            id="sv-provinces")]), className="aw-panel")


def history(row: dict, lang: str) -> html.Ol:
    """Every event of a request, oldest first: when, who, what (the text as text)."""
    items = []
    for e in row["history"]:
        at = dt.datetime.fromisoformat(e["at"]).astimezone(dt.timezone(dt.timedelta(hours=8)))
        head = f"{at:%Y-%m-%d %H:%M} · {t('sv_kind_' + e['kind'], lang)} · {e['by'] or t('sv_round', lang)}"
        parts = [html.Div(head, className="aw-sv-event-head")]
        if e["message"]:
            parts.append(html.Div(e["message"], className="aw-sv-text"))
        if e["planned_on"]:
            parts.append(html.Div(t("sv_planned_fmt", lang, day=e["planned_on"]), className="aw-hint"))
        items.append(html.Li(parts, className=f"aw-sv-event aw-sv-{e['kind']}"))
    return html.Ol(items, className="aw-sv-history")


def request_item(row: dict, lang: str) -> html.Details:
    """One request: a summary line that opens onto its message, its view and its history (a native
    ``details``: keyboard and screen readers know it)."""
    summary = html.Summary([
        html.Strong(f"#{row['id']}"), f" · {region_text(row, lang)} · ",
        html.Span(status_label(row["status"], lang), className=f"aw-sv-status aw-sv-status-{row['status']}"),
        f" · {t('sv_col_due', lang)} {row['due_on']} · {_left(row, lang)}",
    ])
    facts = [f"{t('sv_col_opened', lang)} {row['opened_on']} · {row['opened_by']}"]
    if row["replied_on"]:
        facts.append(f"{t('sv_col_replied', lang)} {row['replied_on']}")
    if row["planned_on"]:
        facts.append(f"{t('sv_col_planned', lang)} {row['planned_on']}")
    if row["closed_on"]:
        facts.append(f"{t('sv_col_closed', lang)} {row['closed_on']}")
    return html.Details([
        summary,
        html.Div([html.Div(" · ".join(facts), className="aw-hint"),
                  dcc.Link(t("sv_open_view", lang), href=row["page"], id=f"sv-link-{row['id']}"),
                  html.H3(t("sv_history", lang), className="aw-h3"), history(row, lang)], className="aw-sv-body"),
    ], className="aw-sv-request", id=f"sv-request-{row['id']}")


def open_form(data: SupervisionView, lang: str) -> dbc.Card:
    """The ministry's form: the region and view come from the URL; the message and the due day are typed."""
    where = data.labels.get("school") or data.labels.get("city") or data.labels.get("province") or ""
    return dbc.Card(dbc.CardBody([
        html.H2(t("sv_new", lang), className="aw-h2"),
        html.Div([html.Span(t("sv_region", lang) + "：" if lang == "zh" else t("sv_region", lang) + ": ",
                            className="aw-label"), html.Strong(where, id="sv-open-region")]),
        html.Div([html.Span(t("sv_page", lang) + ("：" if lang == "zh" else ": "), className="aw-label"),
                  dcc.Link(data.form["page"], href=data.form["page"], id="sv-open-page", className="aw-sv-page")]),
        dbc.Label(t("sv_message", lang, n=MAX_MESSAGE), html_for="sv-message", className="aw-label mt-2"),
        dbc.Textarea(id="sv-message", maxLength=MAX_MESSAGE, rows=3),
        dbc.Row([
            dbc.Col([dbc.Label(t("sv_workdays", lang), html_for="sv-workdays", className="aw-label"),
                     dbc.Input(id="sv-workdays", type="number", min=1, max=60, step=1, value=DEFAULT_DUE_WORKDAYS)],
                    xs=6, md=3),
            dbc.Col([dbc.Label(t("sv_due", lang), html_for="sv-due", className="aw-label"),
                     dbc.Input(id="sv-due", type="date")], xs=6, md=3),
        ], className="g-2 mt-1"),
        html.Div(t("sv_due_hint", lang, n=DEFAULT_DUE_WORKDAYS), className="aw-hint"),
        dbc.Button(t("sv_open_button", lang), id="sv-open", color="primary", className="mt-2", n_clicks=0),
    ]), className="aw-panel", id="sv-open-form")


def answer_form(data: SupervisionView, lang: str):
    """Reply (the province asked, or the ministry) and close (the ministry) on a request picked from the list."""
    pending = [r for r in data.rows if r["status"] != "closed"]
    if data.role == "leadership":
        return None
    body = [html.H2(t("sv_answer", lang), className="aw-h2")]
    if not pending:
        body.append(html.Div(t("sv_nothing_open", lang), className="aw-hint", id="sv-nothing"))
    body += [
        dbc.Label(t("sv_pick", lang), html_for="sv-pick", className="aw-label"),
        dbc.Select(id="sv-pick", options=[{"label": f"#{r['id']} · {region_text(r, lang)} · {status_label(r['status'], lang)}",
                                           "value": str(r["id"])} for r in pending],
                   value=str(pending[0]["id"]) if pending else None, disabled=not pending),
        dbc.Label(t("sv_answer_text", lang, n=MAX_MESSAGE), html_for="sv-answer", className="aw-label mt-2"),
        dbc.Textarea(id="sv-answer", maxLength=MAX_MESSAGE, rows=3),
        dbc.Row(dbc.Col([dbc.Label(t("sv_planned", lang), html_for="sv-planned", className="aw-label"),
                         dbc.Input(id="sv-planned", type="date")], xs=12, md=4), className="g-2 mt-1"),
        html.Div([dbc.Button(t("sv_reply_button", lang), id="sv-reply", color="primary", className="me-2 mt-2",
                             n_clicks=0, disabled=not pending),
                  *([dbc.Button(t("sv_close_button", lang), id="sv-close", color="secondary", className="mt-2",
                                n_clicks=0, disabled=not pending)] if data.role == "ministry" else [])]),
    ]
    return dbc.Card(dbc.CardBody(body), className="aw-panel", id="sv-answer-form")


def content(data: SupervisionView, lang: str) -> list:
    from dashboard.components.exports import export_links

    parts = [status_cards(data, lang)]
    if data.form is not None:
        parts.append(open_form(data, lang))
    if data.provinces:
        parts.append(province_table(data, lang))
    query = with_status(data.view.query(), data.status)
    items = [request_item(r, lang) for r in data.rows] or [html.Div(t("sv_none", lang), className="aw-hint",
                                                                    id="sv-none")]
    parts.append(dbc.Card(dbc.CardBody([
        html.Div([html.H2(t("sv_list", lang), className="aw-h2"), export_links("supervision", "sv", query, lang)],
                 className="aw-panel-head"),
        html.Div(items, id="sv-requests"),
    ]), className="aw-panel"))
    form = answer_form(data, lang)
    if form is not None:
        parts.append(form)
    return parts


def landing_list(rows: list, lang: str) -> dbc.Card:
    """A province user's not-closed requests, first on their landing page: region, due day, working days
    left, the message's first characters, and the view's link."""
    items = [html.Li([
        dcc.Link(f"#{r['id']} {region_text(r, lang)}", href=r["page"], id=f"sv-landing-link-{r['id']}"),
        f" · {status_label(r['status'], lang)} · {t('sv_col_due', lang)} {r['due_on']} · {_left(r, lang)} · ",
        html.Span(preview(r["message"]), className="aw-sv-text"),
    ], id=f"sv-landing-{r['id']}") for r in rows]
    return dbc.Card(dbc.CardBody([
        html.Div([html.H2(t("sv_landing", lang), className="aw-h2"),
                  dcc.Link(t("sv_all_link", lang), href=PATH + ("?lang=en" if lang == "en" else ""),
                           id="sv-landing-all")], className="aw-panel-head"),
        html.Ul(items, className="aw-sv-landing"),
    ]), className="aw-panel aw-sv-landing-panel", id="sv-landing")
