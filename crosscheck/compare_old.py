"""Stage 5: compare what the outlets say, fact by fact, and type every difference.

Two scopes:

* **corpus-wide**: each person's title across all articles (장관 here, 부총리 there), and the
  instrument the event produced (MOU vs agreement), taken from each article's own framing;
* **per cluster** (one fact as told by several outlets): numbers (rounding is not a
  divergence), dates, places, who signed, who said it, the direction of a commitment
  (export controls vs export promotion) and quote wording. A cluster with no conflict is an
  ``agree``; a facet only some outlets give is ``add_detail``; a claim in no cluster is a fact
  only its outlet gives (``add_detail`` under that outlet).

Every finding carries, per article, the value, its normalised form and the exact quote.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import lru_cache

import numpy as np
from rapidfuzz.distance import Indel

GENERIC_DOC_TYPES = frozenset({"accord"})
from crosscheck.models import (
    Article,
    Claim,
    Cluster,
    Entity,
    Facet,
    Finding,
    FindingValue,
    Mention,
    content_id,
)

SEVERITY = {
    "document_type": 5, "title": 4, "number": 4, "date": 4, "signatory": 4, "place": 3,
    "predicate": 3, "attribution": 3, "quote": 2,
}
_CLUSTER_FACETS = ("number", "date", "place", "predicate", "attribution", "quote")
_DETAIL_FACETS = ("number", "date", "place", "person")
# a person signs: 서명했다 / 서명한다 / 장관과 서명 (not 서명식, the ceremony); signed, signs,
# inked, signing the (not "after the signing", a noun)
_SIGN = re.compile(
    r"서명(?!식)|\bsign(?:ed|s)?\b(?!\s+(?:of|that)\b)|\bsigning\s+(?:the|a|an)\b|\binked\b"
    r"|signator", re.IGNORECASE,
)
_OTHER_DEAL = re.compile(
    r"바 있다|바 있는|앞서|이미|이전에|earlier|previously|already|similar|유사한|같은 내용의"
)


@dataclass(frozen=True)
class Comparison:
    findings: list[Finding]
    entities: list[Entity]


# --------------------------------------------------------------------------- helpers


def _outlet(a: Article) -> str:
    return a.outlet or a.id


NAMES_SHOWN = 5  # outlets named in one list of a summary; the rest are counted


def _names(outlets: Iterable[str], cap: int = NAMES_SHOWN) -> str:
    """Outlet names for a one-line summary: each once, in order, the first ``cap`` named and
    the rest counted ("A, B, C, D, E and 12 more"), so a summary stays a line at 1,000
    articles. The finding's values still list every article."""
    names = list(dict.fromkeys(outlets))
    if len(names) <= cap:
        return ", ".join(names)
    return ", ".join(names[:cap]) + f" and {len(names) - cap} more"


def _versus(pairs: Iterable[tuple[str, str]], sep: str = " vs ") -> str:
    """"v1 (outlets) vs v2 (outlets)": (value, outlet) pairs grouped by value, the value
    most outlets give first (ties in order of appearance), outlet lists capped."""
    groups: dict[str, list[str]] = {}
    for value, outlet in pairs:
        groups.setdefault(value, []).append(outlet)
    order = sorted(groups, key=lambda v: -len(set(groups[v])))
    return sep.join(f"{v} ({_names(groups[v])})" for v in order)


def _value(c: Claim, f: Facet | None, modality: str | None = None) -> FindingValue:
    return FindingValue(
        article_id=c.article_id,
        value=f.value if f else c.text,
        normalized=f.normalized if f else "",
        claim_id=c.id,
        quote=c.text,
        start=c.start,
        end=c.end,
        modality=modality if modality is not None else _modality(c),
        value_start=f.start if f else None,
        value_end=f.end if f else None,
    )


def _modality(c: Claim) -> str | None:
    for f in c.facets:
        if f.type == "modality":
            return f.normalized
    return None


@lru_cache(maxsize=1 << 16)
def _parse_number(norm: str) -> tuple[Decimal, str, bool] | None:
    approx = norm.startswith("~")
    parts = norm.lstrip("~").split(" ", 1)
    try:
        value = Decimal(parts[0])
    except InvalidOperation:
        return None
    return value, parts[1] if len(parts) > 1 else "", approx


