"""Central-subsidy gap risk (资金缺口风险) as of a date: the pure side.

``queries.funding`` hands back, independent of D, the schools with their
headcounts, the tuition students per school and declaration / approval day,
the money per child region and day, and each province's approved aid per day.
This module counts them at D: every count per school first, then summed per
child region, so that one school's surplus never hides another's gap; money in
exact decimals (``decimal.Decimal``, fen from the database), rounded half up.
See shared/spec/metrics.md, "Central-subsidy gap risk", and
docs/metrics-decisions.md ("Funding gap").
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

import numpy as np
import pandas as pd

from aidwatch.policy import YearPolicy
from aidwatch.workdays import WorkCalendar

EXPORT_COLUMNS = ["term", "code", "name", "headcount", "declared", "approved", "undeclared", "unapproved",
                  "gap_students", "unapproved_yuan", "avg_aid_yuan", "gap_yuan", "due_on", "status"]
COUNTS = ["headcount", "declared", "approved", "undeclared", "unapproved", "gap_students"]
CASE_COLUMNS = ["name", "id_number", "term", "kind", "amount", "submitted_on", "workdays_elapsed"]
CENT, YUAN = Decimal("0.01"), Decimal("1")
#: Each half-year's approval deadline in the policy calendar.
DUE = {"S": "spring_aid_approval", "A": "autumn_aid_approval"}


def round_half_up(value: Decimal, unit: Decimal) -> Decimal:
    """``value`` to ``unit`` (0.01 or 1), halves away from zero: 0.005 → 0.01, 0.5 → 1."""
    return value.quantize(unit, rounding=ROUND_HALF_UP)


def yuan(fen: int) -> Decimal:
    """Whole fen as yuan with two decimals, exactly."""
    return (Decimal(int(fen)) / 100).quantize(CENT)


@dataclass(frozen=True)
class Term:
    """One semester of year Y: its code (``2026S``), first day (a convention kept in the policy calendar)
    and approval deadline."""

    code: str
    starts_on: dt.date
    due_on: dt.date


def terms_at(policy: YearPolicy, as_of: dt.date) -> list[Term]:
    """Y's semesters that have begun by D, spring first: a term has rows only from its first day on."""
    out = []
    for half in ("S", "A"):
        start = policy.term_starts[half]
        if as_of >= start:
            out.append(Term(f"{policy.year}{half}", start, policy.due[DUE[half]]))
    return out


def _d(day: dt.date) -> np.datetime64:
    return np.datetime64(day, "s")


def _sum_by(keys: pd.Index, at, weights) -> np.ndarray:
    """``weights`` summed per position of ``at`` in ``keys`` (an ``at`` not among them is dropped): a bincount,
    milliseconds on the national frames where a groupby per count cost tens of them."""
    pos = keys.get_indexer(at)
    keep = pos >= 0
    return np.bincount(pos[keep], weights=np.asarray(weights)[keep], minlength=len(keys)).astype("int64")


def school_counts(schools: pd.DataFrame, students: pd.DataFrame, term: str, as_of: dt.date) -> pd.DataFrame:
    """One row per school (``queries.funding.schools``): ``school, code, province`` and the spec's counts of
    ``term`` at D (``students``: ``queries.funding.student_days``). ``undeclared`` is taken per school, never
    from a region's sums."""
    out = schools.drop_duplicates("school")[["school", "code", "province"]].reset_index(drop=True)
    keys = pd.Index(out["school"])
    heads = schools[schools["term"] == term]
    part = students[students["term"] == term]
    d = _d(as_of)
    declared = part["declared"].to_numpy() <= d
    approved = declared & (part["approved"].to_numpy() <= d)
    n = part["n"].to_numpy()
    out["headcount"] = _sum_by(keys, heads["school"], heads["headcount"])
    out["declared"] = _sum_by(keys, part["school"], n * declared)
    out["approved"] = _sum_by(keys, part["school"], n * approved)
    out["undeclared"] = np.maximum(out["headcount"] - out["declared"], 0)
    out["unapproved"] = out["declared"] - out["approved"]
    out["gap_students"] = out["undeclared"] + out["unapproved"]
    return out


