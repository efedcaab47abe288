"""Funding-gap risk page (资金缺口风险): layout and the pieces its callback fills in.

The notice (§二(三)) makes the province, city and school bear a central-subsidy
gap that arises because students at school were never declared in the system,
or their declared aid was approved late. The page says in one sentence where
the gap is largest and why, then shows per begun term (the latest first) the
region's figures, a picture of the gap in yuan beside the share of headcount
declared, and the regions sorted by the estimated gap; a school shows its
declared students not yet approved (masked, audited). The yuan figure is an
estimate and an upper bound, and the page labels it so.
"""

from __future__ import annotations

from decimal import Decimal

import dash_bootstrap_components as dbc
import pandas as pd
from dash import dcc, html

from aidwatch.metrics.funding import CASE_COLUMNS
from dashboard.components.chartalt import chart_alternative
from dashboard.components.exports import export_links
from dashboard.components.figure import axis_label, titled_graph
from dashboard.components.grid import case_columns, case_frame, data_grid
from views.palette import STATUS_COLORS, TEXT_COLORS
from dashboard.components.tilegrid import tile_map
from dashboard.context import drill_links, drill_template
from aidwatch.i18n import N_, status_name, t, value_name
from dashboard.pages import framed

# Keys composed at run time (a column, a term, a cause, a status), marked for `make i18n` (docs/i18n.md).
COMPOSED_KEYS = (
    N_("fd_approved"), N_("fd_avg_aid_yuan"), N_("fd_cause_unapproved"), N_("fd_cause_undeclared"),
    N_("fd_declared"), N_("fd_due"), N_("fd_headcount"), N_("fd_no_data"), N_("fd_no_gap"), N_("fd_summary"),
    N_("fd_summary_school"), N_("fd_term_A"), N_("fd_term_S"), N_("fd_unapproved"), N_("fd_unapproved_yuan"),
    N_("fd_undeclared"), N_("value_clear"), N_("value_open"),
)


PATH = "/funding"
#: Each term's section drills from its own store (same view): spring, autumn.
SECTIONS = ("fds", "fda")


#: The grid's columns after name and code, in the export's order.
FIELDS = ("headcount", "declared", "approved", "undeclared", "unapproved", "gap_students", "unapproved_yuan",
          "avg_aid_yuan", "gap_yuan", "status")
MONEY = ("unapproved_yuan", "avg_aid_yuan", "gap_yuan")
CARDS = ("headcount", "declared", "approved", "undeclared", "unapproved", "gap_students", "unapproved_yuan",
         "gap_yuan")
#: Status → the deadline palette's tone (``dashboard.components.status``).
TONE = {"clear": "done", "open": "on_track", "at_risk": "at_risk", "no_data": "no_data"}
YUAN_2 = {"function": "params.value == null ? '—' : d3.format(',.2f')(params.value)"}
YUAN_0 = {"function": "params.value == null ? '—' : d3.format(',.0f')(params.value)"}


def layout(**query):
    return framed(PATH, query, lambda view: [
        dcc.Store(id="fd-view", data=query), *(dcc.Store(id=f"{p}-view", data=query) for p in SECTIONS),
        dcc.Loading(html.Div(id="fd-content", className="aw-content"), type="default", delay_show=300),
    ])


def money(value, lang: str, decimals: int = 0) -> str:
    """A yuan figure as shown: thousands separated, '—' when it cannot be priced."""
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return "—"
    return f"{Decimal(value):,.{decimals}f}"


def short_money(value, lang: str) -> str:
    """A yuan figure short enough for a tile: 万 in Chinese, k / M in English."""
    if value is None:
        return "—"
    v = float(value)
    if lang == "en":
        return f"{v / 1e6:.1f}M" if v >= 1e6 else (f"{v / 1e3:.0f}k" if v >= 1e3 else f"{v:.0f}")
    return f"{v / 1e4:.0f}万" if v >= 1e5 else (f"{v / 1e4:.1f}万" if v >= 1e4 else f"{v:.0f}")


def term_label(code: str, lang: str) -> str:
    return t(f"fd_term_{code[4]}", lang, year=code[:4])


def summary(data, lang: str) -> str:
    """The page's one sentence: which child region's gap is largest in the latest begun term, how large, and
    why (the larger of its two causes); then the region's total."""
    as_of = data.as_of.isoformat()
    if not data.terms:
        return t("fd_no_term", lang, as_of=as_of, year=data.year)
    term = data.terms[-1].code
    rows = data.rows[(data.rows["term"] == term) & (data.rows["gap_students"] > 0)]
    label = term_label(term, lang)
    own = data.totals[data.totals["term"] == term].iloc[0]
    if rows.empty:
        key = "fd_no_data" if own["status"] == "no_data" else "fd_no_gap"
        return t(key, lang, as_of=as_of, term=label)
    top = rows.iloc[0]   # sorted by the estimated gap
    region = own["name"]
    total = (t("fd_total_unpriced", lang, region=region) if own["gap_yuan"] is None
             else t("fd_total", lang, region=region, gap=money(own["gap_yuan"], lang)))
    cause = t("fd_cause_undeclared", lang) if top["undeclared"] >= top["unapproved"] else t("fd_cause_unapproved", lang)
    facts = dict(as_of=as_of, term=label, name=top["name"], students=f"{int(top['gap_students']):,}", cause=cause,
                 undeclared=f"{int(top['undeclared']):,}", unapproved=f"{int(top['unapproved']):,}", total=total)
    if top["gap_yuan"] is None:
        return t("fd_summary_unpriced", lang, **facts)
    # a school's view has one row, its own: no "largest", no total beside it
    key = "fd_summary_school" if data.region.level == "school" else "fd_summary"
    return t(key, lang, gap=money(top["gap_yuan"], lang), **facts)


