"""Record approval (学籍审核审批) and graduation processing (毕业手续) as of a date: the pure side.

The SQL (``queries.records``) hands back the records per region, registration
day and approval day, and the graduates per region and step days, without D.
This module counts them at D (``lags_at``, ``awaiting_at``, ``graduation_at``:
a date change is arithmetic on a cached frame) and turns the counts into the
page's rows: the spec's export rows, the median lag from a lag histogram, the
ageing buckets and the case lists. See shared/spec/metrics.md, "Record approval
and graduation", and docs/metrics-decisions.md.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from aidwatch.metrics.backlog import AGE_BUCKETS, _as_of_only, _bucket, overdue_until
from aidwatch.metrics.daycounts import day64 as _d
from aidwatch.metrics.daycounts import day_array as _day_array
from aidwatch.metrics.daycounts import sum_per_code
from aidwatch.metrics.rates import pct
from aidwatch.policy import YearPolicy
from aidwatch.workdays import WorkCalendar, note_past_calendar, shown

RECORD_COLUMNS = ["code", "name", "registered", "approved", "awaiting_approval", "approval_overdue",
                  "approved_late", "median_approval_workdays"]
GRADUATION_COLUMNS = ["code", "name", "graduates", "uploaded", "upload_overdue", "approved", "approval_overdue",
                      "certificates_online", "pct_certified"]
#: What ``lags_at`` returns per (region, lag, late): counts of students.
LAG_COUNTS = ["registered", "approved", "approval_overdue"]
RECORD_COUNTS = ["registered", "approved", "awaiting_approval", "approval_overdue", "approved_late"]
GRADUATION_COUNTS = ["graduates", "uploaded", "upload_overdue", "approved", "approval_overdue", "certificates_online"]
RECORD_CASE_COLUMNS = ["name", "id_number", "intake_term", "registered_on", "approval_due_on", "workdays_elapsed",
                       "record_state"]
GRADUATE_CASE_COLUMNS = ["name", "id_number", "graduated_on", "upload_due_on", "uploaded_on", "approval_due_on",
                         "approved_on", "workdays_elapsed", "graduate_state"]


def lag_window(cal: WorkCalendar, year: int, as_of: dt.date) -> tuple[dt.date, dt.date]:
    """The days between which a record's approval lag is counted: from 1 January of the year before Y (a
    record of Y's intake registered earlier is an odd row, see the quality page) to D, inside the calendar.
    Never empty: a D before the window gives one day, outside every record's dates."""
    first = max(dt.date(year - 1, 1, 1), cal.first + dt.timedelta(days=1))
    return first, max(min(as_of, cal.last), first)


def lags_at(days: pd.DataFrame, year: int, as_of: dt.date, cal: WorkCalendar, n: int) -> pd.DataFrame:
    """Students of Y's intakes registered by D (``days``: ``queries.records.record_days``) per child region,
    approval lag and lateness: ``code, lag, late`` and the counts ``registered, approved,
    approval_overdue``.

    ``lag`` (working days after ``registered_on`` up to and including ``reg_approved_on``) and ``late``
    (approved after ``due(registered_on, N)``: at least N working days lie strictly between the two days)
    are set for the records approved by D; a record with a day outside ``lag_window`` has no lag and is not
    late (it still counts as registered and approved). Overdue: not approved by D and registered on or
    before ``overdue_until(D, N)``."""
    d = _d(as_of)
    reg, app = _day_array(days, "reg"), _day_array(days, "app")
    keep = reg <= d
    reg, app = reg[keep], app[keep]
    app = np.where(app <= d, app, np.datetime64("NaT", "D"))
    first, last = lag_window(cal, year, as_of)
    # through[i]: working days in [first, first + i]; before[i]: those in [first, first + i). The lag is
    # through(approved) − through(registered); approved after due(registered, N) ⇔ before(approved) −
    # through(registered) ≥ N (at least N working days strictly between). One table for the window's few
    # hundred days instead of a calendar search per row.
    through = cal.workdays_between_many(_d(first - dt.timedelta(days=1)),
                                        np.arange(_d(first), _d(last) + 1)).astype(np.int64)
    before = through - np.diff(through, prepend=0)
    inside = (reg >= _d(first)) & (reg <= _d(last)) & (app >= _d(first)) & (app <= _d(last))
    r = (reg[inside] - _d(first)).astype("timedelta64[D]").astype(np.int64)
    a = (app[inside] - _d(first)).astype("timedelta64[D]").astype(np.int64)
    lag, strict = np.full(len(reg), np.nan), np.full(len(reg), np.nan)
    lag[inside], strict[inside] = through[a] - through[r], before[a] - through[r]
    count = days["n"].to_numpy()[keep]
    approved = ~np.isnat(app)
    overdue = ~approved & (reg <= _d(overdue_until(cal, as_of, n)))
    frame = pd.DataFrame({"code": days["code"].to_numpy()[keep], "lag": lag, "late": (strict >= n).astype("int64"),
                          "registered": count, "approved": count * approved, "approval_overdue": count * overdue})
    out = frame.groupby(["code", "lag", "late"], dropna=False, observed=True)[LAG_COUNTS].sum().reset_index()
    return out.astype({"code": str, "lag": "Int64"})


