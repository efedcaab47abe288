"""``aidwatch warm``: render the current replica snapshot's landing views into the shared answers now.

The app servers run it themselves, as a child process, when their background check sees a new snapshot
(``cli.warmup``): a process that exits hands its memory back, where a worker thread's national frames
and rendering temporaries stayed in the worker for good (5.3 GiB at national scale). Run by hand (or by
cron after the replica is refreshed) it warms the current snapshot unless a server already has or is.
"""

from __future__ import annotations

import logging
import os

import click


@click.command()
@click.option("--claimed", metavar="SNAPSHOT", default=None,
              help="warm this snapshot, already claimed by the server that started this process")
@click.option("--nice", "niceness", type=click.IntRange(0, 19), default=0, show_default=True,
              help="lower this process's CPU priority by this much (the servers' readers come first)")
def warm(claimed: str | None, niceness: int) -> None:
    """Warm the current snapshot's landing views (configuration from the AIDWATCH_* environment)."""
    from dashboard import create_app, warmup

    os.nice(niceness)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    app = create_app()
    took = warmup.warm_claimed(app, claimed) if claimed else warmup.warm_if_new(app)
    click.echo("nothing to warm" if took is None else f"warmed {len(took)} views")
