"""Deadline progress page (时间节点进度): layout and the pieces its callback fills in.

``layout(**query)`` draws the frame for the URL's view and a store holding
the view; ``dashboard.callbacks.deadlines`` turns that store into ``content(...)``.
"""

from __future__ import annotations

import datetime as dt

import dash_bootstrap_components as dbc
import pandas as pd
from dash import dcc, html

from aidwatch.i18n import N_, deadline_name, status_name, t, value_name
from aidwatch.policy import DEADLINES
from dashboard.components.exports import export_links
from dashboard.components.figure import EMPTY_FIGURE, axis_label, titled_graph
from dashboard.components.grid import data_grid
from dashboard.components.chartalt import chart_alternative
from dashboard.context import drill_links, drill_template
from dashboard.components.status import status_badge
from views.palette import STATUS_COLORS
from dashboard.components.tilegrid import tile_map
from dashboard.pages import framed
from queries.registry import DeadlineView
from aidwatch.viewstate import View
from views.deadlines import case_columns

# Keys composed at run time (from a prefix and a code, or taken from a column or value list), marked
# for `make i18n` (docs/i18n.md).
COMPOSED_KEYS = (
    N_("amount"), N_("approved_on"), N_("cases_title"), N_("deadline"), N_("disbursed_on"), N_("due_on"), N_("grade"),
    N_("kind"), N_("publicized_on"), N_("submitted_on"), N_("term"), N_("today_marker"), N_("wd_left_fmt"),
    N_("wd_left_short"), N_("wd_over_fmt"), N_("wd_over_short"),
)

PATH = "/deadlines"


def layout(**query):
    """The frame for the URL's view and a store the content callback renders from."""
    return framed(PATH, query, lambda view: [
        dcc.Store(id="dl-view", data=query),
        dcc.Loading(html.Div(id="dl-content", className="aw-content"), type="default", delay_show=300),
    ])


def _day_label(day: dt.date, lang: str) -> str:
    return f"{day.month}月{day.day}日" if lang == "zh" else day.strftime("%d %b")


def _left_label(days: int, status: str, lang: str, short: bool = False) -> str:
    """Working days left, or past due (``short``: the timeline's compact wording); a deadline already met
    needs no countdown."""
    if status == "done":
        return status_name("done", lang)
    suffix = "_short" if short else "_fmt"
    return t(f"wd_left{suffix}", lang, n=days) if days >= 0 else t(f"wd_over{suffix}", lang, n=-days)


def timeline(summary: pd.DataFrame, as_of: dt.date, year: int, lang: str) -> dict:
    """The year's deadlines on a time axis, coloured by status, with D marked (a plain figure dict).

    Each deadline's day and countdown are the second line of its axis label, not text beside its marker:
    beside the marker they ran off a phone's 390 px chart whichever side they were put on. The month
    ticks are left to Plotly, so that a narrow axis gets fewer labels instead of overlapping ones."""
    rows = summary.set_index("deadline").loc[list(DEADLINES)].reset_index()
    names = [deadline_name(d, lang) for d in rows["deadline"]]
    days = [_day_label(d, lang) for d in rows["due_on"]]
    left = [(int(r.working_days_left), r.status) for r in rows.itertuples()]
    trace = dict(
        type="scatter", x=[d.isoformat() for d in rows["due_on"]], y=names, mode="markers",
        marker=dict(size=16, symbol="diamond", color=[STATUS_COLORS[s] for s in rows["status"]],
                    line=dict(width=1, color="#333")),
        hovertext=[f"{n}: {d} · {_left_label(k, s, lang)} · {status_name(s, lang)}"
                   for n, d, (k, s) in zip(names, days, left)], hoverinfo="text", cliponaxis=False,
    )
    day = as_of.isoformat()
    late_in_year = as_of.month >= 7
    layout = dict(
        height=300, margin=dict(l=10, r=20, t=30, b=30), plot_bgcolor="white", paper_bgcolor="white",
        xaxis=dict(range=[f"{year}-01-01", f"{year}-12-31"], showgrid=True, gridcolor="#ddd",
                   tickformat="%b" if lang == "en" else "%-m月",
                   minor=dict(dtick="M1", showgrid=True, gridcolor="#f1f1f1")),
        yaxis=dict(autorange="reversed", showgrid=False, automargin=True, tickmode="array", tickvals=names,
                   ticktext=[f"{n}<br>{d} · {_left_label(k, s, lang, short=True)}"
                             for n, d, (k, s) in zip(names, days, left)]),
        shapes=[dict(type="line", xref="x", yref="paper", x0=day, x1=day, y0=0, y1=1,
                     line=dict(color="#555", dash="dash"))],
        # anchored on the side with room, so that a date late in the year stays inside the chart
        annotations=[dict(xref="x", yref="paper", x=day, y=1, yanchor="bottom", showarrow=False,
                          xanchor="right" if late_in_year else "left", text=f"{t('today_marker', lang)} {day}")],
    )
    return {"data": [trace], "layout": layout}


