"""Expansion rollout on a hand-built registry, on SQLite and PostgreSQL, at several as-of dates,
plus the pure metrics and the page's scope over HTTP.

Every expected number is worked out by hand from tests/fixture_rollout.py.
"""

from __future__ import annotations

import datetime as dt
import math

import pandas as pd
import pytest

from aidwatch.metrics import rollout as m
from aidwatch.workdays import calendar
from dashboard.pages import rollout as page
from queries.regions import Region
from queries.rollout import priority_cases, priority_counts, rollout_series
from queries.scope import OutOfScope, Scope
from tests import fixture_rollout
from tests.apps import app_fixture, chart_titles, login, post_content, text_of, school_export_rows
from tests.registry_builder import engine_fixture

D = dt.date.fromisoformat
MINISTRY = Scope("ministry")
GD = Scope("province", "44")
FUNDS_DUE, REPORT_DUE = D("2025-05-31"), D("2025-06-06")


engine = engine_fixture(fixture_rollout.TABLES)


def nation_at(engine, as_of, scope=MINISTRY):
    """The step matrix and priority table at nation level as of ``as_of``."""
    as_of = D(as_of)
    with engine.connect() as conn:
        s = rollout_series(conn, scope, Region("nation"), 2025)
        counts = priority_counts(conn, scope, Region("nation"), 2025, as_of)
    figures = m.grant_figures(s.children["code"], s.recipients, s.paid, as_of)
    names = dict(zip(s.children["code"], s.children["name"]))
    tracker = m.report_tracker(s.provinces, names, as_of, REPORT_DUE, calendar())
    steps = m.step_matrix(s.provinces, figures, tracker, as_of, FUNDS_DUE)
    return steps.set_index("code"), m.priority_table(s.children["code"], counts).set_index("code"), s


def test_grant_figures_on_10_june(engine):
    steps, _, _ = nation_at(engine, "2025-06-10")
    gd = steps.loc["44"]
    # approved by 10 June: records 1, 2, 3 and 4 (4 was revoked later: still a recipient); 5 is approved 12 June,
    # 8 on 20 June, 7 was rejected, 6 and 9 are tuition, 10 is 2024S. Amounts 1300+1000+1000+1300 = 4600,
    # mean 1150 a semester → 2300 a year; grade ≥ 3: records 1 and 4; all four paid by 10 June (3 on 10 June).
    assert (gd.grant_recipients, gd.third_year_recipients, gd.avg_grant_yuan_per_year, gd.disbursed_pct) == (
        4, 2, 2300.0, 100.0)
    gx = steps.loc["45"]
    # 1500 + 800 + 800 = 3100 / 3 = 1033.33… → 2066.67 a year; record 13 is never paid: 2 of 3
    assert (gx.grant_recipients, gx.third_year_recipients, gx.avg_grant_yuan_per_year, gx.disbursed_pct) == (
        3, 1, 2066.67, 66.7)
    bj = steps.loc["11"]
    assert bj.grant_recipients == 0 and math.isnan(bj.avg_grant_yuan_per_year) and math.isnan(bj.disbursed_pct)


def test_step_matrix_on_10_june(engine):
    steps, _, _ = nation_at(engine, "2025-06-10")
    cols = [f"{s}_state" for s in m.STEPS]
    # 广东: everything on time: policy 31 Mar, 2 tiers, 2300 average, third-years, funds declared 30 May and all
    # recipients paid, report on 6 June itself
    assert list(steps.loc["44", cols]) == ["green"] * 6 and steps.loc["44", "steps_done"] == 6
    # 广西: average 2066.67 < 2300 after 31 May (red); funds declared 3 June, late, 66.7 % paid (amber);
    # report 9 June, Monday after the Friday due day: one working day late (amber)
    assert list(steps.loc["45", cols]) == ["green", "green", "red", "green", "amber", "amber"]
    assert steps.loc["45", "steps_done"] == 3
    assert (steps.loc["45", "report_status"], steps.loc["45", "working_days_late"]) == ("late", 1)
    # 天津: policy revised 3 June, after 31 May (amber); a single tier is not tiered (red); its one recipient gets
    # 2300 (green); no third-year student (red); funds never declared (red); report 28 May (green)
    assert list(steps.loc["12", cols]) == ["amber", "red", "green", "red", "red", "green"]
    # 北京: nothing at all after every deadline; its report is missing, 2 working days after 6 June by 10 June
    assert list(steps.loc["11", cols]) == ["red"] * 6
    assert (steps.loc["11", "report_status"], steps.loc["11", "working_days_late"]) == ("missing", 2)


