"""Compare a live registry replica with the contract in ``aidwatch.contract``.

The registry's owners can change the replica under us (a column renamed, a
CHAR widened, a table moved). The dashboard's SQL would then fail, or worse
silently return wrong numbers, long after the change. ``aidwatch check-replica``
runs this comparison so an operator sees the drift, named column by column,
before users do.

Types are compared by a *normalised signature* (family plus length or
precision), not by dialect class: SQLite reflects the declared type names,
PostgreSQL its real types, and both must map to the same signature as the
contract's generic SQLAlchemy types. Extra tables and columns are harmless to
a reader and are reported only as information; nullability differences are
warnings, because the dashboard treats NULL dates as "not yet" and a changed
NOT NULL is worth knowing about but does not break a query.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy import types as sat

from aidwatch import contract

ERROR = "error"
WARNING = "warning"
INFO = "info"


@dataclass(frozen=True)
class TypeSignature:
    """A dialect-independent description of a column type, e.g. ``CHAR(2)``."""

    family: str
    length: int | None = None
    precision: int | None = None
    scale: int | None = None

    def __str__(self) -> str:
        if self.family in ("CHAR", "VARCHAR") and self.length is not None:
            return f"{self.family}({self.length})"
        if self.family == "NUMERIC" and self.precision is not None:
            if self.scale is None:
                return f"NUMERIC({self.precision})"
            return f"NUMERIC({self.precision},{self.scale})"
        return self.family


def type_signature(type_: sat.TypeEngine) -> TypeSignature:
    """Map a SQLAlchemy type (generic or reflected) to its comparable signature.

    Order matters: BigInteger and SmallInteger are subclasses of Integer, CHAR
    and TEXT of String, Float of Numeric, so the narrower class is tested first.
    """
    if isinstance(type_, sat.Boolean):
        return TypeSignature("BOOLEAN")
    if isinstance(type_, sat.DateTime):
        return TypeSignature("TIMESTAMP")
    if isinstance(type_, sat.Date):
        return TypeSignature("DATE")
    if isinstance(type_, sat.BigInteger):
        return TypeSignature("BIGINT")
    if isinstance(type_, sat.SmallInteger):
        return TypeSignature("SMALLINT")
    if isinstance(type_, sat.Integer):
        return TypeSignature("INTEGER")
    if isinstance(type_, sat.Float):
        return TypeSignature("FLOAT")
    if isinstance(type_, sat.Numeric):
        return TypeSignature("NUMERIC", precision=type_.precision, scale=type_.scale)
    if isinstance(type_, sat.CHAR):  # includes NCHAR
        return TypeSignature("CHAR", length=type_.length)
    if isinstance(type_, sat.Text):
        return TypeSignature("TEXT")
    if isinstance(type_, sat.String):  # VARCHAR, NVARCHAR, generic String
        return TypeSignature("VARCHAR", length=type_.length)
    if isinstance(type_, sat.NullType):
        return TypeSignature("UNKNOWN")
    return TypeSignature(type(type_).__name__.upper())


@dataclass(frozen=True)
class Finding:
    """One line of the report: what differs, where, what the contract expects and what was found."""

    level: str  # error | warning | info
    table: str
    column: str | None
    problem: str
    expected: str
    found: str

    @property
    def where(self) -> str:
        return f"{self.table}.{self.column}" if self.column else self.table

    def __str__(self) -> str:
        return f"{self.level.upper():<7} {self.where}: {self.problem} (expected {self.expected}, found {self.found})"


@dataclass
class Report:
    findings: list[Finding]

    def of(self, level: str) -> list[Finding]:
        return [f for f in self.findings if f.level == level]

    @property
    def errors(self) -> list[Finding]:
        return self.of(ERROR)

    @property
    def warnings(self) -> list[Finding]:
        return self.of(WARNING)

    @property
    def infos(self) -> list[Finding]:
        return self.of(INFO)

    @property
    def ok(self) -> bool:
        """True when nothing is missing or mismatched (warnings and extras are allowed)."""
        return not self.errors


def _nullability(nullable: bool) -> str:
    return "NULL" if nullable else "NOT NULL"


def _expected_columns(table: sa.Table) -> dict[str, sa.Column]:
    return {c.name: c for c in table.columns}


def compare(inspector, metadata: sa.MetaData = contract.metadata) -> Report:
    """Compare what ``inspector`` reflects with ``metadata``; nothing is written or cached."""
    findings: list[Finding] = []
    with warnings.catch_warnings():
        # SQLite warns about type names it does not recognise; they show up as UNKNOWN below.
        warnings.simplefilter("ignore", sa.exc.SAWarning)
        present = set(inspector.get_table_names())
        for name, table in metadata.tables.items():
            if name not in present:
                findings.append(
                    Finding(ERROR, name, None, "missing table", f"{len(table.columns)} columns", "no such table")
                )
                continue
            reflected = {c["name"]: c for c in inspector.get_columns(name)}
            pk = set(inspector.get_pk_constraint(name).get("constrained_columns") or [])
            for col_name, col in _expected_columns(table).items():
                want_type = type_signature(col.type)
                got = reflected.get(col_name)
                if got is None:
                    findings.append(
                        Finding(
                            ERROR, name, col_name, "missing column",
                            f"{want_type} {_nullability(col.nullable)}", "no such column",
                        )
                    )
                    continue
                got_type = type_signature(got["type"])
                if got_type != want_type:
                    findings.append(Finding(ERROR, name, col_name, "type mismatch", str(want_type), str(got_type)))
                # A primary key is NOT NULL by definition even where the catalog says otherwise
                # (SQLite reports non-integer primary keys as nullable).
                got_nullable = bool(got.get("nullable", True)) and col_name not in pk
                if got_nullable != bool(col.nullable):
                    findings.append(
                        Finding(
                            WARNING, name, col_name, "nullability differs",
                            _nullability(col.nullable), _nullability(got_nullable),
                        )
                    )
            for col_name in sorted(set(reflected) - set(table.columns.keys())):
                findings.append(
                    Finding(
                        INFO, name, col_name, "extra column, not in the contract",
                        "nothing", str(type_signature(reflected[col_name]["type"])),
                    )
                )
        for name in sorted(present - set(metadata.tables)):
            findings.append(Finding(INFO, name, None, "extra table, not in the contract", "nothing", "a table"))
    return Report(findings)


def check(engine: sa.Engine, metadata: sa.MetaData = contract.metadata) -> Report:
    """Reflect the replica behind ``engine`` and compare it with the contract."""
    with engine.connect() as conn:
        return compare(sa.inspect(conn), metadata)
