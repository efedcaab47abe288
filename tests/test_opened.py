"""The views readers opened per snapshot (``dashboard.opened``): on one host's files and on a real Redis."""

from __future__ import annotations

import os
import time

import pytest
import redis

from dashboard import opened

NOTE = {"output": "dl-content.children", "query": "?province=44", "role": "ministry", "province": None}
OTHER = {"output": "ro-content.children", "query": "?lang=en", "role": "province", "province": "44"}


@pytest.fixture(params=["file", "redis"])
def backend(request, tmp_path):
    """Two processes' notes (two ``OpenedViews`` over one folder, or one Redis), and a third of another deploy."""
    if request.param == "file":
        return [opened.FileOpenedViews(namespace, tmp_path / "opened") for namespace in ("v1", "v1", "v2")]
    client = redis.Redis.from_url(request.getfixturevalue("redis_url"))
    return [opened.RedisOpenedViews(namespace, client) for namespace in ("v1", "v1", "v2")]


def test_each_view_once_first_noted_first_per_snapshot_and_deploy(backend):
    worker, other_worker, other_deploy = backend
    for _ in range(3):
        worker.note("S1", NOTE)
    other_worker.note("S1", OTHER)
    other_worker.note("S1", NOTE)  # the other worker's first: appended, read once
    worker.note("S2", OTHER)
    assert worker.views("S1") == other_worker.views("S1") == [NOTE, OTHER]
    assert worker.views("S2") == [OTHER] and worker.views("S0") == []
    assert other_deploy.views("S1") == []  # another code version does not read these notes


def test_at_most_limit_views_are_given(backend, monkeypatch):
    worker = backend[0]
    monkeypatch.setattr(opened, "LIMIT", 3)
    for n in range(5):
        worker.note("S1", NOTE | {"query": f"?school={n}"})
    assert [note["query"] for note in worker.views("S1")] == ["?school=0", "?school=1", "?school=2"]


def test_a_torn_line_is_skipped_and_old_snapshots_go(tmp_path):
    worker = opened.FileOpenedViews("v1", tmp_path)
    worker.note("S1", NOTE)
    with open(worker._path("S1"), "a") as f:
        f.write('{"output": "dl-con\n')
    assert worker.views("S1") == [NOTE]
    old = time.time() - opened.KEEP_S - 60
    os.utime(worker._path("S1"), (old, old))
    worker.note("S2", NOTE)  # a new snapshot's first note removes the notes older than KEEP_S
    assert not worker._path("S1").exists() and worker.views("S2") == [NOTE]


def test_a_note_that_cannot_be_written_never_fails_the_reader(tmp_path):
    worker = opened.FileOpenedViews("v1", tmp_path / "opened")
    (tmp_path / "opened").rmdir()
    (tmp_path / "opened").write_text("not a folder")
    worker.note("S1", NOTE)  # logged, not raised
    assert worker.views("S1") == []
