"""Expansion rollout (扩围提标) as of a date: the province step matrix, the 6 June
report tracker, grant figures, tier distribution and priority-group coverage.

Everything here is pure: the small frames of ``queries.rollout`` in, rows out.
A step is ``green`` when done on time, ``amber`` when done late or not done
while its deadline is still ahead (or done only in part), ``red`` when not done
and its deadline has passed (docs/metrics-decisions.md, "Expansion rollout").

See shared/spec/metrics.md, "Expansion rollout".
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from aidwatch.contract import FULL_COVERAGE_GROUPS, HARDSHIP_GROUPS
from aidwatch.metrics.rates import pct
from aidwatch.workdays import WorkCalendar

#: 财教〔2024〕181号: the national average standard from spring 2025, yuan per student per year.
TARGET_YUAN_PER_YEAR = 2300
#: The matrix's steps, in the order a province takes them.
STEPS = ("policy", "tiers", "average", "third_year", "funds", "report")
EXPORT_COLUMNS = ["code", "name", "policy_revised_on", "tier_count", "tier_amounts", "avg_grant_yuan_per_year",
                  "target_yuan_per_year", "grant_recipients", "third_year_recipients", "disbursed_pct",
                  "report_submitted_on", "report_status", "priority_students", "priority_without_grant"]
PROVINCE_ONLY = ["policy_revised_on", "tier_count", "tier_amounts", "report_submitted_on", "report_status"]
CASE_COLUMNS = ["name", "id_number", "hardship", "intake_term", "enrolled_on", "grant_submitted_on",
                "grant_approved_on", "reason"]


def parse_tiers(text) -> tuple[int, ...]:
    """'3000,2300,1600' → (3000, 2300, 1600); empty or unreadable → ()."""
    if text is None or (isinstance(text, float) and np.isnan(text)):
        return ()
    try:
        return tuple(int(float(p)) for p in str(text).split(",") if p.strip())
    except ValueError:
        return ()


def _on_or_before(day, as_of: dt.date) -> bool:
    return day is not None and not pd.isna(day) and day <= as_of


def _upto(frame: pd.DataFrame, as_of: dt.date) -> pd.DataFrame:
    return frame[frame["day"] <= pd.Timestamp(as_of)]


def grant_figures(codes, recipients: pd.DataFrame, paid: pd.DataFrame, as_of: dt.date) -> pd.DataFrame:
    """Per code: ``grant_recipients, third_year_recipients, avg_grant_yuan_per_year`` (2 × the mean
    semester amount, rounded to the fen) and ``disbursed_pct`` (paid by D of those approved by D)."""
    codes = [str(x) for x in codes]
    rec = _upto(recipients, as_of).assign(total=lambda f: f["amount"] * f["n"])
    by = rec.groupby("code")
    out = pd.DataFrame(index=pd.Index(codes, name="code"))
    out["grant_recipients"] = by["n"].sum().reindex(codes, fill_value=0).astype("int64")
    out["third_year_recipients"] = rec[rec["third_year"]].groupby("code")["n"].sum().reindex(
        codes, fill_value=0).astype("int64")
    amounts = by["total"].sum().reindex(codes, fill_value=0.0)
    with np.errstate(divide="ignore", invalid="ignore"):
        mean = np.where(out["grant_recipients"] > 0, amounts / out["grant_recipients"].where(
            out["grant_recipients"] > 0, 1), np.nan)
    out["avg_grant_yuan_per_year"] = np.round(2 * mean, 2)
    done = _upto(paid, as_of).groupby("code")["n"].sum().reindex(codes, fill_value=0)
    out["paid"] = done.astype("int64")
    out["disbursed_pct"] = pct(out["paid"], out["grant_recipients"])
    return out.reset_index()


def report_status(submitted_on, as_of: dt.date, due: dt.date) -> str:
    """``on_time`` (by the due day), ``late``, ``missing`` (not by D, D after due), ``pending``."""
    if _on_or_before(submitted_on, as_of):
        return "on_time" if submitted_on <= due else "late"
    return "missing" if as_of > due else "pending"


def report_tracker(provinces: pd.DataFrame, names: dict, as_of: dt.date, due: dt.date,
                   cal: WorkCalendar) -> pd.DataFrame:
    """One row per province: ``code, name, report_submitted_on`` (empty when not by D), ``report_status`` and
    ``working_days_late``: how late a late report came, or how overdue a missing one is, in working days."""
    rows = []
    for r in provinces.itertuples(index=False):
        status = report_status(r.report_submitted_on, as_of, due)
        submitted = r.report_submitted_on if status in ("on_time", "late") else None
        late = None
        if status == "late":
            late = cal.workdays_between(due, submitted)
        elif status == "missing":
            late = cal.workdays_between(due, as_of)
        rows.append({"code": r.province_code, "name": names.get(r.province_code, r.province_code),
                     "report_submitted_on": submitted, "report_status": status, "working_days_late": late})
    out = pd.DataFrame(rows, columns=["code", "name", "report_submitted_on", "report_status", "working_days_late"])
    out["working_days_late"] = pd.to_numeric(out["working_days_late"]).astype("Int64")
    return out


def _by_deadline(done: bool, on_time: bool, as_of: dt.date, due: dt.date) -> str:
    if done:
        return "green" if on_time else "amber"
    return "red" if as_of > due else "amber"


def average_state(avg, as_of: dt.date, due: dt.date) -> str:
    """Green once the recipients' average reaches the target; until the funds deadline short of it is amber."""
    return _by_deadline(not pd.isna(avg) and avg >= TARGET_YUAN_PER_YEAR, True, as_of, due)


