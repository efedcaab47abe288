"""Data-quality page (数据质量): odd rows per region, per check, and a school's offending rows.

The counts describe the replica's rows at its snapshot (not as of D); the
checks and why each is one are in docs/data-quality.md.
"""

from __future__ import annotations

import dash_bootstrap_components as dbc
import pandas as pd
from dash import dcc, html

from aidwatch.i18n import N_, t
from aidwatch.metrics.quality import CASE_COLUMNS, CATEGORIES, CHECKS
from dashboard.components.exports import export_links
from dashboard.components.figure import axis_label, titled_graph
from dashboard.components.stacked import label_empty_stacks
from dashboard.components.grid import data_grid
from dashboard.components.chartalt import chart_alternative
from dashboard.context import drill_links, drill_template
from views.palette import STATUS_COLORS
from dashboard.pages import framed

# Keys composed at run time (from a prefix and a code, or taken from a column or value list), marked
# for `make i18n` (docs/i18n.md).
COMPOSED_KEYS = (
    N_("dq_cat_calendar"), N_("dq_cat_dates"), N_("dq_cat_headcounts"), N_("dq_cat_orphans"), N_("dq_cat_values"),
    N_("dq_check_approved_before_submitted"), N_("dq_check_calendar_unknown"), N_("dq_check_change_before_enrolment"),
    N_("dq_check_closed_before_opened"), N_("dq_check_decided_before_recorded"), N_("dq_check_headcount_above_registry"),
    N_("dq_check_disbursed_before_approved"), N_("dq_check_enrolled_before_born"), N_("dq_check_headcount_zero"),
    N_("dq_check_intake_zero_with_students"), N_("dq_check_number_implausible"), N_("dq_check_orphan_student"),
    N_("dq_check_province_mismatch"), N_("dq_check_recorded_before_occurred"),
    N_("dq_check_rectified_before_inspected"), N_("dq_check_rectified_before_pushed"),
    N_("dq_check_reg_approved_before_registered"), N_("dq_check_registered_before_enrolled"),
    N_("dq_check_uploaded_before_graduated"), N_("dq_check_value_unknown"), N_("dq_check_verified_before_pushed"),
    N_("dq_table_aid_record"), N_("dq_table_duplicate_match"), N_("dq_table_graduation"), N_("dq_table_inspection"),
    N_("dq_table_school"), N_("dq_table_school_headcount"), N_("dq_table_status_change"), N_("dq_table_student"),
    N_("page_quality"),
)


PATH = "/quality"

CATEGORY_COLORS = {"dates": STATUS_COLORS["overdue"], "orphans": "#6a3d9a", "headcounts": STATUS_COLORS["at_risk"],
                   "values": STATUS_COLORS["on_track"], "calendar": STATUS_COLORS["no_data"]}
CARDS = ("odd_rows", *CATEGORIES)


def layout(**query):
    """The frame for the URL's view and a store the content callback renders from."""
    return framed(PATH, query, lambda view: [
        dcc.Store(id="dq-view", data=query),
        dcc.Loading(html.Div(id="dq-content", className="aw-content"), type="default", delay_show=300),
    ])


def _label(key: str, lang: str) -> str:
    return t("dq_odd_rows", lang) if key == "odd_rows" else t(f"dq_cat_{key}", lang)


def summary_cards(total: pd.Series, lang: str) -> dbc.Row:
    cards = []
    for key in CARDS:
        value = int(total[key])
        body = dbc.CardBody([
            html.Div(_label(key, lang), className="aw-card-title"),
            html.Div(f"{value:,}", className="aw-card-figure",
                     style={"color": STATUS_COLORS["overdue"]} if value else {}),
        ])
        cards.append(dbc.Col(dbc.Card(body, className="aw-card", id=f"dq-card-{key}"), xs=6, md=4, xl=2))
    return dbc.Row(cards, className="g-2 aw-cards")


def check_table(checks: pd.DataFrame, lang: str):
    """The region's odd rows per check and table; checks that found nothing are counted, not listed."""
    found = checks[checks["n"] > 0]
    if found.empty:
        return dbc.Alert(t("dq_all_clean", lang), color="success", id="dq-all-clean")
    head = html.Thead(html.Tr([html.Th(t("dq_check", lang)), html.Th(t("dq_table", lang)),
                               html.Th(t("dq_count", lang))]))
    body = html.Tbody([html.Tr([html.Td(t(f"dq_check_{r.check}", lang)), html.Td(t(f"dq_table_{r.table}", lang)),
                                html.Td(f"{r.n:,}")], id=f"dq-check-{r.check}-{r.table}")
                       for r in found.itertuples()])
    clean = len({c.key for c in CHECKS}) - found["check"].nunique()
    return html.Div([dbc.Table([head, body], size="sm", responsive=True, className="aw-small-table", id="dq-checks"),
                     html.Div(t("dq_clean_checks", lang, n=clean), className="aw-hint")])


