"""Stage 4b: which values answer the same question.

A cluster of claims about one topic holds many figures and dates; two of them are worth
comparing only when they answer the same question: the number of servers infected, not the
number of servers checked; the day of the briefing, not the day of the detection. This
stage gives every value (figure, date, place) its *question* and groups the values that
share one into **slots**.

A value's question is read from around it, in any language:

* its unit or counted class (KRW, percent, servers/대/台 -> machines, users/명 -> people),
  its role (the ``from``/``to``/``by`` of a change, the ``start``/``end`` of a range);
* its context: the words of its own clause, cut at the neighbouring values of its type
  (CJK text as character bigrams, spaced text as word stems), plus the language-neutral
  anchors of its claim — the other figures and dates, resolved names, Latin-script terms
  (IMSI, GB, MASGA) — weighted by how rare each is in the corpus (IDF): "1차" (round one)
  weighs more than "서버" (server) in a corpus about servers.

Slots are built like claim clusters: value pairs scored, merged strongest first with
average linkage, one value per article per slot (an outlet gives one figure for one
question; two different figures of one article join only when their contexts are
near-identical — the article contradicts itself). Two values that state the same figure
get a bonus (outlets that agree tell us the slot); a figure off by a power of ten or a
digit slip a smaller one (the usual ways a figure is miscopied).
"""

from __future__ import annotations

import math
import re
from collections import Counter, defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from decimal import Decimal
from functools import lru_cache

import numpy as np

from crosscheck.disjoint import DisjointSets
from crosscheck.lang.base import _STOP_EN, stem
from crosscheck.lang.numbers import parse_normalized, relation
from crosscheck.models import Claim, Facet, content_id
from crosscheck.scripts import is_cjk_char, script_of

VALUE_TYPES = ("number", "date", "place")
_COUNT_UNITS = frozenset({"", "people", "records", "kinds", "machines", "items", "places",
                          "countries", "companies", "times"})
CURRENCIES = frozenset({"USD", "KRW", "JPY", "EUR", "GBP", "CNY", "CAD", "AUD"})
_PUNCT = re.compile(r"[,;:()\[\]{}“”\"‘’'·…/|]|\s[-–—]\s")
_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)


@dataclass(frozen=True)
class Value:
    """One value of a claim, with the question it answers."""

    index: int
    claim: Claim
    facet: Facet
    script: str
    unit: str
    role: str | None
    tokens: frozenset[str]
    anchors: frozenset[str]

    @property
    def article_id(self) -> str:
        return self.claim.article_id

    @property
    def type(self) -> str:
        return self.facet.type


@dataclass(frozen=True)
class Slot:
    """Values (of different articles, mostly) that answer one question."""

    id: str
    values: tuple[Value, ...]
    score: float  # the mean pair score of its members (average linkage)


# --------------------------------------------------------------------------- values


def context_tokens(text: str) -> frozenset[str]:
    """The comparable pieces of a stretch of text: character bigrams of CJK runs (no
    analyser needed, robust to particles), word stems of the rest (stop words out)."""
    out: set[str] = set()
    for w in _WORD.findall(text):
        if is_cjk_char(w[0]):
            run = "".join(ch for ch in w if is_cjk_char(ch))
            out.update(run[k : k + 2] for k in range(len(run) - 1))
            if len(run) == 1:
                out.add(run)
            latin = re.findall(r"[A-Za-z]{2,}", w)
            out.update(x.casefold() for x in latin)
        elif len(w) >= 2 and w.casefold() not in _STOP_EN:
            out.add(stem(w))
    return frozenset(out)


WINDOW_WORDS = 10
WINDOW_CHARS = 24


def window(text: str, claim: Claim, facet: Facet, same_type: Sequence[Facet]) -> str:
    """The words around ``facet`` inside its claim, up to the neighbouring values of its
    type and at most ``WINDOW_WORDS`` words (``WINDOW_CHARS`` characters of CJK text) on
    each side, the value itself left out."""
    lo, hi = claim.start, claim.end
    for o in same_type:
        if o is facet or (o.start, o.end) == (facet.start, facet.end):
            continue
        if o.end <= facet.start:
            lo = max(lo, o.end)
        elif o.start >= facet.end:
            hi = min(hi, o.start)
    left, right = text[lo : facet.start], text[facet.end : hi]
    if is_cjk_text(left + right):
        left, right = left[-WINDOW_CHARS:], right[:WINDOW_CHARS]
    else:
        left = " ".join(left.split()[-WINDOW_WORDS:])
        right = " ".join(right.split()[:WINDOW_WORDS])
    return f"{left} \u2026 {right}"


