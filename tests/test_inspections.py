"""Inspection priorities on a hand-built registry (tests/fixture_inspections.py), on SQLite and PostgreSQL:
coverage, the risk score and its ranking, the exports, and every role's scope.

Weights (aidwatch/risk_weights.toml): not_inspected 16, serious_findings 14, duplicates_overdue 12 (full at 3),
phantom_suspects 12 (full at 50), duplicates_repeat 10 (5), changes_late 8 (50), priority_without_grant 8 (60),
dual_plate 7, joint_enrollment 7, approvals_late 6 (50). Scores as of 2025-11-26, worked out by hand:

- school 1 甲: not inspected in 2025 (16) + serious 2024 finding not rectified (14) + dual plate (7)
  + 1 overdue duplicate (12 × 1/3 = 4.0) = 41.0; reasons: not_inspected, serious_findings, dual_plate
- school 3 丙: not inspected by D (its 5 Dec inspection is after D) (16) + 1 phantom suspect (12 × 1/50 = 0.24)
  + 1 late approval (6 × 1/50 = 0.12) = 16.36 → 16.4; reasons: not_inspected, phantom_suspects, approvals_late
- school 2 乙: inspected 10 Jun (0) + joint enrolment (7) + 2 late changes (8 × 2/50 = 0.32)
  + 1 priority student without a grant (8 × 1/60 = 0.133) = 7.453 → 7.5
- school 4 丁 closed on 31 Aug: not ranked, not counted.
"""

from __future__ import annotations

import datetime as dt
import io

import pandas as pd
import pytest

from aidwatch.metrics import inspections as m
from aidwatch.workdays import calendar
from queries import inspections as q
from queries.regions import Region
from queries.scope import OutOfScope, Scope
from tests import fixture_inspections
from tests.apps import chart_titles, login, make_app, post_content, text_of
from tests.conftest import BACKENDS
from tests.registry_builder import engine_fixture

D = dt.date(2025, 11, 26)
VIEW = "as_of=2025-11-26&year=2025"
GD = Scope("province", "44")


engine = engine_fixture(fixture_inspections.TABLES)


@pytest.fixture(params=BACKENDS)
def app(request, new_database, tmp_path):
    return make_app(new_database(request.param), fixture_inspections.TABLES, tmp_path)


def csv(client, url) -> pd.DataFrame:
    response = client.get(url)
    assert response.status_code == 200, response.get_data(as_text=True)
    return pd.read_csv(io.BytesIO(response.data), encoding="utf-8-sig", dtype={"code": str})


def test_coverage_by_province_and_city(engine):
    with engine.connect() as conn:
        children, counts = q.coverage_counts(conn, Scope("ministry"), Region("nation"), 2025, D)
        rows = m.coverage_rows(children, counts)
        # 44: schools 1, 2, 3 (4 closed 31 Aug); inspected only 2 (3's inspection is on 5 Dec, after D)
        # 45: school 5, inspected 15 Apr with a serious finding
        assert rows[m.EXPORT_COLUMNS].values.tolist() == [["44", "广东省", 3, 1, 33.3, 0], ["45", "广西壮族自治区", 1, 1, 100.0, 1]]
        children, counts = q.coverage_counts(conn, GD, Region("province", "44"), 2025, D)
        rows = m.coverage_rows(children, counts)
        # 广州: 1 and 2, one inspected; 深圳: only 3 (4 closed), not yet inspected
        assert rows[m.EXPORT_COLUMNS].values.tolist() == [["440100", "广州市", 2, 1, 50.0, 0], ["440300", "深圳市", 1, 0, 0.0, 0]]
        # on 10 Dec school 3's inspection of 5 Dec counts
        children, counts = q.coverage_counts(conn, GD, Region("province", "44"), 2025, dt.date(2025, 12, 10))
        assert m.coverage_rows(children, counts)["inspected"].tolist() == [1, 1]
        # a province user asking for the nation gets their province only
        children, counts = q.coverage_counts(conn, GD, Region("nation"), 2025, D)
        assert counts["code"].tolist() == ["44"]


