"""Expansion rollout (扩围提标): the SQL side.

Grant recipients are counted in the database grouped by (child region,
approval day, year of study, tier, amount), payments by (child region,
approval day, payment day), and priority students by (child region, hardship
group, day they became priority students or recipients), so every result is
small and any as-of date is answered in memory (``aidwatch.metrics.rollout``).

See shared/spec/metrics.md, "Expansion rollout".
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd
import sqlalchemy as sa

from aidwatch import contract as c
from aidwatch.metrics import rollout as m
from queries.deadlines import aid_days
from queries.frames import day_counts_frame, to_frame
from queries.regions import Region, child_grouping, children, index_order, per_child, school_grouping
from queries.scope import Scope

PRIORITY_COLUMNS = ["code", "hardship", "day", "n"]
ROLLOUT_COLUMNS = ["province_code", "policy_revised_on", "tier_count", "tier_amounts", "budget_confirmed_on",
                   "funds_disbursed_on", "report_submitted_on"]


@dataclass(frozen=True)
class RolloutSeries:
    """What the page needs for one region and year, independent of D.

    ``provinces``: the ``province_rollout`` row of every province in view (all
    columns NULL for a province that has no row); ``recipients``: ``code, day
    (approved_on), third_year, tier, amount, n``; ``paid``: ``code, day, n``
    where day is the later of approval and payment.
    """

    children: pd.DataFrame
    provinces: pd.DataFrame
    recipients: pd.DataFrame
    paid: pd.DataFrame


def _grant_filters(a: sa.Table, term: str) -> list:
    return [a.c.term == term, a.c.kind == "grant", a.c.approved_on.is_not(None)]


def provinces(conn: sa.Connection, scope: Scope, region: Region, year: int) -> pd.DataFrame:
    """The rollout row of each province in view: every province at nation level, else the region's own."""
    p, r = c.province, c.province_rollout
    q = (sa.select(p.c.code.label("province_code"), *[r.c[col] for col in ROLLOUT_COLUMNS[1:]])
         .select_from(p.outerjoin(r, sa.and_(r.c.province_code == p.c.code, r.c.year == year)))
         .order_by(p.c.code))
    if scope.province is not None:
        q = q.where(p.c.code == scope.province)
    if region.level != "nation":
        q = q.where(p.c.code == region.province)
    frame = to_frame(conn.execute(q), ROLLOUT_COLUMNS)
    for col in ROLLOUT_COLUMNS:
        if col.endswith("_on"):
            frame[col] = pd.to_datetime(frame[col]).dt.date
            frame[col] = frame[col].astype(object).where(frame[col].notna(), None)
    return frame


def recipient_days(conn: sa.Connection, scope: Scope, region: Region, year: int) -> pd.DataFrame:
    """Grant recipients of term ``{year}S``: ``code, day (approved_on), third_year, tier, amount, n``.

    Grouped by the records' own columns in the order of their index (term, kind, province,
    approval day, …), so the database streams the national groups instead of sorting millions of
    rows; the year of study ≥ 3 is derived from the small result.
    """
    a = c.aid_record
    g = school_grouping(a, region, scope)
    q = (sa.select(g.key, a.c.approved_on.label("day"), a.c.grade, a.c.grant_tier.label("tier"), a.c.amount,
                   sa.func.count().label("n"))
         .select_from(g.source).where(*g.where, *_grant_filters(a, f"{year}S"))
         .group_by(*index_order(g, region, a.c.approved_on, a.c.grade, a.c.grant_tier, a.c.amount)))
    recipients = to_frame(conn.execute(per_child(q, region)), ["code", "day", "grade", "tier", "amount", "n"])
    recipients["third_year"] = pd.to_numeric(recipients.pop("grade")) >= 3
    recipients = recipients.groupby(["code", "day", "third_year", "tier", "amount"], as_index=False, dropna=False)["n"].sum()
    recipients["code"] = recipients["code"].astype(str)
    recipients["day"] = pd.to_datetime(recipients["day"]).astype("datetime64[s]")
    recipients["n"] = pd.to_numeric(recipients["n"]).astype("int64")
    recipients["tier"] = pd.to_numeric(recipients["tier"]).astype("Int64")
    recipients["amount"] = pd.to_numeric(recipients["amount"]).astype(float)
    return recipients


