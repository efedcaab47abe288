"""Deadline progress: the SQL side.

Each deadline is counted per child region and per day in the database, so
the result is small and any as-of date is answered from it in memory
(``aidwatch.metrics.deadlines``) without another query. A record's "day" is
the first day on which it counts: for ``done`` that is the later of the days
its conditions became true, so that "done as of D" is simply "day ≤ D".

See shared/spec/metrics.md, "Deadline progress".
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
import sqlalchemy as sa

from aidwatch import contract as c
from queries.frames import day_counts_frame, to_frame
from queries.regions import Region, child_grouping, children, index_order, per_child, school_grouping
from queries.scope import Scope

SERIES_COLUMNS = ["deadline", "measure", "code", "day", "n"]


def headcount_new(conn: sa.Connection, scope: Scope, region: Region, term: str) -> pd.DataFrame:
    """Σ ``school_headcount.reported_new`` per child region: the registration deadlines' total."""
    hc = c.school_headcount
    g = child_grouping(hc, region, scope)
    q = sa.select(g.key, sa.func.sum(hc.c.reported_new).label("n")).select_from(g.source).where(
        *g.where, hc.c.term == term).group_by(g.key)
    return to_frame(conn.execute(q), ["code", "n"])


def registrations(conn: sa.Connection, scope: Scope, region: Region, term: str) -> pd.DataFrame:
    """New students of ``term`` per child region and registration day."""
    st = c.student
    g = school_grouping(st, region, scope)
    q = sa.select(g.key, st.c.registered_on, sa.func.count().label("n")).select_from(g.source).where(
        *g.where, st.c.intake_term == term, st.c.registered_on.is_not(None)).group_by(g.key, st.c.registered_on)
    return to_frame(conn.execute(per_child(q, region)), ["code", "day", "n"])


def aid_days(conn: sa.Connection, scope: Scope, region: Region, term: str, kind: str, first: str,
             second: str) -> pd.DataFrame:
    """Aid records of one term and kind per child region and day: ``measure, code, day, n``.

    ``total`` counts a record from its ``first`` date, ``done`` from the later of
    ``first`` and ``second`` once both are set: "done as of D" is "day ≤ D".
    The records are first counted per pair of dates, grouped in the order of
    the replica's index (term, kind, province, first, second), so the database
    streams millions of rows instead of sorting them; the two day counts are
    taken from those pairs in the database too, which hands back a quarter of
    the rows. Approvals (first = submitted_on) leave out rejected records, as
    the spec's total does.
    """
    a = c.aid_record
    g = school_grouping(a, region, scope)
    one, two = a.c[first], a.c[second]
    where = [*g.where, a.c.term == term, a.c.kind == kind, one.is_not(None)]
    if first == "submitted_on":
        where.append(a.c.status != "rejected")
    pairs = per_child(sa.select(g.key, one.label("first"), two.label("second"), sa.func.count().label("n"))
                      .select_from(g.source).where(*where).group_by(*index_order(g, region, one, two)),
                      region).cte("pairs")
    later = sa.case((pairs.c.second > pairs.c.first, pairs.c.second), else_=pairs.c.first)
    total = (sa.select(sa.literal_column("'total'").label("measure"), pairs.c.code, pairs.c.first.label("day"),
                       sa.func.sum(pairs.c.n).label("n")).group_by(pairs.c.code, pairs.c.first))
    done = (sa.select(sa.literal_column("'done'"), pairs.c.code, later, sa.func.sum(pairs.c.n))
            .where(pairs.c.second.is_not(None)).group_by(pairs.c.code, later))
    return day_counts_frame(conn.execute(sa.union_all(total, done)), ["measure", "code", "day", "n"])


def report_days(conn: sa.Connection, scope: Scope, region: Region, year: int) -> dict:
    """Province code → day its written report of ``year`` arrived (None: not yet), within the region."""
    r = c.province_rollout
    q = sa.select(r.c.province_code, r.c.report_submitted_on).where(r.c.year == year)
    if scope.province is not None:
        q = q.where(r.c.province_code == scope.province)
    if region.level != "nation":
        q = q.where(r.c.province_code == region.province)
    return dict(conn.execute(q).all())


