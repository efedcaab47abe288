"""Subscriptions page (订阅): a user's own digests and reminders, a preview, "send a test now"; the ministry
also sees every failing subscription and can pause it.

The content of every message is computed with the subscription owner's scope at send time
(``notifications.digests``), so this page manages only *where* and *when*, never *what*. Webhook tokens and
signing secrets go in once and are never shown again: the list names a robot by its host only.
"""

from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import dcc, html

from aidwatch.i18n import N_, t
from queries.outbox import AREAS
from dashboard.pages import briefing as _briefing_strings  # noqa: F401  (the areas' names: br_area_*)
from dashboard.pages import framed

# Keys composed at run time (from a prefix and a code, or taken from a column or value list), marked
# for `make i18n` (docs/i18n.md).
COMPOSED_KEYS = (
    N_("sb_cadence_daily"), N_("sb_cadence_events"), N_("sb_cadence_weekly"),
    N_("sb_channel_dingtalk"), N_("sb_channel_email"), N_("sb_channel_wecom"), N_("sb_col_id"), N_("sb_col_owner"),
    N_("sb_col_result"), N_("sb_col_state"), N_("sb_col_to"), N_("sb_done_remove"), N_("sb_done_resume"),
    N_("sb_pause"), N_("sb_preview"), N_("sb_remove"), N_("sb_resume"), N_("sb_state_active"), N_("sb_state_failing"),
    N_("sb_state_paused"), N_("sb_test"),
    # i18n: a message's language, named in itself (as language pickers do)
    N_("sb_lang_en"),
    # i18n: a message's language, named in itself (as language pickers do)
    N_("sb_lang_zh"),
)

PATH = "/subscriptions"


def _field(label: str, control, field_id: str):
    return dbc.Col([dbc.Label(label, html_for=field_id, className="aw-label"), control], xs=12, md=6, xl=4)


def _select(field_id: str, values: tuple, prefix: str, lang: str, value: str):
    return dbc.Select(id=field_id, value=value, options=[{"label": t(f"{prefix}{v}", lang), "value": v} for v in values])


def form(lang: str) -> dbc.Card:
    """Adding a subscription: everything but the content, which is always the owner's own scope."""
    fields = dbc.Row([
        _field(t("sb_channel", lang), _select("sb-channel", ("email", "dingtalk", "wecom"), "sb_channel_", lang,
                                               "email"), "sb-channel"),
        _field(t("sb_target", lang), dbc.Input(id="sb-target", type="text", maxLength=500, autoComplete="off"),
               "sb-target"),
        _field(t("sb_secret", lang), dbc.Input(id="sb-secret", type="password", maxLength=200,
                                               autoComplete="new-password"), "sb-secret"),
        _field(t("sb_cadence", lang), _select("sb-cadence", ("daily", "weekly", "events"), "sb_cadence_", lang,
                                               "daily"), "sb-cadence"),
        _field(t("sb_at", lang), dbc.Input(id="sb-at", type="text", value="08:30", maxLength=5,
                                           pattern=r"\d\d:\d\d"), "sb-at"),
        _field(t("sb_lang", lang), _select("sb-lang", ("zh", "en"), "sb_lang_", lang, lang), "sb-lang"),
        dbc.Col(html.Fieldset([
            html.Legend(t("sb_areas", lang), className="aw-label"),
            dbc.Checklist(id="sb-areas", options=[{"label": t(f"br_area_{a}", lang), "value": a} for a in AREAS],
                          value=list(AREAS), inline=True),
        ]), xs=12),
    ], className="g-2")
    return dbc.Card(dbc.CardBody([
        html.H2(t("sb_new", lang), className="aw-h2"),
        html.Div(t("sb_intro", lang), className="aw-hint"),
        fields,
        dbc.Button(t("sb_add", lang), id="sb-add", color="primary", className="mt-2", n_clicks=0),
        html.Div(id="sb-add-result", role="status"),
    ]), className="aw-panel")


