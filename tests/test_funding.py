"""The central-subsidy gap on a hand-built registry, on SQLite and PostgreSQL.

Every expected number is worked out by hand from tests/fixture_funding.py (its
docstring lists each record). A row reads (headcount, declared, approved,
undeclared, unapproved, gap_students, unapproved_yuan, avg_aid_yuan, gap_yuan,
status); money as the export writes it.
"""

from __future__ import annotations

import datetime as dt
import io
import json
from decimal import Decimal

import openpyxl
import pandas as pd
import pytest

from aidwatch.metrics import funding as m
from aidwatch.policy import policy_for
from aidwatch.workdays import calendar
from queries import funding as q
from queries.regions import Region, child_names
from queries.scope import OutOfScope, Scope
from tests import fixture_funding
from tests.apps import app_fixture, chart_titles, login, post_content, text_of, school_export_rows
from tests.registry_builder import engine_fixture

D = dt.date.fromisoformat
MINISTRY, GD, LEADER = Scope("ministry"), Scope("province", "44"), Scope("leadership")
NATION, GUANGDONG = Region("nation"), Region("province", "44")
GUANGZHOU = Region("city", "44", "440100")
SCHOOL1, SCHOOL4 = Region("school", "44", "440100", 1), Region("school", "45", "450100", 4)

engine = engine_fixture(fixture_funding.TABLES)


def _money(v):
    return "" if v is None else str(v)


def figures(row) -> tuple:
    return (*(int(getattr(row, c)) for c in m.COUNTS), _money(row.unapproved_yuan), _money(row.avg_aid_yuan),
            _money(row.gap_yuan), row.status)


def view(engine, scope, region, as_of):
    """(rows by (term, code), own rows by term, the rows in order) of ``region`` at ``as_of``."""
    with engine.connect() as conn:
        found = {name: fn(conn, scope, *args) for name, (fn, *args) in q.series_queries(region, 2026).items()}
        kids = child_names(conn, region, scope)
    rows, totals = m.view_rows(found, kids, region.level, region.province, "own", "own", policy_for(2026), as_of)
    return ({(r.term, str(r.code)): r for r in rows.itertuples(index=False)},
            {r.term: r for r in totals.itertuples(index=False)}, rows)


def test_no_term_before_the_first_of_march(engine):
    rows, totals, _ = view(engine, MINISTRY, NATION, D("2026-02-27"))
    assert rows == {} and totals == {}
    rows, _, _ = view(engine, MINISTRY, NATION, D("2026-03-01"))
    # the spring term has begun: every province has a row, zeros where nothing is submitted yet
    assert {k for k in rows} == {("2026S", "11"), ("2026S", "44"), ("2026S", "45")}
    assert figures(rows["2026S", "45"]) == (3, 0, 0, 3, 0, 3, "0.00", "", "", "open")


def test_nation_in_spring_before_the_deadline(engine):
    rows, totals, ordered = view(engine, MINISTRY, NATION, D("2026-04-15"))
    # 广东: school 1 declared s401, s402, s406 of 5 (approved s401) → 2 undeclared + 2 unapproved; school 2
    # declared 2 of 1 (a surplus: 0 undeclared) + 2 unapproved; school 3 declared s406 of 2 → 1 + 1. Summed per
    # school: 3 undeclared, not max(0, 8 − 6) = 2. Open money: s401's grant 575.00, s402 1000.01, s406 1000.00,
    # s407 and s408 900.00 each, s406 at school 3 1000.00, s409's grant 575.00 = 5950.01. Average: s401's
    # 1000.00 alone; 8 × 1000.00.
    assert figures(rows["2026S", "44"]) == (8, 6, 1, 3, 5, 8, "5950.01", "1000.00", "8000", "open")
    # 广西: s410, s411, s412 declared, s412 not approved; average (800 + 800 + 500) / 3 = 700.00
    assert figures(rows["2026S", "45"]) == (3, 3, 2, 0, 1, 1, "800.00", "700.00", "700", "open")
    # 北京: nothing approved yet, so its gap cannot be priced: empty, never 0
    assert figures(rows["2026S", "11"]) == (2, 1, 0, 1, 1, 2, "1200.00", "", "", "open")
    # the nation: counts summed; the gap unknown while one gapped school lies in 北京
    assert figures(totals["2026S"]) == (13, 10, 3, 4, 7, 11, "7950.01", "", "", "open")
    # sorted by the estimated gap, the unpriced last
    assert list(ordered["code"]) == ["44", "45", "11"]


