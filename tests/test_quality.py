"""Data quality on a registry with every kind of odd row (tests/fixture_quality.py), on SQLite and PostgreSQL.

Every expected count is worked out by hand next to the rows in the fixture.
The last tests render every page in ``PAGES`` (layout and content callbacks)
and every export over the same odd rows: none may fail.
"""

from __future__ import annotations

import csv
import datetime as dt
import io

import numpy as np
import pandas as pd
import pytest

from aidwatch.metrics import quality as m
from aidwatch.workdays import BEYOND, UnknownCalendarYear, calendar
from dashboard import PAGES
from dashboard.export_routes import EXPORTS
from tests import fixture_quality
from tests.apps import chart_titles, login, make_app, open_view, post_content, school_export_rows
from tests.conftest import BACKENDS
from tests.registry_builder import build_registry


@pytest.fixture(scope="module", params=BACKENDS)
def app(request, module_database, tmp_path_factory):
    """The odd registry (orphan rows need ``references=False``), then an app over it (no further rows)."""
    url = build_registry(module_database(request.param), fixture_quality.TABLES, references=False)
    return make_app(url, {}, tmp_path_factory.mktemp("app"))


def export(client, query: str) -> list[dict]:
    response = client.get(f"/export/quality.csv?{query}")
    assert response.status_code == 200, response.get_data(as_text=True)
    return list(csv.DictReader(io.StringIO(response.data.decode("utf-8-sig"))))


def counts(row: dict, *keys: str) -> tuple:
    return tuple(int(row[k]) for k in keys)


def test_nation_counts_every_check(app):
    rows = {r["code"]: r for r in export(login(app.server.test_client(), "ministry"), "")}
    assert list(rows) == ["11", "44", "45"]
    gd = rows["44"]
    # 2025 (the snapshot's year). 广东: 9 students of a 2025 intake or of 2003 (outside the calendar: in every
    # year; 311 is a 2024 intake), 7 changes (c1–c6, c9), 7 aid records, 3 matches, 2 graduations, 2
    # inspections, 5 headcounts, 4 schools = 39 rows; 35 odd: dates 14, unknown students 4, zero headcounts 4,
    # values 10, calendar 3.
    assert counts(gd, "records", "odd_rows") == (39, 35) and gd["per_10k"] == "8974.4"
    assert counts(gd, "registered_before_enrolled", "reg_approved_before_registered", "enrolled_before_born",
                  "recorded_before_occurred", "decided_before_recorded", "change_before_enrolment",
                  "approved_before_submitted", "disbursed_before_approved", "verified_before_pushed",
                  "rectified_before_pushed", "uploaded_before_graduated", "rectified_before_inspected",
                  "closed_before_opened") == (1, 1, 1, 2, 1, 1, 1, 1, 1, 1, 1, 1, 1)
    # c4, aid 3, match 3 and graduation 997 name students that do not exist
    assert counts(gd, "orphan_student", "headcount_zero", "intake_zero_with_students") == (4, 2, 2)
    # values: students 304, 306, 308; change 5; aid 5 and 9; school 6. Numbers: aid 4, inspection 2, headcount 3.
    # Calendar: student 307 (2003), change 6 (2031), change 9 (2003).
    assert counts(gd, "value_unknown", "number_implausible", "province_mismatch", "calendar_unknown") == (7, 3, 0, 3)
    # 广西: c8 before enrolment, match 5 verified before pushed, match 4's outcome, student 305 (school 1, but
    # province_code 45), and 2099 / 1999 / 2030 dates on c8, aid 6, match 5, inspection 3.
    gx = rows["45"]
    assert counts(gx, "records", "odd_rows", "change_before_enrolment", "verified_before_pushed", "value_unknown",
                  "province_mismatch", "calendar_unknown") == (12, 8, 1, 1, 1, 1, 4)
    bj = rows["11"]
    # 北京: graduation 341 (2027, outside the calendar), inspection 4, headcount 2025X, school 5; student 341 is
    # a 2024 intake
    assert counts(bj, "records", "odd_rows", "calendar_unknown", "number_implausible", "value_unknown") == \
        (4, 3, 1, 1, 1) and bj["per_10k"] == "7500.0"


def test_another_year_keeps_only_the_rows_outside_the_calendar(app):
    rows = {r["code"]: r for r in export(login(app.server.test_client(), "ministry"), "year=2026&as_of=2026-06-30")}
    # 2026: no records of that year; student 307 (2003 intake), change 8 (1999) and graduation 341 (2027) belong to
    # no year the calendar knows and so show in every year, with the schools.
    assert counts(rows["44"], "records", "odd_rows", "calendar_unknown", "closed_before_opened") == (5, 3, 1, 1)
    assert counts(rows["45"], "records", "odd_rows", "change_before_enrolment", "calendar_unknown") == (2, 2, 1, 1)
    assert counts(rows["11"], "records", "odd_rows", "calendar_unknown") == (2, 1, 1)


