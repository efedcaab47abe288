"""Deadline progress: the SQL side.

Each deadline is counted per child region and per day in the database, so the
result is small (regions × days) and any as-of date is answered from it in
memory (``aidwatch.metrics.deadlines``) without another query. A record's
"day" is the first day on which it counts: for ``done`` that is the later of
the days its conditions became true, so that "done as of D" is simply
"day ≤ D".

See shared/spec/metrics.md, "Deadline progress".
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
import sqlalchemy as sa

from aidwatch import contract as c
from queries.frames import to_frame
from queries.regions import Region, child_grouping, child_names
from queries.scope import Scope

SERIES_COLUMNS = ["deadline", "measure", "code", "day", "n"]


def _later(a: sa.ColumnElement, b: sa.ColumnElement) -> sa.ColumnElement:
    """The later of two dates, typed as a date on both backends."""
    return sa.type_coerce(sa.case((a > b, a), else_=b), sa.Date)


def _daily(conn, table, region, scope, day, filters, measure_name, deadline, amount=None) -> pd.DataFrame:
    g = child_grouping(table, region, scope)
    n = sa.func.count() if amount is None else sa.func.sum(amount)
    day_col = day.label("day") if day is not None else sa.null().label("day")
    q = sa.select(g.key, day_col, n.label("n")).select_from(g.source).where(*g.where, *filters)
    q = q.group_by(g.key, day) if day is not None else q.group_by(g.key)
    frame = to_frame(conn.execute(q), ["code", "day", "n"])
    frame["deadline"] = deadline
    frame["measure"] = measure_name
    return frame


def _registration(conn, region, scope, term, deadline):
    hc, st = c.school_headcount, c.student
    total = _daily(conn, hc, region, scope, None, [hc.c.term == term], "total", deadline, amount=hc.c.reported_new)
    done = _daily(
        conn, st, region, scope, st.c.registered_on,
        [st.c.intake_term == term, st.c.registered_on.is_not(None)], "done", deadline,
    )
    return [total, done]


def _aid_approval(conn, region, scope, term, deadline):
    a = c.aid_record
    # ``kind IN (...)`` names every kind so that an index led by (term, kind, province_code) is used for both.
    base = [a.c.term == term, a.c.kind.in_(c.AID_KINDS), a.c.submitted_on.is_not(None), a.c.status != "rejected"]
    total = _daily(conn, a, region, scope, a.c.submitted_on, base, "total", deadline)
    done = _daily(
        conn, a, region, scope, _later(a.c.submitted_on, a.c.approved_on),
        [*base, a.c.approved_on.is_not(None)], "done", deadline,
    )
    return [total, done]


def _rollout_funds(conn, region, scope, term, deadline):
    a = c.aid_record
    base = [a.c.term == term, a.c.kind == "grant", a.c.approved_on.is_not(None)]
    total = _daily(conn, a, region, scope, a.c.approved_on, base, "total", deadline)
    done = _daily(
        conn, a, region, scope, _later(a.c.approved_on, a.c.disbursed_on),
        [*base, a.c.disbursed_on.is_not(None)], "done", deadline,
    )
    return [total, done]


def _rollout_report(conn, region, scope, year, deadline, children):
    """Provinces' written reports. Below the nation every child row carries its
    province's report (total 1): a city or school has no report of its own, and
    its supervisor must see whether the province's is in (docs/metrics-decisions.md)."""
    r = c.province_rollout
    q = sa.select(r.c.province_code, r.c.report_submitted_on).where(r.c.year == year)
    if scope.province is not None:
        q = q.where(r.c.province_code == scope.province)
    if region.level != "nation":
        q = q.where(r.c.province_code == region.province)
    reports = dict(conn.execute(q).all())
    if region.level == "nation":
        codes = list(children["code"])
        days = {code: reports.get(code) for code in codes}
    else:
        day = reports.get(region.province)
        days = {code: day for code in children["code"]}
    total = pd.DataFrame({"code": list(days), "day": None, "n": 1})
    done = pd.DataFrame([(k, v, 1) for k, v in days.items() if v is not None], columns=["code", "day", "n"])
    total["deadline"] = done["deadline"] = deadline
    total["measure"], done["measure"] = "total", "done"
    return [total, done]