def summary_cards(summary: pd.DataFrame, selected: str, view: View, lang: str) -> dbc.Row:
    """One card per deadline for the selected region; a card selects its deadline."""
    cards = []
    for r in summary.set_index("deadline").loc[list(DEADLINES)].reset_index().itertuples():
        pct = "—" if pd.isna(r.pct_done) else f"{r.pct_done:.1f}%"
        body = dbc.CardBody([
            html.Div(deadline_name(r.deadline, lang), className="aw-card-title"),
            html.Div(pct, className="aw-card-figure"),
            html.Div(f"{r.done:,} / {r.total:,}", className="aw-card-sub"),
            html.Div([status_badge(r.status, lang)] + ([] if r.status == "done" else [
                html.Span(_left_label(int(r.working_days_left), r.status, lang), className="aw-card-left")])),
        ])
        card = dbc.Card(body, className="aw-card" + (" aw-card-selected" if r.deadline == selected else ""))
        cards.append(dbc.Col(dcc.Link(card, href=PATH + view.query(deadline=r.deadline), className="aw-card-link",
                                      id=f"dl-card-{r.deadline}"), xs=6, md=4, xl=2))
    return dbc.Row(cards, className="g-2 aw-cards")


def _pct_text(pct, lang: str) -> str:
    return t("no_pct", lang) if pd.isna(pct) else f"{pct:.1f}%"


def bars(rows: pd.DataFrame, lang: str) -> dict:
    """The level below, worst first; ``customdata`` carries the drill key (a plain figure dict)."""
    data = rows.assign(sort=rows["pct_done"].fillna(-1)).sort_values(["sort", "name"])
    trace = dict(
        type="bar", x=data["pct_done"].fillna(0).tolist(), y=[axis_label(n) for n in data["name"]], orientation="h",
        customdata=data["drill"].tolist(),
        marker=dict(color=[STATUS_COLORS[s] for s in data["status"]]),
        # the status in words beside every bar, so that 0 % and "no data" (no bar at all) still say something
        text=[f"{_pct_text(p, lang)}  ({d:,}/{n:,}) · {status_name(s, lang)}"
              for p, d, n, s in zip(data["pct_done"], data["done"], data["total"], data["status"])],
        # a bar too short to hold its label (0 %, no data) gets it outside: every region says something
        textposition=["auto" if p >= 20 else "outside" for p in data["pct_done"].fillna(0)],
        insidetextanchor="start", cliponaxis=False,
        hovertext=[f"{nm}: {status_name(s, lang)}" for nm, s in zip(data["name"], data["status"])], hoverinfo="text",
    )
    layout = dict(
        # 26 px a bar: one school gets a slim bar, not a slab filling the panel
        height=26 * len(data) + 70, bargap=0.25,
        margin=dict(l=10, r=20, t=10, b=30), plot_bgcolor="white", paper_bgcolor="white",
        xaxis=dict(range=[0, 105], ticksuffix="%", gridcolor="#eee"),
        yaxis=dict(automargin=True, autorange="reversed"),  # worst at the top
        clickmode="event",
    )
    return {"data": [trace], "layout": layout}


def tiles(selected: pd.DataFrame, lang: str, **kw) -> dict:
    """Each province coloured by its share done of one deadline (its progress rows, ``drill`` = the
    province code); ``kw`` goes to ``tile_map`` (e.g. a smaller ``height`` on the briefing)."""
    return tile_map(
        {r.drill: (None if pd.isna(r.pct_done) else r.pct_done) for r in selected.itertuples()},
        {r.drill: ("—" if pd.isna(r.pct_done) else f"{r.pct_done:.0f}%") for r in selected.itertuples()},
        lang, hover={r.drill: f"{r.done:,}/{r.total:,} · {status_name(r.status, lang)}" for r in selected.itertuples()},
        **kw,
    )


def region_columns(level: str, lang: str) -> list[dict]:
    return [
        {"field": "name", "headerName": t(level, lang), "pinned": "left", "minWidth": 160},
        {"field": "code", "headerName": t("code", lang), "maxWidth": 130},
        {"field": "done", "headerName": t("done", lang), "type": "numericColumn", "filter": "agNumberColumnFilter"},
        {"field": "total", "headerName": t("total", lang), "type": "numericColumn", "filter": "agNumberColumnFilter"},
        {"field": "pct_done", "headerName": t("pct_done", lang), "type": "numericColumn",
         "filter": "agNumberColumnFilter"},
        {"field": "working_days_left", "headerName": t("working_days_left", lang), "type": "numericColumn"},
        {"field": "status_label", "headerName": t("status", lang)},
    ]


