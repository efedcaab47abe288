"""School profile callbacks: the view → its view model (views.school) → the profile, or the school picker."""

from __future__ import annotations

from dashboard.callbacks.common import register_content
from dashboard.pages import school as page
from views.context import resolve
from views.school import profile_data


def build(query: dict, scope, lang: str):
    profile = profile_data(query, scope)
    if profile is None:
        return page.choose_school(resolve(query, scope).view, lang)
    return page.content(profile, lang)


def register(app) -> None:
    register_content(app, "sch", build)
