"""Expansion rollout page (扩围提标): which provinces are not there yet, and why.

Nation: the province step matrix (policy, tiers, average standard, third-year
students, funds by 31 May, report by 6 June), a tile map of steps done and
the 6 June report tracker. Every level: grants per recipient against the
2,300 target, the tier distribution against the declared tiers, and
priority-group coverage; a school lists its priority students without a
grant (masked). ``dashboard.callbacks.rollout`` fills ``content(...)``.
"""

from __future__ import annotations

import datetime as dt

import dash_bootstrap_components as dbc
import pandas as pd
from dash import dcc, html

from aidwatch.contract import FULL_COVERAGE_GROUPS, HARDSHIP_GROUPS
from aidwatch.i18n import N_, t
from aidwatch.metrics.rollout import STEPS, TARGET_YUAN_PER_YEAR, tier_shares
from dashboard.components.chartalt import chart_alternative
from dashboard.components.figure import EMPTY_FIGURE, axis_label, graph, titled_graph
from dashboard.components.stacked import label_empty_stacks
from dashboard.components.grid import data_grid
from dashboard.context import drill_links, drill_template
from dashboard.components.tilegrid import tile_map
from dashboard.pages import framed

# Keys composed at run time (from a prefix and a code, or taken from a column or value list), marked
# for `make i18n` (docs/i18n.md).
COMPOSED_KEYS = (
    N_("ro_gap"), N_("ro_hs_dibao"), N_("ro_hs_disabled"), N_("ro_hs_disabled_parent"),
    N_("ro_hs_edge_poverty"), N_("ro_hs_martyr_child"), N_("ro_hs_orphan"), N_("ro_hs_registered_poor"),
    N_("ro_hs_sudden_hardship"), N_("ro_hs_tekun"), N_("ro_late_fmt"), N_("ro_late_short"), N_("ro_not_declared"),
    N_("ro_overdue_fmt"), N_("ro_overdue_short"), N_("ro_reason_awaiting_approval"), N_("ro_reason_not_applied"),
    N_("ro_reason_rejected"), N_("ro_rep_late"), N_("ro_rep_missing"), N_("ro_rep_on_time"), N_("ro_rep_pending"),
)

PATH = "/rollout"

#: Light cell backgrounds with dark text: readable, and the text itself carries the figure.
STATE_STYLES = {"green": {"backgroundColor": "#d9f0d3", "color": "#0b3d1a"},
                "amber": {"backgroundColor": "#fdebc0", "color": "#4a3500"},
                "red": {"backgroundColor": "#f8d0d3", "color": "#5c0a12"}}
STATE_COLORS = {"green": "#1a7837", "amber": "#e6a817", "red": "#b2182b"}
TIER_COLORS = ["#0b4f8a", "#4f8fc0", "#a6c8e4", "#d5d8dc"]
#: Numeric columns; long Chinese headers wrap instead of being cut off.
NUM = {"type": "numericColumn", "filter": "agNumberColumnFilter", "wrapHeaderText": True, "autoHeaderHeight": True}
#: Whole yuan with thousands separators; an empty cell stays empty (no recipients is not 0 yuan).
YUAN = {"function": "params.value == null ? '—' : d3.format(',.0f')(params.value)"}


def layout(**query):
    """The frame for the URL's view and a store the content callback renders from."""
    return framed(PATH, query, lambda view: [
        dcc.Store(id="ro-view", data=query),
        dcc.Loading(html.Div(id="ro-content", className="aw-content"), type="default", delay_show=300),
    ])


def _iso(day) -> str | None:
    return day.isoformat() if isinstance(day, dt.date) else None


def _money(v) -> str:
    return "—" if v is None or pd.isna(v) else f"{v:,.0f}"


def _pct(v) -> str:
    return "—" if v is None or pd.isna(v) else f"{v:.1f}%"


def state_style(field: str) -> dict:
    """An AG Grid ``cellStyle`` colouring a cell by the row's ``{field}`` (green | amber | red)."""
    return {"styleConditions": [{"condition": f"params.data.{field} === '{state}'", "style": style}
                                for state, style in STATE_STYLES.items()]}


def report_text(status: str, day, late, lang: str, short: bool = False) -> str:
    """'2025-06-09 · 晚 1 个工作日', '未报送 · 已逾期 2 个工作日', '2025-06-06 · 按时报送' …"""
    suffix = "_short" if short else "_fmt"
    if status == "late":
        return f"{_iso(day)} · {t('ro_late' + suffix, lang, n=int(late))}"
    if status == "missing":
        return f"{t('ro_rep_missing', lang)} · {t('ro_overdue' + suffix, lang, n=int(late))}"
    return " · ".join(p for p in (_iso(day), t(f"ro_rep_{status}", lang)) if p)