@lru_cache(maxsize=1 << 16)
def numbers_compatible(a: str, b: str) -> bool:
    """True when two normalised numbers state the same figure, rounding allowed.

    3370만 달러 ≈ 33.7 million dollars ≈ 약 3400만 달러 agree; 4,500 vs 45,000 do not.
    """
    pa, pb = _parse_number(a), _parse_number(b)
    if pa is None or pb is None or pa[1] != pb[1]:
        return a == b
    va, vb = pa[0], pb[0]
    if va == vb:
        return True
    if va == 0 or vb == 0:
        return False
    # one is the other rounded to its own precision (significant digits)
    for x, y in ((va, vb), (vb, va)):
        digits = len(format(x.normalize(), "f").replace(".", "").strip("0")) or 1
        if digits <= 3 and _round_sig(y, digits) == x.normalize():
            return True
    rel = abs(va - vb) / max(abs(va), abs(vb))
    return rel <= Decimal("0.02") or ((pa[2] or pb[2]) and rel <= Decimal("0.05"))


def _round_sig(x: Decimal, digits: int) -> Decimal:
    if x == 0:
        return x
    exp = x.adjusted() - digits + 1
    return x.quantize(Decimal(1).scaleb(exp)).normalize()


QUOTE_ALIKE = 0.6
"""Two quotes at least this similar (``_ratio``) are one quote; below, different quotes."""
QUOTE_SAME = 0.9
"""From this similarity on, two renderings of a quote are the same words (no divergence)."""


@lru_cache(maxsize=1 << 16)
def _ratio(a: str, b: str) -> float:
    """How alike two quotes' words are: 1 - normalised Indel distance (rapidfuzz; in C++).

    Calibrated against ``difflib.SequenceMatcher.ratio`` with its thresholds 0.5 / 0.9 on
    every pair of quotes of the sample corpus and the seeds: with ``QUOTE_ALIKE`` 0.6 the
    two give the same decision on all of them (Indel scores unrelated text a little higher).
    """
    if a == b:
        return 1.0
    return float(Indel.normalized_similarity(a, b))


@lru_cache(maxsize=1 << 16)
def _script(s: str) -> str:
    return "hangul" if re.search(r"[가-힣]", s) else "latin"


def _units(norm: str) -> str:
    p = _parse_number(norm)
    return p[1] if p else ""


def _conflict(facet: str, a: set[str], b: set[str]) -> bool:
    """Do two articles' value sets for one facet contradict each other?"""
    if not a or not b:
        return False
    if facet == "number":
        for unit in {_units(x) for x in a} & {_units(y) for y in b}:
            ua = [x for x in a if _units(x) == unit]
            ub = [y for y in b if _units(y) == unit]
            if not any(numbers_compatible(x, y) for x in ua for y in ub):
                return True
        return False
    if facet == "date":
        # compared at one granularity at a time: days with days (2026-03-04), months with
        # months, years with years (2027 vs 2028); a day and a year never contradict
        for pattern in (r"\d{4}-\d{2}-\d{2}", r"\d{4}-\d{2}", r"\d{4}"):
            fa = {x for x in a if re.fullmatch(pattern, x)}
            fb = {x for x in b if re.fullmatch(pattern, x)}
            if fa and fb and not fa & fb:
                return True
        return False
    if facet == "signatory":
        # who signed differs only when both name the signatories and neither list contains
        # the other (one outlet naming one side only is a missing detail, not a conflict)
        return len(a) >= 2 and len(b) >= 2 and not (a <= b or b <= a)
    if facet == "predicate":
        objs_a = {x.split(":")[0]: x for x in a}
        objs_b = {x.split(":")[0]: x for x in b}
        return any(objs_a[o] != objs_b[o] for o in set(objs_a) & set(objs_b))
    if facet == "quote":
        # the same quote rendered differently: alike enough to be one quote, not identical.
        # Quotes in different scripts (a translation) are not compared word by word.
        # conflict iff the best ratio is in [QUOTE_ALIKE, QUOTE_SAME): one pair at or above
        # QUOTE_SAME settles it (the same quote)
        alike = False
        for x in a:
            for y in b:
                if _script(x) != _script(y):
                    continue
                r = _ratio(x, y)
                if r >= QUOTE_SAME:
                    return False
                alike = alike or r >= QUOTE_ALIKE
        return alike
    return not a & b


# --------------------------------------------------------------------------- people


