"""Data quality (数据质量): rows the replica contract allows but that make no sense, counted and explained.

The registry's schema takes a date in any order and any text in a status
column; the pages must not crash on such rows, and the people who can have
them corrected need to see them. This module names the checks (their SQL is in
``queries/quality.py``), folds the per-table counts into one row per region
and formats the evidence of each offending row for the school's case list.

See docs/data-quality.md for every check and why it is one.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd


@dataclass(frozen=True)
class Check:
    key: str
    category: str
    tables: tuple[str, ...]   # the contract tables whose rows it counts


CATEGORIES = ("dates", "orphans", "headcounts", "values", "calendar")

CHECKS = (
    Check("registered_before_enrolled", "dates", ("student",)),
    Check("reg_approved_before_registered", "dates", ("student",)),
    Check("enrolled_before_born", "dates", ("student",)),
    Check("recorded_before_occurred", "dates", ("status_change",)),
    Check("decided_before_recorded", "dates", ("status_change",)),
    Check("change_before_enrolment", "dates", ("status_change",)),
    Check("approved_before_submitted", "dates", ("aid_record",)),
    Check("disbursed_before_approved", "dates", ("aid_record",)),
    Check("verified_before_pushed", "dates", ("duplicate_match",)),
    Check("rectified_before_pushed", "dates", ("duplicate_match",)),
    Check("uploaded_before_graduated", "dates", ("graduation",)),
    Check("rectified_before_inspected", "dates", ("inspection",)),
    Check("closed_before_opened", "dates", ("school",)),
    Check("orphan_student", "orphans", ("status_change", "aid_record", "duplicate_match", "graduation")),
    Check("headcount_zero", "headcounts", ("school_headcount",)),
    Check("intake_zero_with_students", "headcounts", ("school_headcount",)),
    Check("headcount_above_registry", "headcounts", ("school_headcount",)),
    Check("value_unknown", "values",
          ("student", "status_change", "aid_record", "duplicate_match", "school_headcount", "school")),
    Check("number_implausible", "values", ("aid_record", "inspection", "school_headcount")),
    Check("province_mismatch", "values", ("student",)),
    Check("calendar_unknown", "calendar",
          ("student", "status_change", "aid_record", "duplicate_match", "graduation", "inspection")),
)
CHECK_KEYS = tuple(c.key for c in CHECKS)
CATEGORY_OF = {c.key: c.category for c in CHECKS}
#: Per table, the checks it is counted for, in display order.
TABLE_CHECKS = {t: tuple(c.key for c in CHECKS if t in c.tables) for c in CHECKS for t in c.tables}
TABLES = tuple(TABLE_CHECKS)

#: ``headcount_above_registry``: a term's reported headcount is "far above" the registry's students at the school
#: when it is more than HEADCOUNT_RATIO times them and at least HEADCOUNT_MARGIN more (docs/data-quality.md).
HEADCOUNT_RATIO = (3, 2)  # 1.5 as a fraction, so that the SQL compares integers: 2 × headcount > 3 × students
HEADCOUNT_MARGIN = 50
#: The contract's range of programme lengths (years).
PROGRAM_YEARS = (2, 6)

#: The spec-style export: one row per child region.
EXPORT_COLUMNS = ["code", "name", "records", "odd_rows", "per_10k", *CHECK_KEYS]
#: The school's case list (masked by the caller) and its export.
CASE_COLUMNS = ["check", "table", "record", "name", "id_number", "evidence"]


def programme_intakes(term: str) -> dict[int, tuple[str, ...]]:
    """Per programme length (years), the intake terms of the students whose programme runs through ``term``.

    A ``years``-year programme that starts in intake term I runs through the ``2 × years`` semesters from I on,
    so the intakes are the ``2 × years`` terms ending with ``term`` ('YYYYS' spring, 'YYYYA' autumn). Literal
    terms let the SQL compare text, the same on both databases, without casting a term that may be malformed.
    """
    def code(i: int) -> str:
        return f"{i // 2}{'A' if i % 2 else 'S'}"

    index = 2 * int(term[:4]) + (1 if term[4] == "A" else 0)
    return {years: tuple(code(i) for i in range(index - 2 * years + 1, index + 1))
            for years in range(PROGRAM_YEARS[0], PROGRAM_YEARS[1] + 1)}


def region_rows(children: pd.DataFrame, counts: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """One row per child region: rows checked, each check summed over its tables, the total and the rate.

    ``children``: ``code, name`` (and ``school_code`` below a city); ``counts``: per table, ``code,
    records`` and that table's checks. A region without any rows still shows, with zeros.
    """
    codes = children["code"].astype(str)
    parts = [frame.assign(code=frame["code"].astype(str)) for frame in counts.values() if not frame.empty]
    summed = (pd.concat(parts).groupby("code").sum(numeric_only=True) if parts else pd.DataFrame())
    summed = summed.reindex(index=codes, columns=["records", *CHECK_KEYS]).fillna(0).astype("int64")
    out = pd.concat([pd.DataFrame({"code": list(codes), "name": list(children["name"])}),
                     summed.reset_index(drop=True)], axis=1)
    return _totals(out)


def _totals(out: pd.DataFrame) -> pd.DataFrame:
    out["odd_rows"] = out[list(CHECK_KEYS)].sum(axis=1).astype("int64")
    for category in CATEGORIES:
        out[category] = out[[k for k in CHECK_KEYS if CATEGORY_OF[k] == category]].sum(axis=1).astype("int64")
    # per 10,000 rows checked, one decimal; empty where nothing was checked
    out["per_10k"] = (out["odd_rows"] * 10_000 / out["records"].where(out["records"] > 0)).round(1)
    return out


def total_row(rows: pd.DataFrame, code: str, name: str) -> pd.DataFrame:
    """The selected region's own figures: its children's rows summed."""
    total = {"code": code, "name": name, "records": int(rows["records"].sum()),
             **{k: int(rows[k].sum()) for k in CHECK_KEYS}}
    return _totals(pd.DataFrame([total]))


def by_check(counts: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """``check, table, n`` for the selected region, every check and table listed (zeros included)."""
    rows = []
    for check in CHECKS:
        for table in check.tables:
            frame = counts.get(table)
            n = int(frame[check.key].sum()) if frame is not None and not frame.empty else 0
            rows.append({"check": check.key, "category": check.category, "table": table, "n": n})
    return pd.DataFrame(rows, columns=["check", "category", "table", "n"])


def _text(value) -> str:
    """Evidence as shown: ∅ for no value; a decimal without its trailing zeros, so that ``-50.00`` (PostgreSQL's
    numeric) and ``-50.0`` (SQLite's) both read ``-50``."""
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return "∅"
    text = str(value)
    if "." in text:
        try:
            float(text)
        except ValueError:
            return text
        text = text.rstrip("0").rstrip(".")
    return text


def case_rows(raw: pd.DataFrame, evidence: dict[tuple[str, str], tuple[str, ...]]) -> pd.DataFrame:
    """The offending rows of one school, unmasked: ``check, table, record, name, id_number, evidence``.

    ``raw`` has ``check, table, record, name, id_number, e1..eN`` (the evidence values as text);
    ``evidence[(check, table)]`` names them, so each row reads ``recorded_on=2025-03-01 · occurred_on=…``.
    Rows come in check order, then table and record.
    """
    if raw.empty:
        return pd.DataFrame(columns=CASE_COLUMNS)
    slots = sorted((c for c in raw.columns if c.startswith("e") and c[1:].isdigit()), key=lambda c: int(c[1:]))
    texts = []
    for row in raw.itertuples(index=False):
        names = evidence.get((row.check, row.table), ())
        values = [getattr(row, s) for s in slots[:len(names)]]
        texts.append(" · ".join(f"{n}={_text(v)}" for n, v in zip(names, values)))
    out = raw.assign(evidence=texts, record=raw["record"].map(_text))
    order = {k: i for i, k in enumerate(CHECK_KEYS)}
    out = out.assign(_order=out["check"].map(order)).sort_values(["_order", "table", "record"], kind="stable")
    return out[CASE_COLUMNS].reset_index(drop=True)
