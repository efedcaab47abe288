"""Record approval and graduation on a hand-built registry, on SQLite and PostgreSQL.

Every expected number is worked out by hand from tests/fixture_records.py (due
days and lags are derived there, record by record). D is Tue 20 Oct 2026 unless
said; N = 10 working days for every clock.
"""

from __future__ import annotations

import datetime as dt
import json
import math

import pandas as pd
import pytest

from aidwatch.metrics import records as m
from aidwatch.metrics.backlog import overdue_until
from aidwatch.policy import policy_for
from aidwatch.workdays import calendar
from queries import records as q
from queries.regions import Region, child_names
from queries.scope import OutOfScope, Scope
from tests import fixture_records
from tests.apps import app_fixture, chart_titles, login, post_content, text_of, school_export_rows
from tests.registry_builder import engine_fixture

D = dt.date.fromisoformat
MINISTRY, GD, LEADER = Scope("ministry"), Scope("province", "44"), Scope("leadership")
SNAPSHOT = D("2026-10-20")
SCHOOL1 = Region("school", "44", "440100", 1)
SCHOOL4 = Region("school", "45", "450100", 4)
RECORDS = ["registered", "approved", "awaiting_approval", "approval_overdue", "approved_late"]
GRADUATION = ["graduates", "uploaded", "upload_overdue", "approved", "approval_overdue", "certificates_online"]

engine = engine_fixture(fixture_records.TABLES)


def record_rows(engine, scope, region, as_of=SNAPSHOT, year=2026):
    with engine.connect() as conn:
        lags = m.lags_at(q.record_days(conn, scope, region, year), year, as_of, calendar(), 10)
        rows = m.record_rows(child_names(conn, region, scope), lags)
    return {r.code: r for r in rows.itertuples(index=False)}


def graduation_rows(engine, scope, region, as_of=SNAPSHOT, year=2026):
    with engine.connect() as conn:
        counts = m.graduation_at(q.graduation_days(conn, scope, region, year), year, as_of, calendar(),
                                 policy_for(year))
        rows = m.graduation_rows(child_names(conn, region, scope), counts)
    return {r.code: r for r in rows.itertuples(index=False)}


def figures(row, columns) -> tuple:
    return tuple(int(getattr(row, c)) for c in columns)


def median(row):
    value = row.median_approval_workdays
    return None if math.isnan(value) else value


def test_records_on_the_snapshot_day(engine):
    rows = record_rows(engine, MINISTRY, Region("nation"))
    # 广东: r301–r305, r308–r311 registered by D (r306 is 2025's intake, r307 never registered) = 9; approved
    # r301, r302, r304, r308, r309, r311 = 6; awaiting r303, r305, r310; overdue r303 only (r305 is due on D,
    # r310 on 22 Oct); late r302 (12 May > 11 May) and r304 (Sat 10 Oct > 9 Oct).
    assert figures(rows["44"], RECORDS) == (9, 6, 3, 1, 2)
    # lags 0, 3, 8, 10, 11, 11: an even count, the mean of 8 and 10
    assert median(rows["44"]) == 9.0
    # 广西: r312–r314 (r315 registered after D); r313 overdue since 3 Mar; r312 late (lag 24); lags 10, 24
    assert figures(rows["45"], RECORDS) == (3, 2, 1, 1, 1) and median(rows["45"]) == 17.0
    # 北京: nothing registered, so no median
    assert figures(rows["11"], RECORDS) == (0, 0, 0, 0, 0) and median(rows["11"]) is None


def test_records_a_day_later_and_at_city_level(engine):
    rows = record_rows(engine, MINISTRY, Region("nation"), D("2026-10-21"))
    assert figures(rows["44"], RECORDS) == (9, 6, 3, 2, 2)   # r305 (due 20 Oct) is now overdue
    rows = record_rows(engine, GD, Region("province", "44"))
    # 广州 (schools 1 and 2): lags 0, 8, 10, 11, 11 → an odd count, the middle one
    assert figures(rows["440100"], RECORDS) == (8, 5, 3, 1, 2) and median(rows["440100"]) == 10.0
    assert figures(rows["440300"], RECORDS) == (1, 1, 0, 0, 0) and median(rows["440300"]) == 3.0
    rows = record_rows(engine, GD, Region("city", "44", "440100"))
    assert figures(rows["1"], RECORDS) == (5, 3, 2, 1, 2) and median(rows["1"]) == 11.0   # lags 8, 11, 11
    assert figures(rows["2"], RECORDS) == (3, 2, 1, 0, 0) and median(rows["2"]) == 5.0    # lags 0, 10
    # Tue 10 Feb: r312 and r313 registered that day, none approved anywhere: no median at all
    rows = record_rows(engine, MINISTRY, Region("nation"), D("2026-02-10"))
    assert figures(rows["45"], RECORDS) == (2, 0, 2, 0, 0) and median(rows["45"]) is None