def step_texts(steps: pd.DataFrame, lang: str) -> pd.DataFrame:
    """The matrix cells: each step's date or figure, as a person reads it."""
    out = steps.copy()
    out["policy_text"] = [_iso(d) or t("ro_not_revised", lang) for d in out["policy_revised_on"]]
    out["tiers_text"] = [t("ro_tiers_fmt", lang, n=int(n), amounts=a.replace(",", "/"))
                         if not pd.isna(n) and a else t("ro_no_tiers", lang)
                         for n, a in zip(out["tier_count"], out["tier_amounts"])]
    out["third_year_text"] = [f"{int(n):,}" + (f" ({n / r:.0%})" if r else "")
                              for n, r in zip(out["third_year_recipients"], out["grant_recipients"])]
    out["funds_text"] = [f"{_iso(d) or t('ro_not_declared', lang)} · {_pct(p)}"
                         for d, p in zip(out["funds_declared_on"], out["disbursed_pct"])]
    out["report_text"] = [report_text(s, d, n, lang, short=True) for s, d, n in
                          zip(out["report_status"], out["report_submitted_on"], out["working_days_late"])]
    return out


def matrix_columns(lang: str) -> list[dict]:
    num = NUM
    return [
        {"field": "name", "headerName": t("province", lang), "pinned": "left", "minWidth": 130},
        {"field": "steps_done", "headerName": t("ro_steps_done", lang), "minWidth": 100, **num, "sort": "asc"},
        {"field": "policy_text", "headerName": t("ro_step_policy", lang), "cellStyle": state_style("policy_state")},
        {"field": "tiers_text", "headerName": t("ro_step_tiers", lang), "minWidth": 180,
         "cellStyle": state_style("tiers_state")},
        {"field": "avg_grant_yuan_per_year", "headerName": t("ro_step_average", lang), **num,
         "valueFormatter": YUAN, "cellStyle": state_style("average_state")},
        {"field": "third_year_text", "headerName": t("ro_step_third_year", lang),
         "cellStyle": state_style("third_year_state")},
        {"field": "funds_text", "headerName": t("ro_step_funds", lang), "minWidth": 160,
         "cellStyle": state_style("funds_state")},
        {"field": "report_text", "headerName": t("ro_step_report", lang), "minWidth": 200,
         "cellStyle": state_style("report_state")},
        {"field": "priority_without_grant", "headerName": t("ro_without", lang), **num,
         "cellStyle": state_style("priority_state")},
        {"field": "report_link", "headerName": t("ro_report_short", lang), "cellRenderer": "RowLink",
         "cellRendererParams": {"href": "report_href"}, "sortable": False, "filter": False, "minWidth": 135,
         "pinned": "right"},
    ]


def children_columns(level: str, lang: str) -> list[dict]:
    num = NUM
    return [
        {"field": "name", "headerName": t(level, lang), "pinned": "left", "minWidth": 170},
        {"field": "code", "headerName": t("code", lang), "maxWidth": 120},
        {"field": "grant_recipients", "headerName": t("ro_recipients", lang), **num},
        {"field": "avg_grant_yuan_per_year", "headerName": t("ro_avg", lang), **num,
         "valueFormatter": YUAN, "cellStyle": state_style("average_state")},
        {"field": "third_year_recipients", "headerName": t("ro_third_year", lang), **num,
         "cellStyle": state_style("third_year_state")},
        {"field": "disbursed_pct", "headerName": t("ro_disbursed", lang), **num, "cellStyle": state_style("funds_state")},
        {"field": "priority_students", "headerName": t("ro_priority", lang), **num},
        {"field": "priority_without_grant", "headerName": t("ro_without", lang), **num,
         "cellStyle": state_style("priority_state")},
    ]


def _card(title: str, figure: str, sub: str = "", state: str | None = None, card_id: str | None = None):
    style = {"borderLeft": f"5px solid {STATE_COLORS[state]}"} if state else {}
    body = dbc.CardBody([html.Div(title, className="aw-card-title"), html.Div(figure, className="aw-card-figure"),
                         html.Div(sub, className="aw-card-sub")])
    return dbc.Col(dbc.Card(body, className="aw-card", style=style, **({"id": card_id} if card_id else {})),
                   xs=6, md=4, xl=2)


