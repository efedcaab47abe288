"""School profile (学校档案): the end of every drill-down.

The school's attributes and flags, its risk score and reasons, every page's
signal as of D with its trend (a month and a week before), its inspections,
and links to its case lists on each page (not for leadership, who see the
aggregates only).
"""

from __future__ import annotations

import dash_bootstrap_components as dbc
import pandas as pd
from dash import dcc, html

from dashboard.components.status import TEXT_COLORS, judgement
from dashboard.i18n import add_strings, deadline_name, t, value_name
from dashboard.pages import framed
from dashboard.pages.inspections import PATH as INSPECTIONS_PATH, reason_href, reason_text, school_query

PATH = "/school"
#: The page that lists a section's cases for one school.
SECTION_PAGES = {"deadlines": "/deadlines", "duplicates": "/duplicates", "backlog": "/backlog",
                 "rollout": "/rollout", "inspections": None, "records": "/records",
                 "funding": "/funding"}

add_strings({
    "page_school": ("学校档案", "School profile"),
    "sch_choose": ("请从检查重点排序或任一页面的学校行打开学校档案。",
                   "Open a school profile from the inspection ranking or any school row."),
    "sch_to_ranking": ("前往检查重点", "Go to inspection priorities"),
    "sch_attributes": ("基本信息", "Attributes"),
    "sch_level": ("办学层次", "Level"),
    "sch_ownership": ("举办性质", "Ownership"),
    "sch_opened": ("设立日期", "Opened"),
    "sch_closed": ("撤销日期", "Closed"),
    "sch_flags": ("关注标记", "Flags"),
    "sch_no_flags": ("无", "none"),
    "sch_score": ("风险分（满分 100）", "Risk score (out of 100)"),
    "sch_signals": ("各页面信号及趋势", "Every page's signals and their trend"),
    "sch_signal": ("信号", "Signal"),
    "sch_month": ("一个月前", "A month before"),
    "sch_week": ("一周前", "A week before"),
    "sch_trend": ("趋势", "Trend"),
    "sch_cases": ("个案", "Cases"),
    "sch_open_cases": ("查看个案", "Open cases"),
    "sch_history": ("检查记录", "Inspections"),
    "sch_history_none": ("截至该日没有检查记录。", "No inspections up to this date."),
    "inspected_on": ("检查日期", "Inspected"),
    "finding_count": ("问题数", "Findings"),
    "serious": ("严重问题", "Serious"),
    "rectified_on": ("整改日期", "Rectified"),
    "yes": ("是", "yes"), "no": ("否", "no"),
    "section_deadlines": ("时间节点", "Deadlines"),
    "section_duplicates": ("重复资助", "Duplicate aid"),
    "section_backlog": ("学籍异动", "Status changes"),
    "section_rollout": ("扩围提标", "Expansion rollout"),
    "section_inspections": ("检查", "Inspections"),
    "section_records": ("学籍与毕业（监测口径 10 个工作日）", "Records & graduation (10-working-day convention)"),
    "sig_records_awaiting": ("学籍待审批（人）", "Records awaiting approval"),
    "sig_records_overdue": ("学籍逾期未审批（人）", "Records: approval overdue"),
    "sig_records_late": ("学籍逾期审批（人）", "Records approved late"),
    "sig_graduates_upload_overdue": ("毕业生逾期未上传（人）", "Graduates: upload overdue"),
    "sig_graduates_approval_overdue": ("毕业生逾期未审批（人）", "Graduates: approval overdue"),
    "sig_graduates_no_certificate": ("已审批无证书（人）", "Approved, no certificate"),
    "sig_graduates_certified_pct": ("毕业证书在线率", "Certificates online"),
    "section_funding": ("资金缺口（最新学期，估算为上限）", "Funding gap (latest term; the estimate is an upper bound)"),
    "sig_funding_gap_students": ("缺口人数（未申报 + 已申报未审批）", "Students in the gap (not declared + not approved)"),
    "sig_funding_gap_yuan": ("估算缺口（元，上限）", "Estimated gap (yuan, upper bound)"),
    "sig_approvals_late": ("资助审批逾期（条）", "Aid approvals late (records)"),
    "sig_duplicates_open": ("重复资助未办结", "Duplicate matches open"),
    "sig_duplicates_overdue": ("重复资助逾期未办结", "Duplicate matches overdue"),
    "sig_duplicates_repeat": ("重复比中学生", "Students matched again"),
    "sig_changes": ("学籍异动", "Status changes"),
    "sig_changes_late": ("逾期办理或逾期未办理", "Recorded late or overdue"),
    "sig_overdue_approval": ("逾期未审批", "Approval overdue"),
    "sig_phantom_suspects": ("疑似空挂学籍", "Phantom suspects"),
    "sig_grant_recipients": ("春季助学金获助人数", "Spring grant recipients"),
    "sig_third_year_recipients": ("其中三年级", "of which third-year"),
    "sig_disbursed_pct": ("已发放 %", "Disbursed %"),
    "sig_priority_students": ("资助重点学生", "Priority students"),
    "sig_priority_without_grant": ("重点学生未获助学金", "Priority students without a grant"),
    "sig_inspections": ("本年度检查次数", "Inspections this year"),
    "sig_serious_open": ("未整改严重问题", "Serious findings not rectified"),
    "sig_risk_score": ("风险分", "Risk score"),
}, {
    "technician_college": ("技师学院", "Technician college"), "senior_technical": ("高级技工学校", "Senior technical school"),
    "technical": ("技工学校", "Technical school"), "public": ("公办", "Public"), "private": ("民办", "Private"),
})


