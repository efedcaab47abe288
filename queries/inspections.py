"""Inspection priorities: the SQL side.

Coverage is counted per child region in the database (schools open at D,
those inspected in year Y by D, serious findings); for the briefing, which
reads it at several dates, per child region and day without D
(``coverage_days``, counted at D by ``aidwatch.metrics.inspections.coverage_at``). The risk score needs a few
per-school figures no other page gives: a school's attributes and inspection
history, its late or missing aid approvals, and its phantom suspects and
priority students without a grant *per school* (the backlog and rollout pages
count those per child region; their SQL building blocks are reused here, not
rewritten). Everything else comes from the other pages' own queries, run
through the registry (``dashboard.callbacks.inspections.signal_queries``).

Every query is limited to the region's province (the province range of each
index) and grouped per school, so a province's ranking reads only that
province and returns one row per school.

See shared/spec/metrics.md, "Inspection priorities".
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
import sqlalchemy as sa

from aidwatch import contract as c
from aidwatch.policy import policy_for
from queries.backlog import ON_ROLL, phantom_candidates
from queries.frames import counts_frame, day_text, to_frame, typed_days
from queries.regions import Region, child_grouping, child_names
from queries.rollout import priority_filters, recipient_exists
from queries.scope import Scope

FACT_COLUMNS = ["code", "school_code", "name", "city_code", "city", "level", "ownership", "dual_plate",
                "joint_enrollment", "opened_on", "closed_on", "inspections", "last_inspected_on", "findings",
                "serious_year", "serious_any", "serious_open", "ever_inspected_on"]


def _schools_in(region: Region, scope: Scope) -> list:
    """The school table's filters for a region and scope (the scope's province always applies)."""
    s = c.school
    where = [] if scope.province is None else [s.c.province_code == scope.province]
    if region.level in ("province", "city", "school"):
        where.append(s.c.province_code == region.province)
    if region.level in ("city", "school"):
        where.append(s.c.city_code == region.city)
    if region.level == "school":
        where.append(s.c.id == region.school)
    return where


def _inspections_in(region: Region, scope: Scope) -> list:
    i = c.inspection
    province = region.province or scope.province
    return [] if province is None else [i.c.province_code == province]


def _count(cond) -> sa.ColumnElement:
    return sa.func.sum(sa.case((cond, 1), else_=0))


def _open_at(as_of: dt.date) -> sa.ColumnElement:
    """Not closed by D (the spec's ``schools``)."""
    s = c.school
    return sa.or_(s.c.closed_on.is_(None), s.c.closed_on > as_of)


def school_facts(conn: sa.Connection, scope: Scope, region: Region, year: int, as_of: dt.date) -> pd.DataFrame:
    """Every school of the region (closed ones too, with ``closed_on``): attributes and inspections by D.

    ``inspections`` / ``findings`` / ``serious_year``: inspections of year Y on or before D, their
    findings and serious ones; ``last_inspected_on``: the latest of them; ``serious_any`` /
    ``serious_open``: serious inspections of any year by D, and those not rectified by D;
    ``ever_inspected_on``: the latest inspection of any year by D.
    """
    s, i = c.school, c.inspection
    serious = i.c.serious.is_(sa.true())
    this_year = i.c.year == year
    agg = (sa.select(
        i.c.school_id,
        _count(this_year).label("inspections"),
        sa.func.max(sa.case((this_year, i.c.inspected_on))).label("last_inspected_on"),
        sa.func.sum(sa.case((this_year, i.c.finding_count), else_=0)).label("findings"),
        _count(sa.and_(this_year, serious)).label("serious_year"),
        _count(serious).label("serious_any"),
        _count(sa.and_(serious, sa.or_(i.c.rectified_on.is_(None), i.c.rectified_on > as_of))).label("serious_open"),
        sa.func.max(i.c.inspected_on).label("ever_inspected_on"),
    ).where(*_inspections_in(region, scope), i.c.inspected_on <= as_of).group_by(i.c.school_id).subquery())
    q = (sa.select(s.c.id, s.c.code, s.c.name, s.c.city_code, c.city.c.name, s.c.level, s.c.ownership,
                   s.c.dual_plate, s.c.joint_enrollment, s.c.opened_on, s.c.closed_on,
                   *[agg.c[col] for col in FACT_COLUMNS[11:]])
         .select_from(s.join(c.city, c.city.c.code == s.c.city_code).outerjoin(agg, agg.c.school_id == s.c.id))
         .where(*_schools_in(region, scope)).order_by(s.c.code))
    frame = to_frame(conn.execute(q), FACT_COLUMNS)
    frame["code"] = frame["code"].astype(str)
    for col in ("dual_plate", "joint_enrollment"):
        frame[col] = frame[col].astype(bool)
    for col in ("inspections", "findings", "serious_year", "serious_any", "serious_open"):
        frame[col] = pd.to_numeric(frame[col]).fillna(0).astype("int64")
    for col in ("opened_on", "closed_on", "last_inspected_on", "ever_inspected_on"):
        frame[col] = pd.to_datetime(frame[col]).dt.date
        frame[col] = frame[col].astype(object).where(frame[col].notna(), None)
    return frame


def coverage_counts(conn: sa.Connection, scope: Scope, region: Region, year: int, as_of: dt.date):
    """``(children, counts)``: every child region's ``code, name`` and per child ``schools`` (not closed
    by D), ``inspected`` (of those, with an inspection of year Y on or before D) and ``serious_findings``
    (those inspections with ``serious`` set)."""
    s, i = c.school, c.inspection
    agg = (sa.select(i.c.school_id, _count(i.c.serious.is_(sa.true())).label("serious"))
           .where(*_inspections_in(region, scope), i.c.year == year, i.c.inspected_on <= as_of)
           .group_by(i.c.school_id).subquery())
    key = {"nation": s.c.province_code, "province": s.c.city_code}.get(region.level, s.c.id).label("code")
    q = (sa.select(key, sa.func.count().label("schools"), _count(agg.c.school_id.is_not(None)).label("inspected"),
                   sa.func.coalesce(sa.func.sum(agg.c.serious), 0).label("serious_findings"))
         .select_from(s.outerjoin(agg, agg.c.school_id == s.c.id))
         .where(*_schools_in(region, scope), _open_at(as_of)).group_by(key))
    counts = counts_frame(conn.execute(q), ["code", "schools", "inspected", "serious_findings"])
    return child_names(conn, region, scope), counts


def coverage_days(conn: sa.Connection, scope: Scope, region: Region, year: int):
    """``(children, schools, serious)``: ``coverage_counts`` without D, for
    ``aidwatch.metrics.inspections.coverage_at``. ``schools``: the region's schools per child region, closing
    day and first inspection of year Y (``code, closed, inspected, n``; a day NaT: none); ``serious``: the
    serious inspections of year Y per child region, their school's closing day and their day (``code,
    closed, inspected, n``)."""
    s, i = c.school, c.inspection
    key = {"nation": s.c.province_code, "province": s.c.city_code}.get(region.level, s.c.id).label("code")
    first = (sa.select(i.c.school_id, sa.func.min(i.c.inspected_on).label("first"))
             .where(*_inspections_in(region, scope), i.c.year == year).group_by(i.c.school_id).subquery())
    schools = (sa.select(key, day_text(s.c.closed_on, "closed"), day_text(first.c.first, "inspected"),
                         sa.func.count().label("n"))
               .select_from(s.outerjoin(first, first.c.school_id == s.c.id))
               .where(*_schools_in(region, scope)).group_by(key, s.c.closed_on, first.c.first))
    serious = (sa.select(key, day_text(s.c.closed_on, "closed"), day_text(i.c.inspected_on, "inspected"),
                         sa.func.count().label("n"))
               .select_from(s.join(i, i.c.school_id == s.c.id))
               .where(*_schools_in(region, scope), *_inspections_in(region, scope), i.c.year == year,
                      i.c.serious.is_(sa.true()), i.c.inspected_on.is_not(None))
               .group_by(key, s.c.closed_on, i.c.inspected_on))
    columns, days = ["code", "closed", "inspected", "n"], ["closed", "inspected"]
    return (child_names(conn, region, scope), typed_days(to_frame(conn.execute(schools), columns), days),
            typed_days(to_frame(conn.execute(serious), columns), days))


def approval_counts(conn: sa.Connection, scope: Scope, region: Region, year: int, as_of: dt.date) -> pd.DataFrame:
    """Per school, aid records of year Y's two terms (submitted by D, not rejected) whose approval
    deadline (20 May / 30 November of the policy) is before D: ``aid_due``, and of those
    ``approvals_late``: approved after the deadline, or not approved by D."""
    a = c.aid_record
    due = policy_for(year).due
    spring, autumn = f"{year}S", f"{year}A"
    due_on = sa.case((a.c.term == spring, sa.literal(due["spring_aid_approval"], sa.Date)),
                     else_=sa.literal(due["autumn_aid_approval"], sa.Date))
    # Only terms whose deadline is before D can have late approvals: the others are not read at all.
    terms = [term for term, deadline in ((spring, "spring_aid_approval"), (autumn, "autumn_aid_approval"))
             if due[deadline] < as_of]
    g = child_grouping(a, region, scope)
    approved = sa.and_(a.c.approved_on.is_not(None), a.c.approved_on <= as_of)
    past_due = due_on < as_of
    late = sa.or_(sa.and_(approved, a.c.approved_on > due_on), sa.and_(~approved, past_due))
    q = (sa.select(a.c.school_id.label("code"), _count(past_due).label("aid_due"), _count(late).label("approvals_late"))
         .select_from(g.source)
         .where(*g.where, a.c.term.in_(terms), a.c.kind.in_(["tuition", "grant"]),
                a.c.submitted_on.is_not(None), a.c.submitted_on <= as_of, a.c.status != "rejected")
         .group_by(a.c.school_id))
    return counts_frame(conn.execute(q), ["code", "aid_due", "approvals_late"])


def phantom_by_school(conn: sa.Connection, scope: Scope, region: Region, as_of: dt.date) -> pd.DataFrame:
    """Phantom-enrolment suspects per school (``code, phantom_suspects``): the backlog page's rules
    (``queries.backlog``), counted per school instead of per child region."""
    st = c.student
    cand = phantom_candidates(scope, region, as_of)
    g = child_grouping(st, region, scope)
    q = (sa.select(st.c.school_id.label("code"), sa.func.count(sa.distinct(st.c.id)).label("phantom_suspects"))
         .select_from(g.source.join(cand, cand.c.student_id == st.c.id))
         .where(*g.where, st.c.status.in_(ON_ROLL)).group_by(st.c.school_id))
    return counts_frame(conn.execute(q), ["code", "phantom_suspects"])


def priority_by_school(conn: sa.Connection, scope: Scope, region: Region, year: int, as_of: dt.date) -> pd.DataFrame:
    """Priority students and those without a grant per school (``code, priority_students,
    priority_without_grant``): the rollout page's definitions (``queries.rollout``), per school."""
    st = c.student
    g = child_grouping(st, region, scope)
    missing = sa.case((~recipient_exists(st.c.id, f"{year}S", as_of), 1), else_=0)
    q = (sa.select(st.c.school_id.label("code"), sa.func.count().label("priority_students"),
                   sa.func.sum(missing).label("priority_without_grant"))
         .select_from(g.source).where(*g.where, *priority_filters(st, as_of)).group_by(st.c.school_id))
    return counts_frame(conn.execute(q), ["code", "priority_students", "priority_without_grant"])


def inspection_history(conn: sa.Connection, scope: Scope, region: Region, as_of: dt.date) -> pd.DataFrame:
    """One school's inspections on or before D, newest first (school-level figures, no personal data)."""
    if region.level != "school":
        raise ValueError("an inspection history is per school")
    scope.check_province(region.province)
    i = c.inspection
    q = (sa.select(i.c.year, i.c.inspected_on, i.c.finding_count, i.c.serious, i.c.rectified_on)
         .where(*_inspections_in(region, scope), i.c.school_id == region.school, i.c.inspected_on <= as_of)
         .order_by(i.c.inspected_on.desc(), i.c.id.desc()))
    frame = to_frame(conn.execute(q))
    for col in ("inspected_on", "rectified_on"):
        frame[col] = pd.to_datetime(frame[col]).dt.date
        frame[col] = frame[col].astype(object).where(frame[col].notna(), None)
    # A rectification after D has not happened yet as of D.
    frame["rectified_on"] = [d if d is not None and d <= as_of else None for d in frame["rectified_on"]]
    frame["serious"] = frame["serious"].astype(bool)
    return frame
