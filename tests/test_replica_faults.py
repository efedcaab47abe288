"""Replica faults on a real PostgreSQL that is stopped and started while the app runs, and statement timeouts.

Each fault test starts a cluster of its own (``tests/pg_cluster.py``), builds
the backlog fixture in it (snapshot 2025-10-20 18:00) and drives the app over
HTTP the way the browser does (router + content callbacks). With the database
stopped the app must stay up, show the stale banner with the snapshot's time,
serve the cached views with the same numbers, answer an uncached view with a
message (never a 500), log every failure with its reason, and be fresh again
once the database is back, without a restart.
"""

from __future__ import annotations

import logging
from contextlib import contextmanager

import pytest
import sqlalchemy as sa

from dashboard import create_app
from views.errors import describe
from queries.registry import QueryTimeout
from queries import backlog as backlog_queries
from queries.scope import Scope
from tests import fixture_backlog
from tests.apps import login, make_app, open_view
from tests.browser import open_page
from tests.pg_cluster import Cluster

BANNER_ZH = "数据库暂时无法连接，显示的是 2025-10-20 18:00 的数据"
BANNER_EN = "The database cannot be reached right now: showing the data of 2025-10-20 18:00"
UNCACHED_ZH = "数据库暂时无法连接，此视图此前没有缓存"
# 广东's backlog cards at D = 20 Oct 2025 (tests/test_backlog.py): 8 changes, 1 recorded late, 1 unrecorded and
# overdue, 2 awaiting approval, 1 of them overdue, 3 phantom suspects; 广西: 3 changes.
GD_CARDS = ["8", "1", "1", "2", "1", "3"]


@contextmanager
def captured_logs():
    """Records of the registry's and the error mapper's loggers (the suite runs with ``-p no:logging``)."""
    records: list[logging.LogRecord] = []

    class Keep(logging.Handler):
        def emit(self, record):
            records.append(record)

    handler = Keep(logging.DEBUG)
    loggers = [logging.getLogger(name) for name in ("queries.registry", "aidwatch.errors")]
    for logger in loggers:
        logger.addHandler(handler)
    try:
        yield records
    finally:
        for logger in loggers:
            logger.removeHandler(handler)


def messages(records) -> str:
    return "\n".join(r.getMessage() for r in records)


def card_figures(content: str) -> list[str]:
    """The six backlog cards' figures, in order, from a content answer."""
    parts = content.split('"className": "aw-card-figure"')[:-1]
    return [p.rsplit('"children": "', 1)[1].split('"', 1)[0] for p in parts]


@pytest.fixture
def cluster():
    c = Cluster()
    c.start()
    yield c
    c.remove()


def quick(app):
    """Look at the replica on every request, so the test need not wait out the 30 s freshness TTL."""
    reg = app.server.extensions["aidwatch_registry"]
    reg.freshness_ttl_s = 0
    reg.retry_s = 0
    return reg