def bars(rows: pd.DataFrame, lang: str) -> dict:
    """Odd rows per child region stacked by category, most first; ``customdata`` is the drill key."""
    data = rows.sort_values(["odd_rows", "name"], ascending=[True, False])
    traces = [dict(type="bar", orientation="h", y=[axis_label(n) for n in data["name"]], x=[int(v) for v in data[cat]],
                   customdata=list(data["drill"]), name=t(f"dq_cat_{cat}", lang),
                   marker=dict(color=CATEGORY_COLORS[cat])) for cat in CATEGORIES]
    layout = dict(barmode="stack", height=max(230, 26 * len(data) + 70), margin=dict(l=10, r=20, t=10, b=30), plot_bgcolor="white",
                  paper_bgcolor="white", yaxis=dict(automargin=True),
                  # whole rows: small counts get a tick per row, not 0.5 steps rounded to "0 0 1 1"
                  xaxis=dict(gridcolor="#eee", rangemode="tozero", tickformat=",d",
                             **({"dtick": 1} if data["odd_rows"].max() <= 10 else {})),
                  legend=dict(orientation="h", y=-0.2, traceorder="normal"), clickmode="event")
    return label_empty_stacks({"data": traces, "layout": layout}, lang)


def region_columns(level: str, lang: str) -> list[dict]:
    num = {"type": "numericColumn", "filter": "agNumberColumnFilter"}
    return [
        {"field": "name", "headerName": t(level, lang), "pinned": "left", "minWidth": 160},
        {"field": "code", "headerName": t("code", lang), "maxWidth": 120},
        {"field": "records", "headerName": t("dq_records", lang), **num},
        {"field": "odd_rows", "headerName": t("dq_odd_rows", lang), **num, "sort": "desc"},
        {"field": "per_10k", "headerName": t("dq_per_10k", lang), **num},
        *[{"field": cat, "headerName": t(f"dq_cat_{cat}", lang), **num} for cat in CATEGORIES],
    ]


def case_grid(cases: pd.DataFrame, lang: str):
    """A school's odd rows, masked by the caller, with the values that make each one odd."""
    frame = cases.copy()
    frame["check"] = frame["check"].map(lambda k: t(f"dq_check_{k}", lang))
    frame["table"] = frame["table"].map(lambda k: t(f"dq_table_{k}", lang))
    labels = {"check": t("dq_check", lang), "table": t("dq_table", lang), "record": t("dq_record", lang),
              "name": t("student", lang), "id_number": t("id_number", lang), "evidence": t("dq_evidence", lang)}
    widths = {"check": 170, "evidence": 380, "id_number": 175}
    columns = [{"field": f, "headerName": labels[f], "minWidth": widths.get(f, 100)} for f in CASE_COLUMNS]
    return data_grid("dq-cases", frame, columns, height=420)


def content(data, lang: str) -> list:
    """Everything below the header for one view (``data``: dashboard.callbacks.quality.QualityView)."""
    total = data.total.iloc[0]
    show_children = data.region.level != "school"
    rate = "—" if pd.isna(total["per_10k"]) else f"{total['per_10k']:,.1f}"
    parts = [summary_cards(total, lang),
             html.Div(t("dq_note", lang, year=data.year, records=f"{int(total['records']):,}", rate=rate),
                      className="aw-hint",
                      id="dq-note"),
             dbc.Card(dbc.CardBody([html.H2(t("dq_by_check", lang), className="aw-h2"),
                                    check_table(data.checks, lang)]), className="aw-panel")]
    # The chart only where there is something to compare: an all-zero chart is an empty frame. Without
    # it the page has no graph, and Plotly is never loaded (the drill's chart inputs are optional).
    if show_children and int(total["odd_rows"]) > 0:
        shown = data.rows.assign(odd_text=[f"{int(v):,}" for v in data.rows["odd_rows"]])
        columns = [("name", t(data.region.child_level, lang)), ("odd_text", t("dq_odd_rows", lang))]
        parts.append(dbc.Card(dbc.CardBody([
            titled_graph(t("dq_bars_title", lang), id="dq-bars", figure=bars(data.rows, lang),
                         config={"displayModeBar": False}),
            chart_alternative("dq-chart-alt", t("dq_bars_title", lang), shown, columns, "odd_rows", "odd_text", lang,
                              drill_links(drill_template(PATH, data.view), shown["drill"]))]), className="aw-panel"))
    if show_children:
        grid = data_grid("dq-grid", data.rows, region_columns(data.region.child_level, lang), row_id="drill",
                         clickable=True, drill=drill_template(PATH, data.view))
        head = html.Div([html.H2(f"{t('page_quality', lang)} · {t(data.region.child_level, lang)}", className="aw-h2"),
                         export_links("quality", "dq", data.view.query(), lang)], className="aw-panel-head")
        parts.append(dbc.Card(dbc.CardBody([head, html.Div(t("click_to_drill", lang), className="aw-hint"), grid]),
                              className="aw-panel"))
        return parts
    head = html.Div([html.H2(t("dq_cases_title", lang), className="aw-h2"),
                     export_links("quality", "dq", data.view.query(), lang)], className="aw-panel-head")
    if data.cases_note:
        body = dbc.Alert(data.cases_note, color="secondary", id="dq-cases-note")
    elif len(data.cases):
        body = case_grid(data.cases, lang)
    else:
        body = dbc.Alert(t("dq_cases_none", lang), color="success", id="dq-cases-note")
    parts.append(dbc.Card(dbc.CardBody([head, body]), className="aw-panel"))
    return parts
