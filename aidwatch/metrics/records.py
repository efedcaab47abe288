"""Record approval (学籍审核审批) and graduation processing (毕业手续) as of a date: the pure side.

The SQL (``queries.records``) counts per region with D as a parameter and hands
back small frames: the record counts per region and working-day lag, the
graduation counts per region, the records awaiting approval per registration
day. This module holds the working-day step tables those queries are built on
(``workday_steps``) and turns their results into the page's rows: the spec's
export rows, the median lag from a lag histogram, the ageing buckets and the
case lists. See shared/spec/metrics.md, "Record approval and graduation", and
docs/metrics-decisions.md.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from aidwatch.metrics.backlog import AGE_BUCKETS, _as_of_only, _bucket
from aidwatch.metrics.rates import pct
from aidwatch.policy import YearPolicy
from aidwatch.workdays import WorkCalendar

RECORD_COLUMNS = ["code", "name", "registered", "approved", "awaiting_approval", "approval_overdue",
                  "approved_late", "median_approval_workdays"]
GRADUATION_COLUMNS = ["code", "name", "graduates", "uploaded", "upload_overdue", "approved", "approval_overdue",
                      "certificates_online", "pct_certified"]
#: What ``queries.records.record_lags`` returns per (region, lag, late): counts of students.
LAG_COUNTS = ["registered", "approved", "approval_overdue"]
RECORD_COUNTS = ["registered", "approved", "awaiting_approval", "approval_overdue", "approved_late"]
GRADUATION_COUNTS = ["graduates", "uploaded", "upload_overdue", "approved", "approval_overdue", "certificates_online"]
RECORD_CASE_COLUMNS = ["name", "id_number", "intake_term", "registered_on", "approval_due_on", "workdays_elapsed",
                       "record_state"]
GRADUATE_CASE_COLUMNS = ["name", "id_number", "graduated_on", "upload_due_on", "uploaded_on", "approval_due_on",
                         "approved_on", "workdays_elapsed", "graduate_state"]


def steps(days: np.ndarray, values: np.ndarray) -> tuple[list, list]:
    """A step function given day by day as ``(bounds, values)`` for ``queries.steps.step_lookup``: the
    last day of each run of equal values, and that value."""
    last = np.append(values[1:] != values[:-1], True)
    return [d.item() for d in days[last]], [int(v) for v in values[last]]


def workday_steps(cal: WorkCalendar, first: dt.date, last: dt.date) -> tuple[tuple, tuple]:
    """Two step functions over the days ``first``..``last``: ``through(x)``, the working days in
    [first, x], and ``before(x)``, those in [first, x).

    For a start s and an end e in the window, ``through(e) − through(s)`` is the working days after s up
    to and including e (the spec's lag), and e is after ``due(s, n)`` exactly when
    ``before(e) − through(s) ≥ n``: at least n working days lie strictly between s and e, so the n-th
    one after s is before e. Neither needs a day past the window, so no unknown year is ever asked for.
    """
    days = pd.date_range(first, last).values.astype("datetime64[D]")
    through = cal.workdays_between_many(np.datetime64(first - dt.timedelta(days=1), "D"), days).astype(np.int64)
    workday = np.diff(through, prepend=0)
    return steps(days, through), steps(days, through - workday)


def median_of_counts(values, counts) -> float:
    """The median of a histogram (``counts[i]`` observations of ``values[i]``) to one decimal; NaN when
    empty. With an even count it is the mean of the two middle observations."""
    values, counts = np.asarray(values, dtype=float), np.asarray(counts, dtype=np.int64)
    keep = counts > 0
    values, counts = values[keep], counts[keep]
    total = int(counts.sum())
    if total == 0:
        return float("nan")
    order = np.argsort(values)
    values, cum = values[order], np.cumsum(counts[order])
    lo = values[np.searchsorted(cum, (total - 1) // 2, side="right")]
    hi = values[np.searchsorted(cum, total // 2, side="right")]
    return round((lo + hi) / 2, 1)


def _record_totals(lags: pd.DataFrame) -> pd.DataFrame:
    """Per ``code``: the record counts and the median lag, from the (code, lag, late) counts."""
    if lags.empty:
        return pd.DataFrame(columns=["code", *RECORD_COUNTS, "median_approval_workdays"])
    frame = lags.assign(approved_late=lags["approved"] * lags["late"])
    out = frame.groupby("code")[[*LAG_COUNTS, "approved_late"]].sum()
    out["awaiting_approval"] = out["registered"] - out["approved"]
    known = frame[frame["lag"].notna() & (frame["approved"] > 0)]
    medians = {code: median_of_counts(g["lag"], g["approved"]) for code, g in known.groupby("code")}
    out["median_approval_workdays"] = pd.Series(medians, dtype=float).reindex(out.index)
    return out.rename_axis("code").reset_index()


def _rows(children: pd.DataFrame, totals: pd.DataFrame, counts: list, columns: list) -> pd.DataFrame:
    out = children[["code", "name"]].copy()
    out["code"] = out["code"].astype(str)
    out = out.merge(totals, on="code", how="left")
    out[counts] = out[counts].fillna(0).astype("int64")
    return out.reindex(columns=columns)


def record_rows(children: pd.DataFrame, lags: pd.DataFrame) -> pd.DataFrame:
    """One row per child region (zeros where it has nothing): the export's columns."""
    out = _rows(children, _record_totals(lags), RECORD_COUNTS, RECORD_COLUMNS)
    out["median_approval_workdays"] = out["median_approval_workdays"].astype(float)
    return out


def record_total(lags: pd.DataFrame, code: str, name: str) -> pd.DataFrame:
    """The selected region's own row: the counts summed, the median over all its approved records
    (not a median of its children's medians)."""
    return record_rows(pd.DataFrame({"code": [code], "name": [name]}), lags.assign(code=code))


def graduation_rows(children: pd.DataFrame, counts: pd.DataFrame) -> pd.DataFrame:
    """One row per child region: the export's columns, ``pct_certified`` empty without graduates, and
    ``approved_no_certificate`` (approved by D, no certificate number)."""
    out = _rows(children, counts, GRADUATION_COUNTS, GRADUATION_COLUMNS)
    out["pct_certified"] = pct(out["certificates_online"], out["graduates"])
    out["approved_no_certificate"] = out["approved"] - out["certificates_online"]
    return out


def graduation_total(rows: pd.DataFrame, code: str, name: str) -> pd.DataFrame:
    """The selected region's own row: its children summed (a graduate belongs to one school)."""
    counts = pd.DataFrame([{"code": code, **{c: int(rows[c].sum()) for c in GRADUATION_COUNTS}}])
    return graduation_rows(pd.DataFrame({"code": [code], "name": [name]}), counts)


def ageing(awaiting: pd.DataFrame, as_of: dt.date, overdue_until: dt.date, cal: WorkCalendar) -> pd.DataFrame:
    """Records awaiting approval (``day`` registered, ``n``) by working days elapsed in (day, D]:
    ``bucket, n, overdue`` for every bucket in age order. ``overdue``: registered on or before
    ``overdue_until`` (``aidwatch.metrics.backlog.overdue_until``), the same boundary as the SQL's."""
    labels = [b[0] for b in AGE_BUCKETS]
    if awaiting.empty:
        return pd.DataFrame({"bucket": labels, "n": 0, "overdue": 0})
    start = awaiting["day"].to_numpy(dtype="datetime64[D]")
    age = cal.workdays_between_many(start, np.datetime64(as_of, "D"), outside="nat")
    frame = pd.DataFrame({"bucket": _bucket(age), "n": awaiting["n"].to_numpy(),
                          "od": awaiting["n"].to_numpy() * (start <= np.datetime64(overdue_until, "D"))})
    g = frame.dropna(subset=["bucket"]).groupby("bucket")[["n", "od"]].sum().reindex(labels, fill_value=0)
    return g.rename(columns={"od": "overdue"}).reset_index().astype({"n": "int64", "overdue": "int64"})


def _days(frame: pd.DataFrame, col: str) -> np.ndarray:
    return pd.to_datetime(frame[col]).to_numpy(dtype="datetime64[D]")


def _dates(values: np.ndarray) -> np.ndarray:
    return pd.Series(values).dt.date.astype(object).where(~np.isnat(values), None).to_numpy()


def record_cases(raw: pd.DataFrame, as_of: dt.date, policy: YearPolicy, cal: WorkCalendar) -> pd.DataFrame:
    """A school's records awaiting approval at D (``raw`` unmasked: mask before display) with the due day
    ``due(registered_on, N)``, working days elapsed in (registered_on, D] and ``record_state``
    ``overdue`` / ``awaiting``; overdue first, then the oldest."""
    out = _as_of_only(raw.copy(), ["registered_on"], as_of)
    if out.empty:
        return out.reindex(columns=["student_id", *RECORD_CASE_COLUMNS])
    registered = _days(out, "registered_on")
    due = cal.due_many(registered, policy.record_approval_workdays, outside="nat")
    out["approval_due_on"] = _dates(due)
    out["workdays_elapsed"] = pd.array(cal.workdays_between_many(registered, np.datetime64(as_of, "D"),
                                                                 outside="nat"), dtype="Int64")
    out["record_state"] = np.where(due < np.datetime64(as_of, "D"), "overdue", "awaiting")
    out = out.assign(_rank=(out["record_state"] != "overdue").astype(int))
    out = out.sort_values(["_rank", "registered_on", "student_id"], ignore_index=True)
    return out[["student_id", *RECORD_CASE_COLUMNS]]


def graduate_cases(raw: pd.DataFrame, as_of: dt.date, policy: YearPolicy, cal: WorkCalendar) -> pd.DataFrame:
    """A school's graduates of year Y by D not yet uploaded, approved or certified (``raw`` unmasked).

    ``graduate_state``: ``upload_overdue`` / ``awaiting_upload`` before upload, ``approval_overdue`` /
    ``awaiting_approval`` after it, ``no_certificate`` once approved without a certificate number;
    ``workdays_elapsed`` counts from the step's start (graduation, upload, approval) to D.
    Problems first (overdue, then no certificate), then by graduation day.
    """
    out = _as_of_only(raw.copy(), ["graduated_on", "uploaded_on", "approved_on"], as_of)
    if out.empty:
        return out.reindex(columns=["student_id", *GRADUATE_CASE_COLUMNS])
    d = np.datetime64(as_of, "D")
    graduated, uploaded, approved = _days(out, "graduated_on"), _days(out, "uploaded_on"), _days(out, "approved_on")
    upload_due = cal.due_many(graduated, policy.graduation_upload_workdays, outside="nat")
    approval_due = cal.due_many(uploaded, policy.graduation_approval_workdays, outside="nat")
    keep = ~(out["certificate_no"].notna().to_numpy() & ~np.isnat(approved))
    out = out[keep].reset_index(drop=True)
    graduated, uploaded, approved = graduated[keep], uploaded[keep], approved[keep]
    upload_due, approval_due = upload_due[keep], approval_due[keep]
    is_up, is_app = ~np.isnat(uploaded), ~np.isnat(approved)
    out["upload_due_on"] = _dates(upload_due)
    out["approval_due_on"] = _dates(approval_due)
    out["graduate_state"] = np.where(
        is_app, "no_certificate",
        np.where(is_up, np.where(d > approval_due, "approval_overdue", "awaiting_approval"),
                 np.where(d > upload_due, "upload_overdue", "awaiting_upload")))
    start = np.where(is_app, approved, np.where(is_up, uploaded, graduated))
    out["workdays_elapsed"] = pd.array(cal.workdays_between_many(start, d, outside="nat"), dtype="Int64")
    rank = np.where(np.char.endswith(out["graduate_state"].to_numpy().astype(str), "overdue"), 0,
                    np.where(is_app, 1, 2))
    out = out.assign(_rank=rank).sort_values(["_rank", "graduated_on", "student_id"], ignore_index=True)
    return out[["student_id", *GRADUATE_CASE_COLUMNS]]
