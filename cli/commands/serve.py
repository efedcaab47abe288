"""``aidwatch serve``: run the dashboard for local use (production runs gunicorn, see Procfile)."""

from __future__ import annotations

import logging

import click


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8050, show_default=True, type=int)
@click.option("--debug/--no-debug", default=False)
def serve(host: str, port: int, debug: bool) -> None:
    """Serve the dashboard on HOST:PORT."""
    from aidwatch.config import from_env
    from dashboard import create_app
    from notifications import digests
    from cli import warmup

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    app = create_app()
    warmup.start(app, from_env()["WARM_INTERVAL_S"])
    digests.start(app, from_env()["DIGEST_INTERVAL_S"])
    click.echo(f"aidwatch on http://{host}:{port}/login")
    app.run(host=host, port=port, debug=debug)
