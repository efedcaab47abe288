"""Record approval (学籍审核审批) and graduation processing (毕业手续): the SQL side.

No count here depends on the as-of date D. The records are counted per child
region, registration day and approval day, the graduates per child region and
their graduation, upload and approval days: tens of thousands of rows
nationally, cached once per (scope, region, year). Every as-of view, and the
briefing's three dates, is then derived from that one result in
``aidwatch.metrics.records`` (``lags_at``, ``awaiting_at``, ``graduation_at``),
so a date change costs no query, and the working-day clocks are counted by the
calendar in Python rather than sent to SQL (the CASE trees they once took cost
PostgreSQL seconds of JIT compilation per view). See shared/spec/metrics.md,
"Record approval and graduation".
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
import sqlalchemy as sa

from aidwatch import contract as c
from queries.frames import day_text, to_frame, typed_days
from queries.regions import Region, child_grouping
from queries.scope import Scope


def _terms(year: int) -> tuple[str, str]:
    """The spring and autumn intake terms of year Y: the records the page counts."""
    return f"{year}S", f"{year}A"


def _done_by(column, as_of: dt.date) -> sa.ColumnElement:
    """Set and on or before D; never NULL, so its negation is safe."""
    return sa.and_(column.is_not(None), column <= as_of)


def record_days(conn: sa.Connection, scope: Scope, region: Region, year: int) -> pd.DataFrame:
    """Students of Y's intakes with a registration day, counted per child region, registration day and
    approval day: ``code, reg, app, n`` (``app`` NaT: not approved). Whatever the dates, odd ones included:
    ``aidwatch.metrics.records.lags_at`` decides what counts at D."""
    st = c.student
    g = child_grouping(st, region, scope)
    q = (sa.select(g.key, day_text(st.c.registered_on, "reg"), day_text(st.c.reg_approved_on, "app"),
                   sa.func.count().label("n"))
         .select_from(g.source)
         .where(*g.where, st.c.intake_term.in_(_terms(year)), st.c.registered_on.is_not(None))
         .group_by(g.key, st.c.registered_on, st.c.reg_approved_on))
    return typed_days(to_frame(conn.execute(q), ["code", "reg", "app", "n"]), ["reg", "app"])


def _year_window(year: int, as_of: dt.date) -> tuple[dt.date, dt.date]:
    """``graduated_on`` in year Y and on or before D."""
    return dt.date(year, 1, 1), min(dt.date(year, 12, 31), as_of)


def graduation_days(conn: sa.Connection, scope: Scope, region: Region, year: int) -> pd.DataFrame:
    """Graduates of year Y counted per child region and graduation, upload and approval day: ``code,
    graduated, uploaded, approved, n, certified`` (a day NaT: not yet; ``certified``: how many of the ``n``
    have a certificate number). ``aidwatch.metrics.records.graduation_at`` counts them at D."""
    gr = c.graduation
    g = child_grouping(gr, region, scope)
    q = (sa.select(g.key, day_text(gr.c.graduated_on, "graduated"), day_text(gr.c.uploaded_on, "uploaded"),
                   day_text(gr.c.approved_on, "approved"), sa.func.count().label("n"),
                   sa.func.count(gr.c.certificate_no).label("certified"))
         .select_from(g.source)
         .where(*g.where, gr.c.graduated_on >= dt.date(year, 1, 1), gr.c.graduated_on <= dt.date(year, 12, 31))
         .group_by(g.key, gr.c.graduated_on, gr.c.uploaded_on, gr.c.approved_on))
    frame = typed_days(to_frame(conn.execute(q), ["code", "graduated", "uploaded", "approved", "n", "certified"]),
                   ["graduated", "uploaded", "approved"])
    frame["certified"] = pd.to_numeric(frame["certified"]).astype("int64")
    return frame


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
