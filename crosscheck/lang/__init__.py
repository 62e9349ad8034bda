"""Languages as plug-ins.

Each language is one module here (``ko.py``, ``en.py``, ``ja.py``) holding a
:class:`~crosscheck.lang.base.Language` instance named ``LANGUAGE``, and one data file
(``data/<code>.yaml``) with its word lists. The registry below maps a script to the module
that reads it; stages ask :func:`for_text` for the language of an article or a line and never
test scripts themselves.

Adding a language: write ``lang/xx.py`` (a ``Language`` subclass overriding what differs,
and ``LANGUAGE = Xx()``), ``lang/data/xx.yaml``, and add one line to ``REGISTRY``.
"""

from __future__ import annotations

import importlib
from functools import cache

from crosscheck.lang.base import Language
from crosscheck.scripts import script_of

# script -> the module of the language that reads it (the first entry is the default)
REGISTRY: dict[str, str] = {
    "latin": "crosscheck.lang.en",
    "hangul": "crosscheck.lang.ko",
    "japanese": "crosscheck.lang.ja",
    "han": "crosscheck.lang.ja",
}


@cache
def _load(module: str) -> Language:
    lang: Language = importlib.import_module(module).LANGUAGE
    return lang


def get(code: str) -> Language:
    """The language with ISO code ``code`` (``ko``, ``en``, ``ja``); English for others."""
    for module in REGISTRY.values():
        if module.rsplit(".", 1)[1] == code:
            try:
                return _load(module)
            except ImportError:
                break
    return _load(REGISTRY["latin"])


def for_text(text: str) -> Language:
    """The language that reads ``text``, by its dominant script (English by default, and
    when the module for a script cannot be loaded)."""
    module = REGISTRY.get(script_of(text), REGISTRY["latin"])
    try:
        return _load(module)
    except ImportError:
        return _load(REGISTRY["latin"])


def all_languages() -> list[Language]:
    """Every registered language that can be loaded here."""
    out = []
    for module in dict.fromkeys(REGISTRY.values()):
        try:
            out.append(_load(module))
        except ImportError:
            continue
    return out


def loaded() -> list[Language]:
    """The languages loaded so far in this process (to release their analysers)."""
    import sys

    return [_load(m) for m in dict.fromkeys(REGISTRY.values()) if m in sys.modules]


__all__ = ["REGISTRY", "Language", "all_languages", "for_text", "get", "loaded"]