def series_queries(region: Region, year: int) -> dict[str, tuple]:
    """The independent queries behind one deadline view: name → (function, *arguments after the scope).

    They share nothing, so the registry runs them concurrently, each cached on its own, in this order:
    the aid counts (millions of records each; the tuition waivers, nearly every student, before the
    grants) first, so that the last to start is a short one.
    """
    if region.level == "school":
        raise ValueError("a school has cases, not child regions: use deadline_cases")
    spring, autumn = f"{year}S", f"{year}A"
    halves = (("spring", spring), ("autumn", autumn))
    calls = {f"{half}_{kind}": (aid_days, region, term, kind, "submitted_on", "approved_on")
             for kind in c.AID_KINDS for half, term in halves}
    calls["funds"] = (aid_days, region, spring, "grant", "approved_on", "disbursed_on")
    for half, term in halves:
        calls[f"{half}_registered"] = (registrations, region, term)
        calls[f"{half}_headcount"] = (headcount_new, region, term)
    calls |= {"children": (children, region), "reports": (report_days, region, year)}
    return calls


def _days(frame: pd.DataFrame, deadline: str, measure: str, day: pd.Series | None) -> pd.DataFrame:
    out = pd.DataFrame({"deadline": deadline, "measure": measure, "code": frame["code"],
                        "day": day if day is not None else pd.NaT, "n": frame["n"]})
    return out


def assemble(results: dict, region: Region) -> tuple[pd.DataFrame, pd.DataFrame]:
    """``(children, series)`` from the results of ``series_queries``.

    ``series`` has ``deadline, measure (total|done), code, day, n``: how many
    records start counting on each day; ``day`` is NaT for counts that do not
    depend on the date (the schools' reported headcount, the number of provinces).
    """
    kids = results["children"]
    parts = []
    for half in ("spring", "autumn"):
        head = results[f"{half}_headcount"]
        parts.append(_days(head, f"{half}_registration", "total", None))
        reg = results[f"{half}_registered"]
        parts.append(_days(reg, f"{half}_registration", "done", pd.to_datetime(reg["day"])))
        for kind in c.AID_KINDS:
            parts.append(results[f"{half}_{kind}"].assign(deadline=f"{half}_aid_approval"))
    parts.append(results["funds"].assign(deadline="rollout_funds"))
    # Written reports: below the nation every child row carries its province's report (total 1): a city or
    # school has no report of its own, and its supervisor must see whether the province's is in.
    reports = results["reports"]
    codes = list(kids["code"].astype(str))
    days = {code: reports.get(code) for code in codes} if region.level == "nation" else \
        {code: reports.get(region.province) for code in codes}
    parts.append(pd.DataFrame({"deadline": "rollout_report", "measure": "total", "code": codes, "day": pd.NaT, "n": 1}))
    parts.append(pd.DataFrame({"deadline": "rollout_report", "measure": "done",
                               "code": [k for k, v in days.items() if v is not None],
                               "day": pd.to_datetime([v for v in days.values() if v is not None]), "n": 1}))
    # no parts at all: a city without schools (its deadlines are then empty, not an error)
    series = pd.concat([p for p in parts if len(p)] or [pd.DataFrame(columns=SERIES_COLUMNS)],
                       ignore_index=True).reindex(columns=SERIES_COLUMNS)
    # categories: every as-of change groups this frame several times (aidwatch.metrics.deadlines.cumulative)
    series = series.astype({"deadline": "category", "measure": "category", "code": "category"})
    series["day"] = pd.to_datetime(series["day"]).astype("datetime64[s]")
    series["n"] = pd.to_numeric(series["n"]).fillna(0).astype("int64")
    series = series.groupby(["deadline", "measure", "code", "day"], dropna=False, as_index=False)["n"].sum()
    return kids, series


def deadline_series(conn: sa.Connection, scope: Scope, region: Region, year: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Every query of ``series_queries`` on one connection, one after another, assembled."""
    results = {name: fn(conn, scope, *args) for name, (fn, *args) in series_queries(region, year).items()}
    return assemble(results, region)


def deadline_cases(conn: sa.Connection, scope: Scope, region: Region, year: int, deadline: str, as_of: dt.date) -> pd.DataFrame:
    """The records of one school that are not done as of D for one deadline (unmasked: mask before display)."""
    scope.require_cases(region)
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
