"""The only code that speaks SQL. Every query takes a ``Scope`` and enforces it."""