@pytest.mark.parametrize("as_of, expected, lag_median", [
    # Fri 8 May, in the week after Labour Day: r301, r308, r309 approved (r301 that day); r302, r303, r311
    # awaiting, none overdue (r302 due 11 May, r303 18 May)
    ("2026-05-08", (6, 3, 3, 0, 0), 8.0),
    # Sat 9 May, a make-up working day: r311 approved that day (lag 3)
    ("2026-05-09", (6, 4, 2, 0, 0), 5.5),
    # Mon 18 May: r302 approved late on 12 May; r303 is due that day, not yet overdue
    ("2026-05-18", (6, 5, 1, 0, 1), 8.0),
    ("2026-05-19", (6, 5, 1, 1, 1), 8.0),
])
def test_records_around_labour_day(engine, as_of, expected, lag_median):
    rows = record_rows(engine, MINISTRY, Region("nation"), D(as_of))
    assert figures(rows["44"], RECORDS) == expected and median(rows["44"]) == lag_median


def test_records_around_national_day(engine):
    # Fri 9 Oct: r304 (due that day) still awaiting, not overdue; r305 awaiting; r310 registered that day
    rows = record_rows(engine, MINISTRY, Region("nation"), D("2026-10-09"))
    assert figures(rows["44"], RECORDS) == (9, 5, 4, 1, 1)
    # Sat 10 Oct (make-up): r304 approved that day, one working day after its due day: late
    rows = record_rows(engine, MINISTRY, Region("nation"), D("2026-10-10"))
    assert figures(rows["44"], RECORDS) == (9, 6, 3, 1, 2)


def test_graduation_on_the_snapshot_day_and_after(engine):
    rows = graduation_rows(engine, MINISTRY, Region("nation"))
    # 广东: g320–g324, g326 (g325 graduated in 2025) = 6; uploaded g320, g321, g323, g326; upload overdue g322
    # (g324 due on D); approved g320, g323; approval overdue g321 (due 3 Aug), g326 (due 19 Oct); certified g320
    assert figures(rows["44"], GRADUATION) == (6, 4, 1, 2, 2, 1) and rows["44"].pct_certified == 16.7
    # 广西: g327 certified, g328 approval overdue (due 16 Jul); g329 graduates after D
    assert figures(rows["45"], GRADUATION) == (2, 2, 0, 1, 1, 1) and rows["45"].pct_certified == 50.0
    assert figures(rows["11"], GRADUATION) == (0, 0, 0, 0, 0, 0) and math.isnan(rows["11"].pct_certified)
    rows = graduation_rows(engine, MINISTRY, Region("nation"), D("2026-10-21"))
    # g324 now upload overdue; g326 approved with its certificate
    assert figures(rows["44"], GRADUATION) == (6, 4, 2, 3, 1, 2) and rows["44"].pct_certified == 33.3
    rows = graduation_rows(engine, GD, Region("city", "44", "440100"))
    assert figures(rows["1"], GRADUATION) == (5, 3, 1, 2, 1, 1)
    assert figures(rows["2"], GRADUATION) == (1, 1, 0, 0, 1, 0)


def test_ageing_of_records_awaiting_approval(engine):
    with engine.connect() as conn:
        awaiting = m.awaiting_at(q.record_days(conn, MINISTRY, Region("nation"), 2026), SNAPSHOT)
    cal = calendar()
    ages = m.ageing(awaiting, SNAPSHOT, overdue_until(cal, SNAPSHOT, 10), cal).set_index("bucket")
    # r310 (9 Oct): Sat 10, 12–16, 19, 20 Oct = 8 working days; r305 (30 Sep): 8, 9, Sat 10, 12–16, 19, 20 Oct
    # = 10, due on D; r303 (30 Apr) and r313 (10 Feb): 41+, overdue
    assert ages["n"].to_dict() == {"0-5": 0, "6-10": 2, "11-20": 0, "21-40": 0, "41+": 2}
    assert ages["overdue"].to_dict() == {"0-5": 0, "6-10": 0, "11-20": 0, "21-40": 0, "41+": 2}


