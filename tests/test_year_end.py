"""The year boundary: every view and export stays whole at every as-of date of the last known year.

December 2026's clocks run into 2027, which the calendar (ended on 31 Dec 2026 by
``calendar_through_2026``) does not know: a due day past it is after every D it knows, so "late" and
"overdue" are decided without 2027 (spec: Working days). Every expected row is worked out by hand in
tests/fixture_year_end.py; on SQLite and PostgreSQL.
"""

from __future__ import annotations

import datetime as dt
import io

import pandas as pd
import pytest

import dashboard
from aidwatch.workdays import UnknownCalendarYear
from views import briefing as briefing_view
from dashboard import context
from tests import fixture_year_end
from tests.apps import app_fixture, forget, login, open_view

app = app_fixture(fixture_year_end.TABLES)
DAYS = [dt.date(2026, 12, d) for d in range(17, 32)]


def _by_day(spans: dict) -> dict:
    """``{(first, last): row}`` with days of December → ``{day: row}``."""
    return {dt.date(2026, 12, d): row for (a, b), row in spans.items() for d in range(a, b + 1)}


# code,name,changes,late_recorded,unrecorded_overdue,awaiting_approval,overdue_approval,phantom_suspects
BACKLOG_44 = _by_day({
    (17, 17): "5,1,0,2,1,0",   # c1 c2 c3 c4 c8; late c1; awaiting c1 (approved 18th) and c8, overdue c8
    (18, 21): "6,1,0,1,1,0",   # + c5 (due BEYOND, not yet recorded: pending); c1 approved
    (22, 24): "7,1,0,1,1,0",   # + c6 (BEYOND); c2 is due on the 24th, not yet overdue
    (25, 28): "7,1,1,1,1,0",   # c2 overdue
    (29, 29): "7,2,1,2,1,0",   # c3 recorded the 29th, after its due day the 28th: late, and awaiting
    (30, 31): "7,2,1,3,1,0",   # c5 recorded the 30th: not late (due BEYOND), awaiting; c4 due the 31st: pending
})
BACKLOG_45 = _by_day({(17, 23): "0,0,0,0,0,0", (24, 27): "1,0,0,1,0,0", (28, 31): "1,0,0,0,0,0"})
# code,name,matches,unverified,confirmed,open,overdue,closed_late,repeat_students
DUPLICATES_44 = _by_day({
    (17, 17): "3,2,0,2,0,1,0",   # m1 (closed late) m2 m5
    (18, 20): "4,3,0,3,0,1,0",   # + m3 (due BEYOND)
    (21, 21): "5,4,0,4,0,1,0",   # + m4
    (22, 24): "5,3,1,4,0,1,0",   # m4 confirmed, not rectified
    (25, 29): "5,3,1,4,1,1,0",   # m2 overdue (due the 24th)
    (30, 30): "5,3,1,3,1,1,0",   # m4 rectified: closed, not late (due BEYOND)
    (31, 31): "5,2,1,2,1,1,0",   # m5 closed on its due day: on time; m3 open, never overdue
})


def csv_rows(client, export: str, day: dt.date, extra: str = "") -> list[str]:
    response = client.get(f"/export/{export}.csv?as_of={day}&year=2026{extra}")
    assert response.status_code == 200, (day, response.get_data(as_text=True))
    return response.data.decode("utf-8-sig").splitlines()


@pytest.mark.usefixtures("calendar_through_2026")
def test_backlog_export_every_day_of_the_year_end(app):
    client = login(app.server.test_client(), "ministry")
    for day in DAYS:
        assert csv_rows(client, "backlog", day)[1:] == [
            "11,北京市,0,0,0,0,0,0", f"44,广东省,{BACKLOG_44[day]}", f"45,广西壮族自治区,{BACKLOG_45[day]}"], day


@pytest.mark.usefixtures("calendar_through_2026")
def test_duplicates_export_every_day_of_the_year_end(app):
    client = login(app.server.test_client(), "ministry")
    for day in DAYS:
        assert csv_rows(client, "duplicates", day)[1:] == [
            "11,北京市,0,0,0,0,0,0,0", f"44,广东省,{DUPLICATES_44[day]}", "45,广西壮族自治区,0,0,0,0,0,0,0"], day


