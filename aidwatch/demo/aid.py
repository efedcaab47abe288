"""Aid records (免学费 and 国家助学金) per semester, and the monthly duplicate matches.

Schools submit in batches (one batch day per school and term, later for
students registered after it), provinces approve after the public notice with
a lag set by their diligence, and money follows. Grant amounts are half of the
province's yearly tier amount; priority students get the top tier. Duplicate
matches concentrate in dual-plate (一校两牌) schools, where the same student is
easily on both the education and the labour system's rolls.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from aidwatch.demo import names, terms
from aidwatch.demo.days import NEVER, cut, ymd_to_day
from aidwatch.demo.provinces import Province, grant_tiers
from aidwatch.demo.students import Students

LEVEL_TUITION = {"technician_college": 1.2, "senior_technical": 1.1, "technical": 1.0}
HARDSHIP_SHARE = 0.18  # of grant recipients; they fill the top tier first
FIRST_MATCH_P = np.array([0.45, 0.25, 0.15, 0.10, 0.05])
TERM_BASE = terms.FIRST_AID_TERM
MAX_BATCH_DELAY = 75  # days after the usual first batch day (12 March / 22 September)


def batch_months(term: int) -> list[tuple[int, int]]:
    """The monthly duplicate checks that look at a term's aid."""
    year, autumn = divmod(term, 2)
    if autumn:
        return [(year, 10), (year, 11), (year, 12), (year + 1, 1), (year + 1, 2)]
    return [(year, m) for m in (4, 5, 6, 7, 8)]


def push_day(ctx, year: int, month: int) -> int:
    """The national push of a monthly batch: a working day in the first days of the month."""
    first = int(ymd_to_day(year, month, 1))
    return int(ctx.wd.next(np.array([first + (year * 12 + month) % 3]))[0])


