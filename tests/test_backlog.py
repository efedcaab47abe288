"""Status-change backlog and phantom suspects on a hand-built registry, on SQLite and PostgreSQL.

Every expected number is worked out by hand from tests/fixture_backlog.py (the
due days are derived there, change by change). D is 20 Oct 2025 unless said.
"""

from __future__ import annotations

import datetime as dt

import pytest

from aidwatch.metrics import backlog as m
from aidwatch.policy import policy_for
from aidwatch.workdays import calendar
from queries import backlog as q
from queries.regions import Region, child_names, resolve_region
from queries.scope import OutOfScope, Scope
from tests import fixture_backlog
from tests.apps import app_fixture, chart_titles, login, post_content, text_of, school_export_rows
from tests.registry_builder import engine_fixture

D = dt.date.fromisoformat
MINISTRY, GD, LEADER = Scope("ministry"), Scope("province", "44"), Scope("leadership")
SNAPSHOT = D("2025-10-20")
SCHOOL1 = Region("school", "44", "440100", 1)
SCHOOL2 = Region("school", "44", "440100", 2)
SCHOOL4 = Region("school", "45", "450100", 4)
COUNTS = ["changes", "late_recorded", "unrecorded_overdue", "awaiting_approval", "overdue_approval",
          "phantom_suspects"]


engine = engine_fixture(fixture_backlog.TABLES)


def rows_at(engine, scope, region, as_of=SNAPSHOT, year=2025):
    with engine.connect() as conn:
        children = child_names(conn, region, scope)
        schools = q.school_counts(conn, scope, region, year, as_of)
        phantom = q.phantom_counts(conn, scope, region, as_of)
    rows = m.region_rows(children, m.child_counts(schools, region.level), phantom)
    return {r.code: r for r in rows.itertuples(index=False)}


def figures(row) -> tuple:
    return tuple(int(getattr(row, c)) for c in COUNTS)


def test_nation_on_the_snapshot_day(engine):
    rows = rows_at(engine, MINISTRY, Region("nation"))
    # 广东: c1–c7 and c11 occurred in 2025 by D (c12 is 1 Dec) = 8. Late: c2 only (recorded 14 May, due 13 May;
    # c1 recorded on its due day 13 Feb thanks to the make-up days). Unrecorded and overdue: c6 (due 17 Jun);
    # c4 is due on D itself, so not yet. Awaiting: c2, c7 (c5 was rejected); overdue approval: c2 (due 28 May),
    # c7 is due 23 Oct. Suspects: 202 (rule 1), 207 (rule 2), 208 (rule 3); 216 and 217 are exactly on the
    # boundary, 212's death is after D.
    assert figures(rows["44"]) == (8, 1, 1, 2, 1, 3)
    assert (rows["44"].rule_1, rows["44"].rule_2, rows["44"].rule_3) == (1, 1, 1)
    # settled recordings: the six recorded by D and c6 → late rate (1 + 1) / 7
    assert (rows["44"].decided_recording, rows["44"].late_rate) == (7, 28.6)
    # 广西: c14, c16, c17 (c15 is 2024). Late: c14 (due 19 Feb, recorded 20 Feb). Awaiting and overdue: c16
    # (due 17 Jul) and c17 (due 17 Sep, approved only 22 Oct). Suspects: 215 (rules 1 and 3, one student), 218.
    assert figures(rows["45"]) == (3, 1, 0, 2, 2, 2)
    assert (rows["45"].rule_1, rows["45"].rule_3) == (2, 1)
    assert figures(rows["11"]) == (0, 0, 0, 0, 0, 0) and rows["11"].name == "北京市"


def test_the_day_after_crosses_three_boundaries(engine):
    rows = rows_at(engine, MINISTRY, Region("nation"), D("2025-10-21"))
    # c4 (due 20 Oct) is now overdue; 216 (enrolled 20 Oct 2021 + 3 + 1 years = 20 Oct 2025) and 217 (suspended
    # 20 Oct 2023) are now past their boundaries: 202, 207, 208, 216, 217.
    assert figures(rows["44"]) == (8, 1, 2, 2, 1, 5)
    rows = rows_at(engine, MINISTRY, Region("nation"), D("2025-10-22"))
    # c17 approved on 22 Oct: no longer awaiting, and 218 no longer a suspect
    assert figures(rows["45"]) == (3, 1, 0, 1, 1, 1)


