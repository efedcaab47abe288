"""Content answers are rendered once per snapshot, scope and view, shared by the workers, never across scopes.

``dashboard.answers`` keeps each content callback's compressed answer; these tests hold what makes that
safe: the scope is in every key, case lists and failures are rendered (and audited) each time, a new
snapshot makes every older answer unreachable, and concurrent readers of one cold view wait for one
rendering, on the file cache of one host and on Redis.
"""

from __future__ import annotations

import json
import re
import threading

import brotli
import pytest
import sqlalchemy as sa

from bench import dash_requests
from dashboard import answers, appdb, create_app
from tests import fixture_deadlines
from tests.apps import PASSWORD, login, make_app, post_content, text_of

VIEW = {"as_of": "2025-06-10", "year": "2025"}
#: a school's case list (tests/test_security.py CASE_VIEWS)
CASES = {"as_of": "2025-04-30", "year": "2025", "school": "1", "deadline": "spring_registration"}
PREFIXES = ("br", "dl", "ro", "dup", "bl", "rg", "insp", "sch", "dq")


def stored(app) -> int:
    """How many answers the app's file cache holds (its own listing leaves out its file count)."""
    return sum(1 for _ in answers.of(app).cache.cache._list_dir())


def rendered(app) -> int:
    return answers.of(app).rendered


@pytest.fixture
def app(new_database, backend, tmp_path):
    return make_app(new_database(backend), fixture_deadlines.TABLES, tmp_path)


def test_a_warm_view_is_served_without_rendering_or_a_query(app):
    client = login(app.server.test_client(), "ministry")
    first = post_content(client, "dl", VIEW)
    assert first.status_code == 200 and "广东省" in text_of(first)
    assert (rendered(app), stored(app)) == (1, 1)
    seen = []
    sa.event.listen(app.server.extensions["aidwatch_registry"].engine, "before_cursor_execute",
                    lambda *args: seen.append(args[2]) if "registry_meta" not in args[2] else None)
    again = post_content(login(app.server.test_client(), "ministry"), "dl", VIEW)
    assert again.data == first.data and rendered(app) == 1 and seen == []
    # a browser gets the stored Brotli bytes as they are; the same JSON
    br = client.post(answers.DISPATCH, headers={"Accept-Encoding": "gzip, br"}, content_type="application/json",
                     data=dash_requests.body(dash_requests.content("dl", VIEW)))
    assert br.headers["Content-Encoding"] == "br" and brotli.decompress(br.data) == first.data
    assert "Accept-Encoding" in br.headers["Vary"] and rendered(app) == 1
    # another language, and the same view spelled with an unknown parameter: one entry more, not two
    post_content(client, "dl", VIEW | {"lang": "en"})
    post_content(client, "dl", VIEW | {"lang": "en", "utm": "x"})
    assert (rendered(app), stored(app)) == (2, 2)


def test_two_readers_of_one_scope_get_the_same_bytes(app):
    """Nothing per reader (name, CSRF token, frame) is in a content answer: rendered for each of two ministry
    accounts on an empty cache, every page's answer is the same bytes (the briefing's minute of rendering
    aside)."""
    appdb.add_user(app.server.extensions["aidwatch_app_db"], "ministry2", "ministry", None, PASSWORD)
    bodies = {}
    for user in ("ministry", "ministry2"):
        answers.of(app).cache.clear()
        client = login(app.server.test_client(), user)
        bodies[user] = {p: re.sub(r"\d{4}-\d\d-\d\d \d\d:\d\d", "T", text_of(post_content(client, p, VIEW)))
                        for p in PREFIXES}
        assert not any(user in body for body in bodies[user].values())
    assert bodies["ministry"] == bodies["ministry2"]
    assert rendered(app) == 2 * len(PREFIXES)


def test_a_forged_callback_is_refused_never_served_from_another_scope(app):
    ministry = login(app.server.test_client(), "ministry")
    guangxi = text_of(post_content(ministry, "dl", VIEW | {"province": "45"}))
    assert "南宁" in guangxi and stored(app) == 1
    gd = login(app.server.test_client(), "gd")
    for _ in range(2):
        body = text_of(post_content(gd, "dl", VIEW | {"province": "45"}))
        assert "超出您的数据范围" in body and "南宁" not in body
    assert stored(app) == 1 and rendered(app) == 3  # the refusal is rendered each time, never kept
    # the supervisor's own province is an entry of their own, not the ministry's (here the same figures)
    post_content(gd, "dl", VIEW | {"province": "44"})
    post_content(ministry, "dl", VIEW | {"province": "44"})
    assert (rendered(app), stored(app)) == (5, 3)


