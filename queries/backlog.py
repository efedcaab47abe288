"""Status-change backlog (学籍异动积压) and phantom-enrolment suspects: the SQL side.

The page's counts depend on the as-of date D directly, so its queries take D
as a parameter and the page caches them per D. The briefing, which reads the
counts at three dates (and at any date a reader picks), reads them from
``change_days`` and ``suspect_days`` instead: the same rows grouped per
region and day(s), without D, counted at D by ``aidwatch.metrics.backlog``
(``changes_at``, ``suspects_at``). Working-day clocks are answered in SQL
without a calendar table:

- "D after due(start, n)" is "start ≤ the last start day whose due day is
  before D" (``overdue_until``), because the due day never moves back as the
  start moves forward; so *overdue* is a plain date comparison;
- "recorded after due(occurred_on, n)" needs each change's own due day. It is a
  step function of ``occurred_on`` (about 250 steps a year, one per working
  day), sent along as a balanced ``CASE`` tree (``_record_due``): about eight
  date comparisons per row, no join and no table the read-only replica lacks.

The change counts are grouped in the database per school (about 2,900 rows
nationally; the child regions' figures are their sums), the open items per
change type and start day, the suspects per child region: only small frames
come back.

See shared/spec/metrics.md, "Status-change backlog".
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import sqlalchemy as sa

from aidwatch import contract as c
from aidwatch.metrics.backlog import COUNT_COLUMNS, LEAVING_TYPES, PROGRAM_YEARS, overdue_until, phantom_cutoffs
from aidwatch.policy import policy_for
from aidwatch.workdays import calendar
from queries.frames import counts_frame, day_text, to_frame, typed_days
from queries.regions import Region, child_grouping
from queries.scope import Scope
from queries.steps import step_lookup

ON_ROLL = ("enrolled", "suspended")


def _year_window(year: int, as_of: dt.date) -> tuple[dt.date, dt.date]:
    """``occurred_on`` in year Y and on or before D."""
    return dt.date(year, 1, 1), min(dt.date(year, 12, 31), as_of)


def _record_due(occurred_on: sa.ColumnElement, year: int, as_of: dt.date) -> sa.ColumnElement:
    """The recording due day ``due(occurred_on, n)`` of a change that occurred in year Y by D, in SQL.

    Only the days up to D: a change cannot have occurred later. The due days of late December may fall
    in a year whose holidays are not published yet: they are ``BEYOND`` (9999-12-31), after every D and
    every recording day the calendar knows, so such a change is never late (spec: Working days)."""
    cal, n = calendar(), policy_for(year).status_change_workdays
    days = pd.date_range(*_year_window(year, as_of)).values.astype("datetime64[D]")
    if not days.size:  # D before year Y: no change is counted (the view refuses such a D, see viewstate)
        return sa.null()
    dues = cal.due_many(days, n)
    last = np.append(dues[1:] != dues[:-1], True)  # the last day of each run with the same due day
    bounds = [d.item() for d in days[last]]
    return step_lookup(occurred_on, bounds, [d.item() for d in dues[last]])


def _decided_by(sc, as_of: dt.date) -> sa.ColumnElement:
    """Approved or rejected on or before D; never NULL, so its negation is safe."""
    return sa.or_(sa.and_(sc.c.approved_on.is_not(None), sc.c.approved_on <= as_of),
                  sa.and_(sc.c.rejected_on.is_not(None), sc.c.rejected_on <= as_of))


def _recorded_by(sc, as_of: dt.date) -> sa.ColumnElement:
    return sa.and_(sc.c.recorded_on.is_not(None), sc.c.recorded_on <= as_of)


def _count_columns(sc, year: int, as_of: dt.date) -> list:
    """The spec's per-row conditions, summed. ``decided_recording`` counts changes whose recording is
    settled by D (recorded, or unrecorded and overdue): the base of a school's late-recording rate."""
    policy, cal = policy_for(year), calendar()
    record_overdue_until = overdue_until(cal, as_of, policy.status_change_workdays)
    approval_overdue_until = overdue_until(cal, as_of, policy.status_approval_workdays)
    recorded = _recorded_by(sc, as_of)
    unrecorded_overdue = sa.and_(~recorded, sc.c.occurred_on <= record_overdue_until)
    awaiting = sa.and_(recorded, ~_decided_by(sc, as_of))

    def total(cond, name):
        return sa.func.sum(sa.case((cond, 1), else_=0)).label(name)

    return [
        sa.func.count().label("changes"),
        total(sa.and_(recorded, sc.c.recorded_on > _record_due(sc.c.occurred_on, year, as_of)), "late_recorded"),
        total(unrecorded_overdue, "unrecorded_overdue"),
        total(awaiting, "awaiting_approval"),
        total(sa.and_(awaiting, sc.c.recorded_on <= approval_overdue_until), "overdue_approval"),
        total(sa.or_(recorded, unrecorded_overdue), "decided_recording"),
    ]


