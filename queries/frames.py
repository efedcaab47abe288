"""Query results as small DataFrames, built fast.

Building a DataFrame straight from SQLAlchemy ``Row`` objects makes pandas
probe every row for attributes, which costs more than the query itself on
small grouped results; plain tuples avoid that.
"""

from __future__ import annotations

import pandas as pd
import sqlalchemy as sa


def to_frame(result: sa.CursorResult, columns: list[str] | None = None) -> pd.DataFrame:
    """All rows of ``result`` as a DataFrame with ``columns`` (default: the result's own names)."""
    names = columns or list(result.keys())
    return pd.DataFrame.from_records([tuple(row) for row in result], columns=names)


def counts_frame(result: sa.CursorResult, columns: list[str], counts: list[str] | None = None) -> pd.DataFrame:
    """A grouped count result: ``code`` as text, each of ``counts`` (default: every column after
    ``code``) as int64, an empty SUM (no rows in the group) counting as 0."""
    frame = to_frame(result, columns)
    frame["code"] = frame["code"].astype(str)
    for col in counts if counts is not None else [c for c in columns if c != "code"]:
        frame[col] = pd.to_numeric(frame[col]).fillna(0).astype("int64")
    return frame


def day_counts_frame(result: sa.CursorResult, columns: list[str]) -> pd.DataFrame:
    """A count per ``day`` (``columns`` name ``code``, ``day`` and ``n``): ``counts_frame`` with the days
    as ``datetime64[s]``, typed in the query's worker thread. As ``datetime.date`` objects, tens of
    thousands of them took 0.17 s to pickle into the result cache, in the request's thread."""
    frame = counts_frame(result, columns, ["n"])
    frame["day"] = pd.to_datetime(frame["day"]).astype("datetime64[s]")
    return frame


def day_text(column, label: str) -> sa.ColumnElement:
    """A date column fetched as the database sends it: SQLite's ISO text is parsed by pandas for the whole
    column at once (``typed_days``), not by SQLAlchemy value by value (half a second for the national
    graduates' days)."""
    return sa.type_coerce(column, sa.String).label(label)


def typed_days(frame: pd.DataFrame, days: list[str]) -> pd.DataFrame:
    """A day-grouped frame: ``code`` as a category, ``days`` as ``datetime64[s]`` (NaT: not yet), ``n`` (if
    a count) as int64: typed in the query's worker thread, compact in the result cache (``datetime.date`` objects and
    repeated code strings pickle slowly)."""
    frame["code"] = frame["code"].astype(str).astype("category")
    for col in days:
        frame[col] = pd.to_datetime(frame[col], format="ISO8601").astype("datetime64[s]")
    if "n" in frame:
        frame["n"] = pd.to_numeric(frame["n"]).astype("int64")
    return frame
