"""Chinese official working days: the clock of every deadline.

The 2025 and 2026 schedules below are written out by hand from the State
Council's notices (国务院办公厅关于2025年/2026年部分节假日安排的通知), independent
of the ``chinese_calendar`` package, and every day of both years is compared.
"""

from __future__ import annotations

import datetime as dt
import random
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from aidwatch import workdays
from aidwatch.workdays import (BEYOND, BEYOND_D, SUPPLEMENT_ENV, UnknownCalendarYear, WorkCalendar, beyond,
                               calendar, load_supplement, shown)

D = dt.date.fromisoformat


def days(first: str, last: str) -> set[dt.date]:
    a, b = D(first), D(last)
    return {a + dt.timedelta(days=i) for i in range((b - a).days + 1)}


# Official days off (weekdays and weekends alike) and make-up working days (调休).
SCHEDULE = {
    2025: (
        days("2025-01-01", "2025-01-01")  # 元旦
        | days("2025-01-28", "2025-02-04")  # 春节
        | days("2025-04-04", "2025-04-06")  # 清明
        | days("2025-05-01", "2025-05-05")  # 劳动节
        | days("2025-05-31", "2025-06-02")  # 端午
        | days("2025-10-01", "2025-10-08"),  # 国庆 + 中秋
        {D("2025-01-26"), D("2025-02-08"), D("2025-04-27"), D("2025-09-28"), D("2025-10-11")},
    ),
    2026: (
        days("2026-01-01", "2026-01-03")
        | days("2026-02-15", "2026-02-23")
        | days("2026-04-04", "2026-04-06")
        | days("2026-05-01", "2026-05-05")
        | days("2026-06-19", "2026-06-21")
        | days("2026-09-25", "2026-09-27")
        | days("2026-10-01", "2026-10-07"),
        {D("2026-01-04"), D("2026-02-14"), D("2026-02-28"), D("2026-05-09"), D("2026-09-20"), D("2026-10-10")},
    ),
}


@pytest.fixture(autouse=True)
def no_supplement_from_the_environment(monkeypatch):
    """Every test starts from the library's years alone, whatever the developer's environment says."""
    monkeypatch.delenv(SUPPLEMENT_ENV, raising=False)


@pytest.fixture(scope="module")
def cal() -> WorkCalendar:
    # Building the calendar walks every day since 2004 (about a second): once per module is enough.
    workdays._calendar_for.cache_clear()
    return workdays._calendar_for(None)


def test_without_a_supplement_the_process_calendar_is_the_library_one():
    cal = calendar()
    assert cal.years == frozenset(range(2004, 2027))
    assert calendar() is cal  # built once per process, not per request


# -- the schedules -------------------------------------------------------------------------------


@pytest.mark.parametrize("year", sorted(SCHEDULE))
def test_every_day_of_the_year_matches_the_official_schedule(cal, year):
    holidays, makeups = SCHEDULE[year]
    assert all(d.weekday() >= 5 for d in makeups)  # make-up days are weekend days by definition
    wrong = []
    for day in days(f"{year}-01-01", f"{year}-12-31"):
        expected = day in makeups or (day.weekday() < 5 and day not in holidays)
        if cal.is_workday(day) != expected:
            wrong.append(day.isoformat())
    assert wrong == []


@pytest.mark.parametrize("year, count", [(2025, 248), (2026, 248)])
def test_working_days_per_year(cal, year, count):
    # 261 weekdays − weekday holidays (2025: 18, 2026: 19) + make-up days (2025: 5, 2026: 6)
    assert cal.workdays_between(dt.date(year - 1, 12, 31), dt.date(year, 12, 31)) == count