def person_groups(claims: Iterable[Claim]) -> dict[str, str]:
    """Map every person name used in any article to one corpus-wide canonical name.

    Names join when an article links them (short form, ``Name (이름)`` alias), when they are
    equal, or when they share a distinctive last word (마이클 크라치오스 / 크라치오스).
    """
    parent: dict[str, str] = {}

    def find(x: str) -> str:
        parent.setdefault(x, x)
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    def union(a: str, b: str) -> None:
        ra, rb = find(a), find(b)
        if ra != rb:
            parent[rb] = ra

    names: set[str] = set()
    resolved: set[str] = set()  # names an article resolved a mention to (never "윤 장관")
    for c in claims:
        for f in c.facets:
            if f.type == "person":
                names |= {f.value, f.normalized}
                resolved.add(f.normalized)
                union(f.normalized, f.value)
    # a short form joins the one full name it can stand for: 크라치오스 -> 마이클 크라치오스,
    # 하 -> 하정우; an ambiguous one (트럼프: 도널드 or 멜라니아) joins nobody
    full = [n for n in names if len(n.split()) >= 2 or (re.fullmatch(r"[가-힣]{3,4}", n))]
    for n in names:
        if len(n.split()) != 1:
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
        hangul = [m for m in pool if re.search(r"[가-힣]", m)]
        best = max(hangul or pool, key=lambda m: (len(m.split()), len(m), m))
        for m in members:
            canon[m] = best
    return canon


def _title_findings(
    articles: Mapping[str, Article], claims: Sequence[Claim], canon: Mapping[str, str],
    primary: str | None,
) -> list[Finding]:
    per: dict[str, dict[str, list[tuple[Claim, Facet]]]] = defaultdict(lambda: defaultdict(list))
    for c in claims:
        for f in c.facets:
            if f.type == "title" and f.subject:
                person = canon.get(f.subject, f.subject)
                per[person][c.article_id].append((c, f))
    out: list[Finding] = []
    for person, by_art in sorted(per.items()):
        if len(by_art) < 2:
            continue
        sets = {a: {f.normalized for _, f in v} for a, v in by_art.items()}
        arts = sorted(sets)
        # outlets mostly give the same titles: compare each distinct set once
        kinds = list(dict.fromkeys(frozenset(x) for x in sets.values()))
        disjoint = any(not x & y for i, x in enumerate(kinds) for y in kinds[i + 1 :])
        values: list[FindingValue] = []
        for a in arts:
            seen: set[str] = set()
            for c, f in by_art[a]:
                if f.normalized not in seen:
                    seen.add(f.normalized)
                    values.append(_value(c, f))
        labels = _versus((" + ".join(sorted({f.value for _, f in by_art[a]})),
                          _outlet(articles[a])) for a in arts)
        if disjoint:
            kind = "diverge"
            summary = f"{person}'s title differs: " + labels
            severity = SEVERITY["title"]
        elif len({frozenset(s) for s in sets.values()}) > 1:
            kind = "add_detail"
            summary = f"{person}'s title is given more fully by some outlets: " + labels
            severity = 1
        else:
            kind = "agree"
            summary = f"{person}'s title agrees: " + labels
            severity = 0
        out.append(
            _finding(kind, "title", person, summary, severity, 0.9, (), values, articles, primary,
                     key=("title", person))
        )
    return out


# --------------------------------------------------------------------------- instrument


