"""Status-change backlog and phantom-enrolment suspects as of a date: the pure side.

The SQL (``queries.backlog``) counts per school with D as a parameter; this
module holds the date arithmetic those queries are built on (``overdue_until``,
``phantom_cutoffs``) and turns their small results into the page's rows: the
per-school counts summed per child region, the spec's export rows, open items by working-day age, the schools ranked by
late-recording rate, and the case lists with their due days and working days
elapsed. See shared/spec/metrics.md, "Status-change backlog", and
docs/metrics-decisions.md.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from aidwatch.metrics.daycounts import day64, day_array, sum_per_code
from aidwatch.metrics.rates import pct
from aidwatch.policy import YearPolicy
from aidwatch.workdays import WorkCalendar, note_past_calendar, shown

#: Changes that take a student off the roll: unapproved by D, the student is a suspect (rule 1).
LEAVING_TYPES = ("withdraw", "transfer_out", "expel", "deceased")
#: Rule names in the order the spec gives them.
RULES = {1: "unapproved_leaving", 2: "long_suspension", 3: "overstay"}
SUSPENSION_YEARS = 2
OVERSTAY_YEARS = 1
#: Programme lengths the overstay rule knows (the registry's are 2–6); any other length never fires it.
PROGRAM_YEARS = range(1, 11)
EXPORT_COLUMNS = ["code", "name", "changes", "late_recorded", "unrecorded_overdue", "awaiting_approval",
                  "overdue_approval", "phantom_suspects"]
#: A school is ranked by its late-recording rate only with at least this many changes whose recording is
#: settled by D (recorded, or unrecorded and overdue): below it one late change would swing the rate by 10 points.
MIN_RANK_VOLUME = 10
RANK_TOP = 50
#: Working-day age buckets of open items: (label, lowest age, highest age).
AGE_BUCKETS = (("0-5", 0, 5), ("6-10", 6, 10), ("11-20", 11, 20), ("21-40", 21, 40), ("41+", 41, 10**6))
CASE_COLUMNS = ["name", "id_number", "change_type", "occurred_on", "record_due_on", "recorded_on",
                "recording_workdays", "recording", "approval_due_on", "approved_on", "rejected_on",
                "approval_workdays", "approval"]
SUSPECT_COLUMNS = ["name", "id_number", "status", "rule", "change_type", "occurred_on", "recorded_on",
                   "approved_on", "rejected_on", "enrolled_on", "program_years", "expected_end_on"]


def years_before(day: dt.date, years: int) -> dt.date:
    """The same calendar day ``years`` earlier; 29 February becomes 28 February."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)


def phantom_cutoffs(as_of: dt.date) -> tuple[dt.date, dict[int, dt.date]]:
    """``(suspend_before, enrol_before)``: a suspension before ``suspend_before`` is more than two years
    before D; a student of an n-year programme enrolled before ``enrol_before[n]`` has
    ``enrolled_on`` + n + 1 years before D."""
    return (years_before(as_of, SUSPENSION_YEARS),
            {n: years_before(as_of, n + OVERSTAY_YEARS) for n in PROGRAM_YEARS})


def overdue_until(cal: WorkCalendar, as_of: dt.date, n: int) -> dt.date:
    """The last start day whose due day ``due(start, n)`` is before D: a clock started on or before it
    is overdue at D. The due day never moves back as the start moves forward, so this is one boundary."""
    day = as_of - dt.timedelta(days=1)
    while cal.due(day, n) >= as_of:
        day -= dt.timedelta(days=1)
    return day


def _with_rates(frame: pd.DataFrame) -> pd.DataFrame:
    late = frame["late_recorded"] + frame["unrecorded_overdue"]
    return frame.assign(late_rate=pct(late, frame["decided_recording"]))


#: The column of ``queries.backlog.school_counts`` that names each school's child region, per level.
CHILD_KEY = {"nation": "province_code", "province": "city_code", "city": "code"}
#: The change counts ``queries.backlog.school_counts`` returns per school (and ``child_counts`` sums).
COUNT_COLUMNS = ["changes", "late_recorded", "unrecorded_overdue", "awaiting_approval", "overdue_approval",
                 "decided_recording"]


def child_counts(schools: pd.DataFrame, level: str) -> pd.DataFrame:
    """The per-school counts summed per child region of a ``level`` region: ``code`` and the counts
    (every count is a number of changes, and a change belongs to one school)."""
    key = CHILD_KEY[level]
    out = schools.groupby(schools[key].astype(str), as_index=True)[COUNT_COLUMNS].sum()
    return out.rename_axis("code").reset_index().astype({c: "int64" for c in COUNT_COLUMNS})