def test_school_case_lists(engine):
    policy, cal = policy_for(2026), calendar()
    with engine.connect() as conn:
        records = m.record_cases(q.record_cases(conn, GD, SCHOOL1, 2026, SNAPSHOT), SNAPSHOT, policy, cal)
        graduates = m.graduate_cases(q.graduate_cases(conn, GD, SCHOOL1, 2026, SNAPSHOT), SNAPSHOT, policy, cal)
    # r303 overdue first (due 18 May; elapsed: May 19 with Sat 9, June 21 without Fri 19 (Dragon Boat), July 23,
    # August 21, September 22 (Sun 20 in, Fri 25 out), October 10 = 116), then r305 (due 20 Oct, 10 elapsed)
    assert list(zip(records.student_id, records.record_state, records.approval_due_on, records.workdays_elapsed)) == [
        (303, "overdue", D("2026-05-18"), 116), (305, "awaiting", D("2026-10-20"), 10)]
    # g321 approval overdue, g322 upload overdue, then g323 approved without a certificate, then g324 (awaiting
    # upload, 10 working days since 30 Sep); g320 is certified and not listed
    got = {r.student_id: r for r in graduates.itertuples()}
    assert list(graduates.student_id) == [321, 322, 323, 324]
    assert (got[321].graduate_state, got[321].approval_due_on) == ("approval_overdue", D("2026-08-03"))
    assert (got[322].graduate_state, got[322].upload_due_on) == ("upload_overdue", D("2026-07-14"))
    assert got[323].graduate_state == "no_certificate"
    assert (got[324].graduate_state, got[324].workdays_elapsed) == ("awaiting_upload", 10)


def test_scope_in_sql(engine):
    rows = record_rows(engine, GD, Region("nation"))
    assert set(rows) == {"44"} and figures(rows["44"], RECORDS) == (9, 6, 3, 1, 2)
    assert set(graduation_rows(engine, GD, Region("nation"))) == {"44"}
    with engine.connect() as conn:
        with pytest.raises(OutOfScope):
            q.record_cases(conn, GD, SCHOOL4, 2026, SNAPSHOT)
        with pytest.raises(OutOfScope):
            q.graduate_cases(conn, GD, SCHOOL4, 2026, SNAPSHOT)
        with pytest.raises(PermissionError):
            q.record_cases(conn, LEADER, SCHOOL1, 2026, SNAPSHOT)
        awaiting = m.awaiting_at(q.record_days(conn, GD, Region("nation"), 2026), SNAPSHOT)
    assert int(awaiting["n"].sum()) == 3   # r303, r305, r310: none of 广西's


# -- pure metrics ---------------------------------------------------------

def test_lag_window_is_never_empty():
    # a view of a later year as of a date before that year's window (the view allows any pair of known years)
    assert m.lag_window(calendar(), 2026, D("2024-06-01")) == (D("2025-01-01"), D("2025-01-01"))
    assert m.lag_window(calendar(), 2026, D("2026-10-20")) == (D("2025-01-01"), D("2026-10-20"))


def test_median_of_counts():
    assert m.median_of_counts([3, 1, 2], [1, 1, 1]) == 2.0          # odd
    assert m.median_of_counts([1, 4], [1, 1]) == 2.5                 # even: the mean of the middle two
    assert m.median_of_counts([0, 10, 11], [1, 2, 1]) == 10.0        # 0, 10, 10, 11
    assert m.median_of_counts([5, 6], [3, 1]) == 5.0                 # 5, 5, 5, 6
    assert math.isnan(m.median_of_counts([], []))