def _counts(conn, key, source, where, year: int, as_of: dt.date) -> pd.DataFrame:
    sc = c.status_change
    first, last = _year_window(year, as_of)
    q = (sa.select(key, *_count_columns(sc, year, as_of))
         .select_from(source)
         .where(*where, sc.c.occurred_on >= first, sc.c.occurred_on <= last)
         .group_by(key))
    return counts_frame(conn.execute(q), ["code", *COUNT_COLUMNS])


def school_counts(conn: sa.Connection, scope: Scope, region: Region, year: int, as_of: dt.date) -> pd.DataFrame:
    """The spec's counts (without ``phantom_suspects``, see ``phantom_counts``) and ``decided_recording``
    per school anywhere in the region with changes, with each school's code, name, city and province.

    One grouping serves the region's table (``aidwatch.metrics.backlog.child_counts`` sums it per child
    region), the ranking by late-recording rate and the inspection score: about 2,900 rows nationally,
    and the per-row clocks are evaluated once."""
    sc, s = c.status_change, c.school
    g = child_grouping(sc, region, scope)
    counts = _counts(conn, sc.c.school_id.label("code"), g.source, g.where, year, as_of)
    if counts.empty:
        return counts.assign(school_code=[], name=[], city=[], city_code=[], province_code=[])
    q = (sa.select(s.c.id, s.c.code, s.c.name, c.city.c.name, s.c.city_code, s.c.province_code)
         .select_from(s.join(c.city, c.city.c.code == s.c.city_code))
         .where(s.c.id.in_([int(x) for x in counts["code"]])))
    names = to_frame(conn.execute(q), ["code", "school_code", "name", "city", "city_code", "province_code"])
    names["code"] = names["code"].astype(str)
    return counts.merge(names, on="code", how="left")


def _earliest(a: sa.ColumnElement, b: sa.ColumnElement) -> sa.ColumnElement:
    """The earlier of two days either of which may be NULL (NULL when both are)."""
    return sa.case((a.is_(None), b), (b.is_(None), a), (a <= b, a), else_=b)


def change_days(conn: sa.Connection, scope: Scope, region: Region, year: int) -> pd.DataFrame:
    """The status changes that occurred in year Y, counted per child region and their occurred, recorded
    and decided day (approved or rejected, the earlier): ``code, occurred, recorded, decided, n`` (a day
    NaT: not yet). No D: ``aidwatch.metrics.backlog.changes_at`` counts ``school_counts``' figures at any D
    from it (the briefing's three dates, or any as-of change, without a query)."""
    sc = c.status_change
    g = child_grouping(sc, region, scope)
    decided = _earliest(sc.c.approved_on, sc.c.rejected_on)
    q = (sa.select(g.key, day_text(sc.c.occurred_on, "occurred"), day_text(sc.c.recorded_on, "recorded"),
                   day_text(decided, "decided"), sa.func.count().label("n"))
         .select_from(g.source)
         .where(*g.where, sc.c.occurred_on >= dt.date(year, 1, 1), sc.c.occurred_on <= dt.date(year, 12, 31))
         .group_by(g.key, sc.c.occurred_on, sc.c.recorded_on, decided))
    days = ["occurred", "recorded", "decided"]
    return typed_days(to_frame(conn.execute(q), ["code", *days, "n"]), days)