def test_report_tracker_before_and_on_the_due_day(engine):
    steps, _, _ = nation_at(engine, "2025-06-05")
    # 5 June: 广东's 6 June report is still pending, like 广西's and 北京's; 天津's 28 May report is in
    assert steps["report_status"].to_dict() == {"11": "pending", "12": "on_time", "44": "pending", "45": "pending"}
    assert steps.loc["44", "report_submitted_on"] is None and steps.loc["44", "report_state"] == "amber"
    steps, _, _ = nation_at(engine, "2025-06-06")
    assert steps["report_status"].to_dict() == {"11": "pending", "12": "on_time", "44": "on_time", "45": "pending"}
    assert steps.loc["44", "report_submitted_on"] == D("2025-06-06")


def test_before_the_funds_deadline_unfinished_steps_are_amber(engine):
    steps, _, _ = nation_at(engine, "2025-05-20")
    # 20 May: 北京 has done nothing, but nothing is due yet
    assert set(steps.loc["11", [f"{s}_state" for s in m.STEPS]]) == {"amber"}
    # 广东: records 1, 2 (10 May), 3 (15 May), 4 (20 May) approved; paid by 20 May: record 1 only → 25 %;
    # funds not declared yet (30 May) and not due: amber
    gd = steps.loc["44"]
    assert (gd.grant_recipients, gd.disbursed_pct, gd.funds_state) == (4, 25.0, "amber")
    steps, _, _ = nation_at(engine, "2025-05-31")
    # 31 May: declared 30 May but record 3 is paid only on 10 June → 3 of 4, the step is amber until then
    assert (steps.loc["44", "disbursed_pct"], steps.loc["44", "funds_state"]) == (75.0, "amber")


def test_priority_groups(engine):
    _, prio, _ = nation_at(engine, "2025-06-10")
    # 广东 enrolled priority students by 10 June: 201, 203, 204, 206, 207, 208 (209 withdrew, 210 enrols in
    # September). Without a grant: 206 (rejected), 207 (approved only 20 June), 208 (tuition only, a 2024 grant)
    gd = prio.loc["44"]
    assert (gd.priority_students, gd.priority_without_grant, gd.coverage_pct) == (6, 3, 50.0)
    # 206 dibao and 207 orphan are 特困 groups (must be fully covered); 208 edge_poverty is not
    assert (gd.without_dibao, gd.without_orphan, gd.without_edge_poverty, gd.full_coverage_gap) == (1, 1, 1, 2)
    assert gd.priority_state == "red"
    # 广西: 304 (sudden hardship) has nothing: amber, not red; 北京: 501 (dibao) has nothing: red
    assert (prio.loc["45", "priority_without_grant"], prio.loc["45", "priority_state"]) == (1, "amber")
    assert (prio.loc["11", "priority_without_grant"], prio.loc["11", "priority_state"]) == (1, "red")
    assert prio.loc["12", "priority_students"] == 0
    _, prio, _ = nation_at(engine, "2025-06-20")
    # 20 June: 207's grant is approved
    assert prio.loc["44", "priority_without_grant"] == 2


def test_tier_distribution_against_declared_tiers(engine):
    _, _, s = nation_at(engine, "2025-06-12")
    declared = {p.province_code: m.parse_tiers(p.tier_amounts) for p in s.provinces.itertuples()}
    tiers = m.tier_distribution(s.recipients, declared, D("2025-06-12")).set_index(["code", "tier"])
    # 12 June: record 5 (tier 1, 1250 a semester = 2500 a year, declared 2600) joins records 1 and 4 in tier 1
    t1 = tiers.loc[("44", 1)]
    assert (t1.recipients, t1.declared_yuan, t1.off_tier, t1.mean_yuan_per_year, t1.share_pct) == (
        3, 2600, 1, 2566.67, 60.0)
    assert (tiers.loc[("44", 2), "recipients"], tiers.loc[("44", 2), "off_tier"]) == (2, 0)
    assert (tiers.loc[("45", 3), "recipients"], tiers.loc[("45", 3), "declared_yuan"]) == (2, 1600)