def test_later_in_the_year(engine):
    rows = rows_at(engine, MINISTRY, Region("nation"), D("2025-12-05"))
    # c12 (1 Dec, due 15 Dec) now counts but is not overdue; c7's approval is overdue since 24 Oct;
    # 212 (deceased, not approved) joins the suspects.
    assert figures(rows["44"]) == (9, 1, 2, 2, 2, 6)


def test_province_and_city_levels(engine):
    rows = rows_at(engine, GD, Region("province", "44"))
    # 广州: schools 1 and 2 (c1–c7; suspects 202, 207, 208); 深圳: c11 only
    assert figures(rows["440100"]) == (7, 1, 1, 2, 1, 3)
    assert figures(rows["440300"]) == (1, 0, 0, 0, 0, 0)
    rows = rows_at(engine, GD, Region("city", "44", "440100"))
    assert figures(rows["1"]) == (6, 1, 1, 1, 1, 1)   # c1–c6; suspect 202
    assert figures(rows["2"]) == (1, 0, 0, 1, 0, 2)   # c7; suspects 207, 208


def test_open_items_by_working_day_age(engine):
    with engine.connect() as conn:
        items = q.open_items(conn, MINISTRY, Region("nation"), 2025, SNAPSHOT)
    ages = m.open_ages(items, SNAPSHOT, policy_for(2025), calendar())
    # schools' side: c4 (29 Sep → 20 Oct: 30 Sep, 9, 10, Sat 11, 13–17, 20 Oct = 10 working days, not overdue)
    # and c6 (95 working days since 3 Jun, overdue)
    rec = m.by_bucket(ages, "recording").set_index("bucket")
    assert (rec.loc["6-10", "n"], rec.loc["6-10", "overdue"], rec.loc["41+", "n"], rec.loc["41+", "overdue"]) == (1, 0, 1, 1)
    # province's side: c7 (7 working days since 10 Oct), c17 (29 since 3 Sep, overdue), c2 and c16 (41+, overdue)
    app = m.by_bucket(ages, "approval").set_index("bucket")
    assert app["n"].to_dict() == {"0-5": 0, "6-10": 1, "11-20": 0, "21-40": 1, "41+": 2}
    assert int(app["overdue"].sum()) == 3
    types = m.by_type(ages, "approval")
    assert list(zip(types.change_type, types.n, types.overdue)) == [("withdraw", 3, 3), ("major_change", 1, 0)]


def test_schools_ranked_by_late_recording_rate(engine):
    with engine.connect() as conn:
        counts = q.school_counts(conn, MINISTRY, Region("nation"), 2025, SNAPSHOT)
    # with the page's minimum of 10 settled recordings no fixture school qualifies
    assert m.rank_schools(counts).empty
    ranked = m.rank_schools(counts, min_volume=2)
    # school 4: 1 late of 3 settled (33.3 %); school 1: c2 late + c6 overdue of 5 settled (40.0 %)
    assert list(zip(ranked.school_code, ranked.late_rate, ranked.late)) == [("4401001", 40.0, 2), ("4501001", 33.3, 1)]
    with engine.connect() as conn:
        counts = q.school_counts(conn, GD, Region("nation"), 2025, SNAPSHOT)
    assert set(counts.school_code) == {"4401001", "4401002", "4403001"}


def test_school_case_list_with_both_clocks(engine):
    with engine.connect() as conn:
        raw = q.change_cases(conn, GD, SCHOOL1, 2025, SNAPSHOT)
    cases = m.change_cases(raw, SNAPSHOT, policy_for(2025), calendar()).set_index("change_id")
    # problems first: c2 (approval overdue), c6 (recording overdue); then by occurrence
    assert list(cases.index) == [2, 6, 1, 5, 3, 4]
    c1 = cases.loc[1]
    assert (c1.record_due_on, c1.recording_workdays, c1.recording) == (D("2025-02-13"), 10, "on_time")
    assert (c1.approval_due_on, c1.approval_workdays, c1.approval) == (D("2025-02-27"), 5, "approved")
    c2 = cases.loc[2]
    assert (c2.record_due_on, c2.recording_workdays, c2.recording, c2.approval) == (D("2025-05-13"), 11, "late", "overdue")
    c3 = cases.loc[3]  # recorded on the make-up Sunday 28 Sep: one working day after Fri 26 Sep
    assert (c3.record_due_on, c3.recording_workdays, c3.recording, c3.approval_workdays) == (D("2025-10-16"), 1, "on_time", 3)
    assert (cases.loc[4].recording, cases.loc[4].recording_workdays, cases.loc[4].approval) == ("pending", 10, "")
    assert (cases.loc[5].approval, cases.loc[6].recording) == ("rejected", "overdue")
    assert cases.loc[6].approval_due_on is None


