"""The views readers opened in each replica snapshot, so that the next snapshot's warm-up renders them too.

The warm-up renders the landing views (``dashboard.warmup.plan``); the views readers drill and date their
way to are rendered on demand. While a new snapshot warms, a view with an answer of the last warmed
snapshot is bridged to it (``dashboard.answers.Answers.bridge``); but once the warm-up marks the new
snapshot warmed, every such view is cold at once, each a rendering with every query result new, and they
queue behind each other (docs/load.md: the minute after a snapshot change). So each view a reader is served
is noted here under the snapshot it was served in, and the next snapshot's warm-up renders the views noted
under the last warmed one before it marks the new one warmed: readers are bridged until their views are
ready.

A note is ``{"output", "query", "role", "province"}``: the content callback, the canonical view (language
included) and the scope it was served to; nothing about the reader. Each process notes a view once per
snapshot. On one host the notes are lines appended to a file per snapshot under ``instance/opened`` (one
``write`` of a line shorter than ``PIPE_BUF`` with ``O_APPEND``: whole lines however many workers append;
snapshots older than ``KEEP_S`` are removed as new ones begin); with Redis, a list per snapshot that expires
after ``KEEP_S``.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import threading
import time
from pathlib import Path

import redis

log = logging.getLogger("aidwatch.opened")

#: How long the notes of a snapshot are kept (the next snapshot's warm-up reads them).
KEEP_S = 3 * 86400
#: At most this many views of a snapshot are noted (and re-rendered by the next warm-up), first noted first.
LIMIT = 5000


def note_line(note: dict) -> str:
    return json.dumps(note, sort_keys=True, ensure_ascii=True)


class OpenedViews:
    """Notes per snapshot, deduplicated per process; ``views(snapshot)``: every note of it, first noted first."""

    def __init__(self, namespace: str):
        self.namespace = namespace        # the answers' code version: another deploy's notes are not read
        self._seen: set[tuple[str, str]] = set()
        self._lock = threading.Lock()

    def note(self, snapshot: str, note: dict) -> None:
        line = note_line(note)
        with self._lock:
            if (snapshot, line) in self._seen:
                return
            if len(self._seen) >= 4 * LIMIT:  # a long-lived worker: forget older snapshots' notes
                self._seen.clear()
            self._seen.add((snapshot, line))
        try:
            self._append(snapshot, line)
        except Exception:  # noqa: BLE001 — a note is an optimisation: a reader's answer never fails for it
            log.warning("could not note an opened view for snapshot %s", snapshot, exc_info=True)

    def views(self, snapshot: str) -> list[dict]:
        try:
            lines = self._lines(snapshot)
        except Exception:  # noqa: BLE001 — the warm-up then renders the landing views alone
            log.warning("could not read the views opened in snapshot %s", snapshot, exc_info=True)
            return []
        out, seen = [], set()
        for line in lines:
            if line in seen:
                continue
            seen.add(line)
            try:
                out.append(json.loads(line))
            except ValueError:
                continue
            if len(out) >= LIMIT:
                break
        return out

    def _append(self, snapshot: str, line: str) -> None:
        raise NotImplementedError

    def _lines(self, snapshot: str) -> list[str]:
        raise NotImplementedError


class FileOpenedViews(OpenedViews):
    def __init__(self, namespace: str, folder: Path):
        super().__init__(namespace)
        self.folder = folder
        folder.mkdir(parents=True, exist_ok=True)

    def _path(self, snapshot: str) -> Path:
        return self.folder / (hashlib.sha256(f"{self.namespace}:{snapshot}".encode()).hexdigest()[:24] + ".jsonl")

    def _append(self, snapshot: str, line: str) -> None:
        path = self._path(snapshot)
        if not path.exists():
            self._prune()
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        try:
            os.write(fd, (line + "\n").encode())
        finally:
            os.close(fd)

    def _prune(self) -> None:
        cutoff = time.time() - KEEP_S
        for old in self.folder.glob("*.jsonl"):
            try:
                if old.stat().st_mtime < cutoff:
                    old.unlink()
            except FileNotFoundError:
                pass

    def _lines(self, snapshot: str) -> list[str]:
        try:
            text = self._path(snapshot).read_text(encoding="utf-8", errors="replace")
        except FileNotFoundError:
            return []
        return [line for line in text.splitlines() if line]


class RedisOpenedViews(OpenedViews):
    def __init__(self, namespace: str, client: redis.Redis):
        super().__init__(namespace)
        self.client = client

    def _key(self, snapshot: str) -> str:
        return f"aidwatch-opened:{self.namespace}:{snapshot}"

    def _append(self, snapshot: str, line: str) -> None:
        # a list, not a set: the first noted come first, as on one host
        pipe = self.client.pipeline()
        pipe.rpush(self._key(snapshot), line)
        pipe.expire(self._key(snapshot), KEEP_S)
        pipe.execute()

    def _lines(self, snapshot: str) -> list[str]:
        return [raw.decode("utf-8", "replace") for raw in self.client.lrange(self._key(snapshot), 0, 4 * LIMIT)]
