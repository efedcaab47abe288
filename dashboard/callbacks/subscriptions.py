"""Subscriptions page callbacks: list, add, preview, test, pause, resume, remove; the ministry pauses failing ones.

Every change is checked against the login (a user acts on their own subscriptions; only the ministry may
pause someone else's, and only a failing one) and audited. The posted values come from the browser, so
each is validated (``queries.outbox`` refuses a bad channel, address, webhook, cadence, time, language or
area).
"""

from __future__ import annotations

import logging

from dash import ctx, no_update, Input, Output, State
from flask_login import current_user

from dashboard.callbacks.common import alert, clicked, message
from aidwatch.viewstate import lang_of
from dashboard import auth
from notifications import digests
from queries import appdb, outbox
from aidwatch.i18n import t
from dashboard.pages import subscriptions as page

log = logging.getLogger(__name__)

ACTIONS = ("preview", "test", "pause", "resume", "remove")


def _audit(action: str, sub: dict) -> None:
    appdb.audit(auth.app_db(), current_user.username, action, auth.current_scope(), {
        "subscription": sub["id"], "owner": sub["owner"], "channel": sub["channel"],
        "recipient": sub["target"], "cadence": sub["cadence"], "at": sub["at_time"], "lang": sub["lang"],
        "areas": list(sub["areas"])})


def _sub_id(value) -> int | None:
    return int(value) if isinstance(value, str) and value.isdigit() else None


def register(app) -> None:
    @app.callback(Output("sb-content", "children"), Input("sb-view", "data"), Input("sb-changed", "data"))
    def render(query, _changed):
        lang = lang_of(query)
        try:
            engine = auth.app_db()
            mine = outbox.listing(engine, owner=current_user.username)
            failing = outbox.listing(engine, failing=True) if auth.current_scope().role == "ministry" else None
            return page.content(mine, failing, lang)
        except Exception as exc:  # noqa: BLE001 — a message, reason logged (views.errors)
            return message(exc, lang)

    @app.callback(Output("sb-add-result", "children"), Output("sb-changed", "data", allow_duplicate=True),
                  Output("sb-secret", "value"), Input("sb-add", "n_clicks"),
                  State("sb-channel", "value"), State("sb-target", "value"), State("sb-secret", "value"),
                  State("sb-cadence", "value"), State("sb-at", "value"), State("sb-lang", "value"),
                  State("sb-areas", "value"), State("sb-view", "data"), State("sb-changed", "data"),
                  prevent_initial_call=True)
    def add(clicks, channel, target, secret, cadence, at, sub_lang, areas, query, changed):
        lang = lang_of(query)
        if not clicked(clicks):
            return no_update, no_update, no_update
        values = [channel, target, cadence, at, sub_lang]
        if not all(isinstance(v, str) for v in values) or not isinstance(secret, (str, type(None))):
            return alert(t("sb_pick_first", lang), ok=False), no_update, ""
        if not isinstance(areas, list) or not areas:  # every box unticked (or a forged value)
            return alert(t("sb_pick_area", lang), ok=False), no_update, ""
        try:
            sub_id = outbox.add(auth.app_db(), current_user.username, channel, target.strip(), cadence, at.strip(),
                                sub_lang, (secret or "").strip() or None, areas)
        except ValueError as exc:
            return alert(str(exc), ok=False), no_update, ""
        _audit("subscription_add", outbox.get(auth.app_db(), sub_id))
        return alert(t("sb_added", lang, id=sub_id)), (changed or 0) + 1, ""

    @app.callback(Output("sb-act-result", "children"), Output("sb-changed", "data", allow_duplicate=True),
                  *(Input(f"sb-{a}", "n_clicks") for a in ACTIONS),
                  State("sb-pick", "value"), State("sb-view", "data"), State("sb-changed", "data"),
                  prevent_initial_call=True)
    def act(*args):
        picked, query, changed = args[len(ACTIONS):]
        lang, action = lang_of(query), str(ctx.triggered_id or "")[3:]
        clicks = dict(zip(ACTIONS, args[:len(ACTIONS)]))
        if not clicked(clicks.get(action)):  # the buttons were just drawn (n_clicks 0), not pressed
            return no_update, no_update
        engine, sub_id, scope = auth.app_db(), _sub_id(picked), auth.current_scope()
        sub = outbox.get(engine, sub_id) if sub_id is not None else None
        if action not in ACTIONS or sub is None:
            return alert(t("sb_pick_first", lang), ok=False), no_update
        if sub["owner"] != current_user.username:
            log.warning("%s tried to %s subscription %s of %s", current_user.username, action, sub_id, sub["owner"])
            return alert(t("sb_not_yours", lang), ok=False), no_update
        try:
            if action == "preview":
                return page.preview(digests.preview_message(app, sub, scope)), no_update
            if action == "test":
                row = digests.send_test(app, sub_id, scope)
                return alert(t("sb_done_test", lang, result=row["result"]), ok=row["status"] == "sent"), (changed or 0) + 1
            if action == "remove":
                outbox.remove(engine, sub_id)
            else:
                outbox.set_paused(engine, sub_id, action == "pause")
        except Exception as exc:  # noqa: BLE001 — a message, reason logged (views.errors)
            return message(exc, lang), no_update
        _audit(f"subscription_{action}", sub)
        return alert(t(f"sb_done_{action}", lang, id=sub_id)), (changed or 0) + 1

    @app.callback(Output("sb-admin-result", "children"), Output("sb-changed", "data", allow_duplicate=True),
                  Input("sb-admin-pause", "n_clicks"), State("sb-failing-pick", "value"), State("sb-view", "data"),
                  State("sb-changed", "data"), prevent_initial_call=True)
    def admin_pause(clicks, picked, query, changed):
        """The ministry pauses a failing subscription of anyone (a robot that keeps refusing, a dead address)."""
        if not clicked(clicks):  # drawn with the list, not pressed
            return no_update, no_update
        lang, engine, sub_id = lang_of(query), auth.app_db(), _sub_id(picked)
        failing = {s["id"]: s for s in outbox.listing(engine, failing=True)}
        if auth.current_scope().role != "ministry" or sub_id not in failing:
            return alert(t("sb_pick_first", lang), ok=False), no_update
        outbox.set_paused(engine, sub_id, True)
        _audit("subscription_pause", failing[sub_id])
        return alert(t("sb_done_pause", lang, id=sub_id)), (changed or 0) + 1