def deadline_series(conn: sa.Connection, scope: Scope, region: Region, year: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Per child region, deadline, measure and day: how many records start counting that day.

    Returns ``(children, series)``: ``children`` has ``code, name`` of every
    child region; ``series`` has ``deadline, measure (total|done), code, day, n``
    where ``day`` is NaT for counts that do not depend on the date (the
    schools' reported headcount, the number of provinces).
    """
    if region.level == "school":
        raise ValueError("a school has cases, not child regions: use deadline_cases")
    children = child_names(conn, region, scope)
    spring, autumn = f"{year}S", f"{year}A"
    parts = [
        *_registration(conn, region, scope, spring, "spring_registration"),
        *_registration(conn, region, scope, autumn, "autumn_registration"),
        *_aid_approval(conn, region, scope, spring, "spring_aid_approval"),
        *_aid_approval(conn, region, scope, autumn, "autumn_aid_approval"),
        *_rollout_funds(conn, region, scope, spring, "rollout_funds"),
        *_rollout_report(conn, region, scope, year, "rollout_report", children),
    ]
    series = pd.concat([p for p in parts if len(p)], ignore_index=True) if parts else pd.DataFrame()
    series = series.reindex(columns=SERIES_COLUMNS)
    series["code"] = series["code"].astype(str)
    series["day"] = pd.to_datetime(series["day"]).astype("datetime64[s]")
    series["n"] = pd.to_numeric(series["n"]).fillna(0).astype("int64")
    return children, series


def deadline_cases(conn: sa.Connection, scope: Scope, region: Region, year: int, deadline: str, as_of: dt.date) -> pd.DataFrame:
    """The records of one school that are not done as of D for one deadline (unmasked: mask before display)."""
    if region.level != "school":
        raise ValueError("cases are listed per school")
    if not scope.cases_allowed:
        raise PermissionError("case lists are not available to this role")
    scope.check_province(region.province)
    st, a = c.student, c.aid_record
    half = "S" if deadline.startswith("spring") or deadline == "rollout_funds" else "A"
    term = f"{year}{half}"
    if deadline in ("spring_registration", "autumn_registration"):
        q = (
            sa.select(st.c.id.label("student_id"), st.c.name, st.c.id_number, st.c.intake_term,
                      st.c.enrolled_on, st.c.registered_on, st.c.status)
            .where(st.c.school_id == region.school, st.c.province_code == region.province, st.c.intake_term == term)
            .where(sa.or_(st.c.registered_on.is_(None), st.c.registered_on > as_of))
            .order_by(st.c.enrolled_on, st.c.id)
        )
    elif deadline in ("spring_aid_approval", "autumn_aid_approval", "rollout_funds"):
        cols = [a.c.id.label("record_id"), st.c.name, st.c.id_number, a.c.term, a.c.kind, a.c.grade,
                a.c.amount, a.c.submitted_on, a.c.publicized_on, a.c.approved_on, a.c.disbursed_on, a.c.status]
        q = sa.select(*cols).select_from(a.join(st, st.c.id == a.c.student_id)).where(
            a.c.school_id == region.school, a.c.province_code == region.province, a.c.term == term
        )
        if deadline == "rollout_funds":
            q = q.where(a.c.kind == "grant", a.c.approved_on <= as_of,
                        sa.or_(a.c.disbursed_on.is_(None), a.c.disbursed_on > as_of))
        else:
            q = q.where(a.c.kind.in_(c.AID_KINDS), a.c.submitted_on <= as_of, a.c.status != "rejected",
                        sa.or_(a.c.approved_on.is_(None), a.c.approved_on > as_of))
        q = q.order_by(a.c.submitted_on, a.c.id)
    elif deadline == "rollout_report":
        return pd.DataFrame()
    else:
        raise ValueError(f"unknown deadline {deadline!r}")
    return to_frame(conn.execute(q))