def _instrument_findings(
    articles: Mapping[str, Article], claims: Sequence[Claim], primary: str | None
) -> list[Finding]:
    """Which instrument each article says the event produced, from its own framing."""
    best: dict[str, tuple[float, Claim, Facet]] = {}
    scores: dict[str, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    order: dict[str, int] = defaultdict(int)
    for c in claims:
        order[c.article_id] += 1
        rank = order[c.article_id]
        for f in c.facets:
            if f.type != "document_type" or f.normalized in GENERIC_DOC_TYPES:
                continue
            w = 1.0
            before = c.text[max(0, f.start - c.start - 12) : f.start - c.start]
            if re.search(r"이번|\bthis\b|\bthe new\b", before, re.IGNORECASE):
                w += 2.0
            if rank <= 6:
                w += 2.0
            if any(q.type == "quote" and q.start <= f.start < q.end for q in c.facets):
                w *= 0.3
            if _OTHER_DEAL.search(c.text):
                w *= 0.2
            scores[c.article_id][f.normalized] += w
            cur = best.get(c.article_id + "|" + f.normalized)
            if cur is None or w > cur[0]:
                best[c.article_id + "|" + f.normalized] = (w, c, f)
    dominant = {a: max(s.items(), key=lambda kv: kv[1])[0] for a, s in scores.items() if s}
    if len(dominant) < 2:
        return []
    values = []
    for a in sorted(dominant):
        _, c, f = best[a + "|" + dominant[a]]
        values.append(_value(c, f))
    kinds = sorted(set(dominant.values()))
    if len(kinds) > 1:
        groups = "; ".join(
            f"{k}: " + _names(_outlet(articles[a]) for a in sorted(dominant) if dominant[a] == k)
            for k in kinds
        )
        return [
            _finding("diverge", "document_type", "the instrument signed",
                     f"Outlets name the instrument differently — {groups}", SEVERITY[
                         "document_type"], 0.8, (), values, articles, primary,
                     key=("document_type",))
        ]
    return [
        _finding("agree", "document_type", "the instrument signed",
                 f"All outlets that name it call it {kinds[0]}", 0, 0.8, (), values, articles,
                 primary, key=("document_type",))
    ]


# --------------------------------------------------------------------------- signatories


@lru_cache(maxsize=65_536)
def _tells_signing(text: str) -> bool:
    """Does ``text`` tell a signing (and not of an earlier deal)? Memoised: outlets repeat
    their sentences, and both patterns are long alternations."""
    return bool(_SIGN.search(text)) and not _OTHER_DEAL.search(text)


def _signers(c: Claim, canon: Mapping[str, str]) -> list[tuple[Claim, Facet]]:
    """The people a claim says sign (as ``signatory`` facets, canonical names), if it tells a
    signing: named outside quotes, in a claim not about an earlier deal."""
    if not _tells_signing(c.text):
        return []
    quotes = [(f.start, f.end) for f in c.facets if f.type == "quote"]
    out: list[tuple[Claim, Facet]] = []
    seen: set[str] = set()
    for f in c.facets:
        if f.type != "person" or any(a <= f.start < b for a, b in quotes):
            continue
        name = canon.get(f.normalized, f.normalized)
        if name not in seen:
            seen.add(name)
            out.append((c, Facet("signatory", f.value, name, f.start, f.end)))
    return out


def _signatory_findings(
    articles: Mapping[str, Article], claims: Sequence[Claim],
    signers: Mapping[str, list[tuple[Claim, Facet]]], primary: str | None,
) -> list[Finding]:
    """Who signed, per article, across the whole corpus: the people named in the claims where
    someone signs (서명했다, signed by). One outlet naming both signatories and another naming
    a different pair diverge; an outlet naming one side only adds nothing to contradict.

    Corpus-wide, like the instrument: the outlets tell the signing in sentences that rarely
    land in one cluster (a Korean lead and an English wire line, or a name list and a photo
    caption), so a per-cluster comparison misses the very divergence that matters.
    """
    per: dict[str, list[tuple[Claim, Facet]]] = defaultdict(list)
    for c in claims:
        per[c.article_id] += signers.get(c.id, [])
    per = {a: v for a, v in per.items() if v}
    sets = {a: frozenset(f.normalized for _, f in v) for a, v in per.items()}
    if len(sets) < 2:
        return []
    kinds = list(dict.fromkeys(sets.values()))
    if not any(_conflict("signatory", set(x), set(y))
               for i, x in enumerate(kinds) for y in kinds[i + 1 :]):
        return []
    values = [_value(c, f) for a in sorted(per) for c, f in per[a]]
    groups: dict[frozenset[str], list[str]] = defaultdict(list)
    for a in sorted(sets):
        groups[sets[a]].append(_outlet(articles[a]))
    summary = "Who signed differs: " + " vs ".join(
        f"{' and '.join(sorted(names))} ({_names(outs)})"
        for names, outs in sorted(groups.items(), key=lambda kv: (-len(kv[1]), sorted(kv[0])))
    )
    return [_finding("diverge", "signatory", "who signed", summary, SEVERITY["signatory"], 0.7,
                     (), values, articles, primary, key=("signatory",))]


# --------------------------------------------------------------------------- clusters


def _facets_by_type(cluster_claims: Sequence[Claim]) -> dict[str, list[tuple[Claim, Facet]]]:
    """A cluster's facets by type, each with its claim, in claim order (read once per
    cluster, then asked for each facet type)."""
    out: dict[str, list[tuple[Claim, Facet]]] = defaultdict(list)
    for c in cluster_claims:
        for f in c.facets:
            out[f.type].append((c, f))
    return out


def _cluster_values(
    by_type: Mapping[str, list[tuple[Claim, Facet]]], facet: str, canon: Mapping[str, str]
) -> dict[str, list[tuple[Claim, Facet]]]:
    out: dict[str, list[tuple[Claim, Facet]]] = defaultdict(list)
    for c, f in by_type.get(facet, ()):
        if facet == "attribution":
            # only people are compared: "the ministry said" vs "Yoon said" is not a conflict
            name = canon.get(f.normalized)
            if name is None:
                continue
            f = Facet(f.type, f.value, name, f.start, f.end, f.subject)
        out[c.article_id].append((c, f))
    return out


def _cluster_findings(
    articles: Mapping[str, Article], by_id: Mapping[str, Claim], clusters: Sequence[Cluster],
    canon: Mapping[str, str], vectors: Mapping[str, np.ndarray] | None, primary: str | None,
    signers: Mapping[str, list[tuple[Claim, Facet]]],
) -> list[Finding]:
    out: list[Finding] = []
    for cl in clusters:
        if len(cl.article_ids) < 2:
            continue
        cc = [by_id[i] for i in cl.claim_ids]
        by_type = _facets_by_type(cc)
        conf = _cohesion(cc, vectors)
        topic = _topic(cc, vectors)
        conflicts: list[str] = []
        conflict_sets: dict[str, dict[str, set[str]]] = {}
        notes: list[str] = []
        for facet in _CLUSTER_FACETS:
            vals = _cluster_values(by_type, facet, canon)
            sets = {a: {f.normalized for _, f in v} for a, v in vals.items()}
            arts = sorted(sets)
            # outlets often give the very same values: compare each distinct set once (a set
            # never conflicts with itself)
            kinds = list(dict.fromkeys(frozenset(v) for v in sets.values() if v))
            bad = any(_conflict(facet, set(x), set(y))
                      for i, x in enumerate(kinds) for y in kinds[i + 1 :])
            if bad:
                conflicts.append(facet)
                conflict_sets[facet] = sets
                if facet == "quote":
                    vals = _matching_quotes(vals)
                values = [_value(c, f) for a in arts for c, f in vals.get(a, [])]
                summary = _diverge_summary(facet, topic, vals, articles)
                out.append(
                    _finding("diverge", facet, topic, summary, SEVERITY[facet], conf, (cl.id,),
                             values, articles, primary)
                )
            elif facet == "number" and len(arts) >= 2:
                note = _rounding_note(vals, articles)
                if note:
                    notes.append(note)
        # who signed is reported corpus-wide (_signatory_findings); here it only keeps
        # outlets that name other signatories out of the cluster's agreeing core
        signed: dict[str, set[str]] = defaultdict(set)
        for c in cc:
            signed[c.article_id] |= {f.normalized for _, f in signers.get(c.id, [])}
        signed_kinds = list(dict.fromkeys(frozenset(v) for v in signed.values() if v))
        if any(_conflict("signatory", set(x), set(y))
               for i, x in enumerate(signed_kinds) for y in signed_kinds[i + 1 :]):
            conflicts.append("signatory")
            conflict_sets["signatory"] = dict(signed)
        mods = {m for m in (_modality(c) for c in cc) if m}
        if len(mods) > 1:
            planned = sorted({_outlet(articles[c.article_id]) for c in cc
                              if _modality(c) == "planned"})
            notes.append("reported as planned by " + _names(planned) + ", as done by others")
        first: dict[str, Claim] = {}
        for c in cc:
            first.setdefault(c.article_id, c)
        core = _agreeing_core(sorted(first), conflict_sets)
        if len(core) >= 2:
            agreeing = {a: first[a] for a in core}
            # name the most specific facet two or more outlets state compatibly
            shared = "claim"
            for facet in ("quote", "number", "date", "place"):
                if facet in conflicts:
                    continue
                if sum(1 for c in agreeing.values() if any(f.type == facet for f in c.facets)) >= 2:
                    shared = facet
                    break
            values = [
                _value(c, next((f for f in c.facets if f.type == shared), None))
                if shared != "claim" else _value(c, None)
                for c in agreeing.values()
            ]
            outlets = _names(sorted({_outlet(articles[a]) for a in agreeing}))
            summary = f"{len(agreeing)} outlets state it compatibly ({outlets})"
            if conflicts:
                others = sorted({_outlet(articles[a]) for a in first if a not in agreeing})
                summary += (f"; {_names(others)} differ{'s' if len(others) == 1 else ''} on "
                            + ", ".join(_FACET_LABEL.get(f, f) for f in conflicts)
                            + " (see the divergence)")
            if notes:
                summary += "; " + "; ".join(notes)
            out.append(
                _finding("agree", shared, topic, summary, 0, conf, (cl.id,), values, articles,
                         primary)
            )
        # facets given by some outlets of the cluster and not by others
        for facet in _DETAIL_FACETS:
            vals = _cluster_values(by_type, facet, canon)
            if facet in conflicts or not vals or len(vals) == len(cl.article_ids):
                continue
            values = [_value(c, f) for a in sorted(vals) for c, f in vals[a]]
            givers = sorted({_outlet(articles[a]) for a in vals})
            silent = sorted({_outlet(articles[a]) for a in cl.article_ids if a not in vals})
            shown = _names(sorted({v.value for v in values}), cap=3)
            out.append(
                _finding("add_detail", facet, topic,
                         f"{_names(givers)} add{'s' if len(givers) == 1 else ''} the {facet} "
                         f"({shown}); {_names(silent)} do{'es' if len(silent) == 1 else ''} "
                         "not give it",
                         1, conf, (cl.id,), values, articles, primary)
            )
    return out


_FACET_LABEL = {"signatory": "who signed", "attribution": "who said it",
                "predicate": "what was agreed", "quote": "quote wording"}


def _agreeing_core(arts: Sequence[str], conflict_sets: Mapping[str, Mapping[str, set[str]]]
                   ) -> list[str]:
    """The largest set of a cluster's articles (greedily) among which no facet conflicts.

    Without conflicts that is every article. With one outlet giving another date, it is the
    others: they still agree on the fact, and the report says so beside the divergence.
    Articles are grouped by what they say on the conflicting facets (outlets mostly say the
    same thing, and identical values never conflict), so the work follows the number of
    distinct versions, not of articles. Versions that clash with fewer articles go first;
    ties keep a stable order.
    """
    if not conflict_sets:
        return list(arts)
    facets = sorted(conflict_sets)
    # per facet, the distinct value sets the articles give and which pairs of them conflict
    # (each pair judged once); a version is an article's value set on every facet
    value_ids: list[dict[str, int]] = []
    clash_by_facet: list[np.ndarray] = []
    for facet in facets:
        distinct: dict[frozenset[str], int] = {}
        value_ids.append({a: distinct.setdefault(frozenset(conflict_sets[facet].get(a, ())),
                                                 len(distinct)) for a in arts})
        sets = list(distinct)
        m = np.zeros((len(sets), len(sets)), dtype=bool)
        for i, x in enumerate(sets):
            for j in range(i + 1, len(sets)):
                m[i, j] = m[j, i] = _conflict(facet, set(x), set(sets[j]))
        clash_by_facet.append(m)
    versions: dict[tuple[int, ...], list[str]] = defaultdict(list)
    for a in arts:
        versions[tuple(ids[a] for ids in value_ids)].append(a)
    keys = sorted(versions, key=lambda k: versions[k][0])
    idx = np.array(keys, dtype=np.int64).reshape(len(keys), len(facets))
    clash = np.zeros((len(keys), len(keys)), dtype=bool)
    for f, m in enumerate(clash_by_facet):
        clash |= m[idx[:, f][:, None], idx[:, f][None, :]]
    sizes = np.array([len(versions[k]) for k in keys], dtype=np.int64)
    foes = clash.astype(np.int64) @ sizes  # how many articles each version clashes with
    chosen = np.zeros(len(keys), dtype=bool)
    for v in sorted(range(len(keys)), key=lambda u: (foes[u], -sizes[u], versions[keys[u]][0])):
        if not (clash[v] & chosen).any():
            chosen[v] = True
    return sorted(a for v in np.flatnonzero(chosen) for a in versions[keys[int(v)]])


def _rounding_note(vals: Mapping[str, list[tuple[Claim, Facet]]],
                   articles: Mapping[str, Article]) -> str | None:
    """"figures agree within rounding: …" when outlets give one figure in differing forms
    (3,370만 달러 vs 약 3,400만 달러); only figures of the same unit are set side by side."""
    by_unit: dict[str, dict[str, list[Facet]]] = defaultdict(lambda: defaultdict(list))
    for a in sorted(vals):
        for _, f in vals[a]:
            by_unit[_units(f.normalized)][a].append(f)
    shown: list[tuple[str, str]] = []
    for per_art in by_unit.values():
        if len(per_art) < 2 or len({f.normalized for fs in per_art.values() for f in fs}) < 2:
            continue
        shown += [(fs[0].value, _outlet(articles[a])) for a, fs in per_art.items()]
    return "figures agree within rounding: " + _versus(shown, ", ") if shown else None


def _matching_quotes(
    vals: Mapping[str, list[tuple[Claim, Facet]]],
) -> dict[str, list[tuple[Claim, Facet]]]:
    """Keep, per article, the quote that is another outlet's rendering of the same words,
    but not identical to it (the pair that makes the divergence).

    Distinct wordings are compared once each (outlets often carry the very same quote), so
    the cost follows the number of wordings, not of articles.
    """
    holders: dict[str, list[tuple[str, tuple[Claim, Facet]]]] = {}
    for a in sorted(vals):
        for item in vals[a]:
            holders.setdefault(item[1].normalized, []).append((a, item))
    texts = list(holders)
    best: dict[str, tuple[float, tuple[Claim, Facet]]] = {}
    for i, u in enumerate(texts):
        for v in texts[i + 1 :]:
            if _script(u) != _script(v):
                continue
            r = _ratio(u, v)
            if not QUOTE_ALIKE <= r < QUOTE_SAME:  # only the renderings that differ
                continue
            arts_u = {a for a, _ in holders[u]}
            arts_v = {a for a, _ in holders[v]}
            for own, other_arts in ((holders[u], arts_v), (holders[v], arts_u)):
                for art, item in own:
                    if other_arts - {art} and r > best.get(art, (0.0, item))[0]:
                        best[art] = (r, item)
    return {a: [item] for a, (_, item) in sorted(best.items())}


def _diverge_summary(
    facet: str, topic: str, vals: Mapping[str, list[tuple[Claim, Facet]]],
    articles: Mapping[str, Article],
) -> str:
    parts = ((", ".join(dict.fromkeys(f.value for _, f in vals[a])), _outlet(articles[a]))
             for a in sorted(vals))
    label = {"signatory": "who signed", "attribution": "who said it",
             "predicate": "what was agreed", "quote": "quote wording"}.get(facet, facet)
    return f"{label.capitalize()} differs: " + _versus(parts)


def _topic(cc: Sequence[Claim], vectors: Mapping[str, np.ndarray] | None = None) -> str:
    """What a cluster is about, in one line: its most central claim (the highest mean cosine
    to the others; the shortest without vectors), cut to 80 characters."""
    pool = [c for c in cc if vectors is not None and c.id in vectors]
    if len(pool) >= 2:
        m = np.stack([vectors[c.id] for c in pool]).astype(np.float64)  # type: ignore[index]
        centrality = m @ m.sum(axis=0)
        best = max(range(len(pool)), key=lambda i: (centrality[i], -len(pool[i].text)))
        t = pool[best].text
    else:
        t = min(cc, key=lambda c: len(c.text)).text
    return t if len(t) <= 80 else t[:79].rstrip() + "…"


def _cohesion(cc: Sequence[Claim], vectors: Mapping[str, np.ndarray] | None) -> float:
    if not vectors:
        return 0.5
    vs = [vectors[c.id] for c in cc if c.id in vectors]
    if len(vs) < 2:
        return 0.5
    m = np.stack(vs).astype(np.float64)
    n = len(vs)
    # the mean cosine over all pairs, without the n x n matrix: sum(m @ m.T) == |sum of rows|²
    total = m.sum(axis=0)
    return round(float((total @ total - (m * m).sum()) / (n * (n - 1))), 3)


# --------------------------------------------------------------------------- assembly


def _finding(
    kind: str, facet: str, subject: str, summary: str, severity: int, confidence: float,
    cluster_ids: tuple[str, ...], values: Sequence[FindingValue],
    articles: Mapping[str, Article], primary: str | None, key: tuple[str, ...] | None = None,
) -> Finding:
    if primary and kind == "diverge" and any(v.article_id == primary for v in values):
        ref = {v.normalized for v in values if v.article_id == primary}
        off = sorted({_outlet(articles[v.article_id]) for v in values
                      if v.article_id != primary and v.normalized not in ref})
        if off:
            summary += f" — deviating from the primary source {_outlet(articles[primary])}: " \
                       + _names(off)
            severity += 1
    ident = key if key is not None else tuple(sorted({v.claim_id for v in values}))
    fid = content_id(kind, facet, *ident)
    return Finding(
        id=fid, kind=kind,  # type: ignore[arg-type]
        facet=facet, subject=subject, summary=summary, severity=severity,
        confidence=round(confidence, 3), cluster_ids=cluster_ids, values=tuple(values),
    )


def _singletons(
    articles: Mapping[str, Article], claims: Sequence[Claim], clusters: Sequence[Cluster],
    primary: str | None,
) -> list[Finding]:
    """Facts only one outlet states: every claim in no cluster of two or more outlets. The
    finding names the claim's most specific facet (a number, a date, a place, a quote) and
    points at it, so the card can highlight what the outlet alone gives."""
    covered = {i for cl in clusters if len(cl.article_ids) >= 2 for i in cl.claim_ids}
    out = []
    for c in claims:
        if c.id in covered or len(re.sub(r"\W", "", c.text)) < 8:
            continue
        specific = next((f for kind in ("number", "date", "place", "quote")
                         for f in c.facets if f.type == kind), None)
        facet = specific.type if specific else "claim"
        what = f" ({facet}: {specific.value})" if specific else ""
        out.append(
            _finding("add_detail", facet, _topic([c]),
                     f"Only {_outlet(articles[c.article_id])} states this{what}", 1, 0.5, (),
                     [_value(c, specific)], articles, primary)
        )
    return out


def build_entities(
    articles: Mapping[str, Article], claims: Sequence[Claim], canon: Mapping[str, str]
) -> list[Entity]:
    """People and organisations, with what each outlet calls them."""
    table: dict[tuple[str, str], dict[tuple[str, str], tuple[set[str], list[str]]]] = \
        defaultdict(dict)
    for c in claims:
        titles = defaultdict(set)
        for f in c.facets:
            if f.type == "title" and f.subject:
                titles[canon.get(f.subject, f.subject)].add(f.value)
        for f in c.facets:
            if f.type == "person":
                key = ("person", canon.get(f.normalized, f.normalized))
            elif f.type == "organization":
                key = ("organization", f.normalized)
            else:
                continue
            slot = table[key].setdefault((c.article_id, f.value), (set(), []))
            if f.type == "person":
                slot[0].update(titles.get(key[1], set()))
            if c.id not in slot[1]:
                slot[1].append(c.id)
    out = []
    for (etype, name), mentions in sorted(table.items()):
        ms = tuple(
            Mention(a, surface, tuple(sorted(t)), tuple(ids))
            for (a, surface), (t, ids) in sorted(mentions.items())
        )
        out.append(Entity(content_id(etype, name), etype, name, ms))
    # the most widely covered first
    out.sort(key=lambda e: (e.type != "person", -len({m.article_id for m in e.mentions}),
                            e.canonical))
    return out


def compare(
    articles: Sequence[Article], claims: Sequence[Claim], clusters: Sequence[Cluster],
    vectors: Mapping[str, np.ndarray] | None = None, primary: str | None = None,
) -> Comparison:
    """All findings of a corpus, most serious first, and its entity table."""
    arts = {a.id: a for a in articles}
    if primary is None:
        primary = next((a.id for a in articles if a.primary), None)
    by_id = {c.id: c for c in claims}
    canon = person_groups(claims)
    signers = {c.id: got for c in claims if (got := _signers(c, canon))}
    findings = (
        _instrument_findings(arts, claims, primary)
        + _title_findings(arts, claims, canon, primary)
        + _signatory_findings(arts, claims, signers, primary)
        + _cluster_findings(arts, by_id, clusters, canon, vectors, primary, signers)
        + _singletons(arts, claims, clusters, primary)
    )
    unique: dict[str, Finding] = {}
    for f in findings:
        unique.setdefault(f.id, f)
    kind_rank = {"diverge": 0, "add_detail": 1, "agree": 2}
    ordered = sorted(unique.values(),
                     key=lambda f: (kind_rank[f.kind], -f.severity, -f.confidence, f.id))
    return Comparison(ordered, build_entities(arts, claims, canon))