def test_tier_shares_per_region_and_the_share_off_the_declared_amount(engine):
    _, _, s = nation_at(engine, "2025-06-12")
    declared = {p.province_code: m.parse_tiers(p.tier_amounts) for p in s.provinces.itertuples()}
    tiers = m.tier_distribution(s.recipients, declared, D("2025-06-12"))
    shares = m.tier_shares(tiers, ["11", "12", "44", "45"]).set_index("code")
    # 广东: tier 1 records 1, 4, 5 (5 off: 2500 a year, declared 2600), tier 2 records 2, 3 → 1 of 5 off
    assert shares.loc["44", ["recipients", "off_tier", "share_1", "share_2", "share_3", "off_tier_pct"]].tolist() == [
        5, 1, 60.0, 40.0, 0.0, 20.0]
    # 广西: record 11 in tier 1, records 12 and 13 in tier 3, all at the declared amounts
    assert shares.loc["45", ["share_1", "share_2", "share_3", "off_tier_pct"]].tolist() == [33.3, 0.0, 66.7, 0.0]
    # 北京 has no recipients: no shares at all, not 0 %
    assert shares.loc["11", "recipients"] == 0 and shares.loc["11", ["share_1", "off_tier_pct"]].isna().all()


def test_tier_bars_show_a_region_without_recipients_as_no_data():
    rows = pd.DataFrame({"drill": ["44", "11"], "name": ["广东省", "北京市"]})
    tiers = pd.DataFrame({"code": ["44"], "tier": [1], "recipients": [2], "share_pct": [100.0], "declared_yuan": [2600],
                          "mean_yuan_per_year": [2600.0], "off_tier": [0]})
    fig = page.tier_bars(tiers, rows, "zh")
    assert fig["layout"]["yaxis"]["categoryarray"] == ["北京市", "广东省"]     # every region, in name order
    assert (fig["data"][0]["y"], fig["data"][-1]["y"], fig["data"][-1]["text"]) == (["广东省"], ["北京市"], ["无数据"])


def test_province_and_city_levels(engine):
    as_of = D("2025-06-10")
    with engine.connect() as conn:
        s = rollout_series(conn, GD, Region("province", "44"), 2025)
        counts = priority_counts(conn, GD, Region("province", "44"), 2025, as_of)
    figures = m.grant_figures(s.children["code"], s.recipients, s.paid, as_of)
    prio = m.priority_table(s.children["code"], counts)
    rows = m.region_rows(s.children, figures, prio, as_of, FUNDS_DUE).set_index("code")
    # 广州 (schools 1, 2): records 1, 2, 3 → 3300 / 3 = 1100 → 2200 a year (below target, red); 深圳: record 4
    assert (rows.loc["440100", "grant_recipients"], rows.loc["440100", "avg_grant_yuan_per_year"]) == (3, 2200.0)
    assert rows.loc["440100", "average_state"] == "red"
    assert (rows.loc["440300", "avg_grant_yuan_per_year"], rows.loc["440300", "third_year_recipients"]) == (2600.0, 1)
    assert (rows.loc["440100", "priority_students"], rows.loc["440100", "priority_without_grant"]) == (5, 3)
    out = m.export_rows(rows.reset_index(), "province")
    # below the nation the province-only columns are empty
    assert out[m.PROVINCE_ONLY].isna().all().all() and list(out.columns) == m.EXPORT_COLUMNS
    with engine.connect() as conn:
        s = rollout_series(conn, GD, Region("city", "44", "440100"), 2025)
    assert set(s.children["code"]) == {1, 2}
    # the series holds every approval of the term (record 8, approved 20 June, too); D applies in memory
    assert s.recipients.groupby("code")["n"].sum().to_dict() == {"1": 3, "2": 1}


