"""NFC for analysis, offsets into the original text.

An article saved with decomposed characters (NFD: macOS file names and clipboards, some CMS
exports write 한 as the three jamo ᄒ ᅡ ᆫ) reads the same but matches none of the patterns,
lexicons or the Korean analyser, which all expect composed (NFC) text. ``nfc_with_map`` gives
the NFC form of a text with an ``OffsetMap`` from NFC offsets back to the original ones, so
that the analysis runs on the NFC copy and every offset it produces is mapped back: slices
of the original text stay exact.

The text is cut into segments that normalise independently: a segment starts at a character
that no earlier character can combine with (canonical combining class 0 and not the second
half of a canonical composition, such as a Hangul vowel or final jamo). An NFC offset inside
a segment that changed (a composed syllable) maps to the segment's start for a span's start
and to its end for a span's end, so a mapped span always covers what the NFC span covered.
"""

from __future__ import annotations

import bisect
import functools
import itertools
import unicodedata
from dataclasses import dataclass


@functools.cache
def _composes_backward() -> frozenset[str]:
    """Characters of combining class 0 that canonical composition can join to the character
    before them (Hangul medial vowels and final consonants, some Indic vowel signs...)."""
    out: set[str] = set()
    for cp in range(0x110000):
        d = unicodedata.decomposition(chr(cp))
        if not d or d.startswith("<"):
            continue
        parts = d.split()
        if len(parts) == 2:
            second = chr(int(parts[1], 16))
            if unicodedata.combining(second) == 0:
                out.add(second)
    out.update(chr(c) for c in range(0x1161, 0x1176))  # Hangul V jamo (composed by algorithm)
    out.update(chr(c) for c in range(0x11A8, 0x11C3))  # Hangul T jamo
    return frozenset(out)


@dataclass(frozen=True)
class OffsetMap:
    """Maps offsets of an NFC text back to the original text it was made from.

    Pieces are runs of the text: ``same`` pieces are unchanged by NFC (offsets shift by a
    constant), the others are single segments that NFC changed."""

    nfc_starts: tuple[int, ...]
    orig_starts: tuple[int, ...]
    same: tuple[bool, ...]
    nfc_len: int
    orig_len: int

    def start(self, n: int) -> int:
        """The original offset of an NFC span start ``n`` (rounded down inside a segment)."""
        if n >= self.nfc_len:
            return self.orig_len
        i = bisect.bisect_right(self.nfc_starts, n) - 1
        if self.same[i]:
            return self.orig_starts[i] + n - self.nfc_starts[i]
        return self.orig_starts[i]

    def end(self, n: int) -> int:
        """The original offset of an NFC span end ``n`` (rounded up inside a segment)."""
        if n <= 0:
            return 0
        i = bisect.bisect_right(self.nfc_starts, n - 1) - 1
        if self.same[i]:
            return self.orig_starts[i] + n - self.nfc_starts[i]
        return self.orig_starts[i + 1] if i + 1 < len(self.orig_starts) else self.orig_len


def nfc_with_map(text: str) -> tuple[str, OffsetMap] | None:
    """``(NFC text, map back)``, or None when ``text`` is already NFC (nothing to map)."""
    if unicodedata.is_normalized("NFC", text):
        return None
    joins = _composes_backward()
    combining = unicodedata.combining
    bounds = [i for i, ch in enumerate(text) if i == 0 or (not combining(ch) and ch not in joins)]
    bounds.append(len(text))
    parts: list[str] = []
    nfc_starts: list[int] = []
    orig_starts: list[int] = []
    same: list[bool] = []
    n = 0
    for a, b in itertools.pairwise(bounds):
        seg = text[a:b]
        norm = seg if unicodedata.is_normalized("NFC", seg) else unicodedata.normalize(
            "NFC", seg)
        unchanged = norm == seg
        if not (unchanged and same and same[-1]):  # unchanged runs are merged into one piece
            nfc_starts.append(n)
            orig_starts.append(a)
            same.append(unchanged)
        parts.append(norm)
        n += len(norm)
    nfc = "".join(parts)
    if nfc != unicodedata.normalize("NFC", text):  # cannot happen with correct segments
        raise ValueError("NFC segmentation failed")
    return nfc, OffsetMap(tuple(nfc_starts), tuple(orig_starts), tuple(same), len(nfc),
                          len(text))