def case_grid(cases: pd.DataFrame, deadline: str, lang: str):
    """The school's outstanding records, already masked by the caller."""
    fields = case_columns(deadline)
    labels = {"name": t("student", lang), "status": t("record_status", lang)}
    frame = cases.reindex(columns=fields).copy()
    for col in ("kind", "status"):
        if col in frame:
            frame[col] = frame[col].map(lambda v: value_name(v, lang))
    for col in frame.columns:
        if col.endswith("_on"):
            frame[col] = frame[col].map(lambda v: v.isoformat() if isinstance(v, dt.date) else v)
    columns = [{"field": f, "headerName": labels.get(f) or t(f, lang)} for f in fields]
    return data_grid("dl-cases", frame, columns, height=460)


def content(view: View, data: DeadlineView, deadline: str, cases: pd.DataFrame | None, cases_note: str | None,
            lang: str) -> list:
    """Everything below the header for one view."""
    level = data.region.level
    parts = []
    if data.assumed_from:
        parts.append(dbc.Alert(t("assumed_dates", lang, year=data.year, source=data.assumed_from), color="info",
                               className="aw-note", id="dl-assumed"))
    parts.append(dbc.Card(dbc.CardBody(titled_graph(
        t("timeline", lang), id="dl-timeline", figure=timeline(data.summary, data.as_of, data.year, lang),
        config={"displayModeBar": False})), className="aw-panel"))
    parts.append(summary_cards(data.summary, deadline, view, lang))

    selected = data.rows[data.rows["deadline"] == deadline].copy()
    selected["status_label"] = selected["status"].map(lambda s: status_name(s, lang))
    dname = deadline_name(deadline, lang)
    is_nation = level == "nation"
    tiles_fig = tiles(selected, lang) if is_nation else EMPTY_FIGURE
    show_children = level != "school"
    charts = dbc.Row([
        dbc.Col(titled_graph(t("tiles_title", lang, deadline=dname), id="dl-tiles", figure=tiles_fig,
                             config={"displayModeBar": False}),
                md=5, style={} if is_nation else {"display": "none"}),
        dbc.Col(titled_graph(t("bars_title", lang, deadline=dname), id="dl-bars",
                             figure=bars(selected, lang) if show_children else EMPTY_FIGURE,
                             config={"displayModeBar": False}),
                md=7 if is_nation else 12, style={} if show_children else {"display": "none"}),
    ], className="g-2")
    alternative = []
    if show_children:
        shown = selected.assign(pct_text=[_pct_text(p, lang) for p in selected["pct_done"]])
        columns = [("name", t(data.region.child_level, lang)), ("pct_text", t("pct_done", lang)),
                   ("done", t("done", lang)), ("total", t("total", lang)), ("status_label", t("status", lang))]
        alternative = [chart_alternative("dl-chart-alt", t("bars_title", lang, deadline=dname), shown, columns,
                                         "pct_done", "pct_text", lang,
                                         drill_links(drill_template(PATH, view), shown["drill"]))]
    parts.append(dbc.Card(dbc.CardBody([charts, *alternative]), className="aw-panel"))

    exports = export_links("deadlines", "dl", view.query(deadline=deadline), lang)
    if show_children:
        grid = data_grid("dl-grid", selected, region_columns(data.region.child_level, lang), row_id="drill",
                         clickable=True, drill=drill_template(PATH, view))
        title = f"{dname} · {t(data.region.child_level, lang)}"
        hint = html.Div(t("click_to_drill", lang), className="aw-hint")
        parts.append(dbc.Card(dbc.CardBody([html.Div([html.H2(title, className="aw-h2"), exports],
                                                     className="aw-panel-head"), hint, grid]), className="aw-panel"))
    else:
        body = [html.Div([html.H2(f"{dname} · {t('cases_title', lang)}", className="aw-h2"), exports],
                         className="aw-panel-head")]
        if cases_note:
            body.append(dbc.Alert(cases_note, color="secondary", id="dl-cases-note"))
        elif cases is not None and cases.empty:
            body.append(dbc.Alert(t("cases_none", lang), color="success", id="dl-cases-note"))
        if cases is not None and not cases.empty:
            body.append(case_grid(cases, deadline, lang))
        # The grid id must exist for the drill callback even where there is nothing to drill.
        body.append(html.Div(data_grid("dl-grid", selected.iloc[0:0], []), style={"display": "none"}))
        parts.append(dbc.Card(dbc.CardBody(body), className="aw-panel"))
    return parts