def summary_cards(data, lang: str) -> dbc.Row:
    """The selected region's own figures; at nation level also the provinces fully there."""
    s = data.summary.iloc[0]
    cards = []
    if data.region.level == "nation":
        done = int((data.steps["steps_done"] == len(STEPS)).sum())
        cards.append(_card(t("ro_provinces_all", lang), f"{done} / {len(data.steps)}",
                           state="green" if done == len(data.steps) else "red", card_id="ro-kpi-provinces"))
    avg_ok = not pd.isna(s.avg_grant_yuan_per_year) and s.avg_grant_yuan_per_year >= TARGET_YUAN_PER_YEAR
    cards += [
        _card(t("ro_avg", lang), _money(s.avg_grant_yuan_per_year), t("ro_target", lang, target=f"{TARGET_YUAN_PER_YEAR:,}"),
              "green" if avg_ok else "red", "ro-kpi-avg"),
        _card(t("ro_recipients", lang), f"{int(s.grant_recipients):,}",
              f"{t('ro_third_year', lang)} {int(s.third_year_recipients):,}", card_id="ro-kpi-recipients"),
        _card(t("ro_disbursed", lang), _pct(s.disbursed_pct), f"{int(s.paid):,} / {int(s.grant_recipients):,}",
              card_id="ro-kpi-paid"),
        _card(t("ro_priority", lang), f"{int(s.priority_students):,}", f"{t('ro_coverage', lang)} {_pct(s.coverage_pct)}",
              card_id="ro-kpi-priority"),
        _card(t("ro_without", lang), f"{int(s.priority_without_grant):,}",
              f"{t('ro_gap', lang)} {int(s.full_coverage_gap):,}", s.priority_state, "ro-kpi-without"),
    ]
    return dbc.Row(cards, className="g-2 aw-cards")


def province_strip(steps: pd.DataFrame, lang: str, province: str) -> dbc.Card:
    """Below the nation: the province's six steps as coloured cards, so a drill-down keeps the context."""
    row = step_texts(steps, lang).iloc[0]
    texts = {"policy": row.policy_text, "tiers": row.tiers_text, "average": _money(row.avg_grant_yuan_per_year),
             "third_year": row.third_year_text, "funds": row.funds_text, "report": row.report_text}
    cards = [_card(t(f"ro_step_{s}", lang), html.Span(texts[s], style={"fontSize": "1rem"}), "",
                   row[f"{s}_state"], f"ro-step-{s}") for s in STEPS]
    return dbc.Card(dbc.CardBody([html.H2(t("ro_province_steps", lang, province=province), className="aw-h2"),
                                  dbc.Row(cards, className="g-2 aw-cards aw-steps")]), className="aw-panel")


def tracker(steps: pd.DataFrame, lang: str) -> html.Div:
    """The 6 June tracker: provinces by report status, each with its date or delay."""
    blocks = []
    for status, color in (("missing", "danger"), ("late", "warning"), ("pending", "secondary"), ("on_time", "success")):
        part = steps[steps["report_status"] == status].sort_values(["working_days_late", "name"], ascending=[False, True])
        items = [html.Li([html.Strong(r.name), " ", html.Span(report_text(status, r.report_submitted_on,
                                                                           r.working_days_late, lang),
                                                               className="aw-hint")])
                 for r in part.itertuples()]
        blocks.append(html.Div([
            html.Div([dbc.Badge(f"{t(f'ro_rep_{status}', lang)} {len(part)}", color=color, className="aw-status")]),
            html.Ul(items or [html.Li(t("ro_none", lang), className="aw-hint")], className="ro-tracker-list"),
        ], id=f"ro-tracker-{status}"))
    return html.Div([html.H2(t("ro_tracker_title", lang), className="aw-h2"), *blocks], id="ro-tracker")