def region_rows(children: pd.DataFrame, counts: pd.DataFrame, phantom: pd.DataFrame) -> pd.DataFrame:
    """One row per child region (zeros where it has nothing): the export's columns, the rule counts,
    ``decided_recording`` and ``late_rate`` (late or overdue recordings per 100 settled ones)."""
    out = children[["code", "name"]].copy()
    out["code"] = out["code"].astype(str)
    out = out.merge(counts, on="code", how="left").merge(phantom, on="code", how="left")
    numeric = ["changes", "late_recorded", "unrecorded_overdue", "awaiting_approval", "overdue_approval",
               "decided_recording", "phantom_suspects", "rule_1", "rule_2", "rule_3"]
    out = out.reindex(columns=["code", "name", *numeric])
    out[numeric] = out[numeric].fillna(0).astype("int64")
    return _with_rates(out)


def total_row(rows: pd.DataFrame, code: str, name: str) -> pd.DataFrame:
    """The selected region's own figures: its children summed (a student belongs to one child only)."""
    numeric = rows.select_dtypes("integer").columns
    out = pd.DataFrame([{"code": code, "name": name, **{c: int(rows[c].sum()) for c in numeric}}])
    return _with_rates(out)


def _bucket(age: np.ndarray) -> np.ndarray:
    labels = np.empty(age.shape, dtype=object)
    for label, lo, hi in AGE_BUCKETS:
        labels[(age >= lo) & (age <= hi)] = label
    return labels


def open_ages(items: pd.DataFrame, as_of: dt.date, policy: YearPolicy, cal: WorkCalendar) -> pd.DataFrame:
    """Open items with their clock: ``side, change_type, start, n, age`` (working days in (start, D]),
    ``bucket`` and ``overdue`` (D after due(start, n) with the side's own limit)."""
    out = items.copy()
    if out.empty:
        return out.assign(age=[], bucket=[], overdue=[])
    start = out["start"].to_numpy(dtype="datetime64[D]")
    limit = np.where(out["side"] == "recording", policy.status_change_workdays, policy.status_approval_workdays)
    # A start in a year the calendar does not know (an odd row, see the quality page) has no age and no due
    # day: it stays out of the age buckets (its count is in the SQL figures).
    out["age"] = cal.workdays_between_many(start, np.datetime64(as_of, "D"), outside="nat")
    due = np.empty(start.shape, dtype="datetime64[D]")
    for n in np.unique(limit):
        due[limit == n] = cal.due_many(start[limit == n], int(n), outside="nat")
    out["overdue"] = due < np.datetime64(as_of, "D")
    out["bucket"] = _bucket(out["age"].to_numpy())
    return out


def by_bucket(ages: pd.DataFrame, side: str) -> pd.DataFrame:
    """``bucket, n, overdue`` for one side, every bucket present, in age order."""
    part = ages[ages["side"] == side] if len(ages) else ages
    labels = [b[0] for b in AGE_BUCKETS]
    if part.empty:
        return pd.DataFrame({"bucket": labels, "n": 0, "overdue": 0})
    g = part.assign(od=part["n"] * part["overdue"]).groupby("bucket")[["n", "od"]].sum()
    g = g.reindex(labels, fill_value=0).rename(columns={"od": "overdue"}).reset_index()
    return g.astype({"n": "int64", "overdue": "int64"})


def by_type(ages: pd.DataFrame, side: str) -> pd.DataFrame:
    """``change_type, n, overdue`` for one side, most open first."""
    part = ages[ages["side"] == side] if len(ages) else ages
    if part.empty:
        return pd.DataFrame({"change_type": [], "n": [], "overdue": []})
    g = part.assign(od=part["n"] * part["overdue"]).groupby("change_type")[["n", "od"]].sum()
    g = g.rename(columns={"od": "overdue"}).reset_index().astype({"n": "int64", "overdue": "int64"})
    return g.sort_values(["n", "change_type"], ascending=[False, True], ignore_index=True)


def rank_schools(counts: pd.DataFrame, min_volume: int = MIN_RANK_VOLUME, top: int = RANK_TOP) -> pd.DataFrame:
    """Schools with at least ``min_volume`` settled recordings, worst late-recording rate first
    (ties: more late changes first, then school code)."""
    if counts.empty:
        return counts.assign(late=[], late_rate=[])
    out = _with_rates(counts[counts["decided_recording"] >= min_volume].copy())
    out["late"] = out["late_recorded"] + out["unrecorded_overdue"]
    out = out.sort_values(["late_rate", "late", "school_code"], ascending=[False, False, True], ignore_index=True)
    return out.head(top)