def series_queries(region: Region, year: int) -> dict[str, tuple]:
    """The independent queries behind a ``RolloutSeries``: name → (function, *arguments after the scope),
    for ``Registry.query_many``. The payments are the deadline page's own funds query (one cache entry)."""
    return {"children": (children, region), "provinces": (provinces, region, year),
            "recipients": (recipient_days, region, year),
            "paid": (aid_days, region, f"{year}S", "grant", "approved_on", "disbursed_on")}


def assemble(found: dict) -> RolloutSeries:
    """A ``RolloutSeries`` from the results of ``series_queries``: a payment counts from the later of
    approval and payment."""
    days = found["paid"]
    paid = days.loc[days["measure"] == "done", ["code", "day", "n"]].reset_index(drop=True)
    return RolloutSeries(found["children"], found["provinces"], found["recipients"], paid)


def rollout_series(conn: sa.Connection, scope: Scope, region: Region, year: int) -> RolloutSeries:
    """``series_queries`` run one after another on one connection, assembled (tests and scripts)."""
    return assemble({name: fn(conn, scope, *args) for name, (fn, *args) in series_queries(region, year).items()})


def recipient_exists(student_id, term: str, as_of: dt.date):
    """A grant record of the term approved by D for this student: the recipients' definition.

    An alias, so that a query that also reads ``aid_record`` (the case list) does not correlate with it."""
    a = c.aid_record.alias("recipient")
    return sa.exists().where(a.c.student_id == student_id, *_grant_filters(a, term), a.c.approved_on <= as_of)


def priority_filters(st: sa.Table, as_of: dt.date) -> list:
    return [st.c.hardship.is_not(None), st.c.status == "enrolled", st.c.enrolled_on <= as_of]


def first_grant_day(student_id, term: str) -> sa.ScalarSelect:
    """The day a student's first grant record of the term was approved (NULL: none approved yet).

    Answered from ``ix_aid_record_student`` (student, term, kind, approved_on) alone, one seek per
    student; an alias, so that a query that also reads ``aid_record`` does not correlate with it."""
    a = c.aid_record.alias("recipient")
    return sa.select(sa.func.min(a.c.approved_on)).where(a.c.student_id == student_id, *_grant_filters(a, term)) \
        .scalar_subquery()


def _priority_filters(st: sa.Table) -> list:
    return [st.c.status == "enrolled", st.c.hardship.is_not(None)]


def priority_enrolled_days(conn: sa.Connection, scope: Scope, region: Region, year: int) -> pd.DataFrame:
    """Priority students per child region, hardship group and ``enrolled_on``: ``code, hardship, day, n``.
    ``status`` is the registry's current status, as the spec defines it; ``year`` keys the cache only.
    Grouped in the order of ``ix_student_status_hardship_region``, so the count streams (sorted, the
    national count took ten times as long as reading the index)."""
    st = c.student
    g = school_grouping(st, region, scope)
    q = (sa.select(g.key, st.c.hardship, st.c.enrolled_on.label("day"), sa.func.count().label("n"))
         .select_from(g.source).where(*g.where, *_priority_filters(st))
         .group_by(st.c.hardship, *index_order(g, region, st.c.enrolled_on)))
    return day_counts_frame(conn.execute(per_child(q, region)), PRIORITY_COLUMNS)


