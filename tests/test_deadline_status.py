"""The status rule of deadline progress, on its own (Chinese working days included)."""

from __future__ import annotations

import datetime as dt

from aidwatch.metrics.deadlines import classify, default_deadline
from aidwatch.metrics.rates import pct
from aidwatch.policy import policy_for
from aidwatch.workdays import calendar

D = dt.date.fromisoformat
CAL = calendar()


def test_done_overdue_and_no_data():
    assert classify(10, 10, D("2025-06-01"), D("2025-05-20"), 0, CAL) == "done"
    assert classify(11, 10, D("2025-04-01"), D("2025-05-20"), 0, CAL) == "done"
    assert classify(9, 10, D("2025-05-21"), D("2025-05-20"), 9, CAL) == "overdue"
    assert classify(0, 0, D("2025-05-21"), D("2025-05-20"), 0, CAL) == "no_data"


def test_projection_of_the_recent_pace():
    # 28 Apr 2025: working days left to 20 May = 29 Apr, 30 Apr, 6–9 May, 12–16 May, 19–20 May = 13
    # window (14 Apr, 28 Apr] has 11 working days incl. the make-up Sunday 27 Apr
    assert CAL.workdays_between(D("2025-04-28"), D("2025-05-20")) == 13
    assert CAL.workdays_between(D("2025-04-14"), D("2025-04-28")) == 11
    # 11 done in the window → 1 a day → 50 + 13 = 63
    assert classify(50, 63, D("2025-04-28"), D("2025-05-20"), 39, CAL) == "on_track"
    assert classify(50, 64, D("2025-04-28"), D("2025-05-20"), 39, CAL) == "at_risk"


def test_work_not_started_far_from_the_due_day_is_on_track():
    assert classify(0, 100, D("2025-03-03"), D("2025-10-31"), 0, CAL) == "on_track"
    # within 20 working days it is at risk
    assert classify(0, 100, D("2025-10-20"), D("2025-10-31"), 0, CAL) == "at_risk"


def test_pct_rounds_to_one_decimal_and_is_empty_without_total():
    values = pct([1, 2, 0], [3, 3, 0])
    assert list(values[:2]) == [33.3, 66.7] and values[2] != values[2]


def test_default_deadline_is_the_next_one_due():
    policy = policy_for(2025)
    assert default_deadline(policy, D("2025-05-21")) == "rollout_funds"
    assert default_deadline(policy, D("2025-06-06")) == "rollout_report"
    assert default_deadline(policy, D("2025-12-15")) == "autumn_aid_approval"