def tier_of(prov: Province, year: int, hardship: np.ndarray, need_u: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(grant_tier, yearly amount) per recipient; no revised policy means the old flat 2,000."""
    tiers = grant_tiers(prov, year)
    if not tiers:
        return np.ones(need_u.size, dtype=np.int64), np.full(need_u.size, 2000, dtype=np.int64)
    shares = np.array(prov.tier_shares)
    p1 = max(0.0, (shares[0] - HARDSHIP_SHARE) / (1 - HARDSHIP_SHARE))
    rest = shares[1:] * (1 - p1) / shares[1:].sum()
    cum = np.cumsum(np.concatenate([[p1], rest]))
    tier = 1 + (need_u[:, None] > cum[None, :-1]).sum(axis=1)
    tier = np.where(hardship, 1, tier)
    return tier, np.array(tiers, dtype=np.int64)[tier - 1]


def make_aid(ctx, prov: Province, sch: pd.DataFrame, st: Students, rng: np.random.Generator):
    """Aid records for every term up to ``until``'s, then duplicate matches; returns tables and per-term actives."""
    until, wd, lag = ctx.until, ctx.wd, prov.lag
    ns = len(sch)
    closed = sch["closed_on"].to_numpy(np.int64)
    tuition = np.minimum(
        np.round(prov.tuition * sch["level"].map(LEVEL_TUITION).to_numpy() / 50) * 50, 2500).astype(np.int64)
    dual = sch["dual_plate"].to_numpy()
    joint = sch["joint_enrollment"].to_numpy()
    sloppy = sch["dup_sloppy"].to_numpy()
    reg_factor = sch["reg_factor"].to_numpy()
    has_hard = st.hardship != None  # noqa: E711 - elementwise on an object array
    # the funding gap (gaps.py): students their school never declares, and students declared in a late batch
    # just before the approval deadline, some of them held by the province for weeks; a stream of its own
    gap = np.random.default_rng(np.random.SeedSequence([ctx.seed, 4, int(prov.code), int(sch["id"].iloc[0])]))
    never_declared = gap.random(st.n) < sch["undeclared_share"].to_numpy()[st.school]
    late_declared = gap.random(st.n) < sch["late_share"].to_numpy()[st.school]
    out = {k: [] for k in ("id", "student", "term", "grade", "grant", "tier", "amount", "submitted", "publicized",
                           "approved", "disbursed", "status")}
    actives = {}
    for t in ctx.aid_terms:
        census = terms.census(t)
        grade = (t - st.cohort) // 2 + 1
        active = ((st.enrolled <= census) & (st.end > census) & (st.terminal_approved > census)
                  & (closed[st.school] > census) & (grade <= st.program_years))
        actives[t] = active
        idx = np.flatnonzero(active & (st.registered < NEVER) & ~never_declared)
        s = st.school[idx]
        base = terms.start(t) + (11 if t % 2 == 0 else 21)
        # the slowest schools submit some 11 weeks into the term, past the approval deadline, never months later
        batch = base + np.minimum(rng.exponential(4 + 25 * lag * reg_factor, ns), MAX_BATCH_DELAY).astype(np.int64)
        late_batch = batch + 15 + rng.integers(0, 20, ns)
        reg = st.registered[idx]
        sub_raw = np.where(reg + 2 <= batch[s], batch[s], np.maximum(late_batch[s], reg + 2))
        submitted = wd.next(sub_raw + rng.integers(0, 3, idx.size))
        late_batch_day = wd.next(terms.approval_due(t) - gap.integers(3, 12, ns))
        late = late_declared[idx]
        submitted = np.where(late, np.maximum(submitted, late_batch_day[s]), submitted)
        held = np.where(late & (gap.random(idx.size) < 0.3), gap.integers(20, 60, idx.size), 0)
        approve_lag = 5 + rng.gamma(2.0, 1.5 + 10 * lag, ns).astype(np.int64)
        pay_lag = 2 + rng.gamma(2.0, 1.5 + 6 * lag, ns).astype(np.int64)
        year = t // 2
        grade_i = grade[idx]
        third_ok = t >= prov.third_year_from
        grant_ok = ((has_hard[idx] & ~st.grant_missed[idx]) | st.needy[idx] | st.agri[idx]) & (
            (grade_i <= 2) | ((grade_i == 3) & third_ok))
        tier, yearly = tier_of(prov, year, has_hard[idx], st.need_u[idx])
        for is_grant, take in ((False, st.tuition_ok[idx]), (True, grant_ok)):
            k = np.flatnonzero(take)
            kn = k.size
            sub = submitted[k]
            pub = wd.add(sub, 1 + rng.integers(0, 3, kn))
            appr_raw = wd.add(pub, approve_lag[s[k]] + rng.integers(0, 3, kn) + held[k])
            rejected = rng.random(kn) < 0.006
            appr = cut(np.where(rejected, NEVER, appr_raw), until)
            disb = cut(wd.add(appr, pay_lag[s[k]] + rng.integers(0, 3, kn)), until)
            status = np.where(appr <= until, "approved",
                              np.where(rejected & (appr_raw <= until), "rejected", "submitted")).astype(object)
            exists = sub <= until
            sel = k[exists]
            out["id"].append(st.id[idx[sel]] * 32 + (t - TERM_BASE) * 2 + int(is_grant))
            out["student"].append(idx[sel])
            out["term"].append(np.full(sel.size, t))
            out["grade"].append(grade_i[sel])
            out["grant"].append(np.full(sel.size, is_grant))
            out["tier"].append(tier[sel] if is_grant else np.zeros(sel.size, dtype=np.int64))
            out["amount"].append(yearly[sel] // 2 if is_grant else tuition[s[sel]])
            out["submitted"].append(sub[exists])
            out["publicized"].append(cut(pub[exists], until))
            out["approved"].append(appr[exists])
            out["disbursed"].append(disb[exists])
            out["status"].append(status[exists])
    rec = {k: np.concatenate(v) if v else np.array([], dtype=np.int64) for k, v in out.items()}
    order = np.argsort(rec["id"], kind="stable")
    rec = {k: v[order] for k, v in rec.items()}

    dup = _duplicates(ctx, prov, sch, st, rec, dual, joint, sloppy, rng)
    revoked = np.isin(rec["id"], dup.pop("_revoke"))
    rec["status"] = np.where(revoked & (rec["status"] == "approved"), "revoked", rec["status"]).astype(object)
    nrec = rec["id"].size
    school_ids = sch["id"].to_numpy(np.int64)
    term_codes = {t: terms.code(t) for t in ctx.aid_terms}
    tables = {
        "aid_record": {
            "id": rec["id"], "student_id": st.id[rec["student"]], "school_id": school_ids[st.school[rec["student"]]],
            "province_code": np.full(nrec, prov.code, dtype=object),
            "term": np.array([term_codes[t] for t in rec["term"].tolist()], dtype=object),
            "grade": rec["grade"], "kind": np.where(rec["grant"], "grant", "tuition").astype(object),
            "grant_tier": np.where(rec["grant"], rec["tier"].astype(object), None), "amount": rec["amount"],
            "submitted_on": rec["submitted"], "publicized_on": rec["publicized"], "approved_on": rec["approved"],
            "disbursed_on": rec["disbursed"], "status": rec["status"],
        },
        "duplicate_match": dup,
    }
    return tables, actives


def _duplicates(ctx, prov, sch, st, rec, dual, joint, sloppy, rng) -> dict:
    until, wd = ctx.until, ctx.wd
    rows = {k: [] for k in ("id", "batch", "grant", "rec", "pushed")}
    for t in ctx.aid_terms:
        in_term = np.flatnonzero(rec["term"] == t)
        if not in_term.size:
            continue
        stu_of = rec["student"][in_term]
        students, first_rec = np.unique(stu_of, return_index=True)
        sch_i = st.school[students]
        p = 0.0022 * np.where(dual[sch_i], 7.0, 1.0) * np.where(joint[sch_i], 1.5, 1.0)
        chosen = students[rng.random(students.size) < p]
        if not chosen.size:
            continue
        # the student's tuition / grant record in this term (if any)
        key_t = st.id[chosen] * 32 + (t - TERM_BASE) * 2
        pos_t = np.searchsorted(rec["id"], key_t)
        pos_g = np.searchsorted(rec["id"], key_t + 1)
        has_t = (pos_t < rec["id"].size) & (rec["id"][np.minimum(pos_t, rec["id"].size - 1)] == key_t)
        has_g = (pos_g < rec["id"].size) & (rec["id"][np.minimum(pos_g, rec["id"].size - 1)] == key_t + 1)
        use_grant = has_g & (~has_t | (rng.random(chosen.size) < 0.6))
        rec_pos = np.where(use_grant, pos_g, pos_t)
        months = batch_months(t)
        pushes = np.array([push_day(ctx, y, m) for y, m in months])
        first = rng.choice(len(months), chosen.size, p=FIRST_MATCH_P)
        reps = rng.choice([1, 2, 3], chosen.size, p=[0.7, 0.2, 0.1])
        for k in range(3):
            sel = np.flatnonzero((k < reps) & (first + k < len(months)))
            mi = first[sel] + k
            pushed = pushes[mi]
            ok = (pushed <= until) & (rec["submitted"][rec_pos[sel]] <= pushed)
            sel, mi, pushed = sel[ok], mi[ok], pushed[ok]
            rows["id"].append(st.id[chosen[sel]] * 64 + (t - TERM_BASE) * 4 + k)
            rows["batch"].append(np.array([f"{months[i][0]}-{months[i][1]:02d}" for i in mi.tolist()], dtype=object))
            rows["grant"].append(use_grant[sel])
            rows["rec"].append(rec_pos[sel])
            rows["pushed"].append(pushed)
    if not rows["id"]:
        empty = {c: np.array([], dtype=np.int64) for c in ("id", "student_id", "school_id")}
        return {**empty, "batch_month": [], "kind": [], "province_code": [], "term": [], "other_school_name": [],
                "other_province_code": [], "pushed_on": np.array([], dtype=np.int64),
                "verified_on": np.array([], dtype=np.int64), "outcome": [],
                "rectified_on": np.array([], dtype=np.int64), "_revoke": np.array([], dtype=np.int64)}
    r = {k: np.concatenate(v) for k, v in rows.items()}
    order = np.argsort(r["id"], kind="stable")
    r = {k: v[order] for k, v in r.items()}
    n = r["id"].size
    stu = rec["student"][r["rec"]]
    s = st.school[stu]
    slop = sloppy[s]
    never = rng.random(n) < np.where(slop, 0.12, 0.02)
    verified = cut(np.where(never, NEVER, wd.add(r["pushed"], 1 + rng.gamma(2.0, np.where(slop, 9.0, 2.5)).astype(np.int64))), until)
    confirmed = rng.random(n) < 0.35
    outcome = np.where(verified <= until, np.where(confirmed, "confirmed", "false_positive"), None).astype(object)
    rectified = cut(np.where(outcome == "confirmed", wd.add(verified, rng.integers(0, np.where(slop, 16, 7))), NEVER), until)
    # the other school: mostly in the same province, named like an education-system school
    other_prov = [prov if rng.random() < 0.85 else ctx.provinces[int(rng.integers(0, len(ctx.provinces)))]
                  for _ in range(n)]
    other_names = []
    for op in other_prov:
        city = op.cities[int(rng.integers(0, len(op.cities)))]
        other_names.append(names.education_school_name(rng, op.name, names.place_name(op.name, city["name"], op.code)))
    school_ids = sch["id"].to_numpy(np.int64)
    return {
        "id": r["id"], "batch_month": r["batch"], "kind": np.where(r["grant"], "grant", "tuition").astype(object),
        "student_id": st.id[stu], "school_id": school_ids[s], "province_code": np.full(n, prov.code, dtype=object),
        "term": np.array([terms.code(t) for t in rec["term"][r["rec"]].tolist()], dtype=object),
        "other_school_name": other_names, "other_province_code": [op.code for op in other_prov],
        "pushed_on": r["pushed"], "verified_on": verified, "outcome": outcome, "rectified_on": rectified,
        "_revoke": rec["id"][r["rec"][(outcome == "confirmed") & (rectified <= until)]],
    }