def test_spring_festival_2025(cal):
    assert cal.is_workday(D("2025-01-26"))  # Sunday, make-up
    assert not cal.is_workday(D("2025-01-25"))  # Saturday
    assert [cal.is_workday(d) for d in sorted(days("2025-01-28", "2025-02-04"))] == [False] * 8
    assert cal.is_workday(D("2025-02-08"))  # Saturday, make-up
    assert not cal.is_workday(D("2025-02-09"))
    assert cal.due(D("2025-01-24"), 1) == D("2025-01-26")
    assert cal.due(D("2025-01-24"), 2) == D("2025-01-27")
    assert cal.due(D("2025-01-24"), 3) == D("2025-02-05")
    assert cal.due(D("2025-01-27"), 4) == D("2025-02-08")
    assert cal.due(D("2025-01-27"), 5) == D("2025-02-10")
    # (24 Jan, 10 Feb]: 26, 27 Jan; 5, 6, 7, 8, 10 Feb
    assert cal.workdays_between(D("2025-01-24"), D("2025-02-10")) == 7


def test_labour_day_2025(cal):
    assert cal.is_workday(D("2025-04-27"))  # Sunday, make-up
    assert not any(cal.is_workday(d) for d in days("2025-05-01", "2025-05-05"))
    assert cal.due(D("2025-04-25"), 1) == D("2025-04-27")
    assert cal.due(D("2025-04-25"), 4) == D("2025-04-30")
    assert cal.due(D("2025-04-25"), 5) == D("2025-05-06")
    assert cal.due(D("2025-04-30"), 1) == D("2025-05-06")
    assert cal.workdays_between(D("2025-04-30"), D("2025-05-06")) == 1


def test_national_day_2025(cal):
    assert cal.is_workday(D("2025-09-28"))  # Sunday, make-up
    assert cal.is_workday(D("2025-10-11"))  # Saturday, make-up
    assert not any(cal.is_workday(d) for d in days("2025-10-01", "2025-10-08"))
    assert cal.due(D("2025-09-30"), 1) == D("2025-10-09")
    assert cal.due(D("2025-10-10"), 1) == D("2025-10-11")
    assert cal.due(D("2025-10-10"), 2) == D("2025-10-13")


def test_the_spec_example(cal):
    # A change on Friday 2025-09-26 is due 2025-10-16: 28 Sep and 11 Oct count, 1–8 Oct do not.
    assert cal.due(D("2025-09-26"), 10) == D("2025-10-16")
    weekday_only = np.busday_offset(np.datetime64("2025-09-26"), 10, roll="forward")
    assert weekday_only == np.datetime64("2025-10-10")  # what a naive count would wrongly say


def test_due_excludes_the_start_day(cal):
    assert cal.due(D("2025-06-03"), 1) == D("2025-06-04")  # a Tuesday: the next day, not itself
    assert cal.due(D("2025-09-28"), 1) == D("2025-09-29")  # a make-up Sunday is not counted either
    assert cal.due(D("2025-05-30"), 1) == D("2025-06-03")  # Dragon Boat 31 May – 2 June


def test_a_start_day_on_a_holiday(cal):
    assert cal.due(D("2025-10-01"), 1) == D("2025-10-09")
    # after 3 Oct: 9, 10, 11 (Sat), 13, 14, 15, 16, 17, 20, 21 Oct
    assert cal.due(D("2025-10-03"), 10) == D("2025-10-21")
    assert cal.due(D("2025-02-01"), 1) == D("2025-02-05")
    assert cal.due(D("2026-02-15"), 1) == D("2026-02-24")


def test_due_needs_a_positive_count(cal):
    with pytest.raises(ValueError):
        cal.due(D("2025-06-03"), 0)
    with pytest.raises(ValueError):
        cal.due_many(np.array(["2025-06-03"], dtype="datetime64[D]"), 0)


def test_next_workday(cal):
    assert cal.next_workday(D("2025-10-01")) == D("2025-10-09")
    assert cal.next_workday(D("2025-09-28")) == D("2025-09-28")
    assert cal.next_workday(D("2025-06-03")) == D("2025-06-03")