def test_school_cases_say_why(engine):
    with engine.connect() as conn:
        cases = priority_cases(conn, GD, Region("school", "44", "440100", 1), 2025, D("2025-06-10"))
    cases = m.case_reasons(cases, D("2025-06-10")).set_index("student_id")
    assert sorted(cases.index) == [206, 207, 208]
    assert cases["reason"].to_dict() == {206: "rejected", 207: "awaiting_approval", 208: "not_applied"}
    # 207's approval on 20 June is not an approval as of 10 June
    assert cases.loc[207, "grant_approved_on"] is None


def test_scope_in_queries(engine):
    with engine.connect() as conn:
        s = rollout_series(conn, GD, Region("nation"), 2025)
        assert list(s.children["code"]) == ["44"] and list(s.provinces["province_code"]) == ["44"]
        assert set(s.recipients["code"]) == {"44"}
        assert set(priority_counts(conn, GD, Region("nation"), 2025, D("2025-06-10"))["code"]) == {"44"}
        with pytest.raises(OutOfScope):
            priority_cases(conn, GD, Region("school", "45", "450100", 4), 2025, D("2025-06-10"))
        with pytest.raises(PermissionError):
            priority_cases(conn, Scope("leadership"), Region("school", "44", "440100", 1), 2025, D("2025-06-10"))


# -- pure metrics ---------------------------------------------------------------------------------------------

def test_parse_tiers():
    assert m.parse_tiers("3000,2300,1600") == (3000, 2300, 1600)
    assert m.parse_tiers(" 2600 , 2000 ") == (2600, 2000)
    assert m.parse_tiers(None) == () and m.parse_tiers(float("nan")) == () and m.parse_tiers("a,b") == ()


@pytest.mark.parametrize("submitted,as_of,status", [
    ("2025-06-06", "2025-06-06", "on_time"), ("2025-06-09", "2025-06-10", "late"),
    (None, "2025-06-07", "missing"), (None, "2025-06-06", "pending"),
    ("2025-06-09", "2025-06-08", "missing"),  # submitted after D: not yet, as of D
    ("2025-06-03", "2025-06-02", "pending"),
])
def test_report_status(submitted, as_of, status):
    assert m.report_status(D(submitted) if submitted else None, D(as_of), REPORT_DUE) == status


def test_report_lateness_counts_chinese_working_days():
    provinces = pd.DataFrame({"province_code": ["45"], "report_submitted_on": [D("2025-10-09")]})
    # due 30 September 2025; 1–8 October are the National Day holidays, 9 October the first working day after
    row = m.report_tracker(provinces, {}, D("2025-10-10"), D("2025-09-30"), calendar()).iloc[0]
    assert (row.report_status, row.working_days_late) == ("late", 1)


def test_grant_figures_round_and_empty():
    rec = pd.DataFrame({"code": ["a", "a"], "day": pd.to_datetime(["2025-05-01", "2025-05-02"]),
                        "third_year": [True, False], "tier": [1, 2], "amount": [1000.0, 1150.005], "n": [1, 2]})
    paid = pd.DataFrame({"code": ["a"], "day": pd.to_datetime(["2025-05-03"]), "n": [1]})
    out = m.grant_figures(["a", "b"], rec, paid, D("2025-05-02")).set_index("code")
    # (1000 + 2·1150.005) / 3 · 2 = 2200.0066… → 2200.01; nothing paid by 2 May
    assert (out.loc["a", "avg_grant_yuan_per_year"], out.loc["a", "disbursed_pct"]) == (2200.01, 0.0)
    assert out.loc["b", "grant_recipients"] == 0 and math.isnan(out.loc["b", "avg_grant_yuan_per_year"])


def test_priority_state():
    assert m.priority_state(0, 0) == "green" and m.priority_state(2, 0) == "amber" and m.priority_state(2, 1) == "red"


# -- over HTTP: the page, its exports and every role's scope ----------------------------------------------------

app = app_fixture(fixture_rollout.TABLES)


def render(client, view):
    return text_of(post_content(client, "ro", view))


def csv_lines(client, query):
    response = client.get(f"/export/rollout.csv?{query}")
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.data.decode("utf-8-sig").splitlines()