def third_year_state(third: int, as_of: dt.date, due: dt.date) -> str:
    return _by_deadline(third > 0, True, as_of, due)


def paid_state(recipients: int, disbursed_pct, as_of: dt.date, due: dt.date) -> str:
    """A region's recipients all paid → green; some unpaid → amber before the deadline, red after."""
    if recipients == 0:
        return _by_deadline(False, False, as_of, due)
    return _by_deadline(disbursed_pct >= 100, True, as_of, due)


def priority_state(without: int, gap: int) -> str:
    """The seven 特困 groups must be fully covered: any of them without a grant is red; the other two
    groups are to be brought in promptly: amber while any of them is without a grant."""
    if gap > 0:
        return "red"
    return "amber" if without > 0 else "green"


def province_steps(p, fig, report: str, as_of: dt.date, funds_due: dt.date) -> dict:
    """The six steps of one province: ``{step}_state`` (green|amber|red) and the figure behind it.

    Tiers have no date of their own: they are part of the revised policy and
    count from ``policy_revised_on``.
    """
    revised = _on_or_before(p.policy_revised_on, as_of)
    policy = _by_deadline(revised, revised and p.policy_revised_on <= funds_due, as_of, funds_due)
    amounts = parse_tiers(p.tier_amounts) if revised else ()
    count = int(p.tier_count) if revised and not pd.isna(p.tier_count) else 0
    if not revised or count < 2:
        tiers = _by_deadline(False, False, as_of, funds_due)
    elif len(amounts) != count:
        tiers = "amber"  # declared, but the amounts do not match the number of tiers
    else:
        tiers = policy
    declared = _on_or_before(p.funds_disbursed_on, as_of)
    if declared and fig.grant_recipients and fig.disbursed_pct >= 100:
        funds = "green" if p.funds_disbursed_on <= funds_due else "amber"
    else:
        funds = "amber" if declared else _by_deadline(False, False, as_of, funds_due)
    return {
        "policy_state": policy, "tiers_state": tiers,
        "average_state": average_state(fig.avg_grant_yuan_per_year, as_of, funds_due),
        "third_year_state": third_year_state(fig.third_year_recipients, as_of, funds_due),
        "funds_state": funds,
        "report_state": {"on_time": "green", "late": "amber", "pending": "amber", "missing": "red"}[report],
        "funds_declared_on": p.funds_disbursed_on if declared else None,
        "tier_count": count or None, "tier_amounts": ",".join(map(str, amounts)) or None,
        "policy_revised_on": p.policy_revised_on if revised else None,
    }


