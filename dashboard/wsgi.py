"""WSGI entry for gunicorn (``Procfile``): configuration comes from the environment."""

from dashboard import create_app

app = create_app()
server = app.server