def test_suspects_with_the_rule_and_its_evidence(engine):
    with engine.connect() as conn:
        two = m.suspect_cases(q.suspect_evidence(conn, GD, SCHOOL2, SNAPSHOT), SNAPSHOT)
        four = m.suspect_cases(q.suspect_evidence(conn, MINISTRY, SCHOOL4, SNAPSHOT), SNAPSHOT)
    got = {(r.student_id, r.rule): r for r in two.itertuples()}
    assert set(got) == {(207, "long_suspension"), (208, "overstay")}
    assert (got[207, "long_suspension"].change_type, got[207, "long_suspension"].occurred_on) == ("suspend", D("2023-03-01"))
    assert (got[208, "overstay"].enrolled_on, got[208, "overstay"].expected_end_on) == (D("2021-09-01"), D("2024-09-01"))
    # 215 fires two rules (two evidence rows, one student); 218's approval on 22 Oct is after D, so not shown
    assert sorted(zip(four.student_id, four.rule)) == [(215, "overstay"), (215, "unapproved_leaving"),
                                                       (218, "unapproved_leaving")]
    assert four.loc[four.student_id == 218, "approved_on"].iloc[0] is None


def test_scope_in_sql(engine):
    # a province user's nation-level query only ever sees their province
    rows = rows_at(engine, GD, Region("nation"))
    assert set(rows) == {"44"} and figures(rows["44"]) == (8, 1, 1, 2, 1, 3)
    with engine.connect() as conn:
        with pytest.raises(OutOfScope):
            resolve_region(conn, GD, school=4)
        with pytest.raises(OutOfScope):
            q.change_cases(conn, GD, SCHOOL4, 2025, SNAPSHOT)
        with pytest.raises(PermissionError):
            q.change_cases(conn, LEADER, SCHOOL1, 2025, SNAPSHOT)
        with pytest.raises(PermissionError):
            q.suspect_evidence(conn, LEADER, SCHOOL1, SNAPSHOT)
        items = q.open_items(conn, GD, Region("nation"), 2025, SNAPSHOT)
    # GD's open items: c4, c6 (recording), c2, c7 (approval): none of 广西's
    assert int(items["n"].sum()) == 4


# -- pure metrics ---------------------------------------------------------

def test_overdue_until_around_national_day():
    cal = calendar()
    # due(28 Sep, 10) = 17 Oct < 20 Oct, due(29 Sep, 10) = 20 Oct: the boundary is 28 Sep
    assert m.overdue_until(cal, D("2025-10-20"), 10) == D("2025-09-28")
    assert m.overdue_until(cal, D("2025-10-21"), 10) == D("2025-09-29")
    # Spring Festival: a change on Fri 24 Jan or Sat 25 Jan is due 13 Feb (Sun 26 Jan is a make-up day, so
    # both count from it), overdue on 14 Feb; one on Sun 26 Jan counts from 27 Jan and is due 14 Feb itself
    assert m.overdue_until(cal, D("2025-02-14"), 10) == D("2025-01-25")


def test_years_before_and_phantom_cutoffs():
    assert m.years_before(D("2028-02-29"), 2) == D("2026-02-28")
    suspend_before, enrol_before = m.phantom_cutoffs(D("2025-10-20"))
    assert suspend_before == D("2023-10-20")
    assert enrol_before[3] == D("2021-10-20") and enrol_before[6] == D("2018-10-20")


def test_rank_needs_the_minimum_volume():
    import pandas as pd
    counts = pd.DataFrame({"code": ["1", "2", "3"], "school_code": ["A", "B", "C"], "late_recorded": [9, 1, 0],
                           "unrecorded_overdue": [0, 1, 0], "decided_recording": [9, 10, 12]})
    ranked = m.rank_schools(counts)
    # A (100 %) has only 9 settled recordings: not ranked
    assert list(zip(ranked.school_code, ranked.late_rate)) == [("B", 20.0), ("C", 0.0)]


