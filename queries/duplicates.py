"""Duplicate-aid alerts: the SQL side.

A year's matches are counted in the database grouped by region and by every
date and value the as-of rules look at (pushed, verified, outcome, rectified,
kind, batch month). Tens of thousands of matches a year collapse into a small
frame; closed / open / overdue as of any D, with Chinese working days, are
then derived in memory (``aidwatch.metrics.duplicates``) without another query.
Repeat students need a per-student count of distinct batch months, so they
are counted in SQL, per as-of date.

See shared/spec/metrics.md, "Duplicate-aid alerts".
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd
import sqlalchemy as sa

from aidwatch import contract as c
from queries.frames import counts_frame, to_frame
from queries.regions import Region, child_grouping, child_names
from queries.scope import Scope

GROUP_COLUMNS = ["code", "school", "kind", "batch_month", "pushed_on", "verified_on", "outcome", "rectified_on", "n"]


def _year(t: sa.Table, year: int) -> list:
    """The spec's rows: pushed in year Y (``pushed_on`` ≤ D is applied per as-of date)."""
    return [t.c.pushed_on >= dt.date(year, 1, 1), t.c.pushed_on <= dt.date(year, 12, 31)]


def _key(t: sa.Table, region: Region, scope: Scope, by: str):
    """The grouping of ``t`` in the region and its key: the child region, or the school (``by="school"``)."""
    g = child_grouping(t, region, scope)
    return g, (t.c.school_id.label("code") if by == "school" else g.key)


@dataclass(frozen=True)
class DuplicateSeries:
    """A year's matches of a region, independent of D and of the kind / batch filters (cached once)."""

    children: pd.DataFrame  # code, name (+ school_code) of every child region
    groups: pd.DataFrame    # GROUP_COLUMNS: ``code`` = child region, ``school`` = school id (for the alerts)


@dataclass(frozen=True)
class RepeatCounts:
    """Repeat students as of D: per child region, for the region itself, per school."""

    children: pd.DataFrame  # code, n
    total: int
    schools: pd.DataFrame   # code (school id), n


def duplicate_series(conn: sa.Connection, scope: Scope, region: Region, year: int) -> DuplicateSeries:
    """Children and the year's matches grouped by child region, school and every value the as-of rules read.

    Kind and batch filters are applied in memory: one cached frame serves every filter.
    The school is in the grouping because the alerts name schools; the child code
    depends on the school, so it adds no rows. Dates are read as text and parsed
    by pandas in one vectorised step (SQLite's per-value date conversion costs more
    than the query at national scale).
    """
    t = c.duplicate_match
    g = child_grouping(t, region, scope)
    cols = [t.c.kind, t.c.batch_month, t.c.pushed_on, t.c.verified_on, t.c.outcome, t.c.rectified_on]
    shown = [sa.type_coerce(col, sa.String).label(col.name) if col.name.endswith("_on") else col for col in cols]
    q = (sa.select(g.key, t.c.school_id, *shown, sa.func.count().label("n")).select_from(g.source)
         .where(*g.where, *_year(t, year)).group_by(g.key, t.c.school_id, *cols))
    frame = to_frame(conn.execute(q), GROUP_COLUMNS)
    frame["code"] = frame["code"].astype(str)
    frame["school"] = frame["school"].astype(str)
    for col in ("pushed_on", "verified_on", "rectified_on"):
        frame[col] = pd.to_datetime(frame[col], format="ISO8601").astype("datetime64[s]")
    frame["n"] = pd.to_numeric(frame["n"]).astype("int64")
    return DuplicateSeries(child_names(conn, region, scope), frame)


def repeat_counts(conn: sa.Connection, scope: Scope, region: Region, year: int, as_of: dt.date,
                  kind: str | None, batch: str | None) -> RepeatCounts:
    args = (conn, scope, region, year, as_of, kind, batch)
    children = repeat_students(*args, "child")
    schools = children if region.level in ("city", "school") else repeat_students(*args, "school")
    return RepeatCounts(children, int(repeat_students(*args, "region")["n"].iloc[0]), schools)