def test_drill_down_to_cities_and_schools(app):
    client = login(app.server.test_client(), "ministry")
    cities = {r["code"]: r for r in export(client, "province=44")}
    # 广州: school 1 (20 rows, 18 odd) + school 2 (11 rows, 11 odd); 深圳: school 3 (3) + school 6 (3)
    assert counts(cities["440100"], "records", "odd_rows") == (31, 29)
    assert counts(cities["440300"], "records", "odd_rows", "headcount_zero", "closed_before_opened") == (8, 6, 1, 1)
    schools = {r["code"]: r for r in export(client, "city=440100")}
    assert counts(schools["4401001"], "odd_rows", "recorded_before_occurred", "orphan_student") == (18, 1, 2)
    assert counts(schools["4401002"], "odd_rows", "recorded_before_occurred", "calendar_unknown") == (11, 1, 2)


def test_school_case_list_is_masked_and_explains_each_row(app):
    rows = export(login(app.server.test_client(), "ministry"), "school=1")
    assert len(rows) == 18
    first = rows[0]
    assert (first["check"], first["table"], first["record"], first["name"], first["id_number"], first["evidence"]) \
        == ("registered_before_enrolled", "student", "302", "林*帆", "440106********3020",
            "registered_on=2025-08-20 · enrolled_on=2025-09-01")
    by_key = {(r["check"], r["table"], r["record"]): r for r in rows}
    orphan = by_key[("orphan_student", "aid_record", "3")]
    assert orphan["name"] == "" and orphan["evidence"] == "student_id=999 · term=2025S · kind=tuition"
    assert by_key[("decided_before_recorded", "status_change", "2")]["evidence"] == \
        "recorded_on=2025-06-04 · approved_on=2025-06-03 · rejected_on=∅"
    assert by_key[("value_unknown", "student", "304")]["evidence"] == \
        "status=zombie · gender=M · hardship=rich · intake_term=2025A · program_years=3"
    assert by_key[("intake_zero_with_students", "school_headcount", "2025S")]["evidence"] == \
        "term=2025S · reported_new=0"
    # the birth date is the masked ID number's hidden digits: withheld, the rule's firing says the rest
    born = by_key[("enrolled_before_born", "student", "306")]
    assert (born["id_number"], born["evidence"]) == ("440106********3060", "enrolled_on=2025-09-01 · birth_date=********")
    text = "".join(str(r) for r in rows)
    assert "林一帆" not in text and "440106200801013020" not in text
    numbers = {(r["check"], r["record"]): r["evidence"] for r in export(login(app.server.test_client(), "ministry"),
                                                                        "school=2")}
    assert numbers[("number_implausible", "4")] == "amount=-50 · grade=0"  # -50.00 on PostgreSQL, -50.0 on SQLite
    assert numbers[("calendar_unknown", "9")] == \
        "occurred_on=2025-09-15 · recorded_on=2003-09-16 · approved_on=∅ · rejected_on=∅"


def test_scope_and_roles(app):
    gx = login(app.server.test_client(), "gx")
    # a province user opens their province: 南宁 with school 4's 7 odd rows (student 305 sits in 广州)
    assert [(r["code"], r["odd_rows"]) for r in export(gx, "")] == [("450100", "7")]
    assert gx.get("/export/quality.csv?province=44").status_code == 404
    assert gx.get("/export/quality.csv?school=1").status_code == 404
    leader = login(app.server.test_client(), "leader")
    assert school_export_rows(leader, "/export/quality.csv?school=1", "440100")
    view = open_view(leader, "/quality", {"school": "1"})
    assert "仅查看汇总" in view.content and "林" not in view.content
    assert '"dq-card-odd_rows"' in view.content


def test_page_shows_cards_checks_and_drill(app):
    client = login(app.server.test_client(), "ministry")
    view = open_view(client, "/quality", {"province": "44"})
    assert view.prefix == "dq" and view.content_status == 200
    figures = [p.rsplit('"children": "', 1)[1].split('"', 1)[0]
               for p in view.content.split('"className": "aw-card-figure"')[:-1]]
    assert figures == ["35", "14", "4", "4", "10", "3"]  # odd rows; dates, unknown students, headcounts, values, calendar
    assert '"id": "dq-check-recorded_before_occurred-status_change"' in view.content
    assert "检查 2025 年度的记录" in view.content and "共检查 39 行" in view.content and "数据质量" in view.layout
    english = open_view(client, "/quality", {"province": "44", "lang": "en"})
    assert "Change recorded before it occurred" in english.content and "39 rows checked" in english.content
    school = open_view(client, "/quality", {"school": "6"})
    assert "停办早于开办" in school.content and '"dq-cases"' in school.content


