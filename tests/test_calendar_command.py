"""``aidwatch calendar status``: the known years, where each came from, and a schedule due and missing."""

from __future__ import annotations

from importlib import metadata

import pytest
from click.testing import CliRunner

from aidwatch import workdays
from cli.main import main

LIBRARY = f"chinesecalendar {metadata.version('chinesecalendar')}"
# The shape of a State Council notice, not the real 2027 schedule.
SUPPLEMENT = '[2027]\nholidays = ["2027-01-01"]\nworkdays = []\n'


def status(*args):
    return CliRunner().invoke(main, ["calendar", "status", *args])


@pytest.mark.usefixtures("calendar_through_2026")
def test_the_known_years_and_their_source():
    result = status("--today", "2026-11-30")
    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == [
        "supplement file (AIDWATCH_WORKDAY_SUPPLEMENT): not set",
        "known years: 2004–2026",
        f"  2004–2026  {LIBRARY}",
        "next year 2027: not known yet (due from 1 December)",
    ]


@pytest.mark.usefixtures("calendar_through_2026")
def test_from_1_december_the_missing_next_year_is_flagged():
    result = status("--today", "2026-12-01")
    assert result.exit_code == 1
    assert "MISSING: 2027 is not known" in result.output
    assert "国务院办公厅关于2027年部分节假日安排的通知" in result.output and "[2027]" in result.output


@pytest.mark.usefixtures("calendar_through_2026")
def test_a_year_from_the_supplement_names_the_file(monkeypatch, tmp_path):
    path = tmp_path / "supplement.toml"
    path.write_text(SUPPLEMENT, "utf-8")
    monkeypatch.setenv(workdays.SUPPLEMENT_ENV, str(path))
    result = status("--today", "2026-12-03")
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[1:] == [
        "known years: 2004–2027", f"  2004–2026  {LIBRARY}", f"  2027       supplement {path}",
        "next year 2027: known"]


@pytest.mark.usefixtures("calendar_through_2026")
@pytest.mark.parametrize("text", [None, "[2028]\nholidays = []\n", "[2027\n"])
def test_a_broken_supplement_is_reported(monkeypatch, tmp_path, text):
    """Missing file, a gap (2028 without 2027), not TOML: exit 2 with the reason, no traceback."""
    path = tmp_path / "supplement.toml"
    if text is not None:
        path.write_text(text, "utf-8")
    monkeypatch.setenv(workdays.SUPPLEMENT_ENV, str(path))
    result = status()
    assert result.exit_code == 2 and "cannot be built" in result.output and "Traceback" not in result.output