def average_bars(rows: pd.DataFrame, lang: str) -> dict:
    """Average grant per recipient by child region, lowest first, with the target line; ``customdata`` drills
    (a plain figure dict)."""
    data = rows.assign(sort=rows["avg_grant_yuan_per_year"].fillna(-1)).sort_values(["sort", "name"])
    trace = dict(
        type="bar", x=data["avg_grant_yuan_per_year"].fillna(0).tolist(), y=[axis_label(n) for n in data["name"]],
        orientation="h", customdata=data["drill"].tolist(),
        marker=dict(color=[STATE_COLORS[s] for s in data["average_state"]]),
        text=[f"{t('no_pct', lang) if pd.isna(a) else _money(a)}  ({int(n):,})"
              for a, n in zip(data["avg_grant_yuan_per_year"], data["grant_recipients"])],
        # a region without recipients has no bar: its label goes outside, so that it still says so
        textposition=["outside" if pd.isna(a) else "auto" for a in data["avg_grant_yuan_per_year"]],
        insidetextanchor="start", hoverinfo="text", cliponaxis=False,
        hovertext=[f"{nm}: {_money(a)} · {t('ro_recipients', lang)} {int(n):,}"
                   for nm, a, n in zip(data["name"], data["avg_grant_yuan_per_year"], data["grant_recipients"])],
    )
    top = max(float(data["avg_grant_yuan_per_year"].max()) if data["avg_grant_yuan_per_year"].notna().any() else 0,
              TARGET_YUAN_PER_YEAR) * 1.1
    layout = dict(
        height=max(220, 26 * len(data) + 60), margin=dict(l=10, r=20, t=25, b=30), plot_bgcolor="white",
        paper_bgcolor="white", xaxis=dict(range=[0, top], gridcolor="#eee"),
        yaxis=dict(automargin=True, autorange="reversed"), clickmode="event",
        # the target line as a plain layout shape: ``add_vline`` costs more than the whole bar trace
        shapes=[dict(type="line", x0=TARGET_YUAN_PER_YEAR, x1=TARGET_YUAN_PER_YEAR, y0=0, y1=1, yref="paper",
                     line=dict(color="#333", dash="dash"))],
        # left of its line: the line is near the right edge, where a phone's chart has no room
        annotations=[dict(x=TARGET_YUAN_PER_YEAR, y=1, yref="paper", yanchor="bottom", xanchor="right", showarrow=False,
                          text=t("ro_target", lang, target=f"{TARGET_YUAN_PER_YEAR:,}"))],
    )
    return {"data": [trace], "layout": layout}


def tier_bars(tiers: pd.DataFrame, rows: pd.DataFrame, lang: str) -> dict:
    """Each child region's recipients by tier (share), hover: declared vs actual yearly amount (a plain figure
    dict)."""
    names = dict(zip(rows["drill"].astype(str), map(axis_label, rows["name"])))
    # every region, those without recipients too: they are labelled "no data" rather than left out
    order = list(rows.sort_values("name")["drill"].astype(str))
    shown = [names.get(c, c) for c in order]
    traces = []
    for i, tier in enumerate(sorted(tiers["tier"].dropna().unique()) + ([None] if tiers["tier"].isna().any() else [])):
        part = tiers[tiers["tier"].isna()] if tier is None else tiers[tiers["tier"] == tier]
        part = part.set_index("code").reindex(order).dropna(subset=["recipients"])
        label = t("ro_tier_none", lang) if tier is None else t("ro_tier_n", lang, n=int(tier))
        traces.append(dict(
            type="bar", x=part["share_pct"].tolist(), y=[names.get(c, c) for c in part.index], orientation="h",
            name=label,
            marker=dict(color=TIER_COLORS[min(i, len(TIER_COLORS) - 1)] if tier is not None else TIER_COLORS[-1]),
            text=[_money(d) if not pd.isna(d) else "" for d in part["declared_yuan"]], textposition="inside",
            hoverinfo="text", hovertext=[t("ro_tier_hover", lang, name=names.get(c, c), tier=label, n=int(r.recipients),
                                           share=_pct(r.share_pct), declared=_money(r.declared_yuan),
                                           actual=_money(r.mean_yuan_per_year), off=int(r.off_tier))
                                         for c, r in zip(part.index, part.itertuples())],
        ))
    height = max(170, 30 * len(order) + 90)
    layout = dict(
        barmode="stack", height=height, margin=dict(l=10, r=20, t=20, b=30), plot_bgcolor="white",
        paper_bgcolor="white", xaxis=dict(range=[0, 100], ticksuffix="%", gridcolor="#eee"), bargap=0.35,
        yaxis=dict(automargin=True, autorange="reversed", categoryorder="array", categoryarray=shown),
        # 45 px below the plot whatever its height (a fraction of a tall chart left a wide gap above it)
        legend=dict(orientation="h", y=-45 / (height - 50), yanchor="top", traceorder="normal"),
    )
    return label_empty_stacks({"data": traces, "layout": layout}, lang, shown)


