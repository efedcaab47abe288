"""The warm-up computes each page's national and province views once per snapshot, for the scopes that open them."""

from __future__ import annotations

import sqlalchemy as sa

from cli import warmup
from tests import fixture_deadlines
from tests.apps import login, make_app, post_content, text_of

VIEW = {"as_of": "2025-06-10", "year": "2025"}


def statements(app) -> list[str]:
    """Every SQL statement the app's registry engine runs from now on (freshness lookups aside)."""
    seen: list[str] = []
    engine = app.server.extensions["aidwatch_registry"].engine

    @sa.event.listens_for(engine, "before_cursor_execute")
    def record(conn, cursor, statement, parameters, context, executemany):
        if "registry_meta" not in statement and "pg_" not in statement:
            seen.append(statement)
    return seen


def test_warm_views_are_served_without_a_query_and_only_once_per_snapshot(new_database, backend, tmp_path):
    app = make_app(new_database(backend), fixture_deadlines.TABLES, tmp_path)
    took = warmup.warm_if_new(app)
    pages = warmup.FIRST_VIEWS
    # the fixture's provinces: 44, 45 and 11, for both roles and for each province's supervisor
    expected = {f"warm-up-{role}/{page}/{region}" for role in warmup.ROLES for page in pages
                for region in ("nation", "44", "45", "11")}
    expected |= {f"warm-up-province-{code}/{page}/nation" for code in ("44", "45", "11") for page in pages}
    assert set(took) == expected
    assert warmup.warm_if_new(app) is None  # same snapshot: nothing to do

    seen = statements(app)
    for user in ("ministry", "leader"):
        client = login(app.server.test_client(), user)
        for prefix in ("dl", "ro", "dup", "bl"):
            body = text_of(post_content(client, prefix, {}))
            assert "aw-message" not in body
    assert seen == []
    gd = login(app.server.test_client(), "gd")
    assert "广州市" in text_of(post_content(gd, "dl", {}))  # the supervisor's landing view
    assert seen == []
    # a city was not warmed: the counter does see its queries
    body = text_of(post_content(gd, "dl", VIEW | {"city": "440100"}))
    assert "广州市交通技师学院" in body and seen


def test_interval_zero_starts_nothing(new_database, tmp_path):
    app = make_app(new_database("sqlite"), fixture_deadlines.TABLES, tmp_path)
    assert warmup.start(app, 0) is None
