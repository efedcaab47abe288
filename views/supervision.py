"""Supervision requests (督办): the actions (open, reply, close, escalate) and the view model of the page, its
export, the province's landing list, the briefing's line and the digests' lines.

The actions take the acting user's name and ``Scope`` explicitly, so the page, the command line
(``aidwatch supervision``) and the digest round obey the same rules: the ministry opens and closes, a
province user answers only its own province's requests, leadership reads. Each refusal is an
``aidwatch.supervision.Refused`` (or the registry's ``NoSuchRegion``) raised before anything is written;
each action is audited as ``supervision_open|reply|close|escalate``. Dates are Beijing dates of the
actions, whatever the view's as-of date (spec: "Supervision requests").
"""

from __future__ import annotations

import datetime as dt
import logging
from urllib.parse import urlsplit

from dataclasses import dataclass

import flask
import pandas as pd

from aidwatch import supervision as rules
from aidwatch.i18n import t
from aidwatch.reference import region_name
from aidwatch.schedule import local
from aidwatch.viewstate import first_value, safe_next, BadView, View
from aidwatch.workdays import calendar
from queries import appdb, supervision as store
from queries.regions import children, Region
from queries.scope import Scope
from views.context import app_db, resolve

log = logging.getLogger(__name__)

PATH = "/supervision"
#: The audit log's name for the digest round, which escalates on nobody's behalf.
ROUND_ACTOR = "digest-round"
MAX_PAGE = 1000


def _now(now: dt.datetime | None = None) -> tuple[dt.datetime, dt.date]:
    """(the moment in UTC, its Beijing date): the clock of every action."""
    if now is None:
        clock = flask.current_app.config.get("AIDWATCH_CLOCK") if flask.has_app_context() else None
        now = dt.datetime.fromtimestamp(clock(), dt.timezone.utc) if clock else dt.datetime.now(dt.timezone.utc)
    now = now if now.tzinfo else local(now)
    return now.astimezone(dt.timezone.utc), local(now).date()


def refusal(exc: Exception, lang: str) -> str:
    """A ``Refused`` text ("中文 / English") in ``lang``."""
    zh, _, en = str(exc).partition(" / ")
    return (en or zh) if lang == "en" else zh


def check_page(value) -> str:
    """The view's path and query: a same-site path of this dashboard, nothing else (never another site, never
    a ``javascript:`` link)."""
    if not isinstance(value, str) or not value.strip():
        raise rules.Refused("缺少所督办的页面 / the view's path and query are missing")
    value = value.strip()
    if len(value) > MAX_PAGE or safe_next(value) != value or not urlsplit(value).path.startswith("/"):
        raise rules.Refused("页面地址应为本看板的路径，如 /deadlines?province=44 / the page must be a path of this "
                            "dashboard, e.g. /deadlines?province=44")
    return value


def region_of(registry, scope, province, city=None, school=None) -> dict:
    """The request's region, checked in the registry within ``scope``: codes and its Chinese name."""
    if not province and not city and not school:
        raise rules.Refused("请选择省份（可再选地市或学校）/ choose a province (and optionally a city or school)")
    region, labels = registry.region(scope, province, city, school)
    code = region.province if region.level == "province" else region.city
    if region.level == "school":
        schools = registry.query(children, scope, Region("city", region.province, region.city))
        match = schools[schools["code"].astype(str) == str(region.school)]
        code = str(match["school_code"].iloc[0]) if len(match) and "school_code" in match else str(region.school)
    name = labels.get("school") or labels.get("city") or labels.get("province") or code
    return {"province": region.province, "city": region.city, "school": region.school, "code": code, "name": name}


def _audit(engine, username, action: str, scope, request_id: int, **params) -> None:
    appdb.audit(engine, username, f"supervision_{action}", scope, {"request": request_id, **params})


def open_request(engine, registry, username: str, scope, province, city=None, school=None, page_path=None,
                 text=None, workdays=None, due=None, now=None) -> int:
    """A new request by the ministry; its id. Raises ``Refused`` / ``NoSuchRegion`` with nothing written."""
    rules.may_open(scope)
    text = rules.check_message(text)
    page_path = check_page(page_path)
    region = region_of(registry, scope, province, city, school)
    at, today = _now(now)
    due_on = rules.due_on(today, calendar(), workdays, rules.parse_day(due, "due"))
    request_id = store.open_request(engine, region, page_path, due_on, at, today, username, text)
    _audit(engine, username, "open", scope, request_id, province=region["province"], code=region["code"],
           page=page_path, due_on=due_on.isoformat())
    return request_id


