"""Status-change backlog page (学籍异动积压): layout and the pieces its callback fills in.

The schools' duty (record a change within 10 working days) and the province's
(approve it) are shown side by side and never summed, so each side sees its
own backlog. Phantom-enrolment suspects (长期空挂学籍) are counted per region
and listed, with their evidence, at school level.
"""

from __future__ import annotations

import dash_bootstrap_components as dbc
import pandas as pd
from dash import dcc, html

from aidwatch.i18n import N_, t, value_name
from aidwatch.metrics.backlog import CASE_COLUMNS, MIN_RANK_VOLUME, SUSPECT_COLUMNS
from dashboard.components.exports import export_links
from dashboard.components.ages import age_figure
from dashboard.components.figure import EMPTY_FIGURE, axis_label, count_ticks, titled_graph
from dashboard.components.stacked import label_empty_stacks
from dashboard.components.grid import case_columns, case_frame, data_grid
from dashboard.components.chartalt import chart_alternative
from dashboard.context import drill_links, drill_template
from views.palette import STATUS_COLORS
from dashboard.components.tilegrid import tile_map
from dashboard.pages import framed

# Keys composed at run time (from a prefix and a code, or taken from a column or value list), marked
# for `make i18n` (docs/i18n.md).
COMPOSED_KEYS = (
    N_("approval"), N_("approval_due_on"), N_("approval_workdays"), N_("change_type"), N_("changes"),
    N_("expected_end_on"), N_("name"), N_("occurred_on"), N_("phantom_suspects"),
    N_("program_years"), N_("record_due_on"), N_("recorded_on"), N_("recording"), N_("recording_workdays"),
    N_("rejected_on"), N_("rule"), N_("rule_1"), N_("rule_2"), N_("rule_3"), N_("value_awaiting"),
    N_("value_deceased"), N_("value_enlist"), N_("value_expel"), N_("value_late"), N_("value_long_suspension"),
    N_("value_major_change"), N_("value_on_time"), N_("value_overdue"), N_("value_overstay"), N_("value_pending"),
    N_("value_resume"), N_("value_suspend"), N_("value_transfer_in"), N_("value_transfer_out"),
    N_("value_unapproved_leaving"), N_("value_withdraw"),
)

PATH = "/backlog"

COUNT_CARDS = ("changes", "late_recorded", "unrecorded_overdue", "awaiting_approval", "overdue_approval",
               "phantom_suspects")
ALARM = {"late_recorded", "unrecorded_overdue", "overdue_approval", "phantom_suspects"}


def layout(**query):
    """The frame for the URL's view and a store the content callback renders from."""
    return framed(PATH, query, lambda view: [
        dcc.Store(id="bl-view", data=query),
        dcc.Loading(html.Div(id="bl-content", className="aw-content"), type="default", delay_show=300),
    ])


def summary_cards(total: pd.DataFrame, lang: str) -> dbc.Row:
    row = total.iloc[0]
    cards = []
    for key in COUNT_CARDS:
        value = int(row[key])
        alarm = key in ALARM and value > 0
        body = dbc.CardBody([
            html.Div(t(key, lang), className="aw-card-title"),
            html.Div(f"{value:,}", className="aw-card-figure", style={"color": STATUS_COLORS["overdue"]} if alarm else {}),
        ])
        cards.append(dbc.Col(dbc.Card(body, className="aw-card", id=f"bl-card-{key}"), xs=6, md=4, xl=2))
    return dbc.Row(cards, className="g-2 aw-cards")


def type_table(types: pd.DataFrame, lang: str):
    if types.empty:
        return html.Div(t("bl_none_open", lang), className="aw-hint")
    head = html.Thead(html.Tr([html.Th(t("bl_by_type", lang)), html.Th(t("bl_open_count", lang)),
                               html.Th(t("bl_of_which_overdue", lang))]))
    body = html.Tbody([html.Tr([html.Td(value_name(r.change_type, lang)), html.Td(f"{r.n:,}"),
                                html.Td(f"{r.overdue:,}", className="text-danger" if r.overdue else "")])
                       for r in types.itertuples()])
    return dbc.Table([head, body], size="sm", responsive=True, className="aw-small-table")


def duty_panel(side_id: str, title: str, figures: list, buckets: pd.DataFrame, types: pd.DataFrame, lang: str):
    """One side's duty: its two headline counts, its open items by age and by change type."""
    counts = html.Div([html.Span([html.Strong(f"{v:,}"), " ", label], className="aw-duty-figure me-3")
                       for label, v in figures], className="aw-duty-figures mb-1")
    return dbc.Card(dbc.CardBody([
        html.H2(title, className="aw-h2"), counts,
        titled_graph(t("bl_open_by_age", lang), figure=age_figure(buckets, lang), config={"displayModeBar": False},
                     id=f"bl-{side_id}-ages", level=3),
        type_table(types, lang),
    ]), className="aw-panel", id=f"bl-{side_id}")


