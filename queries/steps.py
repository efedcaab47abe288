"""Step functions of a date column, evaluated in SQL without a table the read-only replica lacks.

A working-day figure of a date (its due day, its count of working days since a
fixed day) changes only at working days, so it is a step function of the date:
a few hundred steps a year, sent along as a balanced ``CASE`` tree of about
nine date comparisons per row.
"""

from __future__ import annotations

import sqlalchemy as sa


def step_lookup(column: sa.ColumnElement, bounds: list, values: list, type_=sa.Date) -> sa.ColumnElement:
    """``values[i]`` where ``bounds[i-1] < column <= bounds[i]`` (the last value for anything later),
    as nested CASEs halving the steps at each level."""
    if len(values) == 1:
        return sa.literal(values[0], type_)
    mid = len(values) // 2
    return sa.case((column <= bounds[mid - 1], step_lookup(column, bounds[:mid], values[:mid], type_)),
                   else_=step_lookup(column, bounds[mid:], values[mid:], type_))
