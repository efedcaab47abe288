"""Text cells that a spreadsheet would run: defused before any CSV or Excel file leaves the server.

Registry text (school names written by thousands of schools) and audit text
(usernames typed at the login form) reach exports. A cell starting with
``=``, ``+``, ``-``, ``@`` (or a tab or carriage return before one) is a
formula to Excel and LibreOffice — and openpyxl writes such a string as a
formula outright — so it could compute, fetch or run something on the
reader's machine (OWASP "CSV injection"). Prefixing ``'`` makes it text.
"""

from __future__ import annotations

import pandas as pd

TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def defuse(value):
    """``value`` unchanged unless it is text a spreadsheet would treat as a formula; then ``'`` + text."""
    if isinstance(value, str) and value.startswith(TRIGGERS):
        return "'" + value
    return value


def defuse_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy with every text cell defused; numbers, dates and missing values untouched."""
    out = frame.copy()
    for col in out.columns:
        if out[col].dtype == object or pd.api.types.is_string_dtype(out[col]):
            out[col] = out[col].map(defuse)
    return out