def bars(rows: pd.DataFrame, lang: str) -> dict:
    """Overdue items per child region, worst first, each side its own colour; ``customdata`` is the drill key."""
    data = rows.assign(total=rows["unrecorded_overdue"] + rows["overdue_approval"]).sort_values(
        ["total", "name"], ascending=[True, False])
    labels, drill = [axis_label(n) for n in data["name"]], data["drill"].tolist()
    traces = [
        dict(type="bar", y=labels, x=data["unrecorded_overdue"].tolist(), orientation="h", customdata=drill,
             name=t("unrecorded_overdue", lang), marker=dict(color=STATUS_COLORS["overdue"])),
        dict(type="bar", y=labels, x=data["overdue_approval"].tolist(), orientation="h", customdata=drill,
             name=t("overdue_approval", lang), marker=dict(color=STATUS_COLORS["at_risk"])),
    ]
    layout = dict(
        barmode="stack", height=max(230, 26 * len(data) + 70), margin=dict(l=10, r=20, t=10, b=30), plot_bgcolor="white",
        paper_bgcolor="white", yaxis=dict(automargin=True),
        xaxis=dict(gridcolor="#eee", rangemode="tozero", **count_ticks(data["total"])),
        legend=dict(orientation="h", y=-0.08 if len(data) > 8 else -0.2, traceorder="normal"),
        clickmode="event",
    )
    return label_empty_stacks({"data": traces, "layout": layout}, lang)


def tiles(rows: pd.DataFrame, lang: str) -> dict:
    """Nation: each province coloured by its on-time recording rate (100 − late-recording rate)."""
    on_time = {r.drill: (None if pd.isna(r.late_rate) else 100 - r.late_rate) for r in rows.itertuples()}
    labels = {c: ("—" if v is None else f"{v:.0f}%") for c, v in on_time.items()}
    hover = {r.drill: f"{t('late_recorded', lang)} {r.late_recorded:,} · {t('unrecorded_overdue', lang)} "
                      f"{r.unrecorded_overdue:,}<br>{t('overdue_approval', lang)} {r.overdue_approval:,} · "
                      f"{t('phantom_suspects', lang)} {r.phantom_suspects:,}" for r in rows.itertuples()}
    return tile_map(on_time, labels, lang, hover=hover)


def region_columns(level: str, lang: str) -> list[dict]:
    num = {"type": "numericColumn", "filter": "agNumberColumnFilter"}
    return [
        {"field": "name", "headerName": t(level, lang), "pinned": "left", "minWidth": 160},
        {"field": "code", "headerName": t("code", lang), "maxWidth": 120},
        *[{"field": f, "headerName": t(f, lang), **num} for f in
          ("changes", "late_recorded", "unrecorded_overdue", "late_rate", "awaiting_approval", "overdue_approval",
           "phantom_suspects")],
    ]


def rank_grid(ranked: pd.DataFrame, lang: str):
    num = {"type": "numericColumn", "filter": "agNumberColumnFilter"}
    columns = [
        {"field": "name", "headerName": t("school", lang), "pinned": "left", "minWidth": 180},
        {"field": "school_code", "headerName": t("school_code", lang), "maxWidth": 120},
        {"field": "city", "headerName": t("city", lang), "maxWidth": 120},
        {"field": "decided_recording", "headerName": t("decided_recording", lang), **num},
        {"field": "late", "headerName": t("late", lang), **num},
        {"field": "late_rate", "headerName": t("late_rate", lang), **num, "sort": "desc"},
    ]
    return data_grid("bl-rank", ranked, columns, height=360)


def case_grid(cases: pd.DataFrame, lang: str):
    """A school's changes, masked by the caller, with both clocks."""
    frame = case_frame(cases, ["change_id", *CASE_COLUMNS], ("change_type", "recording", "approval"), lang)
    frame["change_id"] = frame["change_id"].astype(str)
    columns = case_columns(CASE_COLUMNS, {"name": t("student", lang)}, lang)
    return data_grid("bl-cases", frame, columns, row_id="change_id", height=420)


def suspect_grid(suspects: pd.DataFrame, lang: str):
    """A school's suspects, masked by the caller: the rule that fired and its evidence dates."""
    frame = case_frame(suspects, SUSPECT_COLUMNS, ("status", "rule", "change_type"), lang)
    columns = case_columns(SUSPECT_COLUMNS, {"name": t("student", lang), "status": t("student_status", lang)}, lang)
    return data_grid("bl-suspects", frame, columns, height=360)