def test_metrics_pure_helpers():
    children = pd.DataFrame({"code": ["1", "2"], "name": ["a", "b"]})
    counts_by_table = {
        "inspection": pd.DataFrame({"code": ["1"], "records": [4], "rectified_before_inspected": [1],
                                    "number_implausible": [2], "calendar_unknown": [0]}),
        "school": pd.DataFrame({"code": ["1", "2"], "records": [1, 1], "closed_before_opened": [0, 1],
                                "value_unknown": [1, 0]}),
    }
    rows = m.region_rows(children, counts_by_table)
    assert rows[["records", "odd_rows", "dates", "values"]].values.tolist() == [[5, 4, 1, 3], [1, 1, 1, 0]]
    assert rows["per_10k"].tolist() == [8000.0, 10000.0]
    total = m.total_row(rows, "nation", "全国").iloc[0]
    assert (total["records"], total["odd_rows"], total["per_10k"]) == (6, 5, 8333.3)
    empty = m.region_rows(children, {})
    assert empty["odd_rows"].tolist() == [0, 0] and empty["per_10k"].isna().all()
    raw = pd.DataFrame({"check": ["number_implausible"], "table": ["aid_record"], "record": ["4"], "name": [None],
                        "id_number": [None], "e1": ["1150.50"], "e2": [None], "e3": [None], "e4": [None],
                        "e5": [None]})
    cases = m.case_rows(raw, {("number_implausible", "aid_record"): ("amount", "grade")})
    assert cases["evidence"].tolist() == ["amount=1150.5 · grade=∅"]


def test_calendar_leaves_unknown_years_empty_on_request():
    cal = calendar()
    days = np.array(["2025-09-26", "1999-01-01", "NaT"], dtype="datetime64[D]")
    with pytest.raises(UnknownCalendarYear, match="1999"):
        cal.due_many(days, 10)
    assert cal.due_many(days, 10, outside="nat").astype(str).tolist() == ["2025-10-16", "NaT", "NaT"]
    between = cal.workdays_between_many(days, np.datetime64("2025-10-16"), outside="nat")
    assert between[0] == 10 and np.isnan(between[1:]).all()
    last = np.array([cal.last], dtype="datetime64[D]")
    # a due day past the calendar is not unknown but after every known day (spec: Working days)
    assert cal.due_many(last, 10, outside="nat").tolist() == [BEYOND]
    assert cal.known(np.array([dt.date(2004, 1, 1), dt.date(2003, 12, 31)], dtype="datetime64[D]")).tolist() == \
        [True, False]


VIEWS = [{}, {"province": "44"}, {"province": "45"}, {"city": "440100"}, {"school": "1"}, {"school": "2"},
         {"school": "4"}, {"school": "5"}, {"school": "6"}, {"as_of": "2026-06-30"}]
#: The ministry sees every level with its case lists; leadership (no case lists) and a province user (scope)
#: take the other branches where they differ.
USER_VIEWS = {"ministry": VIEWS, "leader": [{"school": "4"}], "gd": [{"province": "45"}, {"school": "2"}]}
FAILED = ("出现意外错误", "Something unexpected", "Traceback")


@pytest.mark.parametrize("user", sorted(USER_VIEWS))
def test_every_page_renders_over_the_odd_rows(app, user):
    """Each page of ``PAGES``, layout and content: a view or a message at every level, never a failure."""
    client = login(app.server.test_client(), user)
    failures = []
    for name, module in PAGES.items():
        for view in USER_VIEWS[user]:
            shown = open_view(client, module.PATH, view)
            if shown.layout_status != 200 or shown.content_status not in (None, 200) or \
                    any(f in shown.text for f in FAILED):
                failures.append((name, view, shown.layout_status, shown.content_status))
    assert failures == []


def test_every_export_answers_over_the_odd_rows(app):
    client = login(app.server.test_client(), "ministry")
    failures = []
    for page in EXPORTS:
        for view in VIEWS:
            query = "&".join(f"{k}={v}" for k, v in view.items())
            response = client.get(f"/export/{page}.csv?{query}")
            if response.status_code >= 500:
                failures.append((page, view, response.status_code))
    assert failures == []


def test_the_chart_is_named_by_a_heading_above_it(app):
    """Not by a Plotly title, which a 390 px phone cut off (figure.titled_graph)."""
    client = login(app.server.test_client(), "ministry")
    assert chart_titles(post_content(client, "dq", {})) == {"dq-bars": "下级异常记录（按类别）"}
    assert chart_titles(post_content(client, "dq", {"lang": "en"})) == {"dq-bars": "Odd rows below, by category"}
