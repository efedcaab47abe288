"""The gettext catalogs against the code: every key the code uses has a text in Chinese and in English,
both catalogs hold the same keys, none holds a key no code uses, and a text's ``{placeholders}`` are the
same in both languages. The keys "used" are the ones `make i18n` extracts (docs/i18n.md), so a key the
code composes at run time counts only where it is marked with ``N_()``."""

from __future__ import annotations

import string
from pathlib import Path

import pytest
from babel.messages.frontend import CommandLineInterface
from babel.messages.pofile import read_po

from aidwatch import i18n

ROOT = Path(__file__).resolve().parents[1]
#: The packages `make i18n` extracts from (I18N_SOURCES in the Makefile).
SOURCES = ("aidwatch", "queries", "views", "exports", "notifications", "dashboard", "cli")


def _read(path: Path):
    with path.open("rb") as fp:
        return read_po(fp)


def _keys(catalog) -> set[str]:
    return {m.id for m in catalog if m.id}


@pytest.fixture(scope="module")
def used(tmp_path_factory) -> set[str]:
    """The keys the code uses, extracted exactly as `make i18n` does (with the mapping in pyproject.toml)."""
    pot = tmp_path_factory.mktemp("i18n") / "messages.pot"
    CommandLineInterface().run(["pybabel", "-q", "extract", "-F", str(ROOT / "pyproject.toml"), "--no-location",
                                "-o", str(pot), *(str(ROOT / s) for s in SOURCES)])
    return _keys(_read(pot))


@pytest.fixture(scope="module")
def catalogs() -> dict:
    return {lang: _read(i18n.LOCALE_DIR / lang / "LC_MESSAGES" / "messages.po") for lang in i18n.LANGS}


def _fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}


def test_every_key_the_code_uses_has_a_text_in_both_languages(used, catalogs):
    for lang, catalog in catalogs.items():
        missing = sorted(k for k in used if not (catalog.get(k) and catalog.get(k).string.strip()))
        assert not missing, f"no {lang} text in {lang}/LC_MESSAGES/messages.po for {missing} (run `make i18n`, " \
                            "then write the texts)"


def test_no_catalog_holds_a_key_nobody_uses(used, catalogs):
    for lang, catalog in catalogs.items():
        unused = sorted(_keys(catalog) - used)
        assert not unused, f"{lang} catalog keys no code uses (or uses without marking them N_()): {unused}"


def test_both_catalogs_and_the_template_hold_the_same_keys(used, catalogs):
    assert _keys(catalogs["zh"]) == _keys(catalogs["en"])
    assert _keys(_read(i18n.LOCALE_DIR / "messages.pot")) == used, "messages.pot is stale: run `make i18n`"


def test_placeholders_match_between_languages(catalogs):
    en = catalogs["en"]
    differ = {m.id: (sorted(_fields(m.string)), sorted(_fields(en.get(m.id).string)))
              for m in catalogs["zh"] if m.id and en.get(m.id) and _fields(m.string) != _fields(en.get(m.id).string)}
    assert not differ, f"placeholders differ between zh and en: {differ}"


def test_the_compiled_catalogs_match_the_po_files(catalogs):
    """The pages read the .mo files `make install` compiles; a .po edited since shows here, not on a page."""
    for lang, catalog in catalogs.items():
        stale = sorted(m.id for m in catalog if m.id and m.string and i18n.t(m.id, lang) != m.string)
        assert not stale, f"{lang} .mo is older than its .po for {stale}: run `make install`"


def test_lookups():
    assert i18n.t("product") == "技工院校学生资助监测看板"
    assert i18n.t("product", "en") == "Student aid monitor"
    assert i18n.t("wd_left_fmt", "en", n=3) == "3 working days left"
    assert i18n.deadline_name("rollout_report", "en") == "Provincial written report"
    assert i18n.status_name("at_risk") == "有风险"
    assert i18n.value_name("grant", "en") == "National grant"
    assert i18n.value_name("no_such_code") == "no_such_code"
    assert i18n.value_name(None) == ""
    with pytest.raises(KeyError):
        i18n.t("no_such_key")
