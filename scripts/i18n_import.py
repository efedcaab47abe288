"""Move a module's old-style ``add_strings({...})`` table into the gettext catalogs (a merge helper).

    .venv/bin/python scripts/i18n_import.py dashboard/pages/newpage.py [...]

For branches written before the catalogs: each top-level ``add_strings(strings, values)`` call is
evaluated (key → (zh, en); values become ``value_<code>``), its entries are added to
``aidwatch/locale/{zh,en}/LC_MESSAGES/messages.po`` (a key already there with another text is an error),
and the call and the ``add_strings`` import are removed from the module. It then lists the moved keys
the extractor does not find (composed at run time): mark those with ``N_()`` before ``make i18n``,
which drops every key no code uses. Last, point the module's ``dashboard.i18n`` import at
``aidwatch.i18n`` and run ``make i18n`` (docs/i18n.md).
"""

from __future__ import annotations

import ast
import re
import sys
import tempfile
from pathlib import Path

from babel.messages.frontend import CommandLineInterface
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parents[1]
LOCALE = ROOT / "aidwatch" / "locale"
LANGS = ("zh", "en")
SOURCES = ("aidwatch", "queries", "views", "exports", "notifications", "dashboard", "cli")  # I18N_SOURCES in the Makefile


def _tables(source: str, name: str) -> tuple[dict, list[ast.stmt]]:
    """The (key → (zh, en)) entries of every top-level add_strings call, and the calls."""
    found, calls = {}, []
    for node in ast.parse(source).body:
        call = node.value if isinstance(node, ast.Expr) else None
        if not (isinstance(call, ast.Call) and getattr(call.func, "id", None) == "add_strings"):
            continue
        args = dict(zip(("strings", "values"), call.args)) | {k.arg: k.value for k in call.keywords}
        for kind, expr in args.items():
            table = eval(compile(ast.Expression(expr), name, "eval"), {})  # literals and comprehensions only
            found |= {("value_" if kind == "values" else "") + key: pair for key, pair in table.items()}
        calls.append(node)
    return found, calls


def _extracted() -> set[str]:
    with tempfile.TemporaryDirectory() as tmp:
        pot = Path(tmp) / "messages.pot"
        CommandLineInterface().run(["pybabel", "-q", "extract", "-F", str(ROOT / "pyproject.toml"), "-o", str(pot),
                                    *(str(ROOT / s) for s in SOURCES)])
        with pot.open("rb") as fp:
            return {m.id for m in read_po(fp) if m.id}


def main(paths: list[str]) -> None:
    po = {lang: LOCALE / lang / "LC_MESSAGES" / "messages.po" for lang in LANGS}
    catalogs, moved = {}, set()
    for lang, path in po.items():
        with path.open("rb") as fp:
            catalogs[lang] = read_po(fp, locale=lang)
    for name in paths:
        path = Path(name)
        source = path.read_text()
        entries, calls = _tables(source, name)
        moved |= set(entries)
        for key, pair in entries.items():
            for lang, text in zip(LANGS, pair):
                old = catalogs[lang].get(key)
                if old is not None and old.string and old.string != text:
                    raise SystemExit(f"{name}: {key!r} is already in the {lang} catalog as {old.string!r}")
                catalogs[lang].add(key, text)
        lines = source.splitlines(keepends=True)
        for node in reversed(calls):
            del lines[node.lineno - 1:node.end_lineno]
        text = re.sub(r"\badd_strings, |, add_strings\b", "", "".join(lines))
        path.write_text(re.sub(r"^from dashboard\.i18n import add_strings\n", "", text, flags=re.M))
        print(f"{name}: {len(entries)} strings moved to the catalogs")
    for lang, path in po.items():
        with path.open("wb") as fp:
            write_po(fp, catalogs[lang], ignore_obsolete=True)
    unmarked = sorted(moved - _extracted())
    if unmarked:
        print("composed keys to mark with N_() before `make i18n`:", ", ".join(unmarked))


if __name__ == "__main__":
    main(sys.argv[1:])
