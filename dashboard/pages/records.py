"""Records & graduation page (学籍与毕业): layout and the pieces its callback fills in.

Two provincial duties of the notice (§一(一) record approval, §一(三) graduate
data and certificates) in two sections, each with its tile map, bars of the
level below and region table. The notice gives no number of days: the 10
working days are the dashboard's monitoring convention (监测口径), and the
page says so.
"""

from __future__ import annotations

import dash_bootstrap_components as dbc
import pandas as pd
from dash import dcc, html

from aidwatch.i18n import N_, t
from aidwatch.metrics.records import GRADUATE_CASE_COLUMNS, RECORD_CASE_COLUMNS
from dashboard.components.chartalt import chart_alternative
from dashboard.components.exports import export_links
from dashboard.components.ages import age_figure
from dashboard.components.figure import axis_label, count_ticks, titled_graph
from dashboard.components.stacked import label_empty_stacks
from dashboard.components.grid import case_columns, case_frame, data_grid
from views.palette import STATUS_COLORS
from dashboard.components.tilegrid import tile_map
from dashboard.context import drill_links, drill_template
from dashboard.pages import framed

# Keys composed at run time (from a prefix and a code, or taken from a column or value list), marked
# for `make i18n` (docs/i18n.md).
COMPOSED_KEYS = (
    N_("graduate_state"), N_("graduated_on"), N_("record_state"), N_("registered_on"),
    N_("rg_approved"), N_("rg_approved_late"), N_("rg_approved_no_certificate"), N_("rg_awaiting_approval"),
    N_("rg_bars_graduation"), N_("rg_bars_records"), N_("rg_certificates_online"), N_("rg_graduate_cases"),
    N_("rg_graduate_cases_none"), N_("rg_graduates"), N_("rg_pct_certified"), N_("rg_record_cases"),
    N_("rg_record_cases_none"), N_("rg_registered"), N_("rg_tiles_graduation"), N_("rg_tiles_records"),
    N_("rg_upload_overdue"), N_("rg_uploaded"), N_("upload_due_on"), N_("uploaded_on"), N_("value_approval_overdue"),
    N_("value_awaiting_approval"), N_("value_awaiting_upload"), N_("value_no_certificate"),
    N_("value_upload_overdue"), N_("workdays_elapsed"),
)

PATH = "/records"

RECORD_CARDS = (("registered", False), ("approved", False), ("awaiting_approval", False),
                ("approval_overdue", True), ("approved_late", True))
GRADUATION_CARDS = (("graduates", False), ("uploaded", False), ("upload_overdue", True), ("approved", False),
                    ("approval_overdue", True), ("certificates_online", False), ("approved_no_certificate", True))
RECORD_FIELDS = ("registered", "approved", "awaiting_approval", "approval_overdue", "approved_late",
                 "median_approval_workdays")
GRADUATION_FIELDS = ("graduates", "uploaded", "upload_overdue", "approved", "approval_overdue",
                     "certificates_online", "approved_no_certificate", "pct_certified")
STAGES = (("graduates", "#9ecae1"), ("uploaded", "#4292c6"), ("approved", "#2171b5"),
          ("certificates_online", STATUS_COLORS["done"]))


def layout(**query):
    """The frame for the URL's view; the graduation section drills from its own store (same view)."""
    return framed(PATH, query, lambda view: [
        dcc.Store(id="rg-view", data=query), dcc.Store(id="rgg-view", data=query),
        dcc.Loading(html.Div(id="rg-content", className="aw-content"), type="default", delay_show=300),
    ])


def cards(prefix: str, row, keys, lang: str) -> dbc.Row:
    """One card per count of the selected region; an alarming count above zero in red."""
    out = []
    for key, alarm in keys:
        value = int(row[key])
        style = {"color": STATUS_COLORS["overdue"]} if alarm and value > 0 else {}
        body = dbc.CardBody([html.Div(t(f"rg_{key}", lang), className="aw-card-title"),
                             html.Div(f"{value:,}", className="aw-card-figure", style=style)])
        out.append(dbc.Col(dbc.Card(body, className="aw-card", id=f"{prefix}-card-{key}"), xs=6, md=4, xl=2))
    return dbc.Row(out, className="g-2 aw-cards")


#: each section's (tile map, bars) titles, the headings above them
CHART_TITLES = {"rg": ("rg_tiles_records", "rg_bars_records"), "rgg": ("rg_tiles_graduation", "rg_bars_graduation")}


def _hbars(traces: list[dict], n: int, values, barmode: str) -> dict:
    """Horizontal bars per child region (a plain figure dict), ``n`` regions, counts in ``values``."""
    return {"data": traces, "layout": dict(
        barmode=barmode, height=max(230, 26 * n * (2 if barmode == "group" else 1) + 70),
        margin=dict(l=10, r=20, t=10, b=30), plot_bgcolor="white", paper_bgcolor="white",
        yaxis=dict(automargin=True), xaxis=dict(gridcolor="#eee", rangemode="tozero", **count_ticks(values)),
        legend=dict(orientation="h", y=-0.08 if n > 8 else -0.2, traceorder="normal"), clickmode="event")}