def test_workdays_between_sign_and_values(cal):
    assert cal.workdays_between(D("2025-09-26"), D("2025-10-16")) == 10
    assert cal.workdays_between(D("2025-10-16"), D("2025-09-26")) == -10
    assert cal.workdays_between(D("2025-06-03"), D("2025-06-03")) == 0
    assert cal.workdays_between(D("2025-10-01"), D("2025-10-08")) == 0  # all holidays
    assert cal.workdays_between(D("2025-09-30"), D("2025-10-09")) == 1
    assert cal.workdays_between(D("2025-10-09"), D("2025-09-30")) == -1
    # working_days_left on the due day is 0, one working day later it is -1 (4 May → 6 May over Labour Day)
    assert cal.workdays_between(D("2025-04-30"), D("2025-04-30")) == 0
    assert cal.workdays_between(D("2025-05-06"), D("2025-04-30")) == -1
    # across a year boundary: 29, 30, 31 Dec 2025 and 4 Jan 2026 (make-up Sunday)
    assert cal.workdays_between(D("2025-12-26"), D("2026-01-04")) == 4


def test_due_and_workdays_between_are_inverse(cal):
    rng = random.Random(20250926)
    first, last = D("2004-01-01").toordinal(), D("2026-11-30").toordinal()
    for _ in range(500):
        day = dt.date.fromordinal(rng.randint(first, last))
        n = rng.randint(1, 20)
        due = cal.due(day, n)
        assert cal.workdays_between(day, due) == n
        assert cal.is_workday(due)
        assert cal.workdays_between(day, due - dt.timedelta(days=1)) == n - 1


# -- vectorised = scalar ------------------------------------------------------------------------


def random_days(rng: random.Random, count: int, nat_share: float = 0.1) -> list[dt.date | None]:
    first, last = D("2004-01-01").toordinal(), D("2026-11-30").toordinal()
    return [None if rng.random() < nat_share else dt.date.fromordinal(rng.randint(first, last)) for _ in range(count)]


@pytest.mark.parametrize("n", [1, 10, 20])
def test_due_many_equals_due(cal, n):
    rng = random.Random(n)
    starts = random_days(rng, 3000)
    got = cal.due_many(np.array([np.datetime64(d) if d else np.datetime64("NaT") for d in starts]), n)
    assert got.dtype == np.dtype("datetime64[D]")
    for day, value in zip(starts, got):
        if day is None:
            assert np.isnat(value)
        else:
            assert value.astype(dt.date) == cal.due(day, n)


def test_due_many_takes_a_pandas_series_with_nat(cal):
    s = pd.Series(pd.to_datetime(["2025-09-26", None, "2025-04-30", "2025-01-24"]))
    got = cal.due_many(s, 10)
    assert list(got[[0, 2, 3]].astype(dt.date)) == [D("2025-10-16"), D("2025-05-19"), D("2025-02-13")]
    assert np.isnat(got[1])
    assert cal.due_many(np.array([], dtype="datetime64[D]"), 10).size == 0


def test_workdays_between_many_equals_workdays_between(cal):
    rng = random.Random(42)
    starts, ends = random_days(rng, 3000), random_days(rng, 3000)
    got = cal.workdays_between_many(
        pd.Series(pd.to_datetime(starts)), pd.Series(pd.to_datetime(ends))
    )
    assert np.isnan(got).sum() == sum(1 for s, e in zip(starts, ends) if s is None or e is None) > 0
    for s, e, value in zip(starts, ends, got):
        if s is None or e is None:
            assert np.isnan(value)
        else:
            assert value == cal.workdays_between(s, e)


def test_workdays_between_many_broadcasts_a_single_as_of(cal):
    due = np.array(["2025-04-30", "2025-05-20", "2025-05-31", "NaT"], dtype="datetime64[D]")
    got = cal.workdays_between_many(np.datetime64("2025-05-06"), due)
    # (6 May, 20 May] = 10; (6 May, 31 May] = 18 (31 May is a holiday, Saturday anyway)
    assert got[:3].tolist() == [-1.0, 10.0, 18.0]
    assert np.isnan(got[3])


# -- years the calendar does not know ------------------------------------------------------------


def test_library_years(cal):
    assert (cal.first, cal.last) == (D("2004-01-01"), D("2026-12-31"))
    assert cal.years == frozenset(range(2004, 2027))