def average_alternative(rows: pd.DataFrame, level_name: str, lang: str, hrefs: list[str] | None):
    """The average-grant bars' text alternative (``dashboard.components.chartalt``)."""
    shown = rows.assign(avg_text=[_money(a) for a in rows["avg_grant_yuan_per_year"]],
                        recipients_text=[f"{int(n):,}" for n in rows["grant_recipients"]])
    columns = [("name", level_name), ("avg_text", t("ro_avg", lang)), ("recipients_text", t("ro_recipients", lang))]
    return chart_alternative("ro-bars-alt", t("ro_avg_title", lang, target=f"{TARGET_YUAN_PER_YEAR:,}"), shown,
                             columns, "avg_grant_yuan_per_year", "avg_text", lang, hrefs)


def tier_alternative(tiers: pd.DataFrame, rows: pd.DataFrame, level_name: str, lang: str, hrefs: list[str] | None):
    """The tier bars' text alternative: each region's tier shares, its sentence ranking the regions by the
    share of recipients not paid their tier's declared amount (what the chart's hover tells per tier)."""
    shares = tier_shares(tiers, rows["drill"].astype(str))
    keys = [c for c in shares.columns if c.startswith("share_")]
    shown = shares.assign(name=list(rows["name"]), recipients_text=[f"{n:,}" for n in shares["recipients"]],
                          off_text=[_pct(v) for v in shares["off_tier_pct"]],
                          **{f"{k}_text": [_pct(v) for v in shares[k]] for k in keys})
    heads = {k: t("ro_tier_none", lang) if k == "share_none" else t("ro_tier_n", lang, n=int(k.removeprefix("share_")))
             for k in keys}
    columns = [("name", level_name), ("recipients_text", t("ro_recipients", lang)),
               *((f"{k}_text", heads[k]) for k in keys), ("off_text", t("ro_off_tier", lang))]
    return chart_alternative("ro-tiers-alt", t("ro_tiers_alt", lang), shown, columns, "off_tier_pct", "off_text",
                             lang, hrefs)


def priority_grid(rows: pd.DataFrame, level: str, lang: str):
    """Per child region: priority students, those without a grant, coverage, and each group's gap."""
    num = {**NUM, "minWidth": 95}
    columns = [
        {"field": "name", "headerName": t(level, lang), "pinned": "left", "minWidth": 150},
        {"field": "priority_students", "headerName": t("ro_priority", lang), **num},
        {"field": "priority_without_grant", "headerName": t("ro_without", lang), **num,
         "cellStyle": state_style("priority_state")},
        {"field": "coverage_pct", "headerName": t("ro_coverage", lang), **num},
    ]
    for group in HARDSHIP_GROUPS:
        full = group in FULL_COVERAGE_GROUPS
        columns.append({"field": f"without_{group}", "headerName": t(f"ro_hs_{group}", lang), **num,
                        "cellStyle": {"styleConditions": [{"condition": "params.value > 0",
                                                           "style": STATE_STYLES["red" if full else "amber"]}]}})
    return data_grid("ro-priority", rows, columns, row_id="drill", height=360)


def case_grid(cases: pd.DataFrame, lang: str):
    """The school's priority students without a grant, already masked by the caller."""
    frame = cases.copy()
    frame["hardship"] = frame["hardship"].map(lambda g: t(f"ro_hs_{g}", lang))
    frame["reason"] = frame["reason"].map(lambda r: t(f"ro_reason_{r}", lang))
    for col in ("enrolled_on", "grant_submitted_on"):
        frame[col] = frame[col].map(_iso)
    fields = {"name": t("student", lang), "id_number": t("id_number", lang), "hardship": t("ro_hardship", lang),
              "intake_term": t("intake_term", lang), "enrolled_on": t("enrolled_on", lang),
              "grant_submitted_on": t("ro_grant_submitted_on", lang), "reason": t("ro_reason", lang)}
    return data_grid("ro-cases", frame[list(fields)], [{"field": f, "headerName": h} for f, h in fields.items()],
                     height=420)


def report_href(view, province: str) -> str:
    """The province's draft 6 June report as of the view's date (``/export/rollout-report.docx``)."""
    return "/export/rollout-report.docx" + view.query(province=province, city=None, school=None)


def _exports(view, province: str | None = None) -> html.Div:
    """The page's downloads; on a province's view also its draft report."""
    report = [html.A(t("ro_report", view.lang), href=report_href(view, province), id="ro-export-report",
                     className="btn btn-outline-primary btn-sm")] if province else []
    return html.Div([
        html.A(t("export_csv", lang := view.lang), href="/export/rollout.csv" + view.query(),
               className="btn btn-outline-secondary btn-sm", id="ro-export-csv"),
        html.A(t("export_xlsx", lang), href="/export/rollout.xlsx" + view.query(),
               className="btn btn-outline-secondary btn-sm", id="ro-export-xlsx"),
        *report,
    ], className="aw-exports")


