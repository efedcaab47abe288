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