def test_case_lists_are_rendered_and_audited_on_every_view(app):
    app_db = app.server.extensions["aidwatch_app_db"]
    client = login(app.server.test_client(), "gd")
    for n in (1, 2):
        body = text_of(post_content(client, "dl", CASES))
        assert "欧**玲" in body
        assert len(appdb.audit_rows(app_db, None, action="view_cases")) == n
    assert (rendered(app), stored(app)) == (2, 0)


def test_malformed_views_get_their_message_and_are_never_kept(app):
    client = login(app.server.test_client(), "ministry")
    for view in ({"as_of": "2025-13-01"}, {"province": "4x"}, {"school": "99999"}, {"lang": "fr"}):
        body = text_of(post_content(client, "dl", view))
        assert "aw-message" in body
    assert stored(app) == 0


def test_a_new_snapshot_makes_every_older_answer_unreachable(app, new_database):
    client = login(app.server.test_client(), "ministry")
    before = post_content(client, "dl", VIEW).data
    _move_snapshot(app, "2025-11-27T06:00:00")
    after = post_content(client, "dl", VIEW).data
    assert (rendered(app), stored(app)) == (2, 2)
    assert b"2025-11-27" in post_content(client, "dl", {}).data and b"2025-11-27" not in before
    # the same figures (nothing else changed), from a new entry: only the answer's snapshot stamp moved
    assert after != before and after.replace(b"2025-11-27T06:00:00", b"2025-11-26T18:00:00").replace(
        b"2025-11-27 06:00", b"2025-11-26 18:00") == before


def _move_snapshot(app, value: str):
    registry = app.server.extensions["aidwatch_registry"]
    with sa.create_engine(registry.url).begin() as conn:
        conn.execute(sa.text("UPDATE registry_meta SET value = :v WHERE key = 'snapshot_at'"), {"v": value})
    registry.forget_freshness()  # the next request reads the freshness again (it would in 30 s)
    return registry.freshness()


def test_while_a_new_snapshot_warms_readers_get_the_last_warmed_answers(app):
    """Warmed S1, then S2 lands: a view S1 answered is served S1's bytes (its stamp names S1) without a
    rendering; a view nobody opened is rendered from S2; the warm-up's own request renders S2; once S2 is
    warmed, S1's answers are unreachable."""
    from dashboard import warmup
    from dashboard.auth import User

    client = login(app.server.test_client(), "ministry")
    shared = answers.of(app)
    s1 = post_content(client, "dl", VIEW).data
    shared.mark_warmed(app.server.extensions["aidwatch_registry"].freshness())
    s2 = _move_snapshot(app, "2025-11-27T06:00:00")
    assert post_content(client, "dl", VIEW).data == s1 and b"2025-11-26T18:00:00" in s1
    assert (rendered(app), shared.bridged) == (1, 1)
    province = text_of(post_content(client, "dl", VIEW | {"province": "44"}))  # no S1 answer: rendered from S2
    assert "2025-11-27T06:00:00" in province and rendered(app) == 2
    # the warm-up renders S2 (a built-in ministry account: the ministry's scope, the same key)
    assert warmup.render(app, User(-1, "warm-up-ministry", "ministry", None, 0), "dl-content.children", VIEW)
    assert rendered(app) == 3 and shared.bridged == 1
    shared.mark_warmed(s2)
    now = post_content(client, "dl", VIEW).data
    assert b"2025-11-27T06:00:00" in now and rendered(app) == 3 and shared.bridged == 1
    # with S2 warmed, S3's readers are bridged to S2, never to S1
    _move_snapshot(app, "2025-11-28T06:00:00")
    assert post_content(client, "dl", VIEW).data == now
    # a replica put back to S1 is never bridged forward to S2: a view S2 answered and S1 did not is rendered
    _move_snapshot(app, "2025-11-27T06:00:00")
    assert "2025-11-27T06:00:00" in text_of(post_content(client, "dl", VIEW | {"province": "45"}))
    back = _move_snapshot(app, "2025-11-26T18:00:00")
    assert "2025-11-26T18:00:00" in text_of(post_content(client, "dl", VIEW | {"province": "45"}))
    assert back.key == "2025-11-26T18:00:00" and shared.bridged == 2


