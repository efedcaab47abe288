"""Duplicate-aid alerts page (重复资助预警): layout and the pieces its callback fills in.

Alerts come first: what a supervisor must chase as of D, school by school,
each with its reason and a link to the school's cases. Below them the
overview of the level below (the export's columns), the ageing of open
matches and the monthly trend, with kind and batch-month filters in the URL.
"""

from __future__ import annotations

import math

import dash_bootstrap_components as dbc
import pandas as pd
from dash import dcc, html

from aidwatch.i18n import N_, t, value_name
from aidwatch.metrics.duplicates import AGE_BUCKETS, EXPORT_COLUMNS, STATES, Overview
from dashboard.components.exports import export_links
from dashboard.components.figure import EMPTY_FIGURE, axis_label, titled_graph
from dashboard.components.stacked import label_empty_stacks
from dashboard.components.grid import data_grid
from dashboard.components.chartalt import chart_alternative
from dashboard.context import drill_links, drill_template
from views.palette import STATUS_COLORS, TEXT_COLORS
from dashboard.components.tilegrid import tile_map
from dashboard.pages import framed
from aidwatch.viewstate import View
from views.duplicates import ALERTS_SHOWN

# Keys composed at run time (from a prefix and a code, or taken from a column or value list), marked
# for `make i18n` (docs/i18n.md).
COMPOSED_KEYS = (
    N_("case"), N_("dup_col_batch_month"), N_("dup_col_closed"), N_("dup_col_closed_late"), N_("dup_col_confirmed"),
    N_("dup_col_due_on"), N_("dup_col_other_province"), N_("dup_col_other_school_name"), N_("dup_col_outcome"),
    N_("dup_col_pushed_on"), N_("dup_col_rectified_on"), N_("dup_col_repeat_students"), N_("dup_col_state"),
    N_("dup_col_unverified"), N_("dup_col_verified_on"), N_("dup_col_workdays_elapsed"), N_("dup_rule_many_open"),
    N_("dup_rule_overdue"), N_("dup_rule_repeat"), N_("dup_rule_untouched"), N_("dup_state_closed"),
    N_("dup_state_closed_late"), N_("dup_state_open"), N_("dup_state_overdue"), N_("dup_table"),
    N_("dup_trend_share"), N_("value_confirmed"), N_("value_false_positive"),
)

PATH = "/duplicates"
KIND_COLORS = {"grant": "#2c7fb8", "tuition": "#8c6bb1"}
ALERT_BADGES = {"overdue": "danger", "repeat": "danger", "many_open": "warning", "untouched": "info"}
CASE_COLUMNS = ["state", "name", "id_number", "term", "kind", "batch_month", "other_school_name", "other_province",
                "pushed_on", "due_on", "verified_on", "outcome", "rectified_on", "workdays_elapsed"]


def layout(**query):
    """The frame for the URL's view and a store the content callback renders from."""
    return framed(PATH, query, lambda view: [
        dcc.Store(id="dup-view", data=query),
        dcc.Loading(html.Div(id="dup-content", className="aw-content"), type="default", delay_show=300),
    ])


def _pill(label: str, href: str, active: bool, pill_id: str):
    return dcc.Link(label, href=href, id=pill_id, className="aw-pill" + (" active" if active else ""))


def filters(view: View, batches: list, lang: str) -> html.Div:
    """Kind and batch month as links: each filter is a URL."""
    kinds = [_pill(t("dup_all", lang), PATH + view.query(kind=None), view.kind is None, "dup-kind-all")]
    kinds += [_pill(value_name(k, lang), PATH + view.query(kind=k), view.kind == k, f"dup-kind-{k}")
              for k in ("grant", "tuition")]
    months = sorted(set(batches) | ({view.batch} if view.batch else set()))
    pills = [_pill(t("dup_all_year", lang), PATH + view.query(batch=None), view.batch is None, "dup-batch-all")]
    pills += [_pill(f"{int(b[5:])}月" if lang == "zh" else b, PATH + view.query(batch=b), view.batch == b,
                    f"dup-batch-{b}") for b in months]
    return html.Div([
        html.Span(t("dup_filter_kind", lang), className="aw-label"), html.Div(kinds, className="aw-pills"),
        html.Span(t("dup_filter_batch", lang), className="aw-label"), html.Div(pills, className="aw-pills"),
    ], className="aw-filters", id="dup-filters")


def reason(rule: str, row, limit: int, lang: str) -> str:
    if rule == "overdue":
        return t("dup_reason_overdue", lang, n=row.overdue, limit=limit, days=int(row.oldest))
    if rule == "repeat":
        return t("dup_reason_repeat", lang, n=row.repeat_students)
    if rule == "many_open":
        return t("dup_reason_many_open", lang, n=row.open)
    return t("dup_reason_untouched", lang, batch=row.batch, n=int(row.batch_n))


