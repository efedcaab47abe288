"""Data quality: the SQL of every check in ``aidwatch.metrics.quality``, counted per child region.

One grouped pass per contract table sums every check of that table
(``SUM(CASE WHEN … THEN 1 ELSE 0 END)``) together with the rows checked, so a
view is one query per table (run concurrently and cached per snapshot), and
only a row per child region comes back. A school's case list is one
``UNION ALL`` of the offending rows of that school, with up to
``EVIDENCE_SLOTS`` columns of evidence each, as text.

The checks read the rows of year Y (by each table's own year: a term, the day
a change occurred, …) plus the rows whose year lies outside the working-day
calendar, which belong to no year and so show in every year's view; they do
not depend on the as-of date. Year-scoping keeps a view's work to one year's
rows however long the registry's history grows, and the term and date ranges
are index ranges.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from typing import Callable

import pandas as pd
import sqlalchemy as sa

from aidwatch import contract as c
from aidwatch.masking import WITHHELD
from aidwatch.metrics.quality import (HEADCOUNT_MARGIN, HEADCOUNT_RATIO, PROGRAM_YEARS, TABLE_CHECKS,
                                      programme_intakes)
from aidwatch.workdays import calendar
from queries.frames import counts_frame, to_frame
from queries.regions import Region, child_grouping
from queries.scope import Scope

EVIDENCE_SLOTS = 5
TERM_HALVES = ("S", "A")
OWNERSHIPS = ("public", "private")
GENDERS = ("M", "F")


@dataclass(frozen=True)
class Rule:
    key: str
    cond: sa.ColumnElement
    evidence: tuple[tuple[str, sa.ColumnElement], ...]  # (name, column) shown in the case list


@dataclass(frozen=True)
class TableSpec:
    table: sa.Table
    record: sa.ColumnElement                 # the row's identity in the case list
    name: sa.ColumnElement | None            # the student's name and ID number, when the row has a student
    id_number: sa.ColumnElement | None
    join: Callable[[sa.FromClause], sa.FromClause]
    rules: tuple[Rule, ...]
    in_year: Callable[[int], sa.ColumnElement] | None = None  # the rows of year Y (None: every row)


def _before(later: sa.ColumnElement, earlier: sa.ColumnElement) -> sa.ColumnElement:
    """``later`` is dated before ``earlier`` (both set)."""
    return sa.and_(later.is_not(None), earlier.is_not(None), later < earlier)


def _outside_calendar(*columns: sa.ColumnElement) -> sa.ColumnElement:
    """A date in a year the working-day calendar does not know (no clock can be computed for it)."""
    cal = calendar()
    return sa.or_(*(sa.and_(col.is_not(None), sa.or_(col < cal.first, col > cal.last)) for col in columns))


def _term_year(col: sa.ColumnElement) -> Callable[[int], sa.ColumnElement]:
    """Terms of year Y ('YYYY…', odd suffixes included) or of a year outside the calendar (text order)."""
    cal = calendar()
    return lambda year: sa.or_(sa.and_(col >= str(year), col < str(year + 1)), col < str(cal.first.year),
                               col >= str(cal.last.year + 1))


def _date_year(col: sa.ColumnElement) -> Callable[[int], sa.ColumnElement]:
    """Days of year Y, or outside the calendar."""
    cal = calendar()
    return lambda year: sa.or_(col.between(dt.date(year, 1, 1), dt.date(year, 12, 31)), col < cal.first,
                               col > cal.last)


def _number_year(col: sa.ColumnElement) -> Callable[[int], sa.ColumnElement]:
    cal = calendar()
    return lambda year: sa.or_(col == year, col < cal.first.year, col > cal.last.year)


def _bad_term(col: sa.ColumnElement) -> sa.ColumnElement:
    """A term that is not 'YYYYS' or 'YYYYA'."""
    return sa.or_(sa.func.length(col) != 5, sa.func.substr(col, 5, 1).not_in(TERM_HALVES))


def _cols(table: sa.Table, *names: str) -> tuple[tuple[str, sa.ColumnElement], ...]:
    return tuple((n, table.c[n]) for n in names)


def _with_student(table: sa.Table, student: sa.Table):
    return lambda source: source.outerjoin(student, student.c.id == table.c.student_id)


def _registry_students(year: int, far_above: bool) -> sa.ColumnElement:
    """Per headcount row of year Y: the students the registry holds at its school whose programme runs through
    its term (any status: the most the registry can account for); with ``far_above``, 1 when the reported
    headcount is far above them (``HEADCOUNT_RATIO``, ``HEADCOUNT_MARGIN``), else 0. A term of another year or a
    malformed one has no programme window: NULL (with ``far_above``, 0), so the check leaves it alone."""
    hc, st = c.school_headcount, c.student
    high, low = HEADCOUNT_RATIO

    def per_term(term: str) -> sa.ColumnElement:
        n = sa.func.count()
        value = (sa.case((sa.and_(n * high < hc.c.reported_students * low,
                                  n <= hc.c.reported_students - HEADCOUNT_MARGIN), 1), else_=0) if far_above else n)
        spans = sa.or_(*(sa.and_(st.c.program_years == years, st.c.intake_term.in_(intakes))
                         for years, intakes in programme_intakes(term).items()))
        return (sa.select(value).select_from(st)
                .where(st.c.school_id == hc.c.school_id, st.c.province_code == hc.c.province_code, spans)
                .scalar_subquery())

    terms = (f"{year}S", f"{year}A")
    return sa.case(*((hc.c.term == term, per_term(term)) for term in terms), else_=0 if far_above else sa.null())


def _specs(year: int) -> dict[str, TableSpec]:
    """Every table's checks of year Y as SQL conditions (built per call: the calendar's range may change)."""
    st, sc, ad, dm, gr, ins, hc, sch = (c.student, c.status_change, c.aid_record, c.duplicate_match, c.graduation,
                                        c.inspection, c.school_headcount, c.school)
    who = c.student.alias("who")  # the student a row refers to (outer-joined: it may not exist)
    own_school = c.school.alias("own_school")
    orphan = ("orphan_student", who.c.id.is_(None))
    specs = {
        "student": TableSpec(st, st.c.id, st.c.name, st.c.id_number,
                             lambda source: source.outerjoin(own_school, own_school.c.id == st.c.school_id), (
            Rule("registered_before_enrolled", _before(st.c.registered_on, st.c.enrolled_on),
                 _cols(st, "registered_on", "enrolled_on")),
            Rule("reg_approved_before_registered", _before(st.c.reg_approved_on, st.c.registered_on),
                 _cols(st, "reg_approved_on", "registered_on")),
            # the birth date is the ID number's masked digits: withheld (aidwatch.masking.WITHHELD), and no
            # difference to it either, which with enrolled_on would give it back
            Rule("enrolled_before_born", _before(st.c.enrolled_on, st.c.birth_date),
                 (*_cols(st, "enrolled_on"), ("birth_date", sa.literal(WITHHELD, sa.String)))),
            Rule("value_unknown", sa.or_(
                st.c.status.not_in(c.STUDENT_STATUSES), st.c.gender.not_in(GENDERS),
                sa.and_(st.c.hardship.is_not(None), st.c.hardship.not_in(c.HARDSHIP_GROUPS)),
                _bad_term(st.c.intake_term), ~st.c.program_years.between(*PROGRAM_YEARS)),
                _cols(st, "status", "gender", "hardship", "intake_term", "program_years")),
            Rule("province_mismatch", st.c.province_code != own_school.c.province_code,
                 (("province_code", st.c.province_code), ("school.province_code", own_school.c.province_code))),
            Rule("calendar_unknown", _outside_calendar(st.c.enrolled_on, st.c.registered_on, st.c.reg_approved_on),
                 _cols(st, "enrolled_on", "registered_on", "reg_approved_on")),
        )),
        "status_change": TableSpec(sc, sc.c.id, who.c.name, who.c.id_number, _with_student(sc, who), (
            Rule("recorded_before_occurred", _before(sc.c.recorded_on, sc.c.occurred_on),
                 _cols(sc, "recorded_on", "occurred_on")),
            Rule("decided_before_recorded", sa.or_(_before(sc.c.approved_on, sc.c.recorded_on),
                                                   _before(sc.c.rejected_on, sc.c.recorded_on)),
                 _cols(sc, "recorded_on", "approved_on", "rejected_on")),
            Rule("change_before_enrolment", _before(sc.c.occurred_on, who.c.enrolled_on),
                 (*_cols(sc, "change_type", "occurred_on"), ("student.enrolled_on", who.c.enrolled_on))),
            Rule(*orphan, _cols(sc, "student_id", "change_type")),
            Rule("value_unknown", sc.c.change_type.not_in(c.CHANGE_TYPES), _cols(sc, "change_type")),
            Rule("calendar_unknown", _outside_calendar(sc.c.occurred_on, sc.c.recorded_on, sc.c.approved_on,
                                                       sc.c.rejected_on),
                 _cols(sc, "occurred_on", "recorded_on", "approved_on", "rejected_on")),
        )),
        "aid_record": TableSpec(ad, ad.c.id, who.c.name, who.c.id_number, _with_student(ad, who), (
            Rule("approved_before_submitted", _before(ad.c.approved_on, ad.c.submitted_on),
                 _cols(ad, "approved_on", "submitted_on")),
            Rule("disbursed_before_approved", _before(ad.c.disbursed_on, ad.c.approved_on),
                 _cols(ad, "disbursed_on", "approved_on")),
            Rule(*orphan, _cols(ad, "student_id", "term", "kind")),
            Rule("value_unknown", sa.or_(ad.c.kind.not_in(c.AID_KINDS), ad.c.status.not_in(c.AID_STATUSES),
                                         _bad_term(ad.c.term)),
                 _cols(ad, "kind", "status", "term")),
            Rule("number_implausible", sa.or_(ad.c.amount <= 0, ad.c.grade < 1),
                 _cols(ad, "amount", "grade")),
            Rule("calendar_unknown", _outside_calendar(ad.c.submitted_on, ad.c.publicized_on, ad.c.approved_on,
                                                       ad.c.disbursed_on),
                 _cols(ad, "submitted_on", "publicized_on", "approved_on", "disbursed_on")),
        )),
        "duplicate_match": TableSpec(dm, dm.c.id, who.c.name, who.c.id_number, _with_student(dm, who), (
            Rule("verified_before_pushed", _before(dm.c.verified_on, dm.c.pushed_on),
                 _cols(dm, "verified_on", "pushed_on")),
            Rule("rectified_before_pushed", _before(dm.c.rectified_on, dm.c.pushed_on),
                 _cols(dm, "rectified_on", "pushed_on")),
            Rule(*orphan, _cols(dm, "student_id", "batch_month")),
            Rule("value_unknown", sa.or_(dm.c.kind.not_in(c.AID_KINDS),
                                         sa.and_(dm.c.outcome.is_not(None), dm.c.outcome.not_in(c.MATCH_OUTCOMES)),
                                         _bad_term(dm.c.term)),
                 _cols(dm, "kind", "outcome", "term")),
            Rule("calendar_unknown", _outside_calendar(dm.c.pushed_on, dm.c.verified_on, dm.c.rectified_on),
                 _cols(dm, "pushed_on", "verified_on", "rectified_on")),
        )),
        "graduation": TableSpec(gr, gr.c.student_id, who.c.name, who.c.id_number, _with_student(gr, who), (
            Rule("uploaded_before_graduated", _before(gr.c.uploaded_on, gr.c.graduated_on),
                 _cols(gr, "uploaded_on", "graduated_on")),
            Rule(*orphan, _cols(gr, "student_id")),
            Rule("calendar_unknown", _outside_calendar(gr.c.graduated_on, gr.c.uploaded_on, gr.c.approved_on),
                 _cols(gr, "graduated_on", "uploaded_on", "approved_on")),
        )),
        "inspection": TableSpec(ins, ins.c.id, None, None, lambda source: source, (
            Rule("rectified_before_inspected", _before(ins.c.rectified_on, ins.c.inspected_on),
                 _cols(ins, "rectified_on", "inspected_on")),
            Rule("number_implausible", sa.or_(ins.c.finding_count < 0,
                                              sa.and_(ins.c.serious.is_(True), ins.c.finding_count == 0)),
                 _cols(ins, "finding_count", "serious")),
            Rule("calendar_unknown", _outside_calendar(ins.c.inspected_on, ins.c.rectified_on),
                 _cols(ins, "inspected_on", "rectified_on")),
        )),
        "school_headcount": TableSpec(hc, hc.c.term, None, None, lambda source: source, (
            Rule("headcount_zero", hc.c.reported_students == 0, _cols(hc, "term", "reported_students")),
            # zero new students reported for a term in which the registry has new students of the school:
            # the registration deadline's denominator is zero while its numerator is not
            Rule("intake_zero_with_students", sa.and_(hc.c.reported_new == 0, sa.exists().where(
                st.c.intake_term == hc.c.term, st.c.province_code == hc.c.province_code,
                st.c.school_id == hc.c.school_id)), _cols(hc, "term", "reported_new")),
            # a headcount far above the students the registry holds at the school that term: the funding gap
            # (headcount − declared students) of that school is then mostly the headcount's doing
            Rule("headcount_above_registry", _registry_students(year, far_above=True) == 1,
                 (*_cols(hc, "term", "reported_students"),
                  ("registry_students", _registry_students(year, far_above=False)))),
            Rule("value_unknown", _bad_term(hc.c.term), _cols(hc, "term")),
            Rule("number_implausible", sa.or_(hc.c.reported_students < 0, hc.c.reported_new < 0,
                                              hc.c.reported_new > hc.c.reported_students),
                 _cols(hc, "reported_students", "reported_new")),
        )),
        "school": TableSpec(sch, sch.c.code, None, None, lambda source: source, (
            Rule("closed_before_opened", _before(sch.c.closed_on, sch.c.opened_on),
                 _cols(sch, "closed_on", "opened_on")),
            Rule("value_unknown", sa.or_(sch.c.level.not_in(c.SCHOOL_LEVELS), sch.c.ownership.not_in(OWNERSHIPS)),
                 _cols(sch, "level", "ownership")),
        )),
    }
    # each table's own year: the term, or the day that places the row in a year
    years = {"student": _term_year(st.c.intake_term), "status_change": _date_year(sc.c.occurred_on),
             "aid_record": _term_year(ad.c.term), "duplicate_match": _date_year(dm.c.pushed_on),
             "graduation": _date_year(gr.c.graduated_on), "inspection": _number_year(ins.c.year),
             "school_headcount": _term_year(hc.c.term)}
    specs = {name: replace(spec, in_year=years.get(name)) for name, spec in specs.items()}
    for name, spec in specs.items():  # the metrics module and the SQL must name the same checks
        if tuple(r.key for r in spec.rules) != TABLE_CHECKS[name]:
            raise RuntimeError(f"the checks of {name} differ from aidwatch.metrics.quality.CHECKS")
    return specs


def evidence_names(year: int) -> dict[tuple[str, str], tuple[str, ...]]:
    """``(check, table)`` → the names of its evidence columns, in the order of ``e1, e2, …``."""
    return {(r.key, name): tuple(n for n, _ in r.evidence) for name, spec in _specs(year).items()
            for r in spec.rules}


def _school_grouping(region: Region, scope: Scope) -> tuple[sa.ColumnElement, tuple]:
    """``child_grouping`` for the school table itself (it has ``id`` and ``city_code``, no ``school_id``)."""
    s = c.school
    where = [] if scope.province is None else [s.c.province_code == scope.province]
    if region.level == "nation":
        return s.c.province_code.label("code"), tuple(where)
    where.append(s.c.province_code == region.province)
    if region.level == "province":
        return s.c.city_code.label("code"), tuple(where)
    if region.level == "city":
        return s.c.id.label("code"), (*where, s.c.city_code == region.city)
    return s.c.id.label("code"), (*where, s.c.id == region.school)


def _grouped(spec: TableSpec, region: Region, scope: Scope, year: int) -> tuple[sa.ColumnElement, sa.FromClause,
                                                                                 tuple]:
    """The grouping key, source and filters (scope, region, year) of one table's pass."""
    in_year = () if spec.in_year is None else (spec.in_year(year),)
    if spec.table is c.school:
        key, where = _school_grouping(region, scope)
        return key, spec.table, (*where, *in_year)
    g = child_grouping(spec.table, region, scope)
    return g.key, spec.join(g.source), (*g.where, *in_year)


