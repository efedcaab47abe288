"""Text cells that a spreadsheet would run: defused before any CSV or Excel file leaves the server.

Registry text (school names written by thousands of schools) and audit text
(usernames typed at the login form) reach exports. A cell starting with
``=``, ``+``, ``-``, ``@`` is a formula to Excel and LibreOffice — and
openpyxl writes such a string as a formula outright — so it could compute,
fetch or run something on the reader's machine (OWASP "CSV injection").
Readers skip what comes before the sign: spaces, a tab, a line feed, a
carriage return, a NUL (CSV import trims, and a NUL ends the string for
some), so ``"\\n=cmd|…"`` is the same formula. Prefixing ``'`` makes it text.

C0 control characters other than tab, line feed and carriage return are
dropped from text: no Excel cell can hold them (XML 1.0 forbids them and
openpyxl refuses the whole file), and in CSV they serve only to hide a
formula.
"""

from __future__ import annotations

import re

import pandas as pd

TRIGGERS = ("=", "+", "-", "@")
#: what a spreadsheet skips before a formula's sign (the control characters are dropped first)
LEADING = " \t\r\n"
CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f]")


def defuse(value):
    """``value`` unchanged unless it is text a spreadsheet would treat as a formula (``'`` + text then), or
    holds control characters a cell cannot (dropped). A tab, CR or LF first is prefixed too: Excel starts
    a cell's text with it only when it is a formula's disguise or a mistake."""
    if not isinstance(value, str):
        return value
    text = CONTROL.sub("", value)
    if text.startswith(tuple(LEADING[1:])) or text.lstrip(LEADING).startswith(TRIGGERS):
        return "'" + text
    return text


def defuse_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy with every text cell defused; numbers, dates and missing values untouched."""
    out = frame.copy()
    for col in out.columns:
        if out[col].dtype == object or pd.api.types.is_string_dtype(out[col]):
            out[col] = out[col].map(defuse)
    return out