def test_after_the_spring_deadline_the_average_rounds_half_up(engine):
    rows, totals, _ = view(engine, MINISTRY, NATION, D("2026-05-21"))
    # s402 approved 15 May: (1000.00 + 1000.01) / 2 = 1000.005 → 1000.01. s403 declared 20 Apr. School 1: 4 of 5
    # declared, 2 approved → 1 + 2; school 2: 2 + 0... 0 + 2; school 3: 1 + 1. 7 × 1000.01 = 7000.07 → 7000
    assert figures(rows["2026S", "44"]) == (8, 7, 2, 2, 5, 7, "5950.00", "1000.01", "7000", "at_risk")
    assert figures(rows["2026S", "45"]) == (3, 3, 2, 0, 1, 1, "800.00", "700.00", "700", "at_risk")
    assert figures(rows["2026S", "11"]) == (2, 1, 0, 1, 1, 2, "1200.00", "", "", "at_risk")
    assert ("2026A", "44") not in rows


def test_city_and_schools_with_a_surplus_beside_a_gap(engine):
    rows, totals, ordered = view(engine, GD, GUANGZHOU, D("2026-05-21"))
    # school 1: 3 × 1000.01 = 3000.03 → 3000; school 2: 2 × 1000.01 = 2000.02 → 2000
    assert figures(rows["2026S", "1"]) == (5, 4, 2, 1, 2, 3, "2575.00", "1000.01", "3000", "at_risk")
    assert figures(rows["2026S", "2"]) == (1, 2, 0, 0, 2, 2, "1800.00", "1000.01", "2000", "at_risk")
    # 广州 itself: 5 × 1000.01 = 5000.05 → 5000, the average its province's
    assert figures(totals["2026S"]) == (6, 6, 2, 1, 4, 5, "4375.00", "1000.01", "5000", "at_risk")
    assert list(ordered["code"]) == ["1", "2"]
    rows, totals, _ = view(engine, GD, GUANGDONG, D("2026-05-21"))
    assert figures(rows["2026S", "440100"]) == (6, 6, 2, 1, 4, 5, "4375.00", "1000.01", "5000", "at_risk")
    assert figures(rows["2026S", "440300"]) == (2, 1, 0, 1, 1, 2, "1575.00", "1000.01", "2000", "at_risk")
    assert figures(totals["2026S"]) == (8, 7, 2, 2, 5, 7, "5950.00", "1000.01", "7000", "at_risk")


def test_autumn_with_both_terms(engine):
    rows, totals, _ = view(engine, MINISTRY, NATION, D("2026-09-15"))
    # spring, all approvals in: 广东's average 6950.01 / 6 = 1158.335 → 1158.34. School 1: s403 undeclared?
    # no — declared, not approved (1 + 1 with 5 at school and 4 declared); school 2 clear with its surplus;
    # school 3: 1 undeclared. 3 × 1158.34 = 3475.02 → 3475
    assert figures(rows["2026S", "44"]) == (8, 7, 6, 2, 1, 3, "1000.00", "1158.34", "3475", "at_risk")
    # 广西 clear: (3 × 800 + 500) / 4 = 725.00; 北京 priced now: 1 undeclared × 1200.00
    assert figures(rows["2026S", "45"]) == (3, 3, 3, 0, 0, 0, "0.00", "725.00", "0", "clear")
    assert figures(rows["2026S", "11"]) == (2, 1, 1, 1, 0, 1, "0.00", "1200.00", "1200", "at_risk")
    # the nation: 3475.02 + 1200.00 rounded once
    assert figures(totals["2026S"]) == (13, 11, 10, 3, 1, 4, "1000.00", "", "4675", "at_risk")
    # autumn: school 1 has s401 declared (10 Sep) of 3, none approved in 广东 → unpriced; 广西 clear; 北京 none
    assert figures(rows["2026A", "44"]) == (3, 1, 0, 2, 1, 3, "1000.00", "", "", "open")
    assert figures(rows["2026A", "45"]) == (1, 1, 1, 0, 0, 0, "0.00", "800.00", "0", "clear")
    assert figures(rows["2026A", "11"]) == (0, 0, 0, 0, 0, 0, "0.00", "", "0", "no_data")
    # the surplus school and the school of a second record stay per school
    rows, _, _ = view(engine, MINISTRY, GUANGZHOU, D("2026-09-15"))
    assert figures(rows["2026S", "1"]) == (5, 4, 3, 1, 1, 2, "1000.00", "1158.34", "2317", "at_risk")
    assert figures(rows["2026S", "2"]) == (1, 2, 2, 0, 0, 0, "0.00", "1158.34", "0", "clear")
    assert figures(rows["2026A", "2"]) == (0, 0, 0, 0, 0, 0, "0.00", "", "0", "no_data")


