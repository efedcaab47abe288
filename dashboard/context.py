"""Per-request context for layouts, callbacks and exports.

The login becomes a ``Scope`` here, once, and is passed down explicitly:
queries and cached code never read ``current_user`` themselves.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from urllib.parse import quote

from flask import current_app
from flask_login import current_user
from flask_wtf.csrf import generate_csrf

from aidwatch.i18n import N_, t
from aidwatch.reference import localize_labels, localize_rows, region_name
from aidwatch.workdays import calendar
from dashboard.auth import current_scope
from dashboard.components.frame import FrameContext
from dashboard.registry import Registry
from queries.regions import Region
from queries.scope import Scope
from dashboard.viewstate import View, parse_view

# Keys composed at run time (from a prefix and a code, or taken from a column or value list), marked
# for `make i18n` (docs/i18n.md).
COMPOSED_KEYS = (
    N_("role_leadership"), N_("role_ministry"), N_("role_province"),
)

EXTENSION = "aidwatch_registry"


def registry() -> Registry:
    return current_app.extensions[EXTENSION]


def last_known_year() -> int:
    """The last year both the working-day calendar and so every deadline computation know."""
    return calendar().last.year


def view_from(query: dict) -> View:
    """Raises ``BadView`` with a message for the user."""
    return parse_view(query, last_known_year())


def scope_label(scope, lang: str) -> str:
    if scope.province is None:
        return f"{t('role_' + scope.role, lang)} · {t('nation', lang)}"
    name = region_name(scope.province, lang) or scope.province
    return f"{t('role_province', lang)} · {name}"


def today() -> dt.date:
    """The real date (not the view's as-of date): when the operator must have loaded a schedule."""
    return dt.date.today()


def frame_context(lang: str) -> FrameContext:
    scope = current_scope()
    fresh = registry().freshness()
    # the ministry's aid office runs the dashboard: it is told when a holiday schedule is due and missing
    gap = calendar().missing_schedule(today()) if scope.role == "ministry" else None
    return FrameContext(
        username=current_user.username, role=scope.role, scope_province=scope.province, calendar_gap=gap,
        scope_label=scope_label(scope, lang), snapshot_at=fresh.snapshot_at, replay_lag=fresh.replay_lag,
        last_year=last_known_year(), stale=fresh.stale, checked_at=fresh.checked_at, csrf_token=generate_csrf(),
    )


@dataclass(frozen=True)
class Resolved:
    """A validated view inside the user's scope, with its dates and region."""

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


def resolve(query) -> Resolved:
    """URL parameters (from a store or a request) → a view the user may see; raises for anything else."""
    view = view_from(query if isinstance(query, dict) else {})
    scope = current_scope()
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


#: Stands for a row's region code in ``drill_template``.
CODE = "__CODE__"


def drill_template(path: str, view: View) -> str:
    """The drill-down URL of any child region of ``view`` with ``CODE`` for its code: the grids turn it into
    each row's link (dashboard.components.grid), the same URL a click opens (callbacks.common.register_drill)."""
    return path + child_query(view, CODE, current_scope())


def drill_links(template: str, codes) -> list[str]:
    """Each code's URL from a ``drill_template``."""
    return [template.replace(CODE, quote(str(code), safe="")) for code in codes]