def is_cjk_text(s: str) -> bool:
    return script_of(s) in ("hangul", "japanese", "han")


def _unit_of(f: Facet) -> str:
    if f.type == "number":
        parsed = parse_normalized(f.normalized)
        return parsed[1] if parsed else (f.unit or "")
    return ""


def _anchor(f: Facet) -> str | None:
    if f.type in ("date", "number", "place", "person", "organization"):
        return f"{f.type}:{f.normalized}"
    return None


def collect_values(articles_text: Mapping[str, str], claims: Sequence[Claim],
                   canon: Mapping[str, str] | None = None) -> list[Value]:
    """Every figure, date and place of the claims, with its question."""
    canon = canon or {}
    out: list[Value] = []
    for c in claims:
        text = articles_text[c.article_id]
        by_type: dict[str, list[Facet]] = defaultdict(list)
        for f in c.facets:
            by_type[f.type].append(f)
        anchors_all = {}
        for f in c.facets:
            a = _anchor(f)
            if a is None:
                continue
            if f.type == "person":
                a = "person:" + canon.get(f.normalized, f.normalized)
            anchors_all[(f.type, f.start, f.end)] = a
        latin = {w.casefold() for w in re.findall(r"\b[A-Za-z][A-Za-z0-9\-]{1,}\b", c.text)
                 if w.casefold() not in _STOP_EN} if script_of(c.text) != "latin" else set()
        for t in VALUE_TYPES:
            for f in by_type.get(t, ()):
                win = window(text, c, f, by_type[t])
                anchors = frozenset(
                    a for (ty, s, e), a in anchors_all.items()
                    if (ty, s, e) != (f.type, f.start, f.end) and a != f"{f.type}:{f.normalized}")
                toks = context_tokens(win) | frozenset(stem(w) for w in latin
                                                       if w in win.casefold())
                unit = _unit_of(f)
                if unit:
                    toks |= {"unit:" + unit}  # a rare unit (GB, tonnes) says much
                out.append(Value(len(out), c, f, script_of(c.text), _unit_of(f), f.role,
                                 toks, anchors))
    return stepped_roles(out)


def sentence_figures(values: Sequence[Value]) -> dict[tuple[str, int], list[Value]]:
    """The figures of each sentence (article, sentence start), in text order."""
    out: dict[tuple[str, int], list[Value]] = defaultdict(list)
    for v in values:
        if v.type == "number":
            out[(v.article_id, v.claim.sentence_start)].append(v)
    for vs in out.values():
        vs.sort(key=lambda v: v.facet.start)
    return out


def stepped_roles(values: list[Value]) -> list[Value]:
    """A change told in steps: a sentence that gives a level, then one increment, then a
    level, all of one unit (3대로 확인됐는데 … 18대 더 늘어 23대로) gives the first level
    as the change's ``from`` and the second as its ``to``, where the words around them named
    no role."""
    roles: dict[int, str] = {}
    for vs in sentence_figures(values).values():
        inc = [v for v in vs if v.role == "increment"]
        if len(inc) != 1:
            continue
        d = inc[0]
        same_unit = [v for v in vs if v.unit == d.unit and v is not d]
        before = [v for v in same_unit if v.facet.end <= d.facet.start]
        after = [v for v in same_unit if v.facet.start >= d.facet.end]
        if not before or not after:
            continue
        if before[-1].role is None and not any(v.role == "from" for v in same_unit):
            roles[before[-1].index] = "from"
        if after[0].role is None and not any(v.role == "to" for v in same_unit):
            roles[after[0].index] = "to"
    return [replace(v, role=roles[v.index]) if v.index in roles else v for v in values]


def implied_by_change(v: Value, mates: Sequence[Value]) -> tuple[Decimal, Value, Value] | None:
    """The figure ``v``'s own sentence implies for it when the sentence tells a change with
    one increment: the ``to`` minus the increment for a ``from``, the ``from`` plus it for a
    ``to``; with the two figures it is worked out from (the other level, the increment)."""
    if v.type != "number" or v.role not in ("from", "to"):
        return None
    other_role = "to" if v.role == "from" else "from"
    inc = [x for x in mates if x.role == "increment" and x.unit == v.unit]
    other = [x for x in mates if x.role == other_role and x.unit == v.unit]
    if len(inc) != 1 or len(other) != 1:
        return None
    pi, po = parse_normalized(inc[0].facet.normalized), parse_normalized(other[0].facet.normalized)
    if pi is None or po is None:
        return None
    return (po[0] - pi[0] if v.role == "from" else po[0] + pi[0]), other[0], inc[0]


