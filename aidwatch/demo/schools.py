"""Schools: how many per province, where, how big, and how sloppy.

Each school carries hidden behaviour factors besides its contract columns:
its annual intake, a registration delay factor, whether it belongs to the
small cluster of schools that record status changes late, whether it is
sloppy with duplicate matches and whether it over-reports its headcount.
Those factors are what make the dashboard's school-level rankings meaningful.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from aidwatch.demo import names
from aidwatch.demo.days import NEVER, day
from aidwatch.demo.provinces import Province

NATIONAL_SCHOOLS = 2900
NATIONAL_INTAKE = 1_250_000  # new students a year; about 4.5 million on the books


def plan_schools(provinces: list[Province], seed: int, scale: float, until: int) -> pd.DataFrame:
    """All schools, ids 1..N in province order, with contract columns and behaviour factors."""
    total_w = sum(p.weight for p in provinces)
    frames = []
    next_id = 1
    for prov in provinces:
        rng = np.random.default_rng(np.random.SeedSequence([seed, 1, int(prov.code)]))
        share = prov.weight / total_w
        n = max(1, int(round(NATIONAL_SCHOOLS * scale * share)))
        size = rng.lognormal(0.0, 0.7, n)
        intake = NATIONAL_INTAKE * scale * share * size / size.sum()
        rank = np.argsort(np.argsort(-size)) / max(n - 1, 1)  # 0 = biggest
        level = np.where(rank < 0.22, "technician_college", np.where(rank < 0.45, "senior_technical", "technical"))
        city_w = np.ones(len(prov.cities))
        city_w[prov.capital] = 4.0 + len(prov.cities) / 3
        city_idx = rng.choice(len(prov.cities), n, p=city_w / city_w.sum())
        private = rng.random(n) < 0.28
        dual = rng.random(n) < np.where(private, 0.22, 0.13)
        taken: set = set()
        school_names = []
        for i in range(n):
            c = prov.cities[city_idx[i]]
            school_names.append(names.school_name(rng, str(level[i]), prov.name,
                                                  names.place_name(prov.name, c["name"], prov.code), taken))
        opened = np.array([day(dt.date(int(y), 9, 1)) for y in rng.integers(1958, 2021, n)]) + rng.integers(0, 20, n)
        frames.append(pd.DataFrame({
            "id": np.arange(next_id, next_id + n),
            "code": [f"{prov.code}{i + 1:04d}" for i in range(n)],
            "name": school_names,
            "province_code": prov.code,
            "city_code": [prov.cities[i]["code"] for i in city_idx],
            "place": [names.place_name(prov.name, prov.cities[i]["name"], prov.code) for i in city_idx],
            "level": level,
            "ownership": np.where(private, "private", "public"),
            "dual_plate": dual,
            "joint_enrollment": rng.random(n) < 0.1,
            "opened_on": np.minimum(opened, until),
            "closed_on": NEVER,
            "intake": np.maximum(intake, 8.0),
            "reg_factor": rng.lognormal(0.0, 0.5, n),
            "late_recorder": rng.random(n) < 0.06,
            "dup_sloppy": rng.random(n) < np.where(dual, 0.3, 0.1),
            "over_reporter": rng.random(n) < 0.08,
            "grant_misser": rng.random(n) < 0.1,
        }))
        next_id += n
    schools = pd.concat(frames, ignore_index=True)
    # A few schools closed during the window; a province's only school only at tiny scales.
    rng = np.random.default_rng(np.random.SeedSequence([seed, 3]))
    counts = schools.groupby("province_code")["id"].transform("size")
    candidates = np.flatnonzero((counts > 1).to_numpy())
    if len(candidates) < 2:  # tiny scales: one school per province, so close a sole school rather than none
        candidates = np.arange(len(schools))
    k = min(len(candidates), max(2, int(round(0.01 * len(schools)))))
    chosen = rng.choice(candidates, k, replace=False)
    first, last = day(dt.date(2025, 7, 10)), until - 30
    if last > first:
        closed = schools["closed_on"].to_numpy().copy()
        closed[chosen] = rng.integers(first, last, k)
        schools["closed_on"] = closed
    return schools
