"""``/supervision`` callbacks: the page drawn from its view model (``views.supervision``), and the ministry's
open / close and the province's reply forms acting through its actions as the logged-in reader."""

from __future__ import annotations

import logging

from dash import Input, Output, State, ctx, no_update
from flask_login import current_user

from aidwatch import supervision as rules
from aidwatch.i18n import t
from aidwatch.viewstate import lang_of
from dashboard import auth
from dashboard.callbacks.common import alert, clicked, message
from dashboard.pages import supervision as page
from views.context import registry
from views.supervision import close, landing_rows, open_request, refusal, reply, supervision_data

log = logging.getLogger(__name__)


def landing(lang: str) -> list:
    """The logged-in province user's not-closed requests, for the top of their landing page."""
    rows = landing_rows(auth.current_scope())
    return [page.landing_list(rows, lang)] if rows else []


def _int(value) -> int | None:
    return int(value) if isinstance(value, str) and value.isdigit() else None


def _workdays(value) -> int | None:
    """The form's number of working days: None (the default) when empty; anything not whole is refused."""
    if value in (None, ""):
        return None
    if isinstance(value, (int, float)) and not isinstance(value, bool) and float(value).is_integer():
        return int(value)
    return -1  # refused by ``rules.due_on`` with its message


def _text(value) -> str | None:
    return value if isinstance(value, str) else None


def register(app) -> None:
    @app.callback(Output("sv-content", "children"), Input("sv-view", "data"), Input("sv-changed", "data"))
    def render(query, _changed):
        lang = lang_of(query)
        try:
            return page.content(supervision_data(query if isinstance(query, dict) else {}, auth.current_scope()), lang)
        except Exception as exc:  # noqa: BLE001 — a message, reason logged (views.errors)
            return message(exc, lang)

    @app.callback(Output("sv-open-result", "children"), Output("sv-changed", "data", allow_duplicate=True),
                  Input("sv-open", "n_clicks"), State("sv-message", "value"), State("sv-workdays", "value"),
                  State("sv-due", "value"), State("sv-view", "data"), State("sv-changed", "data"),
                  prevent_initial_call=True)
    def open_(clicks, text, workdays, due, query, changed):
        if not clicked(clicks):
            return no_update, no_update
        query = query if isinstance(query, dict) else {}
        lang = lang_of(query)
        try:
            data = supervision_data(query, auth.current_scope())  # the region in the reader's scope, the page asked for
            if data.form is None:
                rules.may_open(auth.current_scope())
                raise rules.Refused("请先选择省份 / choose a province first")
            n = None if due else _workdays(workdays)
            request_id = open_request(auth.app_db(), registry(), current_user.username,
                                      auth.current_scope(), **data.region.as_params(), page_path=data.form["page"],
                                      text=_text(text), workdays=n, due=_text(due) or None)
        except rules.Refused as exc:
            return alert(refusal(exc, lang), ok=False), no_update
        except Exception as exc:  # noqa: BLE001 — a message, reason logged (views.errors)
            return message(exc, lang), no_update
        return alert(t("sv_opened", lang, id=request_id)), (changed or 0) + 1

    @app.callback(Output("sv-act-result", "children"), Output("sv-changed", "data", allow_duplicate=True),
                  Input("sv-reply", "n_clicks"), Input("sv-close", "n_clicks", allow_optional=True),
                  State("sv-pick", "value"),
                  State("sv-answer", "value"), State("sv-planned", "value"), State("sv-view", "data"),
                  State("sv-changed", "data"), prevent_initial_call=True)
    def act(reply_clicks, close_clicks, picked, text, planned, query, changed):
        action = {"sv-reply": "reply", "sv-close": "close"}.get(ctx.triggered_id)
        if action is None or not clicked(reply_clicks if action == "reply" else close_clicks):
            return no_update, no_update
        lang, engine, scope = lang_of(query), auth.app_db(), auth.current_scope()
        try:
            if action == "reply":
                reply(engine, current_user.username, scope, _int(picked), _text(text), _text(planned) or None)
            else:
                close(engine, current_user.username, scope, _int(picked), _text(text))
        except rules.Refused as exc:
            log.info("%s: supervision %s of %r refused: %s", current_user.username, action, picked, exc)
            return alert(refusal(exc, lang), ok=False), no_update
        except Exception as exc:  # noqa: BLE001 — a message, reason logged (views.errors)
            return message(exc, lang), no_update
        return alert(t(f"sv_done_{action}", lang, id=picked)), (changed or 0) + 1
