"""Inspection priorities page (检查重点): coverage of the year's inspections and where to go first.

Coverage per region with the pace still needed to inspect every school by
year end; from province level down, the schools ranked by the risk score with
the reasons that weigh most, each linking to the cases behind it on the page
that owns them, and each school to its profile (``/school``).
"""

from __future__ import annotations

import dash_bootstrap_components as dbc
import pandas as pd
from dash import dcc, html

from aidwatch.i18n import N_, t
from aidwatch.policy import policy_for
from dashboard.components.figure import EMPTY_FIGURE, titled_graph
from dashboard.components.grid import data_grid
from dashboard.components.chartalt import chart_alternative
from dashboard.context import drill_links, drill_template
from views.palette import STATUS_COLORS
from dashboard.components.tilegrid import tile_map
from dashboard.pages import framed
from aidwatch.viewstate import View
from views.inspections import SIGNAL_PAGES, reason_text

# Keys composed at run time (from a prefix and a code, or taken from a column or value list), marked
# for `make i18n` (docs/i18n.md).
COMPOSED_KEYS = (
    N_("insp_last"), N_("insp_pace"), N_("insp_rank"), N_("reason_approvals_late"),
    N_("reason_changes_late"), N_("reason_dual_plate"), N_("reason_duplicates_overdue"),
    N_("reason_duplicates_repeat"), N_("reason_joint_enrollment"), N_("reason_not_inspected"),
    N_("reason_phantom_suspects"), N_("reason_priority_without_grant"), N_("reasons"), N_("risk_score"),
)

PATH = "/inspections"
PROFILE_PATH = "/school"
#: The ranking on screen shows this many schools; the plan export has them all.
RANK_SHOWN = 50


def layout(**query):
    """The frame for the URL's view and a store the content callback renders from."""
    return framed(PATH, query, lambda view: [
        dcc.Store(id="insp-view", data=query),
        dcc.Loading(html.Div(id="insp-content", className="aw-content"), type="default", delay_show=300),
    ])


def school_query(view: View, row) -> str:
    """The URL query of a school's own view on any page (page-specific filters dropped)."""
    return view.query(province=None, city=None, school=str(row["code"]), deadline=None, kind=None, batch=None)


def reason_href(name: str, row, view: View, as_of, cases_allowed: bool) -> str:
    """Where a reason's cases are; leadership (no case lists) and flags go to the school profile."""
    target = SIGNAL_PAGES.get(name) if cases_allowed else None
    if target is None:
        return PROFILE_PATH + school_query(view, row)
    query = school_query(view, row)
    if target == "/deadlines":
        # the approval deadline already passed: autumn once it has, else spring
        due = policy_for(view.year or as_of.year).due
        deadline = "autumn_aid_approval" if as_of > due["autumn_aid_approval"] else "spring_aid_approval"
        query = view.query(province=None, city=None, school=str(row["code"]), deadline=deadline, kind=None, batch=None)
    return target + query


def summary_cards(data, lang: str) -> dbc.Row:
    total = data.total
    pace = "—" if data.pace is None else t("insp_pace_fmt", lang, n=f"{data.pace:g}")
    cards = [("schools", f"{total['schools']:,}"), ("inspected", f"{total['inspected']:,}"),
             ("coverage_pct", "—" if pd.isna(total["coverage_pct"]) else f"{total['coverage_pct']:.1f}%"),
             ("insp_left", f"{total['left']:,}"), ("serious_findings", f"{total['serious_findings']:,}"),
             ("insp_pace", pace)]
    cols = []
    for key, value in cards:
        alarm = (key == "serious_findings" and total["serious_findings"] > 0) or (key == "insp_pace" and data.pace is None)
        body = dbc.CardBody([html.Div(t(key, lang), className="aw-card-title"),
                             html.Div(value, className="aw-card-figure",
                                      style={"color": STATUS_COLORS["overdue"]} if alarm else {})])
        cols.append(dbc.Col(dbc.Card(body, className="aw-card", id=f"insp-card-{key}"), xs=6, md=4, xl=2))
    if total["left"] <= 0:
        note = t("insp_pace_done", lang)
    elif data.pace is None:
        note = t("insp_pace_over", lang, left=total["left"])
    else:
        note = t("insp_pace_note", lang, days=data.workdays_left, left=f"{total['left']:,}")
    return html.Div([dbc.Row(cols, className="g-2 aw-cards"), html.Div(note, className="aw-hint", id="insp-pace")])


