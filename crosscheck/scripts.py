"""Which writing system a piece of text is in: the one place that tests scripts.

Stages never look at code points themselves: they ask :func:`script_of` (or the language
registry, :mod:`crosscheck.lang`, which maps scripts to languages).
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

_HANGUL_SYLLABLE = re.compile("[\uac00-\ud7a3]")
_KANA = re.compile("[\u3040-\u30ff\u31f0-\u31ff\uff66-\uff9f]")
_HAN = re.compile("[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")


def has_hangul(s: str) -> bool:
    """True when ``s`` holds at least one Hangul syllable."""
    return _HANGUL_SYLLABLE.search(s) is not None


def has_kana(s: str) -> bool:
    return _KANA.search(s) is not None


def is_cjk_char(ch: str) -> bool:
    """A Hangul, kana or Han character (scripts written without spaces between words, or
    with particles glued to the word)."""
    return bool(_HANGUL_SYLLABLE.match(ch) or _KANA.match(ch) or _HAN.match(ch))


@lru_cache(maxsize=1 << 17)
def script_of(text: str) -> str:
    """The script most of the letters of ``text`` are in: ``hangul``, ``japanese`` (kana, or
    Han characters with kana), ``han`` (Han alone), ``latin`` (the default, also for text
    with no letters)."""
    letters = sum(map(str.isalpha, text))
    if not letters:
        return "latin"
    hangul = len(_HANGUL_SYLLABLE.findall(text))
    if hangul / letters >= 0.3:
        return "hangul"
    kana = len(_KANA.findall(text))
    han = len(_HAN.findall(text))
    if kana and (kana + han) / letters >= 0.3:
        return "japanese"
    if han / letters >= 0.3:
        return "japanese" if kana else "han"
    return "latin"


def is_hangul_text(text: str) -> bool:
    """True when Hangul makes up a good share of the letters of ``text``."""
    return script_of(text) == "hangul"


def same_script(a: str, b: str) -> bool:
    return script_of(a) == script_of(b)


def squash(s: str) -> str:
    """Lower-case letters and digits only (NFKC): "META-X" and "metax" compare equal."""
    return "".join(ch for ch in unicodedata.normalize("NFKC", s).casefold() if ch.isalnum())
