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

from dashboard.components.status import judgement
from views.palette import TEXT_COLORS
from aidwatch.i18n import N_, deadline_name, t, value_name
from dashboard.pages import framed
from dashboard.pages.inspections import reason_href, reason_text, school_query, PATH as INSPECTIONS_PATH

# Keys composed at run time (from a prefix and a code, or taken from a column or value list), marked
# for `make i18n` (docs/i18n.md).
COMPOSED_KEYS = (
    N_("section_funding"), N_("sig_funding_gap_students"), N_("sig_funding_gap_yuan"),
    N_("finding_count"), N_("inspected_on"), N_("page_school"), N_("rectified_on"), N_("sch_month"), N_("sch_week"),
    N_("section_backlog"), N_("section_deadlines"), N_("section_duplicates"), N_("section_inspections"),
    N_("section_records"), N_("section_rollout"), N_("serious"), N_("sig_approvals_late"), N_("sig_changes"),
    N_("sig_changes_late"), N_("sig_disbursed_pct"), N_("sig_duplicates_open"), N_("sig_duplicates_overdue"),
    N_("sig_duplicates_repeat"), N_("sig_graduates_approval_overdue"), N_("sig_graduates_certified_pct"),
    N_("sig_graduates_no_certificate"), N_("sig_graduates_upload_overdue"), N_("sig_grant_recipients"),
    N_("sig_inspections"), N_("sig_overdue_approval"), N_("sig_phantom_suspects"), N_("sig_priority_students"),
    N_("sig_priority_without_grant"), N_("sig_records_awaiting"), N_("sig_records_late"), N_("sig_records_overdue"),
    N_("sig_risk_score"), N_("sig_serious_open"), N_("sig_third_year_recipients"), N_("value_private"),
    N_("value_public"), N_("value_senior_technical"), N_("value_technical"), N_("value_technician_college"),
)

PATH = "/school"
#: The page that lists a section's cases for one school.
SECTION_PAGES = {"deadlines": "/deadlines", "duplicates": "/duplicates", "backlog": "/backlog",
                 "rollout": "/rollout", "inspections": None, "records": "/records",
                 "funding": "/funding"}



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
                         html.Td(t("yes", lang) if r.serious else t("no", lang),
                                 className="text-danger" if r.serious else ""),
                         html.Td(_day(r.rectified_on))]) for r in p.history.itertuples()]
        body.append(dbc.Table([head, html.Tbody(rows)], size="sm", responsive=True, className="aw-small-table", id="sch-history"))
    return dbc.Card(dbc.CardBody(body), className="aw-panel")


def content(p, lang: str) -> list:
    """Everything below the header for one school (``p``: dashboard.callbacks.school.Profile)."""
    return [dbc.Row([dbc.Col(attributes(p, lang), md=8), dbc.Col(score_card(p, lang), md=4)], className="g-2"),
            signal_table(p, lang), history_table(p, lang)]
