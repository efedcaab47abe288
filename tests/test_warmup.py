"""The warm-up renders every page's landing views once per snapshot, and ``/ready`` says when it is done."""

from __future__ import annotations

import sqlalchemy as sa

from cli import warmup as warmup_thread
from dashboard import answers, warmup
from tests import fixture_deadlines
from tests.apps import login, make_app, post_content, text_of

VIEW = {"as_of": "2025-06-10", "year": "2025"}
PAGES = ("br", "dl", "ro", "dup", "bl", "rg", "fd", "insp", "sch", "dq")


def statements(app) -> list[str]:
    """Every SQL statement the app's registry engine runs from now on (freshness lookups aside)."""
    seen: list[str] = []
    engine = app.server.extensions["aidwatch_registry"].engine

    @sa.event.listens_for(engine, "before_cursor_execute")
    def record(conn, cursor, statement, parameters, context, executemany):
        if "registry_meta" not in statement and "pg_" not in statement:
            seen.append(statement)
    return seen


def test_landing_views_are_rendered_once_per_snapshot_and_served_as_they_are(new_database, backend, tmp_path):
    app = make_app(new_database(backend), fixture_deadlines.TABLES, tmp_path, WARM_INTERVAL_S=300)
    anonymous = app.server.test_client()
    # the fixture's provinces 44, 45 and 11: the nation and each province for both roles, each province's
    # supervisor's landing view; every page, both languages
    views = len(PAGES) * 2 * (2 * (1 + 3) + 3)
    before = anonymous.get("/ready")
    assert before.status_code == 503
    assert before.get_json() == {"snapshot": "2025-11-26T18:00:00", "warmed": 0, "pending": views}

    took = warmup.warm_if_new(app)
    assert len(took) == views
    assert {key for key in took if key.startswith("warm-up-province-44/")} == {
        f"warm-up-province-44/{page}-content.children/nation/{lang}" for page in PAGES for lang in ("zh", "en")}
    assert warmup.warm_if_new(app) is None  # same snapshot: nothing to do
    # the snapshot a newer one's readers are bridged to while it warms (tests/test_answers.py)
    assert answers.of(app).cache.get(answers.of(app).warmed_key)[0] == "2025-11-26T18:00:00"
    ready = anonymous.get("/ready")
    assert ready.status_code == 200
    assert ready.get_json() == {"snapshot": "2025-11-26T18:00:00", "warmed": views, "pending": 0}
    assert anonymous.get("/healthz").status_code == 200

    rendered, seen = answers.of(app).rendered, statements(app)
    for user in ("ministry", "leader"):
        client = login(app.server.test_client(), user)
        for prefix in PAGES:
            for view in ({}, {"lang": "en"}, {"province": "45"}):
                assert "aw-message" not in text_of(post_content(client, prefix, view))
    gd = login(app.server.test_client(), "gd")
    assert "广州市" in text_of(post_content(gd, "dl", {}))  # the supervisor's landing view
    assert "Guangzhou" in text_of(post_content(gd, "dl", {"lang": "en"}))
    assert (answers.of(app).rendered, seen) == (rendered, [])
    # a city was not warmed: it is rendered, with its queries
    body = text_of(post_content(gd, "dl", VIEW | {"city": "440100"}))
    assert "广州市交通技师学院" in body and seen and answers.of(app).rendered == rendered + 1


def test_ready_needs_no_login_and_waits_for_nothing_without_a_warm_up(new_database, tmp_path):
    app = make_app(new_database("sqlite"), fixture_deadlines.TABLES, tmp_path, WARM_INTERVAL_S=0)
    ready = app.server.test_client().get("/ready")
    assert ready.status_code == 200 and ready.get_json() == {"snapshot": "2025-11-26T18:00:00", "warmed": 0,
                                                             "pending": 0}
    assert warmup_thread.start(app, 0) is None


def test_the_server_warms_a_new_snapshot_in_a_child_process_that_exits(new_database, tmp_path):
    """The server's check claims the snapshot and a child process (``aidwatch warm --claimed``), configured
    from the environment as the server is, renders it into the shared answers: the server then serves
    the landing views without rendering one, and the next check finds nothing to do."""
    import os

    url = new_database("sqlite")
    app = make_app(url, fixture_deadlines.TABLES, tmp_path, WARM_INTERVAL_S=300)
    env = {**os.environ, "AIDWATCH_REGISTRY_URL": url, "AIDWATCH_APP_DB_URL": f"sqlite:///{tmp_path / 'app.sqlite'}",
           "AIDWATCH_SECRET_KEY": "t" * 32, "AIDWATCH_INSTANCE_DIR": str(tmp_path / "instance"), "AIDWATCH_DEMO": "0"}
    assert app.server.test_client().get("/ready").status_code == 503
    assert warmup_thread.check(app, env) == 0
    views = len(PAGES) * 2 * (2 * (1 + 3) + 3)
    ready = app.server.test_client().get("/ready")
    assert ready.status_code == 200 and ready.get_json()["warmed"] == views
    assert answers.of(app).cache.get(answers.of(app).warmed_key)[0] == "2025-11-26T18:00:00"
    client = login(app.server.test_client(), "ministry")
    assert "广州市" in text_of(post_content(client, "dl", {"province": "44"}))
    assert answers.of(app).rendered == 0  # rendered by the child, not here
    assert warmup_thread.check(app, env) is None
