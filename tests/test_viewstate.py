"""URL view state: strict parsing, round trips, and links that keep the view."""

from __future__ import annotations

import datetime as dt

import pytest

from aidwatch.viewstate import BadView, View, lang_of, parse_query_string, parse_view


def test_round_trip_keeps_every_parameter():
    query = "?as_of=2025-06-06&year=2025&province=44&city=440100&school=7&deadline=rollout_report&lang=en"
    view = parse_view(parse_query_string(query), 2026)
    assert view == View(dt.date(2025, 6, 6), 2025, "44", "440100", "7", "rollout_report", "en")
    assert view.query() == query


def test_defaults_and_changes():
    view = parse_view({}, 2026)
    assert view.query() == "" and view.resolved(dt.date(2025, 11, 26)) == (dt.date(2025, 11, 26), 2025)
    assert parse_view({"as_of": "2026-01-05"}, 2026).resolved(dt.date(2025, 1, 1)) == (dt.date(2026, 1, 5), 2026)
    view = View(province="44", city="440100", lang="zh")
    assert view.query(city=None) == "?province=44"
    assert view.query(lang="en") == "?province=44&city=440100&lang=en"


@pytest.mark.parametrize("query,message", [
    ({"as_of": "2025-02-30"}, "as_of"), ({"as_of": "2031-01-01"}, "outside"), ({"year": "25"}, "year"),
    ({"year": "2024"}, "outside"), ({"province": "4"}, "province"), ({"city": "44010"}, "city"),
    ({"school": "x1"}, "school"), ({"deadline": "payday"}, "deadline"), ({"lang": "de"}, "lang"),
])
def test_bad_values_are_named(query, message):
    with pytest.raises(BadView, match=message):
        parse_view(query, 2026)


def test_blank_values_mean_absent():
    assert parse_view({"province": "", "as_of": " "}, 2026) == View()


def test_the_header_link_to_the_briefing_keeps_the_province_only():
    from dashboard.components.frame import nav_query

    view = View(as_of=dt.date(2025, 6, 10), year=2025, province="44", city="440100", school=3)
    assert nav_query("/briefing", view) == "?as_of=2025-06-10&year=2025&province=44"
    assert nav_query("/deadlines", view) == "?as_of=2025-06-10&year=2025&province=44&city=440100&school=3"


def test_a_repeated_parameter_counts_by_its_first_value_everywhere():
    """Dash's pages router hands ``layout`` a list for a repeated parameter, Flask's ``request.args`` its first
    value: the header, the content and the exports must agree (a page was once framed in one language and
    drawn in the other for ``?lang=en&…&lang=en``)."""
    assert parse_query_string("?lang=en&province=44&lang=zh") == {"lang": "en", "province": "44"}
    assert lang_of({"lang": ["en", "en"]}) == "en" and lang_of({"lang": ["zh", "en"]}) == "zh"
    assert lang_of({"lang": "en"}) == "en" and lang_of({}) == "zh" and lang_of(None) == "zh"
    assert parse_view({"lang": ["en", "zh"], "province": ["44", "45"]}, 2026) == parse_view(
        parse_query_string("?lang=en&province=44&lang=zh&province=45"), 2026)