def layout(**query):
    return framed(PATH, query, lambda view: [
        dcc.Store(id="sb-view", data=query),
        dcc.Store(id="sb-changed", data=0),
        form(view.lang),
        dcc.Loading(html.Div(id="sb-content", className="aw-content"), type="default", delay_show=300),
        # outside the lists, which are redrawn after every change: what an action answered stays in view
        html.Div(id="sb-act-result", role="status"),
        html.Div(id="sb-admin-result", role="status"),
    ])


def _state(sub: dict) -> str:
    return "paused" if sub["paused"] else ("failing" if sub["failures"] else "active")


def areas_text(areas, lang: str) -> str:
    if tuple(areas) == AREAS:
        return t("sb_areas_all", lang)
    return ("、" if lang != "en" else ", ").join(t(f"br_area_{a}", lang) for a in areas)


def table(table_id: str, subs: list[dict], lang: str, owner: bool = False):
    cols = ["sb_col_id", *(["sb_col_owner"] if owner else []), "sb_channel", "sb_col_to", "sb_cadence", "sb_at",
            "sb_lang", "sb_areas", "sb_col_state", "sb_col_result"]
    head = html.Thead(html.Tr([html.Th(t(c, lang)) for c in cols]))
    body = html.Tbody([html.Tr([
        html.Td(str(s["id"])), *([html.Td(s["owner"])] if owner else []),
        html.Td(t(f"sb_channel_{s['channel']}", lang)), html.Td(s["target"]),
        html.Td(t(f"sb_cadence_{s['cadence']}", lang)), html.Td(s["at_time"] if s["cadence"] != "events" else "—"),
        html.Td(s["lang"]), html.Td(areas_text(s["areas"], lang)), html.Td(t(f"sb_state_{_state(s)}", lang)), html.Td(s["last_result"] or "—"),
    ], id=f"{table_id}-{s['id']}") for s in subs])
    return dbc.Table([head, body], size="sm", className="aw-small-table", id=table_id, responsive=True)


def _picker(picker_id: str, subs: list[dict], lang: str):
    return dbc.Select(id=picker_id, options=[{"label": f"{s['id']} · {t('sb_channel_' + s['channel'], lang)} · "
                                                       f"{s['target']}", "value": str(s["id"])} for s in subs],
                      value=str(subs[0]["id"]) if subs else None)


def content(mine: list[dict], failing: list[dict] | None, lang: str) -> list:
    """Own subscriptions with their actions; for the ministry, every failing subscription too."""
    actions = [dbc.Button(t(key, lang), id=f"sb-{key[3:]}", n_clicks=0, color=color, size="sm",
                          className="me-2 mt-2", disabled=not mine)
               for key, color in (("sb_preview", "secondary"), ("sb_test", "primary"), ("sb_pause", "secondary"),
                                  ("sb_resume", "secondary"), ("sb_remove", "danger"))]
    parts = [dbc.Card(dbc.CardBody([
        html.H2(t("sb_mine", lang), className="aw-h2"),
        table("sb-mine", mine, lang) if mine else html.Div(t("sb_none", lang), className="aw-hint", id="sb-none"),
        dbc.Label(t("sb_pick", lang), html_for="sb-pick", className="aw-label"),
        _picker("sb-pick", mine, lang),
        html.Div(actions),
    ]), className="aw-panel")]
    if failing is not None:
        parts.append(dbc.Card(dbc.CardBody([
            html.H2(t("sb_failing", lang), className="aw-h2"),
            table("sb-failing", failing, lang, owner=True) if failing else
            html.Div(t("sb_no_failing", lang), className="aw-hint"),
            dbc.Label(t("sb_pick", lang), html_for="sb-failing-pick", className="aw-label"),
            _picker("sb-failing-pick", failing, lang),
            dbc.Button(t("sb_admin_pause", lang), id="sb-admin-pause", n_clicks=0, color="danger", size="sm",
                       className="mt-2", disabled=not failing),
        ]), className="aw-panel"))
    return parts


def preview(message) -> html.Div:
    """The message as a robot would show it (its markdown source, as text: never rendered as HTML here)."""
    return html.Div([html.Strong(message.subject), html.Pre(message.markdown, className="aw-preview",
                                                            id="sb-preview-text")])