def layout(**query):
    """The frame for the URL's view and a store the content callback renders from."""
    return framed(PATH, query, lambda view: [
        dcc.Store(id="sch-view", data=query),
        dcc.Loading(html.Div(id="sch-content", className="aw-content"), type="default", delay_show=300),
    ])


def choose_school(view, lang: str):
    return dbc.Alert([t("sch_choose", lang), " ",
                      dcc.Link(t("sch_to_ranking", lang), href=INSPECTIONS_PATH + view.query(), id="sch-to-ranking")],
                     color="info", id="sch-choose")


def _day(value) -> str:
    return value.isoformat() if value is not None and not pd.isna(value) else "—"


def attributes(p, lang: str):
    s = p.school
    flags = [dbc.Badge(t(f"reason_{f}", lang), color="warning", text_color="dark", className="me-1")
             for f in ("dual_plate", "joint_enrollment") if s[f]]
    items = [(t("code", lang), s["school_code"]), (t("city", lang), f"{p.labels.get('province') or ''} · {s['city']}"),
             (t("sch_level", lang), value_name(s["level"], lang)),
             (t("sch_ownership", lang), value_name(s["ownership"], lang)),
             (t("sch_opened", lang), _day(s["opened_on"])), (t("sch_closed", lang), _day(s["closed_on"])),
             (t("sch_flags", lang), flags or t("sch_no_flags", lang))]
    body = [html.H2(s["name"], className="aw-h2", id="sch-name"),
            html.Dl([part for k, v in items for part in (html.Dt(k, className="col-sm-4"), html.Dd(v, className="col-sm-8"))],
                    className="row mb-0")]
    return dbc.Card(dbc.CardBody(body), className="aw-panel", id="sch-attributes")


def score_card(p, lang: str):
    s = p.school
    reasons = [html.Li(dcc.Link(f"{reason_text(n, s, lang)} (+{s['points_' + n]:.1f})",
                                href=reason_href(n, s, p.view, p.as_of, p.cases_allowed), id=f"sch-reason-{n}"))
               for n in s["reasons"]]
    colour = TEXT_COLORS["overdue"] if s["risk_score"] >= 50 else TEXT_COLORS["at_risk"] if s["risk_score"] >= 25 \
        else TEXT_COLORS["on_track"]
    return dbc.Card(dbc.CardBody([
        html.Div(t("sch_score", lang), className="aw-card-title"),
        html.Div(f"{s['risk_score']:.1f}", className="aw-card-figure", style={"color": colour}, id="sch-score"),
        html.Ul(reasons, className="mb-0 ps-3", id="sch-reasons"),
    ]), className="aw-panel", id="sch-score-card")