def _visible(engine, scope, request_id) -> dict:
    """The request if ``scope`` may see it (the province filter is in the query), else ``Refused``."""
    if isinstance(request_id, bool) or not isinstance(request_id, int):
        raise rules.Refused("请先选择一项督办 / choose a request first")
    found = store.requests(engine, province=scope.province, request_id=request_id)
    if not found:
        raise rules.Refused(f"没有编号为 {request_id} 的督办，或不在您的数据范围内 / no request {request_id} within "
                            "your data scope")
    return found[0]


def reply(engine, username: str, scope, request_id, text, planned=None, now=None) -> None:
    """A reply by the province asked (or the ministry) with a planned completion day; none once closed."""
    request = _visible(engine, scope, request_id)
    rules.may_reply(scope, request["province"])
    text = rules.check_message(text, "reply")
    planned_on = rules.parse_day(planned, "planned")
    at, today = _now(now)
    if not store.reply(engine, request_id, at, today, username, text, planned_on):
        raise rules.Refused("该督办已办结，不能再答复 / the request is closed: no more replies")
    _audit(engine, username, "reply", scope, request_id, planned_on=planned_on and planned_on.isoformat())


def close(engine, username: str, scope, request_id, text, now=None) -> None:
    """The ministry closes a request with a note (reopening is a new request)."""
    rules.may_close(scope)
    _visible(engine, scope, request_id)
    text = rules.check_message(text, "note")
    at, today = _now(now)
    if not store.append_once(engine, request_id, "close", at, today, username, text):
        raise rules.Refused("该督办已办结 / the request is closed already")
    _audit(engine, username, "close", scope, request_id)


def escalate(engine, now=None) -> list[int]:
    """The digest round's step: each request unanswered past its due day gets its one ``escalated`` event
    (the unique index decides between rounds running at once); the ids this round escalated."""
    at, today = _now(now)
    done = []
    for row in store.requests(engine, unanswered_before=today):
        if rules.needs_escalation(row["due_on"], events_of(row), today) and store.append_once(
                engine, row["id"], "escalated", at, today, None):
            _audit(engine, ROUND_ACTOR, "escalate", None, row["id"], province=row["province"],
                   due_on=row["due_on"].isoformat())
            done.append(row["id"])
    return done


# --- the view-model: rows for the page, the export, the command line and the digests ------------


def events_of(row: dict) -> list[rules.Event]:
    return [rules.Event(e["kind"], e["at"], e["on_day"], e["username"], e["message"], e["planned_on"])
            for e in row["events"]]


def _day(value) -> str:
    return value.isoformat() if isinstance(value, dt.date) else ""


def describe_row(row: dict, today: dt.date, cal=None) -> dict:
    """One request as the export's columns plus ``message``, ``history`` and what the page shows."""
    state = rules.derive(row["due_on"], events_of(row), today)
    return {
        "id": row["id"], "code": row["code"], "name": row["name"], "page": row["page"],
        "opened_on": _day(state.opened_on), "opened_by": state.opened_by, "due_on": _day(row["due_on"]),
        "status": state.status, "replied_on": _day(state.replied_on), "planned_on": _day(state.planned_on),
        "closed_on": _day(state.closed_on), "events": state.events, "message": state.message,
        "history": [{"kind": e["kind"], "at": e["at"].isoformat(), "by": e["username"], "message": e["message"],
                     "planned_on": _day(e["planned_on"]) or None} for e in row["events"]],
        "province": row["province"], "city": row["city"], "school": row["school"],
        "workdays_left": rules.workdays_left(row["due_on"], today, cal or calendar()),
        "on_time": rules.answered_on_time(row["due_on"], events_of(row)),
    }


def listing(engine, scope, now=None, region: Region | None = None) -> list[dict]:
    """Every request ``scope`` may see (of ``region`` when given), newest first, described as of today."""
    _, today = _now(now)
    where = {"province": scope.province}
    if region is not None and region.level != "nation":
        scope.check_province(region.province)
        where = {"province": region.province, "city": region.city, "school": region.school}
    return [describe_row(r, today) for r in store.requests(engine, **where)]