def test_per_school_queries(engine):
    gd = Region("province", "44")
    with engine.connect() as conn:
        facts = q.school_facts(conn, GD, gd, 2025, D).set_index("code")
        phantom = q.phantom_by_school(conn, GD, gd, D)
        priority = q.priority_by_school(conn, GD, gd, 2025, D)
        approvals = q.approval_counts(conn, GD, gd, 2025, D)
    assert list(facts.index) == ["1", "2", "3", "4"]  # closed school 4 listed, with its closing day
    assert facts.loc["4", "closed_on"] == dt.date(2025, 8, 31)
    assert facts.loc["1", ["inspections", "serious_any", "serious_open"]].tolist() == [0, 1, 1]
    assert facts.loc["1", "ever_inspected_on"] == dt.date(2024, 5, 10)
    assert facts.loc["2", ["inspections", "findings", "last_inspected_on"]].tolist() == [1, 2, dt.date(2025, 6, 10)]
    assert facts.loc["3", "inspections"] == 0  # 5 Dec is after D
    assert phantom.values.tolist() == [["3", 1]]  # 钱七: enrolled 2021-09-01 + 3 + 1 years < D
    assert priority.values.tolist() == [["2", 1, 1]]  # 赵六 (dibao), no grant
    assert approvals.values.tolist() == [["3", 1, 1]]  # approved 1 Jun, after 20 May


def test_ranking_and_plan_export(app):
    client = login(app.server.test_client(), "gd")
    plan = csv(client, f"/export/inspection-plan.csv?{VIEW}")
    assert plan["code"].tolist() == ["4401001", "4403001", "4401002"]
    assert plan["risk_score"].tolist() == [41.0, 16.4, 7.5]
    assert plan["rank"].tolist() == [1, 2, 3]
    assert plan["reasons"][0] == "本年度尚未检查 (+16.0); 严重问题未整改 (+14.0); 一校两牌 (+7.0)"
    assert plan["reasons"][1] == "本年度尚未检查 (+16.0); 疑似空挂学籍 1 人 (+0.2); 资助审批逾期 1 条 (+0.1)"
    assert plan["reasons"][2] == "联合招生 (+7.0); 学籍异动逾期 2 条 (+0.3); 重点学生未获助学金 1 人 (+0.1)"
    assert plan.loc[0, ["duplicates_overdue", "inspected", "schools"]].tolist() == [1, 0, 1]
    assert plan.loc[2, ["changes_late", "priority_without_grant", "inspected", "coverage_pct"]].tolist() == [2, 1, 1, 100.0]
    en = csv(client, f"/export/inspection-plan.csv?{VIEW}&lang=en")
    assert en["reasons"][0] == "Not inspected this year (+16.0); Serious finding not rectified (+14.0); Dual plate (一校两牌) (+7.0)"
    xlsx = client.get(f"/export/inspection-plan.xlsx?{VIEW}")
    assert xlsx.status_code == 200 and pd.read_excel(io.BytesIO(xlsx.data))["risk_score"].tolist() == [41.0, 16.4, 7.5]


def test_spec_export_by_level(app):
    client = login(app.server.test_client(), "ministry")
    nation = csv(client, f"/export/inspections.csv?{VIEW}")
    assert list(nation.columns) == m.EXPORT_COLUMNS
    assert nation["inspected"].tolist() == [1, 1]
    province = csv(client, f"/export/inspections.csv?{VIEW}&province=44")
    assert province["code"].tolist() == ["440100", "440300"]
    # city level: one row per school with risk_score and reasons; 深圳 has only school 3 open
    city = csv(client, f"/export/inspections.csv?{VIEW}&city=440300")
    assert list(city.columns[:8]) == m.SCHOOL_EXPORT_COLUMNS
    assert city[["code", "schools", "inspected", "risk_score"]].values.tolist() == [["4403001", 1, 0, 16.4]]
    school = csv(client, f"/export/inspections.csv?{VIEW}&school=1")
    assert school["risk_score"].tolist() == [41.0]
    # a year later nothing of 2025 counts: coverage 0 in 44
    assert csv(client, "/export/inspections.csv?as_of=2026-01-05&year=2026")["inspected"].tolist() == [0, 0]


def test_scope(app):
    gd = login(app.server.test_client(), "gd")
    # a forged request for another province gets a message, not data
    for url in (f"/export/inspections.csv?{VIEW}&province=45", f"/export/inspection-plan.xlsx?{VIEW}&province=45",
                f"/export/inspections.csv?{VIEW}&school=5"):
        response = gd.get(url)
        assert response.status_code == 404 and "超出您的数据范围" in response.get_json()["error"]
    # the province user's nation view is their province
    assert csv(gd, f"/export/inspections.csv?{VIEW}")["code"].tolist() == ["440100", "440300"]
    gx = login(app.server.test_client(), "gx")
    plan = csv(gx, f"/export/inspection-plan.csv?{VIEW}")
    # 戊: inspected, serious finding not rectified by D (rectified 10 Dec): 14
    assert plan[["code", "risk_score"]].values.tolist() == [["4501001", 14.0]]
    # the plan needs a province
    ministry = login(app.server.test_client(), "ministry")
    assert ministry.get(f"/export/inspection-plan.csv?{VIEW}").status_code == 400
    # leadership gets aggregates and the plan (school-level figures, no personal data)
    leader = login(app.server.test_client(), "leader")
    assert csv(leader, f"/export/inspection-plan.csv?{VIEW}&province=44")["risk_score"].tolist() == [41.0, 16.4, 7.5]
    assert app.server.test_client().get(f"/export/inspections.csv?{VIEW}").status_code in (302, 401)