def suspect_days(conn: sa.Connection, scope: Scope, region: Region) -> tuple[pd.DataFrame, pd.DataFrame]:
    """``(overstay, events)``: what ``phantom_counts`` counts at D, without D, for
    ``aidwatch.metrics.backlog.suspects_at``.

    ``overstay``: students on the roll per child region, programme length and enrolment day (``code,
    program_years, enrolled, n``: rule 3 is a comparison of ``enrolled`` with a cut-off of D). ``events``:
    one row per change of a student on the roll that can fire rule 1 or 2 (``code, student, rule, start,
    end, program_years, enrolled``): a leaving change fires rule 1 from its ``start`` (occurred) until its
    ``end`` (approved); a suspension fires rule 2 two years after its ``start`` until its ``end`` (the first
    resumption after it). The student's own programme and enrolment tell whether rule 3 counts them already,
    so a student firing two rules is one suspect. ``student`` is the registry's internal id, nothing
    personal."""
    sc, st = c.status_change, c.student
    g = child_grouping(st, region, scope)
    on_roll = st.c.status.in_(ON_ROLL)
    overstay = (sa.select(g.key, st.c.program_years, day_text(st.c.enrolled_on, "enrolled"), sa.func.count().label("n"))
                .select_from(g.source)
                .where(*g.where, on_roll, st.c.program_years.in_(list(PROGRAM_YEARS)), st.c.enrolled_on.is_not(None))
                .group_by(g.key, st.c.program_years, st.c.enrolled_on))
    overstay_frame = typed_days(to_frame(conn.execute(overstay), ["code", "program_years", "enrolled", "n"]),
                                ["enrolled"])
    overstay_frame["program_years"] = pd.to_numeric(overstay_frame["program_years"]).astype("int64")
    resume = c.status_change.alias("resume")
    first_resume = (sa.select(sa.func.min(resume.c.occurred_on))
                    .where(resume.c.student_id == sc.c.student_id, resume.c.change_type == "resume",
                           resume.c.occurred_on > sc.c.occurred_on)
                    .scalar_subquery())
    leaving = sc.c.change_type.in_(LEAVING_TYPES)
    province = region.province or scope.province
    in_province = [] if province is None else [sc.c.province_code == province]
    events = (sa.select(g.key, st.c.id, sa.case((leaving, 1), else_=2).label("rule"),
                        day_text(sc.c.occurred_on, "start"),
                        day_text(sa.case((leaving, sc.c.approved_on), else_=first_resume), "end"),
                        st.c.program_years, day_text(st.c.enrolled_on, "enrolled"))
              .select_from(g.source.join(sc, sc.c.student_id == st.c.id))
              .where(*g.where, *in_province, on_roll, sc.c.occurred_on.is_not(None),
                     sa.or_(leaving, sc.c.change_type == "suspend")))
    event_frame = typed_days(to_frame(conn.execute(events),
                                      ["code", "student", "rule", "start", "end", "program_years", "enrolled"]),
                             ["start", "end", "enrolled"])
    for col in ("student", "rule", "program_years"):  # a programme length unknown: 0, which no rule knows
        event_frame[col] = pd.to_numeric(event_frame[col]).fillna(0).astype("int64")
    return overstay_frame, event_frame


def open_items(conn: sa.Connection, scope: Scope, region: Region, year: int, as_of: dt.date) -> pd.DataFrame:
    """Changes still open as of D, per side, change type and start day: ``side, change_type, start, n``.

    ``recording`` (the schools' duty): not recorded by D, clock from ``occurred_on``;
    ``approval`` (the province's duty): recorded, not approved or rejected by D, clock from ``recorded_on``.
    """
    sc = c.status_change
    g = child_grouping(sc, region, scope)
    first, last = _year_window(year, as_of)
    base = [*g.where, sc.c.occurred_on >= first, sc.c.occurred_on <= last]
    parts = []
    for side, start, cond in (
        ("recording", sc.c.occurred_on, ~_recorded_by(sc, as_of)),
        ("approval", sc.c.recorded_on, sa.and_(_recorded_by(sc, as_of), ~_decided_by(sc, as_of))),
    ):
        q = (sa.select(sc.c.change_type, start.label("start"), sa.func.count().label("n"))
             .select_from(g.source).where(*base, cond).group_by(sc.c.change_type, start))
        frame = to_frame(conn.execute(q), ["change_type", "start", "n"])
        parts.append(frame.assign(side=side))
    out = pd.concat(parts, ignore_index=True)[["side", "change_type", "start", "n"]]
    out["start"] = pd.to_datetime(out["start"]).astype("datetime64[s]")
    out["n"] = pd.to_numeric(out["n"]).astype("int64")
    return out


