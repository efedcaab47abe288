"""Counting day-grouped frames at a date D: the arithmetic every as-of view derived from them shares.

The day-grouped queries (``queries.records``, ``queries.backlog.change_days`` and
``suspect_days``, ``queries.inspections.coverage_days``) return counts per
region and day(s), without D, cached once per snapshot. An as-of view is then a
comparison of those days with D and a sum per region: these helpers keep the
days in their stored unit (no conversion per date) and sum by the region's
category codes (a groupby per count took tens of milliseconds on national
frames; a sum over each region's run of rows takes well under one).
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd


def day64(day: dt.date) -> np.datetime64:
    return np.datetime64(day, "D")


def day_array(frame: pd.DataFrame, col: str) -> np.ndarray:
    """The column's days in their stored unit (no copy): compared with a day, they need no conversion."""
    return frame[col].to_numpy()


def sum_per_code(codes: pd.Series, weights: dict) -> pd.DataFrame:
    """``code`` and, per name of ``weights`` (an array of counts aligned with ``codes``), its sum per region
    code, every code of the frame present (a zero where nothing counts)."""
    code = codes.astype("category")
    regions = code.cat.categories.astype(str)
    sums = _sums(code.cat.codes.to_numpy(), len(regions), list(weights.values()))
    out = pd.DataFrame(dict(zip(weights, sums)), index=range(len(regions))).astype("int64")
    out.insert(0, "code", regions)
    return out


def _sums(index: np.ndarray, size: int, arrays: list) -> list[np.ndarray]:
    """Each array's sums per category code (``index``; -1, no code, is left out), as int64.

    The day-grouped frames come grouped by region, and a bincount over sorted codes adds into one bin after
    another, each add waiting for the last (1.7 ms per array of 377,000 rows at the nation; a running total
    as slow): there each region's rows are one run, summed by ``np.add.reduceat`` (0.05 ms)."""
    if index.size > 1 and bool((index[1:] >= index[:-1]).all()):
        bounds = np.searchsorted(index, np.arange(size + 1))
        rows = bounds[1:] > bounds[:-1]  # the regions with rows: reduceat would give an empty run a row
        out = []
        for w in arrays:
            sums = np.zeros(size, dtype=np.int64)
            sums[rows] = np.add.reduceat(np.asarray(w, dtype=np.int64), bounds[:-1][rows])
            out.append(sums)
        return out
    keep = index >= 0
    index = index[keep].astype(np.intp)
    return [np.bincount(index, weights=np.asarray(w)[keep], minlength=size) for w in arrays]