def test_lags_at_decides_lag_and_lateness_like_due():
    """One record per (registered, approved) pair, around Labour Day and National Day: the lag is the
    working days after registration up to approval, and late is exactly "approved after due(registered, 10)"."""
    cal = calendar()
    pairs = [("2026-04-23", "2026-05-11"), ("2026-04-23", "2026-05-12"), ("2026-09-18", "2026-10-10"),
             ("2026-09-18", "2026-10-09"), ("2026-05-06", "2026-05-09"), ("2026-02-10", "2026-03-02")]
    days = pd.DataFrame({"code": [str(i) for i in range(len(pairs))],
                         "reg": pd.to_datetime([p[0] for p in pairs]), "app": pd.to_datetime([p[1] for p in pairs]),
                         "n": 1})
    got = m.lags_at(days, 2026, D("2026-10-20"), cal, 10).set_index("code")
    for i, (start, end) in enumerate(pairs):
        s, e = D(start), D(end)
        assert got.loc[str(i), "lag"] == cal.workdays_between(s, e)
        assert bool(got.loc[str(i), "late"]) == (e > cal.due(s, 10))
    # 23 Apr → 11 May: 24, 27, 28, 29, 30 Apr, 6, 7, 8, Sat 9 (a make-up day), 11 May = 10 days, on time;
    # 12 May is the 11th, late
    assert (got.loc["0", "lag"], got.loc["0", "late"], got.loc["1", "lag"], got.loc["1", "late"]) == (10, 0, 11, 1)


def test_lags_at_as_of_a_date_before_the_approval():
    days = pd.DataFrame({"code": ["1", "1"], "reg": pd.to_datetime(["2026-09-18", "2026-10-21"]),
                         "app": pd.to_datetime(["2026-10-09", pd.NaT]), "n": [3, 2]})
    cal = calendar()
    # at 30 Sep: the three registered on 18 Sep are awaiting (not approved by D), the two of 21 Oct not yet
    # registered; due(18 Sep, 10) is Fri 9 Oct (Sun 20 Sep a make-up day, 21–24, 28–30 Sep, 8, 9 Oct)
    got = m.lags_at(days, 2026, D("2026-09-30"), cal, 10)
    assert got[["registered", "approved", "approval_overdue"]].sum().tolist() == [3, 0, 0]
    assert got["lag"].isna().all()
    got = m.lags_at(days, 2026, D("2026-10-09"), cal, 10)
    assert got[["registered", "approved", "approval_overdue"]].sum().tolist() == [3, 3, 0]
    assert (got["lag"].tolist(), got["late"].tolist()) == ([10], [0])   # approved on its due day
    # due(21 Oct, 10) is 4 Nov: the two of 21 Oct are overdue at 5 Nov
    got = m.lags_at(days, 2026, D("2026-11-05"), cal, 10)
    assert got[["registered", "approved", "approval_overdue"]].sum().tolist() == [5, 3, 2]
    assert m.awaiting_at(days, D("2026-10-08"))["n"].tolist() == [3]
    assert m.awaiting_at(days, D("2026-10-21"))["n"].tolist() == [2]
    assert m.awaiting_at(days, D("2026-10-21"), code="2").empty


# -- over HTTP: exports and forged callbacks -------------------------------

app = app_fixture(fixture_records.TABLES)


def test_exports_have_the_spec_columns(app):
    client = login(app.server.test_client(), "ministry")
    text = client.get("/export/records.csv?as_of=2026-10-20&year=2026").data.decode("utf-8-sig")
    assert text.splitlines() == [
        "code,name,registered,approved,awaiting_approval,approval_overdue,approved_late,median_approval_workdays",
        "11,北京市,0,0,0,0,0,", "44,广东省,9,6,3,1,2,9.0", "45,广西壮族自治区,3,2,1,1,1,17.0"]
    text = client.get("/export/graduation.csv?as_of=2026-10-20&city=440100").data.decode("utf-8-sig")
    assert text.splitlines() == [
        "code,name,graduates,uploaded,upload_overdue,approved,approval_overdue,certificates_online,pct_certified",
        "4401001,广州市交通技师学院,5,3,1,2,1,1,20.0", "4401002,广州市轻工技工学校,1,1,0,0,1,0,0.0"]
    for page in ("records", "graduation"):
        assert client.get(f"/export/{page}.xlsx?as_of=2026-10-20").status_code == 200