def test_replica_down_serves_cache_marked_stale_and_recovers_by_itself(cluster, tmp_path):
    app = make_app(cluster.url, fixture_backlog.TABLES, tmp_path)
    reg = quick(app)
    client = login(app.server.test_client(), "ministry")
    with captured_logs() as logs:
        before = open_view(client, "/backlog", {"province": "44"})
        assert before.content_status == 200 and card_figures(before.content) == GD_CARDS
        assert "aw-stale" not in before.layout
        csv_before = client.get("/export/backlog.csv?province=44")
        assert csv_before.status_code == 200

        cluster.stop()
        during = open_view(client, "/backlog", {"province": "44"})
        assert during.layout_status == 200 and BANNER_ZH in during.layout and '"aw-stale"' in during.layout
        assert during.content == before.content  # the same numbers, from the cache
        english = open_view(client, "/backlog", {"province": "44", "lang": "en"})
        assert BANNER_EN in english.layout and card_figures(english.content) == GD_CARDS
        assert client.get("/export/backlog.csv?province=44").data == csv_before.data
        assert reg.freshness().stale

        # a view never cached: a message in the frame (with the banner), never a 500
        uncached = open_view(client, "/backlog", {"province": "45"})
        assert uncached.layout_status == 200 and UNCACHED_ZH in uncached.layout and BANNER_ZH in uncached.layout
        page = client.get("/backlog?province=45")
        assert page.status_code == 503 and UNCACHED_ZH in page.get_data(as_text=True)
        export = client.get("/export/backlog.csv?province=45")
        assert export.status_code == 503 and UNCACHED_ZH in export.json["error"]
        # a cached region with a content query never run (another as-of date): a message in the content
        other_day = open_view(client, "/backlog", {"province": "44", "as_of": "2025-10-01"})
        assert other_day.content_status == 200 and UNCACHED_ZH in other_day.content
        assert "replica unavailable, serving results cached for snapshot 2025-10-20T18:00:00" in messages(logs)
        assert "Connection refused" in messages(logs) or "connection" in messages(logs).lower()

        cluster.start()  # the same app, no restart
        after = open_view(client, "/backlog", {"province": "44"})
        assert "aw-stale" not in after.layout and after.content == before.content
        assert not reg.freshness().stale
        gx = open_view(client, "/backlog", {"province": "45"})
        assert card_figures(gx.content)[0] == "3"
        assert "replica reachable again" in messages(logs)


def test_app_servers_agree_on_the_last_snapshot_through_the_shared_cache(cluster, tmp_path, redis_url):
    """A second app server that never reached the replica serves the first one's cached views, marked stale."""
    first = make_app(cluster.url, fixture_backlog.TABLES, tmp_path, CACHE_URL=redis_url)
    quick(first)
    before = open_view(login(first.server.test_client(), "gd"), "/backlog", {})
    assert card_figures(before.content) == GD_CARDS

    cluster.stop()
    second = create_app({"REGISTRY_URL": cluster.url, "APP_DB_URL": f"sqlite:///{tmp_path / 'app.sqlite'}",
                         "SECRET_KEY": "t" * 32, "INSTANCE_DIR": str(tmp_path / "instance2"), "DEMO": False,
                         "CACHE_URL": redis_url})
    quick(second)
    with captured_logs() as logs:
        during = open_view(login(second.server.test_client(), "gd"), "/backlog", {})
    assert BANNER_ZH in during.layout and during.content == before.content
    assert "replica unavailable, serving results cached" in messages(logs)

    cluster.start()
    after = open_view(login(second.server.test_client(), "gd"), "/backlog", {})
    assert "aw-stale" not in after.layout and after.content == before.content


def test_nothing_known_and_replica_down_is_a_message(cluster, tmp_path):
    app = make_app(cluster.url, fixture_backlog.TABLES, tmp_path)
    quick(app)
    cluster.stop()
    client = login(app.server.test_client(), "ministry")
    with captured_logs() as logs:
        view = open_view(client, "/backlog", {"province": "44"})
        assert view.layout_status == 200 and "无法连接登记系统副本" in view.layout
        assert client.get("/backlog?province=44").status_code == 503
        assert client.get("/healthz").status_code == 200
    assert "no earlier snapshot to fall back on" in messages(logs)
    cluster.start()
    assert card_figures(open_view(client, "/backlog", {"province": "44"}).content) == GD_CARDS


@pytest.mark.browser
def test_browser_shows_the_stale_banner_and_loses_it_on_recovery(dash_duo, cluster, tmp_path):
    app = make_app(cluster.url, fixture_backlog.TABLES, tmp_path)
    quick(app)
    open_page(dash_duo, app, "ministry", "/backlog?province=44")
    dash_duo.wait_for_text_to_equal("#bl-card-changes .aw-card-figure", "8")
    assert dash_duo.driver.execute_script('return document.querySelector("#aw-stale")') is None
    cluster.stop()
    dash_duo.driver.get(dash_duo.server.url + "/backlog?province=44")
    dash_duo.wait_for_contains_text("#aw-stale", "显示的是 2025-10-20 18:00 的数据")
    dash_duo.wait_for_text_to_equal("#bl-card-changes .aw-card-figure", "8")
    cluster.start()
    dash_duo.driver.get(dash_duo.server.url + "/backlog?province=44")
    dash_duo.wait_for_text_to_equal("#bl-card-changes .aw-card-figure", "8")
    assert dash_duo.driver.execute_script('return document.querySelector("#aw-stale")') is None