def render(client, prefix: str, view: dict) -> str:
    response = post_content(client, prefix, view)
    assert response.status_code == 200
    return text_of(response)


def test_callbacks_for_every_role(app):
    view = {"as_of": "2025-11-26", "year": "2025"}
    gd = login(app.server.test_client(), "gd")
    body = render(gd, "insp", view)
    # the ranking links each school to its profile and each reason to its cases
    assert '"/school?as_of=2025-11-26&year=2025&school=1"' in body
    assert '"/duplicates?as_of=2025-11-26&year=2025&school=3"' not in body  # 丙 has no duplicate reason
    assert '"/backlog?as_of=2025-11-26&year=2025&school=3"' in body  # 丙's phantom suspect
    assert '"/deadlines?as_of=2025-11-26&year=2025&school=3&deadline=spring_aid_approval"' in body
    assert "戊技工学校" not in body  # another province
    # a forged callback for another province gets a message, not data
    forged = render(gd, "insp", view | {"province": "45"})
    assert "超出您的数据范围" in forged and "戊技工学校" not in forged
    assert "超出您的数据范围" in render(gd, "sch", view | {"school": "5"})
    # the profile: signals at D, a week and a month before; case links for supervisors
    profile = render(gd, "sch", view | {"school": "2"})
    assert "乙技工学校" in profile and '"/backlog?as_of=2025-11-26&year=2025&school=2"' in profile
    assert "sch-signal-changes_late" in profile
    # leadership: the profile's aggregates, but no links to case lists (reasons open the profile itself)
    leader = login(app.server.test_client(), "leader")
    profile = render(leader, "sch", view | {"school": "2"})
    assert "乙技工学校" in profile and "sch-signal-changes_late" in profile
    assert "/backlog?" not in profile and "/rollout?" not in profile and "sch-cases-" not in profile
    ranking = render(leader, "insp", view | {"province": "44"})
    assert "/duplicates?" not in ranking and '"/school?as_of=2025-11-26&year=2025&school=1"' in ranking
    # the ministry's nation view: coverage, and a hint to open a province for the ranking
    assert "insp-rank-nation" in render(login(app.server.test_client(), "ministry"), "insp", view)


def test_pace():
    cal = calendar()
    # after Wed 26 Nov: 27, 28 Nov and the 23 weekdays of December 2025 (no holiday) = 25 working days
    assert m.workdays_left(D, 2025, cal) == 25
    assert m.pace(2, 25) == 0.08
    assert m.workdays_left(dt.date(2026, 1, 5), 2025, cal) == 0 and m.pace(2, 0) is None and m.pace(0, 0) == 0.0
    # before the year: the whole year's working days
    assert m.workdays_left(dt.date(2025, 12, 31), 2026, cal) == cal.workdays_between(dt.date(2025, 12, 31), dt.date(2026, 12, 31))


def test_scope_in_queries(engine):
    with engine.connect() as conn:
        with pytest.raises(OutOfScope):
            q.inspection_history(conn, GD, Region("school", "45", "450100", 5), D)
        history = q.inspection_history(conn, Scope("ministry"), Region("school", "45", "450100", 5), D)
    # the rectification of 10 Dec has not happened as of D
    assert history[["year", "finding_count", "serious", "rectified_on"]].values.tolist() == [[2025, 1, True, None]]


def test_each_chart_is_named_by_a_heading_above_it(app):
    """Not by a Plotly title, which a 390 px phone cut off (figure.titled_graph)."""
    client = login(app.server.test_client(), "ministry")
    assert chart_titles(post_content(client, "insp", {})) == {"insp-tiles": "各省份检查覆盖率",
                                                               "insp-bars": "下级检查覆盖率"}
    assert chart_titles(post_content(client, "insp", {"lang": "en"})) == {
        "insp-tiles": "Inspection coverage by province", "insp-bars": "Inspection coverage of the level below"}
