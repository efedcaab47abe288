"""Students, their status changes (学籍异动) and graduations, one chunk of schools at a time.

A student's life is drawn first (intake, programme length, at most one
terminal change, a suspension, a major change, a transfer in), then the
registry's handling of each change (recording and approval lags that depend on
the school and province). The ``status`` column is what the registry shows:
a withdrawal that was never approved leaves the student ``enrolled`` — the
phantom enrolments (空挂学籍) the backlog page hunts for.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pandas as pd

from aidwatch.contract import HARDSHIP_GROUPS
from aidwatch.demo import idcard, names, terms
from aidwatch.demo.days import NEVER, cut, day, ymd, ymd_to_day
from aidwatch.demo.provinces import HARDSHIP_FACTOR, Province

WINDOW_START = day(dt.date(2024, 1, 1))  # students and changes before this are not generated
FIRST_COHORT = 2 * 2019 + 1
LEVEL_CODE = {"technician_college": 0, "senior_technical": 1, "technical": 2}
PROGRAM_P = np.array([  # programme years 2..6 by school level
    [0.02, 0.40, 0.13, 0.30, 0.15],
    [0.03, 0.55, 0.12, 0.25, 0.05],
    [0.05, 0.75, 0.10, 0.10, 0.00],
]).cumsum(axis=1)
HARDSHIP_P = np.array([0.30, 0.25, 0.03, 0.03, 0.005, 0.05, 0.08, 0.15, 0.105])
HARDSHIP_P = HARDSHIP_P / HARDSHIP_P.sum()
TERMINAL_TYPES = np.array(["withdraw", "transfer_out", "expel", "deceased"], dtype=object)
TERMINAL_P = np.array([0.66, 0.29, 0.045, 0.005])
TERMINAL_STATUS = np.array(["withdrawn", "transferred", "expelled", "deceased"], dtype=object)
# Free tuition (免学费) covers nearly every full-time student (not, for example, performance-art majors), so
# that a school that declared everyone has no funding gap (gaps.py makes the gaps)
TUITION_SHARE = 0.995
# slot of each change kind within a student (the change id is student_id * 8 + slot)
SLOT_TRANSFER_IN, SLOT_MAJOR, SLOT_SUSPEND, SLOT_RESUME, SLOT_TERMINAL = range(5)


@dataclass
class Students:
    """A chunk's students: contract columns plus the hidden facts aid generation needs."""

    n: int
    school: np.ndarray        # local index into the chunk's schools
    id: np.ndarray
    cohort: np.ndarray        # intake term index
    program_years: np.ndarray
    enrolled: np.ndarray
    registered: np.ndarray
    end: np.ndarray           # planned end of the programme
    terminal_approved: np.ndarray  # the day the registry took the student off the roll (NEVER: not yet)
    hardship: np.ndarray      # object array, None when not a priority student
    needy: np.ndarray         # other grant-eligible family circumstances
    agri: np.ndarray
    tuition_ok: np.ndarray
    grant_missed: np.ndarray  # a priority student the school failed to put forward for a grant
    need_u: np.ndarray        # uniform draw fixing the grant tier
    status: np.ndarray


def _uniform_between(rng, lo, hi):
    return lo + np.floor(rng.random(lo.size) * np.maximum(hi - lo, 0)).astype(np.int64)