def province_averages(provinces: pd.DataFrame, term: str, as_of: dt.date) -> dict[str, Decimal | None]:
    """Province → ``avg_aid_yuan`` of ``term`` at D (``provinces``: ``queries.funding.province_days``): the
    amounts of the counted records approved by D over their distinct students, to the fen, half up; None
    where the province has no approved record."""
    keys = pd.Index(provinces["province"].unique())
    part = provinces[(provinces["term"] == term) & (provinces["day"].to_numpy() <= _d(as_of))]
    value, measure = part["value"].to_numpy(), part["measure"].to_numpy()
    fen = _sum_by(keys, part["province"], value * (measure == "fen"))
    students = _sum_by(keys, part["province"], value * (measure == "students"))
    return {p: (round_half_up(Decimal(int(f)) / 100 / int(s), CENT) if s else None)
            for p, f, s in zip(keys, fen, students)}


def unapproved_fen(money: pd.DataFrame, term: str, as_of: dt.date) -> pd.Series:
    """Child region → the fen of ``term``'s counted records submitted by D and not approved by D."""
    d = _d(as_of)
    part = money[money["term"] == term]
    open_ = (part["submitted"].to_numpy() <= d) & ~(part["approved"].to_numpy() <= d)
    return pd.Series(part["fen"].to_numpy() * open_, index=part["code"].to_numpy()).groupby(level=0).sum()


def school_gap(gap_students: int, average: Decimal | None) -> Decimal | None:
    """A school's exact estimated gap: its students × its province's rounded average; 0 without a gap;
    None (unknown) for a gap in a province without an approved record."""
    if gap_students == 0:
        return Decimal(0)
    return None if average is None else gap_students * average


def sum_gaps(gaps) -> Decimal | None:
    """The schools' exact gaps summed, unknown (None) as soon as one is."""
    total = Decimal(0)
    for gap in gaps:
        if gap is None:
            return None
        total += gap
    return total


def status(headcount: int, declared: int, gap_students: int, as_of: dt.date, due_on: dt.date) -> str:
    """``no_data`` / ``clear`` / ``open`` (D on or before the due day) / ``at_risk`` (after it)."""
    if headcount == 0 and declared == 0:
        return "no_data"
    if gap_students == 0:
        return "clear"
    return "open" if as_of <= due_on else "at_risk"


def _finish(rows: pd.DataFrame, term: Term, as_of: dt.date) -> pd.DataFrame:
    rows["gap_yuan"] = [None if g is None else round_half_up(g, YUAN) for g in rows["gap_exact"]]
    rows["due_on"] = term.due_on
    rows["status"] = [status(h, d, g, as_of, term.due_on) for h, d, g in
                      zip(rows["headcount"], rows["declared"], rows["gap_students"])]
    rows.insert(0, "term", term.code)
    return rows


def term_rows(children: pd.DataFrame, counts: pd.DataFrame, unapproved: pd.Series, averages: dict,
              child_province: dict, term: Term, as_of: dt.date) -> pd.DataFrame:
    """One row per child region (``children``: ``code, name``, zeros where it has nothing) for ``term``:
    the export's columns, plus ``gap_exact`` (the unrounded gap, for the region's own total) and
    ``province`` (whose average the row shows). ``counts``: ``school_counts``; ``unapproved``:
    ``unapproved_fen``; ``averages``: ``province_averages``; ``child_province``: child code → province."""
    per_school = counts.assign(gap=[school_gap(int(g), averages.get(p))
                                    for g, p in zip(counts["gap_students"], counts["province"])])
    sums = per_school.groupby("code")[COUNTS].sum()
    gaps = per_school.groupby("code")["gap"].agg(lambda s: sum_gaps(list(s)))
    out = children[["code", "name"]].copy()
    out["code"] = out["code"].astype(str)
    for col in COUNTS:
        out[col] = out["code"].map(sums[col]).fillna(0).astype("int64")
    out["unapproved_yuan"] = [yuan(unapproved.get(c, 0)) for c in out["code"]]
    out["province"] = out["code"].map(child_province)
    out["avg_aid_yuan"] = [averages.get(p) for p in out["province"]]
    out["gap_exact"] = [gaps.get(c, Decimal(0)) for c in out["code"]]
    return _finish(out, term, as_of)