def quality_counts(conn: sa.Connection, scope: Scope, region: Region, table: str, year: int) -> pd.DataFrame:
    """Per child region (one row at school level): ``code, records`` and one count per check of ``table``,
    over the table's rows of year Y and those outside the calendar."""
    spec = _specs(year)[table]
    key, source, where = _grouped(spec, region, scope, year)
    q = (sa.select(key, sa.func.count().label("records"),
                   *(sa.func.sum(sa.case((r.cond, 1), else_=0)).label(r.key) for r in spec.rules))
         .select_from(source).where(*where).group_by(key))
    return counts_frame(conn.execute(q), ["code", "records", *(r.key for r in spec.rules)])


def _text(col: sa.ColumnElement) -> sa.ColumnElement:
    """A value as text, alike on both databases for booleans (numbers are tidied in Python)."""
    if isinstance(col.type, sa.Boolean):
        return sa.case((col.is_(True), "true"), (col.is_(False), "false"))
    return sa.cast(col, sa.String)


def quality_cases(conn: sa.Connection, scope: Scope, region: Region, year: int) -> pd.DataFrame:
    """One school's offending rows (unmasked: mask before display): ``check, table, record, name, id_number,
    e1..e5`` (evidence as text, named by ``evidence_names``). A row failing two checks is listed twice."""
    scope.require_cases(region)
    parts = []
    for name, spec in _specs(year).items():
        _, source, where = _grouped(spec, region, scope, year)
        person = [_text(spec.name if spec.name is not None else sa.null()).label("name"),
                  _text(spec.id_number if spec.id_number is not None else sa.null()).label("id_number")]
        for rule in spec.rules:
            values = [_text(col) for _, col in rule.evidence]
            values += [_text(sa.null())] * (EVIDENCE_SLOTS - len(values))
            parts.append(sa.select(sa.literal(rule.key, sa.String).label("check"),
                                   sa.literal(name, sa.String).label("table"),
                                   _text(spec.record).label("record"), *person,
                                   *(v.label(f"e{i + 1}") for i, v in enumerate(values)))
                         .select_from(source).where(*where, rule.cond))
    return to_frame(conn.execute(sa.union_all(*parts)))