def phantom_candidates(scope: Scope, region: Region, as_of: dt.date) -> sa.Subquery:
    """``student_id, rule, change_id`` for every rule a student's records fire (status not yet checked).

    Rules 1 and 2 come from ``status_change``; its rows are pre-filtered to the
    region's province (a school records its own students' changes), which lets
    the province index narrow them. Rule 3 comes from ``student`` alone.
    """
    sc, st = c.status_change, c.student
    suspend_before, enrol_before = phantom_cutoffs(as_of)
    province = region.province or scope.province
    in_province = [] if province is None else [sc.c.province_code == province]
    leaving = (sa.select(sc.c.student_id, sa.literal(1).label("rule"), sc.c.id.label("change_id"))
               .where(*in_province, sc.c.change_type.in_(LEAVING_TYPES), sc.c.occurred_on <= as_of,
                      sa.or_(sc.c.approved_on.is_(None), sc.c.approved_on > as_of)))
    resume = c.status_change.alias("resume")
    suspended = (sa.select(sc.c.student_id, sa.literal(2).label("rule"), sc.c.id.label("change_id"))
                 .where(*in_province, sc.c.change_type == "suspend", sc.c.occurred_on < suspend_before,
                        ~sa.exists().where(resume.c.student_id == sc.c.student_id, resume.c.change_type == "resume",
                                           resume.c.occurred_on > sc.c.occurred_on,
                                           resume.c.occurred_on <= as_of)))
    # One select per programme length: each is an index seek on (status, program_years, enrolled_on).
    overstay = []
    for n, before in enrol_before.items():
        part = (sa.select(st.c.id.label("student_id"), sa.literal(3).label("rule"),
                          sa.cast(sa.null(), sa.BigInteger).label("change_id"))
                .where(st.c.status.in_(ON_ROLL), st.c.program_years == n, st.c.enrolled_on < before))
        overstay.append(part if province is None else part.where(st.c.province_code == province))
    return sa.union_all(leaving, suspended, *overstay).subquery("candidate")


def phantom_counts(conn: sa.Connection, scope: Scope, region: Region, as_of: dt.date) -> pd.DataFrame:
    """Per child region: ``phantom_suspects`` (students on the roll firing any rule) and per rule
    ``rule_1..rule_3`` (a student firing two rules counts once in the total, once under each rule).

    The candidates are first reduced to one row per student with a flag per rule (one grouping),
    then joined to the student for status and region: cheaper than counting distinct students
    four times."""
    st = c.student
    cand = phantom_candidates(scope, region, as_of)
    flags = (sa.select(cand.c.student_id,
                       *[sa.func.max(sa.case((cand.c.rule == k, 1), else_=0)).label(f"rule_{k}") for k in (1, 2, 3)])
             .group_by(cand.c.student_id).subquery("flags"))
    g = child_grouping(st, region, scope)
    q = (sa.select(g.key, sa.func.count().label("phantom_suspects"),
                   *[sa.func.sum(flags.c[f"rule_{k}"]).label(f"rule_{k}") for k in (1, 2, 3)])
         .select_from(g.source.join(flags, flags.c.student_id == st.c.id))
         .where(*g.where, st.c.status.in_(ON_ROLL))
         .group_by(g.key))
    cols = ["code", "phantom_suspects", "rule_1", "rule_2", "rule_3"]
    return counts_frame(conn.execute(q), cols)


def change_cases(conn: sa.Connection, scope: Scope, region: Region, year: int, as_of: dt.date) -> pd.DataFrame:
    """One school's status changes of year Y that occurred by D, with their student (unmasked: mask
    before display). Dates after D are blanked in ``aidwatch.metrics.backlog.change_cases``."""
    scope.require_cases(region)
    sc, st = c.status_change, c.student
    first, last = _year_window(year, as_of)
    q = (sa.select(sc.c.id.label("change_id"), st.c.name, st.c.id_number, sc.c.change_type, sc.c.occurred_on,
                   sc.c.recorded_on, sc.c.approved_on, sc.c.rejected_on)
         .select_from(sc.join(st, st.c.id == sc.c.student_id))
         .where(sc.c.province_code == region.province, sc.c.school_id == region.school,
                sc.c.occurred_on >= first, sc.c.occurred_on <= last)
         .order_by(sc.c.occurred_on, sc.c.id))
    return to_frame(conn.execute(q))


def suspect_evidence(conn: sa.Connection, scope: Scope, region: Region, as_of: dt.date) -> pd.DataFrame:
    """One school's phantom-enrolment suspects: one row per (student, rule, evidence), unmasked.

    ``change_type, occurred_on, recorded_on, approved_on, rejected_on`` are the change that fired
    rule 1 or 2 (empty for rule 3); ``enrolled_on, program_years`` are the evidence of rule 3.
    """
    scope.require_cases(region)
    sc, st = c.status_change, c.student
    cand = phantom_candidates(scope, region, as_of)
    q = (sa.select(st.c.id.label("student_id"), st.c.name, st.c.id_number, st.c.status, cand.c.rule,
                   sc.c.change_type, sc.c.occurred_on, sc.c.recorded_on, sc.c.approved_on, sc.c.rejected_on,
                   st.c.enrolled_on, st.c.program_years)
         .select_from(st.join(cand, cand.c.student_id == st.c.id).outerjoin(sc, sc.c.id == cand.c.change_id))
         .where(st.c.school_id == region.school, st.c.province_code == region.province, st.c.status.in_(ON_ROLL))
         .order_by(st.c.id, cand.c.rule, sc.c.occurred_on))
    return to_frame(conn.execute(q))
