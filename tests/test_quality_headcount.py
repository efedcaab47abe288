"""``headcount_above_registry`` on the data-quality page (tests/fixture_quality_headcount.py), SQLite and PostgreSQL.

Every expected number is in the fixture's table, worked out by hand: the ratio's and the margin's edges, the
programme window's first and last terms, any status counted, the province filter, and year scoping.
"""

from __future__ import annotations

import pytest

from aidwatch.metrics import quality as m
from tests import fixture_quality_headcount
from tests.apps import login, make_app, open_view
from tests.conftest import BACKENDS
from tests.registry_builder import build_registry
from tests.test_quality import counts, export


@pytest.fixture(scope="module", params=BACKENDS)
def app(request, module_database, tmp_path_factory):
    url = build_registry(module_database(request.param), fixture_quality_headcount.TABLES)
    return make_app(url, {}, tmp_path_factory.mktemp("app"))


def test_programme_intakes():
    intakes = m.programme_intakes("2025A")
    assert sorted(intakes) == [2, 3, 4, 5, 6]
    assert intakes[2] == ("2024S", "2024A", "2025S", "2025A")
    assert intakes[3][0] == "2023S" and intakes[6][0] == "2020S" and len(intakes[6]) == 12
    assert m.programme_intakes("2025S")[3] == ("2022A", "2023S", "2023A", "2024S", "2024A", "2025S")


def test_nation_counts(app):
    rows = {r["code"]: r for r in export(login(app.server.test_client(), "ministry"), "")}
    assert [(code, counts(r, "records", "odd_rows", "headcount_above_registry", "province_mismatch"))
            for code, r in rows.items()] == [("11", (3, 0, 0, 0)), ("44", (42, 3, 3, 0)), ("45", (105, 3, 1, 2))]


def test_drill_to_schools_and_another_year(app):
    client = login(app.server.test_client(), "ministry")
    cities = {r["code"]: int(r["headcount_above_registry"]) for r in export(client, "province=44")}
    assert cities == {"440100": 2, "440300": 1}
    schools = {r["code"]: int(r["headcount_above_registry"]) for r in export(client, "city=440100")}
    assert schools == {"4401001": 1, "4401002": 1}
    # 2026: only 北京's 2026S headcount of 500 (no student's programme runs through it); 1999S never fires
    later = {r["code"]: counts(r, "records", "headcount_above_registry")
             for r in export(client, "year=2026&as_of=2026-06-30")}
    assert later == {"11": (3, 1), "44": (3, 0), "45": (1, 0)}


def test_school_case_list_names_the_numbers(app):
    client = login(app.server.test_client(), "ministry")
    rows = export(client, "school=3")
    assert [(r["check"], r["table"], r["record"], r["evidence"]) for r in rows] == [
        ("headcount_above_registry", "school_headcount", "2025A",
         "term=2025A · reported_students=160 · registry_students=106")]
    assert [r["evidence"] for r in export(client, "school=1")] == [
        "term=2025S · reported_students=100 · registry_students=50"]


def test_scope(app):
    gx = login(app.server.test_client(), "gx")
    assert [(r["code"], r["headcount_above_registry"]) for r in export(gx, "")] == [("450100", "1")]
    assert gx.get("/export/quality.csv?school=3").status_code == 404


def test_page_lists_the_check_in_both_languages(app):
    client = login(app.server.test_client(), "ministry")
    view = open_view(client, "/quality", {"province": "44"})
    assert '"id": "dq-check-headcount_above_registry-school_headcount"' in view.content
    assert "在校人数远超学籍人数" in view.content and "在校人数存疑" in view.content
    english = open_view(client, "/quality", {"province": "44", "lang": "en"})
    assert "Headcount far above the registry" in english.content and "Doubtful headcounts" in english.content
