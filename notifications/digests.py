"""Digests and reminders: one round renders what each subscription is owed and sends the outbox.

A round (``run_round``; ``aidwatch digests run`` or the background thread of ``start``):

1. for every subscription not paused whose owner exists and is enabled, computes the leadership
   briefing (``views.briefing.briefing_data``: every page's headline numbers and sentences) *as
   the owner*, inside a request context logged in as them, so their Scope is applied in ``queries/``
   exactly as on their pages: a province supervisor's message can only hold their province. The
   content is as of the round's day, or the replica's snapshot day if earlier, and limited to the
   subscription's areas (``BriefingView.only``): its sentences and its events alike;
2. daily and weekly subscriptions get a digest for a due period (``aidwatch.schedule``), events
   subscriptions one message per new event (``events``); each is rendered and recorded in the outbox
   once (``queries.outbox``: a unique key per subscription and period or event);
3. sends every outbox row due, each claimed by one server, with retries and back-off; every send is
   audited (recipient, scope, event, result).

Messages hold aggregates and region names only, never a person's name or ID number (masked or not):
they are made from the briefing's figures, which count, and from region names.
"""

from __future__ import annotations

import datetime as dt
import html
import logging
import threading
import time
from dataclasses import dataclass

from aidwatch.schedule import due_period, local, parse_at
from aidwatch.workdays import calendar
from queries import appdb, outbox
from exports.briefing_pdf import briefing_pdf
from notifications.channels import (DINGTALK_PER_MINUTE, Message, SendError, send_dingtalk, send_email,
                                send_wecom)
from views.context import EXTENSION
from views.errors import FontMissing
from aidwatch.i18n import deadline_name
from aidwatch.metrics.briefing import laggards
from aidwatch.narrative import behind_text
from aidwatch.reference import localize_rows
from queries.scope import Scope
from views.briefing import briefing_data
from views import supervision

log = logging.getLogger("aidwatch.digests")

#: "A deadline within N working days": reminders start this many working days before a due day.
SOON_WORKDAYS = 3
#: A message names at most this many regions behind on a deadline (furthest behind first).
MAX_REGIONS = 10
#: Counts whose rise is an event: kind → the briefing headlines (area, key) summed (all of one area).
RISING = {
    "duplicates_overdue": [("duplicates", "overdue")],
    "changes_overdue": [("backlog", "unrecorded_overdue"), ("backlog", "overdue_approval")],
    "phantom_rising": [("backlog", "phantom_suspects")],
    # the records page's approvals past the dashboard's convention (N working days), of new students' records
    # and of graduates' data (not uploaded, or not approved): the sums ``BEHIND_KEYS`` ranks regions by
    "records_overdue": [("records", "approval_overdue")],
    "graduation_overdue": [("graduation", "upload_overdue"), ("graduation", "approval_overdue")],
}
RISING_PAGES = {"duplicates_overdue": "/duplicates", "changes_overdue": "/backlog", "phantom_rising": "/backlog",
                "records_overdue": "/records", "graduation_overdue": "/records"}
CONFIG_KEYS = ("PUBLIC_URL", "SMTP_URL", "MAIL_FROM", "SMTP_CA_FILE", "PDF_FONT")


@dataclass(frozen=True)
class Event:
    kind: str
    key: str              # unique per subscription: the outbox key
    text: str             # one sentence, in the subscription's language
    link: str             # the exact view under the public URL
    value: float | None = None


def _names(names, lang: str) -> str:
    return (", " if lang == "en" else "、").join(str(n) for n in names)


def href(b, path: str, **changes) -> str:
    """``path`` at the briefing's region and day, the province spelled out (so the link is exact however
    it is opened)."""
    if b.region.level == "province":
        changes["province"] = b.region.province
    return b.href(path, **changes)


