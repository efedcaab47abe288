"""Duplicate-aid alerts on a hand-built registry, on SQLite and PostgreSQL, at several as-of dates.

Every expected number is worked out by hand from the table in tests/fixture_duplicates.py
(due days: pushed 24 Jan → 13 Feb, 26 Sep → 16 Oct, 30 Sep → 21 Oct, 27 Oct → 10 Nov,
20 Nov → 4 Dec, all in Chinese working days).
"""

from __future__ import annotations

import datetime as dt

import pytest

from aidwatch.masking import mask_frame
from aidwatch.metrics import duplicates as m
from aidwatch.workdays import calendar
from queries import duplicates as q
from queries.regions import Region
from queries.scope import OutOfScope, Scope
from tests import fixture_duplicates
from tests.apps import app_fixture, chart_titles, login, post_content, text_of, school_export_rows
from tests.registry_builder import engine_fixture

D = dt.date.fromisoformat
MINISTRY = Scope("ministry")
GD = Scope("province", "44")
NATION = Region("nation")
GD_REGION = Region("province", "44")
SCHOOL1 = Region("school", "44", "440100", 1)


engine = engine_fixture(fixture_duplicates.TABLES)


def view(engine, scope, region, as_of, kind=None, batch=None, year=2025) -> m.Overview:
    with engine.connect() as conn:
        series = q.duplicate_series(conn, scope, region, year)
        repeats = q.repeat_counts(conn, scope, region, year, D(as_of), kind, batch)
    return m.overview(series.children, series.groups, repeats.children, repeats.total, repeats.schools, "x", "x", D(as_of), calendar(), 10, kind, batch)


def rows(overview: m.Overview) -> dict:
    return {r["code"]: tuple(r[c] for c in m.EXPORT_COLUMNS[2:]) for r in overview.rows.to_dict("records")}


COLS = "matches, unverified, confirmed, open, overdue, closed_late, repeat_students"


def test_nation_as_of_26_november(engine):
    o = view(engine, MINISTRY, NATION, "2025-11-26")
    assert list(o.rows.columns[:9]) == m.EXPORT_COLUMNS
    assert list(o.rows["name"]) == ["北京市", "广东省", "广西壮族自治区"]
    # 44: m1–m11. unverified m4 m5 m8 m9 m11; confirmed m1 m3 m6 m10; closed m1 m2 m3 m7 → open 7;
    # overdue m4 m10 (due 16 Oct) and m11 (due 10 Nov); closed late m2 (14 Feb > 13 Feb), m3 (17 Oct > 16 Oct);
    # repeat students 201 (Jan, Sep), 202 (Jan, Nov), 208 (Sep, Oct)
    assert rows(o)["44"] == (11, 5, 4, 7, 3, 2, 3), COLS
    # 45: m12 closed on time (fp 3 Nov), m13–m17 unverified since 27 Oct, overdue after 10 Nov
    assert rows(o)["45"] == (6, 5, 0, 5, 5, 0, 0)
    # 11: only m18 (pushed 20 Nov) is of 2025 and pushed by D; m19 (2024) and m20 (2026) are other years,
    # so 215 is no repeat student
    assert rows(o)["11"] == (1, 1, 0, 1, 0, 0, 0)
    assert o.total == {"code": "x", "name": "x", "matches": 18, "unverified": 11, "confirmed": 4, "open": 13,
                       "overdue": 8, "closed_late": 2, "repeat_students": 3}
    assert o.batches == ["2025-01", "2025-09", "2025-10", "2025-11"]


def test_spring_festival_due_day(engine):
    # pushed Fri 24 Jan; 26 Jan (Sun) and 8 Feb (Sat) work, 28 Jan–4 Feb off → due Thu 13 Feb
    o = view(engine, GD, GD_REGION, "2025-02-13")
    # m1 confirmed and rectified on 13 Feb: closed on its due day, not late; m2 still unverified, not yet overdue
    assert rows(o)["440100"] == (2, 1, 1, 1, 0, 0, 0)
    o = view(engine, GD, GD_REGION, "2025-02-14")
    # m2 verified a false positive on 14 Feb: closed, one working day late (a weekday count would have said 7 Feb)
    assert rows(o)["440100"] == (2, 0, 1, 0, 0, 1, 0)


