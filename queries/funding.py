"""Central-subsidy gap risk (资金缺口风险): the SQL side.

Nothing here depends on the as-of date D. The gap is counted per school first
(one school's surplus must not hide another's gap), so the tuition students
are grouped per school, term, the day each was first declared there and the
day each was first approved there; the money per child region, term,
submission day and approval day, in fen (whole numbers, so sums stay exact on
SQLite's floating NUMERIC too); and each province's approved aid per term and
day, with its distinct students per the day each was first approved. A few
tens of thousands of rows nationally, cached once per (scope, region, year);
``aidwatch.metrics.funding`` derives every as-of view from them, so a date
change costs no query. See shared/spec/metrics.md, "Central-subsidy gap risk".
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
import sqlalchemy as sa

from aidwatch import contract as c
from queries.frames import to_frame
from queries.regions import Region, child_grouping, school_grouping
from queries.scope import Scope


def _terms(year: int) -> tuple[str, str]:
    """The spring and autumn semesters of year Y."""
    return f"{year}S", f"{year}A"


def _counted(a: sa.Table, year: int) -> list:
    """Records that count at some D: of Y's semesters, of the two kinds of aid, submitted (a NULL day never
    is) and not rejected (a rejection has no date: such a record is left out at every D). Naming the kinds
    also lets a province's count seek its own rows in ``ix_aid_record_term_kind_school_student``."""
    return [a.c.term.in_(_terms(year)), a.c.kind.in_(c.AID_KINDS), a.c.submitted_on.is_not(None),
            a.c.status != "rejected"]


def _effective_approval(a: sa.Table) -> sa.ColumnElement:
    """The first D at which a record is both submitted and approved: the later of the two days (NULL while
    not approved). An approval dated before the submission counts only once the record is submitted."""
    return sa.case((a.c.submitted_on > a.c.approved_on, a.c.submitted_on), else_=a.c.approved_on)


def _fen(a: sa.Table) -> sa.ColumnElement:
    """``amount`` in fen as a whole number: exact sums on both databases."""
    return sa.cast(sa.func.round(a.c.amount * 100), sa.BigInteger)


def _day(column, label: str) -> sa.ColumnElement:
    """A date fetched as the database sends it (SQLite's ISO text is parsed by pandas per column)."""
    return sa.type_coerce(column, sa.String).label(label)


def _typed(frame: pd.DataFrame, days: list[str], counts: list[str], keys: list[str]) -> pd.DataFrame:
    """Days as datetimes, counts as integers, keys as text; ``term`` and ``measure`` (a handful of values
    over up to hundreds of thousands of rows, compared at every as-of date) as categories, and ``school``
    as the integer it is (looked up per row at every as-of date: an integer hashes in a fraction of the
    time a string does)."""
    for col in keys:
        frame[col] = frame[col].astype(
            "category" if col in ("term", "measure") else "int64" if col == "school" else str)
    for col in days:
        frame[col] = pd.to_datetime(frame[col], format="ISO8601").astype("datetime64[s]")
    for col in counts:
        frame[col] = pd.to_numeric(frame[col]).fillna(0).astype("int64")
    return frame


def schools(conn: sa.Connection, scope: Scope, region: Region, year: int) -> pd.DataFrame:
    """Every school of the region with its child region's ``code``, its ``province`` and the headcount it
    reported for each of Y's semesters: ``school, code, province, term, headcount`` (``term`` None for a
    school that reported neither; a missing term counts 0)."""
    s, h = c.school, c.school_headcount
    key = {"nation": s.c.province_code, "province": s.c.city_code}.get(region.level, s.c.id)
    q = (sa.select(s.c.id.label("school"), key.label("code"), s.c.province_code.label("province"), h.c.term,
                   h.c.reported_students.label("headcount"))
         .select_from(s.outerjoin(h, sa.and_(h.c.school_id == s.c.id, h.c.term.in_(_terms(year)))))
         .order_by(s.c.id, h.c.term))
    if scope.province is not None:
        q = q.where(s.c.province_code == scope.province)
    if region.level != "nation":
        q = q.where(s.c.province_code == region.province)
    if region.level in ("city", "school"):
        q = q.where(s.c.city_code == region.city)
    if region.level == "school":
        q = q.where(s.c.id == region.school)
    frame = _typed(to_frame(conn.execute(q), ["school", "code", "province", "term", "headcount"]), [],
                   ["headcount"], ["school", "code", "province"])
    frame["term"] = frame["term"].where(frame["term"].notna(), None)
    return frame


def student_days(conn: sa.Connection, scope: Scope, region: Region, year: int) -> pd.DataFrame:
    """Students with a counted tuition record, per school, term, the day they were first declared there and
    the day a counted tuition record of theirs there was first approved (NaT: never): ``school, term,
    declared, approved, n``. Per school: a student declared at two schools counts at each. Grouped in the
    order of ``ix_aid_record_term_kind_school_student`` (a school lies in one province), so the count streams."""
    a = c.aid_record
    g = school_grouping(a, region, scope)
    per_student = (sa.select(a.c.school_id, a.c.term, sa.func.min(a.c.submitted_on).label("declared"),
                             sa.func.min(_effective_approval(a)).label("approved"))
                   .where(*g.where, *_counted(a, year), a.c.kind == "tuition")
                   .group_by(a.c.term, a.c.province_code, a.c.school_id, a.c.student_id).subquery())
    p = per_student.c
    q = (sa.select(p.school_id, p.term, _day(p.declared, "declared"), _day(p.approved, "approved"),
                   sa.func.count().label("n"))
         .group_by(p.school_id, p.term, p.declared, p.approved))
    return _typed(to_frame(conn.execute(q), ["school", "term", "declared", "approved", "n"]),
                  ["declared", "approved"], ["n"], ["school", "term"])