def record_bars(rows: pd.DataFrame, lang: str) -> dict:
    """Records awaiting approval per child region, the overdue part in red; ``customdata`` is the drill key."""
    data = rows.sort_values(["awaiting_approval", "name"], ascending=[True, False])
    labels, drill = [axis_label(n) for n in data["name"]], data["drill"].tolist()
    traces = [
        dict(type="bar", y=labels, x=(data["awaiting_approval"] - data["approval_overdue"]).tolist(), orientation="h",
             customdata=drill, name=t("rg_within", lang), marker=dict(color=STATUS_COLORS["on_track"])),
        dict(type="bar", y=labels, x=data["approval_overdue"].tolist(), orientation="h", customdata=drill,
             name=t("rg_approval_overdue", lang), marker=dict(color=STATUS_COLORS["overdue"])),
    ]
    return label_empty_stacks(_hbars(traces, len(data), data["awaiting_approval"], "stack"), lang)


def graduation_bars(rows: pd.DataFrame, lang: str) -> dict:
    """The funnel per child region: graduated → uploaded → approved → certificate online."""
    data = rows.sort_values(["graduates", "name"], ascending=[True, False])
    labels, drill = [axis_label(n) for n in data["name"]], data["drill"].tolist()
    traces = [dict(type="bar", y=labels, x=data[key].tolist(), orientation="h", customdata=drill,
                   name=t(f"rg_{key}", lang), marker=dict(color=color)) for key, color in STAGES]
    return _hbars(traces, len(data), data["graduates"], "group")


def funnel(total, lang: str) -> dict:
    """The selected region's graduation funnel: one bar per stage, each with its share of the graduates (bars
    rather than a funnel trace, which the basic Plotly bundle the pages load does not draw)."""
    whole = int(total["graduates"])
    values = [int(total[k]) for k, _ in STAGES]
    text = [f"{v:,}" + ("" if not whole else f" ({100 * v / whole:.0f}%)") for v in values]
    trace = dict(type="bar", y=[t(f"rg_{k}", lang) for k, _ in STAGES], x=values, orientation="h", text=text,
                 textposition="auto", marker=dict(color=[c for _, c in STAGES]), hoverinfo="skip")
    return {"data": [trace], "layout": dict(
        height=200, margin=dict(l=10, r=10, t=10, b=10), plot_bgcolor="white", paper_bgcolor="white",
        yaxis=dict(autorange="reversed", automargin=True), xaxis=dict(rangemode="tozero", visible=False))}


def tiles(rows: pd.DataFrame, part: str, whole: str, lang: str) -> dict:
    """Nation: each province coloured by ``part`` ÷ ``whole`` (grey without any)."""
    share = {r["drill"]: (None if r[whole] == 0 else round(100 * r[part] / r[whole], 1)) for _, r in rows.iterrows()}
    labels = {c: ("—" if v is None else f"{v:.0f}%") for c, v in share.items()}
    hover = {r["drill"]: f"{t(f'rg_{part}', lang)} {r[part]:,} / {t(f'rg_{whole}', lang)} {r[whole]:,}"
             for _, r in rows.iterrows()}
    return tile_map(share, labels, lang, hover=hover)


def region_grid(grid_id: str, rows: pd.DataFrame, fields, level: str, lang: str, drill: str):
    num = {"type": "numericColumn", "filter": "agNumberColumnFilter"}
    columns = [{"field": "name", "headerName": t(level, lang), "pinned": "left", "minWidth": 160},
               {"field": "code", "headerName": t("code", lang), "maxWidth": 120},
               *[{"field": f, "headerName": t(f"rg_{f}", lang), "headerTooltip": t(f"rg_{f}", lang), **num}
                 for f in fields]]
    return data_grid(grid_id, rows, columns, row_id="drill", clickable=True, drill=drill)


