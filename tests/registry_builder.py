"""Build small registries by hand, on SQLite or PostgreSQL, for known-answer tests.

Rows are given as dicts per contract table; omitted nullable columns are NULL
and omitted required columns get a neutral default, so a fixture states only
what its test is about.
"""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa

from aidwatch import contract
from aidwatch.replica import readonly_engine, writable_engine
from tests.conftest import BACKENDS

D = dt.date.fromisoformat

DEFAULTS = {
    "school": {"level": "technical", "ownership": "public", "dual_plate": False, "joint_enrollment": False},
    "student": {
        "gender": "M", "birth_date": D("2008-01-01"), "major_code": "0101", "agri_major": False,
        "program_years": 3, "status": "enrolled",
    },
    "aid_record": {"grade": 1, "amount": 1000, "status": "submitted"},
    "inspection": {"finding_count": 0, "serious": False},
}


def _dates(row: dict) -> dict:
    return {k: (D(v) if isinstance(v, str) and len(v) == 10 and v[4] == "-" and k.endswith(("_on", "_date")) else v)
            for k, v in row.items()}


def build_registry(url: str, tables: dict[str, list[dict]], references: bool = True) -> str:
    """Create every contract table at ``url`` and insert ``tables``; returns ``url``.

    ``references=False`` lets rows refer to students that do not exist, as a replica without foreign keys
    can (SQLite never checks them; on PostgreSQL the session skips the reference triggers).
    """
    engine = writable_engine(url)
    contract.metadata.create_all(engine)
    with engine.begin() as conn:
        if not references and conn.dialect.name == "postgresql":
            conn.execute(sa.text("SET LOCAL session_replication_role = replica"))
        for table in contract.metadata.sorted_tables:
            rows = tables.get(table.name)
            if rows:
                base = {col.name: None for col in table.columns} | DEFAULTS.get(table.name, {})
                conn.execute(sa.insert(table), [{**base, **_dates(r)} for r in rows])
    engine.dispose()
    return url


def engine_fixture(tables: dict):
    """A module-scoped fixture: a read-only engine over a registry of ``tables``, once on SQLite and once
    on PostgreSQL (the dashboard's own engine, so a query that writes would fail here too)."""
    @pytest.fixture(scope="module", params=BACKENDS)
    def engine(request, module_database):
        eng = readonly_engine(build_registry(module_database(request.param), tables))
        yield eng
        eng.dispose()
    return engine