def money_days(conn: sa.Connection, scope: Scope, region: Region, year: int) -> pd.DataFrame:
    """The counted records of both kinds per child region, term, submission day and effective approval day
    (NaT: not approved), their amounts summed in fen: ``code, term, submitted, approved, fen``."""
    a = c.aid_record
    g = child_grouping(a, region, scope)
    approved = _effective_approval(a)
    q = (sa.select(g.key, a.c.term, _day(a.c.submitted_on, "submitted"), _day(approved, "approved"),
                   sa.func.sum(_fen(a)).label("fen"))
         .select_from(g.source).where(*g.where, *_counted(a, year))
         .group_by(g.key, a.c.term, a.c.submitted_on, approved))
    return _typed(to_frame(conn.execute(q), ["code", "term", "submitted", "approved", "fen"]),
                  ["submitted", "approved"], ["fen"], ["code", "term"])


def _province_filters(a: sa.Table, scope: Scope, region: Region, year: int) -> list:
    """The provinces whose average a view needs (all in scope nationally, else the region's own), by the
    records' own ``province_code``; approved records that count."""
    where = [*_counted(a, year), a.c.approved_on.is_not(None)]
    if scope.province is not None:
        where.append(a.c.province_code == scope.province)
    if region.level != "nation":
        where.append(a.c.province_code == region.province)
    return where


def province_days(conn: sa.Connection, scope: Scope, region: Region, year: int) -> pd.DataFrame:
    """Each province's approved aid (both kinds) per term and effective approval day: ``province, term, day,
    measure, value`` with ``measure`` ``fen`` (the amounts approved that day) and ``students`` (the students
    whose first approved record in the province and term is of that day), the two halves of
    ``avg_aid_yuan``."""
    a = c.aid_record
    where = _province_filters(a, scope, region, year)
    day = _effective_approval(a)
    money = (sa.select(a.c.province_code, a.c.term, _day(day, "day"), sa.literal("fen").label("measure"),
                       sa.func.sum(_fen(a)).label("value"))
             .where(*where).group_by(a.c.province_code, a.c.term, day))
    first = (sa.select(a.c.province_code, a.c.term, sa.func.min(day).label("day"))
             .where(*where).group_by(a.c.province_code, a.c.term, a.c.student_id).subquery())
    students = (sa.select(first.c.province_code, first.c.term, _day(first.c.day, "day"),
                          sa.literal("students").label("measure"), sa.func.count().label("value"))
                .group_by(first.c.province_code, first.c.term, first.c.day))
    frame = pd.concat([to_frame(conn.execute(q), ["province", "term", "day", "measure", "value"])
                       for q in (money, students)], ignore_index=True)
    return _typed(frame, ["day"], ["value"], ["province", "term", "measure"])


def gap_cases(conn: sa.Connection, scope: Scope, region: Region, year: int, as_of: dt.date) -> pd.DataFrame:
    """One school's declared students not approved at D, with each of their counted records of the term (either
    kind) not approved by D; unmasked (mask before display)."""
    scope.require_cases(region)
    a, st = c.aid_record, c.student
    t = a.alias("tuition")

    def tuition(*extra):
        return sa.exists().where(t.c.student_id == a.c.student_id, t.c.school_id == a.c.school_id,
                                 t.c.term == a.c.term, t.c.kind == "tuition", t.c.submitted_on <= as_of,
                                 t.c.status != "rejected", *extra)

    q = (sa.select(a.c.student_id, st.c.name, st.c.id_number, a.c.term, a.c.kind, a.c.amount, a.c.submitted_on)
         .select_from(a.join(st, st.c.id == a.c.student_id))
         .where(a.c.province_code == region.province, a.c.school_id == region.school, *_counted(a, year),
                a.c.submitted_on <= as_of, ~sa.and_(a.c.approved_on.is_not(None), a.c.approved_on <= as_of),
                tuition(), ~tuition(t.c.approved_on.is_not(None), t.c.approved_on <= as_of))
         .order_by(a.c.term, a.c.submitted_on, a.c.student_id, a.c.kind))
    return to_frame(conn.execute(q), ["student_id", "name", "id_number", "term", "kind", "amount", "submitted_on"])


def averages_region(region: Region) -> Region:
    """The region whose provinces' averages ``province_days`` counts: the nation, else the region's province.
    Its result depends on nothing finer, so every city and school of a province asks it with the same
    arguments (its cache key): at national scale the province's per-student count takes 3 s, once."""
    return region if region.level == "nation" else Region("province", province=region.province)


def series_queries(region: Region, year: int) -> dict[str, tuple]:
    """The independent queries of one view, name → (function, *arguments after the scope), for
    ``Registry.query_many``; the per-student ones first (the longest)."""
    return {"students": (student_days, region, year), "provinces": (province_days, averages_region(region), year),
            "money": (money_days, region, year), "schools": (schools, region, year)}
