"""Interface language: Chinese by default, English by a switch (Flask-Babel).

The catalog's source language is Chinese (the msgids are the Chinese text), so the
default needs no catalog and an untranslated string shows in Chinese. The English
catalog is compiled from its area ``.po`` files at install time (``make install`` runs
``python -m core.i18n``), so a running app only reads it. The app checks at start that the
``.mo`` is not older than a ``.po`` and compiles it only then: a developer who edits a
``.po`` in an editable install sees the change on the next start without reinstalling.
"""
from __future__ import annotations

import os
from pathlib import Path

from flask import current_app, request, session

TRANSLATIONS = Path(__file__).parent / "translations"


def select_locale() -> str:
    """The language of this request: the person's switch, else Chinese."""
    lang = session.get("lang") if request else None
    if lang in current_app.config["LANGUAGES"]:
        return lang
    return current_app.config["BABEL_DEFAULT_LOCALE"]


def compile_catalogs() -> None:
    """Compile each language's ``*.po`` files into its ``messages.mo`` when stale.

    Each area keeps its own ``.po`` file (``customers.po``, ``workers.po`` …) so areas
    never edit one shared file; they are merged here into the one catalog Babel reads.
    """
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    for lc_dir in TRANSLATIONS.glob("*/LC_MESSAGES"):
        sources = sorted(lc_dir.glob("*.po"))
        mo = lc_dir / "messages.mo"
        if not sources or (mo.exists() and mo.stat().st_mtime >= max(
                p.stat().st_mtime for p in sources)):
            continue
        merged = None
        for po in sources:
            with po.open("rb") as fh:
                catalog = read_po(fh)
            if merged is None:
                merged = catalog
            else:
                for message in catalog:
                    if message.id:
                        merged[message.id] = message
        tmp = lc_dir / f"messages.mo.{os.getpid()}.tmp"
        with tmp.open("wb") as fh:
            write_mo(fh, merged)
        tmp.replace(mo)


def reader_text(message) -> str:
    """A bilingual message in the reader's language: the page shows one language (the
    API keeps both). ``message`` is a ``{"zh", "en"}`` dict or a :class:`~core.messages.Msg`."""
    from .messages import bilingual

    both = message if isinstance(message, dict) else bilingual(message)
    return both["zh"] if select_locale() == "zh" else both["en"]


if __name__ == "__main__":  # python -m core.i18n: compile the catalogues (make install)
    compile_catalogs()
    print("translations compiled:", ", ".join(
        str(p.relative_to(TRANSLATIONS)) for p in sorted(TRANSLATIONS.glob("*/LC_MESSAGES/*.mo"))))