def total_row(rows: pd.DataFrame, code: str, name: str, average: Decimal | None, term: Term,
              as_of: dt.date) -> pd.DataFrame:
    """The selected region's own row of ``term`` from its children's (``term_rows``): counts summed (each
    already a sum over schools), the exact gaps summed and rounded once, ``average`` its province's (None
    for the nation)."""
    out = pd.DataFrame([{"code": code, "name": name, **{c: int(rows[c].sum()) for c in COUNTS},
                         "unapproved_yuan": sum(rows["unapproved_yuan"], Decimal("0.00")),
                         "province": None, "avg_aid_yuan": average,
                         "gap_exact": sum_gaps(list(rows["gap_exact"]))}])
    return _finish(out, term, as_of)


def sort_by_gap(rows: pd.DataFrame) -> pd.DataFrame:
    """Largest estimated gap first; then the gaps that cannot be priced (no average), most students first;
    then the regions without a gap; ties by code."""
    priced = [g is not None and g > 0 for g in rows["gap_yuan"]]
    key = pd.DataFrame({"group": [0 if p else (1 if s > 0 else 2) for p, s in zip(priced, rows["gap_students"])],
                        "gap": [-float(g) if p else 0.0 for g, p in zip(rows["gap_yuan"], priced)],
                        "students": -rows["gap_students"], "code": rows["code"].astype(str)}, index=rows.index)
    return rows.loc[key.sort_values(["group", "gap", "students", "code"]).index].reset_index(drop=True)


def cases(raw: pd.DataFrame, as_of: dt.date, cal: WorkCalendar) -> pd.DataFrame:
    """A school's declared-but-unapproved students' open records (``queries.funding.gap_cases``, unmasked:
    mask before display) with ``workdays_elapsed`` after ``submitted_on`` up to and including D (empty where
    the calendar does not know the days), the oldest first."""
    out = raw.copy()
    if out.empty:
        return out.reindex(columns=["student_id", *CASE_COLUMNS])
    submitted = pd.to_datetime(out["submitted_on"]).to_numpy(dtype="datetime64[D]")
    out["submitted_on"] = pd.to_datetime(out["submitted_on"]).dt.date
    out["amount"] = [round_half_up(Decimal(str(v)), CENT) for v in out["amount"]]
    out["workdays_elapsed"] = pd.array(cal.workdays_between_many(submitted, np.datetime64(as_of, "D"),
                                                                 outside="nat"), dtype="Int64")
    out = out.sort_values(["submitted_on", "term", "student_id", "kind"], ignore_index=True)
    return out[["student_id", *CASE_COLUMNS]]


def view_rows(found: dict, children: pd.DataFrame, level: str, province: str | None, own: str, name: str,
              policy: YearPolicy, as_of: dt.date, latest_only: bool = False) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Every begun term's rows at D from one view's query results (``queries.funding.series_queries``):
    the child regions' rows, each term's sorted by the estimated gap, and the selected region's own row per
    term. ``level`` is the level whose children ``children`` are; ``province`` the region's province (None
    for the nation, whose rows are provinces and whose own row has no average). ``latest_only``: the latest
    begun term alone (the briefing's figures, at three dates)."""
    rows, totals = [], []
    codes = children["code"].astype(str)
    child_province = dict(zip(codes, codes)) if level == "nation" else dict.fromkeys(codes, province)
    begun = terms_at(policy, as_of)
    for term in begun[-1:] if latest_only else begun:
        averages = province_averages(found["provinces"], term.code, as_of)
        counts = school_counts(found["schools"], found["students"], term.code, as_of)
        part = term_rows(children, counts, unapproved_fen(found["money"], term.code, as_of), averages,
                         child_province, term, as_of)
        rows.append(sort_by_gap(part))
        totals.append(total_row(part, own, name, averages.get(province) if province else None, term, as_of))
    if not rows:
        empty = pd.DataFrame(columns=[*EXPORT_COLUMNS, "province", "gap_exact"])
        return empty, empty.copy()
    return pd.concat(rows, ignore_index=True), pd.concat(totals, ignore_index=True)
