"""Deadline progress on a hand-built registry, on SQLite and PostgreSQL, at several as-of dates.

Every expected number is worked out by hand from tests/fixture_deadlines.py.
"""

from __future__ import annotations

import datetime as dt
import math

import pandas as pd
import pytest

from aidwatch.metrics.deadlines import progress, summary
from aidwatch.policy import DEADLINES, policy_for
from aidwatch.replica import readonly_engine
from aidwatch.workdays import calendar
from dashboard.pages.deadlines import timeline
from queries.deadlines import deadline_cases, deadline_series
from queries.regions import Region, resolve_region
from queries.scope import OutOfScope, Scope
from tests import fixture_deadlines
from tests.apps import app_fixture, chart_titles, login, post_content
from tests.registry_builder import build_registry

D = dt.date.fromisoformat
MINISTRY = Scope("ministry")
GD = Scope("province", "44")


@pytest.fixture
def engine(new_database, backend):
    url = build_registry(new_database(backend), fixture_deadlines.TABLES)
    eng = readonly_engine(url)
    yield eng
    eng.dispose()


def rows_at(engine, scope, region, as_of, year=2025):
    with engine.connect() as conn:
        children, series = deadline_series(conn, scope, region, year)
    out = progress(children, series, D(as_of), policy_for(year), calendar())
    return {(r.deadline, r.code): r for r in out.itertuples(index=False)}, series


def test_spring_registration_on_the_due_day(engine):
    rows, _ = rows_at(engine, MINISTRY, Region("nation"), "2025-04-30")
    gd = rows[("spring_registration", "44")]
    # headcount 4+1+2; registered by 30 Apr: 101 (3-10), 102 (27 Apr, a make-up Sunday), 105, 106
    assert (gd.done, gd.total, gd.pct_done, gd.working_days_left) == (4, 7, 57.1, 0)
    assert gd.name == "广东省" and gd.due_on == D("2025-04-30")
    # pace: 3 done in the 11 working days of (16 Apr, 30 Apr]; none left → cannot reach 7
    assert gd.status == "at_risk"
    gx = rows[("spring_registration", "45")]
    assert (gx.done, gx.total, gx.pct_done, gx.status) == (3, 3, 100.0, "done")
    bj = rows[("spring_registration", "11")]
    assert (bj.done, bj.total, bj.status) == (0, 0, "no_data") and math.isnan(bj.pct_done)


def test_after_labour_day_the_deadline_is_overdue(engine):
    rows, _ = rows_at(engine, MINISTRY, Region("nation"), "2025-05-06")
    gd = rows[("spring_registration", "44")]
    # 103 registered on 6 May; 1–5 May are holidays, so 6 May is one working day past the due day
    assert (gd.done, gd.total, gd.status, gd.working_days_left) == (5, 7, "overdue", -1)


def test_aid_approval_counts_revoked_but_not_rejected(engine):
    rows, _ = rows_at(engine, MINISTRY, Region("nation"), "2025-05-20")
    gd = rows[("spring_aid_approval", "44")]
    # submitted and not rejected: records 1, 2, 3; approved by 20 May: record 1
    assert (gd.done, gd.total, gd.pct_done, gd.status) == (1, 3, 33.3, "at_risk")
    gx = rows[("spring_aid_approval", "45")]
    assert (gx.done, gx.total, gx.status) == (2, 2, "done")
    rows, _ = rows_at(engine, MINISTRY, Region("nation"), "2025-05-21")
    gd = rows[("spring_aid_approval", "44")]
    assert (gd.done, gd.total, gd.status, gd.working_days_left) == (2, 3, "overdue", -1)


def test_rollout_funds_on_a_saturday_due_day(engine):
    rows, _ = rows_at(engine, MINISTRY, Region("nation"), "2025-05-31")
    gd = rows[("rollout_funds", "44")]
    assert (gd.done, gd.total, gd.status) == (1, 1, "done")
    gx = rows[("rollout_funds", "45")]
    # two approved grants (the revoked one still counts); one paid on 20 May, the other on 3 June
    assert (gx.done, gx.total, gx.pct_done, gx.working_days_left, gx.status) == (1, 2, 50.0, 0, "at_risk")


def test_report_tracker_and_national_summary(engine):
    rows, series = rows_at(engine, MINISTRY, Region("nation"), "2025-06-06")
    assert rows[("rollout_report", "44")].status == "done"
    assert rows[("rollout_report", "45")].status == "at_risk"
    rows, series = rows_at(engine, MINISTRY, Region("nation"), "2025-06-10")
    assert rows[("rollout_report", "45")].status == "done"
    assert rows[("rollout_report", "11")].status == "overdue"
    nation = summary(series, "nation", "nation", D("2025-06-10"), policy_for(2025), calendar())
    report = nation[nation.deadline == "rollout_report"].iloc[0]
    assert (report.done, report.total, report.pct_done, report.status) == (2, 3, 66.7, "overdue")
    # 6 June 2025 is a Friday; 10 June is two working days later
    assert report.working_days_left == -2