@pytest.mark.parametrize("year", [2031, 1999])
def test_an_unknown_year_is_an_error_naming_it(cal, year):
    day = dt.date(year, 3, 2)
    for call in (
        lambda: cal.due(day, 1),
        lambda: cal.is_workday(day),
        lambda: cal.workdays_between(D("2025-06-03"), day),
        lambda: cal.due_many(np.array([np.datetime64("2025-06-03"), np.datetime64(day)]), 1),
        lambda: cal.workdays_between_many(np.datetime64("2025-06-03"), np.array([np.datetime64(day)])),
    ):
        with pytest.raises(UnknownCalendarYear) as info:
            call()
        assert info.value.year == year
        assert str(year) in str(info.value)
        assert SUPPLEMENT_ENV in str(info.value)


def test_a_due_date_past_the_last_known_day_is_beyond_every_known_day(calendar_through_2026):
    cal = calendar_through_2026
    assert cal.due(D("2026-12-25"), 4) == D("2026-12-31")
    # the fifth working day after 25 Dec 2026 is in 2027: not an error, but a day after every known day
    assert cal.due(D("2026-12-25"), 5) == BEYOND
    assert all(cal.due(D("2026-12-25"), 5) > d for d in (D("2026-12-31"), D("2026-01-01")))
    got = cal.due_many(np.array(["2025-06-03", "2026-12-25", "NaT", "2026-12-17"], dtype="datetime64[D]"), 10)
    # 2025-06-03 → 17 Jun; 17 Dec 2026 + 10 working days: 18, 21–25, 28–31 Dec = 10 → 31 Dec
    assert got[[0, 3]].tolist() == [D("2025-06-17"), D("2026-12-31")]
    assert beyond(got).tolist() == [False, True, False, False] and np.isnat(got[2])
    assert np.isnat(shown(got)[1]) and shown(got)[0] == got[0]


def test_a_count_that_runs_into_the_unknown_year_names_it(calendar_through_2026):
    cal = calendar_through_2026
    for call in (lambda: cal.workdays_between(D("2026-12-20"), BEYOND),
                 lambda: cal.workdays_between(D("2026-12-20"), D("2027-01-04")),
                 lambda: cal.workdays_between_many(np.datetime64("2026-12-20"), np.array([BEYOND_D]))):
        with pytest.raises(UnknownCalendarYear) as info:
            call()
        assert info.value.year == 2027 and "2027" in str(info.value)
    # with outside="nat" the count is unknown (NaN) for that row alone
    got = cal.workdays_between_many(np.array(["2026-12-01", "2026-12-20"], dtype="datetime64[D]"),
                                    np.array(["2026-12-31", BEYOND_D], dtype="datetime64[D]"), outside="nat")
    assert got[0] == 22 and np.isnan(got[1])


def test_unknown_calendar_year_is_a_lookup_error():
    assert issubclass(UnknownCalendarYear, LookupError)


# -- the operator's supplement file --------------------------------------------------------------

# Test data in the shape of a State Council notice; not the real 2027 schedule.
SUPPLEMENT_2027 = """
[2027]
holidays = [
    "2027-01-01",
    "2027-02-05", "2027-02-06", "2027-02-07", "2027-02-08", "2027-02-09", "2027-02-10", "2027-02-11",
    2027-05-01, 2027-05-02, 2027-05-03, 2027-05-04, 2027-05-05,
]
workdays = ["2027-02-13", 2027-04-25]
"""


@pytest.fixture
def use_supplement(monkeypatch, tmp_path):
    """Point AIDWATCH_WORKDAY_SUPPLEMENT at a file with ``text``; the cached calendar is dropped both ways."""

    def write(text: str):
        path = tmp_path / "workday-supplement.toml"
        path.write_text(text, "utf-8")
        monkeypatch.setenv(SUPPLEMENT_ENV, str(path))
        workdays._calendar_for.cache_clear()
        return path

    yield write
    workdays._calendar_for.cache_clear()


