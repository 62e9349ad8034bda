"""One person = one entity across articles, scripts and forms.

Within an article, the facets stage already resolves short forms (배 부총리, Bae) to the
full name given there. Across articles this module joins:

* the same name written alike (after spacing and case are folded);
* a Korean name in Hangul and its romanisation (유영상 = Ryu Young-sang = Yoo Young-sang,
  최태원 = Chey Tae-won, 김용범 = Kim Young-bum): the Hangul is romanised (Revised
  Romanisation, ``korean-romanizer``), the surname compared through the variant clusters
  of ``name-variants`` (Park/Bak, Lee/Yi/Rhee, Choi/Choe) or a consonant skeleton, the
  given name through its consonant skeleton (vowels and the g/k, d/t, b/p, j/ch, r/l
  pairs folded: 영상 yeongsang and Young-sang both give ``nksnk``);
* names an article links itself (``윤서진 (Yoon Seo-jin)``);
* a short form (a surname, a last name) with the one full name of the corpus it can stand
  for; an ambiguous one (two Kims) joins nobody.

Measured on the names of the two real corpora and the seeds (15 Hangul/Latin pairs of one
person, 3 pairs of different people): RR romanisation alone matches 0 of 15 exactly; with
the skeleton and the surname variants 15 of 15, and none of the 3 wrong pairs.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from functools import lru_cache

from crosscheck.disjoint import DisjointSets
from crosscheck.models import Claim
from crosscheck.scripts import has_hangul


@lru_cache(maxsize=4096)
def _romanize(hangul: str) -> str:
    try:
        from korean_romanizer.romanizer import Romanizer

        return str(Romanizer(hangul).romanize())
    except Exception:  # the library missing or failing on a syllable: no romanisation
        return ""


def skeleton(latin: str) -> str:
    """The consonant skeleton of a romanised Korean name part: vowels and glides out,
    voiced/unvoiced and r/l pairs folded, doubled letters single (영상, Young-sang,
    Yeong-sang -> nksnk)."""
    s = re.sub(r"[^a-z]", "", latin.casefold())
    s = s.replace("sh", "s").replace("ch", "C").replace("j", "C").replace("tz", "C")
    s = re.sub(r"[aeiouyw]+", "", s)
    s = s.translate(str.maketrans("gdbrcfqz", "ktplkpkC")).replace("x", "ks")
    return re.sub(r"(.)\1+", r"\1", s)


@lru_cache(maxsize=1)
def _surname_forms() -> dict[str, frozenset[str]]:
    """Hangul surname -> its romanised variants (name-variants' Korean surname table)."""
    try:
        import name_variants as nv

        table = nv.KOREAN_SURNAME_VARIANTS
    except Exception:
        return {}
    return {str(k): frozenset(str(f).casefold() for f in v.get("forms", ()))
            for k, v in table.items()}


def _surname_match(hangul: str, latin: str) -> bool:
    low = latin.casefold()
    table = _surname_forms()
    forms = table.get(hangul)
    if forms and low in forms:
        return True
    from crosscheck.lang.ko import initial_sound_law

    plain = initial_sound_law(hangul)
    if any(low in f for k, f in table.items()
           if k != hangul and initial_sound_law(k) != plain):
        return False  # Cho is 조's, not 최's: a listed form of another surname (류 and 유
        # are one surname under the initial-sound law)
    if not _romanize(hangul):
        return False
    a, b = skeleton(_romanize(hangul)), skeleton(latin)
    # 류/유, 리/이, 노/로: an initial r/l is written by some and dropped by others
    return a == b or a.lstrip("l") == b.lstrip("l")


def same_korean_name(hangul: str, latin: str) -> bool:
    """Is ``latin`` (Ryu Young-sang, Kim Young-bum, Chey Tae-won) a romanisation of the
    Korean name ``hangul`` (유영상, 김용범, 최태원)? Surname first or last."""
    h = hangul.replace(" ", "")
    if not (2 <= len(h) <= 4) or not has_hangul(h) or not re.fullmatch(r"[A-Za-z\-' ]+", latin):
        return False
    words = [p for p in latin.replace("-", "").split() if p]
    if len(words) < 2:
        return False
    sur, given = h[0], h[1:]
    g = skeleton(_romanize(given))
    if not g:
        return False
    for s_word, g_words in ((words[0], words[1:]), (words[-1], words[:-1])):
        if _surname_match(sur, s_word) and skeleton("".join(g_words)) == g:
            return True
    return False


def same_romanised_name(a: str, b: str) -> bool:
    """Are two Latin-script names romanisations of one Korean name? Same surname (one
    variant cluster, or the same skeleton) and the same given-name skeleton, with the
    given name written as a hyphenated or run-together Korean given name."""
    wa, wb = a.replace("-", " ").split(), b.replace("-", " ").split()
    if len(wa) < 2 or len(wb) < 2 or len(wa) > 3 or len(wb) > 3:
        return False
    for sa, ga, sb, gb in ((wa[0], wa[1:], wb[0], wb[1:]), (wa[-1], wa[:-1], wb[-1], wb[:-1])):
        if sa.casefold() != sb.casefold() and not _same_surname(sa, sb):
            continue
        ka, kb = skeleton("".join(ga)), skeleton("".join(gb))
        if ka and ka == kb and ("-" in a or "-" in b or len(ga) == len(gb) == 2):
            return True
    return False


def looks_romanised_korean(name: str) -> bool:
    """A Latin name written the way Korean names are romanised: a Korean surname (the
    variant table of ``name-variants``) and a given name of two syllables, hyphenated or
    run together (Kim Yong-beom, Chey Tae-won, Lee Jae-myung)."""
    words = name.split()
    if len(words) < 2:
        return False
    forms = {f for fs in _surname_forms().values() for f in fs}
    sur, given = (words[0], words[1:]) if words[0].casefold() in forms else (words[-1], words[:-1])
    if sur.casefold() not in forms:
        return False
    g = "".join(given)
    return "-" in g or (len(given) == 2 and all(len(x) <= 6 for x in given))


def _same_surname(a: str, b: str) -> bool:
    la, lb = a.casefold(), b.casefold()
    return any(la in forms and lb in forms for forms in _surname_forms().values())


def _fold(name: str) -> str:
    return re.sub(r"[\s\-.]+", " ", name.casefold()).strip()


def person_groups(claims: Iterable[Claim], aliases: Iterable[tuple[str, str]] = ()
                  ) -> dict[str, str]:
    """Every person name used in any article -> one corpus-wide canonical name (the
    Hangul full form where there is one, else the longest)."""
    sets: DisjointSets[str] = DisjointSets()
    find, union = sets.find, sets.union
    names: set[str] = set()
    resolved: set[str] = set()
    for c in claims:
        for f in c.facets:
            if f.type == "person":
                # the value is the surface (a surname, 윤 장관): only the article's resolution
                # names the person; a short surface would bridge two people of one surname
                names.add(f.normalized)
                resolved.add(f.normalized)
                if f.subject:  # the name in another script the article gives beside it
                    names.add(f.subject)
                    union(f.normalized, f.subject)
    for a, b in aliases:
        names |= {a, b}
        union(a, b)
    by_fold: dict[str, str] = {}
    for n in sorted(names):
        k = _fold(n)
        if k in by_fold:
            union(by_fold[k], n)
        else:
            by_fold[k] = n
    full = sorted(n for n in names if len(n.split()) >= 2 or re.fullmatch(r"[가-힣]{3,4}", n))
    hangul_full = [n for n in full if re.fullmatch(r"[가-힣]{2,4}", n.replace(" ", ""))]
    latin_full = [n for n in full if re.fullmatch(r"[A-Za-z][A-Za-z\-' ]+", n)]
    for h in hangul_full:
        for latin in latin_full:
            if same_korean_name(h, latin):
                union(h, latin)
    # two romanisations of one Korean name (Kim Yong-beom, Kim Young-bum)
    for i, x in enumerate(latin_full):
        for y in latin_full[i + 1 :]:
            if same_romanised_name(x, y):
                union(x, y)
    # a short form joins the one full name it can stand for: 크라치오스 -> 마이클 크라치오스,
    # 하 -> 하정우, Yoon -> Yoon Seo-jin; an ambiguous one (two Kims) joins nobody
    for n in sorted(names):
        if len(n.split()) != 1 or n in full:
            continue
        if re.fullmatch(r"[가-힣]", n):
            cands = {find(m) for m in full if re.fullmatch(r"[가-힣]{3,4}", m) and m[0] == n}
        else:
            cands = {find(m) for m in full if len(m.split()) >= 2
                     and n in (m.split()[-1], m.split()[0])}
        if len(cands) == 1:
            union(next(iter(cands)), n)
    groups: dict[str, list[str]] = defaultdict(list)
    for n in names:
        groups[find(n)].append(n)
    canon: dict[str, str] = {}
    for members in groups.values():
        pool = [m for m in members if m in resolved] or members
        hangul = [m for m in pool if has_hangul(m)]
        best = max(hangul or pool, key=lambda m: (len(m.split()), len(m), m))
        for m in members:
            canon[m] = best
    return canon