def repeat_students(conn: sa.Connection, scope: Scope, region: Region, year: int, as_of: dt.date,
                    kind: str | None, batch: str | None, by: str = "child") -> pd.DataFrame:
    """Students with matches pushed by D in two or more batch months of year Y: ``code, n``.

    Counted within each region of ``by`` (a student who moved school counts where
    they have two batch months; ``by="region"`` gives the region's own number,
    code ``"*"``). With ``batch`` only students matched in that batch count
    (docs/metrics-decisions.md).
    """
    t = c.duplicate_match
    g, key = _key(t, region, scope, "child" if by == "region" else by)
    where = [*g.where, *_year(t, year), t.c.pushed_on <= as_of]
    if kind is not None:
        where.append(t.c.kind == kind)
    having = [sa.func.count(sa.distinct(t.c.batch_month)) >= 2]
    if batch is not None:
        having.append(sa.func.sum(sa.case((t.c.batch_month == batch, 1), else_=0)) > 0)
    group = [t.c.student_id] if by == "region" else [key, t.c.student_id]
    inner = (sa.select(*group).select_from(g.source).where(*where).group_by(*group)
             .having(*having).subquery())
    if by == "region":
        n = conn.execute(sa.select(sa.func.count()).select_from(inner)).scalar()
        return pd.DataFrame({"code": ["*"], "n": [int(n or 0)]})
    q = sa.select(inner.c.code, sa.func.count().label("n")).group_by(inner.c.code)
    return counts_frame(conn.execute(q), ["code", "n"])


def school_labels(conn: sa.Connection, scope: Scope, ids: tuple) -> pd.DataFrame:
    """``id, school_code, school, province, city, province_code, city_code`` of the given schools (those
    an alert names)."""
    s, p, ct = c.school, c.province, c.city
    q = (sa.select(s.c.id, s.c.code.label("school_code"), s.c.name.label("school"),
                   p.c.name.label("province"), ct.c.name.label("city"), s.c.province_code, s.c.city_code)
         .select_from(s.join(p, p.c.code == s.c.province_code).join(ct, ct.c.code == s.c.city_code))
         .where(s.c.id.in_([int(i) for i in ids])))
    if scope.province is not None:
        q = q.where(s.c.province_code == scope.province)
    frame = to_frame(conn.execute(q))
    frame["id"] = frame["id"].astype(str)
    return frame


def duplicate_cases(conn: sa.Connection, scope: Scope, region: Region, year: int, as_of: dt.date,
                    kind: str | None, batch: str | None) -> pd.DataFrame:
    """One school's matches of year Y pushed by D, with the student (unmasked: mask before display)."""
    scope.require_cases(region)
    t, st, op = c.duplicate_match, c.student, c.province.alias("other_province")
    q = (
        sa.select(t.c.id.label("match_id"), t.c.batch_month, t.c.kind, t.c.term, st.c.name, st.c.id_number,
                  t.c.other_school_name, t.c.other_province_code, op.c.name.label("other_province"),
                  t.c.pushed_on, t.c.verified_on, t.c.outcome, t.c.rectified_on)
        .select_from(t.join(st, st.c.id == t.c.student_id)
                     .outerjoin(op, op.c.code == t.c.other_province_code))
        .where(t.c.province_code == region.province, t.c.school_id == region.school,
               *_year(t, year), t.c.pushed_on <= as_of)
        .order_by(t.c.pushed_on, t.c.id)
    )
    if scope.province is not None:
        q = q.where(t.c.province_code == scope.province)
    if kind is not None:
        q = q.where(t.c.kind == kind)
    if batch is not None:
        q = q.where(t.c.batch_month == batch)
    frame = to_frame(conn.execute(q))
    for col in ("pushed_on", "verified_on", "rectified_on"):
        frame[col] = pd.to_datetime(frame[col]).astype("datetime64[s]")
    return frame