def bars(rows: pd.DataFrame, lang: str) -> dict:
    """Coverage of the level below, lowest first; ``customdata`` carries the drill key."""
    data = rows.assign(sort=rows["coverage_pct"].fillna(-1)).sort_values(["sort", "name"])
    colours = [STATUS_COLORS["no_data"] if pd.isna(p) else STATUS_COLORS["done"] if p >= 100 else
               STATUS_COLORS["overdue"] if p < 50 else STATUS_COLORS["at_risk"] for p in data["coverage_pct"]]
    trace = dict(type="bar", x=data["coverage_pct"].fillna(0).tolist(), y=data["name"].tolist(), orientation="h",
                 customdata=data["drill"].tolist(), marker=dict(color=colours),
                 text=[(t("no_pct", lang) if pd.isna(p) else f"{p:.1f}%") + f"  ({i:,}/{s:,})"
                       for p, i, s in zip(data["coverage_pct"], data["inspected"], data["schools"])],
                 textposition=["auto" if p >= 20 else "outside" for p in data["coverage_pct"].fillna(0)],
                 insidetextanchor="start", cliponaxis=False, hoverinfo="text",
                 hovertext=[f"{n}: {t('serious_findings', lang)} {f}" for n, f in zip(data["name"], data["serious_findings"])])
    layout = dict(height=26 * len(data) + 70, bargap=0.25, margin=dict(l=10, r=20, t=10, b=30), plot_bgcolor="white", paper_bgcolor="white",
                  xaxis=dict(range=[0, 105], ticksuffix="%", gridcolor="#eee"),
                  yaxis=dict(automargin=True, autorange="reversed"), clickmode="event")
    return {"data": [trace], "layout": layout}


def region_columns(level: str, lang: str) -> list[dict]:
    num = {"type": "numericColumn", "filter": "agNumberColumnFilter"}
    return [{"field": "name", "headerName": t(level, lang), "pinned": "left", "minWidth": 160},
            {"field": "code", "headerName": t("code", lang), "maxWidth": 130},
            *[{"field": f, "headerName": t(f, lang), **num}
              for f in ("schools", "inspected", "coverage_pct", "serious_findings")],
            {"field": "left", "headerName": t("insp_left", lang), **num}]


def _exports(view: View, lang: str, plan: bool):
    links = [html.A(t("export_csv", lang), href="/export/inspections.csv" + view.query(),
                    className="btn btn-outline-secondary btn-sm", id="insp-export-csv"),
             html.A(t("export_xlsx", lang), href="/export/inspections.xlsx" + view.query(),
                    className="btn btn-outline-secondary btn-sm", id="insp-export-xlsx")]
    if plan:
        links.insert(0, html.A(t("insp_plan_xlsx", lang), href="/export/inspection-plan.xlsx" + view.query(),
                               className="btn btn-primary btn-sm", id="insp-plan-xlsx"))
    return html.Div(links, className="aw-exports")


def _score_bar(score: float):
    colour = STATUS_COLORS["overdue"] if score >= 50 else STATUS_COLORS["at_risk"] if score >= 25 else STATUS_COLORS["on_track"]
    return html.Div([html.Strong(f"{score:.1f}", className="me-2"),
                     html.Div(html.Div(style={"width": f"{min(score, 100):.0f}%", "height": "100%",
                                              "background": colour}),
                              style={"display": "inline-block", "width": "60px", "height": "8px",
                                     "background": "#eee", "verticalAlign": "middle"})],
                    style={"whiteSpace": "nowrap"})