def awaiting_at(days: pd.DataFrame, as_of: dt.date, code: str | None = None) -> pd.DataFrame:
    """Records of Y's intakes registered by D and not approved by D, per ``day`` registered, summed over
    ``days``' regions (or only ``code``'s: a school's row in its city's frame)."""
    d = _d(as_of)
    reg, app = _day_array(days, "reg"), _day_array(days, "app")
    keep = (reg <= d) & ~(app <= d)
    if code is not None:
        keep &= (days["code"].astype(str) == code).to_numpy()
    frame = pd.DataFrame({"day": reg[keep].astype("datetime64[s]"), "n": days["n"].to_numpy()[keep]})
    return frame.groupby("day", as_index=False)["n"].sum().astype({"n": "int64"})


def graduation_at(days: pd.DataFrame, year: int, as_of: dt.date, cal: WorkCalendar,
                  policy: YearPolicy) -> pd.DataFrame:
    """The spec's graduation counts per child region at D (``code`` and ``GRADUATION_COUNTS``) from
    ``queries.records.graduation_days``: graduates of Y by D; uploaded / approved by D; upload overdue (not
    uploaded by D, graduated on or before ``overdue_until(D, N)``); approval overdue (uploaded by D, not
    approved by D, uploaded on or before ``overdue_until(D, N)``); certificates online (approved by D with a
    certificate number)."""
    d = _d(as_of)
    graduated = _day_array(days, "graduated")
    keep = graduated <= min(_d(dt.date(year, 12, 31)), d)
    uploaded_on = _day_array(days, "uploaded")
    uploaded, approved = uploaded_on <= d, _day_array(days, "approved") <= d
    flags = {
        "graduates": keep,
        "uploaded": keep & uploaded,
        "upload_overdue": keep & ~uploaded & (
            graduated <= _d(overdue_until(cal, as_of, policy.graduation_upload_workdays))),
        "approved": keep & approved,
        "approval_overdue": keep & uploaded & ~approved & (
            uploaded_on <= _d(overdue_until(cal, as_of, policy.graduation_approval_workdays))),
    }
    count = days["n"].to_numpy()
    weights = {k: count * v for k, v in flags.items()}
    weights["certificates_online"] = days["certified"].to_numpy() * (keep & approved)
    out = sum_per_code(days["code"], weights)
    return out[out["graduates"] > 0].reset_index(drop=True)


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
    out["approval_due_on"] = _dates(shown(due))
    out["workdays_elapsed"] = pd.array(cal.workdays_between_many(registered, np.datetime64(as_of, "D"),
                                                                 outside="nat"), dtype="Int64")
    out["record_state"] = np.where(due < np.datetime64(as_of, "D"), "overdue", "awaiting")
    out = out.assign(_rank=(out["record_state"] != "overdue").astype(int))
    out = out.sort_values(["_rank", "registered_on", "student_id"], ignore_index=True)
    return note_past_calendar(out[["student_id", *RECORD_CASE_COLUMNS]], {"approval_due_on": due})


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
    out["upload_due_on"] = _dates(shown(upload_due))
    out["approval_due_on"] = _dates(shown(approval_due))
    out["graduate_state"] = np.where(
        is_app, "no_certificate",
        np.where(is_up, np.where(d > approval_due, "approval_overdue", "awaiting_approval"),
                 np.where(d > upload_due, "upload_overdue", "awaiting_upload")))
    start = np.where(is_app, approved, np.where(is_up, uploaded, graduated))
    out["workdays_elapsed"] = pd.array(cal.workdays_between_many(start, d, outside="nat"), dtype="Int64")
    rank = np.where(np.char.endswith(out["graduate_state"].to_numpy().astype(str), "overdue"), 0,
                    np.where(is_app, 1, 2))
    out = out.assign(_rank=rank).sort_values(["_rank", "graduated_on", "student_id"], ignore_index=True)
    return note_past_calendar(out[["student_id", *GRADUATE_CASE_COLUMNS]],
                              {"upload_due_on": upload_due, "approval_due_on": approval_due})