def test_after_the_autumn_deadline(engine):
    rows, _, _ = view(engine, MINISTRY, NATION, D("2026-12-01"))
    # s402's autumn tuition approved 10 Oct: 广东's autumn average 1000.00; school 1: 2 of 3 declared, 1 approved
    assert figures(rows["2026A", "44"]) == (3, 2, 1, 1, 1, 2, "1000.00", "1000.00", "2000", "at_risk")


def test_school_cases(engine):
    with engine.connect() as conn:
        raw = q.gap_cases(conn, GD, SCHOOL1, 2026, D("2026-09-15"))
    cases = m.cases(raw, D("2026-09-15"), calendar())
    # the declared students not approved: s403 (spring, its rejected grant left out) and s401 (autumn; its
    # spring grant is approved, and in spring its tuition was). 10 Sep → 15 Sep: Fri 11, Mon 14, Tue 15
    assert list(zip(cases.student_id, cases.term, cases.kind, cases.amount.astype(str))) == [
        (403, "2026S", "tuition", "1000.00"), (401, "2026A", "tuition", "1000.00")]
    assert cases["workdays_elapsed"].iloc[1] == 3
    with engine.connect() as conn:
        raw = q.gap_cases(conn, GD, SCHOOL1, 2026, D("2026-04-15"))
    # in April: s402 and s406 (tuition not approved); s401's open grant is not listed, its tuition is approved
    assert sorted(m.cases(raw, D("2026-04-15"), calendar()).student_id) == [402, 406]


def test_scope_in_sql(engine):
    rows, _, _ = view(engine, GD, NATION, D("2026-04-15"))
    assert {code for _, code in rows} == {"44"}
    with engine.connect() as conn:
        found = q.province_days(conn, GD, NATION, 2026)
        assert set(found["province"]) == {"44"}
        with pytest.raises(OutOfScope):
            q.gap_cases(conn, GD, SCHOOL4, 2026, D("2026-04-15"))
        with pytest.raises(PermissionError):
            q.gap_cases(conn, LEADER, SCHOOL1, 2026, D("2026-04-15"))


# -- pure metrics ---------------------------------------------------------

def test_rounding_is_half_up_in_exact_decimals():
    assert m.round_half_up(Decimal("1000.005"), m.CENT) == Decimal("1000.01")
    assert m.round_half_up(Decimal("50000.5"), m.YUAN) == Decimal("50001")
    assert m.round_half_up(Decimal("2.5"), m.YUAN) == Decimal("3")   # not to the even 2
    assert m.yuan(100001) == Decimal("1000.01")


def test_the_gap_is_rounded_once_over_the_schools():
    # three schools, each 1 × 1000.50: each school's row 1001, their region 3001.50 → 3002 (not 3003)
    gaps = [m.school_gap(1, Decimal("1000.50")) for _ in range(3)]
    assert [m.round_half_up(g, m.YUAN) for g in gaps] == [Decimal("1001")] * 3
    assert m.round_half_up(m.sum_gaps(gaps), m.YUAN) == Decimal("3002")
    assert m.school_gap(0, None) == 0 and m.school_gap(2, None) is None
    assert m.sum_gaps([Decimal(1), None]) is None


def test_status():
    due = D("2026-05-20")
    assert m.status(0, 0, 0, due, due) == "no_data"
    assert m.status(0, 2, 0, due, due) == "clear"
    assert m.status(5, 3, 2, due, due) == "open"
    assert m.status(5, 3, 2, D("2026-05-21"), due) == "at_risk"


def test_school_counts_take_undeclared_per_school():
    schools = pd.DataFrame({"school": ["1", "2"], "code": ["c", "c"], "province": ["44", "44"],
                            "term": ["2026S", "2026S"], "headcount": [3, 1]})
    students = pd.DataFrame({"school": ["1", "2", "2"], "term": "2026S",
                             "declared": pd.to_datetime(["2026-03-02", "2026-03-02", "2026-04-01"]),
                             "approved": pd.to_datetime(["2026-03-10", pd.NaT, "2026-04-02"]), "n": [1, 2, 1]})
    got = m.school_counts(schools, students, "2026S", D("2026-03-31")).set_index("school")
    assert got.loc["1", ["declared", "approved", "undeclared", "unapproved"]].tolist() == [1, 1, 2, 0]
    assert got.loc["2", ["declared", "approved", "undeclared", "unapproved"]].tolist() == [2, 0, 0, 2]
    got = m.school_counts(schools, students, "2026S", D("2026-04-02")).set_index("school")
    assert got.loc["2", ["declared", "approved", "undeclared", "unapproved"]].tolist() == [3, 1, 0, 2]


