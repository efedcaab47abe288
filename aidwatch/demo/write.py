"""Bulk loading into an empty SQLite file or PostgreSQL database.

ORM or SQLAlchemy ``insert`` would take hours at national scale. SQLite is
loaded through the raw ``sqlite3`` connection with ``executemany`` in one
transaction and journaling off (a failed load leaves a file to delete, not a
registry to repair); PostgreSQL through psycopg's ``COPY``. Indexes are built
after the load, which is much faster than maintaining them row by row.
"""

from __future__ import annotations

import sqlite3

import numpy as np
import sqlalchemy as sa
from sqlalchemy.engine import make_url

from aidwatch import contract
from aidwatch.demo import days, indexes
from aidwatch.replica import writable_engine

DATE_TYPES = (sa.Date,)


class RegistryNotEmpty(RuntimeError):
    """The target already holds registry rows: the generator never mixes with real or older data."""


def _column_values(column: sa.Column, values) -> list:
    """One column as a list of Python values ready for the driver (dates as ISO text, NULL as None)."""
    if isinstance(column.type, DATE_TYPES):
        return days.iso(np.asarray(values, dtype=np.int64))
    if isinstance(values, np.ndarray):
        return values.tolist()
    return list(values)


def _rows(table: sa.Table, cols: dict):
    lists = [_column_values(c, cols[c.name]) for c in table.columns]
    return list(zip(*lists))


def check_empty(engine: sa.Engine) -> None:
    """Refuse a database whose contract tables already hold rows."""
    existing = set(sa.inspect(engine).get_table_names())
    with engine.connect() as conn:
        for table in contract.metadata.sorted_tables:
            if table.name in existing and conn.execute(sa.select(sa.literal(1)).select_from(table).limit(1)).first():
                raise RegistryNotEmpty(
                    f"table {table.name!r} already holds rows: demo-data only fills an empty database "
                    f"(use a new SQLite file or an empty PostgreSQL database)")


class Sink:
    """Creates the contract tables, takes column batches per table, then builds indexes."""

    def __init__(self, url: str):
        self.url = url
        self.engine = writable_engine(url)
        self.dialect = self.engine.dialect.name
        if self.dialect not in ("sqlite", "postgresql"):
            raise ValueError(f"unsupported database {self.dialect!r}: use sqlite or postgresql")
        check_empty(self.engine)
        contract.metadata.create_all(self.engine)
        self.rows: dict[str, int] = {t.name: 0 for t in contract.metadata.sorted_tables}
        if self.dialect == "sqlite":
            self.engine.dispose()
            self.conn = sqlite3.connect(make_url(url).database, isolation_level=None)
            for pragma in ("journal_mode=OFF", "synchronous=OFF", "cache_size=-131072"):
                self.conn.execute(f"PRAGMA {pragma}")
            self.conn.execute("BEGIN")
        else:
            self.raw = self.engine.raw_connection()
            self.conn = self.raw.driver_connection

    def write(self, name: str, cols: dict) -> None:
        table = contract.metadata.tables[name]
        rows = _rows(table, cols)
        if not rows:
            return
        names = ", ".join(c.name for c in table.columns)
        if self.dialect == "sqlite":
            marks = ", ".join("?" for _ in table.columns)
            self.conn.executemany(f"INSERT INTO {name} ({names}) VALUES ({marks})", rows)
        else:
            with self.conn.cursor() as cur, cur.copy(f"COPY {name} ({names}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        self.rows[name] += len(rows)

    def finish(self) -> None:
        """Commit the load, then create the dashboard's indexes and gather statistics."""
        if self.dialect == "sqlite":
            self.conn.execute("COMMIT")
            # Index sorts spill to temporary files rather than RAM: keeps national scale under 2 GB.
            self.conn.execute("PRAGMA temp_store=FILE")
            self.conn.execute("PRAGMA cache_size=-65536")
            self.conn.execute("BEGIN")
            for stmt in indexes.create_statements("sqlite"):
                self.conn.execute(stmt)
            self.conn.execute("COMMIT")
            self.conn.execute("PRAGMA analysis_limit=2000")
            self.conn.execute("ANALYZE")
            self.conn.close()
        else:
            self.conn.commit()
            self.raw.close()
            with self.engine.begin() as conn:
                indexes.create_indexes(conn)
        self.engine.dispose()

    def abort(self) -> None:
        try:
            if self.dialect == "sqlite":
                self.conn.close()
            else:
                self.conn.rollback()
                self.raw.close()
        finally:
            self.engine.dispose()
