"""Masking of personal data: names and ID numbers never leave the server whole.

The same functions serve the screen and every export, so what a person sees
and what they download are masked identically.
"""

from __future__ import annotations

import pandas as pd

#: What a case list shows instead of a value that would fill in the masked digits of an ID number: the
#: birth date is digits 7–14 of the number (``440106********1234`` hides exactly ``YYYYMMDD``), so it is
#: never shown beside a masked number, in any form (date, age, days between it and another date).
WITHHELD = "********"


def _blank(value) -> bool:
    """None, NaN, NaT and pd.NA all mean "no value".

    pandas 3 reads a missing text as NaN (and ``pd.NA`` in nullable dtypes);
    ``str()`` would turn NaN into "nan" and show it masked as "n*n".
    """
    return value is None or (pd.api.types.is_scalar(value) and bool(pd.isna(value)))


def mask_name(name: str | None) -> str:
    """张三 → 张*, 张小明 → 张*明, 欧阳小明 → 欧**明; a single character becomes *."""
    if _blank(name):
        return ""
    name = str(name).strip()
    if not name:
        return ""
    if len(name) == 1:
        return "*"
    if len(name) == 2:
        return name[0] + "*"
    return name[0] + "*" * (len(name) - 2) + name[-1]


def mask_id_number(id_number: str | None) -> str:
    """Keep the 6-digit division code and the last four: 440106********1234."""
    if _blank(id_number):
        return ""
    s = str(id_number).strip()
    if len(s) <= 10:
        return "*" * len(s)
    return s[:6] + "*" * (len(s) - 10) + s[-4:]


def mask_frame(frame):
    """A copy of a case frame with ``name`` and ``id_number`` masked: what the screen and exports get."""
    out = frame.copy()
    if "name" in out:
        out["name"] = out["name"].map(mask_name)
    if "id_number" in out:
        out["id_number"] = out["id_number"].map(mask_id_number)
    return out