def alert_list(alerts: pd.DataFrame, labels: pd.DataFrame, view: View, limit: int, lang: str):
    """The ranked alerts: severity, school, every reason that fired, and a link to the school's cases."""
    head = html.H2(t("dup_alerts", lang), className="aw-h2")
    if alerts.empty:
        return dbc.Card(dbc.CardBody([head, dbc.Alert(t("dup_alerts_none", lang), color="success", className="mb-0")]),
                        className="aw-panel", id="dup-alerts")
    names = labels.set_index("id").to_dict("index")
    items = []
    for i, row in enumerate(alerts.head(ALERTS_SHOWN).itertuples()):
        school = names.get(row.code, {})
        where = " · ".join(x for x in (school.get("province"), school.get("city")) if x)
        batch = row.batch if row.rule == "untouched" else view.batch
        href = PATH + view.query(province=None, city=None, school=row.code, batch=batch)
        items.append(html.Li([
            dbc.Badge(t(f"dup_rule_{row.rule}", lang), color=ALERT_BADGES[row.rule], className="aw-alert-badge"),
            html.Div([
                html.Div([html.Strong(school.get("school", row.code)), html.Span(where, className="aw-alert-where")]),
                html.Div("；".join(reason(r, row, limit, lang) for r in row.rules) if lang == "zh"
                         else "; ".join(reason(r, row, limit, lang) for r in row.rules), className="aw-alert-reason"),
            ], className="aw-alert-body"),
            dcc.Link(t("dup_alert_link", lang) + " →", href=href, className="aw-alert-link", id=f"dup-alert-{row.code}"),
        ], className="aw-alert", **{"data-rank": str(i + 1), "data-rule": row.rule}))
    body = [head, html.Ol(items, className="aw-alerts")]
    if len(alerts) > ALERTS_SHOWN:
        body.append(html.Div(t("dup_alerts_more", lang, n=len(alerts) - ALERTS_SHOWN), className="aw-hint"))
    return dbc.Card(dbc.CardBody(body), className="aw-panel", id="dup-alerts")


def summary_cards(total: dict, lang: str) -> dbc.Row:
    """The selected region's own figures, one card each."""
    tone = {"open": "at_risk", "overdue": "overdue", "closed_late": "overdue", "repeat_students": "overdue"}
    cards = []
    for col in EXPORT_COLUMNS[2:]:
        style = {"color": TEXT_COLORS[tone[col]]} if col in tone and total[col] else {}
        cards.append(dbc.Col(dbc.Card(dbc.CardBody([
            html.Div(t(f"dup_col_{col}", lang), className="aw-card-title"),
            html.Div(f"{total[col]:,}", className="aw-card-figure", style=style, id=f"dup-total-{col}"),
        ]), className="aw-card"), xs=6, md=3, xl=True))
    return dbc.Row(cards, className="g-2 aw-cards")


def bars(rows: pd.DataFrame, lang: str) -> dict:
    """The level below, stacked overdue / open / closed, most overdue first; ``customdata`` is the drill key."""
    data = rows.sort_values(["overdue", "open", "matches", "name"], ascending=[False, False, False, True])
    parts = (("overdue", data["overdue"], STATUS_COLORS["overdue"]),
             ("open", data["open"] - data["overdue"], STATUS_COLORS["at_risk"]),
             ("closed", data["matches"] - data["open"], STATUS_COLORS["done"]))
    traces = [dict(type="bar", orientation="h", name=t(f"dup_col_{key}", lang), x=values.tolist(),
                   y=[axis_label(n) for n in data["name"]],
                   customdata=data["drill"].tolist(), marker=dict(color=color),
                   hovertemplate="%{y}: %{x} " + t(f"dup_col_{key}", lang) + "<extra></extra>")
              for key, values, color in parts]
    layout = dict(
        barmode="stack", height=max(230, 26 * len(data) + 70), margin=dict(l=10, r=20, t=10, b=30),
        plot_bgcolor="white", paper_bgcolor="white", xaxis=dict(gridcolor="#eee", rangemode="tozero"),
        yaxis=dict(automargin=True, autorange="reversed"), clickmode="event",
        legend=dict(orientation="h", y=-0.08, x=0, traceorder="normal"),
    )
    return label_empty_stacks({"data": traces, "layout": layout}, lang)