def test_province_and_city_levels(engine):
    rows, series = rows_at(engine, GD, Region("province", "44"), "2025-04-30")
    assert {k[1] for k in rows} == {"440100", "440300"}
    gz, sz = rows[("spring_registration", "440100")], rows[("spring_registration", "440300")]
    assert (gz.done, gz.total, gz.name) == (3, 5, "广州市")
    assert (sz.done, sz.total) == (1, 2)
    # every city carries its province's report; the province's own row counts it once
    assert rows[("rollout_report", "440100")].total == 1
    prov = summary(series, "44", "province", D("2025-06-05"), policy_for(2025), calendar())
    report = prov[prov.deadline == "rollout_report"].iloc[0]
    assert (report.done, report.total) == (0, 1)
    rows, _ = rows_at(engine, GD, Region("city", "44", "440100"), "2025-04-30")
    s1, s2 = rows[("spring_registration", "1")], rows[("spring_registration", "2")]
    assert (s1.done, s1.total, s2.done, s2.total, s2.status) == (2, 4, 1, 1, "done")


def test_autumn_registration_on_a_make_up_sunday(engine):
    rows, _ = rows_at(engine, MINISTRY, Region("nation"), "2025-09-28")
    gd = rows[("autumn_registration", "44")]
    assert (gd.done, gd.total, gd.status) == (1, 1, "done")


def test_school_cases_list_what_is_missing(engine):
    with engine.connect() as conn:
        cases = deadline_cases(conn, GD, Region("school", "44", "440100", 1), 2025, "spring_registration", D("2025-04-30"))
    # not registered by 30 April: 103 (6 May) and 104 (never)
    assert sorted(cases["student_id"]) == [103, 104]
    with engine.connect() as conn:
        cases = deadline_cases(conn, GD, Region("school", "44", "440100", 1), 2025, "spring_aid_approval", D("2025-05-20"))
    assert sorted(cases["record_id"]) == [2, 3]


def test_province_user_cannot_reach_another_province(engine):
    with engine.connect() as conn:
        with pytest.raises(OutOfScope):
            resolve_region(conn, GD, province="45")
        with pytest.raises(OutOfScope):
            resolve_region(conn, GD, school=4)
        with pytest.raises(OutOfScope):
            resolve_region(conn, GD, city="450100")
        # with no parameters a province user lands on their own province
        assert resolve_region(conn, GD) == Region("province", "44")
        # even a nation-level query only ever sees the user's own province
        children, series = deadline_series(conn, GD, Region("nation"), 2025)
    assert list(children["code"]) == ["44"]
    assert set(series["code"]) == {"44"}


def test_leadership_gets_no_case_lists(engine):
    with engine.connect() as conn, pytest.raises(PermissionError):
        deadline_cases(conn, Scope("leadership"), Region("school", "44", "440100", 1), 2025,
                       "spring_registration", D("2025-04-30"))


def test_the_timeline_tells_each_day_and_countdown_in_its_axis_label():
    """Not as text beside the markers: there it ran off a 390 px phone chart (docs/accessibility.md)."""
    due = [D(d) for d in ("2025-04-30", "2025-05-20", "2025-05-31", "2025-06-06", "2025-10-31", "2025-11-30")]
    frame = pd.DataFrame({"deadline": list(DEADLINES), "due_on": due, "working_days_left": [-25, -14, 0, -2, 99, 119],
                          "status": ["overdue", "overdue", "done", "overdue", "on_track", "no_data"]})
    fig = timeline(frame, D("2025-06-10"), 2025, "zh")
    assert fig["layout"]["yaxis"]["ticktext"] == [
        "春季新生注册<br>4月30日 · 逾期25个工作日", "春季资助审批<br>5月20日 · 逾期14个工作日", "扩围提标资金发放<br>5月31日 · 已完成",
        "省级书面报告<br>6月6日 · 逾期2个工作日", "秋季新生注册<br>10月31日 · 剩99个工作日", "秋季资助审批<br>11月30日 · 剩119个工作日"]
    trace = fig["data"][0]
    assert trace["mode"] == "markers" and "text" not in trace
    assert trace["hovertext"][0] == "春季新生注册: 4月30日 · 已逾期 25 个工作日 · 已逾期"
    # month ticks are Plotly's to thin out on a narrow axis; the as-of label stays on the side with room
    assert "dtick" not in fig["layout"]["xaxis"] and fig["layout"]["annotations"][0]["xanchor"] == "left"
    fig = timeline(frame, D("2025-11-20"), 2025, "en")
    assert fig["layout"]["yaxis"]["ticktext"][3] == "Provincial written report<br>06 Jun · 2 wd overdue"
    assert fig["layout"]["annotations"][0]["xanchor"] == "right"


app = app_fixture(fixture_deadlines.TABLES)


def test_each_chart_is_named_by_a_heading_above_it(app):
    """Not by a Plotly title, which a 390 px phone cut off (figure.titled_graph)."""
    client = login(app.server.test_client(), "ministry")
    assert chart_titles(post_content(client, "dl", {"as_of": "2025-06-10"})) == {
        "dl-timeline": "年度时间节点", "dl-tiles": "各省份进度：秋季新生注册", "dl-bars": "下级进度：秋季新生注册"}
    assert chart_titles(post_content(client, "dl", {"as_of": "2025-06-10", "lang": "en"})) == {
        "dl-timeline": "The year's deadlines", "dl-tiles": "Progress by province: Autumn registration",
        "dl-bars": "Progress of the level below: Autumn registration"}
