"""The central-subsidy gap (资金缺口): which schools leave students at school undeclared, or declare late.

The notice (§二(三)) makes the province, city and school bear the gap that
arises when students at school are never declared for aid, or declared and
approved too late. A gap page over a demo where every school declared every
student on time would show nothing, and one where every school had a gap would
show no story, so the gap is concentrated: one *gap province* (the largest of
the four sluggish provinces, so that its late approvals and its undeclared
students add up rather than compete) has a third or more of its students in
schools that leave a quarter to two fifths of their students undeclared, and a
few schools elsewhere leave a few percent undeclared or declare part of their
students in a late batch just before the approval deadline. Every other school
declares (nearly) everyone.

Drawn from a stream of its own, so that adding it left the schools' other
factors unchanged; the shares are per school, the students who are left out
per student (``aid.py``).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from aidwatch.demo.provinces import Province

#: The gap province's schools that under-declare cover at least this share of its annual intake.
GAP_PROVINCE_COVERAGE = 0.35
#: Share of their students such a school never declares.
GAP_SHARE = (0.25, 0.40)
#: Elsewhere: about this share of schools (at least one) under-declares a little...
SCATTERED_RATE = 0.015
SCATTERED_SHARE = (0.03, 0.08)
#: ... and about this share of schools (at least two, one of them in the gap province) declares part of its
#: students in a late batch, days before the approval deadline.
LATE_RATE = 0.02
LATE_SHARE = (0.15, 0.30)
#: One school reports this many times its students (at least this annual intake: about 180 on the roll).
INFLATED_FACTOR = (1.8, 2.0)
INFLATED_MIN_INTAKE = 60


def gap_province(provinces: list[Province]) -> str:
    """The code of the province with the largest gap: the largest of the sluggish provinces."""
    sluggish = sorted(provinces, key=lambda p: p.diligence)[:4]
    return max(sluggish, key=lambda p: (p.weight, p.code)).code


def plan_gaps(schools: pd.DataFrame, provinces: list[Province], seed: int) -> pd.DataFrame:
    """``schools`` with hidden factors ``undeclared_share`` and ``late_share`` (0 for most schools) and
    ``headcount_factor`` (1 but for one school)."""
    rng = np.random.default_rng(np.random.SeedSequence([seed, 6]))
    n = len(schools)
    undeclared = np.zeros(n)
    late = np.zeros(n)
    home = (schools["province_code"] == gap_province(provinces)).to_numpy()
    inside = rng.permutation(np.flatnonzero(home))
    intake = schools["intake"].to_numpy()
    covered = np.cumsum(intake[inside]) / intake[inside].sum()
    chosen = inside[:int(np.searchsorted(covered, GAP_PROVINCE_COVERAGE)) + 1]
    undeclared[chosen] = rng.uniform(*GAP_SHARE, chosen.size)
    outside = rng.permutation(np.flatnonzero(~home))
    k = max(1, int(round(SCATTERED_RATE * n)))
    undeclared[outside[:k]] = rng.uniform(*SCATTERED_SHARE, k)
    # late batches: one school of the gap province (one not under-declaring when it has one), and elsewhere
    # schools that declared everyone else on time
    rest = [i for i in inside if i not in set(chosen)] or list(chosen)
    m = max(1, int(round(LATE_RATE * n)) - 1)
    late_schools = np.array([rest[0], *outside[k:k + m]], dtype=np.int64)
    late[late_schools] = rng.uniform(*LATE_SHARE, late_schools.size)
    # one school, outside the gap province, reports a headcount far above its roll (the data-quality page's
    # headcount_above_registry): the smallest with enough students for the difference to pass its margin
    factor = np.ones(n)
    big_enough = np.flatnonzero(~home & (intake >= INFLATED_MIN_INTAKE))
    if big_enough.size:
        factor[big_enough[np.argmin(intake[big_enough])]] = rng.uniform(*INFLATED_FACTOR)
    return schools.assign(undeclared_share=undeclared, late_share=late, headcount_factor=factor)