def test_nation_export(app):
    lines = csv_lines(login(app.server.test_client(), "ministry"), "as_of=2025-06-10&year=2025")
    assert lines[0] == ",".join(m.EXPORT_COLUMNS)
    assert lines[1:] == [
        "11,北京市,,,,,2300,0,0,,,missing,1,1",
        "12,天津市,2025-06-03,1,2300,2300.0,2300,1,0,100.0,2025-05-28,on_time,0,0",
        '44,广东省,2025-03-31,2,"2600,2000",2300.0,2300,4,2,100.0,2025-06-06,on_time,6,3',
        '45,广西壮族自治区,2025-04-15,3,"3000,2300,1600",2066.67,2300,3,1,66.7,2025-06-09,late,2,1',
    ]


def test_city_and_school_exports(app):
    client = login(app.server.test_client(), "gd")
    # school 1: records 1 and 2 → (1300 + 1000) / 2 · 2 = 2300; school 2: record 3 → 2000
    assert csv_lines(client, "as_of=2025-06-10&city=440100")[1:] == [
        "4401001,广州市交通技师学院,,,,2300.0,2300,2,1,100.0,,,4,3",
        "4401002,广州市轻工技工学校,,,,2000.0,2300,1,0,100.0,,,1,0",
    ]
    # the school's export is its masked case list of priority students without a grant
    assert csv_lines(client, "as_of=2025-06-10&school=1") == [
        ",".join(m.CASE_COLUMNS),
        "周*,440106********8901,dibao,2023A,2023-09-01,2025-05-05,,rejected",
        "王*,440106********4567,edge_poverty,2023A,2023-09-01,,,not_applied",
        "欧**玲,440106********3456,orphan,2023A,2023-09-01,2025-05-20,,awaiting_approval",
    ]


def test_xlsx_export(app, tmp_path):
    import openpyxl

    client = login(app.server.test_client(), "ministry")
    response = client.get("/export/rollout.xlsx?as_of=2025-06-10&year=2025")
    path = tmp_path / "r.xlsx"
    path.write_bytes(response.data)
    rows = list(openpyxl.load_workbook(path).active.iter_rows(values_only=True))
    assert rows[0] == tuple(m.EXPORT_COLUMNS) and rows[4][0] == "45" and rows[4][11] == "late"


def test_province_user_sees_only_their_province(app):
    client = login(app.server.test_client(), "gd")
    # a nation-level request from a province user is answered for their province: its cities
    lines = csv_lines(client, "as_of=2025-06-10")
    assert {line.split(",")[0] for line in lines[1:]} == {"440100", "440300"}
    for query in ("province=45", "city=450100", "school=4"):
        response = client.get(f"/export/rollout.csv?as_of=2025-06-10&{query}")
        assert response.status_code == 404 and "广西" not in response.get_data(as_text=True)
    body = render(client, {"province": "45", "as_of": "2025-06-10"})
    assert "超出您的数据范围" in body and "南宁" not in body and "广西" not in body
    body = render(client, {"province": "44", "as_of": "2025-06-10"})
    assert "广州市" in body and "广西" not in body


def test_leadership_gets_no_case_lists(app):
    client = login(app.server.test_client(), "leader")
    assert len(csv_lines(client, "as_of=2025-06-10&city=440100")) == 3
    assert school_export_rows(client, "/export/rollout.csv?as_of=2025-06-10&school=1", "440100")
    body = render(client, {"school": "1", "as_of": "2025-06-10"})
    assert "仅查看汇总" in body and "周*" not in body and "王*" not in body


def test_page_renders_every_level_with_the_drill_ids(app):
    client = login(app.server.test_client(), "ministry")
    for view in ({"as_of": "2025-06-10"}, {"province": "44", "as_of": "2025-06-10"},
                 {"city": "440100", "as_of": "2025-06-10"}, {"school": "1", "as_of": "2025-06-10", "lang": "en"}):
        body = render(client, view)
        assert all(f'"id": "ro-{i}"' in body for i in ("tiles", "bars", "grid")), view
        assert "aw-message" not in body
    # cases on screen are masked
    body = render(client, {"school": "1", "as_of": "2025-06-10"})
    assert "周*" in body and "周九" not in body and "440106200808088901" not in body


