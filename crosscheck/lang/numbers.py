"""Figures shared by every language: exact decimals, their precision, and how two compare.

A language module finds a figure and its unit in text (``lang/ko.py``: 1,347억 9,100만 원,
2천3백만 명; ``lang/en.py``: $134.8 billion, five servers); this module holds what does not
depend on the language: formatting, rounding and the relation of two values
(:func:`compatible`, :func:`relation`).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import lru_cache


def format_decimal(value: Decimal) -> str:
    """A plain decimal string without exponent or trailing zeros."""
    s = format(value.normalize(), "f")
    if "." in s:
        s = s.rstrip("0").rstrip(".")
    return s


def significant_digits(literal: str) -> int:
    """How many significant digits a figure was written with: ``26.69`` -> 4, ``27`` -> 2,
    ``3,400`` -> 2 (trailing zeros of an integer are not significant), ``9.80`` -> 3."""
    s = literal.replace(",", "").strip()
    if "." in s:
        s = s.lstrip("0").replace(".", "")
        return len(s.lstrip("0")) or 1
    return len(s.strip("0")) or 1


@dataclass(frozen=True)
class Figure:
    """A parsed figure: its exact value, how precisely it was written, and how it was hedged
    (``approx``: about / 약 / nearly; ``bound``: more than / 이상 = "min", up to / 이하 = "max")."""

    value: Decimal
    digits: int
    approx: bool = False
    bound: str | None = None

    def normalized(self, unit: str) -> str:
        """The facet's normalised form: ``~26690000 records`` (``~`` when hedged)."""
        mark = "~" if self.approx or self.bound else ""
        return f"{mark}{format_decimal(self.value)} {unit}".strip()


def parse_normalized(norm: str) -> tuple[Decimal, str, bool] | None:
    """``~26690000 records`` -> (value, unit, hedged)."""
    approx = norm.startswith("~")
    parts = norm.lstrip("~").split(" ", 1)
    try:
        value = Decimal(parts[0])
    except InvalidOperation:
        return None
    return value, parts[1] if len(parts) > 1 else "", approx


@lru_cache(maxsize=1 << 16)
def relation(a: str, b: str, digits_a: int = 0, digits_b: int = 0) -> str:
    """How two normalised figures of one unit relate:

    ``same``     equal, or within one unit of the last digit of the coarser of the two
                 when that one is rounded (26.95 and 26.96 million, 26.9 and 26.96, 2 and
                 1.8 million; not 14 and 15 cities, each written to its units), or within
                 what a hedge allows (about / nearly: 3 %);
    ``scale``    one is the other times a power of ten (35 billion vs 350 billion: a dropped
                 or extra zero, a 억-to-billion slip);
    ``digits``   same magnitude, written with 3 or more digits, two digits transposed or
                 one digit off (26.69 vs 26.96, 9.82 vs 9.32);
    ``differ``   another figure;
    ``unit``     different units: not comparable.

    ``digits_a``/``digits_b`` are the significant digits each was written with (0: derive
    from the normalised value).
    """
    pa, pb = parse_normalized(a), parse_normalized(b)
    if pa is None or pb is None:
        return "same" if a == b else "differ"
    if pa[1] != pb[1]:
        return "unit"
    va, vb = pa[0], pb[0]
    if va == vb:
        return "same"
    if va == 0 or vb == 0:
        return "differ"
    da = digits_a or significant_digits(format_decimal(va))
    db = digits_b or significant_digits(format_decimal(vb))
    # outlets round one figure differently (26.95 vs 26.96 million, 26.9 vs 27, 2 vs 1.8
    # million): two figures are one when they differ by at most one unit of the last digit
    # one of them was written with (that one is the other, rounded); a hedged round figure
    # (nearly 27 million) also allows 3 %. A hedge on a precise figure (about 26.69
    # million) is still precise.
    for x, dx in ((va, da), (vb, db)):
        if dx > x.adjusted() and x == x.to_integral_value():
            continue  # written to its last unit (14 cities, 291,831): a count, not rounded
        if abs(va - vb) <= Decimal(1).scaleb(x.adjusted() - dx + 1):
            return "same"
    rel = abs(va - vb) / max(abs(va), abs(vb))
    if (pa[2] or pb[2]) and min(da, db) <= 2 and rel <= Decimal("0.03"):
        return "same"
    big, small = (va, vb) if abs(va) > abs(vb) else (vb, va)
    ratio = abs(big / small)
    for k in range(1, 13):
        p = Decimal(10) ** k
        if abs(ratio - p) / p <= Decimal("0.02"):
            return "scale"
    if rel < Decimal("0.5") and min(da, db) >= 3 and _digit_slip(
            format_decimal(va), format_decimal(vb)):
        return "digits"
    return "differ"


def _digit_slip(a: str, b: str) -> bool:
    """Two figures of the same length whose digits differ by one transposition or in one
    place (a copying slip), not by a change of magnitude."""
    da, db = a.replace(".", ""), b.replace(".", "")
    if len(da) != len(db) or a.find(".") != b.find("."):
        return False
    diff = [i for i, (x, y) in enumerate(zip(da, db, strict=True)) if x != y]
    if len(diff) == 1:
        return True
    return (len(diff) == 2 and diff[1] == diff[0] + 1 and da[diff[0]] == db[diff[1]]
            and da[diff[1]] == db[diff[0]])


def compatible(a: str, b: str) -> bool:
    """True when two normalised figures state the same value (rounding allowed), or cannot
    be compared (different units)."""
    return relation(a, b) in ("same", "unit")