def content(data, lang: str) -> list:
    """Everything below the header for one view (``data``: dashboard.callbacks.backlog.BacklogView)."""
    level = data.region.level
    is_nation, show_children = level == "nation", level != "school"
    parts = [summary_cards(data.total, lang)]
    total = data.total.iloc[0]
    parts.append(dbc.Row([
        dbc.Col(duty_panel("schools", t("bl_school_side", lang, n=data.record_workdays),
                           [(t("late_recorded", lang), int(total.late_recorded)),
                            (t("unrecorded_overdue", lang), int(total.unrecorded_overdue))],
                           data.recording_ages, data.recording_types, lang), md=6),
        dbc.Col(duty_panel("province", t("bl_province_side", lang, n=data.approval_workdays),
                           [(t("awaiting_approval", lang), int(total.awaiting_approval)),
                            (t("overdue_approval", lang), int(total.overdue_approval))],
                           data.approval_ages, data.approval_types, lang), md=6),
    ], className="g-2"))

    charts = dbc.Row([
        dbc.Col(titled_graph(t("bl_tiles_title", lang), id="bl-tiles",
                             figure=tiles(data.rows, lang) if is_nation else EMPTY_FIGURE,
                             config={"displayModeBar": False}), md=5, style={} if is_nation else {"display": "none"}),
        dbc.Col(titled_graph(t("bl_bars_title", lang), id="bl-bars",
                             figure=bars(data.rows, lang) if show_children else EMPTY_FIGURE,
                             config={"displayModeBar": False}),
                md=7 if is_nation else 12, style={} if show_children else {"display": "none"}),
    ], className="g-2")
    alternative = []
    if show_children:
        shown = data.rows.assign(total=data.rows["unrecorded_overdue"] + data.rows["overdue_approval"])
        shown = shown.assign(total_text=[f"{v:,}" for v in shown["total"]])
        columns = [("name", t(data.region.child_level, lang)), ("unrecorded_overdue", t("unrecorded_overdue", lang)),
                   ("overdue_approval", t("overdue_approval", lang))]
        alternative = [chart_alternative("bl-chart-alt", t("bl_bars_title", lang), shown, columns, "total",
                                         "total_text", lang, drill_links(drill_template(PATH, data.view), shown["drill"]))]
    parts.append(dbc.Card(dbc.CardBody([charts, *alternative]), className="aw-panel",
                          style={} if show_children else {"display": "none"}))

    if show_children:
        grid = data_grid("bl-grid", data.rows, region_columns(data.region.child_level, lang), row_id="drill",
                         clickable=True, drill=drill_template(PATH, data.view))
        head = html.Div([html.H2(f"{t('page_backlog', lang)} · {t(data.region.child_level, lang)}", className="aw-h2"),
                         export_links("backlog", "bl", data.view.query(), lang)], className="aw-panel-head")
        parts.append(dbc.Card(dbc.CardBody([head, html.Div(t("click_to_drill", lang), className="aw-hint"), grid]),
                              className="aw-panel"))
        rank = [html.H2(t("bl_rank_title", lang), className="aw-h2"),
                html.Div(t("bl_rank_note", lang, n=MIN_RANK_VOLUME), className="aw-hint")]
        rank.append(rank_grid(data.ranked, lang) if len(data.ranked) else
                    dbc.Alert(t("bl_rank_none", lang), color="secondary", id="bl-rank-none"))
        parts.append(dbc.Card(dbc.CardBody(rank), className="aw-panel"))
        return parts

    head = html.Div([html.H2(t("bl_cases_title", lang), className="aw-h2"), export_links("backlog", "bl", data.view.query(), lang)],
                    className="aw-panel-head")
    cases = [head]
    suspects = [html.H2(t("bl_suspects_title", lang), className="aw-h2"),
                html.Div(t("bl_suspects_note", lang), className="aw-hint")]
    if data.cases_note:
        cases.append(dbc.Alert(data.cases_note, color="secondary", id="bl-cases-note"))
        suspects.append(dbc.Alert(data.cases_note, color="secondary"))
    else:
        cases.append(case_grid(data.cases, lang) if len(data.cases) else
                     dbc.Alert(t("bl_cases_none", lang), color="success", id="bl-cases-note"))
        suspects.append(suspect_grid(data.suspects, lang) if len(data.suspects) else
                        dbc.Alert(t("bl_suspects_none", lang), color="success", id="bl-suspects-note"))
    # The grid id must exist for the drill callback even where there is nothing to drill.
    cases.append(html.Div(data_grid("bl-grid", data.rows.iloc[0:0], []), style={"display": "none"}))
    parts.append(dbc.Card(dbc.CardBody(cases), className="aw-panel"))
    parts.append(dbc.Card(dbc.CardBody(suspects), className="aw-panel"))
    return parts
