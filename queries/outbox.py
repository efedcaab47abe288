"""Subscriptions and the outbox, in the app database (SQLite or PostgreSQL), shared by every app server.

A subscription belongs to a user (its *owner*); its content is always computed with the owner's scope at
send time (``notifications.digests``). The outbox holds one row per (subscription, key), the key being a
digest's period (``daily:2026-10-08``) or an event's identity (``deadline_passed:spring_aid_approval:
2025-05-20``); a unique constraint makes "render and record" happen once whichever server or re-run gets
there first. A row is then *claimed* by one conditional UPDATE (the database lets exactly one claimant
through), sent, and marked sent, or put back with a back-off; a claim expires after ``LEASE``, so a
server that died mid-send leaves its row to be retried by the next round, not lost.

Webhook URLs (they carry the robot's access token) and signing secrets are stored for sending only:
nothing here returns them to a listing, and the log names a subscription by its id.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from urllib.parse import urlsplit

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from aidwatch.metrics.briefing import AREAS as BRIEFING_AREAS
from aidwatch.schedule import CADENCES, parse_at
from queries.appdb import _now, _utc, app_user, outbox, subscription

CHANNELS = ("email", "dingtalk", "wecom")
LANGS = ("zh", "en")
#: The areas a subscription may cover: the briefing's (deadlines are registration, approvals and rollout, the
#: written report being rollout's).
AREAS = tuple(BRIEFING_AREAS)
#: How long a claimed row stays with its claimant before another round may take it over.
LEASE = dt.timedelta(minutes=5)
#: Attempts before a row is given up (``failed``); the back-off doubles from BACKOFF up to MAX_BACKOFF.
MAX_ATTEMPTS = 6
BACKOFF = dt.timedelta(minutes=1)
MAX_BACKOFF = dt.timedelta(hours=1)
#: A subscription whose last sends failed this many times in a row shows as failing to the ministry.
FAILING_AFTER = 1

def target_hash(target: str) -> str:
    return hashlib.sha256(target.encode()).hexdigest()


def shown_target(channel: str, target: str) -> str:
    """What a listing may show of a target: an address in full, a webhook only by its host."""
    if channel == "email":
        return target
    return f"{urlsplit(target).netloc}/…"


def parse_areas(areas) -> tuple[str, ...]:
    """The areas of a subscription, in AREAS order, from a list or a comma-separated text (None: all of them);
    raises ``ValueError`` naming an unknown area, or when none is left."""
    if areas is None:
        return AREAS
    if isinstance(areas, str):
        areas = areas.split(",")
    if not isinstance(areas, (list, tuple, set, frozenset)) or not all(isinstance(a, str) for a in areas):
        raise ValueError(f"areas: a list of {', '.join(AREAS)}")
    chosen = {a.strip() for a in areas if a.strip()}
    unknown = sorted(chosen - set(AREAS))
    if unknown:
        raise ValueError(f"unknown area {', '.join(map(repr, unknown))}: use one or more of {', '.join(AREAS)}")
    if not chosen:
        raise ValueError(f"a subscription covers at least one area: {', '.join(AREAS)}")
    return tuple(a for a in AREAS if a in chosen)


def _stored_areas(areas: tuple[str, ...]) -> str | None:
    return None if areas == AREAS else ",".join(areas)


def _decoded(row) -> dict:
    """A row as a dict, its ``areas`` a tuple (every area for NULL)."""
    d = dict(row._mapping)
    d["areas"] = parse_areas(d["areas"])
    return d


def _check(channel: str, target: str, cadence: str, at: str, lang: str, secret: str | None) -> None:
    if channel not in CHANNELS:
        raise ValueError(f"unknown channel {channel!r}: use one of {', '.join(CHANNELS)}")
    if cadence not in CADENCES:
        raise ValueError(f"unknown cadence {cadence!r}: use one of {', '.join(CADENCES)}")
    if lang not in LANGS:
        raise ValueError(f"unknown language {lang!r}: use zh or en")
    parse_at(at)
    if channel == "email":
        if not isinstance(target, str) or target.count("@") != 1 or any(c in target for c in " \r\n<>,;"):
            raise ValueError(f"{target!r} is not an e-mail address")
    else:
        parts = urlsplit(target or "")
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise ValueError("the webhook must be an http(s) URL (the robot's address with its access token)")
        if secret is not None and channel != "dingtalk":
            raise ValueError("only DingTalk robots take a signing secret")


def add(engine: sa.Engine, owner: str, channel: str, target: str, cadence: str = "daily", at: str = "08:30",
        lang: str = "zh", secret: str | None = None, areas=None) -> int:
    """A new subscription of ``owner`` (an existing user) covering ``areas`` (``parse_areas``; default all);
    its id. Raises ``ValueError`` on bad input."""
    _check(channel, target, cadence, at, lang, secret)
    areas = parse_areas(areas)
    with engine.begin() as conn:
        if conn.execute(sa.select(app_user.c.id).where(app_user.c.username == owner)).first() is None:
            raise ValueError(f"no user {owner!r}")
        return conn.execute(subscription.insert().values(
            owner=owner, channel=channel, target=target, secret=secret or None, cadence=cadence, at_time=at,
            lang=lang, areas=_stored_areas(areas), paused=False, failures=0, created_at=_now())).inserted_primary_key[0]


def _public(row) -> dict:
    """A subscription without its secrets: the target shown as ``shown_target``, the secret as a flag."""
    d = _decoded(row)
    d["target"] = shown_target(d["channel"], d["target"])
    d["signed"] = d.pop("secret") is not None
    d["created_at"] = _utc(d["created_at"])
    return d


def listing(engine: sa.Engine, owner: str | None = None, failing: bool = False) -> list[dict]:
    """Subscriptions (all, one owner's, or those failing), secrets left out."""
    query = sa.select(subscription).order_by(subscription.c.id)
    if owner is not None:
        query = query.where(subscription.c.owner == owner)
    if failing:
        query = query.where(subscription.c.failures >= FAILING_AFTER)
    with engine.connect() as conn:
        return [_public(r) for r in conn.execute(query)]


def get(engine: sa.Engine, sub_id: int, with_secrets: bool = False) -> dict | None:
    with engine.connect() as conn:
        row = conn.execute(sa.select(subscription).where(subscription.c.id == int(sub_id))).first()
    if row is None:
        return None
    return _decoded(row) if with_secrets else _public(row)


def active(engine: sa.Engine) -> list[dict]:
    """Every subscription not paused, with its secrets (for sending only), and its owner's account."""
    query = (sa.select(subscription, app_user.c.role, app_user.c.province_code, app_user.c.disabled,
                       app_user.c.id.label("owner_id"))
             .join(app_user, app_user.c.username == subscription.c.owner, isouter=True)
             .where(subscription.c.paused.is_(False)).order_by(subscription.c.id))
    with engine.connect() as conn:
        return [_decoded(r) for r in conn.execute(query)]


def set_paused(engine: sa.Engine, sub_id: int, paused: bool) -> None:
    with engine.begin() as conn:
        if not conn.execute(subscription.update().where(subscription.c.id == int(sub_id)).values(
                paused=bool(paused), failures=0 if not paused else subscription.c.failures)).rowcount:
            raise ValueError(f"no subscription {sub_id}")


def remove(engine: sa.Engine, sub_id: int) -> None:
    with engine.begin() as conn:
        conn.execute(outbox.delete().where(outbox.c.subscription_id == int(sub_id)))
        if not conn.execute(subscription.delete().where(subscription.c.id == int(sub_id))).rowcount:
            raise ValueError(f"no subscription {sub_id}")


# --- the outbox -------------------------------------------------------------------------------


def exists(engine: sa.Engine, sub_id: int, key: str) -> bool:
    with engine.connect() as conn:
        return conn.execute(sa.select(outbox.c.id).where(outbox.c.subscription_id == sub_id,
                                                         outbox.c.key == key)).first() is not None


def last_value(engine: sa.Engine, sub_id: int, kind: str) -> float | None:
    """The count the latest message of ``kind`` reported to this subscription (an event's baseline)."""
    with engine.connect() as conn:
        return conn.execute(sa.select(outbox.c.value).where(outbox.c.subscription_id == sub_id,
                                                            outbox.c.kind == kind)
                            .order_by(outbox.c.id.desc()).limit(1)).scalar()


def enqueue(engine: sa.Engine, sub: dict, key: str, kind: str, message, value: float | None = None) -> int | None:
    """Record a rendered message once: its row id, or None when (subscription, key) already has one."""
    now = _now()
    try:
        with engine.begin() as conn:
            return conn.execute(outbox.insert().values(
                subscription_id=sub["id"], key=key, kind=kind, value=value, created_at=now, status="pending",
                attempts=0, next_attempt_at=now, target_hash=target_hash(sub["target"]), subject=message.subject,
                markdown=message.markdown, text=message.text, html=message.html, link=message.link,
                attachment=message.attachment, attachment_name=message.attachment_name)).inserted_primary_key[0]
    except IntegrityError:
        return None


def claimable(engine: sa.Engine, now: dt.datetime | None = None) -> list[int]:
    """Ids of rows due to be sent, or whose claim has expired (a sender that crashed)."""
    now = now or _now()
    with engine.connect() as conn:
        return list(conn.execute(sa.select(outbox.c.id).where(_claimable(now)).order_by(outbox.c.id)).scalars())


def _claimable(now):
    return sa.or_(sa.and_(outbox.c.status == "pending", outbox.c.next_attempt_at <= now),
                  sa.and_(outbox.c.status == "sending", outbox.c.claimed_until < now))


def claim(engine: sa.Engine, row_id: int, now: dt.datetime | None = None) -> dict | None:
    """Take row ``row_id`` for sending; the row, or None when another sender has it or it is done.

    One conditional UPDATE: under concurrent claimants the database lets exactly one through.
    """
    now = now or _now()
    with engine.begin() as conn:
        taken = conn.execute(outbox.update().where(outbox.c.id == row_id, _claimable(now)).values(
            status="sending", claimed_until=now + LEASE, attempts=outbox.c.attempts + 1)).rowcount
        if not taken:
            return None
        return dict(conn.execute(sa.select(outbox).where(outbox.c.id == row_id)).first()._mapping)


def sent_recently(engine: sa.Engine, target: str, window: dt.timedelta, now: dt.datetime | None = None) -> list:
    """Send times to ``target`` within ``window`` before now, oldest first (a robot's rate limit)."""
    now = now or _now()
    with engine.connect() as conn:
        return [_utc(t) for t in conn.execute(
            sa.select(outbox.c.sent_at).where(outbox.c.target_hash == target_hash(target),
                                              outbox.c.sent_at > now - window).order_by(outbox.c.sent_at)).scalars()]


def finish(engine: sa.Engine, row: dict, ok: bool, result: str, retry: bool = True,
           later: dt.datetime | None = None, count_attempt: bool = True) -> str:
    """Record a send's answer; the row's new status. A failure is retried with a doubling back-off
    (or at ``later``) until MAX_ATTEMPTS; ``retry=False`` gives up at once (a wrong secret will not heal).
    ``count_attempt=False`` puts a row back untried (held back by the rate limit)."""
    now = _now()
    attempts = row["attempts"] if count_attempt else row["attempts"] - 1
    if ok:
        values = {"status": "sent", "sent_at": now, "claimed_until": None}
    elif retry and attempts < MAX_ATTEMPTS:
        wait = min(BACKOFF * 2 ** max(attempts - 1, 0), MAX_BACKOFF)
        values = {"status": "pending", "next_attempt_at": later or now + wait, "claimed_until": None}
    else:
        values = {"status": "failed", "claimed_until": None}
    values |= {"result": result[:500], "attempts": attempts}
    with engine.begin() as conn:
        conn.execute(outbox.update().where(outbox.c.id == row["id"]).values(**values))
        if count_attempt:
            conn.execute(subscription.update().where(subscription.c.id == row["subscription_id"]).values(
                failures=0 if ok else subscription.c.failures + 1, last_result=result[:500]))
    return values["status"]


def rows(engine: sa.Engine, sub_id: int | None = None) -> list[dict]:
    """Outbox rows (tests, the page's history), oldest first."""
    query = sa.select(outbox).order_by(outbox.c.id)
    if sub_id is not None:
        query = query.where(outbox.c.subscription_id == sub_id)
    with engine.connect() as conn:
        return [dict(r._mapping) for r in conn.execute(query)]
