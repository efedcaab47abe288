"""Data-quality page (数据质量): odd rows per region, per check, and a school's offending rows.

The counts describe the replica's rows at its snapshot (not as of D); the
checks and why each is one are in docs/data-quality.md.
"""

from __future__ import annotations

import dash_bootstrap_components as dbc
import pandas as pd
from dash import dcc, html

from aidwatch.metrics.quality import CASE_COLUMNS, CATEGORIES, CHECKS
from dashboard.components.exports import export_links
from dashboard.components.figure import axis_label, titled_graph
from dashboard.components.stacked import label_empty_stacks
from dashboard.components.grid import data_grid
from dashboard.components.chartalt import chart_alternative
from dashboard.context import drill_links, drill_template
from dashboard.components.status import STATUS_COLORS
from dashboard.i18n import add_strings, t
from dashboard.pages import framed

PATH = "/quality"

add_strings({
    "page_quality": ("数据质量", "Data quality"),
    "dq_odd_rows": ("异常记录", "Odd rows"),
    "dq_records": ("检查记录数", "Rows checked"),
    "dq_per_10k": ("每万行异常", "Odd per 10,000 rows"),
    "dq_note": ("检查 {year} 年度的记录（按学期、异动日期、推送日期、毕业日期或检查年度归属）、日期超出工作日历的记录"
                "和全部学校，以副本当前快照为准，与截至日期无关；同一行触发几项检查即计几次。共检查 {records} 行，"
                "每万行 {rate} 条异常。",
                "The checks read the records of {year} (by term, change date, push date, graduation date or "
                "inspection year), records dated outside the working-day calendar and every school, as the replica "
                "holds them now, whatever the as-of date; a row failing two checks counts twice. {records} rows "
                "checked, {rate} odd rows per 10,000."),
    "dq_by_check": ("各项检查", "Checks"),
    "dq_check": ("检查项", "Check"),
    "dq_table": ("数据表", "Table"),
    "dq_count": ("异常数", "Odd rows"),
    "dq_all_clean": ("各项检查均未发现异常。", "No check found anything."),
    "dq_clean_checks": ("其余 {n} 项检查为 0。", "The other {n} checks found nothing."),
    "dq_bars_title": ("下级异常记录（按类别）", "Odd rows below, by category"),
    "dq_cases_title": ("本校异常记录", "This school's odd rows"),
    "dq_cases_none": ("本校没有异常记录。", "No odd rows at this school."),
    "dq_record": ("记录", "Record"),
    "dq_evidence": ("依据", "Evidence"),
    **{f"dq_cat_{k}": v for k, v in {
        "dates": ("日期顺序异常", "Dates out of order"),
        "orphans": ("学生不存在", "Unknown students"),
        "headcounts": ("在校人数存疑", "Doubtful headcounts"),
        "values": ("取值异常", "Odd values"),
        "calendar": ("日历未知年份", "Years the calendar lacks"),
    }.items()},
    **{f"dq_check_{k}": v for k, v in {
        "registered_before_enrolled": ("注册早于入学", "Registered before enrolled"),
        "reg_approved_before_registered": ("注册审核早于注册", "Registration approved before registered"),
        "enrolled_before_born": ("入学早于出生", "Enrolled before born"),
        "recorded_before_occurred": ("异动办理早于发生", "Change recorded before it occurred"),
        "decided_before_recorded": ("异动审批早于办理", "Change decided before recorded"),
        "change_before_enrolment": ("异动早于入学", "Status change before enrolment"),
        "approved_before_submitted": ("资助审批早于申报", "Aid approved before submitted"),
        "disbursed_before_approved": ("资助发放早于审批", "Aid paid before approved"),
        "verified_before_pushed": ("重复核实早于推送", "Match verified before pushed"),
        "rectified_before_pushed": ("重复整改早于推送", "Match rectified before pushed"),
        "uploaded_before_graduated": ("毕业数据上传早于毕业", "Graduation uploaded before graduating"),
        "rectified_before_inspected": ("检查整改早于检查", "Rectified before inspected"),
        "closed_before_opened": ("停办早于开办", "School closed before opened"),
        "orphan_student": ("学生不存在", "Unknown student"),
        "headcount_zero": ("在校人数为零", "Zero headcount"),
        "intake_zero_with_students": ("报告新生数为零但有新生", "Zero intake reported, new students registered"),
        "headcount_above_registry": ("在校人数远超学籍人数", "Headcount far above the registry's students"),
        "value_unknown": ("取值不在规定范围", "Value outside its set"),
        "number_implausible": ("数值不合理", "Implausible number"),
        "province_mismatch": ("省份与学校不一致", "Province differs from the school's"),
        "calendar_unknown": ("日期年份超出工作日历", "Year unknown to the working-day calendar"),
    }.items()},
    **{f"dq_table_{k}": v for k, v in {
        "student": ("学生", "student"), "status_change": ("学籍异动", "status change"),
        "aid_record": ("资助记录", "aid record"), "duplicate_match": ("重复资助比对", "duplicate match"),
        "graduation": ("毕业", "graduation"), "inspection": ("检查", "inspection"),
        "school_headcount": ("学校人数", "school headcount"), "school": ("学校", "school"),
    }.items()},
})

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
    return t("dq_odd_rows" if key == "odd_rows" else f"dq_cat_{key}", lang)


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
    """Everything below the header for one view (``data``: callbacks.quality.QualityView)."""
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