# --------------------------------------------------------------------------- pairs


def units_comparable(a: Value, b: Value) -> bool:
    """Two values can answer one question: same type, and for figures the same unit, or a
    count with an unnamed count, or a currency with a bare 만/억-scaled figure; for places
    the same level, or one inside the other (a city against a country it is not in answers
    another question: where, against with whom)."""
    if a.type != b.type:
        return False
    if a.type == "place":
        na, nb = a.facet.normalized, b.facet.normalized
        if na.startswith("country:") != nb.startswith("country:"):
            from crosscheck.lang.gazetteer import relation as place_relation

            return place_relation(na, nb) != "differ"
        return True
    if a.type != "number":
        return True
    ua, ub = a.unit, b.unit
    if ua == ub:
        return True
    if not ua or not ub:
        other = ua or ub
        return other in _COUNT_UNITS or other in CURRENCIES
    return False


def roles_comparable(a: Value, b: Value) -> bool:
    """A change's ``from`` answers another question than its ``to``; a range's ``start``
    than its ``end``; a ``by`` or an ``increment`` than a level."""
    return roles_match(a.role, b.role)


def roles_match(ra: str | None, rb: str | None) -> bool:
    """:func:`roles_comparable` on the roles alone."""
    if ra == rb:
        return True
    level = {None, "to", "keep"}  # a level, however it was reached
    if ra in level and rb in level:
        return True
    return {ra, rb} == {"by", "to"}  # cut by 15 points vs cut to 15%: worth setting side by side


def value_relation(a: Value, b: Value) -> str:
    """same / scale / digits / day / month / year / differ (see ``lang.numbers.relation``
    and :func:`date_relation`); ``unknown`` for places the gazetteer does not know."""
    if a.type == "number":
        na, nb = a.facet.normalized, b.facet.normalized
        if a.unit != b.unit:  # one of them has no unit: compare the figures alone
            na, nb = na.split(" ", 1)[0], nb.split(" ", 1)[0]
        rel = relation(na, nb)
        return "same" if rel == "unit" else rel
    if a.type == "date":
        return date_relation(a.facet.normalized, b.facet.normalized)
    from crosscheck.lang.gazetteer import relation as place_relation

    rel = place_relation(a.facet.normalized, b.facet.normalized)
    return "same" if rel in ("same", "unknown") else "differ"


@lru_cache(maxsize=1 << 16)
def date_relation(a: str, b: str) -> str:
    """Two dates compared at the granularity both give (a day agrees with its month, a
    partial ``--04-19`` is compared by month and day): ``same``, or how they differ. A
    miscopied date usually keeps the rest: ``day`` (one day apart, same month), ``month``
    (same day and year, another month), ``year`` (same day and month, another year);
    anything else is ``differ``."""
    pa, pb = _date_parts(a), _date_parts(b)
    if pa is None or pb is None:
        return "same" if a == b else "differ"
    common = [k for k in range(3) if pa[k] is not None and pb[k] is not None]
    if not common or all(pa[k] == pb[k] for k in common):
        return "same"
    diff = [k for k in common if pa[k] != pb[k]]
    full = len(common) == 3 or (common == [1, 2])
    if full and diff == [2] and abs((pa[2] or 0) - (pb[2] or 0)) == 1:
        return "day"
    if full and diff == [1] and 2 in common:
        return "month"
    if len(common) == 3 and diff == [0]:
        return "year"
    return "differ"


def _date_parts(s: str) -> tuple[int | None, int | None, int | None] | None:
    m = re.fullmatch(r"(?:(\d{4})|-)-?(\d{2})?(?:-(\d{2}))?(?:T.*)?", s)
    if m is None:
        return None
    y = int(m.group(1)) if m.group(1) else None
    mo = int(m.group(2)) if m.group(2) else None
    d = int(m.group(3)) if m.group(3) else None
    if y is None and mo is None:
        return None
    return y, mo, d


def idf_weights(values: Sequence[Value]) -> dict[str, float]:
    """How rare each context token is among the values' contexts (smoothed IDF)."""
    df: Counter[str] = Counter()
    for v in values:
        df.update(v.tokens | v.anchors)
    n = max(1, len(values))
    return {t: math.log((n + 1) / (c + 0.5)) for t, c in df.items()}