def events(b, rows, lang: str, base: str, baseline: dict, soon: int = SOON_WORKDAYS) -> list[Event]:
    """The events in briefing ``b`` (``views.briefing.BriefingView``) worth a message. ``rows``: the
    deadline page's progress per child region at the same view (who is behind); ``baseline``: kind → the
    count last reported to this subscription (a rising count is news only above it)."""
    en, out = lang == "en", []
    for (area, key), head in b.headlines.items():
        if head.kind != "deadline" or head.status in ("done", "no_data"):
            continue
        left, due = head.extra["working_days_left"], head.extra["due_on"]
        # a passed deadline is news while it is live (the briefing's rule); the written report's own event
        # below names the provinces still missing it
        passed = left < 0 and key in b.live and key != "rollout_report"
        if not (0 <= left <= soon or passed):
            continue
        behind = list(laggards(rows, key, MAX_REGIONS)["name"])
        if not behind:
            continue
        name, link = deadline_name(key, lang), base + href(b, "/deadlines", deadline=key)
        regions = _names(behind, lang)
        if not passed:
            text = (f"{name} is due on {due:%Y-%m-%d}, in {left} working day(s); behind: {regions}." if en else
                    f"{name}将于{due.month}月{due.day}日截止（还剩{left}个工作日），进度落后：{regions}。")
            out.append(Event("deadline_soon", f"deadline_soon:{key}:{due}", text, link))
        else:
            text = (f"{name} was due on {due:%Y-%m-%d} ({-left} working day(s) ago); not done: {regions}." if en else
                    f"{name}已于{due.month}月{due.day}日截止（已逾期{-left}个工作日），尚未完成：{regions}。")
            out.append(Event("deadline_passed", f"deadline_passed:{key}:{due}", text, link))
    missing = (b.reports or {}).get("missing") or []
    if missing:
        text = (f"Written report (due 6 June) missing: {_names(missing, lang)}." if en else
                f"6月6日书面报告未报送：{_names(missing, lang)}。")
        out.append(Event("report_missing", f"report_missing:{b.year}:{','.join(missing)}", text,
                         base + href(b, "/rollout")))
    for kind, keys in RISING.items():
        values = [b.headlines[k].values.get("now") for k in keys if k in b.headlines]
        if not values or any(v is None for v in values):
            continue
        now, before = int(sum(values)), int(baseline.get(kind) or 0)
        if now <= before:
            continue
        # the regions with the most overdue (records and graduation: the briefing ranks them)
        behind = behind_text(b.behind.get(keys[0][0]), b.region.level, lang)
        text = {
            "duplicates_overdue": (f"{b.region_name}: {now} duplicate-aid match(es) overdue (was {before}).",
                                   f"{b.region_name}：重复资助比对结果逾期未办结{now}条（上次{before}条）。"),
            "changes_overdue": (f"{b.region_name}: {now} status change(s) or approval(s) overdue (was {before}).",
                                f"{b.region_name}：学籍异动逾期未办理或未审批{now}条（上次{before}条）。"),
            "phantom_rising": (f"{b.region_name}: {now} suspected phantom enrolment(s) (was {before}).",
                               f"{b.region_name}：疑似长期空挂学籍{now}人（上次{before}人）。"),
            "records_overdue": (f"{b.region_name}: {now} new-student record(s) awaiting approval past the "
                                f"dashboard's convention (was {before}){behind}.",
                                f"{b.region_name}：新生学籍超过监测口径审批期限未审批{now}人（上次{before}人）{behind}。"),
            "graduation_overdue": (f"{b.region_name}: {now} graduate(s) not uploaded or not approved past the "
                                   f"convention (was {before}){behind}.",
                                   f"{b.region_name}：毕业生数据逾期未上传或未审批{now}人（上次{before}人）{behind}。"),
        }[kind][0 if en else 1]
        out.append(Event(kind, f"{kind}:{b.as_of}", text, base + href(b, RISING_PAGES[kind]), now))
    return out