def tiles(rows: pd.DataFrame, lang: str) -> dict:
    """Nation level: each province coloured by the share of its matches not overdue (grey: no matches),
    so a province with only fresh, open matches is not painted as behind."""
    pct = {r.drill: (round(100 * (r.matches - r.overdue) / r.matches) if r.matches else None)
           for r in rows.itertuples()}
    return tile_map(
        pct, {code: ("" if v is None else f"{v}%") for code, v in pct.items()}, lang,
        hover={r.drill: f"{t('dup_col_matches', lang)} {r.matches} · {t('dup_col_open', lang)} {r.open} · {t('dup_col_overdue', lang)} "
                        f"{r.overdue}" for r in rows.itertuples()},
    )


def _count_step(values) -> int:
    """A whole-number tick step for a count axis (Plotly would label 0.5 steps as 0, 1, 1, 2)."""
    top = int(max(values, default=0))
    return max(1, math.ceil(top / 5))


def ageing_chart(ageing: pd.DataFrame, lang: str) -> dict:
    labels = {b: b.replace("-", "–").replace("20+", ">20") for b, _, _ in AGE_BUCKETS}
    traces = []
    for kind in ("grant", "tuition"):
        part = ageing[ageing["kind"] == kind]
        traces.append(dict(type="bar", name=value_name(kind, lang), x=[labels[b] for b in part["bucket"]],
                           y=part["n"].tolist(), marker=dict(color=KIND_COLORS[kind]), text=part["n"].tolist(),
                           textposition="auto"))
    layout = dict(
        barmode="stack", height=300,
        margin=dict(l=40, r=10, t=20, b=40), plot_bgcolor="white", paper_bgcolor="white",
        xaxis=dict(title=dict(text=t("dup_workdays", lang)), type="category"),
        yaxis=dict(gridcolor="#eee", rangemode="tozero",
                   dtick=_count_step(ageing.groupby("bucket")["n"].sum())),
        legend=dict(orientation="h", y=-0.25, x=0),
        # buckets past the limit are overdue: shade them
        shapes=[dict(type="rect", xref="x", yref="paper", x0=1.5, x1=3.5, y0=0, y1=1, line=dict(width=0),
                     fillcolor="rgba(178,24,43,0.06)", layer="below")],
        annotations=[dict(xref="x", yref="paper", x=2.5, y=1, yanchor="bottom", showarrow=False,
                          text=t("dup_col_overdue", lang), font=dict(color=STATUS_COLORS["overdue"], size=11))],
    )
    return {"data": traces, "layout": layout}


def trend_chart(trend: pd.DataFrame, limit: int, lang: str) -> dict:
    traces = []
    for kind in ("grant", "tuition"):
        part = trend[trend["kind"] == kind]
        traces.append(dict(type="bar", name=f"{value_name(kind, lang)} · {t('dup_col_matches', lang)}",
                           x=part["batch_month"].tolist(), y=part["matches"].tolist(),
                           marker=dict(color=KIND_COLORS[kind], opacity=0.55), offsetgroup=kind))
    for kind in ("grant", "tuition"):
        part = trend[trend["kind"] == kind]
        traces.append(dict(type="scatter", mode="lines+markers", yaxis="y2", connectgaps=False,
                           name=f"{value_name(kind, lang)} · {t('dup_trend_share', lang)}",
                           x=part["batch_month"].tolist(),
                           y=[None if pd.isna(v) else float(v) for v in part["pct_on_time"]],
                           line=dict(color=KIND_COLORS[kind], width=2), marker=dict(size=8)))
    layout = dict(
        height=270, barmode="group",
        margin=dict(l=40, r=50, t=10, b=40), plot_bgcolor="white", paper_bgcolor="white",
        xaxis=dict(type="category", categoryorder="category ascending"),
        yaxis=dict(gridcolor="#eee", rangemode="tozero", dtick=_count_step(trend["matches"]),
                   title=dict(text=t("dup_col_matches", lang))),
        yaxis2=dict(overlaying="y", side="right", range=[0, 105], tickvals=[0, 25, 50, 75, 100],
                    ticktext=["0%", "25%", "50%", "75%", "100%"], showgrid=False),
        legend=dict(orientation="h", y=-0.18, x=0),
    )
    return {"data": traces, "layout": layout}


def region_columns(level: str, lang: str) -> list[dict]:
    numeric = {"type": "numericColumn", "filter": "agNumberColumnFilter"}
    return [{"field": "name", "headerName": t(level, lang), "pinned": "left", "minWidth": 160},
            {"field": "code", "headerName": t("code", lang), "maxWidth": 130},
            *({"field": col, "headerName": t(f"dup_col_{col}", lang), **numeric} for col in EXPORT_COLUMNS[2:])]


