"""``aidwatch.metrics.daycounts.sum_per_code``: the same sums whether a frame's rows come grouped by region
(the day-grouped queries' order, summed by runs) or not (a bincount)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from aidwatch.metrics.daycounts import sum_per_code


def _codes(values: list[str]) -> pd.Series:
    # "13" is a category without a row: it is present with zeros
    return pd.Series(values).astype(pd.CategoricalDtype(["11", "12", "13", "44"]))


def test_sums_per_region_grouped_or_not():
    grouped = _codes(["11", "11", "12", "44", "44", "44"])
    n = np.array([1, 2, 3, 4, 5, 6])
    flag = np.array([True, False, True, True, False, True])
    out = sum_per_code(grouped, {"all": n, "flagged": n * flag, "rows": flag})
    assert out.to_dict("list") == {"code": ["11", "12", "13", "44"], "all": [3, 3, 0, 15], "flagged": [1, 3, 0, 10],
                                   "rows": [1, 1, 0, 2]}
    assert out.dtypes.drop("code").eq("int64").all()
    order = [5, 0, 3, 2, 4, 1]  # the same rows shuffled: the bincount path
    shuffled = sum_per_code(_codes(list(grouped.iloc[order])), {"all": n[order], "flagged": (n * flag)[order],
                                                                   "rows": flag[order]})
    pd.testing.assert_frame_equal(shuffled, out)


def test_a_frame_of_strings_one_row_or_none():
    assert sum_per_code(pd.Series(["44"]), {"n": np.array([7])}).to_dict("list") == {"code": ["44"], "n": [7]}
    empty = sum_per_code(pd.Series([], dtype=str), {"n": np.array([], dtype=np.int64)})
    assert list(empty.columns) == ["code", "n"] and empty.empty
