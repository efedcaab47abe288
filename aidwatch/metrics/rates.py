"""The one percentage every page shows: a share rounded to one decimal, empty when there is nothing to share."""

from __future__ import annotations

import numpy as np


def pct(part, whole):
    """100·part/whole rounded to one decimal (arrays or scalars); NaN (an empty cell) when whole is 0.

    NaN, not 0: a province with no students due is not a province at 0 %, and the spec shows it empty.
    """
    part = np.asarray(part, dtype=float)
    whole = np.asarray(whole, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(whole > 0, np.round(100.0 * part / np.where(whole > 0, whole, 1), 1), np.nan)