def declared_pct(rows: pd.DataFrame) -> list:
    """Declared ÷ headcount per row, in %, at most 100 (a surplus is full coverage); None without a headcount."""
    return [None if h == 0 else round(min(100.0, 100 * d / h), 1) for d, h in zip(rows["declared"], rows["headcount"])]


def picture(rows: pd.DataFrame, lang: str) -> dict:
    """Two panels on one axis of regions: the estimated gap in yuan (left) beside the share of headcount
    declared (right), each bar labelled with its value, so that the picture reads without colour; an
    unpriced gap is labelled so. ``customdata`` is the drill key."""
    data = rows.iloc[::-1]   # the largest gap on top
    names = [axis_label(n) for n in data["name"]]
    gaps = [0 if g is None else float(g) for g in data["gap_yuan"]]
    pct = declared_pct(data)
    # short labels (万 / k, M), so that a phone's narrow panel holds them; the hover and the table give the yuan
    gap_text = [t("fd_unpriced", lang) if g is None else short_money(g, lang) for g in data["gap_yuan"]]
    gap_hover = [t("fd_unpriced", lang) if g is None else money(g, lang) for g in data["gap_yuan"]]
    traces = [
        dict(type="bar", orientation="h", y=names, x=gaps, text=gap_text, textposition="outside", cliponaxis=False,
             customdata=list(data["drill"]), marker=dict(color=STATUS_COLORS["overdue"]), name=t("fd_gap_yuan", lang),
             xaxis="x", yaxis="y", hovertext=gap_hover, hoverinfo="y+text"),
        dict(type="bar", orientation="h", y=names, x=[0 if p is None else p for p in pct],
             text=["—" if p is None else f"{p:.0f}%" for p in pct], textposition="outside", cliponaxis=False,
             customdata=list(data["drill"]), marker=dict(color=STATUS_COLORS["on_track"]),
             name=t("fd_declared_pct", lang), xaxis="x2", yaxis="y", hovertemplate="%{y}: %{text}<extra></extra>"),
    ]
    top = max(gaps, default=0) or 1
    layout = dict(
        height=max(230, 26 * len(data) + 90), margin=dict(l=10, r=30, t=30, b=30), showlegend=False,
        plot_bgcolor="white", paper_bgcolor="white", clickmode="event", bargap=0.25,
        yaxis=dict(automargin=True),
        xaxis=dict(domain=[0, 0.55], range=[0, top * 1.35], gridcolor="#eee", showticklabels=False,
                   title=dict(text=t("fd_axis_gap", lang), font=dict(size=11)), side="top"),
        xaxis2=dict(domain=[0.62, 1], range=[0, 125], gridcolor="#eee", tickvals=[0, 50, 100], anchor="y",
                    title=dict(text=t("fd_axis_pct", lang), font=dict(size=11)), side="top"),
    )
    return {"data": traces, "layout": layout}


def tiles(rows: pd.DataFrame, lang: str) -> dict:
    """Nation: each province coloured by the share of its headcount declared, labelled with its estimated gap."""
    share = dict(zip(rows["drill"], declared_pct(rows)))
    labels = {c: short_money(g, lang) for c, g in zip(rows["drill"], rows["gap_yuan"])}
    hover = {r["drill"]: f"{t('fd_gap_yuan', lang)} {money(r['gap_yuan'], lang)} · "
                         f"{t('fd_gap_students', lang)} {int(r['gap_students']):,}" for _, r in rows.iterrows()}
    return tile_map(share, labels, lang, hover=hover)


def cards(prefix: str, row, lang: str) -> dbc.Row:
    """The selected region's figures of one term, the gap in the status' tone; its status as a word."""
    out = []
    for key in CARDS:
        value = row[key]
        text = money(value, lang, 2 if key == "unapproved_yuan" else 0) if key in MONEY else f"{int(value):,}"
        alarm = key in ("gap_students", "gap_yuan") and row["gap_students"] > 0
        style = {"color": TEXT_COLORS[TONE[row["status"]]]} if alarm else {}
        body = dbc.CardBody([html.Div(t(f"fd_{key}", lang), className="aw-card-title"),
                             html.Div(text, className="aw-card-figure", style=style)])
        # a sum of yuan with its fen is too wide for half a phone's width
        out.append(dbc.Col(dbc.Card(body, className="aw-card", id=f"{prefix}-card-{key}"),
                           xs=12 if key in MONEY else 6, sm=6, md=3))
    return dbc.Row(out, className="g-2 aw-cards")


