"""Supervision requests (督办) in the app database: a request row written once, and its events, appended.

Nothing here is ever updated or deleted: a request's state is derived from its events
(``aidwatch.supervision.derive``). The request row holds what never changes after opening (region, the
view's path and query, the due day); the events hold who did what and when, by username, so a user
disabled later still appears by name.

Once-only events are a database guarantee, not a check in Python: a unique partial index allows one
``open``, one ``close`` and one ``escalated`` event per request, so two digest rounds on two hosts
escalating the same request at once write one event between them (the loser's INSERT fails and is
reported as "already there"). A reply is one ``INSERT … SELECT … WHERE NOT EXISTS (a close)``, so a
request closed a moment before gets no reply.
"""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from queries.appdb import _utc, supervision_event, supervision_request, SUPERVISION_ONCE as ONCE


def open_request(engine: sa.Engine, region: dict, page: str, due_on: dt.date, at: dt.datetime, on: dt.date,
                 by: str, message: str) -> int:
    """Write a new request and its ``open`` event in one transaction; the request's id.

    ``region``: ``province``, ``city``, ``school``, ``code``, ``name``."""
    with engine.begin() as conn:
        request_id = conn.execute(supervision_request.insert().values(
            province=region["province"], city=region.get("city"), school=region.get("school"),
            code=region["code"], name=region["name"], page=page, due_on=due_on, created_at=at,
        )).inserted_primary_key[0]
        conn.execute(supervision_event.insert().values(request_id=request_id, kind="open", at=at, on_day=on,
                                                       username=by, message=message))
    return int(request_id)


def _not_closed(request_id: int):
    closed = sa.select(supervision_event.c.id).where(supervision_event.c.request_id == request_id,
                                                     supervision_event.c.kind == "close")
    return ~sa.exists(closed)


def reply(engine: sa.Engine, request_id: int, at: dt.datetime, on: dt.date, by: str, message: str,
          planned_on: dt.date | None) -> bool:
    """Append a reply unless the request is closed (one statement); False when it was closed."""
    values = sa.select(sa.literal(request_id), sa.literal("reply"), sa.literal(at, sa.DateTime(timezone=True)),
                       sa.literal(on, sa.Date), sa.literal(by, sa.String), sa.literal(message, sa.Text),
                       sa.literal(planned_on, sa.Date)).where(_not_closed(request_id))
    columns = ["request_id", "kind", "at", "on_day", "username", "message", "planned_on"]
    with engine.begin() as conn:
        inserted = supervision_event.insert().from_select(columns, values).returning(supervision_event.c.id)
        return conn.execute(inserted).first() is not None


def append_once(engine: sa.Engine, request_id: int, kind: str, at: dt.datetime, on: dt.date, by: str | None,
                message: str | None = None) -> bool:
    """Append a ``close`` or ``escalated`` event; False when the request has one already (another host's
    round, a second click), which the unique index decides."""
    if kind not in ONCE or kind == "open":
        raise ValueError(f"{kind!r} is not a once-only event")
    try:
        with engine.begin() as conn:
            conn.execute(supervision_event.insert().values(request_id=request_id, kind=kind, at=at, on_day=on,
                                                           username=by, message=message))
    except IntegrityError:
        return False
    return True


def _has(request_id, kinds) -> sa.ColumnElement:
    """An event of ``kinds`` exists for the request (an alias: the events query itself reads the table)."""
    other = supervision_event.alias("other")
    return sa.exists(sa.select(other.c.id).where(other.c.request_id == request_id, other.c.kind.in_(kinds)))


def requests(engine: sa.Engine, province: str | None = None, request_id: int | None = None, city: str | None = None,
             school: int | None = None, unanswered_before: dt.date | None = None) -> list[dict]:
    """Requests (newest first) with their events (oldest first) as ``events``; only those of ``province``
    when given (a province user's scope, or the view's region with ``city`` / ``school``), only
    ``request_id`` when given; with ``unanswered_before``, only those due before that day with no reply,
    close or escalation yet (what a digest round escalates)."""
    r = supervision_request.c
    where = [column == value for column, value in ((r.province, province), (r.id, request_id), (r.city, city),
                                                   (r.school, school)) if value is not None]
    if unanswered_before is not None:
        where += [r.due_on < unanswered_before, ~_has(r.id, ("reply", "close", "escalated"))]
    query = sa.select(supervision_request).where(*where).order_by(r.id.desc())
    events = (sa.select(supervision_event).join(supervision_request).where(*where)
              .order_by(supervision_event.c.request_id, supervision_event.c.at, supervision_event.c.id))
    with engine.connect() as conn:
        rows = [dict(r._mapping) | {"events": []} for r in conn.execute(query)]
        by_id = {r["id"]: r for r in rows}
        for e in conn.execute(events):
            event = dict(e._mapping)
            event["at"] = _utc(event["at"])
            by_id[event["request_id"]]["events"].append(event)
    return rows