def weighted_jaccard(ta: frozenset[str], tb: frozenset[str], idf: Mapping[str, float]
                     ) -> float:
    """IDF-weighted overlap of two token sets (0..1)."""
    if not ta or not tb:
        return 0.0
    inter = sum(idf.get(t, 1.0) for t in ta & tb)
    union = sum(idf.get(t, 1.0) for t in ta | tb)
    return inter / union if union else 0.0


def weighted_containment(ta: frozenset[str], tb: frozenset[str], idf: Mapping[str, float]
                         ) -> float:
    """IDF-weighted share of the smaller set found in the other (0..1): anchors one claim
    gives and the other leaves out do not count against the pair."""
    if not ta or not tb:
        return 0.0
    inter = sum(idf.get(t, 1.0) for t in ta & tb)
    small = min(sum(idf.get(t, 1.0) for t in ta), sum(idf.get(t, 1.0) for t in tb))
    return inter / small if small else 0.0


TYPO = ("scale", "digits", "day", "month", "year")
"""Relations a miscopied value usually has with the right one."""


@dataclass(frozen=True)
class PairFeatures:
    a: int
    b: int
    lex: float  # IDF-weighted overlap of the words around the two values
    anc: float  # of the claims' other values and names (language-neutral)
    claim_cos: float
    relation: str
    same_article: bool
    same_script: bool
    mutual: bool = False  # each claim is the other's closest in its article
    head: int = 0  # what the figures count: 1 the same thing, -1 different things, 0 unknown

    @property
    def agree(self) -> bool:
        return self.relation == "same"


AGREE_THRESHOLD = 0.35
"""Two values that state the same figure join one slot at this slot probability."""
SELF_CONTRADICTION_CTX = 0.6
"""Two values of one article are compared only with contexts this alike (an article that
says one thing twice, or contradicts itself)."""


def _claim_affinity(claims: Sequence[Claim], vectors: Mapping[str, np.ndarray] | None,
                    min_cos: float, k: int = 48, k_other: int = 8
                    ) -> tuple[dict[tuple[str, str], float], dict[tuple[str, str], str]]:
    """Cosines of the claim pairs worth comparing (at least ``min_cos``; each claim's ``k``
    nearest, and its ``k_other`` nearest in another script), and for each (claim, other
    article) the other article's closest claim."""
    kept = [c for c in claims if vectors is not None and c.id in vectors]
    if len(kept) < 2 or vectors is None:
        return {}, {}
    ids = [c.id for c in kept]
    art = {c.id: c.article_id for c in claims}
    m = np.stack([vectors[i] for i in ids]).astype(np.float32)
    kk = min(k, len(ids) - 1)
    sims = m @ m.T if len(ids) <= 4000 else None
    cos: dict[tuple[str, str], float] = {}
    best: dict[tuple[str, str], tuple[float, str]] = {}
    latin = np.array([script_of(c.text) == "latin" for c in kept])
    for i, ci in enumerate(ids):
        row = sims[i] if sims is not None else m @ m[i]
        # the nearest claims, and apart the nearest in the other scripts: a translation is
        # seldom as close as a same-language claim, and would be crowded out
        order = set(np.argpartition(-row, kk)[: kk + 1].tolist())
        cols = np.flatnonzero(latin != latin[i])
        if len(cols) > k_other:
            order.update(cols[np.argpartition(-row[cols], k_other)[:k_other]].tolist())
        else:
            order.update(cols.tolist())
        for j in sorted(order):
            if j == i:
                continue
            s = float(row[j])
            cj = ids[j]
            key = (ci, art[cj])
            if key not in best or s > best[key][0]:
                best[key] = (s, cj)
            if s >= min_cos:
                cos[(ci, cj)] = s
    return cos, {k2: v[1] for k2, v in best.items()}


@lru_cache(maxsize=8192)
def _head_words(head: str) -> tuple[frozenset[str], str]:
    """A head's content words (lemmas, case-folded) and its script."""
    from crosscheck import lang

    words = lang.for_text(head).content_words(head)[0] or tuple(head.split())
    return frozenset(w.casefold() for w in words), script_of(head)


def _acronym(words: str) -> str:
    return "".join(w[0] for w in re.findall(r"[^\W\d_]+", words) if w[:1].isalpha()).casefold()


def head_relation(a: str | None, b: str | None) -> int:
    """Do two figures count the same thing? 1 when their heads share a content word or one
    is the other's acronym (IMSI, international mobile subscriber identity), -1 when both
    are written in one script and share nothing (servers, malware types), 0 when a head is
    missing or the two are in different scripts (a translation is not compared here)."""
    if not a or not b:
        return 0
    (wa, sa), (wb, sb) = _head_words(a), _head_words(b)
    if wa & wb:
        return 1
    short, long = sorted((a, b), key=len)
    if " " not in short.strip() and len(short) >= 2 and _acronym(long) == short.casefold():
        return 1
    return -1 if sa == sb else 0