def test_while_a_new_snapshot_warms_a_view_nobody_opened_is_drawn_from_the_warmed_results(app):
    """S1 warmed with a national view of one day; S2 lands. Another day of that page (nobody opened it) is
    drawn from S1's cached day-grouped results: S1's stamp, S1's figures, not one query; a province whose
    results S1 never read is rendered from S2, as before."""
    shared, registry = answers.of(app), app.server.extensions["aidwatch_registry"]
    client = login(app.server.test_client(), "ministry")
    other_day = {"as_of": "2025-06-03", "year": "2025"}
    post_content(client, "dl", VIEW)
    shared.mark_warmed(registry.freshness())
    s1_figures = text_of(post_content(login(app.server.test_client(), "leader"), "dl", other_day))
    _move_snapshot(app, "2025-11-27T06:00:00")
    seen = []
    sa.event.listen(registry.engine, "before_cursor_execute",
                    lambda *args: seen.append(args[2]) if "registry_meta" not in args[2] else None)
    before = rendered(app)
    drawn = text_of(post_content(client, "dl", other_day))
    assert "2025-11-26T18:00:00" in drawn and "2025-11-27T06:00:00" not in drawn and seen == []
    assert (rendered(app), shared.bridged) == (before + 1, 1)
    assert drawn == s1_figures  # the same figures as in S1 (leadership's answer: the same bytes here)
    # the next reader of that view gets the stored bytes; a province S1 never read comes from S2
    assert text_of(post_content(client, "dl", other_day)) == drawn and rendered(app) == before + 1
    province = text_of(post_content(client, "dl", VIEW | {"province": "44"}))
    assert "2025-11-27T06:00:00" in province and seen and rendered(app) == before + 2


def test_the_next_warm_up_renders_the_views_readers_opened_before_the_bridge_ends(app, monkeypatch):
    """S1's readers open a past day and a province in English (twice, by two readers: one note each), a case
    list and a malformed view (never stored: never noted). S2 lands: those views are bridged to S1 while
    S2's warm-up renders them, and once it is done they are served from S2 without a rendering."""
    from dashboard import warmup

    monkeypatch.setattr(warmup, "plan", lambda app: [])  # the landing views: tests/test_warmup.py
    shared = answers.of(app)
    s1 = app.server.extensions["aidwatch_registry"].freshness()
    ministry, leader = login(app.server.test_client(), "ministry"), login(app.server.test_client(), "leader")
    english = VIEW | {"province": "44", "lang": "en"}
    for client in (ministry, login(app.server.test_client(), "ministry")):
        post_content(client, "dl", VIEW)
    post_content(leader, "ro", english)
    post_content(leader, "ro", english)
    assert "欧**玲" in text_of(post_content(ministry, "dl", CASES))
    assert "aw-message" in text_of(post_content(ministry, "dl", {"as_of": "2025-13-45"}))
    shared.mark_warmed(s1)
    assert [(user.role, user.province, output, query) for user, output, query in warmup.reopened(app, s1.key)] == [
        ("ministry", None, "dl-content.children", {"as_of": "2025-06-10", "year": "2025"}),
        ("leadership", None, "ro-content.children", {"as_of": "2025-06-10", "year": "2025", "province": "44",
                                                     "lang": "en"})]

    s2 = _move_snapshot(app, "2025-11-27T06:00:00")
    bridged = post_content(ministry, "dl", VIEW).data
    assert b"2025-11-26T18:00:00" in bridged and shared.bridged == 1
    before = rendered(app)
    took = warmup.warm_claimed(app, s2.key)
    assert sorted(took) == ["warm-up-leadership/ro-content.children/44?as_of=2025-06-10&year=2025/en",
                            "warm-up-ministry/dl-content.children/nation?as_of=2025-06-10&year=2025/zh"]
    assert rendered(app) == before + 2
    assert b"2025-11-27T06:00:00" in post_content(ministry, "dl", VIEW).data
    assert b"2025-11-27T06:00:00" in post_content(leader, "ro", english).data
    assert rendered(app) == before + 2 and shared.bridged == 1
    # what S2's readers were served (the bridged answer included) is what S3's warm-up will render
    assert {output for _, output, _ in warmup.reopened(app, s2.key)} == {"dl-content.children",
                                                                         "ro-content.children"}


