"""The frame around every page: header, navigation, view bar and breadcrumb.

Each page's ``layout(**query)`` renders its body inside ``page_frame``, so the
header (language, user, freshness) is rebuilt from the URL on every
navigation and always matches the view below it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import dash_bootstrap_components as dbc
from dash import dcc, html

from dashboard.components.supervise import supervise_link
from aidwatch.i18n import N_, t
from aidwatch.viewstate import FIRST_YEAR, View
from queries.registry import snapshot_key

# Keys composed at run time (from a prefix and a code, or taken from a column or value list), marked
# for `make i18n` (docs/i18n.md).
COMPOSED_KEYS = (
    N_("lag"), N_("snapshot"),
)

#: (path, string key) of the pages in navigation order.
NAV = [("/briefing", N_("page_briefing")), ("/deadlines", N_("page_deadlines")), ("/rollout", N_("page_rollout")),
       ("/duplicates", N_("page_duplicates")), ("/backlog", N_("page_backlog")), ("/records", N_("page_records")),
       ("/funding", N_("page_funding")),
       ("/inspections", N_("page_inspections")), ("/quality", N_("page_quality")),
       ("/subscriptions", N_("page_subscriptions")), ("/supervision", N_("page_supervision"))]


#: Pages that cover the nation or one province only: their link keeps the province, not a city or school.
PROVINCE_PAGES = ("/briefing",)


def nav_query(path: str, view: View) -> str:
    """The view another page opens on from the header: the same view, as deep as that page goes."""
    return view.query(city=None, school=None) if path in PROVINCE_PAGES else view.query()


@dataclass(frozen=True)
class FrameContext:
    """What the frame shows besides the view: who is looking and how fresh the data is."""

    username: str
    role: str
    scope_province: str | None
    scope_label: str
    snapshot_at: dt.datetime | None
    replay_lag: dt.timedelta | None
    last_year: int
    calendar_gap: int | None = None        # a year whose holiday schedule is due and missing (ministry users)
    stale: bool = False                    # the replica cannot be reached: cached results only
    checked_at: dt.datetime | None = None  # when the replica was last reached
    csrf_token: str = ""                   # for the logout form: a logout is a POST with the session's token


#: The header's line naming the snapshot, and the snapshot key the frame was drawn from beside it.
FRESHNESS, FRAME_SNAPSHOT = "aw-freshness", "aw-frame-snapshot"


def freshness_text(snapshot_at: dt.datetime | None, replay_lag: dt.timedelta | None, lang: str) -> str:
    """The header's line: the replica's snapshot to the minute, and its replay lag where it has one."""
    text = t("no_snapshot", lang) if snapshot_at is None else f"{t('snapshot', lang)} {snapshot_at:%Y-%m-%d %H:%M}"
    if replay_lag is not None:
        text += f" · {t('lag', lang)} {int(replay_lag.total_seconds() // 60)} min"
    return text


def shown_view(key: str, as_of: dt.date, year: int) -> dict:
    """What a page shows of its snapshot: its key, and the as-of day and year its figures are for (the view
    bar's). The frame's store and the content's stamp both hold one; the content's wins (``SNAPSHOT_STAMP``)."""
    return {"key": key, "as_of": as_of.isoformat(), "year": year}


def _freshness(ctx: FrameContext, lang: str, as_of: dt.date, year: int):
    return html.Span([html.Span(freshness_text(ctx.snapshot_at, ctx.replay_lag, lang), id=FRESHNESS),
                      dcc.Store(id=FRAME_SNAPSHOT, data=shown_view(snapshot_key(ctx.snapshot_at), as_of, year))],
                     className="aw-fresh")


def stale_banner(ctx: FrameContext, lang: str):
    """While the replica is down: what the page shows is the cache, and of when."""
    snapshot = f"{ctx.snapshot_at:%Y-%m-%d %H:%M}" if ctx.snapshot_at else t("no_snapshot", lang)
    checked = "—" if ctx.checked_at is None else (
        f"{ctx.checked_at:%H:%M}" if ctx.checked_at.date() == dt.date.today() else f"{ctx.checked_at:%Y-%m-%d %H:%M}")
    return dbc.Alert(t("stale_banner", lang, snapshot=snapshot, checked=checked), color="warning",
                     className="aw-stale mb-2", id="aw-stale")


def calendar_banner(year: int, lang: str):
    """While next year's official holiday schedule is missing (from 1 December): what to load, and how."""
    return dbc.Alert(t("calendar_gap", lang, year=year), color="warning", className="aw-calendar-gap mb-2",
                     id="aw-calendar-gap")


def calendar_view_banner(year: int, figures: list[str], lang: str):
    """Above a view whose ``figures`` need ``year``'s official holiday schedule, not published or not loaded
    yet: shown to every reader of that view (``views.common.note_past_calendar``)."""
    return dbc.Alert(t("calendar_view_gap", lang, year=year, figures=t("list_sep", lang).join(figures)),
                     color="warning", className="aw-calendar-view mb-2", id="aw-calendar-view")


def breadcrumb(path: str, view: View, labels: dict, scope_province: str | None, lang: str):
    """nation › province › city › school, each a link to that level (a province user starts at their province)."""
    steps = []
    if scope_province is None:
        steps.append((t("nation", lang), view.query(province=None, city=None, school=None)))
    if labels.get("province"):
        steps.append((labels["province"], view.query(city=None, school=None)))
    if labels.get("city"):
        steps.append((labels["city"], view.query(school=None)))
    if labels.get("school"):
        steps.append((labels["school"], view.query()))
    items = []
    for i, (label, query) in enumerate(steps):
        last = i == len(steps) - 1
        if i:
            items.append(html.Span("›", className="aw-crumb-sep"))
        items.append(html.Span(label, className="aw-crumb-current") if last
                     else dcc.Link(label, href=path + query, className="aw-crumb"))
    if labels.get("school") and path != "/school":  # every school view links to the school's profile
        items.append(dcc.Link(f"({t('page_school', lang)})", href="/school" + view.query(deadline=None, kind=None,
                              batch=None), className="aw-crumb ms-2", id="aw-crumb-profile"))
    return html.Nav(items, className="aw-breadcrumb", id="aw-breadcrumb", **{"aria-label": "breadcrumb"})


def view_bar(path: str, view: View, as_of: dt.date, year: int, ctx: FrameContext, lang: str):
    """The as-of date and the year, each applied when confirmed (Enter or leaving the field), not per keystroke
    or arrow key: native inputs, so every browser, keyboard and screen reader knows them."""
    return html.Div([
        html.Label(t("as_of", lang), htmlFor="view-asof", className="aw-label"),
        dcc.Input(id="view-asof", type="date", value=as_of.isoformat(), debounce=True, required=True,
                  min=dt.date(FIRST_YEAR, 1, 1).isoformat(), max=dt.date(ctx.last_year, 12, 31).isoformat(),
                  className="form-control form-control-sm aw-date"),
        html.Label(t("year", lang), htmlFor="view-year", className="aw-label"),
        dcc.Input(id="view-year", type="number", value=year, debounce=True, required=True, min=FIRST_YEAR,
                  max=ctx.last_year, step=1, className="form-control form-control-sm aw-year"),
        dcc.Store(id="view-query", data=view.query()),
        # the picked view's URL: inserted with the pickers, so that their mounting does not call back
        # (``dashboard.callbacks.common.drill_location``)
        dcc.Location(id="view-url", refresh="callback-nav"),
        *supervise_link(path, view, ctx.role, lang),
    ], className="aw-viewbar")


def logout_form(ctx: FrameContext, lang: str):
    """The header's logout control: a small form POSTing the CSRF token, since a GET must not log anyone out."""
    return html.Form([
        dcc.Input(type="hidden", name="csrf_token", value=ctx.csrf_token, id="aw-logout-token"),
        html.Button(t("logout", lang), type="submit", className="aw-logout-button", id="aw-logout-button"),
    ], method="POST", action="/logout", className="aw-logout", id="aw-logout")


def page_title(path: str, lang: str) -> str:
    """The browser tab's title, which a screen reader also reads first: this page, then the product."""
    return f"{t('page_' + path.strip('/'), lang)} · {t('product', lang)}"


def html_lang(lang: str) -> str:
    return "en" if lang == "en" else "zh-CN"


#: Pages whose content brings its own visible ``h1`` (the briefing's title names its region).
OWN_H1 = ("/briefing",)


def page_frame(path: str, view: View, as_of: dt.date, year: int, labels: dict, ctx: FrameContext, body) -> html.Div:
    """Header, skip link and ``main`` around ``body``.

    ``aw-meta`` tells the clientside callback in ``dashboard.callbacks.a11y`` the page's language and title: it sets
    them on ``<html>`` and the tab, and after a navigation moves focus to ``main`` and announces the page.
    Below Bootstrap's ``lg`` width the navigation folds behind a menu button.
    """
    lang = view.lang
    other = "en" if lang == "zh" else "zh"
    nav = [dcc.Link(t(key, lang), href=p + nav_query(p, view), className="aw-nav-link" + (" active" if p == path else ""))
           for p, key in NAV]
    header = html.Header([
        html.Div([
            html.Span(t("product", lang), className="aw-product"),
            html.Button(html.Span(className="navbar-toggler-icon"), id="aw-menu-button", type="button",
                        className="navbar-toggler aw-menu-button", title=t("menu", lang),
                        **{"aria-label": t("menu", lang), "aria-controls": "aw-menu", "aria-expanded": "false"}),
            html.Div([
                html.Nav(nav, className="aw-nav", **{"aria-label": t("main_nav", lang)}),
                html.Div([
                    _freshness(ctx, lang, as_of, year),
                    html.Span([html.Strong(ctx.username), " · ", ctx.scope_label], className="aw-user", id="aw-user"),
                    dcc.Link(html.Span(t("lang_switch", lang), lang=html_lang(other)),
                             href=path + view.query(lang=other), id="aw-lang", className="aw-lang"),
                    logout_form(ctx, lang),
                ], className="aw-header-right"),
            ], id="aw-menu", className="aw-menu"),
        ], className="aw-header-top"),
        html.Div([breadcrumb(path, view, labels, ctx.scope_province, lang), view_bar(path, view, as_of, year, ctx, lang)],
                 className="aw-header-bottom"),
    ], className="aw-header")
    body = body if isinstance(body, list) else [body]
    banners = ([stale_banner(ctx, lang)] if ctx.stale else []) + (
        [calendar_banner(ctx.calendar_gap, lang)] if ctx.calendar_gap is not None else [])
    body = [*banners, *body]
    if path not in OWN_H1:
        where = labels.get("school") or labels.get("city") or labels.get("province") or t("nation", lang)
        body = [html.H1(f"{t('page_' + path.strip('/'), lang)} · {where}", className="visually-hidden"), *body]
    return html.Div([
        html.A(t("skip_to_main", lang), href="#aw-main", className="aw-skip"),
        dcc.Store(id="aw-meta", data={"lang": html_lang(lang), "title": page_title(path, lang)}),
        header,
        html.Main(body, id="aw-main", tabIndex="-1", className="aw-main"),
    ], lang=html_lang(lang))


def message_page(path: str, view: View, ctx: FrameContext | None, text: str, color: str = "warning"):
    """A page that only says what went wrong, in the frame when there is one."""
    alert = dbc.Alert(text, color=color, className="aw-message", id="aw-message")
    if ctx is None:
        return html.Main(alert, className="aw-main")
    today = ctx.snapshot_at.date() if ctx.snapshot_at else dt.date.today()
    return page_frame(path, view, today, today.year, {}, ctx, alert)