def candidate_pairs(values: Sequence[Value], vectors: Mapping[str, np.ndarray] | None,
                    idf: Mapping[str, float], events: Mapping[str, str] | None = None,
                    min_claim_cos: float = 0.78) -> list[PairFeatures]:
    """Scored pairs of values that could answer one question: same type, comparable unit
    and role, in one event (when events are given), in claims close enough (each claim
    against its nearest claims, so the cost stays near-linear in the corpus)."""
    claims = list({v.claim.id: v.claim for v in values}.values())
    cos, best = _claim_affinity(claims, vectors, min_claim_cos)
    by_claim: dict[str, list[Value]] = defaultdict(list)
    for v in values:
        by_claim[v.claim.id].append(v)
    out: list[PairFeatures] = []
    seen: set[tuple[int, int]] = set()
    keys = sorted(cos) if vectors is not None else [
        (x.id, y.id) for i, x in enumerate(claims) for y in claims[i + 1 :]]
    for ci, cj in keys:
        if ci == cj:
            continue
        for a in by_claim.get(ci, ()):
            for b in by_claim.get(cj, ()):
                key = (min(a.index, b.index), max(a.index, b.index))
                if key in seen or a.type != b.type:
                    continue
                seen.add(key)
                if events is not None and events.get(a.article_id) != events.get(b.article_id):
                    continue
                if not (units_comparable(a, b) and roles_comparable(a, b)):
                    continue
                lex = 0.5 * (weighted_jaccard(a.tokens, b.tokens, idf)
                             + weighted_containment(a.tokens, b.tokens, idf))
                anc = weighted_containment(a.anchors, b.anchors, idf)
                rel = value_relation(a, b)
                same_article = a.article_id == b.article_id
                if same_article and (rel == "same" or lex < SELF_CONTRADICTION_CTX):
                    continue
                mutual = (best.get((a.claim.id, b.article_id)) == b.claim.id
                          and best.get((b.claim.id, a.article_id)) == a.claim.id)
                out.append(PairFeatures(a.index, b.index, lex, anc, cos.get((ci, cj), 0.0),
                                        rel, same_article, a.script == b.script, mutual,
                                        head_relation(a.facet.head, b.facet.head)))
    out.sort(key=lambda p: (p.a, p.b))
    return out


def build_slots(values: Sequence[Value], pairs: Sequence[PairFeatures],
                probability: Callable[[PairFeatures, str], float],
                threshold: float = AGREE_THRESHOLD) -> list[Slot]:
    """Slots of values that agree: pairs stating the same value merged strongest first
    (by ``probability``), average linkage, at most one value per article per slot. A
    value that states what no other outlet states stays out of every slot."""
    score: dict[tuple[int, int], float] = {}
    for p in pairs:
        if p.agree and not p.same_article:
            score[(min(p.a, p.b), max(p.a, p.b))] = probability(p, values[p.a].type)
    sets = DisjointSets(v.index for v in values)
    members: dict[int, list[int]] = {v.index: [v.index] for v in values}
    arts = {v.index: v.article_id for v in values}

    for (i, j), sc in sorted(score.items(), key=lambda kv: (-kv[1], kv[0])):
        if sc < threshold:
            break
        ri, rj = sets.find(i), sets.find(j)
        if ri == rj:
            continue
        mi, mj = members[ri], members[rj]
        if {arts[x] for x in mi} & {arts[y] for y in mj}:
            continue
        if any(value_relation(values[x], values[y]) != "same" for x in mi for y in mj):
            continue
        total = sum(score.get((min(x, y), max(x, y)), 0.0) for x in mi for y in mj)
        if total / (len(mi) * len(mj)) < threshold:
            continue
        sets.union(ri, rj)
        members[ri] = mi + mj
        del members[rj]
    out = []
    for idx in members.values():
        if len(idx) < 2:
            continue
        vs = tuple(sorted((values[k] for k in idx), key=lambda v: (v.article_id, v.facet.start)))
        pair_scores = [score.get((min(x, y), max(x, y)), 0.0)
                       for n, x in enumerate(idx) for y in idx[n + 1 :]]
        out.append(Slot(content_id("slot", *(f"{v.claim.id}:{v.facet.start}" for v in vs)), vs,
                        float(np.mean(pair_scores)) if pair_scores else 0.0))
    out.sort(key=lambda s: s.id)
    return out
