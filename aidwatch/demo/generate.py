"""The plan: provinces, schools, then students and their records chunk by chunk.

Memory stays flat at national scale because students and everything hanging
off them are generated and written per chunk of at most ``CHUNK_SCHOOLS``
schools of one province. Each chunk has its own random stream, seeded from
(seed, province, chunk number), so a chunk's content depends only on its
schools, never on what was generated before it. The chunk size is part of the
output's definition: changing it changes the data (but not its statistics).
"""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from tqdm import tqdm

from aidwatch import reference
from aidwatch.demo import terms
from aidwatch.demo.aid import make_aid
from aidwatch.demo.days import WorkdayIndex, day
from aidwatch.demo.gaps import plan_gaps
from aidwatch.demo.provinces import Province, plan_provinces, rollout_rows
from aidwatch.demo.school_reports import make_headcounts, make_inspections
from aidwatch.demo.schools import plan_schools
from aidwatch.demo.students import make_students
from aidwatch.demo.write import Sink
from aidwatch.workdays import UnknownCalendarYear, calendar

CHUNK_SCHOOLS = 40
SCHOOL_COLUMNS = ("id", "code", "name", "province_code", "city_code", "level", "ownership", "dual_plate",
                  "joint_enrollment", "opened_on", "closed_on")


@dataclass
class Context:
    seed: int
    scale: float
    until_date: dt.date
    until: int
    until_term: int
    aid_terms: list[int]
    wd: WorkdayIndex
    provinces: list[Province]
    schools: pd.DataFrame


@dataclass
class GenerationSummary:
    rows: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0
    snapshot_at: str = ""


def plan(seed: int, scale: float, until: dt.date) -> Context:
    """Everything decided before the first student: calendar, terms, provinces, schools."""
    if scale <= 0:
        raise ValueError("scale must be positive")
    cal = calendar()
    if not (dt.date(2025, 1, 1) <= until <= cal.last):
        if until > cal.last:
            raise UnknownCalendarYear(until.year)
        raise ValueError("--until must be in 2025 or later: the demo registry starts with the 2025 expansion")
    wd = WorkdayIndex(cal)
    u = day(until)
    until_term = terms.holding(until)
    aid_terms = list(range(terms.FIRST_AID_TERM, until_term + 1))
    provinces = plan_provinces(seed)
    schools = plan_gaps(plan_schools(provinces, seed, scale, u), provinces, seed)
    return Context(seed, scale, until, u, until_term, aid_terms, wd, provinces, schools)


def chunks(ctx: Context):
    """(province, chunk number, schools) in school-id order."""
    for prov in ctx.provinces:
        sch = ctx.schools[ctx.schools["province_code"] == prov.code].reset_index(drop=True)
        for k, lo in enumerate(range(0, len(sch), CHUNK_SCHOOLS)):
            yield prov, k, sch.iloc[lo:lo + CHUNK_SCHOOLS].reset_index(drop=True)


def chunk_tables(ctx: Context, prov: Province, k: int, sch: pd.DataFrame) -> dict[str, dict]:
    """All rows hanging off one chunk of schools, parents before children."""
    rng = np.random.default_rng(np.random.SeedSequence([ctx.seed, 2, int(prov.code), k]))
    students, tables = make_students(ctx, prov, sch, rng)
    aid_tables, actives = make_aid(ctx, prov, sch, students, rng)
    tables.update(aid_tables)
    tables["school_headcount"] = make_headcounts(ctx, prov, sch, students, actives, rng)
    tables["inspection"] = make_inspections(ctx, prov, sch, rng)
    return tables


CHILD_ORDER = ("student", "status_change", "graduation", "aid_record", "duplicate_match", "school_headcount",
               "inspection")


def generate_registry(url: str, scale: float = 0.01, seed: int = 2025, until: dt.date | None = None,
                      progress: bool | None = None) -> GenerationSummary:
    """Fill the empty database at ``url`` with a demo registry; refuses a non-empty one."""
    started = time.monotonic()
    until = until or dt.date.today()
    ctx = plan(seed, scale, until)
    sink = Sink(url)
    try:
        sink.write("province", {k: [p[k] for p in reference.provinces()] for k in ("code", "name", "short_name", "region")})
        sink.write("city", {k: [c[k] for c in reference.cities()] for k in ("code", "province_code", "name")})
        sink.write("school", {k: ctx.schools[k].to_numpy() for k in SCHOOL_COLUMNS})
        sink.write("province_rollout", rollout_rows(ctx.provinces, seed, ctx.until, ctx.wd))
        all_chunks = list(chunks(ctx))
        bar = tqdm(all_chunks, desc="demo registry", unit="chunk", disable=None if progress is None else not progress)
        for prov, k, sch in bar:
            tables = chunk_tables(ctx, prov, k, sch)
            for name in CHILD_ORDER:
                sink.write(name, tables[name])
        snapshot = f"{until.isoformat()}T18:00:00"
        sink.write("registry_meta", {"key": ["snapshot_at"], "value": [snapshot]})
        sink.finish()
    except BaseException:
        sink.abort()
        raise
    return GenerationSummary(rows=dict(sink.rows), seconds=time.monotonic() - started, snapshot_at=snapshot)