def test_each_chart_has_its_sentence_and_table(app):
    client = login(app.server.test_client(), "ministry")
    body = render(client, {"as_of": "2025-06-10"})
    # 10 June: 广西 (4500 + 1600 + 1600) / 3 = 2,067 lowest; 天津 and 广东 at 2,300, 广东 last by name; 北京 none
    assert "人均年助学金与 2,300 元目标：最低 广西壮族自治区 2,067，最高 广东省 2,300。 1 个无数据。" in body
    # 12 June: record 5 (2500 a year against 2600 declared) puts 1 of 广东's 5 recipients off its tier
    body = render(client, {"as_of": "2025-06-12"})
    assert "分档分布 · 实发金额与申报档次不符的受助人占比：最低 天津市 0.0%，最高 广东省 20.0%。 1 个无数据。" in body
    assert all(f'"id": "ro-{i}-alt"' in body for i in ("bars", "tiers"))
    assert '"href": "/rollout?as_of=2025-06-12&province=44"' in body
    body = render(client, {"as_of": "2025-06-12", "lang": "en"})
    assert ("Tier distribution · share of recipients not paid their tier's declared amount: lowest Guangxi 0.0%, "
            "highest Guangdong 20.0%. 1 without data.") in body
    assert "Average grant per recipient against the 2,300 yuan target: lowest Guangxi 2,067," in body
    # at a school: its own tiers told, the average bars (hidden there) not
    body = render(client, {"school": "1", "as_of": "2025-06-10"})
    assert '"id": "ro-tiers-alt"' in body and '"id": "ro-bars-alt"' not in body


def test_bad_parameters_and_no_login(app):
    client = login(app.server.test_client(), "ministry")
    assert client.get("/export/rollout.csv?as_of=2025-02-30").status_code == 400
    assert app.server.test_client().get("/export/rollout.csv").status_code == 302


def test_priority_counts_as_of_come_from_one_day_grouped_result():
    """44/dibao: 5 enrolled 1 Sep, 2 of them recipients from 1 Sep (granted earlier), 3 from 10 Oct;
    44/orphan: 1 enrolled 1 Sep, never granted; 45/dibao: 7 enrolled 1 Dec."""
    days = pd.DataFrame({"code": ["44", "44", "44", "44", "45"], "hardship": ["dibao", "orphan", "dibao", "dibao", "dibao"],
                         "measure": ["priority", "priority", "granted", "granted", "priority"],
                         "day": pd.to_datetime(["2025-09-01", "2025-09-01", "2025-09-01", "2025-10-10", "2025-12-01"]),
                         "n": [5, 1, 2, 3, 7]}).astype({"day": "datetime64[s]"})
    assert m.priority_counts(days, D("2025-08-31")).empty
    sept = m.priority_counts(days, D("2025-09-30")).set_index(["code", "hardship"])
    assert sept.loc[("44", "dibao")].tolist() == [5, 3] and sept.loc[("44", "orphan")].tolist() == [1, 1]
    assert ("45", "dibao") not in sept.index
    dec = m.priority_counts(days, D("2025-12-01")).set_index(["code", "hardship"])
    assert dec.loc[("44", "dibao")].tolist() == [5, 0] and dec.loc[("45", "dibao")].tolist() == [7, 7]


def test_each_chart_is_named_by_a_heading_above_it(app):
    """Not by a Plotly title, which a 390 px phone cut off (figure.titled_graph)."""
    client = login(app.server.test_client(), "ministry")
    assert chart_titles(post_content(client, "ro", {"as_of": "2025-06-10"})) == {
        "ro-tiles": "各省份完成步骤数（共 6 步）", "ro-bars": "人均年助学金与 2,300 元目标", "ro-tiers": "分档分布（占受助人数 %）"}
    assert chart_titles(post_content(client, "ro", {"as_of": "2025-06-10", "lang": "en"})) == {
        "ro-tiles": "Steps done per province (of 6)",
        "ro-bars": "Average grant per recipient against the 2,300 yuan target",
        "ro-tiers": "Tier distribution (% of recipients)"}
