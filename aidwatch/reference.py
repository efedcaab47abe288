"""GB/T 2260 provinces and cities shipped with the project (from shared/reference)."""

from __future__ import annotations

import csv
from functools import lru_cache
from importlib import resources


def _read(name: str) -> list[dict]:
    text = resources.files("aidwatch").joinpath("reference", name).read_text("utf-8")
    return list(csv.DictReader(text.splitlines()))


@lru_cache(maxsize=1)
def provinces() -> list[dict]:
    """31 provinces plus the XPCC (code 66): code, name, short_name, region, longitude, latitude."""
    return _read("provinces.csv")


@lru_cache(maxsize=1)
def cities() -> list[dict]:
    """Prefecture-level units (districts for the four municipalities): code, province_code, name, ..."""
    return _read("cities.csv")