def _render(subject: str, lines: list[tuple[str, str | None]], link: str, lang: str,
            attachment: bytes | None = None, attachment_name: str | None = None) -> Message:
    """One message in the three forms the channels take; ``lines``: (sentence, its link or None)."""
    more = "Open the dashboard" if lang == "en" else "打开看板"
    markdown = "\n".join([f"#### {subject}", ""] + [f"- {s}" + (f" [→]({u})" if u else "") for s, u in lines]
                         + ["", f"[{more}]({link})"])
    text = "\n".join([subject, ""] + [f"- {s}" + (f"\n  {u}" if u else "") for s, u in lines] + ["", f"{more}: {link}"])
    items = "".join(f"<li>{html.escape(s)}" + (f' <a href="{html.escape(u)}">→</a>' if u else "") + "</li>"
                    for s, u in lines)
    body = (f'<html><body><h3>{html.escape(subject)}</h3><ul>{items}</ul>'
            f'<p><a href="{html.escape(link)}">{more}</a></p></body></html>')
    return Message(subject, markdown, text, body, link, attachment, attachment_name if attachment else None)


def _day(day: dt.date, lang: str) -> str:
    return day.isoformat() if lang == "en" else f"{day.year}年{day.month}月{day.day}日"


def digest_message(b, rows, sub: dict, period: str, base: str, pdf: bytes | None, baseline: dict,
                   requests: list[tuple[str, str, str]] = ()) -> Message:
    """A daily or weekly digest: the briefing's sentences, then the events of the day, then the supervision
    requests the owner must act on (``views.supervision.digest_lines``), with links."""
    lang = sub["lang"]
    weekly = period.startswith("weekly")
    title = ({True: "Weekly briefing", False: "Daily digest"}[weekly] if lang == "en"
             else {True: "每周简报", False: "每日摘要"}[weekly])
    subject = f"{title} · {b.region_name} · {_day(b.as_of, lang)}"
    # the sentences already give today's counts; a digest adds the deadline and report reminders (a rising
    # count is compared with the last *reminder* of that kind, which a digest subscription never had)
    lines = [(s, None) for s in b.sentences] + [(e.text, e.link) for e in events(b, rows, lang, base, baseline)
                                                if e.kind not in RISING] + [(s, u) for _, s, u in requests]
    return _render(subject, lines, base + href(b, "/briefing"), lang, pdf if weekly else None,
                   f"briefing-{b.as_of}.pdf")


def event_message(b, sub: dict, event: Event) -> Message:
    lang = sub["lang"]
    subject = (f"Reminder · {b.region_name} · {_day(b.as_of, lang)}" if lang == "en"
               else f"提醒 · {b.region_name} · {_day(b.as_of, lang)}")
    return _render(subject, [(event.text, event.link)], event.link, lang)


# --- a round ----------------------------------------------------------------------------------


@dataclass
class RoundResult:
    enqueued: int = 0
    sent: int = 0
    retrying: int = 0
    failed: int = 0
    skipped: int = 0


def owner_scope(sub: dict) -> Scope | None:
    """The subscription owner's data scope, or None when the account is gone or disabled (the
    subscription then sends nothing); their current role and province, so a changed role narrows it."""
    if sub.get("owner_id") is None or sub["disabled"]:
        return None
    return Scope(sub["role"], sub["province_code"])


def briefing_as(app, scope: Scope, as_of: dt.date, lang: str):
    """The briefing as a reader of ``scope`` sees it on their own page (their region) as of ``as_of``, and
    the deadline page's rows of the same view (from the same cached series), named in ``lang`` as the
    briefing's are."""
    with app.server.app_context():
        b = briefing_data({"as_of": as_of.isoformat(), "lang": lang}, scope)
    rows = app.server.extensions[EXTENSION].deadline_view(b.scope, b.region, b.labels, b.as_of, b.year).rows
    return b, localize_rows(rows, b.region.child_level, lang, "drill")


def content_day(app, now: dt.datetime) -> dt.date:
    """The round's day, or the replica's snapshot day if that is earlier."""
    return min(local(now).date(), app.server.extensions[EXTENSION].freshness().default_as_of)