def _as_of_only(frame: pd.DataFrame, cols, as_of: dt.date) -> pd.DataFrame:
    """Blank dates after D: as of D they have not happened yet."""
    for col in cols:
        days = [None if v is None or pd.isna(v) else pd.Timestamp(v).date() for v in frame[col]]
        frame[col] = pd.Series([d if d is not None and d <= as_of else None for d in days], index=frame.index,
                               dtype=object)
    return frame


def change_cases(raw: pd.DataFrame, as_of: dt.date, policy: YearPolicy, cal: WorkCalendar) -> pd.DataFrame:
    """A school's changes with both clocks, each side's own duty kept apart.

    ``recording``: ``on_time`` / ``late`` once recorded, else ``overdue`` / ``pending``;
    ``recording_workdays``: working days from ``occurred_on`` to ``recorded_on`` (or D if not recorded).
    ``approval``: ``approved`` / ``rejected`` once decided, else ``overdue`` / ``awaiting``, empty before
    recording; ``approval_workdays``: from ``recorded_on`` to the decision (or D).
    Problems first: overdue, then late, then the rest by occurrence.
    """
    out = _as_of_only(raw.copy(), ["occurred_on", "recorded_on", "approved_on", "rejected_on"], as_of)
    if out.empty:
        return out.reindex(columns=["change_id", *CASE_COLUMNS])
    d = np.datetime64(as_of, "D")

    def days(col):
        return pd.to_datetime(out[col]).to_numpy(dtype="datetime64[D]")

    occurred, recorded = days("occurred_on"), days("recorded_on")
    approved, rejected = days("approved_on"), days("rejected_on")
    decided = np.where(np.isnat(approved), rejected, np.where(np.isnat(rejected), approved,
                                                               np.minimum(approved, rejected)))
    # dates in years the calendar does not know (odd rows) leave their clocks empty; a due day past the
    # calendar (``BEYOND``) is after every known D, so such a change is pending or on time, and its due day
    # and working days up to it are shown empty
    record_due = cal.due_many(occurred, policy.status_change_workdays, outside="nat")
    approval_due = cal.due_many(recorded, policy.status_approval_workdays, outside="nat")
    is_recorded = ~np.isnat(recorded)
    is_decided = ~np.isnat(decided)
    out["record_due_on"] = pd.Series(shown(record_due)).dt.date.to_numpy()
    out["approval_due_on"] = pd.Series(shown(approval_due)).dt.date.astype(object).where(is_recorded, None).to_numpy()
    out["recording_workdays"] = pd.array(cal.workdays_between_many(
        occurred, np.where(is_recorded, recorded, d), outside="nat"), dtype="Int64")
    approval_days = cal.workdays_between_many(recorded, np.where(is_decided, decided, d), outside="nat")
    out["approval_workdays"] = pd.array(np.where(is_recorded, approval_days, np.nan), dtype="Int64")
    out["recording"] = np.where(is_recorded, np.where(recorded > record_due, "late", "on_time"),
                                np.where(d > record_due, "overdue", "pending"))
    out["approval"] = np.where(~is_recorded, "", np.where(
        is_decided, np.where(~np.isnat(approved) & (decided == approved), "approved", "rejected"),
        np.where(d > approval_due, "overdue", "awaiting")))
    rank = np.where((out["recording"] == "overdue") | (out["approval"] == "overdue"), 0,
                    np.where(out["recording"] == "late", 1, 2))
    out = out.assign(_rank=rank).sort_values(["_rank", "occurred_on", "change_id"], ignore_index=True)
    return note_past_calendar(out[["change_id", *CASE_COLUMNS]],
                              {"record_due_on": record_due, "approval_due_on": approval_due})


def suspect_cases(raw: pd.DataFrame, as_of: dt.date) -> pd.DataFrame:
    """A school's suspects: the rule that fired (by name) and its evidence; ``expected_end_on`` is
    ``enrolled_on`` + programme years (rule 3 fires one year after it). Dates after D are blanked."""
    out = _as_of_only(raw.copy(), ["occurred_on", "recorded_on", "approved_on", "rejected_on", "enrolled_on"], as_of)
    if out.empty:
        return out.reindex(columns=["student_id", *SUSPECT_COLUMNS])
    out["rule"] = pd.to_numeric(out["rule"]).map(RULES)
    out["program_years"] = pd.to_numeric(out["program_years"]).astype("int64")
    out["expected_end_on"] = [
        years_before(e, -int(n)) if isinstance(e, dt.date) else None
        for e, n in zip(out["enrolled_on"], out["program_years"])
    ]
    return out[["student_id", *SUSPECT_COLUMNS]].reset_index(drop=True)