def test_national_day_due_days(engine):
    # pushed Fri 26 Sep → due Thu 16 Oct (28 Sep and 11 Oct are working days, 1–8 Oct are not)
    o = view(engine, MINISTRY, GD_REGION, "2025-10-16")
    # 440100: m1 m2 closed; m3 (verified 15 Oct, rectified 17 Oct) open; m4 open; m7 (30 Sep, fp 21 Oct) open;
    # nothing overdue on the due day itself
    assert rows(o)["440100"] == (5, 2, 2, 3, 0, 1, 1)
    # 440300: m10 confirmed on the make-up Sunday 28 Sep, not rectified
    assert rows(o)["440300"] == (1, 0, 1, 1, 0, 0, 0)
    o = view(engine, MINISTRY, GD_REGION, "2025-10-17")
    # m3 rectified on 17 Oct: closed, late; m4 and m10 are overdue; m7 (due 21 Oct) is not
    assert rows(o)["440100"] == (5, 2, 2, 2, 1, 2, 1)
    assert rows(o)["440300"] == (1, 0, 1, 1, 1, 0, 0)
    o = view(engine, MINISTRY, GD_REGION, "2025-10-21")
    # m7: pushed Tue 30 Sep, verified on its due day Tue 21 Oct (a weekday count would say 14 Oct): on time
    assert rows(o)["440100"] == (5, 1, 2, 1, 1, 2, 1)


def test_ageing_buckets(engine):
    age = view(engine, MINISTRY, NATION, "2025-11-26").ageing
    n = {(r.bucket, r.kind): r.n for r in age.itertuples()}
    # open: m5 m6 m8 m9 m18 pushed 20 Nov → 4 working days; m11 m13–m17 pushed 27 Oct → 22; m4 m10 → 39
    assert n == {("0-5", "grant"): 3, ("0-5", "tuition"): 2, ("6-10", "grant"): 0, ("6-10", "tuition"): 0,
                 ("11-20", "grant"): 0, ("11-20", "tuition"): 0, ("20+", "grant"): 2, ("20+", "tuition"): 6}
    age = view(engine, MINISTRY, NATION, "2025-10-16").ageing
    # open on 16 Oct: m3 m4 m10 (10 working days since 26 Sep), m7 (7 since 30 Sep)
    assert age.groupby("bucket")["n"].sum().to_dict() == {"0-5": 0, "6-10": 4, "11-20": 0, "20+": 0}
    age = view(engine, MINISTRY, NATION, "2025-10-27").ageing
    # 27 Oct: m4 m10 at 17 working days; m11–m17 pushed that day (0); m3 and m7 closed
    assert age.groupby("bucket")["n"].sum().to_dict() == {"0-5": 7, "6-10": 0, "11-20": 2, "20+": 0}


def test_monthly_trend(engine):
    tr = view(engine, MINISTRY, NATION, "2025-11-26").trend
    got = {(r.batch_month, r.kind): (r.matches, None if r.pct_on_time != r.pct_on_time else r.pct_on_time)
           for r in tr.itertuples()}
    assert got == {
        ("2025-01", "grant"): (1, 100.0), ("2025-01", "tuition"): (1, 0.0),      # m1 on time, m2 late
        ("2025-09", "grant"): (3, 0.0), ("2025-09", "tuition"): (1, 100.0),     # m3 late, m4 m10 open; m7
        ("2025-10", "grant"): (1, 100.0), ("2025-10", "tuition"): (6, 0.0),     # m12; m11 m13–m17 open
        ("2025-11", "grant"): (3, None), ("2025-11", "tuition"): (2, None),     # due 4 Dec: not measured yet
    }


