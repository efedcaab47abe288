"""Record approval (学籍审核审批) and graduation processing (毕业手续): the SQL side.

Every count depends on the as-of date D, so the queries take D as a parameter
and the page caches them per D. Working-day clocks are answered in SQL without
a calendar table:

- "D after due(start, n)" is "start ≤ ``overdue_until(D, n)``" (the due day
  never moves back as the start moves forward): a plain date comparison;
- the approval lag and "approved after due(registered_on, n)" need each
  record's own working-day count: ``through(x)`` and ``before(x)`` (working
  days since a fixed day, see ``aidwatch.metrics.records.workday_steps``) are
  step functions of the date, sent as balanced ``CASE`` trees.

Records are grouped per child region and lag (a few dozen lags per region), the
graduation counts per child region, the awaiting records per registration day:
only small frames come back. See shared/spec/metrics.md, "Record approval and
graduation".
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
import sqlalchemy as sa

from aidwatch import contract as c
from aidwatch.metrics.backlog import overdue_until
from aidwatch.metrics.records import GRADUATION_COUNTS, LAG_COUNTS, workday_steps
from aidwatch.policy import policy_for
from aidwatch.workdays import calendar
from queries.frames import counts_frame, to_frame
from queries.regions import Region, child_grouping
from queries.scope import Scope
from queries.steps import step_lookup


def _terms(year: int) -> tuple[str, str]:
    """The spring and autumn intake terms of year Y: the records the page counts."""
    return f"{year}S", f"{year}A"


def lag_window(year: int, as_of: dt.date) -> tuple[dt.date, dt.date]:
    """The days whose working-day counts are sent to SQL: from 1 January of the year before Y (a record of
    Y's intake registered earlier is an odd row, see the quality page) to D, inside the calendar."""
    cal = calendar()
    first = max(dt.date(year - 1, 1, 1), cal.first + dt.timedelta(days=1))
    return first, max(min(as_of, cal.last), first)  # a D before the window: one day, outside every record's dates


def _in_window(column, first: dt.date, last: dt.date, lookup) -> sa.ColumnElement:
    return sa.case((sa.and_(column >= first, column <= last), lookup), else_=sa.null())


def _done_by(column, as_of: dt.date) -> sa.ColumnElement:
    """Set and on or before D; never NULL, so its negation is safe."""
    return sa.and_(column.is_not(None), column <= as_of)


def _flag(cond) -> sa.ColumnElement:
    return sa.case((cond, 1), else_=0)


def record_lags(conn: sa.Connection, scope: Scope, region: Region, year: int, as_of: dt.date) -> pd.DataFrame:
    """Students of Y's intakes registered by D, per child region, approval lag and lateness:
    ``code, lag, late`` and the counts ``registered, approved, approval_overdue``.

    ``lag`` (working days after ``registered_on`` up to and including ``reg_approved_on``) and ``late``
    are set for the records approved by D; a record with a date outside ``lag_window`` has no lag
    and is not late (it still counts as registered and approved)."""
    st = c.student
    n = policy_for(year).record_approval_workdays
    first, last = lag_window(year, as_of)
    (tb, tv), (bb, bv) = workday_steps(calendar(), first, last)
    g = child_grouping(st, region, scope)
    # First the (region, registration day, approval day by D) pairs, counted: the working-day CASE trees
    # then run once per pair (tens of thousands nationally) instead of once per student (over a million).
    rows = (sa.select(g.key, st.c.registered_on.label("reg"),
                      sa.case((_done_by(st.c.reg_approved_on, as_of), st.c.reg_approved_on)).label("app"))
            .select_from(g.source)
            .where(*g.where, st.c.intake_term.in_(_terms(year)), _done_by(st.c.registered_on, as_of))
            .subquery("r"))
    pairs = (sa.select(rows.c.code, rows.c.reg, rows.c.app, sa.func.count().label("n"))
             .group_by(rows.c.code, rows.c.reg, rows.c.app).subquery("p"))
    reg, app = pairs.c.reg, pairs.c.app
    reg_through = _in_window(reg, first, last, step_lookup(reg, tb, tv, sa.Integer))
    lagged = (sa.select(pairs.c.code, pairs.c.n, (_in_window(app, first, last, step_lookup(app, tb, tv, sa.Integer))
                                                  - reg_through).label("lag"),
                        (_in_window(app, first, last, step_lookup(app, bb, bv, sa.Integer)) - reg_through)
                        .label("strict"),
                        _flag(app.is_not(None)).label("approved"),
                        _flag(sa.and_(app.is_(None), reg <= overdue_until(calendar(), as_of, n)))
                        .label("approval_overdue"))
              .subquery("l"))
    late = _flag(lagged.c.strict >= n)
    q = (sa.select(lagged.c.code, lagged.c.lag, late.label("late"), sa.func.sum(lagged.c.n).label("registered"),
                   sa.func.sum(lagged.c.n * lagged.c.approved).label("approved"),
                   sa.func.sum(lagged.c.n * lagged.c.approval_overdue).label("approval_overdue"))
         .group_by(lagged.c.code, lagged.c.lag, late))
    frame = counts_frame(conn.execute(q), ["code", "lag", "late", *LAG_COUNTS], ["late", *LAG_COUNTS])
    frame["lag"] = pd.to_numeric(frame["lag"]).astype("Int64")
    return frame


def awaiting_by_day(conn: sa.Connection, scope: Scope, region: Region, year: int, as_of: dt.date) -> pd.DataFrame:
    """Records of Y's intakes in the region registered by D and not approved by D, per ``day`` registered."""
    st = c.student
    g = child_grouping(st, region, scope)
    q = (sa.select(st.c.registered_on.label("day"), sa.func.count().label("n"))
         .select_from(g.source)
         .where(*g.where, st.c.intake_term.in_(_terms(year)), _done_by(st.c.registered_on, as_of),
                ~_done_by(st.c.reg_approved_on, as_of))
         .group_by(st.c.registered_on))
    frame = to_frame(conn.execute(q), ["day", "n"])
    frame["day"] = pd.to_datetime(frame["day"]).astype("datetime64[s]")
    frame["n"] = pd.to_numeric(frame["n"]).astype("int64")
    return frame


def _year_window(year: int, as_of: dt.date) -> tuple[dt.date, dt.date]:
    """``graduated_on`` in year Y and on or before D."""
    return dt.date(year, 1, 1), min(dt.date(year, 12, 31), as_of)


def graduation_counts(conn: sa.Connection, scope: Scope, region: Region, year: int, as_of: dt.date) -> pd.DataFrame:
    """The spec's graduation counts per child region (``code`` and ``GRADUATION_COUNTS``)."""
    gr = c.graduation
    policy, cal = policy_for(year), calendar()
    g = child_grouping(gr, region, scope)
    uploaded, approved = _done_by(gr.c.uploaded_on, as_of), _done_by(gr.c.approved_on, as_of)
    first, last = _year_window(year, as_of)

    def total(cond, name):
        return sa.func.sum(_flag(cond)).label(name)

    q = (sa.select(g.key, sa.func.count().label("graduates"),
                   total(uploaded, "uploaded"),
                   total(sa.and_(~uploaded, gr.c.graduated_on <= overdue_until(
                       cal, as_of, policy.graduation_upload_workdays)), "upload_overdue"),
                   total(approved, "approved"),
                   total(sa.and_(uploaded, ~approved, gr.c.uploaded_on <= overdue_until(
                       cal, as_of, policy.graduation_approval_workdays)), "approval_overdue"),
                   total(sa.and_(approved, gr.c.certificate_no.is_not(None)), "certificates_online"))
         .select_from(g.source)
         .where(*g.where, gr.c.graduated_on >= first, gr.c.graduated_on <= last)
         .group_by(g.key))
    return counts_frame(conn.execute(q), ["code", *GRADUATION_COUNTS])


def record_cases(conn: sa.Connection, scope: Scope, region: Region, year: int, as_of: dt.date) -> pd.DataFrame:
    """One school's records of Y's intakes awaiting approval at D, unmasked (mask before display)."""
    scope.require_cases(region)
    st = c.student
    q = (sa.select(st.c.id.label("student_id"), st.c.name, st.c.id_number, st.c.intake_term, st.c.registered_on)
         .where(st.c.province_code == region.province, st.c.school_id == region.school,
                st.c.intake_term.in_(_terms(year)), _done_by(st.c.registered_on, as_of),
                ~_done_by(st.c.reg_approved_on, as_of))
         .order_by(st.c.registered_on, st.c.id))
    return to_frame(conn.execute(q))


def graduate_cases(conn: sa.Connection, scope: Scope, region: Region, year: int, as_of: dt.date) -> pd.DataFrame:
    """One school's graduates of year Y by D, unmasked; ``aidwatch.metrics.records.graduate_cases`` keeps
    those not yet uploaded, approved or certified."""
    scope.require_cases(region)
    gr, st = c.graduation, c.student
    first, last = _year_window(year, as_of)
    q = (sa.select(gr.c.student_id, st.c.name, st.c.id_number, gr.c.graduated_on, gr.c.uploaded_on,
                   gr.c.approved_on, gr.c.certificate_no)
         .select_from(gr.join(st, st.c.id == gr.c.student_id))
         .where(gr.c.province_code == region.province, gr.c.school_id == region.school,
                gr.c.graduated_on >= first, gr.c.graduated_on <= last)
         .order_by(gr.c.graduated_on, gr.c.student_id))
    return to_frame(conn.execute(q))