def step_matrix(provinces: pd.DataFrame, figures: pd.DataFrame, tracker: pd.DataFrame, as_of: dt.date,
                funds_due: dt.date) -> pd.DataFrame:
    """One row per province: the report tracker's columns, grant figures and every step's state, and
    ``steps_done``: how many steps are green."""
    figs = figures.set_index("code")
    reports = tracker.set_index("code")
    rows = []
    for p in provinces.itertuples(index=False):
        fig = figs.loc[p.province_code]
        rep = reports.loc[p.province_code]
        steps = province_steps(p, fig, rep.report_status, as_of, funds_due)
        rows.append({"code": p.province_code, "name": rep["name"], **steps, **fig.to_dict(),
                     "report_submitted_on": rep.report_submitted_on, "report_status": rep.report_status,
                     "working_days_late": rep.working_days_late})
    out = pd.DataFrame(rows)
    if out.empty:
        return out
    out["steps_done"] = (out[[f"{s}_state" for s in STEPS]] == "green").sum(axis=1).astype("int64")
    for col in ("grant_recipients", "third_year_recipients", "paid", "tier_count", "working_days_late"):
        out[col] = pd.to_numeric(out[col]).astype("Int64")
    return out


def tier_distribution(recipients: pd.DataFrame, declared: dict, as_of: dt.date) -> pd.DataFrame:
    """Per code and tier as of D: ``recipients, share_pct, declared_yuan`` (the province's declared yearly
    amount of that tier), ``mean_yuan_per_year`` and ``off_tier``: recipients whose yearly amount
    (2 × the semester amount) is not the declared one."""
    rec = _upto(recipients, as_of)
    if rec.empty:
        return pd.DataFrame(columns=["code", "tier", "recipients", "share_pct", "declared_yuan",
                                     "mean_yuan_per_year", "off_tier"])
    # one row per (code, tier, yearly amount) before looking up the declared amounts: thousands fewer
    rec = rec.assign(yearly=2 * rec["amount"], tier=rec["tier"].fillna(0).astype("int64")).groupby(
        ["code", "tier", "yearly"], as_index=False)["n"].sum()
    rec["declared_yuan"] = [
        (declared.get(code) or ())[t - 1] if 1 <= t <= len(declared.get(code) or ()) else np.nan
        for code, t in zip(rec["code"], rec["tier"])]
    rec["off"] = np.where(np.isclose(rec["yearly"], rec["declared_yuan"]), 0, rec["n"])
    rec["total"] = rec["yearly"] * rec["n"]
    out = rec.groupby(["code", "tier"]).agg(recipients=("n", "sum"), total=("total", "sum"),
                                            off_tier=("off", "sum"), declared_yuan=("declared_yuan", "first"))
    out = out.reset_index()
    out["mean_yuan_per_year"] = np.round(out["total"] / out["recipients"], 2)
    out["share_pct"] = pct(out["recipients"], out.groupby("code")["recipients"].transform("sum"))
    out["tier"] = out["tier"].astype(object).where(out["tier"] > 0, None)  # 0 stood for "no tier recorded"
    return out[["code", "tier", "recipients", "share_pct", "declared_yuan", "mean_yuan_per_year", "off_tier"]]


def tier_shares(tiers: pd.DataFrame, codes) -> pd.DataFrame:
    """One row per code of ``codes`` from ``tier_distribution``: ``recipients``, ``share_<n>`` per tier found
    (``share_none``: no tier recorded; 0 where a code has recipients but none in that tier, NaN where it has
    none at all), ``off_tier`` and ``off_tier_pct``, its share of the recipients (NaN without recipients)."""
    codes = [str(c) for c in codes]
    frame = tiers.assign(code=tiers["code"].astype(str),
                         key=["share_none" if tr is None or pd.isna(tr) else f"share_{int(tr)}" for tr in tiers["tier"]])
    keys = sorted({k for k in frame["key"] if k != "share_none"}, key=lambda k: int(k.removeprefix("share_")))
    keys += ["share_none"] if (frame["key"] == "share_none").any() else []
    sums = frame.groupby("code")[["recipients", "off_tier"]].sum().reindex(codes, fill_value=0)
    wide = frame.pivot_table(index="code", columns="key", values="share_pct", aggfunc="sum").reindex(
        index=codes, columns=keys).fillna(0.0)
    wide[(sums["recipients"] == 0).to_numpy()] = np.nan
    out = pd.DataFrame({"code": codes, "recipients": sums["recipients"].astype("int64").to_numpy(),
                        "off_tier": sums["off_tier"].astype("int64").to_numpy()})
    out[keys] = wide.to_numpy() if keys else np.empty((len(codes), 0))
    out["off_tier_pct"] = pct(out["off_tier"], out["recipients"])
    return out