def make_students(ctx, prov: Province, sch: pd.DataFrame, rng: np.random.Generator):
    """Generate a chunk's students; returns (Students, {table: columns})."""
    until, wd, lag = ctx.until, ctx.wd, prov.lag
    cohorts = np.arange(FIRST_COHORT, ctx.until_term + 1)
    years, autumn = cohorts // 2, cohorts % 2 == 1
    starts = np.array([terms.start(c) for c in cohorts], dtype=np.int64)
    closed_on = sch["closed_on"].to_numpy(np.int64)
    rate = sch["intake"].to_numpy()[:, None] * np.where(autumn, 0.85, 0.15)[None, :] * (1 + 0.03 * (years - 2024))
    rate = np.where(starts[None, :] > closed_on[:, None] - 60, 0.0, rate)
    counts = rng.poisson(rate)
    ns, nc = counts.shape
    s = np.repeat(np.repeat(np.arange(ns), nc), counts.ravel())
    c = np.repeat(np.tile(np.arange(nc), ns), counts.ravel())
    cohort = cohorts[c]
    aut = cohort % 2 == 1
    enrolled = starts[c] + rng.integers(0, np.where(aut, 21, 15))
    level = np.array([LEVEL_CODE[v] for v in sch["level"]])[s]
    py = 2 + (rng.random(s.size)[:, None] > PROGRAM_P[level]).sum(axis=1)
    end = ymd_to_day(cohort // 2 + py, np.where(aut, 7, 1), np.where(aut, 1, 10)) + rng.integers(0, 10, s.size)
    keep = (enrolled <= until) & (end >= WINDOW_START)
    s, cohort, aut, enrolled, py, end = s[keep], cohort[keep], aut[keep], enrolled[keep], py[keep], end[keep]
    n = s.size
    school_ids = sch["id"].to_numpy(np.int64)
    seq = np.arange(n) - np.searchsorted(s, s, side="left")
    sid = school_ids[s] * 1_000_000 + seq + 1

    # Registration: prompt provinces register within days, sluggish ones past the deadline.
    reg_factor = sch["reg_factor"].to_numpy()[s]
    registered = cut(wd.next(enrolled + rng.exponential(6 + 50 * lag * reg_factor).astype(np.int64)), until)
    approval_wd = 1 + rng.gamma(2.0, 1 + 4 * lag, n).astype(np.int64)
    # A share of records and graduate data is held up for weeks or months, far more in sluggish provinces:
    # the records page's ageing chart and overdue counts. Drawn from a stream of its own, so that adding it
    # left every other figure of a seed unchanged. Working-day arithmetic carries the waits across the
    # Spring Festival and National Day.
    held = np.random.default_rng(np.random.SeedSequence([ctx.seed, 3, int(prov.code), int(school_ids[0])]))
    stuck = held.random(n) < 0.005 + 0.05 * lag
    approval_wd = np.where(stuck, held.integers(12, 120, n), approval_wd)
    reg_approved = cut(wd.add(registered, approval_wd), until)

    male = rng.random(n) < 0.6
    age_years = np.where(py == 2, 18, 15)
    birth = enrolled - age_years * 365 - rng.integers(0, 730, n)
    hard_p = 0.08 * HARDSHIP_FACTOR[prov.region]
    is_hard = rng.random(n) < hard_p
    groups = np.array(HARDSHIP_GROUPS, dtype=object)[rng.choice(len(HARDSHIP_GROUPS), n, p=HARDSHIP_P)]
    hardship = np.where(is_hard, groups, None)
    needy = ~is_hard & (rng.random(n) < (0.58 if prov.region == "west" else 0.48))
    major = rng.choice(len(names.MAJORS), n, p=names.MAJOR_P)
    grant_missed = is_hard & (rng.random(n) < np.where(sch["grant_misser"].to_numpy()[s], 0.2, 0.03))

    # --- status changes -------------------------------------------------
    span_start = np.maximum(enrolled + 20, WINDOW_START)
    span_end = np.minimum(end, until)
    years_span = np.maximum(span_end - span_start, 0) / 365.0
    has_term = rng.random(n) < 1 - np.exp(-0.058 * years_span)
    term_kind = rng.choice(4, n, p=TERMINAL_P)
    term_on = _uniform_between(rng, span_start, span_end)
    closing = (closed_on[s] < NEVER) & (end > closed_on[s]) & (~has_term | (term_on > closed_on[s]))
    has_term |= closing
    term_kind = np.where(closing, 1, term_kind)  # a closing school transfers its students out
    term_on = np.where(closing, np.maximum(closed_on[s] - rng.integers(0, 20, n), enrolled + 1), term_on)
    limit = np.where(has_term, term_on, span_end)
    has_susp = rng.random(n) < 1 - np.exp(-0.028 * years_span)
    enlist = rng.random(n) < 0.2
    susp_on = _uniform_between(rng, span_start, limit)
    resume_on = susp_on + np.where(enlist, rng.integers(700, 760, n), rng.integers(120, 400, n))
    has_resume = has_susp & (rng.random(n) < np.where(enlist, 0.5, 0.65)) & (resume_on <= np.minimum(limit, until))
    has_major = rng.random(n) < 1 - np.exp(-0.02 * years_span)
    major_on = _uniform_between(rng, span_start, limit)
    has_tin = (years_span > 0) & (rng.random(n) < 0.015)
    tin_on = _uniform_between(rng, span_start, limit)

    parts = [
        (has_tin, SLOT_TRANSFER_IN, np.full(n, "transfer_in", dtype=object), tin_on),
        (has_major, SLOT_MAJOR, np.full(n, "major_change", dtype=object), major_on),
        (has_susp, SLOT_SUSPEND, np.where(enlist, "enlist", "suspend").astype(object), susp_on),
        (has_resume, SLOT_RESUME, np.full(n, "resume", dtype=object), resume_on),
        (has_term, SLOT_TERMINAL, TERMINAL_TYPES[term_kind], term_on),
    ]
    ch_student = np.concatenate([np.flatnonzero(m) for m, *_ in parts])
    ch_slot = np.concatenate([np.full(int(m.sum()), slot) for m, slot, *_ in parts])
    ch_type = np.concatenate([t[m] for m, _, t, _ in parts])
    ch_on = np.concatenate([d[m] for m, _, _, d in parts])
    order = np.lexsort((ch_slot, ch_student))
    ch_student, ch_slot, ch_type, ch_on = ch_student[order], ch_slot[order], ch_type[order], ch_on[order]
    m = ch_student.size
    late_school = sch["late_recorder"].to_numpy()[s[ch_student]]
    rec_lag = 1 + rng.gamma(2.0, np.where(late_school, 10.0, 2.0) * (1 + 1.5 * lag), m).astype(np.int64)
    never_rec = rng.random(m) < np.where(late_school, 0.08, 0.004)
    recorded = cut(np.where(never_rec, NEVER, wd.add(ch_on, rec_lag)), until)
    decision = cut(wd.add(recorded, 1 + rng.gamma(2.0, 1.5 + 8 * lag, m).astype(np.int64)), until)
    rejected = rng.random(m) < 0.04
    approved = np.where(rejected, NEVER, decision)
    rejected_on = np.where(rejected, decision, NEVER)

    def approved_of(slot):
        out = np.full(n, NEVER, dtype=np.int64)
        sel = ch_slot == slot
        out[ch_student[sel]] = approved[sel]
        return out

    term_app = approved_of(SLOT_TERMINAL)
    term_eff = has_term & (term_app <= until)
    term_pending = has_term & ~term_eff
    susp_eff = has_susp & (approved_of(SLOT_SUSPEND) <= until) & ~(approved_of(SLOT_RESUME) <= until)
    overstay = rng.random(n) < 0.03
    finished = (end <= until) & ~overstay & ~term_pending & ~susp_eff
    status = np.where(term_eff, TERMINAL_STATUS[term_kind],
                      np.where(susp_eff, "suspended", np.where(finished, "graduated", "enrolled"))).astype(object)

    # --- graduation -----------------------------------------------------
    g = np.flatnonzero(status == "graduated")
    upload_in = rng.integers(0, 30, g.size) + rng.exponential(3 + 30 * lag, g.size).astype(np.int64)
    upload_in = np.where(held.random(g.size) < 0.005 + 0.06 * lag, held.integers(30, 200, g.size), upload_in)
    uploaded = cut(wd.next(end[g] + upload_in), until)
    approve_in = 2 + rng.gamma(2.0, 3 + 10 * lag, g.size).astype(np.int64)
    approve_in = np.where(held.random(g.size) < 0.005 + 0.06 * lag, held.integers(15, 120, g.size), approve_in)
    g_approved = cut(wd.add(uploaded, approve_in), until)
    codes = sch["code"].to_numpy()[s[g]]
    gy = ymd(end[g])[0]
    # certificates missing after approval: 3 % in a prompt province, up to 13 % in the most sluggish
    cert = [f"{y}{code}{q:06d}" if a <= until and r < 0.97 - 0.1 * lag else None
            for y, code, q, a, r in zip(gy.tolist(), codes.tolist(), seq[g].tolist(), g_approved.tolist(),
                                        rng.random(g.size).tolist())]

    # --- ID numbers and names ---------------------------------------------
    city_codes = sch["city_code"].to_numpy()
    local = np.array([int(x) for x in city_codes], dtype=np.int64)[s]
    all_cities = np.array([int(x["code"]) for x in prov.cities], dtype=np.int64)
    division = np.where(rng.random(n) < 0.85, local, all_cities[rng.integers(0, all_cities.size, n)])
    by, bm, bd = ymd(birth)
    ids = idcard.id_numbers(rng, division, by * 10000 + bm * 100 + bd, male)
    person = names.person_names(rng, male)

    students = Students(
        n=n, school=s, id=sid, cohort=cohort, program_years=py, enrolled=enrolled, registered=registered,
        end=end, terminal_approved=np.where(term_eff, term_app, NEVER), hardship=hardship, needy=needy,
        agri=names.MAJOR_AGRI[major], tuition_ok=rng.random(n) < TUITION_SHARE, grant_missed=grant_missed,
        need_u=rng.random(n), status=status,
    )
    term_codes = np.array([terms.code(t) for t in range(FIRST_COHORT, ctx.until_term + 1)], dtype=object)
    tables = {
        "student": {
            "id": sid, "school_id": school_ids[s], "province_code": np.full(n, prov.code, dtype=object),
            "id_number": ids, "name": person, "gender": np.where(male, "M", "F").astype(object),
            "birth_date": birth, "major_code": names.MAJOR_CODES[major], "agri_major": names.MAJOR_AGRI[major],
            "intake_term": term_codes[cohort - FIRST_COHORT], "program_years": py, "enrolled_on": enrolled,
            "registered_on": registered, "reg_approved_on": reg_approved, "status": status, "hardship": hardship,
        },
        "status_change": {
            "id": sid[ch_student] * 8 + ch_slot, "student_id": sid[ch_student], "school_id": school_ids[s[ch_student]],
            "province_code": np.full(m, prov.code, dtype=object), "change_type": ch_type, "occurred_on": ch_on,
            "recorded_on": recorded, "approved_on": approved, "rejected_on": rejected_on,
        },
        "graduation": {
            "student_id": sid[g], "school_id": school_ids[s[g]], "province_code": np.full(g.size, prov.code, dtype=object),
            "graduated_on": end[g], "uploaded_on": uploaded, "approved_on": g_approved, "certificate_no": cert,
        },
    }
    return students, tables