def _config(app) -> dict:
    return app.server.config["AIDWATCH_DIGESTS"]


def _baseline(engine, sub_id: int) -> dict:
    return {kind: outbox.last_value(engine, sub_id, kind) for kind in RISING}


def render_due(app, sub: dict, now: dt.datetime, day: dt.date, cache: dict) -> list[tuple[str, str, Message, float | None]]:
    """What ``sub`` is owed at ``now`` and not yet recorded: (key, kind, message, value) each."""
    engine, cfg = app.server.extensions["aidwatch_app_db"], _config(app)
    scope = owner_scope(sub)
    if scope is None:
        return []
    period = due_period(sub["cadence"], parse_at(sub["at_time"]), now, calendar())
    if sub["cadence"] != "events" and (period is None or outbox.exists(engine, sub["id"], period)):
        return []
    which = (scope, sub["lang"])
    if which not in cache:
        cache[which] = briefing_as(app, scope, day, sub["lang"])
    b, rows = cache[which]
    b, baseline = b.only(sub["areas"]), _baseline(engine, sub["id"])
    requests = supervision.digest_lines(engine, scope, sub["lang"], cfg["PUBLIC_URL"], now)
    if sub["cadence"] == "events":
        # an overdue supervision request is one reminder (its escalation), like a deadline passed
        overdue = [Event("supervision_overdue", key, text, link) for key, text, link in requests
                   if key.startswith("supervision_overdue:")]
        return [(e.key, e.kind, event_message(b, sub, e), e.value)
                for e in events(b, rows, sub["lang"], cfg["PUBLIC_URL"], baseline) + overdue
                if not outbox.exists(engine, sub["id"], e.key)]
    pdf = None
    # the PDF is the whole briefing: for a subscription that covers every area
    if period.startswith("weekly") and sub["channel"] == "email" and set(sub["areas"]) >= set(outbox.AREAS):
        try:
            pdf = briefing_pdf(b, sub["lang"], cfg["PUBLIC_URL"], cfg["PDF_FONT"])
        except FontMissing as exc:
            log.warning("weekly digest for subscription %s goes without its PDF: %s", sub["id"], exc)
    return [(period, "digest", digest_message(b, rows, sub, period, cfg["PUBLIC_URL"], pdf, baseline, requests),
             None)]


def preview_message(app, sub: dict, scope: Scope, now: dt.datetime | None = None) -> Message:
    """The digest ``sub`` would get now (the page's preview and test), computed in its owner's ``scope``."""
    engine, cfg = app.server.extensions["aidwatch_app_db"], _config(app)
    b, rows = briefing_as(app, scope, content_day(app, now or dt.datetime.now(dt.timezone.utc)), sub["lang"])
    b = b.only(sub["areas"])
    period = "weekly:preview" if sub["cadence"] == "weekly" else "daily:preview"
    return digest_message(b, rows, sub, period, cfg["PUBLIC_URL"], None, _baseline(engine, sub["id"]))


def send_test(app, sub_id: int, scope: Scope) -> dict:
    """"Send a test now": the current digest through the outbox at once (audited like any send); the row."""
    engine = app.server.extensions["aidwatch_app_db"]
    sub = outbox.get(engine, sub_id, with_secrets=True)
    now = dt.datetime.now(dt.timezone.utc)
    row_id = outbox.enqueue(engine, sub, f"test:{now.isoformat()}", "test", preview_message(app, sub, scope, now))
    if row_id is not None:
        send_row(app, row_id, RoundResult())
    return next(r for r in outbox.rows(engine, sub_id) if r["id"] == row_id)