@pytest.mark.usefixtures("calendar_through_2026")
def test_case_lists_show_no_due_day_past_the_calendar(app):
    client = login(app.server.test_client(), "ministry")
    lines = csv_rows(client, "backlog", dt.date(2026, 12, 31), "&school=1")
    header = lines[0].split(",")
    cases = {r["change_type"] + ":" + r["occurred_on"]: r for r in
             pd.read_csv(io.StringIO("\n".join(lines)), dtype=str, keep_default_na=False).to_dict("records")}
    assert "record_due_on" in header and "recording" in header
    # c4: due the 31st, pending; c5: due BEYOND, recorded the 30th, on time, awaiting with no approval due
    # day; c6: due BEYOND, pending; c3: late, awaiting (approval due BEYOND)
    c4, c5, c6 = cases["suspend:2026-12-17"], cases["major_change:2026-12-18"], cases["suspend:2026-12-22"]
    assert (c4["record_due_on"], c4["recording"]) == ("2026-12-31", "pending")
    assert (c5["record_due_on"], c5["recording"], c5["approval_due_on"], c5["approval"]) == (
        "", "on_time", "", "awaiting")
    assert (c6["record_due_on"], c6["recording"], c6["recording_workdays"]) == ("", "pending", "7")
    c3 = cases["resume:2026-12-14"]
    assert (c3["record_due_on"], c3["recording"], c3["approval"]) == ("2026-12-28", "late", "awaiting")
    assert "9999" not in "\n".join(lines)
    matches = csv_rows(client, "duplicates", dt.date(2026, 12, 31), "&school=1")
    assert "9999" not in "\n".join(matches)
    due = {r["pushed_on"]: r["due_on"] for r in pd.read_csv(io.StringIO("\n".join(matches)), dtype=str,
                                                               keep_default_na=False).to_dict("records")}
    assert due == {"2026-12-01": "2026-12-15", "2026-12-10": "2026-12-24", "2026-12-17": "2026-12-31",
                   "2026-12-18": "", "2026-12-21": ""}


@pytest.mark.usefixtures("calendar_through_2026")
def test_pages_render_whole_at_the_year_end(app):
    client = login(app.server.test_client(), "ministry")
    for day in (DAYS[0], dt.date(2026, 12, 25), DAYS[-1]):
        for path, extra in (("/backlog", {}), ("/backlog", {"school": "1"}), ("/duplicates", {}),
                            ("/duplicates", {"school": "1"}), ("/briefing", {})):
            view = open_view(client, path, {"as_of": day.isoformat(), "year": "2026", **extra})
            assert (view.layout_status, view.content_status) == (200, 200), (path, day)
            assert "aw-message" not in view.content and "2027 年的法定节假日" not in view.text, (path, day)


@pytest.mark.usefixtures("calendar_through_2026")
def test_the_briefing_keeps_every_area_at_the_year_end(app):
    """31 Dec, a week before (24 Dec) and a month before (1 Dec): duplicates open 2 / 4 / 1 (only m1 pushed
    by 1 Dec, verified only on the 16th), overdue 1 / 0 / 0; status changes unrecorded past the limit
    1 / 0 / 0 (c2 from the 25th), approvals overdue 1 / 1 / 1 (c8)."""
    client = login(app.server.test_client(), "leader")
    response = client.get("/export/briefing.xlsx?as_of=2026-12-31&year=2026")
    assert response.status_code == 200, response.get_data(as_text=True)
    frame = pd.read_excel(io.BytesIO(response.data), dtype={"code": str})
    heads = frame[frame["section"] == "headline"].set_index("metric")
    got = {k: [int(v) for v in heads.loc[k, ["value", "week_value", "month_value"]]]
           for k in ("open", "overdue", "unrecorded_overdue", "overdue_approval", "phantom_suspects")}
    assert got == {"open": [2, 4, 1], "overdue": [1, 0, 0], "unrecorded_overdue": [1, 0, 0],
                   "overdue_approval": [1, 1, 1], "phantom_suspects": [0, 0, 0]}
    page = open_view(client, "/briefing", {"as_of": "2026-12-31", "year": "2026"})
    assert "暂不可用" not in page.content and "aw-message" not in page.content


GAP_ZH, GAP_EN = "2027 年节假日安排尚未载入", "The 2027 public holiday schedule is not loaded yet"


@pytest.mark.usefixtures("calendar_through_2026")
def test_ministry_users_are_warned_on_every_page_from_1_december(app, monkeypatch):
    monkeypatch.setattr(context, "today", lambda: dt.date(2026, 12, 1))
    client = login(app.server.test_client(), "ministry")
    for path in ["/", *(page.PATH for page in dashboard.PAGES.values())]:
        view = open_view(client, path, {"as_of": "2026-12-20", "year": "2026", "school": "1"}
                         if path == "/school" else {"as_of": "2026-12-20", "year": "2026"})
        assert view.layout_status == 200 and GAP_ZH in view.layout and "aw-calendar-gap" in view.layout, path
        assert "AIDWATCH_WORKDAY_SUPPLEMENT" in view.layout and "国务院办公厅" in view.layout
    english = open_view(client, "/backlog", {"lang": "en"})
    assert GAP_EN in english.layout and "supplement file" in english.layout and GAP_ZH not in english.layout