def _serve(app):
    """``app`` on a threaded WSGI server on a loopback port; (base URL, stop)."""
    from werkzeug.serving import make_server

    server = make_server("127.0.0.1", 0, app.server, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    return f"http://127.0.0.1:{server.server_port}", server.shutdown


def _worker_like(app, tmp_path, **config):
    """A second app over the same registry, app database and instance folder: another gunicorn worker."""
    return create_app({"REGISTRY_URL": app.server.extensions["aidwatch_registry"].url,
                       "APP_DB_URL": f"sqlite:///{tmp_path / 'app.sqlite'}", "SECRET_KEY": "t" * 32,
                       "INSTANCE_DIR": str(tmp_path / "instance"), "DEMO": False, "LOGIN_RATE": "10000 per minute",
                       **config})


@pytest.mark.parametrize("shared", ["file", "redis"])
def test_twenty_readers_of_one_cold_view_wait_for_one_rendering(shared, new_database, tmp_path, request,
                                                                 monkeypatch):
    """20 concurrent identical requests, split over two apps sharing the answers (two workers of one host
    on the file cache; two hosts on Redis): one rendering, twenty identical answers."""
    import requests

    config = {"CACHE_URL": request.getfixturevalue("redis_url")} if shared == "redis" else {}
    apps = [make_app(new_database("sqlite"), fixture_deadlines.TABLES, tmp_path, **config)]
    apps.append(_worker_like(apps[0], tmp_path, **config))
    # the rendering takes long enough for every reader to arrive while it runs
    from dashboard.pages import deadlines as page

    build = page.content

    def slow_build(*args):
        threading.Event().wait(0.5)
        return build(*args)

    monkeypatch.setattr(page, "content", slow_build)
    servers = [_serve(app) for app in apps]
    try:
        logins = []
        for base, _ in servers:  # one login per server; each reader a session of its own with its cookie
            session = requests.Session()
            token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', session.get(base + "/login").text).group(1)
            session.post(base + "/login", data={"username": "ministry", "password": PASSWORD, "csrf_token": token})
            logins.append((base, session.cookies))
        sessions = []
        for n in range(20):
            base, cookies = logins[n % 2]
            session = requests.Session()
            session.cookies.update(cookies)
            sessions.append((base, session))
        start = threading.Barrier(20)
        bodies = [None] * 20

        def read(n):
            base, session = sessions[n]
            start.wait()
            bodies[n] = session.post(base + answers.DISPATCH, data=dash_requests.body(
                dash_requests.content("dl", VIEW)), headers={"Content-Type": "application/json"}).content

        threads = [threading.Thread(target=read, args=(n,)) for n in range(20)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    finally:
        for _, stop in servers:
            stop()
    assert sum(rendered(app) for app in apps) == 1
    assert len(set(bodies)) == 1 and "广东省" in json.dumps(json.loads(bodies[0]), ensure_ascii=False)


def test_one_process_renders_one_view_at_a_time(app, monkeypatch):
    """``RENDER_SLOTS`` 1 (the default): readers of four different cold views on a threaded server are
    rendered one after another, never side by side (each rendering is CPU-bound under the GIL), and each
    gets its own view."""
    import requests

    from dashboard.pages import deadlines as page

    build, running, most = page.content, [0], [0]
    lock = threading.Lock()

    def counted_build(*args):
        with lock:
            running[0] += 1
            most[0] = max(most[0], running[0])
        threading.Event().wait(0.2)
        try:
            return build(*args)
        finally:
            with lock:
                running[0] -= 1

    monkeypatch.setattr(page, "content", counted_build)
    base, stop = _serve(app)
    try:
        session = requests.Session()
        token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', session.get(base + "/login").text).group(1)
        session.post(base + "/login", data={"username": "ministry", "password": PASSWORD, "csrf_token": token})
        views = [VIEW | {"province": code} for code in ("44", "45", "11")] + [VIEW]
        bodies = [None] * len(views)

        def read(n):
            bodies[n] = session.post(base + answers.DISPATCH, data=dash_requests.body(dash_requests.content(
                "dl", views[n])), headers={"Content-Type": "application/json"}).content

        threads = [threading.Thread(target=read, args=(n,)) for n in range(len(views))]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    finally:
        stop()
    assert (most[0], rendered(app)) == (1, 4)
    assert len(set(bodies)) == 4 and all(b"aw-message" not in body for body in bodies)
