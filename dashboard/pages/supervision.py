"""Supervision requests page (督办): open, overdue, replied and closed requests of the view's region, each with
its history; the ministry opens and closes, the province asked answers.

Messages are the users' own text: they are always put in the page as text (Dash escapes it), never as HTML
or Markdown. ``views.supervision`` computes everything shown here (``supervision_data``).
"""

from __future__ import annotations

import datetime as dt

import dash_bootstrap_components as dbc
from dash import dcc, html

from aidwatch.supervision import DEFAULT_DUE_WORKDAYS, MAX_MESSAGE, STATUSES, preview
from aidwatch.i18n import N_, t
from dashboard.pages import framed
from views.supervision import PATH, region_text, SupervisionView

# Keys composed at run time (a status, an event kind, a column, an action), marked for `make i18n` (docs/i18n.md).
COMPOSED_KEYS = (
    N_("sv_col_closed"), N_("sv_col_due"), N_("sv_col_id"), N_("sv_col_left"), N_("sv_col_opened"),
    N_("sv_col_planned"), N_("sv_col_region"), N_("sv_col_replied"), N_("sv_col_status"),
    N_("sv_digest_open"), N_("sv_digest_overdue"), N_("sv_done_close"), N_("sv_done_reply"),
    N_("sv_kind_close"), N_("sv_kind_escalated"), N_("sv_kind_open"), N_("sv_kind_reply"), N_("sv_round"),
    N_("sv_status_closed"), N_("sv_status_open"), N_("sv_status_overdue"), N_("sv_status_replied"),
)


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