def changes_at(days: pd.DataFrame, year: int, as_of: dt.date, policy: YearPolicy, cal: WorkCalendar) -> pd.DataFrame:
    """``queries.backlog.school_counts``' counts summed per child region (what ``child_counts`` makes of
    them), at D, from the day-grouped changes of ``queries.backlog.change_days``: ``code`` and
    ``COUNT_COLUMNS``, for the regions with a change of year Y by D.

    The same conditions as the SQL's, on days: a change counts from its ``occurred`` day (in Y, by D); it is
    recorded / decided by D when that day is on or before D; recorded late after ``due(occurred, N)``, the
    due days of the year's days up to D computed once (a year the calendar does not know raises
    ``UnknownCalendarYear``, as the SQL's CASE tree does)."""
    d = day64(as_of)
    occurred, recorded_on = day_array(days, "occurred"), day_array(days, "recorded")
    first, last = day64(dt.date(year, 1, 1)), min(day64(dt.date(year, 12, 31)), d)
    keep = (occurred >= first) & (occurred <= last)
    recorded, decided = recorded_on <= d, day_array(days, "decided") <= d
    late = np.zeros(len(days), dtype=bool)
    if keep.any():
        window = np.arange(first, last + 1)
        dues = cal.due_many(window, policy.status_change_workdays)
        index = (occurred[keep] - first).astype("timedelta64[D]").astype(np.int64)
        late[keep] = recorded_on[keep] > dues[index]
    unrecorded_overdue = keep & ~recorded & (
        occurred <= day64(overdue_until(cal, as_of, policy.status_change_workdays)))
    awaiting = keep & recorded & ~decided
    flags = {
        "changes": keep,
        "late_recorded": keep & recorded & late,
        "unrecorded_overdue": unrecorded_overdue,
        "awaiting_approval": awaiting,
        "overdue_approval": awaiting & (recorded_on <= day64(overdue_until(cal, as_of,
                                                                           policy.status_approval_workdays))),
        "decided_recording": keep & recorded | unrecorded_overdue,
    }
    count = days["n"].to_numpy()
    out = sum_per_code(days["code"], {k: count * v for k, v in flags.items()})
    return out[out["changes"] > 0].reset_index(drop=True)


def suspects_at(overstay: pd.DataFrame, events: pd.DataFrame, as_of: dt.date) -> pd.DataFrame:
    """``queries.backlog.phantom_counts`` at D from the day-grouped frames of ``queries.backlog.suspect_days``:
    ``code, phantom_suspects, rule_1, rule_2, rule_3`` for the regions with a suspect.

    Rule 3 (overstay) is the students enrolled before their programme's cut-off (``phantom_cutoffs``); rule 1
    a leaving change occurred by D and not approved by D; rule 2 a suspension before the two-year cut-off
    with no resumption after it up to D. A student counts once in ``phantom_suspects`` and once under each
    rule they fire (their several changes firing one rule: once)."""
    suspend_before, enrol_before = phantom_cutoffs(as_of)
    d = day64(as_of)

    # the cut-off per programme length, looked up by length (a length no rule knows: NaT, never before it)
    cutoffs = np.full(max(PROGRAM_YEARS) + 2, np.datetime64("NaT"), dtype="datetime64[D]")
    for n, day in enrol_before.items():
        cutoffs[n] = day64(day)

    def overstays(frame: pd.DataFrame) -> np.ndarray:
        years = np.clip(frame["program_years"].to_numpy(), 0, len(cutoffs) - 1)
        return day_array(frame, "enrolled") < cutoffs[years]

    start, end, rule = day_array(events, "start"), day_array(events, "end"), events["rule"].to_numpy()
    fires = np.where(rule == 1, start <= d, start < day64(suspend_before)) & ~(end <= d)
    # only the changes firing at D are grouped per student: a few of the national frame's rows
    firing = events[fires]
    fired = (firing.assign(rule_1=firing["rule"] == 1, rule_2=firing["rule"] == 2)
             .groupby("student", sort=False)
             .agg(code=("code", "first"), rule_1=("rule_1", "any"), rule_2=("rule_2", "any"),
                  program_years=("program_years", "first"), enrolled=("enrolled", "first")))
    rule_3 = overstays(overstay) * overstay["n"].to_numpy()
    by_rule = sum_per_code(overstay["code"], {"rule_3": rule_3})
    by_event = sum_per_code(fired["code"].astype(str), {
        "rule_1": fired["rule_1"].to_numpy(), "rule_2": fired["rule_2"].to_numpy(),
        "only_events": ~overstays(fired)})
    out = by_rule.merge(by_event, on="code", how="outer").fillna(0)
    out["phantom_suspects"] = out["rule_3"] + out["only_events"]
    out = out[["code", "phantom_suspects", "rule_1", "rule_2", "rule_3"]].astype(
        {c: "int64" for c in ("phantom_suspects", "rule_1", "rule_2", "rule_3")})
    return out[out["phantom_suspects"] > 0].sort_values("code").reset_index(drop=True)
