"""Per-request context of the web pages: the logged-in reader's frame and drill-down links.

The login becomes a ``Scope`` here (``dashboard.auth.current_scope``), once, and is passed down
explicitly: view models, queries and cached code never read ``current_user`` themselves.
"""

from __future__ import annotations

import datetime as dt
from urllib.parse import quote

from flask_login import current_user
from flask_wtf.csrf import generate_csrf

from aidwatch.i18n import N_, t
from aidwatch.reference import region_name
from aidwatch.viewstate import View
from aidwatch.workdays import calendar
from dashboard.auth import current_scope
from dashboard.components.frame import FrameContext
from views.context import child_query, last_known_year, registry, resolve

# Keys composed at run time (from a prefix and a code, or taken from a column or value list), marked
# for `make i18n` (docs/i18n.md).
COMPOSED_KEYS = (
    N_("role_leadership"), N_("role_ministry"), N_("role_province"),
)


def resolve_current(query):
    """``views.context.resolve`` for the logged-in reader."""
    return resolve(query, current_scope())


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


#: Stands for a row's region code in ``drill_template``.
CODE = "__CODE__"


def drill_template(path: str, view: View) -> str:
    """The drill-down URL of any child region of ``view`` with ``CODE`` for its code: the grids turn it into
    each row's link (dashboard.components.grid), the same URL a click opens (dashboard.callbacks.common.register_drill)."""
    return path + child_query(view, CODE, current_scope())


def drill_links(template: str, codes) -> list[str]:
    """Each code's URL from a ``drill_template``."""
    return [template.replace(CODE, quote(str(code), safe="")) for code in codes]
