"""UI strings: Simplified Chinese by default, English switchable (``lang=en`` in the URL).

The texts live in gettext catalogs under ``aidwatch/locale`` (``messages.pot`` and one ``messages.po``
per language), keyed by symbolic message ids such as ``"wd_left_fmt"``; ``make install`` compiles them
to ``.mo`` files and ``make i18n`` extracts the ids used in code and updates both catalogs
(docs/i18n.md). A key must be visible to the extractor: a literal first argument of ``t()``, or a key
that code composes or keeps in a table marked with ``N_()`` where it is written down.
Deadline, status and value labels are keys too, prefixed ``deadline_``, ``status_`` and ``value_``.
"""

from __future__ import annotations

import functools
from gettext import NullTranslations
from pathlib import Path

from babel.support import Translations

LANGS = ("zh", "en")
LOCALE_DIR = Path(__file__).with_name("locale")
DOMAIN = "messages"


def N_(key: str) -> str:
    """Mark a key that is looked up later (composed at run time or held in a table) for extraction."""
    return key


class _Missing(NullTranslations):
    """The last fallback: an unknown key fails loudly in tests rather than show its id on a page."""

    def gettext(self, message: str) -> str:
        raise KeyError(message)


@functools.cache
def _catalog(lang: str) -> Translations:
    path = LOCALE_DIR / lang / "LC_MESSAGES" / f"{DOMAIN}.mo"
    try:
        with path.open("rb") as fp:
            catalog = Translations(fp, domain=DOMAIN)
    except FileNotFoundError:
        raise RuntimeError(f"{path} is missing: `make install` compiles the message catalogs") from None
    catalog.add_fallback(_Missing())
    return catalog


def _text(key: str, lang: str) -> str:
    return _catalog("en" if lang == "en" else "zh").gettext(key)


def t(key: str, lang: str = "zh", **fmt) -> str:
    """The UI string ``key`` in ``lang``; unknown keys fail loudly in tests rather than show blanks."""
    text = _text(key, lang)
    return text.format(**fmt) if fmt else text


# The registry's deadlines and the states a figure can be in, named for readers (marked for `make i18n`).
DEADLINE_KEYS = (
    N_("deadline_spring_registration"), N_("deadline_spring_aid_approval"), N_("deadline_rollout_funds"),
    N_("deadline_rollout_report"), N_("deadline_autumn_registration"), N_("deadline_autumn_aid_approval"),
)
STATUS_KEYS = (
    N_("status_done"), N_("status_on_track"), N_("status_at_risk"), N_("status_overdue"), N_("status_no_data"),
)
# Registry values shown on several pages (aid kinds, application and student states); a page marks its own.
VALUE_KEYS = (
    N_("value_tuition"), N_("value_grant"), N_("value_submitted"), N_("value_approved"), N_("value_rejected"),
    N_("value_revoked"), N_("value_enrolled"), N_("value_suspended"),
)


def deadline_name(name: str, lang: str = "zh") -> str:
    return _text(f"deadline_{name}", lang)


def status_name(name: str, lang: str = "zh") -> str:
    return _text(f"status_{name}", lang)


def value_name(value, lang: str = "zh") -> str:
    """A registry value's label, or the value itself when it has none (a code the UI does not name)."""
    try:
        return _text(f"value_{value}", lang)
    except KeyError:
        return "" if value is None else str(value)