def priority_granted_days(conn: sa.Connection, scope: Scope, region: Region, year: int) -> pd.DataFrame:
    """Priority students with a grant of ``{year}S``, per child region, hardship group and the later of
    ``enrolled_on`` and the grant's first approval (from that day they are recipients): ``code, hardship,
    day, n``.

    One index seek per priority student, the page's costliest query. The students are read in id order
    (``ix_student_priority_status_id``, no sort), so that consecutive seeks land on the same or the next
    pages of ``ix_aid_record_student``; in the order of their region and enrolment day they jumped
    across it and read a page from the file for nearly every student (nationally on SQLite the seeks
    took 1.1 s instead of 0.65 s, and the page's first view 3.3 s instead of 2.9 s). Split into two
    runs of ids that both cores could share, it was no faster: the other queries keep the second core
    busy."""
    st = c.student
    g = child_grouping(st, region, scope)
    # OFFSET 0 keeps the derived table whole: flattened into the outer query, SQLite would run the
    # correlated subquery once per mention (filter, CASE, GROUP BY), five seeks per student instead of one.
    per_student = (sa.select(g.key, st.c.hardship, st.c.enrolled_on, first_grant_day(st.c.id, f"{year}S")
                             .label("granted_on")).select_from(g.source).where(*g.where, *_priority_filters(st))
                   .order_by(st.c.id).offset(0).subquery())
    day = sa.case((per_student.c.granted_on > per_student.c.enrolled_on, per_student.c.granted_on),
                  else_=per_student.c.enrolled_on)
    q = (sa.select(per_student.c.code, per_student.c.hardship, day.label("day"), sa.func.count().label("n"))
         .where(per_student.c.granted_on.is_not(None))
         .group_by(per_student.c.code, per_student.c.hardship, day))
    return day_counts_frame(conn.execute(q), PRIORITY_COLUMNS)


def priority_queries(region: Region, year: int) -> dict[str, tuple]:
    """The independent queries behind ``priority_days``, for ``Registry.query_many``: ``priority:<measure>``,
    the longest first."""
    return {"priority:granted": (priority_granted_days, region, year),
            "priority:priority": (priority_enrolled_days, region, year)}


def priority_frame(found: dict) -> pd.DataFrame:
    """Priority students per child region, hardship group and day (``code, hardship, measure, day, n``),
    independent of D, so that one cached result answers every as-of date
    (``aidwatch.metrics.rollout.priority_counts``): ``priority`` counts them from their ``enrolled_on``,
    ``granted`` from the day they became recipients. The parts come typed (``day_counts_frame``)."""
    frame = pd.concat([part.assign(measure=name.split(":")[1]) for name, part in found.items()
                       if name.startswith("priority:")], ignore_index=True)
    # categories: every as-of change groups this frame by them (aidwatch.metrics.rollout.priority_counts)
    frame = frame.astype({"code": "category", "hardship": "category", "measure": "category"})
    return frame[["code", "hardship", "measure", "day", "n"]]


def priority_days(conn: sa.Connection, scope: Scope, region: Region, year: int) -> pd.DataFrame:
    """``priority_queries`` run one after another on one connection (tests and scripts)."""
    return priority_frame({name: fn(conn, scope, *args) for name, (fn, *args) in priority_queries(region, year).items()})


def priority_counts(conn: sa.Connection, scope: Scope, region: Region, year: int, as_of: dt.date) -> pd.DataFrame:
    """Per child region and hardship group as of D: ``students`` and ``without_grant`` (the two queries'
    composition, for callers that want one date)."""
    return m.priority_counts(priority_days(conn, scope, region, year), as_of)


def priority_cases(conn: sa.Connection, scope: Scope, region: Region, year: int, as_of: dt.date) -> pd.DataFrame:
    """One school's priority students without a grant as of D, with their grant application if any
    (why they have none: not applied, waiting for approval, rejected). Unmasked: mask before display."""
    scope.require_cases(region)
    st, a = c.student, c.aid_record
    term = f"{year}S"
    application = sa.and_(a.c.student_id == st.c.id, a.c.term == term, a.c.kind == "grant",
                          a.c.submitted_on <= as_of)
    q = (sa.select(st.c.id.label("student_id"), st.c.name, st.c.id_number, st.c.hardship, st.c.intake_term,
                   st.c.enrolled_on, a.c.submitted_on.label("grant_submitted_on"),
                   a.c.approved_on.label("grant_approved_on"), a.c.status.label("grant_status"))
         .select_from(st.outerjoin(a, application))
         .where(st.c.school_id == region.school, st.c.province_code == region.province,
                *priority_filters(st, as_of), ~recipient_exists(st.c.id, term, as_of))
         .order_by(st.c.hardship, st.c.id, a.c.submitted_on.desc()))
    frame = to_frame(conn.execute(q))
    # One row per student: the latest application when a student has several.
    frame = frame.drop_duplicates("student_id", keep="first").reset_index(drop=True)
    # An approval after D is not yet an approval as of D.
    late = frame["grant_approved_on"].map(lambda d: d is not None and not pd.isna(d) and d > as_of)
    frame.loc[late, "grant_approved_on"] = None
    return frame
