"""WSGI entry for gunicorn (``Procfile``): configuration comes from the environment."""

from aidwatch.config import from_env
from cli import warmup
from dashboard import create_app
from notifications import digests

app = create_app()
server = app.server
warmup.start(app, from_env()["WARM_INTERVAL_S"])
digests.start(app, from_env()["DIGEST_INTERVAL_S"])
