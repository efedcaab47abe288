"""The duplicate-alert rules on their own: small hand-made frames, Chinese working days, the kind/batch URL params."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from aidwatch.metrics import duplicates as m
from aidwatch.workdays import calendar
from aidwatch.viewstate import BadView, View, parse_query_string, parse_view

D = dt.date.fromisoformat
CAL = calendar()


def frame(*rows) -> pd.DataFrame:
    """Grouped rows: (school, kind, batch, pushed, verified, outcome, rectified, n); the child code is the school."""
    out = pd.DataFrame(rows, columns=[
        "school", "kind", "batch_month", "pushed_on", "verified_on", "outcome", "rectified_on", "n"])
    out["code"] = out["school"]
    for col in ("pushed_on", "verified_on", "rectified_on"):
        out[col] = pd.to_datetime(out[col]).astype("datetime64[s]")
    return out


def test_closed_on_the_later_day_and_late_by_working_days():
    f = frame(
        ("A", "grant", "2025-09", "2025-09-26", "2025-10-10", "confirmed", "2025-10-16", 1),   # closed on due day
        ("A", "grant", "2025-09", "2025-09-26", "2025-10-17", "confirmed", "2025-10-11", 2),   # rectified "before"
        ("A", "tuition", "2025-09", "2025-09-26", "2025-10-20", "false_positive", None, 1),   # late
        ("A", "tuition", "2025-09", "2025-09-26", "2025-10-12", "confirmed", None, 4),       # confirmed, not fixed
    )
    s = m.classify(f, D("2025-10-31"), CAL, 10)
    assert list(s["due_on"].dt.date) == [D("2025-10-16")] * 4
    # the second closes on its verification day (17 Oct), the later of the two: late
    assert list(s["closed_on"].dt.strftime("%Y-%m-%d").fillna("open")) == ["2025-10-16", "2025-10-17", "2025-10-20",
                                                                          "open"]
    assert list(s["closed_late"]) == [False, True, True, False]
    assert list(s["overdue"]) == [False, False, False, True]
    # elapsed stops at the closing day: (26 Sep, 16 Oct] = 10, 17 Oct = 11, 20 Oct = 12; open: to 31 Oct = 21
    assert list(s["elapsed"]) == [10, 11, 12, 21]
    row = m.total_row("A", "a", s, 0)
    assert (row["matches"], row["confirmed"], row["open"], row["overdue"], row["closed_late"]) == (8, 7, 4, 4, 3)


def test_dates_after_d_do_not_exist_yet():
    f = frame(("A", "grant", "2025-09", "2025-09-26", "2025-10-15", "confirmed", "2025-10-17", 1),
              ("A", "grant", "2025-10", "2025-10-27", None, None, None, 1))
    s = m.classify(f, D("2025-10-14"), CAL, 10)
    # the second match is not pushed yet; the first is not verified yet
    assert len(s) == 1 and bool(s["unverified"].iloc[0]) and s["outcome"].isna().all()
    assert not bool(s["overdue"].iloc[0])
    s = m.classify(f, D("2025-10-16"), CAL, 10)
    assert bool(s["confirmed"].iloc[0]) and bool(s["open"].iloc[0]) and not bool(s["overdue"].iloc[0])


def test_ageing_bucket_edges():
    # pushed 26 Sep; as of 10 Oct = 5 working days (28, 29, 30 Sep, 9, 10 Oct); 11 Oct (Sat, make-up) = 6
    f = frame(("A", "grant", "2025-09", "2025-09-26", None, None, None, 1))
    assert m.ageing(m.classify(f, D("2025-10-10"), CAL, 10)).groupby("bucket")["n"].sum()["0-5"] == 1
    assert m.ageing(m.classify(f, D("2025-10-11"), CAL, 10)).groupby("bucket")["n"].sum()["6-10"] == 1
    # 10 working days on 16 Oct, 11 on 17 Oct (and overdue), 20 on 30 Oct, 21 on 31 Oct
    assert m.ageing(m.classify(f, D("2025-10-17"), CAL, 10)).groupby("bucket")["n"].sum()["11-20"] == 1
    assert m.ageing(m.classify(f, D("2025-10-30"), CAL, 10)).groupby("bucket")["n"].sum()["11-20"] == 1
    assert m.ageing(m.classify(f, D("2025-10-31"), CAL, 10)).groupby("bucket")["n"].sum()["20+"] == 1


def test_alert_rules_and_their_order():
    f = frame(
        ("1", "grant", "2025-09", "2025-09-26", None, None, None, 1),              # overdue on 1 Nov
        ("2", "grant", "2025-10", "2025-10-27", None, None, None, 6),              # 6 open, none overdue
        ("3", "grant", "2025-10", "2025-10-27", "2025-10-28", "false_positive", None, 1),  # touched, closed
        ("4", "tuition", "2025-10", "2025-10-27", None, None, None, 2),            # untouched batch
        ("4", "tuition", "2025-09", "2025-09-26", "2025-09-29", "false_positive", None, 1),
    )
    s = m.classify(f, D("2025-10-31"), CAL, 10)
    repeat = pd.DataFrame({"code": ["3"], "n": [1]})
    a = m.alerts(s, repeat)
    assert list(a["code"]) == ["1", "3", "2", "4"]
    assert list(a["rule"]) == ["overdue", "repeat", "many_open", "untouched"]
    # school 2's six fresh matches are also an untouched batch; the alert names both reasons, worst first
    assert a.loc[a["code"] == "2", "rules"].iloc[0] == ("many_open", "untouched")
    assert a.loc[a["code"] == "4", "batch"].iloc[0] == "2025-10"
    assert m.alerts(s.iloc[0:0], repeat.iloc[0:0]).empty


def test_trend_share_counts_only_matches_already_due():
    f = frame(("A", "grant", "2025-09", "2025-09-26", "2025-10-10", "false_positive", None, 3),
              ("A", "grant", "2025-09", "2025-09-26", None, None, None, 1),
              ("A", "grant", "2025-10", "2025-10-27", "2025-10-28", "false_positive", None, 2))
    tr = m.trend(m.classify(f, D("2025-10-31"), CAL, 10), D("2025-10-31"))
    assert tr[["batch_month", "matches", "on_time"]].values.tolist() == [["2025-09", 4, 3], ["2025-10", 2, 0]]
    assert tr["pct_on_time"].iloc[0] == 75.0 and pd.isna(tr["pct_on_time"].iloc[1])


def test_kind_and_batch_in_the_url():
    view = parse_view(parse_query_string("?year=2025&kind=grant&batch=2025-09"), 2026)
    assert (view.kind, view.batch) == ("grant", "2025-09")
    assert view.query() == "?year=2025&kind=grant&batch=2025-09"
    assert View(kind="tuition").query(kind=None) == ""


@pytest.mark.parametrize("query,message", [
    ({"kind": "cash"}, "kind"), ({"batch": "2025-13"}, "batch"), ({"batch": "2025-9"}, "batch"),
    ({"batch": "2024-12"}, "batch"), ({"batch": "2026-01", "year": "2025"}, "batch"),
])
def test_bad_kind_and_batch_are_named(query, message):
    with pytest.raises(BadView, match=message):
        parse_view(query, 2026)