def priority_counts(days: pd.DataFrame, as_of: dt.date) -> pd.DataFrame:
    """``code, hardship, students, without_grant`` as of D from ``queries.rollout.priority_frame``:
    priority students are those enrolled by D; those without a grant are not recipients by D."""
    upto = days[days["day"] <= np.datetime64(as_of, "s")]
    # groupby + unstack: the same table as pivot_table, several times faster on every as-of change
    wide = upto.groupby(["code", "hardship", "measure"], observed=True)["n"].sum().unstack("measure", fill_value=0)
    wide = wide.reindex(columns=["priority", "granted"], fill_value=0)
    out = pd.DataFrame({"students": wide["priority"], "without_grant": wide["priority"] - wide["granted"]})
    return out[out["students"] > 0].reset_index().astype(
        {"code": str, "hardship": str, "students": "int64", "without_grant": "int64"})


def priority_table(codes, counts: pd.DataFrame) -> pd.DataFrame:
    """Per code: ``priority_students, priority_without_grant, coverage_pct``, the without-grant count of every
    hardship group (``without_<group>``), and ``full_coverage_gap``: those of the seven 特困 groups."""
    codes = pd.Index([str(x) for x in codes], dtype=str)  # typed: no codes (a city without schools) is not float
    columns = pd.MultiIndex.from_product([("students", "without_grant"), HARDSHIP_GROUPS])
    if counts.empty:
        wide = pd.DataFrame(0, index=codes, columns=columns)
    else:
        wide = counts.groupby(["code", "hardship"])[["students", "without_grant"]].sum().unstack(
            "hardship", fill_value=0).reindex(index=codes, columns=columns, fill_value=0)
    students = wide["students"].to_numpy(dtype="int64")     # one column per group, in HARDSHIP_GROUPS order
    without = wide["without_grant"].to_numpy(dtype="int64")
    out = {"code": codes}
    for i, group in enumerate(HARDSHIP_GROUPS):
        out[f"students_{group}"], out[f"without_{group}"] = students[:, i], without[:, i]
    out["priority_students"], out["priority_without_grant"] = students.sum(axis=1), without.sum(axis=1)
    out["full_coverage_gap"] = without[:, [HARDSHIP_GROUPS.index(g) for g in FULL_COVERAGE_GROUPS]].sum(axis=1)
    out["coverage_pct"] = pct(out["priority_students"] - out["priority_without_grant"], out["priority_students"])
    out["priority_state"] = [priority_state(w, g) for w, g in zip(out["priority_without_grant"],
                                                                  out["full_coverage_gap"])]
    return pd.DataFrame(out)


def region_rows(children: pd.DataFrame, figures: pd.DataFrame, priority: pd.DataFrame, as_of: dt.date,
                funds_due: dt.date) -> pd.DataFrame:
    """Rows below the nation (cities or schools): grant figures, priority coverage and their states."""
    out = children[["code", "name"]].astype({"code": str}).merge(figures, on="code", how="left")
    out = out.merge(priority, on="code", how="left")
    out["average_state"] = [average_state(a, as_of, funds_due) for a in out["avg_grant_yuan_per_year"]]
    out["third_year_state"] = [third_year_state(n, as_of, funds_due) for n in out["third_year_recipients"]]
    out["funds_state"] = [paid_state(n, p, as_of, funds_due)
                          for n, p in zip(out["grant_recipients"], out["disbursed_pct"])]
    return out


def export_rows(rows: pd.DataFrame, level: str) -> pd.DataFrame:
    """The spec's columns; below the nation the province-only columns are empty."""
    out = rows.assign(target_yuan_per_year=TARGET_YUAN_PER_YEAR).reindex(columns=EXPORT_COLUMNS)
    if level != "nation":
        for col in PROVINCE_ONLY:
            out[col] = None
    return out


def case_reasons(cases: pd.DataFrame, as_of: dt.date) -> pd.DataFrame:
    """Why each priority student has no grant as of D: ``not_applied``, ``rejected`` or ``awaiting_approval``.

    ``status`` is the record's current one (the replica keeps no history): a
    rejection is taken as it stands.
    """
    out = cases.copy()
    out["reason"] = [
        "not_applied" if s is None or pd.isna(s) else ("rejected" if s == "rejected" else "awaiting_approval")
        for s in out.get("grant_status", pd.Series(dtype=object))]
    return out
