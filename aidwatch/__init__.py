"""aidwatch — 技工院校学生资助监测看板: core (contract, calendar, demo data, CLI)."""

__version__ = "0.1.0"