def counts(rows: list[dict], today: dt.date) -> dict:
    """The briefing's line: not closed, overdue, and answered on time this month (first reply this month
    on or before its due day)."""
    month = (today.year, today.month)
    return {"open": sum(r["status"] != "closed" for r in rows),
            "overdue": sum(r["status"] == "overdue" for r in rows),
            "on_time": sum(bool(r["on_time"]) and (r["on_time"].year, r["on_time"].month) == month for r in rows)}


def briefing_line(engine, scope, lang: str, now=None, region: Region | None = None) -> str:
    """The briefing's sentence on the requests of ``region`` in ``scope``."""
    _, today = _now(now)
    c = counts(listing(engine, scope, now, region), today)
    return t("sv_briefing_line", lang, **c)


def digest_lines(engine, scope, lang: str, base: str, now=None) -> list[tuple[str, str, str]]:
    """(key, sentence, link) for a digest: the ministry's overdue requests; a province's requests awaiting
    its answer (open or overdue). Leadership's digests have none (the briefing's line counts them). The key
    (``supervision_overdue:7``) makes an overdue request one reminder of an events subscription."""
    if scope.role == "leadership":
        return []
    _, today = _now(now)
    rows = [r for r in listing(engine, scope, now)
            if r["status"] == "overdue" or (scope.role == "province" and r["status"] == "open")]
    link = base + PATH + ("?lang=en" if lang == "en" else "")
    return [(f"supervision_{r['status']}:{r['id']}", t(f"sv_digest_{r['status']}", lang, id=r["id"], region=region_text(r, lang), due=r["due_on"],
               text=rules.preview(r["message"])), link) for r in rows]


def region_text(row: dict, lang: str) -> str:
    """The request's region in ``lang``: a province's or city's name from the reference table, a school's as
    stored when the request was opened."""
    if row["school"] is not None:
        return row["name"]
    return region_name(row["city"] or row["province"], lang, row["name"]) or row["name"]


@dataclass(frozen=True)
class SupervisionView:
    """What ``supervision_data`` gives the page."""

    view: View
    role: str
    region: Region
    labels: dict
    status: str | None        # the status filter (None: all)
    rows: list                # described requests (``describe_row``), newest first
    per_status: dict          # status → count in the region (before the status filter)
    provinces: list           # at the nation: each province's counts
    form: dict | None         # the ministry's opening form: {"page": the view's path and query}


def _status(query: dict) -> str | None:
    status = first_value(query.get("status"))
    if status in (None, ""):
        return None
    if status not in rules.STATUSES:
        raise BadView(f"status={status!r} is not one of {', '.join(rules.STATUSES)}")
    return status


def supervision_data(query: dict, scope: Scope, now=None) -> SupervisionView:
    """The page's data: the view's region in the reader's scope, its requests, their counts and, at the
    nation, the counts per province (the way down)."""
    r = resolve(query, scope)
    status = _status(query)
    rows = listing(app_db(), r.scope, now, r.region)
    per_status = {s: sum(row["status"] == s for row in rows) for s in rules.STATUSES}
    provinces = []
    if r.region.level == "nation":
        for code in sorted({row["province"] for row in rows}):
            mine = [row for row in rows if row["province"] == code]
            provinces.append({"code": code, "name": region_name(code, r.view.lang) or code,
                              **{s: sum(row["status"] == s for row in mine) for s in rules.STATUSES}})
    form = None
    if r.scope.role == "ministry" and r.region.level != "nation":
        asked = first_value(query.get("page"))
        if asked in (None, ""):
            asked = "/deadlines" + r.view.query(as_of=None, year=None)
        try:
            form = {"page": check_page(asked)}
        except rules.Refused:
            raise BadView(f"page={asked!r} is not a path of this dashboard") from None
    shown = [row for row in rows if status is None or row["status"] == status]
    return SupervisionView(r.view, r.scope.role, r.region, r.labels, status, shown, per_status, provinces,
                                form)


def export_frame(query: dict, scope: Scope) -> pd.DataFrame:
    """``/export/supervision.*``: the spec's columns for every request in the reader's scope (of the view's
    region and status), whatever ``as_of`` and ``year`` say."""
    data = supervision_data(query, scope)
    return pd.DataFrame([{c: row[c] for c in rules.EXPORT_COLUMNS} for row in data.rows],
                        columns=rules.EXPORT_COLUMNS)


def landing_rows(scope: Scope) -> list[dict]:
    """A province user's not-closed requests, for the top of their landing page (none for other roles)."""
    if scope.role != "province":
        return []
    return [r for r in listing(app_db(), scope) if r["status"] != "closed"]