def test_terms_begin_on_their_first_days():
    policy = policy_for(2026)
    assert [t.code for t in m.terms_at(policy, D("2026-02-28"))] == []
    assert [(t.code, t.due_on) for t in m.terms_at(policy, D("2026-08-31"))] == [("2026S", D("2026-05-20"))]
    assert [t.code for t in m.terms_at(policy, D("2026-09-01"))] == ["2026S", "2026A"]


# -- over HTTP: the page's content, exports and forged callbacks ------------

app = app_fixture(fixture_funding.TABLES)


def test_export_has_the_spec_columns_and_the_estimate_note(app):
    client = login(app.server.test_client(), "ministry")
    response = client.get("/export/funding.csv?as_of=2026-04-15&year=2026")
    assert response.headers["X-Estimate-Note"].startswith("gap_yuan")
    assert "upper-bound" in response.headers["Content-Disposition"]
    assert response.data.decode("utf-8-sig").splitlines() == [
        "term,code,name,headcount,declared,approved,undeclared,unapproved,gap_students,unapproved_yuan,"
        "avg_aid_yuan,gap_yuan,due_on,status",
        "2026S,44,广东省,8,6,1,3,5,8,5950.01,1000.00,8000,2026-05-20,open",
        "2026S,45,广西壮族自治区,3,3,2,0,1,1,800.00,700.00,700,2026-05-20,open",
        "2026S,11,北京市,2,1,0,1,1,2,1200.00,,,2026-05-20,open"]
    text = client.get("/export/funding.csv?as_of=2026-09-15&city=440100").data.decode("utf-8-sig")
    assert "2026S,4401001,广州市交通技师学院,5,4,3,1,1,2,1000.00,1158.34,2317,2026-05-20,at_risk" in text
    assert "2026A,4401002,广州市轻工技工学校,0,0,0,0,0,0,0.00,,0,2026-11-30,no_data" in text
    book = openpyxl.load_workbook(io.BytesIO(client.get("/export/funding.xlsx?as_of=2026-04-15").data))
    assert book.sheetnames == ["funding", "note"]
    assert "估算且为上限" in book["note"]["A2"].value
    assert [c.value for c in book["funding"][2]][:3] == ["2026S", "44", "广东省"]
    book = openpyxl.load_workbook(io.BytesIO(client.get("/export/funding.xlsx?as_of=2026-04-15&lang=en").data))
    assert "an estimate and an upper bound" in book["note"]["A2"].value


def test_school_export_is_the_masked_case_list(app):
    client = login(app.server.test_client(), "gd")
    text = client.get("/export/funding.csv?as_of=2026-09-15&school=1").data.decode("utf-8-sig")
    lines = text.splitlines()
    assert lines[0] == "name,id_number,term,kind,amount,submitted_on,workdays_elapsed"
    assert len(lines) == 3 and "黄*石" in text and "黄三石" not in text and "440106200801014033" not in text


@pytest.mark.parametrize("query", ["province=45", "city=450100", "school=4"])
def test_province_user_cannot_export_another_province(app, query):
    client = login(app.server.test_client(), "gd")
    response = client.get(f"/export/funding.csv?as_of=2026-04-15&{query}")
    assert response.status_code == 404 and "广西" not in response.get_data(as_text=True)


def test_province_user_by_url_and_forged_callback(app):
    client = login(app.server.test_client(), "gd")
    text = client.get("/export/funding.csv?as_of=2026-04-15").data.decode("utf-8-sig")
    assert [line.split(",")[1] for line in text.splitlines()[1:]] == ["440100", "440300"]
    response = post_content(client, "fd", {"province": "45", "as_of": "2026-04-15"})
    body = text_of(response)
    assert response.status_code == 200 and "超出您的数据范围" in body and "南宁" not in body
    body = text_of(post_content(client, "fd", {"school": "1", "as_of": "2026-04-15"}))
    assert "林*丫" in body and "林二丫" not in body


