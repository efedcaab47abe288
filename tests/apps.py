"""Apps over hand-built registries, with one user per role, for browser and HTTP tests."""

from __future__ import annotations

import re

from dashboard import appdb, create_app
from tests.registry_builder import build_registry

PASSWORD = "correct-horse-42"
USERS = {"ministry": ("ministry", None), "leader": ("leadership", None), "gd": ("province", "44"),
         "gx": ("province", "45")}


def make_app(url: str, tables: dict, tmp_path):
    """A dashboard over a new registry at ``url`` filled with ``tables``."""
    build_registry(url, tables)
    app = create_app({
        "REGISTRY_URL": url, "APP_DB_URL": f"sqlite:///{tmp_path / 'app.sqlite'}", "SECRET_KEY": "t" * 32,
        "INSTANCE_DIR": str(tmp_path / "instance"), "DEMO": False,
    })
    engine = app.server.extensions["aidwatch_app_db"]
    for name, (role, province) in USERS.items():
        appdb.add_user(engine, name, role, province, PASSWORD)
    return app


def login(client, username: str):
    """Log a Flask test client in through the real form, CSRF token included."""
    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page) or re.search(
        r'value="([^"]+)"[^>]*name="csrf_token"', page)
    response = client.post("/login", data={"username": username, "password": PASSWORD, "csrf_token": token.group(1)})
    assert response.status_code == 302, response.get_data(as_text=True)
    return client