def deliver(app, sub: dict, row: dict) -> str:
    """Send one claimed row through its channel; a result text, or ``SendError``."""
    cfg = _config(app)
    message = Message(row["subject"], row["markdown"], row["text"], row["html"], row["link"], row["attachment"],
                      row["attachment_name"])
    if sub["channel"] == "dingtalk":
        return send_dingtalk(sub["target"], sub["secret"], message)
    if sub["channel"] == "wecom":
        return send_wecom(sub["target"], message, sub["lang"])
    if not cfg["SMTP_URL"]:
        log.info("AIDWATCH_SMTP_URL is not set: mail for subscription %s logged, not sent:\n%s\n%s",
                 sub["id"], row["subject"], row["text"])
        return "logged: AIDWATCH_SMTP_URL is not set"
    return send_email(cfg["SMTP_URL"], cfg["MAIL_FROM"], sub["target"], message, cfg.get("SMTP_CA_FILE"))


def send_row(app, row_id: int, result: RoundResult) -> None:
    """Claim, send, record and audit one outbox row (nothing when another server has it)."""
    engine = app.server.extensions["aidwatch_app_db"]
    row = outbox.claim(engine, row_id)
    if row is None:
        return
    sub = outbox.get(engine, row["subscription_id"], with_secrets=True)
    if sub["channel"] in ("dingtalk", "wecom"):
        recent = outbox.sent_recently(engine, sub["target"], dt.timedelta(minutes=1))
        if len(recent) >= DINGTALK_PER_MINUTE:
            outbox.finish(engine, row, False, "held back: 20 messages to this robot in the last minute",
                          later=recent[0] + dt.timedelta(minutes=1), count_attempt=False)
            result.retrying += 1
            return
    try:
        ok, text, retry = True, deliver(app, sub, row), True
    except SendError as exc:
        ok, text, retry = False, str(exc), exc.retry
    status = outbox.finish(engine, row, ok, text, retry=retry)
    counter = {"sent": "sent", "pending": "retrying", "failed": "failed"}[status]
    setattr(result, counter, getattr(result, counter) + 1)
    user = appdb.get_user(engine, sub["owner"])
    scope = f"province:{user['province_code']}" if user and user["province_code"] else (user or {}).get("role")
    appdb.audit(engine, sub["owner"], "digest_send", scope, {
        "subscription": sub["id"], "channel": sub["channel"],
        "recipient": outbox.shown_target(sub["channel"], sub["target"]),
        "event": row["key"], "attempt": row["attempts"], "status": status, "result": text})
    (log.info if ok else log.warning)("subscription %s %s: %s (%s)", sub["id"], row["key"], status, text)


def run_round(app, now: dt.datetime | None = None) -> RoundResult:
    """One round: escalate supervision requests overdue at ``now`` (default: the clock), render what is due,
    then send every row due."""
    engine = app.server.extensions["aidwatch_app_db"]
    now = now or dt.datetime.now(dt.timezone.utc)
    result, cache = RoundResult(), {}
    day = content_day(app, now)
    try:  # requests unanswered past their due day: one escalated event each, before the digests name them
        supervision.escalate(engine, now)
    except Exception:  # noqa: BLE001 — the app DB away: the next round escalates
        log.exception("supervision requests could not be escalated")
    for sub in outbox.active(engine):
        try:
            owed = render_due(app, sub, now, day, cache)
        except Exception:  # noqa: BLE001 — one subscription's failure (a replica error, an unknown year) is
            log.exception("subscription %s: could not render its digest", sub["id"])  # logged; others go on
            result.skipped += 1
            continue
        for key, kind, message, value in owed:
            if outbox.enqueue(engine, sub, key, kind, message, value) is not None:
                result.enqueued += 1
    for row_id in outbox.claimable(engine):
        send_row(app, row_id, result)
    return result


def start(app, interval_s: float) -> threading.Thread | None:
    """A daemon thread running a round every ``interval_s`` seconds (none when 0: cron runs them)."""
    if interval_s <= 0:
        return None

    def loop():
        while True:
            try:
                run_round(app)
            except Exception:  # noqa: BLE001 — the app DB or replica away; the next round tries again
                log.warning("digest round failed", exc_info=True)
            time.sleep(interval_s)

    thread = threading.Thread(target=loop, name="aidwatch-digests", daemon=True)
    thread.start()
    return thread
