"""A PostgreSQL cluster of a test's own, to stop and start while the app runs (replica faults).

The suite's shared server (``AIDWATCH_TEST_PG_URL``) must stay up for every
other test, so a test that takes the database away starts its own cluster,
the way ``scripts/with-postgres.sh`` does: ``initdb`` and ``pg_ctl`` from the
newest installed PostgreSQL, run as the ``postgres`` user when we are root, on
a free loopback port.
"""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from bench.load import free_port


def _bindir() -> Path:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=lambda p: int(Path(p).parent.name))
    if not found:
        raise RuntimeError("PostgreSQL is not installed (/usr/lib/postgresql/*/bin): `make test` installs it")
    return Path(found[-1])


class Cluster:
    """``start()``, ``stop()``, ``url``; ``remove()`` stops it for good and deletes its files."""

    def __init__(self):
        self.bindir = _bindir()
        self.port = free_port()
        self.datadir = Path(tempfile.mkdtemp(prefix="aidwatch-pg-fault."))
        self.runas = []
        if os.geteuid() == 0:
            shutil.chown(self.datadir, "postgres", "postgres")
            self.runas = ["runuser", "-u", "postgres", "--"]
        self._run("initdb", "-D", str(self.datadir), "-U", "postgres", "-A", "trust", "-E", "UTF8",
                  "--locale=C.UTF-8")

    @property
    def url(self) -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/postgres"

    def _run(self, tool: str, *args: str) -> None:
        subprocess.run([*self.runas, str(self.bindir / tool), *args], check=True, stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL)

    def start(self) -> None:
        self._run("pg_ctl", "-D", str(self.datadir), "-l", str(self.datadir / "server.log"), "-w", "-o",
                  f"-h 127.0.0.1 -p {self.port} -k {self.datadir} -c fsync=off -c synchronous_commit=off", "start")

    def stop(self, mode: str = "fast") -> None:
        self._run("pg_ctl", "-D", str(self.datadir), "-m", mode, "-w", "stop")

    def remove(self) -> None:
        try:
            self.stop("immediate")
        except subprocess.CalledProcessError:
            pass  # already stopped
        shutil.rmtree(self.datadir, ignore_errors=True)
