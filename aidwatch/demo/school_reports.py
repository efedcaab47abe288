"""What schools report about themselves (headcounts) and what inspectors find.

``school_headcount.reported_new`` is the denominator of the registration
deadlines, so it is derived from the students actually generated: close to
the real intake, with a few schools over-reporting (the gap the dashboard
should expose). ``reported_students`` is the school's count of the students
on its roll at the census (so students it never declared for aid are in it),
within half a percent, but for the one school of ``gaps.py`` that reports far
more. Inspections cover most but not all open schools each year.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from aidwatch.demo import terms
from aidwatch.demo.days import NEVER, cut, day
from aidwatch.demo.provinces import Province
from aidwatch.demo.students import Students


def make_headcounts(ctx, prov: Province, sch: pd.DataFrame, st: Students, actives: dict, rng) -> dict:
    ns = len(sch)
    closed = sch["closed_on"].to_numpy(np.int64)
    over = sch["over_reporter"].to_numpy()
    inflated = sch["headcount_factor"].to_numpy()
    cols = {k: [] for k in ("school_id", "term", "reported_students", "reported_new")}
    for t, active in actives.items():
        open_ = closed > terms.start(t)
        students = np.bincount(st.school[active], minlength=ns)
        new = np.bincount(st.school[active & (st.cohort == t)], minlength=ns)
        noise_new = np.where(over, rng.uniform(1.1, 1.4, ns), rng.normal(1.0, 0.02, ns))
        rep_new = np.maximum(np.round(new * noise_new), 0).astype(np.int64)
        rep_students = np.maximum(np.round(students * rng.normal(1.0, 0.005, ns) * inflated), rep_new).astype(np.int64)
        cols["school_id"].append(sch["id"].to_numpy()[open_])
        cols["term"].append(np.full(int(open_.sum()), terms.code(t), dtype=object))
        cols["reported_students"].append(rep_students[open_])
        cols["reported_new"].append(rep_new[open_])
    out = {k: np.concatenate(v) if v else np.array([], dtype=np.int64) for k, v in cols.items()}
    out["province_code"] = np.full(out["school_id"].size, prov.code, dtype=object)
    return out


def make_inspections(ctx, prov: Province, sch: pd.DataFrame, rng) -> dict:
    until, wd = ctx.until, ctx.wd
    ns = len(sch)
    closed = sch["closed_on"].to_numpy(np.int64)
    risk = (sch["dual_plate"].to_numpy().astype(float) + sch["joint_enrollment"].to_numpy()
            + sch["late_recorder"].to_numpy())
    cols = {k: [] for k in ("id", "school_id", "year", "inspected_on", "finding_count", "serious", "rectified_on")}
    for year in range(2025, ctx.until_date.year + 1):
        start = day(dt.date(year, 3, 15))
        inspected = wd.next(start + rng.integers(0, 270, ns))
        chosen = rng.random(ns) < 0.72 + 0.22 * prov.diligence
        findings = rng.poisson(0.8 + 0.8 * risk)
        serious = rng.random(ns) < 0.015 + 0.05 * sch["dual_plate"].to_numpy() + 0.03 * sch["joint_enrollment"].to_numpy() \
            + 0.05 * sch["late_recorder"].to_numpy()
        findings = np.where(serious, np.maximum(findings, 1), findings)
        fixed = (findings > 0) & (rng.random(ns) < 0.9)
        rectified = cut(np.where(fixed, wd.add(inspected, 10 + rng.integers(0, 50, ns)), NEVER), until)
        keep = chosen & (inspected <= until) & (inspected < closed)
        cols["id"].append(sch["id"].to_numpy(np.int64)[keep] * 100 + (year - 2000))
        cols["school_id"].append(sch["id"].to_numpy(np.int64)[keep])
        cols["year"].append(np.full(int(keep.sum()), year))
        cols["inspected_on"].append(inspected[keep])
        cols["finding_count"].append(findings[keep])
        cols["serious"].append(serious[keep])
        cols["rectified_on"].append(rectified[keep])
    out = {k: np.concatenate(v) if v else np.array([], dtype=np.int64) for k, v in cols.items()}
    out["province_code"] = np.full(out["id"].size, prov.code, dtype=object)
    return out