def test_kind_and_batch_filters(engine):
    o = view(engine, MINISTRY, NATION, "2025-11-26", kind="grant")
    # grant: m1 m3 m4 m6 m8 m9 m10 in 44; 201 repeats in grant (Jan, Sep), 202 and 208 only across kinds
    assert rows(o)["44"] == (7, 3, 4, 5, 2, 1, 1)
    assert rows(o)["45"] == (1, 0, 0, 0, 0, 0, 0)
    o = view(engine, MINISTRY, NATION, "2025-11-26", batch="2025-09")
    # batch 2025-09: m3 m4 m7 m10; repeat students of this batch: 201 (also Jan) and 208 (also Oct)
    assert rows(o)["44"] == (4, 1, 2, 2, 2, 1, 2)
    assert rows(o)["45"] == (0, 0, 0, 0, 0, 0, 0)
    assert o.batches == ["2025-01", "2025-09", "2025-10", "2025-11"]  # the filter offers every batch


def test_repeat_students_as_of(engine):
    # 16 Oct: 201 has Jan and Sep; 202's second batch (Nov) and 208's (Oct) are not pushed yet
    assert view(engine, MINISTRY, NATION, "2025-10-16").total["repeat_students"] == 1


def test_city_and_school_levels(engine):
    o = view(engine, GD, Region("city", "44", "440100"), "2025-11-26")
    assert rows(o) == {"4401001": (6, 2, 3, 3, 1, 2, 2), "4401002": (3, 2, 0, 2, 0, 0, 0)}
    assert list(o.rows["drill"]) == ["1", "2"]
    o = view(engine, GD, SCHOOL1, "2025-11-26")
    assert o.total["matches"] == 6 and o.total["repeat_students"] == 2


def test_alerts_ranked_with_reasons(engine):
    a = view(engine, MINISTRY, NATION, "2025-11-26").alerts
    # overdue first, most overdue first: 4 (5 overdue, also ≥5 open), 3 (2, and 208 repeats), 1 (1; 201, 202);
    # then new batches nobody has checked: 2 (2025-11, two matches), 5 (one); school 1's 2025-11 batch was
    # touched (m6 verified 25 Nov), so it raises no alert
    assert list(a["code"]) == ["4", "3", "1", "2", "5"]
    assert list(a["rules"]) == [("overdue", "many_open"), ("overdue", "repeat"), ("overdue", "repeat"),
                                ("untouched",), ("untouched",)]
    assert list(a["oldest"][:3]) == [22, 39, 39]
    assert list(a["batch"][3:]) == ["2025-11", "2025-11"] and list(a["batch_n"][3:]) == [2, 1]
    # the province user sees only their schools' alerts
    a = view(engine, GD, GD_REGION, "2025-11-26").alerts
    assert list(a["code"]) == ["3", "1", "2"]
    # 16 Oct: nothing overdue yet; 201 repeats at school 1; batch 2025-09 at school 2 (m7) unchecked
    a = view(engine, MINISTRY, NATION, "2025-10-16").alerts
    assert list(a["code"]) == ["1", "2"] and list(a["rule"]) == ["repeat", "untouched"]


def test_school_cases_as_they_stood(engine):
    with engine.connect() as conn:
        raw = q.duplicate_cases(conn, GD, SCHOOL1, 2025, D("2025-10-16"), None, None)
    cases = mask_frame(m.case_rows(raw, D("2025-10-16"), calendar(), 10))
    # pushed by 16 Oct: m1–m4. m3's rectification (17 Oct) has not happened yet on 16 Oct
    assert list(cases["match_id"]) == [3, 4, 2, 1]
    assert list(cases["state"]) == ["open", "open", "closed_late", "closed"]
    m3 = cases.iloc[0]
    assert m3["outcome"] == "confirmed" and str(m3["rectified_on"]) == "NaT"
    assert (m3["due_on"].date(), m3["workdays_elapsed"]) == (D("2025-10-16"), 10)
    m4 = cases.iloc[1]
    assert (m4["name"], m4["id_number"]) == ("欧**玲", "440106********0203")
    assert (m4["other_school_name"], m4["other_province"]) == ("南宁市第一职业技术学校", "广西壮族自治区")
    # m2: closed 14 Feb, 11 working days after the push (its elapsed stops when it closed)
    assert cases.iloc[2]["workdays_elapsed"] == 11
    with engine.connect() as conn:
        raw = q.duplicate_cases(conn, GD, SCHOOL1, 2025, D("2025-11-26"), "grant", "2025-11")
    assert list(raw["match_id"]) == [6]


