"""Per-province size, diligence and expansion-rollout policy.

The dashboard's stories are comparisons between provinces, so provinces must
differ: Guangdong, Henan and Shandong are big, Tibet, Qinghai, Ningxia and the
XPCC small; a per-province *diligence* factor (0 = sluggish, 1 = prompt) drives
every lag, so the same few provinces are late on several deadlines. Which
provinces are the laggards is drawn from the seed, not fixed, so that no real
province is always the villain of the demo.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import numpy as np

from aidwatch import reference
from aidwatch.demo.days import NEVER, WorkdayIndex, cut, day

# Rough shares of national technical-school students (percent).
SIZE_WEIGHT = {
    "11": 1.2, "12": 1.5, "13": 6.0, "14": 3.0, "15": 1.2, "21": 2.2, "22": 1.2, "23": 1.3, "31": 1.0,
    "32": 6.0, "33": 4.0, "34": 5.0, "35": 2.8, "36": 3.5, "37": 8.5, "41": 9.5, "42": 4.0, "43": 4.5,
    "44": 12.0, "45": 3.5, "46": 0.6, "50": 2.5, "51": 5.0, "52": 2.0, "53": 2.2, "54": 0.1, "61": 2.2,
    "62": 1.2, "63": 0.3, "64": 0.4, "65": 1.2, "66": 0.2,
}
# Priority-group (hardship) rate relative to the national ~8%.
HARDSHIP_FACTOR = {"east": 0.6, "central": 1.05, "northeast": 1.0, "west": 1.5}
TARGET_GRANT = 2300


@dataclass
class Province:
    code: str
    name: str
    short_name: str
    region: str
    weight: float
    diligence: float = 1.0
    avg_grant: int = TARGET_GRANT          # designed average yuan per year
    tiers: list[int] = field(default_factory=list)  # highest first; empty = policy never revised
    tier_shares: list[float] = field(default_factory=list)
    tuition: int = 1500                    # yuan per semester, before the level surcharge
    third_year_from: int = 2 * 2025        # first term index giving grade-3 students grants (NEVER: never)
    never_reports: bool = False
    never_revises: bool = False
    cities: list[dict] = field(default_factory=list)
    capital: int = 0                       # index into cities

    @property
    def lag(self) -> float:
        """0 for a prompt province, 1 for the most sluggish: the multiplier of every delay."""
        return 1.0 - self.diligence


def _capital_index(prov: dict, cities: list[dict]) -> int:
    try:
        lon, lat = float(prov["longitude"]), float(prov["latitude"])
        dist = [
            (float(c["longitude"]) - lon) ** 2 + (float(c["latitude"]) - lat) ** 2
            if c["longitude"] else 1e9 for c in cities
        ]
        return int(np.argmin(dist))
    except (ValueError, KeyError):
        return 0


def plan_provinces(seed: int) -> list[Province]:
    """Every province with its seed-drawn diligence, grant tiers and tuition."""
    rng = np.random.default_rng(np.random.SeedSequence([seed, 0]))
    cities_by_prov: dict[str, list[dict]] = {}
    for c in reference.cities():
        if "直辖" in c["name"]:  # "directly administered counties": not a place a school is named after
            continue
        cities_by_prov.setdefault(c["province_code"], []).append(c)
    out = []
    for p in reference.provinces():
        cities = cities_by_prov[p["code"]]
        out.append(Province(code=p["code"], name=p["name"], short_name=p["short_name"], region=p["region"],
                            weight=SIZE_WEIGHT[p["code"]], cities=cities, capital=_capital_index(p, cities)))
    n = len(out)
    diligence = rng.beta(6, 1.6, n)
    laggards = rng.permutation(n)[:4]  # four clearly sluggish provinces, sluggish in this order
    diligence[laggards] = np.sort(rng.uniform(0.1, 0.4, 4))
    for prov, d in zip(out, diligence):
        prov.diligence = float(d)
    out[laggards[0]].never_revises = True
    out[laggards[1]].never_reports = True
    if rng.random() < 0.6:
        out[laggards[2]].never_reports = True
    out[laggards[0]].third_year_from = NEVER
    out[laggards[1]].third_year_from = 2 * 2025 + 1
    out[laggards[3]].third_year_from = 2 * 2025 + 1
    below = rng.choice([i for i in range(n) if i not in laggards[:1]], 3, replace=False)
    for i, prov in enumerate(out):
        if prov.never_revises:
            prov.avg_grant = 2000
            prov.tiers, prov.tier_shares = [], []
        else:
            if i in below:
                prov.avg_grant = int(rng.choice([2000, 2100, 2200]))
            elif prov.region == "east" and rng.random() < 0.5:
                prov.avg_grant = int(rng.choice([2400, 2500, 2600]))
            if rng.random() < 0.7:
                delta = int(rng.choice([500, 600, 700, 800]))
                prov.tiers = [prov.avg_grant + delta, prov.avg_grant, prov.avg_grant - delta]
                prov.tier_shares = [0.3, 0.4, 0.3]
            else:
                delta = int(rng.choice([300, 400, 500, 600]))
                prov.tiers = [prov.avg_grant + delta, prov.avg_grant - delta]
                prov.tier_shares = [0.5, 0.5]
        base = 1000 + 300 * (prov.region == "east") + int(rng.integers(0, 16)) * 50
        prov.tuition = min(base, 2100)
    return out


def grant_tiers(prov: Province, year: int) -> list[int]:
    """Tier amounts in force in ``year`` (a quarter of provinces raise the top tier in 2026)."""
    if not prov.tiers:
        return []
    tiers = list(prov.tiers)
    if year >= 2026 and int(prov.code) % 4 == 0:
        tiers[0] += 100
    return tiers


def rollout_rows(provinces: list[Province], seed: int, until: int, wd: WorkdayIndex) -> dict[str, list]:
    """``province_rollout``: one row per province and year up to ``until``'s year."""
    cols: dict[str, list] = {k: [] for k in ("province_code", "year", "policy_revised_on", "tier_count",
                                              "tier_amounts", "budget_confirmed_on", "funds_disbursed_on",
                                              "report_submitted_on")}
    last_year = (dt.date(1970, 1, 1) + dt.timedelta(days=until)).year
    for year in range(2025, last_year + 1):
        rng = np.random.default_rng(np.random.SeedSequence([seed, 5, year]))
        for prov in provinces:
            lag = prov.lag
            if prov.never_revises:
                policy = NEVER
            else:
                start = day(dt.date(year, 3, 20) if year == 2025 else dt.date(year, 2, 15))
                policy = start + int(rng.exponential(8 + 45 * lag))
            budget = policy + int(rng.integers(3, 25)) if policy < NEVER else day(dt.date(year, 4, 10)) + int(
                rng.exponential(30))
            funds = day(dt.date(year, 5, 8)) + int(rng.exponential(4 + 30 * lag))
            funds = max(funds, budget + int(rng.integers(3, 10)))  # money follows the budget
            report = NEVER if prov.never_reports else day(dt.date(year, 5, 26)) + int(rng.exponential(2 + 22 * lag))
            dates = cut(wd.next(np.array([policy, budget, funds, report])), until)
            dates = np.where(np.array([policy, budget, funds, report]) >= NEVER, NEVER, dates)
            tiers = grant_tiers(prov, year)
            revised = dates[0] < NEVER
            cols["province_code"].append(prov.code)
            cols["year"].append(year)
            cols["policy_revised_on"].append(int(dates[0]))
            cols["tier_count"].append(len(tiers) if revised and tiers else None)
            cols["tier_amounts"].append(",".join(map(str, tiers)) if revised and tiers else None)
            cols["budget_confirmed_on"].append(int(dates[1]))
            cols["funds_disbursed_on"].append(int(dates[2]))
            cols["report_submitted_on"].append(int(dates[3]))
    return cols
