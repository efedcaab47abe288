"""View state in the URL: ``as_of, year, province, city, school`` (+ ``deadline, lang``, ``kind, batch``).

Every view is a URL, so it can be bookmarked, shared, and walked with the
browser's back and forward buttons. Parsing is strict: a malformed or
out-of-range value is a ``BadView`` with a message the user can act on, never
a silent fallback to another view.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, replace
from urllib.parse import parse_qsl, urlencode, urlsplit

from aidwatch.contract import AID_KINDS
from aidwatch.i18n import LANGS
from aidwatch.policy import DEADLINES

PARAMS = ("as_of", "year", "province", "city", "school", "deadline", "lang", "kind", "batch")
FIRST_YEAR = 2025  # the first policy year: the 2025 notice


class BadView(ValueError):
    """A URL parameter that cannot be a view."""


@dataclass(frozen=True)
class View:
    as_of: dt.date | None = None   # None: the replica's snapshot day
    year: int | None = None        # None: as_of's year
    province: str | None = None
    city: str | None = None
    school: str | None = None
    deadline: str | None = None
    lang: str = "zh"
    kind: str | None = None        # duplicate alerts: grant | tuition; None: both
    batch: str | None = None       # duplicate alerts: a monthly batch, YYYY-MM; None: all of the year

    def resolved(self, default_as_of: dt.date) -> tuple[dt.date, int]:
        as_of = self.as_of or default_as_of
        return as_of, self.year or as_of.year

    def query(self, **changes) -> str:
        """The URL query string of this view with ``changes`` applied (None removes a parameter)."""
        view = replace(self, **changes)
        params = []
        for name in PARAMS:
            value = getattr(view, name)
            if value is None or (name == "lang" and value == "zh"):
                continue
            params.append((name, value.isoformat() if isinstance(value, dt.date) else str(value)))
        return "?" + urlencode(params) if params else ""

    def region_params(self) -> dict:
        return {k: getattr(self, k) for k in ("province", "city", "school") if getattr(self, k)}


def first_value(value):
    """A URL parameter given more than once counts by its first value everywhere: Dash's pages router hands
    ``layout(**query)`` a list for it, Flask's ``request.args`` and ``parse_query_string`` the first one."""
    if isinstance(value, list):
        return value[0] if value else None
    return value


def parse_query_string(search: str | None) -> dict:
    out = {}
    for name, value in parse_qsl((search or "").lstrip("?"), keep_blank_values=True):
        out.setdefault(name, value)
    return out


def lang_of(query) -> str:
    """The page language a URL's parameters ask for: English for ``lang=en``, else Chinese."""
    return "en" if isinstance(query, dict) and first_value(query.get("lang")) == "en" else "zh"


def parse_view(query: dict, last_known_year: int) -> View:
    """Validate URL parameters; unknown parameters are ignored, known ones must be right."""
    def get(name):
        value = first_value(query.get(name))
        value = None if value is None else str(value).strip()
        return value or None

    as_of = get("as_of")
    if as_of is not None:
        try:
            as_of = dt.date.fromisoformat(as_of)
        except ValueError:
            raise BadView(f"as_of={as_of!r} is not a date (YYYY-MM-DD)") from None
        if not (FIRST_YEAR <= as_of.year <= last_known_year):
            raise BadView(f"as_of={as_of} is outside {FIRST_YEAR}–{last_known_year}")
    year = get("year")
    if year is not None:
        if not re.fullmatch(r"\d{4}", year):
            raise BadView(f"year={year!r} is not a year")
        year = int(year)
        if not (FIRST_YEAR <= year <= last_known_year):
            raise BadView(f"year={year} is outside {FIRST_YEAR}–{last_known_year}")
        if as_of is not None and as_of.year < year:
            # nothing of year Y has happened by a D before it: refuse rather than show a year of zeros
            raise BadView(f"as_of={as_of} is before the year {year} shown")
    province, city, school = get("province"), get("city"), get("school")
    if province is not None and not re.fullmatch(r"\d{2}", province):
        raise BadView(f"province={province!r} is not a two-digit province code")
    if city is not None and not re.fullmatch(r"\d{6}", city):
        raise BadView(f"city={city!r} is not a six-digit city code")
    if school is not None and not re.fullmatch(r"\d{1,9}", school):
        raise BadView(f"school={school!r} is not a school id")
    deadline = get("deadline")
    if deadline is not None and deadline not in DEADLINES:
        raise BadView(f"deadline={deadline!r} is not one of {', '.join(DEADLINES)}")
    lang = get("lang") or "zh"
    if lang not in LANGS:
        raise BadView(f"lang={lang!r} is not one of {', '.join(LANGS)}")
    kind = get("kind")
    if kind is not None and kind not in AID_KINDS:
        raise BadView(f"kind={kind!r} is not one of {', '.join(AID_KINDS)}")
    batch = get("batch")
    if batch is not None:
        if not re.fullmatch(r"\d{4}-(0[1-9]|1[0-2])", batch):
            raise BadView(f"batch={batch!r} is not a month (YYYY-MM)")
        if not (FIRST_YEAR <= int(batch[:4]) <= last_known_year) or (year is not None and int(batch[:4]) != year):
            raise BadView(f"batch={batch} is not a month of the year shown")
    return View(as_of, year, province, city, school, deadline, lang, kind, batch)


def safe_next(target: str | None) -> str:
    """``target`` if it is a same-origin path, else ``/``: no open redirects after login."""
    if not target or not isinstance(target, str):
        return "/"
    if any(c in target for c in "\\\r\n\t") or any(ord(c) < 32 for c in target):
        return "/"
    if not target.startswith("/") or target.startswith("//"):
        return "/"
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return "/"
    return target