def test_statement_timeout_ends_with_a_message_and_a_log(new_database, tmp_path, monkeypatch):
    """A query past ``STATEMENT_TIMEOUT_MS`` (here: a ``pg_sleep`` before the page's own query) is cancelled by
    PostgreSQL; the page says so, the reason is logged, and the replica is not taken for down."""
    app = make_app(new_database("postgresql"), fixture_backlog.TABLES, tmp_path, STATEMENT_TIMEOUT_MS=200)
    reg = app.server.extensions["aidwatch_registry"]
    real = backlog_queries.school_counts

    def slow_school_counts(conn, scope, *args):
        conn.execute(sa.text("SELECT pg_sleep(2)"))
        return real(conn, scope, *args)

    def sleep(conn, scope):
        return conn.execute(sa.text("SELECT pg_sleep(2)")).scalar()

    with app.server.app_context():
        with pytest.raises(QueryTimeout) as raised:
            reg.query(sleep, Scope("ministry"))
    with captured_logs() as logs:
        text, status = describe(raised.value, "en")
    assert status == 504 and "took too long" in text
    assert "query cancelled by statement_timeout: canceling statement due to statement timeout" in messages(logs)

    monkeypatch.setattr(backlog_queries, "school_counts", slow_school_counts)
    client = login(app.server.test_client(), "ministry")
    with captured_logs() as logs:
        view = open_view(client, "/backlog", {"province": "44"})
    assert view.content_status == 200 and "查询超时，已停止并记录" in view.content
    assert "statement timeout" in messages(logs)
    assert not reg.freshness().stale and "aw-stale" not in view.layout

    monkeypatch.setattr(backlog_queries, "school_counts", real)
    assert card_figures(open_view(client, "/backlog", {"province": "44"}).content) == GD_CARDS


def test_workers_sharing_a_cache_move_to_a_new_snapshot_together(tmp_path, monkeypatch):
    """Two workers (two ``Registry`` objects, each with its own result cache, sharing the instance folder's
    files as the app factory gives them): once one of them has read a new snapshot, the other answers from
    it at its next look at the shared entry, not when its own 30 s run out."""
    from cachelib import FileSystemCache, SimpleCache

    from queries import registry as registry_module
    from queries.registry import Registry
    from tests.registry_builder import build_registry

    url = build_registry(f"sqlite:///{tmp_path / 'registry.sqlite'}", fixture_backlog.TABLES)
    first, second = (Registry(url, SimpleCache(), 5000, 1, shared=FileSystemCache(str(tmp_path / "shared")))
                     for _ in range(2))
    assert first.freshness().key == second.freshness().key == "2025-10-20T18:00:00"
    with sa.create_engine(url).begin() as conn:
        conn.execute(sa.text("UPDATE registry_meta SET value = '2025-10-21T18:00:00' WHERE key = 'snapshot_at'"))
    first.forget_freshness()  # the first worker's turn to read the replica
    assert first.freshness().key == "2025-10-21T18:00:00"
    assert second.freshness().key == "2025-10-20T18:00:00"  # its own copy, for at most LOCAL_TTL_S
    monkeypatch.setattr(registry_module, "LOCAL_TTL_S", 0.0)

    def not_read(engine):
        raise AssertionError("the second worker read the replica instead of the shared entry")

    monkeypatch.setattr(registry_module, "freshness", not_read)
    assert second.freshness().key == "2025-10-21T18:00:00"  # from the shared entry
    first.engine.dispose(), second.engine.dispose()