def _grid_frame(rows: pd.DataFrame, lang: str) -> pd.DataFrame:
    out = rows.copy()
    for col in MONEY:
        out[col] = [None if v is None else float(v) for v in out[col]]
    out["status"] = [_status_text(s, lang) for s in out["status"]]
    return out


def _status_text(status: str, lang: str) -> str:
    """``open`` and ``clear`` are this page's own; ``at_risk`` and ``no_data`` read as on every page."""
    return value_name(status, lang) if status in ("open", "clear") else status_name(status, lang)


def region_grid(grid_id: str, rows: pd.DataFrame, level: str, lang: str, drill: str):
    num = {"type": "numericColumn", "filter": "agNumberColumnFilter"}
    columns = [{"field": "name", "headerName": t(level, lang), "pinned": "left", "minWidth": 160},
               {"field": "code", "headerName": t("code", lang), "maxWidth": 120},
               *[{"field": f, "headerName": t(f"fd_{f}", lang), "headerTooltip": t(f"fd_{f}", lang),
                  "wrapHeaderText": True, "autoHeaderHeight": True,
                  **({} if f == "status" else num),
                  **({"valueFormatter": YUAN_0 if f == "gap_yuan" else YUAN_2} if f in MONEY else {})}
                 for f in FIELDS]]
    return data_grid(grid_id, _grid_frame(rows, lang), columns, row_id="drill", clickable=True, drill=drill)


def _section(prefix: str, term, data, lang: str):
    """One term: its headline sentence of due day, the region's cards, then (above a school) the picture and
    the regions sorted by the estimated gap."""
    rows = data.rows[data.rows["term"] == term.code].reset_index(drop=True)
    own = data.totals[data.totals["term"] == term.code].iloc[0]
    title = f"{term_label(term.code, lang)} · {t('fd_due', lang, due=term.due_on.isoformat())}"
    body = [html.H2(title, className="aw-h2"),
            html.Div([html.Span(t("fd_status", lang) + ": "), html.Strong(_status_text(own["status"], lang))],
                     className="aw-hint", id=f"{prefix}-status"),
            cards(prefix, own, lang)]
    if data.region.level != "school":
        drill = drill_template(PATH, data.view)
        level = data.region.child_level
        bars = titled_graph(t("fd_picture", lang), id=f"{prefix}-bars", figure=picture(rows, lang),
                            config={"displayModeBar": False}, level=3)
        if data.region.level == "nation":
            tile = titled_graph(t("fd_tiles", lang), id=f"{prefix}-tiles", figure=tiles(rows, lang),
                                config={"displayModeBar": False}, level=3)
            charts = dbc.Row([dbc.Col(tile, md=5), dbc.Col(bars, md=7)], className="g-2")
        else:
            charts = bars
        shown = rows.assign(value=[None if g is None else float(g) for g in rows["gap_yuan"]],
                            value_text=[money(g, lang) for g in rows["gap_yuan"]], pct=declared_pct(rows))
        alt = chart_alternative(f"{prefix}-chart-alt", t("fd_picture", lang), shown,
                                [("name", t(level, lang)), ("value_text", t("fd_gap_yuan", lang)),
                                 ("gap_students", t("fd_gap_students", lang)), ("pct", t("fd_declared_pct", lang))],
                                "value", "value_text", lang, drill_links(drill, rows["drill"]))
        body += [charts, alt, html.Div(t("click_to_drill", lang), className="aw-hint"),
                 region_grid(f"{prefix}-grid", rows, level, lang, drill)]
    return dbc.Card(dbc.CardBody(body), className="aw-panel", id=f"{prefix}-section")


def _cases(data, lang: str):
    body = [html.H2(t("fd_cases", lang), className="aw-h2")]
    if data.cases_note:
        body.append(dbc.Alert(data.cases_note, color="secondary"))
    elif len(data.cases):
        frame = case_frame(data.cases, CASE_COLUMNS, ("kind",), lang)
        frame["amount"] = [money(v, lang, 2) for v in data.cases["amount"]]
        frame["term"] = [term_label(v, lang) for v in data.cases["term"]]
        body.append(data_grid("fd-cases", frame, case_columns(CASE_COLUMNS, {"name": t("student", lang)}, lang),
                              height=360))
    else:
        body.append(dbc.Alert(t("fd_cases_none", lang), color="success"))
    return dbc.Card(dbc.CardBody(body), className="aw-panel", id="fd-cases-panel")


def content(data, lang: str) -> list:
    """Everything below the header for one view (``data``: views.funding.FundingView)."""
    parts = [html.P(summary(data, lang), className="aw-narrative lead mb-2", id="fd-summary"),
             export_links("funding", "fd", data.view.query(), lang), dbc.Alert(t("fd_convention", lang), color="info", className="small py-2 mt-2", id="fd-convention")]
    # the latest term first: it is the one still open to action
    for term in reversed(data.terms):
        parts.append(_section(SECTIONS[0] if term.code.endswith("S") else SECTIONS[1], term, data, lang))
    if data.region.level == "school":
        parts.append(_cases(data, lang))
    return parts