def test_scope(engine):
    with engine.connect() as conn:
        series = q.duplicate_series(conn, GD, NATION, 2025)
        assert list(series.children["code"]) == ["44"]
        assert set(series.groups["code"]) == {"44"}
        assert set(series.groups["school"]) == {"1", "2", "3"}
        assert q.repeat_counts(conn, GD, NATION, 2025, D("2025-11-26"), None, None).total == 3
        labels = q.school_labels(conn, GD, (1, 4))
        assert list(labels["id"]) == ["1"]
        with pytest.raises(OutOfScope):
            q.duplicate_cases(conn, GD, Region("school", "45", "450100", 4), 2025, D("2025-11-26"), None, None)
        with pytest.raises(PermissionError):
            q.duplicate_cases(conn, Scope("leadership"), SCHOOL1, 2025, D("2025-11-26"), None, None)


# -- over HTTP: the page's callback and its export, every role --------------------------------------


VIEW = "as_of=2025-11-26&year=2025"


app = app_fixture(fixture_duplicates.TABLES)


def render(client, query: dict):
    return post_content(client, "dup", query)


def csv_lines(client, query: str) -> list[str]:
    response = client.get(f"/export/duplicates.csv?{query}")
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.data.startswith(b"\xef\xbb\xbf")
    return response.data.decode("utf-8-sig").splitlines()


def test_export_has_the_spec_columns_and_numbers(app):
    client = login(app.server.test_client(), "ministry")
    assert csv_lines(client, VIEW) == [
        "code,name,matches,unverified,confirmed,open,overdue,closed_late,repeat_students",
        "11,北京市,1,1,0,1,0,0,0",
        "44,广东省,11,5,4,7,3,2,3",
        "45,广西壮族自治区,6,5,0,5,5,0,0",
    ]
    assert csv_lines(client, VIEW + "&province=44&kind=grant")[1:] == [
        # m1 m3 m4 m6 m8 m9: unverified m4 m8 m9; confirmed m1 m3 m6; open m4 m6 m8 m9; m4 overdue;
        # m3 closed late; 201 repeats (grant in Jan and Sep)
        "440100,广州市,6,3,3,4,1,1,1",
        "440300,深圳市,1,0,1,1,1,0,0",   # m10
    ]


def test_school_export_is_the_masked_case_list(app):
    client = login(app.server.test_client(), "ministry")
    lines = csv_lines(client, VIEW + "&school=1&batch=2025-09")
    assert lines[0] == ("batch_month,kind,term,name,id_number,other_school_name,other_province_code,other_province,"
                        "pushed_on,due_on,verified_on,outcome,rectified_on,workdays_elapsed,state")
    assert lines[1:] == [
        "2025-09,grant,2025A,欧**玲,440106********0203,南宁市第一职业技术学校,45,广西壮族自治区,2025-09-26,2025-10-16,,,,39,overdue",
        "2025-09,grant,2025A,张*明,440106********0201,广州市信息工程职业学校,44,广东省,2025-09-26,2025-10-16,2025-10-15,confirmed,2025-10-17,11,closed_late",
    ]


def test_xlsx_export(app, tmp_path):
    import openpyxl
    client = login(app.server.test_client(), "gd")
    response = client.get(f"/export/duplicates.xlsx?{VIEW}")
    assert response.status_code == 200
    (tmp_path / "d.xlsx").write_bytes(response.data)
    got = list(openpyxl.load_workbook(tmp_path / "d.xlsx").active.iter_rows(values_only=True))
    assert got == [tuple(m.EXPORT_COLUMNS), ("440100", "广州市", 9, 4, 3, 5, 1, 2, 2),
                   ("440300", "深圳市", 2, 1, 1, 2, 2, 0, 1)]