def test_open_ages_empty_and_bucket_labels():
    import pandas as pd
    empty = pd.DataFrame({"side": [], "change_type": [], "start": pd.to_datetime([]), "n": []})
    ages = m.open_ages(empty, SNAPSHOT, policy_for(2025), calendar())
    assert m.by_bucket(ages, "recording")["n"].tolist() == [0, 0, 0, 0, 0]
    assert m.by_type(ages, "approval").empty


# -- over HTTP: exports and forged callbacks -------------------------------

app = app_fixture(fixture_backlog.TABLES)


def render(client, view):
    response = post_content(client, "bl", view)
    return response, text_of(response)


def test_export_has_the_spec_columns(app):
    client = login(app.server.test_client(), "ministry")
    text = client.get("/export/backlog.csv?as_of=2025-10-20&year=2025").data.decode("utf-8-sig")
    assert text.splitlines() == [
        "code,name,changes,late_recorded,unrecorded_overdue,awaiting_approval,overdue_approval,phantom_suspects",
        "11,北京市,0,0,0,0,0,0", "44,广东省,8,1,1,2,1,3", "45,广西壮族自治区,3,1,0,2,2,2"]
    # at city level one row per school, with the school's registry code
    text = client.get("/export/backlog.csv?as_of=2025-10-20&city=440100").data.decode("utf-8-sig")
    assert text.splitlines()[1:] == ["4401001,广州市交通技师学院,6,1,1,1,1,1", "4401002,广州市轻工技工学校,1,0,0,1,0,2"]
    assert client.get("/export/backlog.xlsx?as_of=2025-10-20").status_code == 200


def test_school_export_is_the_masked_case_list(app):
    client = login(app.server.test_client(), "gd")
    text = client.get("/export/backlog.csv?as_of=2025-10-20&school=2").data.decode("utf-8-sig")
    lines = text.splitlines()
    assert lines[0].startswith("case,name,id_number,change_type,occurred_on,record_due_on,recorded_on")
    assert len(lines) == 1 + 1 + 2  # c7, then suspects 207 and 208
    assert "宋*国" in text and "440106********7777" in text and "long_suspension" in text
    assert "宋建国" not in text and "440106200801017777" not in text


@pytest.mark.parametrize("query", ["province=45", "city=450100", "school=4"])
def test_province_user_cannot_export_another_province(app, query):
    client = login(app.server.test_client(), "gd")
    response = client.get(f"/export/backlog.csv?as_of=2025-10-20&{query}")
    assert response.status_code == 404 and "广西" not in response.get_data(as_text=True)


def test_leadership_sees_schools_but_no_case_lists(app):
    client = login(app.server.test_client(), "leader")
    assert client.get("/export/backlog.csv?as_of=2025-10-20&city=440100").status_code == 200
    assert school_export_rows(client, "/export/backlog.csv?as_of=2025-10-20&school=1", "440100")
    response, body = render(client, {"school": "1", "as_of": "2025-10-20"})
    assert "仅查看汇总" in body and "林*伟" not in body and "440106" not in body


def test_forged_callback_for_another_province_gets_a_message_not_data(app):
    client = login(app.server.test_client(), "gd")
    response, body = render(client, {"province": "45", "as_of": "2025-10-20"})
    assert response.status_code == 200 and "超出您的数据范围" in body
    assert "南宁" not in body and "潘*" not in body
    response, body = render(client, {"school": "1", "as_of": "2025-10-20"})
    assert "林*伟" in body and "林大伟" not in body and "440106********2222" in body


def test_each_chart_is_named_by_a_heading_above_it(app):
    """Not by a Plotly title, which a 390 px phone cut off (figure.titled_graph)."""
    client = login(app.server.test_client(), "ministry")
    ages = "未办结按已过工作日"
    assert chart_titles(post_content(client, "bl", {"as_of": "2025-10-20", "year": "2025"})) == {
        "bl-schools-ages": ages, "bl-province-ages": ages, "bl-tiles": "各省份按时办理率（逾期或未办视为不按时）",
        "bl-bars": "下级逾期：学校未办理 + 省级未审批"}
    titles = chart_titles(post_content(client, "bl", {"as_of": "2025-10-20", "year": "2025", "lang": "en"}))
    assert titles["bl-bars"] == "Overdue below: unrecorded by schools + unapproved by the province"
    assert titles["bl-tiles"] == "On-time recording by province (late or overdue = not on time)"