def test_a_supplement_adds_a_year(use_supplement):
    use_supplement(SUPPLEMENT_2027)
    cal = calendar()
    assert cal.last == D("2027-12-31") and 2027 in cal.years
    assert not cal.is_workday(D("2027-01-01"))  # Friday, holiday
    assert not cal.is_workday(D("2027-02-08"))  # Monday, holiday
    assert cal.is_workday(D("2027-02-13"))  # Saturday, make-up (quoted date)
    assert cal.is_workday(D("2027-04-25"))  # Sunday, make-up (TOML date literal)
    assert not cal.is_workday(D("2027-05-03"))  # Monday, holiday (TOML date literal)
    assert cal.is_workday(D("2027-05-06"))  # an ordinary Thursday
    assert not cal.is_workday(D("2027-05-08"))  # an ordinary Saturday
    # Across the year boundary: 31 Dec 2026 is a Thursday; 1 Jan 2027 a holiday; 4 Jan a Monday.
    assert cal.due(D("2026-12-31"), 1) == D("2027-01-04")
    assert cal.due(D("2026-12-25"), 10) == D("2027-01-11")
    # Library years are untouched by the supplement.
    assert cal.due(D("2025-09-26"), 10) == D("2025-10-16")
    # And the next year is still unknown, by name.
    assert cal.due(D("2027-12-31"), 1) == BEYOND
    with pytest.raises(UnknownCalendarYear, match="2028"):
        cal.workdays_between(D("2027-12-31"), cal.due(D("2027-12-31"), 1))


def test_the_supplement_is_parsed_by_year(tmp_path):
    path = tmp_path / "supplement.toml"
    path.write_text(SUPPLEMENT_2027, "utf-8")
    parsed = load_supplement(path)
    assert list(parsed) == [2027]
    holidays, makeups = parsed[2027]
    assert len(holidays) == 13 and min(holidays) == D("2027-01-01")
    assert sorted(makeups) == [D("2027-02-13"), D("2027-04-25")]


def test_no_supplement_means_no_extra_years():
    assert load_supplement(None) == {}
    assert load_supplement("") == {}


def test_a_gap_year_in_the_supplement_is_an_error(use_supplement):
    use_supplement(SUPPLEMENT_2027.replace("[2027]", "[2028]").replace("2027-", "2028-"))
    with pytest.raises(UnknownCalendarYear) as info:
        calendar()
    assert info.value.year == 2027


def test_a_day_of_another_year_in_a_supplement_table_is_an_error(use_supplement):
    use_supplement('[2027]\nholidays = ["2027-01-01", "2028-01-01"]\n')
    with pytest.raises(ValueError, match="supplement year 2027: holiday day 2028-01-01 is in another year"):
        calendar()


def test_a_missing_supplement_file_is_an_error(monkeypatch, tmp_path):
    missing = tmp_path / "nope.toml"
    monkeypatch.setenv(SUPPLEMENT_ENV, str(missing))
    with pytest.raises(FileNotFoundError) as info:
        calendar()
    assert SUPPLEMENT_ENV in str(info.value) and str(missing) in str(info.value)


def test_the_schedule_due_and_missing(calendar_through_2026):
    cal = calendar_through_2026
    assert cal.missing_schedule(D("2026-11-30")) is None          # next year's is due only from 1 December
    assert cal.missing_schedule(D("2026-12-01")) == 2027
    assert cal.missing_schedule(D("2026-12-31")) == 2027
    assert cal.missing_schedule(D("2025-12-01")) is None          # 2026 is known
    assert cal.missing_schedule(D("2027-03-01")) == 2027          # the current year itself, at any time


def test_the_documented_2027_template_is_the_supplement_format(tmp_path):
    """docs/working-days.md's template loads once its placeholders are dates, and refuses to load before."""
    doc = (Path(__file__).parent.parent / "docs" / "working-days.md").read_text("utf-8")
    template = next(block for block in doc.split("```toml\n")[1:] if "[2027]" in block).split("```")[0]
    assert "国务院办公厅关于2027年部分节假日安排的通知" in template and "2027-MM-DD" in template
    path = tmp_path / "supplement.toml"
    path.write_text(template, "utf-8")
    with pytest.raises(ValueError, match="2027-MM-DD"):
        load_supplement(path)
    path.write_text(template.replace("2027-MM-DD", "2027-01-01"), "utf-8")
    holidays, makeups = load_supplement(path)[2027]
    assert holidays == makeups == {D("2027-01-01")}
