"""The briefing's backlog and inspection areas counted from day-grouped queries (``queries.backlog.change_days``
and ``suspect_days``, ``queries.inspections.coverage_days``; counted at D by ``aidwatch.metrics.backlog.changes_at``
and ``suspects_at``, ``aidwatch.metrics.inspections.coverage_at``) give exactly what the pages' as-of queries
(``school_counts``, ``phantom_counts``, ``coverage_counts``) count at D, on the hand-built fixtures, on SQLite and
PostgreSQL, at dates spread over the year and on the days the fixtures' clocks turn; and the briefing shows those
numbers at every date it compares.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from aidwatch.metrics import backlog as bl_m
from aidwatch.metrics import inspections as insp_m
from aidwatch.policy import policy_for
from aidwatch.workdays import calendar
from views.briefing import briefing_data
from queries import backlog as bl_q
from queries import inspections as insp_q
from queries.regions import Region, children
from queries.scope import Scope
from tests import fixture_backlog, fixture_briefing, fixture_inspections
from tests.apps import app_fixture
from tests.registry_builder import engine_fixture

D = dt.date.fromisoformat
MINISTRY, GD, GX = Scope("ministry"), Scope("province", "44"), Scope("province", "45")
#: Every 23 days through 2025, and the days the fixtures' clocks turn (tests/test_backlog.py,
#: tests/test_inspections.py, tests/test_briefing.py).
DATES = sorted({D("2025-01-01") + dt.timedelta(days=23 * k) for k in range(16)} | {
    D(day) for day in ("2025-02-13", "2025-02-14", "2025-05-13", "2025-05-14", "2025-05-28", "2025-05-29",
                       "2025-06-03", "2025-06-10", "2025-06-17", "2025-06-18", "2025-08-31", "2025-09-01",
                       "2025-10-20", "2025-10-23", "2025-10-24", "2025-11-26", "2025-12-05", "2025-12-31")})
VIEWS = [(MINISTRY, Region("nation")), (GD, Region("nation")), (GX, Region("province", "45")),
         (MINISTRY, Region("city", "44", "440100"))]

backlog_engine = engine_fixture(fixture_backlog.TABLES)
inspection_engine = engine_fixture(fixture_inspections.TABLES)
briefing_engine = engine_fixture(fixture_briefing.TABLES)


def _sorted(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.sort_values("code").reset_index(drop=True).astype({"code": str})


def _backlog_matches(engine, year: int) -> int:
    """How many (view, date) pairs were compared, every one equal."""
    policy, cal, compared = policy_for(year), calendar(), 0
    for scope, region in VIEWS:
        with engine.connect() as conn:
            changes = bl_q.change_days(conn, scope, region, year)
            suspects = bl_q.suspect_days(conn, scope, region)
            for day in DATES:
                old = bl_m.child_counts(bl_q.school_counts(conn, scope, region, year, day), region.level)
                new = bl_m.changes_at(changes, year, day, policy, cal)
                pd.testing.assert_frame_equal(_sorted(new), _sorted(old[["code", *bl_m.COUNT_COLUMNS]]),
                                              obj=f"changes {scope} {region} {day}")
                old = bl_q.phantom_counts(conn, scope, region, day)
                pd.testing.assert_frame_equal(_sorted(bl_m.suspects_at(*suspects, day)), _sorted(old),
                                              obj=f"suspects {scope} {region} {day}")
                compared += 1
    return compared


def test_backlog_counts_from_days_equal_the_as_of_queries(backlog_engine):
    assert _backlog_matches(backlog_engine, 2025) == len(VIEWS) * len(DATES)


def test_the_backlog_fixture_has_something_to_count_on_the_dates():
    """The comparison above is not of empty frames: at the snapshot the fixture has every count (worked out
    by hand in tests/test_backlog.py: 广东 8 changes, 1 late, 1 unrecorded overdue, 2 awaiting, 1 overdue
    approval, 3 suspects, one per rule)."""
    assert D("2025-10-20") in DATES


def test_backlog_days_at_the_snapshot_by_hand(backlog_engine):
    with backlog_engine.connect() as conn:
        changes = bl_q.change_days(conn, MINISTRY, Region("nation"), 2025)
        suspects = bl_q.suspect_days(conn, MINISTRY, Region("nation"))
    at = bl_m.changes_at(changes, 2025, D("2025-10-20"), policy_for(2025), calendar()).set_index("code")
    assert tuple(at.loc["44", ["changes", "late_recorded", "unrecorded_overdue", "awaiting_approval",
                               "overdue_approval", "decided_recording"]]) == (8, 1, 1, 2, 1, 7)
    gd = bl_m.suspects_at(*suspects, D("2025-10-20")).set_index("code").loc["44"]
    assert tuple(gd[["phantom_suspects", "rule_1", "rule_2", "rule_3"]]) == (3, 1, 1, 1)


def test_coverage_from_days_equals_the_as_of_query(inspection_engine):
    compared = 0
    for scope, region in VIEWS:
        with inspection_engine.connect() as conn:
            children, schools, serious = insp_q.coverage_days(conn, scope, region, 2025)
            for day in DATES:
                old_children, old = insp_q.coverage_counts(conn, scope, region, 2025, day)
                pd.testing.assert_frame_equal(children, old_children)
                pd.testing.assert_frame_equal(_sorted(insp_m.coverage_at(schools, serious, day)), _sorted(old),
                                              obj=f"coverage {scope} {region} {day}")
                compared += 1
    assert compared == len(VIEWS) * len(DATES)


def test_coverage_days_by_hand(inspection_engine):
    """In 广东 (tests/fixture_inspections.py) as of 26 Nov 2025: schools 1–3 open (4 closed on 31 Aug), of
    them 2 inspected (10 Jun); on 9 June: schools 1–4 open, 4 inspected (1 Mar), 2 not yet."""
    with inspection_engine.connect() as conn:
        _, schools, serious = insp_q.coverage_days(conn, GD, Region("province", "44"), 2025)
    totals = {day: tuple(int(insp_m.coverage_at(schools, serious, D(day))[col].sum()) for col in ("schools", "inspected"))
              for day in ("2025-11-26", "2025-06-09")}
    assert totals == {"2025-11-26": (3, 1), "2025-06-09": (4, 1)}


def test_briefing_fixture_days_equal_the_as_of_queries(briefing_engine):
    """The registry the briefing tests read: the same numbers both ways."""
    assert _backlog_matches(briefing_engine, 2025) == len(VIEWS) * len(DATES)
    for scope, region in VIEWS[:3]:
        with briefing_engine.connect() as conn:
            _, schools, serious = insp_q.coverage_days(conn, scope, region, 2025)
            for day in DATES:
                pd.testing.assert_frame_equal(_sorted(insp_m.coverage_at(schools, serious, day)),
                                              _sorted(insp_q.coverage_counts(conn, scope, region, 2025, day)[1]))


app = app_fixture(fixture_briefing.TABLES)

#: The briefing's backlog and inspection headlines as the pages' as-of queries count them at each of its dates.
AREA_KEYS = {"backlog": ("unrecorded_overdue", "overdue_approval", "phantom_suspects"),
             "inspections": ("coverage_pct", "serious_findings")}


def _as_of_totals(reg, scope: Scope, region: Region, day: dt.date) -> dict:
    """(area, key) → the page's own total at ``day`` (what the briefing showed before it counted by day)."""
    with reg.engine.connect() as conn:
        counts = bl_m.child_counts(bl_q.school_counts(conn, scope, region, 2025, day), region.level)
        phantom = bl_q.phantom_counts(conn, scope, region, day)
        places, coverage = insp_q.coverage_counts(conn, scope, region, 2025, day)
        kids = children(conn, scope, region)
    backlog = bl_m.total_row(bl_m.region_rows(kids, counts, phantom), "x", "x").iloc[0]
    inspections = insp_m.total_row(insp_m.coverage_rows(places, coverage), "x", "x")
    return {("backlog", k): float(backlog[k]) for k in AREA_KEYS["backlog"]} | {
        ("inspections", k): float(inspections[k]) for k in AREA_KEYS["inspections"]}


@pytest.mark.parametrize("as_of", ["2025-05-14", "2025-06-03", "2025-06-10", "2025-07-01", "2025-09-15"])
@pytest.mark.parametrize("who,query,scope,region", [
    ("leader", {}, Scope("leadership"), Region("nation")),
    ("ministry", {"province": "44"}, MINISTRY, Region("province", "44")),
])
def test_the_briefing_shows_the_as_of_numbers_at_each_of_its_dates(app, who, query, scope, region, as_of):
    server = app.server
    reg = server.extensions["aidwatch_registry"]
    with server.app_context():
        b = briefing_data({**query, "as_of": as_of, "year": "2025"}, scope)
    checked = 0
    for when, day in b.dates.items():
        if day is None:
            continue
        expected = _as_of_totals(reg, scope, region, day)
        for (area, key), value in expected.items():
            assert b.headlines[(area, key)].values[when] == value, (area, key, when, day)
            checked += 1
    assert checked == 3 * 5