def case_grid(cases: pd.DataFrame, lang: str):
    """The school's matches as they stood on D, already masked by the caller."""
    frame = cases.reindex(columns=CASE_COLUMNS).copy()
    for col in ("kind", "outcome"):
        frame[col] = frame[col].map(lambda v: "" if pd.isna(v) else value_name(v, lang))
    frame["state"] = frame["state"].map(lambda v: t(f"dup_state_{v}", lang))
    for col in frame.columns:
        if col.endswith("_on"):
            frame[col] = frame[col].map(lambda v: "" if pd.isna(v) else pd.Timestamp(v).date().isoformat())
    generic = {"name": "student", "id_number": "id_number", "term": "term", "kind": "kind"}
    widths = {"name": 90, "id_number": 170, "other_school_name": 190, "other_province": 120}
    columns = [{"field": f, "headerName": t(generic[f] if f in generic else f"dup_col_{f}", lang),
                "minWidth": widths.get(f, 110)} for f in CASE_COLUMNS]
    columns[0]["cellClassRules"] = {f"aw-state-{s}": f"params.value == '{t(f'dup_state_{s}', lang)}'"
                                    for s in STATES}
    columns[0]["pinned"] = "left"
    return data_grid("dup-cases", frame, columns, height=460)


def content(view: View, data: Overview, alert_labels: pd.DataFrame, level: str, cases: pd.DataFrame | None,
            cases_note: str | None, limit: int, lang: str) -> list:
    """Everything below the header for one view."""
    child_level = {"nation": "province", "province": "city", "city": "school", "school": "case"}[level]
    parts = [filters(view, data.batches, lang), alert_list(data.alerts, alert_labels, view, limit, lang),
             summary_cards(data.total, lang)]
    is_nation, show_children = level == "nation", level != "school"
    charts = dbc.Row([
        dbc.Col(titled_graph(t("dup_tiles_title", lang), id="dup-tiles",
                             figure=tiles(data.rows, lang) if is_nation else EMPTY_FIGURE,
                             config={"displayModeBar": False}), md=5, style={} if is_nation else {"display": "none"}),
        dbc.Col(titled_graph(t("dup_bars_title", lang), id="dup-bars",
                             figure=bars(data.rows, lang) if show_children else EMPTY_FIGURE,
                             config={"displayModeBar": False}),
                md=7 if is_nation else 12, style={} if show_children else {"display": "none"}),
    ], className="g-2")
    alternative = []
    if show_children:
        shown = data.rows.assign(overdue_text=[f"{int(v):,}" for v in data.rows["overdue"]])
        columns = [("name", t(child_level, lang)), ("matches", t("dup_col_matches", lang)),
                   ("open", t("dup_col_open", lang)), ("overdue_text", t("dup_col_overdue", lang))]
        alternative = [chart_alternative("dup-chart-alt", t("dup_bars_title", lang), shown, columns, "overdue",
                                         "overdue_text", lang, drill_links(drill_template(PATH, view), shown["drill"]))]
    parts.append(dbc.Card(dbc.CardBody([charts, *alternative]), className="aw-panel",
                          style={} if show_children else {"display": "none"}))
    parts.append(dbc.Card(dbc.CardBody(dbc.Row([
        dbc.Col(titled_graph(t("dup_ageing", lang), id="dup-ageing", figure=ageing_chart(data.ageing, lang),
                             config={"displayModeBar": False}), md=5),
        dbc.Col(titled_graph(t("dup_trend", lang, limit=limit), id="dup-trend",
                             figure=trend_chart(data.trend, limit, lang), config={"displayModeBar": False},
                             after=[html.Div(t("dup_trend_note", lang), className="aw-hint")]), md=7),
    ], className="g-2")), className="aw-panel"))

    exports = export_links("duplicates", "dup", view.query(), lang)
    if show_children:
        grid = data_grid("dup-grid", data.rows, region_columns(child_level, lang), row_id="drill", clickable=True,
                         drill=drill_template(PATH, view))
        title = f"{t('dup_table', lang)} · {t(child_level, lang)}"
        body = [html.Div([html.H2(title, className="aw-h2"), exports], className="aw-panel-head"),
                html.Div(t("click_to_drill", lang), className="aw-hint"), grid]
    else:
        body = [html.Div([html.H2(t("dup_cases", lang), className="aw-h2"), exports], className="aw-panel-head")]
        if cases_note:
            body.append(dbc.Alert(cases_note, color="secondary", id="dup-cases-note"))
        elif cases is not None and cases.empty:
            body.append(dbc.Alert(t("dup_cases_none", lang), color="success", id="dup-cases-note"))
        if cases is not None and not cases.empty:
            body.append(case_grid(cases, lang))
        # The grid id must exist for the drill callback even where there is nothing to drill.
        body.append(html.Div(data_grid("dup-grid", data.rows.iloc[0:0], []), style={"display": "none"}))
    parts.append(dbc.Card(dbc.CardBody(body), className="aw-panel"))
    return parts