def _section(prefix: str, export: str, title: str, data, rows: pd.DataFrame, figures, grid_fields, lang: str):
    """One duty: its headline cards and figures, then (above school level) tiles, bars and the region table."""
    level = data.region.level
    is_nation, show_children = level == "nation", level != "school"
    head = html.Div([html.H2(title, className="aw-h2"), export_links(export, prefix, data.view.query(), lang)],
                    className="aw-panel-head")
    body = [head, *figures]
    if show_children:  # the drill's chart and grid inputs are optional: a school draws none of them
        tiles_fig, bars_fig = tiles_and_bars(prefix, rows, lang)
        tiles_title, bars_title = (t(key, lang) for key in CHART_TITLES[prefix])
        bars = titled_graph(bars_title, id=f"{prefix}-bars", figure=bars_fig, config={"displayModeBar": False}, level=3)
        drill = drill_template(PATH, data.view)
        body += [dbc.Row([dbc.Col(titled_graph(tiles_title, id=f"{prefix}-tiles", figure=tiles_fig,
                                               config={"displayModeBar": False}, level=3),
                                  md=5), dbc.Col(bars, md=7)] if is_nation else [dbc.Col(bars, md=12)],
                         className="g-2"),
                 bars_alternative(prefix, rows, data.region.child_level, lang, drill_links(drill, rows["drill"])),
                 html.Div(t("click_to_drill", lang), className="aw-hint"),
                 region_grid(f"{prefix}-grid", rows, grid_fields, data.region.child_level, lang, drill)]
    return dbc.Card(dbc.CardBody(body), className="aw-panel", id=f"{prefix}-section")


def bars_alternative(prefix: str, rows: pd.DataFrame, level: str, lang: str, hrefs: list[str]):
    """The bars' text alternative (``dashboard.components.chartalt``): the figure each section's bars rank by."""
    key = "awaiting_approval" if prefix == "rg" else "graduates"
    shown = rows.assign(value_text=[f"{int(v):,}" for v in rows[key]])
    extra = ("approval_overdue",) if prefix == "rg" else ("uploaded", "approved", "certificates_online")
    columns = [("name", t(level, lang)), ("value_text", t(f"rg_{key}", lang)),
               *((f, t(f"rg_{f}", lang)) for f in extra)]
    return chart_alternative(f"{prefix}-chart-alt", t(CHART_TITLES[prefix][1], lang), shown, columns, key,
                             "value_text", lang, hrefs)


def tiles_and_bars(prefix: str, rows: pd.DataFrame, lang: str):
    if prefix == "rg":
        return tiles(rows, "approved", "registered", lang), record_bars(rows, lang)
    return (tiles(rows, "certificates_online", "graduates", lang),
            graduation_bars(rows, lang))


def case_grid(grid_id: str, cases: pd.DataFrame, fields: list, state: str, lang: str):
    frame = case_frame(cases, fields, (state,), lang)
    return data_grid(grid_id, frame, case_columns(fields, {"name": t("student", lang)}, lang), height=360)


def _cases(data, lang: str) -> list:
    out = []
    for grid_id, title, cases, fields, state, none in (
            ("rg-record-cases", "rg_record_cases", data.record_cases, RECORD_CASE_COLUMNS, "record_state",
             "rg_record_cases_none"),
            ("rg-graduate-cases", "rg_graduate_cases", data.graduate_cases, GRADUATE_CASE_COLUMNS, "graduate_state",
             "rg_graduate_cases_none")):
        body = [html.H2(t(title, lang), className="aw-h2")]
        if data.cases_note:
            body.append(dbc.Alert(data.cases_note, color="secondary", className="rg-cases-note"))
        elif len(cases):
            body.append(case_grid(grid_id, cases, fields, state, lang))
        else:
            body.append(dbc.Alert(t(none, lang), color="success"))
        out.append(dbc.Card(dbc.CardBody(body), className="aw-panel", id=f"{grid_id}-panel"))
    return out


def content(data, lang: str) -> list:
    """Everything below the header for one view (``data``: dashboard.callbacks.records.RecordsView)."""
    n = data.policy.record_approval_workdays
    rec_total, grad_total = data.record_total.iloc[0], data.graduation_total.iloc[0]
    median = rec_total["median_approval_workdays"]
    record_figures = [
        cards("rg", rec_total, RECORD_CARDS, lang),
        html.Div([t("rg_median_approval_workdays", lang), ": ",
                  html.Strong("—" if pd.isna(median) else f"{median:.1f}", id="rg-median")], className="aw-hint"),
        titled_graph(t("bl_open_by_age", lang), figure=age_figure(data.ages, lang), config={"displayModeBar": False},
                     id="rg-ages", level=3),
    ]
    graduation_figures = [
        cards("rgg", grad_total, GRADUATION_CARDS, lang),
        titled_graph(t("rg_funnel", lang), figure=funnel(grad_total, lang), config={"displayModeBar": False},
                     id="rgg-funnel", level=3),
    ]
    parts = [
        dbc.Alert(t("rg_convention", lang, n=n), color="info", className="small py-2", id="rg-convention"),
        _section("rg", "records", t("rg_records_title", lang), data, data.records, record_figures, RECORD_FIELDS,
                 lang),
        _section("rgg", "graduation", t("rg_graduation_title", lang), data, data.graduation,
                 graduation_figures, GRADUATION_FIELDS, lang),
    ]
    if data.region.level == "school":
        parts += _cases(data, lang)
    return parts