def _signal_name(section: str, key: str, lang: str) -> str:
    return deadline_name(key, lang) if section == "deadlines" and key != "approvals_late" else t(f"sig_{key}", lang)


def _trend(row, lang: str):
    """An arrow from a month before to D, red when it moved the bad way, and "better" or "worse" besides."""
    old, new = row["value_0"], row[f"value_{len(TREND)-1}"]
    if old is None or new is None or pd.isna(old) or pd.isna(new) or old == new:
        return html.Td("→", className="text-muted")
    worse = (new > old) == bool(row["worse_up"])
    return html.Td(["↑" if new > old else "↓", " ", judgement(worse, lang)],
                   className="text-danger" if worse else "text-success")


TREND = ("sch_month", "sch_week", "as_of")


def signal_table(p, lang: str):
    head = html.Thead(html.Tr([html.Th(t("sch_signal", lang)), *[html.Th(f"{t(k, lang)} {d:%m-%d}") for k, d in
                                                                    zip(TREND, p.dates)],
                               html.Th(t("sch_trend", lang)), html.Th(t("sch_cases", lang) if p.cases_allowed else "")]))
    rows = []
    for section, part in p.signals.groupby("section", sort=False):
        target = SECTION_PAGES[section]
        link = (dcc.Link(t("sch_open_cases", lang) + " →", href=target + school_query(p.view, p.school),
                         id=f"sch-cases-{section}") if target and p.cases_allowed else "")
        rows.append(html.Tr([html.Th(t(f"section_{section}", lang), colSpan=5), html.Td(link)],
                            className="table-light"))
        for _, row in part.iterrows():
            rows.append(html.Tr([html.Td(_signal_name(section, row["signal"], lang), className="ps-3"),
                                 *[html.Td(row[f"text_{i}"]) for i in range(len(TREND))],
                                 _trend(row, lang), html.Td("")],
                                id=f"sch-signal-{row['signal']}"))
    return dbc.Card(dbc.CardBody([html.H2(t("sch_signals", lang), className="aw-h2"),
                                  dbc.Table([head, html.Tbody(rows)], size="sm", responsive=True, className="aw-small-table")]),
                    className="aw-panel", id="sch-signals")


def history_table(p, lang: str):
    body = [html.H2(t("sch_history", lang), className="aw-h2")]
    if p.history.empty:
        body.append(dbc.Alert(t("sch_history_none", lang), color="warning", id="sch-history-none"))
    else:
        cols = ("year", "inspected_on", "finding_count", "serious", "rectified_on")
        head = html.Thead(html.Tr([html.Th(t(c, lang)) for c in cols]))
        rows = [html.Tr([html.Td(str(r.year)), html.Td(_day(r.inspected_on)), html.Td(str(r.finding_count)),
                         html.Td(t("yes" if r.serious else "no", lang), className="text-danger" if r.serious else ""),
                         html.Td(_day(r.rectified_on))]) for r in p.history.itertuples()]
        body.append(dbc.Table([head, html.Tbody(rows)], size="sm", responsive=True, className="aw-small-table", id="sch-history"))
    return dbc.Card(dbc.CardBody(body), className="aw-panel")


def content(p, lang: str) -> list:
    """Everything below the header for one school (``p``: callbacks.school.Profile)."""
    return [dbc.Row([dbc.Col(attributes(p, lang), md=8), dbc.Col(score_card(p, lang), md=4)], className="g-2"),
            signal_table(p, lang), history_table(p, lang)]
