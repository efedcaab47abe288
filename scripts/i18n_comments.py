"""Show each catalog's translators the other language's text: `make i18n` runs this after `pybabel update`.

    .venv/bin/python scripts/i18n_comments.py aidwatch/locale

The keys are symbolic (``wd_left_fmt``), so an entry of the English catalog alone does not say what the
Chinese page shows. Every entry of ``en`` gets the Chinese text as an extracted comment (``#. zh: …``) and
every entry of ``zh`` the English one (``#. en: …``); comments written in the code (``# i18n: …``) stay.
"""

from __future__ import annotations

import sys
from pathlib import Path

from babel.messages.pofile import read_po, write_po

LANGS = ("zh", "en")


def annotate(locale_dir: Path) -> None:
    paths = {lang: locale_dir / lang / "LC_MESSAGES" / "messages.po" for lang in LANGS}
    catalogs = {}
    for lang, path in paths.items():
        with path.open("rb") as fp:
            catalogs[lang] = read_po(fp, locale=lang)
    for lang, other in (("zh", "en"), ("en", "zh")):
        tag = f"{other}: "
        for message in catalogs[lang]:
            if not message.id:
                continue
            source = catalogs[other].get(message.id)
            message.auto_comments = [c for c in message.auto_comments if not c.startswith(tag)]
            if source is not None and source.string:
                message.auto_comments.append(tag + source.string)
    for lang, path in paths.items():
        with path.open("wb") as fp:
            write_po(fp, catalogs[lang], ignore_obsolete=True)


if __name__ == "__main__":
    annotate(Path(sys.argv[1]))