@pytest.mark.parametrize("query", ["province=45", "city=450100", "school=4", "province=44&school=4"])
def test_province_user_cannot_export_another_province(app, query):
    client = login(app.server.test_client(), "gd")
    response = client.get(f"/export/duplicates.csv?{VIEW}&{query}")
    assert response.status_code == 404
    assert "南宁" not in text_of(response) and "广西" not in text_of(response)


def test_province_user_sees_their_province_only(app):
    client = login(app.server.test_client(), "gx")
    assert csv_lines(client, VIEW)[1:] == ["450100,南宁市,6,5,0,5,5,0,0"]
    body = text_of(render(client, {"as_of": "2025-11-26", "year": "2025"}))
    assert "南宁市技工学校" in body and "广州" not in body and "深圳" not in body
    body = text_of(render(client, {"as_of": "2025-11-26", "year": "2025", "school": "1"}))
    assert "超出您的数据范围" in body and "张*明" not in body and "交通技师" not in body


def test_callback_renders_alerts_with_links_to_cases(app):
    client = login(app.server.test_client(), "ministry")
    body = text_of(render(client, {"as_of": "2025-11-26", "year": "2025"}))
    assert body.index("南宁市技工学校") < body.index("深圳市高级技工学校") < body.index("广州市交通技师学院")
    assert "5 条比对结果超过 10 个工作日未办结，最久已 22 个工作日" in body
    assert "/duplicates?as_of=2025-11-26&year=2025&school=2&batch=2025-11" in body
    body = text_of(render(client, {"as_of": "2025-11-26", "year": "2025", "school": "1", "lang": "en"}))
    assert "欧**玲" in body and "欧阳美玲" not in body and "440106200801010203" not in body


def test_leadership_sees_schools_but_no_case_lists(app):
    client = login(app.server.test_client(), "leader")
    assert csv_lines(client, VIEW + "&city=440100")[1:] == ["4401001,广州市交通技师学院,6,2,3,3,1,2,2",
                                                          "4401002,广州市轻工技工学校,3,2,0,2,0,0,0"]
    assert school_export_rows(client, f"/export/duplicates.csv?{VIEW}&school=1", "440100")
    body = text_of(render(client, {"as_of": "2025-11-26", "year": "2025", "school": "1"}))
    assert "仅查看汇总" in body and "张*" not in body and "欧*" not in body


@pytest.mark.parametrize("query", ["kind=cash", "kind=GRANT", "batch=2025-13", "batch=202509", "batch=2025-9",
                                   "batch=2024-12", "batch=2026-01&year=2025", "as_of=2025-11-26&batch=2026-01"])
def test_bad_filters_get_a_clear_400(app, query):
    client = login(app.server.test_client(), "ministry")
    response = client.get(f"/export/duplicates.csv?{query}")
    assert response.status_code == 400 and response.json["error"]
    assert "Traceback" not in text_of(render(client, {"kind": "x; DROP TABLE student"}))


def test_nothing_without_a_login(app):
    client = app.server.test_client()
    assert client.get("/export/duplicates.csv").status_code == 302
    assert client.get("/duplicates").status_code == 302
    assert render(client, {}).status_code == 401


def test_each_chart_is_named_by_a_heading_above_it(app):
    """Not by a Plotly title, which a 390 px phone cut off (figure.titled_graph)."""
    client = login(app.server.test_client(), "ministry")
    assert chart_titles(render(client, {})) == {
        "dup-tiles": "各省份未逾期比对结果占比", "dup-bars": "下级办理情况（逾期最多者在上）",
        "dup-ageing": "未办结比对结果的账龄（自推送起工作日）", "dup-trend": "月度趋势：比对结果数与 10 个工作日内办结比例"}
    assert chart_titles(render(client, {"lang": "en"}))["dup-trend"] == (
        "By month: matches, and share closed within 10 working days")