def ranking_table(data, lang: str):
    """The ranked schools: each links to its profile, each reason to the cases behind it."""
    ranked, view = data.ranked, data.view
    head = html.Div([html.H2(t("insp_rank_title", lang), className="aw-h2"), _exports(view, lang, True)],
                    className="aw-panel-head")
    body = [head, html.Div(t("insp_rank_note", lang), className="aw-hint")]
    if ranked.empty:
        body.append(dbc.Alert(t("insp_rank_none", lang), color="secondary", id="insp-rank-none"))
        return dbc.Card(dbc.CardBody(body), className="aw-panel", id="insp-ranking")
    rows = []
    for _, row in ranked.head(RANK_SHOWN).iterrows():
        sid = row["code"]
        reasons = []
        for name in row["reasons"]:
            reasons.append(html.Li(dcc.Link(f"{reason_text(name, row, lang)} (+{row['points_' + name]:.1f})",
                                            href=reason_href(name, row, view, data.as_of, data.cases_allowed),
                                            id=f"insp-reason-{sid}-{name}")))
        last = row["ever_inspected_on"]
        rows.append(html.Tr([
            html.Td(str(row["rank"])),
            html.Td([dcc.Link(row["name"], href=PROFILE_PATH + school_query(view, row), id=f"insp-school-{sid}"),
                     html.Div(f"{row['school_code']} · {row['city']}", className="aw-hint")]),
            html.Td(_score_bar(row["risk_score"])),
            html.Td(last.isoformat() if last else t("insp_never", lang),
                    className="" if row["inspections"] > 0 else "text-danger"),
            html.Td(html.Ul(reasons, className="mb-0 ps-3")),
        ], id=f"insp-row-{sid}", **{"data-rank": str(row["rank"])}))
    table = dbc.Table([html.Thead(html.Tr([html.Th(t(k, lang)) for k in
                                           ("insp_rank", "school", "risk_score", "insp_last", "reasons")])),
                       html.Tbody(rows)], size="sm", hover=True, responsive=True, className="aw-small-table",
                      id="insp-rank-table")
    body.append(table)
    if len(ranked) > RANK_SHOWN:
        body.append(html.Div(t("insp_rank_more", lang, n=len(ranked) - RANK_SHOWN), className="aw-hint"))
    return dbc.Card(dbc.CardBody(body), className="aw-panel", id="insp-ranking")


def content(data, lang: str) -> list:
    """Everything below the header for one view (``data``: dashboard.callbacks.inspections.InspectionView)."""
    level = data.region.level
    is_nation, show_children = level == "nation", level != "school"
    parts = [summary_cards(data, lang)]
    rows = data.rows
    tiles_fig = tile_map(
        {r.drill: (None if pd.isna(r.coverage_pct) else r.coverage_pct) for r in rows.itertuples()},
        {r.drill: ("—" if pd.isna(r.coverage_pct) else f"{r.coverage_pct:.0f}%") for r in rows.itertuples()},
        lang, hover={r.drill: f"{r.inspected:,}/{r.schools:,} · {t('serious_findings', lang)} {r.serious_findings}"
               for r in rows.itertuples()},
    ) if is_nation else EMPTY_FIGURE
    charts = dbc.Row([
        dbc.Col(titled_graph(t("insp_tiles_title", lang), id="insp-tiles", figure=tiles_fig,
                             config={"displayModeBar": False}),
                md=5, style={} if is_nation else {"display": "none"}),
        dbc.Col(titled_graph(t("insp_bars_title", lang), id="insp-bars",
                             figure=bars(rows, lang) if show_children else EMPTY_FIGURE,
                             config={"displayModeBar": False}), md=7 if is_nation else 12),
    ], className="g-2")
    if data.ranked is not None:
        parts.append(ranking_table(data, lang))
    else:
        parts.append(dbc.Alert(t("insp_rank_nation", lang), color="info", id="insp-rank-nation"))
    alternative = []
    if show_children:
        shown = rows.assign(pct_text=[t("no_pct", lang) if pd.isna(p) else f"{p:.1f}%" for p in rows["coverage_pct"]])
        columns = [("name", t(data.region.child_level, lang)), ("pct_text", t("coverage_pct", lang)),
                   ("inspected", t("inspected", lang)), ("schools", t("schools", lang)),
                   ("serious_findings", t("serious_findings", lang))]
        alternative = [chart_alternative("insp-chart-alt", t("insp_bars_title", lang), shown, columns, "coverage_pct",
                                         "pct_text", lang, drill_links(drill_template(PATH, data.view), shown["drill"]))]
    parts.append(dbc.Card(dbc.CardBody([charts, *alternative]), className="aw-panel",
                          style={} if show_children else {"display": "none"}))
    grid = data_grid("insp-grid", rows if show_children else rows.iloc[0:0],
                     region_columns(data.region.child_level, lang) if show_children else [],
                     row_id="drill", clickable=True, drill=drill_template(PATH, data.view))
    title = f"{t('page_inspections', lang)} · {t(data.region.child_level, lang)}" if show_children else ""
    panel = [html.Div([html.H2(title, className="aw-h2"), _exports(data.view, lang, False)], className="aw-panel-head"),
             html.Div(t("click_to_drill", lang), className="aw-hint"), grid]
    parts.append(dbc.Card(dbc.CardBody(panel), className="aw-panel", style={} if show_children else {"display": "none"}))
    return parts