def _panel(*children, **kw) -> dbc.Card:
    return dbc.Card(dbc.CardBody(list(children)), className="aw-panel", **kw)


def content(data, lang: str) -> list:
    """Everything below the header for one view."""
    view, level = data.view, data.region.level
    nation, school = level == "nation", level == "school"
    parts = [summary_cards(data, lang)]
    rows = data.rows
    if nation:
        rows = steps = step_texts(rows, lang)
        tiles = tile_map(dict(zip(steps["code"], steps["steps_done"].astype(int))),
                         {c: f"{n}/{len(STEPS)}" for c, n in zip(steps["code"], steps["steps_done"])},
                         lang, cmax=len(STEPS), unit=t("ro_steps_unit", lang),
                         hover={r.code: f"{r.name}: {r.steps_done}/{len(STEPS)}" for r in steps.itertuples()})
        parts.append(_panel(dbc.Row([
            dbc.Col(titled_graph(t("ro_tiles_title", lang), id="ro-tiles", figure=tiles,
                                 config={"displayModeBar": False}), md=6),
            dbc.Col(tracker(steps, lang), md=6),
        ], className="g-2")))
        rows = rows.assign(report_link=t("ro_report_short", lang),
                           report_href=[report_href(view, code) for code in rows["code"]])
        grid = data_grid("ro-grid", rows, matrix_columns(lang), row_id="drill", clickable=True, height=560,
                         drill=drill_template(PATH, view))
        head = t("ro_matrix_title", lang)
        hint = t("ro_matrix_hint", lang)
    else:
        parts.insert(0, province_strip(data.steps, lang, data.steps.iloc[0]["name"]))
        parts.append(html.Div(graph(id="ro-tiles", figure=EMPTY_FIGURE), style={"display": "none"}))
        grid = data_grid("ro-grid", rows, children_columns(data.region.child_level, lang), row_id="drill",
                         clickable=True, drill=drill_template(PATH, view))
        head = t("ro_children_title", lang, level=t(data.region.child_level, lang))
        hint = t("click_to_drill", lang)
    if school:
        parts.append(html.Div(grid, style={"display": "none"}))
    else:
        province = data.region.province if level == "province" else None
        parts.append(_panel(html.Div([html.H2(head, className="aw-h2"), _exports(view, province)],
                                     className="aw-panel-head"),
                            html.Div(hint, className="aw-hint"), grid))
    level_name = t(data.region.child_level if not school else "school", lang)
    hrefs = None if school else drill_links(drill_template(PATH, view), rows["drill"])
    charts = dbc.Row([
        dbc.Col(titled_graph(t("ro_avg_title", lang, target=f"{TARGET_YUAN_PER_YEAR:,}"), id="ro-bars",
                             figure=average_bars(rows, lang) if not school else EMPTY_FIGURE,
                             config={"displayModeBar": False},
                             after=[] if school else [average_alternative(rows, level_name, lang, hrefs)]),
                md=6, style={"display": "none"} if school else {}),
        dbc.Col(titled_graph(t("ro_tiers_title", lang), id="ro-tiers", figure=tier_bars(data.tiers, rows, lang),
                             config={"displayModeBar": False},
                             after=[tier_alternative(data.tiers, rows, level_name, lang, hrefs)]),
                md=12 if school else 6),
    ], className="g-2")
    parts.append(_panel(charts))
    parts.append(_panel(html.H2(t("ro_priority_title", lang), className="aw-h2"),
                        html.Div(t("ro_priority_hint", lang), className="aw-hint"),
                        priority_grid(rows, data.region.child_level if not school else "school", lang)))
    if school:
        body = [html.Div([html.H2(t("ro_cases_title", lang), className="aw-h2"), _exports(view)],
                         className="aw-panel-head")]
        if data.cases_note:
            body.append(dbc.Alert(data.cases_note, color="secondary", id="ro-cases-note"))
        elif data.cases is not None and data.cases.empty:
            body.append(dbc.Alert(t("ro_cases_none", lang), color="success", id="ro-cases-note"))
        else:
            body.append(case_grid(data.cases, lang))
        parts.append(_panel(*body))
    return parts
