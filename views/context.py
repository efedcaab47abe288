"""A URL query and a reader's ``Scope`` → a validated view with its dates and region.

The consumer (a page callback, an export, a digest round, the warm-up) passes the scope explicitly; the
registry is the app's (``current_app.extensions``), so a view model runs in any app context, a request's or
a background thread's.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from flask import current_app

from aidwatch.reference import localize_labels, localize_rows
from aidwatch.viewstate import parse_view, View
from aidwatch.workdays import calendar
from queries.regions import Region
from queries.registry import Registry
from queries.scope import Scope

EXTENSION = "aidwatch_registry"
#: Where the app keeps the engine of its own database (users, audit log, subscriptions, supervision requests).
APP_DB = "aidwatch_app_db"


def registry() -> Registry:
    return current_app.extensions[EXTENSION]


def last_known_year() -> int:
    """The last year both the working-day calendar and so every deadline computation know."""
    return calendar().last.year


def view_from(query: dict) -> View:
    """Raises ``BadView`` with a message for the user."""
    return parse_view(query, last_known_year())


@dataclass(frozen=True)
class Resolved:
    """A validated view inside the reader's scope, with its dates and region."""

    view: View
    scope: Scope
    registry: Registry
    as_of: dt.date
    year: int
    region: Region
    labels: dict

    def names(self, frame, key: str = "drill"):
        """``frame``'s child-region names in the view's language (``reference.localize_rows``)."""
        return localize_rows(frame, self.region.child_level, self.view.lang, key)


def resolve(query, scope: Scope) -> Resolved:
    """URL parameters (from a store or a request) → a view ``scope`` may see; raises for anything else."""
    view = view_from(query if isinstance(query, dict) else {})
    reg = registry()
    as_of, year = view.resolved(reg.freshness().default_as_of)
    region, labels = reg.region(scope, **view.region_params())
    labels = localize_labels(labels, region.province, region.city, view.lang)
    return Resolved(view, scope, reg, as_of, year, region, labels)


def child_query(view: View, code: str, scope: Scope) -> str:
    """The URL query one level below ``view`` for the child region ``code``."""
    if view.school:
        return view.query()
    if view.city:
        return view.query(school=code)
    if view.province or scope.province:
        return view.query(province=view.province or scope.province, city=code)
    return view.query(province=code)


def app_db():
    """The dashboard's own database (users, audit, subscriptions, supervision requests) of the current app."""
    return current_app.extensions[APP_DB]