def test_leadership_sees_schools_but_no_case_lists(app):
    client = login(app.server.test_client(), "leader")
    assert client.get("/export/funding.csv?as_of=2026-04-15&city=440100").status_code == 200
    assert school_export_rows(client, "/export/funding.csv?as_of=2026-04-15&school=1", "440100")
    body = text_of(post_content(client, "fd", {"school": "1", "as_of": "2026-04-15"}))
    assert "仅查看汇总" in body and "林*丫" not in body


def test_the_page_says_in_one_sentence_where_the_gap_is_largest_and_why(app):
    client = login(app.server.test_client(), "ministry")
    body = text_of(post_content(client, "fd", {"as_of": "2026-04-15"}))
    assert ("截至 2026-04-15，2026年春季学期估算缺口最大的是广东省：约 8,000 元（上限），8 名学生在缺口中，主要因为已申报的资助尚未审批"
            "（3 名在校未申报，5 名已申报未审批）。全国合计无法估算") in body
    body = text_of(post_content(client, "fd", {"as_of": "2026-09-15", "lang": "en"}))
    # autumn first: 广东 has the most students in the gap but no approved autumn record to price them
    assert "As of 2026-09-15, Guangdong has the most students in the gap in the autumn term 2026: 3" in body
    assert "an estimate and an upper bound" in body
    body = text_of(post_content(client, "fd", {"as_of": "2026-02-27"}))
    assert "尚无学期开始" in body
    # a school's own: 4 in the gap × 1000.00
    body = text_of(post_content(client, "fd", {"as_of": "2026-04-15", "school": "1"}))
    assert ("截至 2026-04-15，广州市交通技师学院2026年春季学期估算缺口约 4,000 元（上限），4 名学生在缺口中，主要因为在校学生没有在系统中"
            "申报（2 名在校未申报，2 名已申报未审批）。") in body


def test_each_chart_is_named_by_a_heading_above_it(app):
    client = login(app.server.test_client(), "ministry")
    assert chart_titles(post_content(client, "fd", {"as_of": "2026-04-15"})) == {
        "fds-tiles": "各省份申报覆盖率（颜色）与估算缺口（标注，元）", "fds-bars": "下级估算缺口（元，上限）与申报覆盖率"}


def test_sorted_by_the_estimated_gap_then_unpriced_gaps_then_the_rest():
    rows = pd.DataFrame({"code": ["a", "b", "c", "d", "e"], "gap_students": [0, 3, 2, 5, 1],
                         "gap_yuan": [Decimal(0), None, Decimal(700), None, Decimal(900)]})
    assert list(m.sort_by_gap(rows)["code"]) == ["e", "c", "d", "b", "a"]


def test_school_profile_shows_the_schools_gap(app):
    from tests.test_briefing import component
    client = login(app.server.test_client(), "ministry")
    tree = json.loads(post_content(client, "sch", {"school": "1", "as_of": "2026-05-21"}).get_data(as_text=True))

    def now(signal):
        return json.dumps(component(tree, f"sch-signal-{signal}"), ensure_ascii=False)

    # school 1 on 21 May: 1 undeclared + 2 unapproved, 3 × 1000.01 = 3000.03 → 3,000; a week before (14 May)
    # s402 was not yet approved: 1 + 3 = 4 × 1000.00 (s401's tuition alone approved in 广东)
    assert '"3"' in now("funding_gap_students") and '"4"' in now("funding_gap_students")
    assert '"¥3,000"' in now("funding_gap_yuan") and '"¥4,000"' in now("funding_gap_yuan")


def test_a_provinces_averages_are_counted_once_for_all_its_cities_and_schools(app):
    """The averages depend on the province alone: its view, a city's and a school's share one query (its
    per-student count is the page's slowest at national scale), with the same figures."""
    reg = app.server.extensions["aidwatch_registry"]
    reg.cache.clear()
    ran = []
    original = reg._execute

    def counting(fn, scope, *args):
        ran.append((fn.__qualname__, *args))
        return original(fn, scope, *args)

    reg._execute = counting
    try:
        client = login(app.server.test_client(), "ministry")
        views = ({"province": "44"}, {"province": "44", "city": "440100"},
                 {"province": "44", "city": "440100", "school": "1"})
        for view in views:
            post_content(client, "fd", {**view, "as_of": "2026-05-21"})
        assert [args for name, *args in ran if name == "province_days"] == [[GUANGDONG, 2026]]
    finally:
        del reg._execute