def test_school_exports_are_masked_case_lists(app):
    client = login(app.server.test_client(), "gd")
    text = client.get("/export/records.csv?as_of=2026-10-20&school=1").data.decode("utf-8-sig")
    lines = text.splitlines()
    assert lines[0] == "name,id_number,intake_term,registered_on,approval_due_on,workdays_elapsed,record_state"
    assert len(lines) == 3 and "黄*石" in text and "440106********3333" in text and "黄三石" not in text
    text = client.get("/export/graduation.csv?as_of=2026-10-20&school=1").data.decode("utf-8-sig")
    assert len(text.splitlines()) == 5 and "吕*一" in text and "吕二一" not in text and "440106200701012121" not in text


@pytest.mark.parametrize("query", ["province=45", "city=450100", "school=4"])
def test_province_user_cannot_export_another_province(app, query):
    client = login(app.server.test_client(), "gd")
    for page in ("records", "graduation"):
        response = client.get(f"/export/{page}.csv?as_of=2026-10-20&{query}")
        assert response.status_code == 404 and "广西" not in response.get_data(as_text=True)


def test_province_user_by_url_and_forged_callback(app):
    client = login(app.server.test_client(), "gd")
    text = client.get("/export/records.csv?as_of=2026-10-20").data.decode("utf-8-sig")
    # a province user without parameters lands on their province: its cities, nothing of 广西
    assert [line.split(",")[0] for line in text.splitlines()[1:]] == ["440100", "440300"]
    response = post_content(client, "rg", {"province": "45", "as_of": "2026-10-20"})
    body = text_of(response)
    assert response.status_code == 200 and "超出您的数据范围" in body and "南宁" not in body
    body = text_of(post_content(client, "rg", {"school": "1", "as_of": "2026-10-20"}))
    assert "黄*石" in body and "黄三石" not in body and "逾期未办" in body


def test_leadership_sees_schools_but_no_case_lists(app):
    client = login(app.server.test_client(), "leader")
    assert client.get("/export/records.csv?as_of=2026-10-20&city=440100").status_code == 200
    assert school_export_rows(client, "/export/graduation.csv?as_of=2026-10-20&school=1", "440100")
    body = text_of(post_content(client, "rg", {"school": "1", "as_of": "2026-10-20"}))
    assert "仅查看汇总" in body and "黄*石" not in body and "440106" not in body


def test_school_profile_shows_the_schools_signals(app):
    from tests.test_briefing import component
    client = login(app.server.test_client(), "ministry")
    tree = json.loads(post_content(client, "sch", {"school": "1", "as_of": "2026-10-20"}).get_data(as_text=True))

    def now(signal):  # the row's cells: name, a month before, a week before, D, trend
        return json.dumps(component(tree, f"sch-signal-{signal}"), ensure_ascii=False)

    # school 1 at D: r303 and r305 awaiting, r303 overdue, r302 and r304 late; g322 upload overdue, g321
    # approval overdue, g323 without certificate, 1 of 5 certified
    for signal, text in (("records_awaiting", '"2"'), ("records_overdue", '"1"'), ("records_late", '"2"'),
                         ("graduates_upload_overdue", '"1"'), ("graduates_no_certificate", '"1"'),
                         ("graduates_certified_pct", '"20.0%"')):
        assert text in now(signal), signal


def test_each_chart_is_named_by_a_heading_above_it(app):
    """Not by a Plotly title, which a 390 px phone cut off (figure.titled_graph)."""
    client = login(app.server.test_client(), "ministry")
    assert chart_titles(post_content(client, "rg", {"as_of": "2026-10-20"})) == {
        "rg-ages": "未办结按已过工作日", "rg-tiles": "各省份学籍审批率（已审批 ÷ 已注册）", "rg-bars": "下级待审批学籍",
        "rgg-funnel": "毕业手续漏斗", "rgg-tiles": "各省份毕业证书在线率", "rgg-bars": "下级毕业手续进度"}
    assert chart_titles(post_content(client, "rg", {"as_of": "2026-10-20", "lang": "en"})) == {
        "rg-ages": "Open, by working days elapsed", "rg-tiles": "Records approved by province (approved ÷ registered)",
        "rg-bars": "Records awaiting approval below", "rgg-funnel": "Graduation funnel",
        "rgg-tiles": "Certificates online by province", "rgg-bars": "Graduation pipeline below"}