@pytest.mark.usefixtures("calendar_through_2026")
@pytest.mark.parametrize(("today", "user"), [
    (dt.date(2026, 11, 30), "ministry"),   # before 1 December: not due yet
    (dt.date(2025, 12, 3), "ministry"),    # December 2025: 2026 is known
    (dt.date(2026, 12, 3), "gd"),          # a province supervisor cannot load it: not told
    (dt.date(2026, 12, 3), "leader"),
])
def test_no_warning_when_the_schedule_is_not_due_or_not_theirs(app, monkeypatch, today, user):
    monkeypatch.setattr(context, "today", lambda: today)
    client = login(app.server.test_client(), user)
    view = open_view(client, "/backlog" if user != "leader" else "/briefing", {"as_of": "2026-12-20", "year": "2026"})
    assert view.layout_status == 200 and "aw-calendar-gap" not in view.layout and GAP_ZH not in view.layout


@pytest.mark.usefixtures("calendar_through_2026")
def test_a_count_into_the_unknown_year_fails_its_briefing_area_alone(app, monkeypatch):
    """Were an area's figures to need 2027 after all, that area says so and the others stand."""
    def needs_2027(*args, **kwargs):
        raise UnknownCalendarYear(2027)

    monkeypatch.setattr(briefing_view.dup_m, "classify", needs_2027)
    forget(app)  # earlier tests rendered this view: its answer must not come from their cache
    client = login(app.server.test_client(), "leader")
    page = open_view(client, "/briefing", {"as_of": "2026-12-31", "year": "2026"})
    assert page.content_status == 200 and "aw-message" not in page.content
    assert page.content.count("暂不可用：工作日日历尚未收录 2027 年") == 1
    assert "br-backlog-unrecorded_overdue" in page.content and "br-duplicates-open" not in page.content
    # and the banner above the view names it, to a reader who is not told of the gap otherwise
    assert "本视图中的重复资助要用到 2027 年的工作日" in page.content and "aw-calendar-gap" not in page.layout


VIEW_BANNER = "aw-calendar-view"


@pytest.mark.usefixtures("calendar_through_2026")
def test_other_readers_see_the_gap_only_on_a_view_whose_figures_need_the_next_year(app, monkeypatch):
    """A province supervisor in December: no banner where every figure is decided without 2027 (the
    province's counts: a due day past the calendar is after every D), one naming the figures where a due
    day runs into 2027 (school 1's cases on 31 Dec: record due days of c5 and c6, approval due days of c3
    and c5; duplicate due days of m3 and m4), and none at school 1 on 10 Dec, when no clock reaches 2027."""
    monkeypatch.setattr(context, "today", lambda: dt.date(2026, 12, 20))
    client = login(app.server.test_client(), "gd")
    end, before = {"as_of": "2026-12-31", "year": "2026"}, {"as_of": "2026-12-10", "year": "2026"}
    for path, query in (("/backlog", end), ("/duplicates", end), ("/deadlines", end), ("/records", end),
                        ("/backlog", {**before, "school": "1"}), ("/duplicates", {**before, "school": "1"})):
        view = open_view(client, path, query)
        assert view.content_status == 200 and "aw-message" not in view.content, (path, query)
        assert "aw-calendar-gap" not in view.text and VIEW_BANNER not in view.text, (path, query)
        assert "2027" not in view.text, (path, query)
    backlog = open_view(client, "/backlog", {**end, "school": "1"})
    assert VIEW_BANNER in backlog.content and "aw-calendar-gap" not in backlog.layout
    assert ("本视图中的学籍异动的办理期限（2 条）、学籍异动的审批期限（2 条）要用到 2027 年的工作日：2027 年节假日安排"
            "尚未公布或尚未载入") in backlog.content
    duplicates = open_view(client, "/duplicates", {**end, "school": "1", "lang": "en"})
    assert ("On this view, duplicate-aid alerts' due days (2) need 2027's working days: the 2027 public holiday "
            "schedule is not published or not loaded yet") in duplicates.content


@pytest.mark.usefixtures("calendar_through_2026")
def test_the_ministry_sees_the_gap_on_every_view_and_which_figures_need_it(app, monkeypatch):
    monkeypatch.setattr(context, "today", lambda: dt.date(2026, 12, 20))
    client = login(app.server.test_client(), "ministry")
    province = open_view(client, "/backlog", {"as_of": "2026-12-31", "year": "2026", "province": "44"})
    assert GAP_ZH in province.layout and VIEW_BANNER not in province.content
    school = open_view(client, "/backlog", {"as_of": "2026-12-31", "year": "2026", "school": "1"})
    assert GAP_ZH in school.layout and "学籍异动的办理期限（2 条）" in school.content
