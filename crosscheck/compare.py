"""Stage 5: compare what the outlets say, value by value, and type every difference.

Three scopes:

* **slots** (values that answer one question, :mod:`crosscheck.slots`), within an event
  (:mod:`crosscheck.events`): figures (rounding and hedges are not divergences), dates
  (compared at the granularity both give), places (a city lies in its country). A slot whose
  values agree is an ``agree``; one that holds another value is a ``diverge``, rated
  ``likely`` or ``possible`` by a confidence calibrated on labelled corpora
  (:mod:`crosscheck.calibration`);
* **entities** (one person across scripts, :mod:`crosscheck.entities`): each person's title
  (장관 here, 부총리 there), who signed; and the instrument the event produced (MOU vs
  agreement), from each article's own framing;
* **claim clusters** (one fact as told by several outlets): quote wording, who said it and
  the direction of a commitment; the fact as a whole as an ``agree``; a claim in no cluster
  is a fact only its outlet gives (``add_detail``).

Every finding carries, per article, the value, its normalised form and the exact quote; a
divergence lists the values of every outlet on either side, the deviating side first, then
the best-matching value of the other side, then the rest of that side.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from crosscheck import calibration, lang, slots
from crosscheck.entities import person_groups
from crosscheck.events import article_day
from crosscheck.lang.numbers import parse_normalized, relation
from crosscheck.models import (
    Article,
    Claim,
    Cluster,
    Entity,
    Event,
    Facet,
    Finding,
    FindingValue,
    Mention,
    content_id,
)
from crosscheck.scripts import script_of

SEVERITY = {
    "document_type": 5, "title": 4, "number": 4, "date": 4, "signatory": 4, "place": 3,
    "predicate": 3, "attribution": 3, "quote": 2,
}
_FACET_LABEL = {"signatory": "who signed", "attribution": "who said it",
                "predicate": "what was agreed", "quote": "quote wording",
                "document_type": "instrument", "number": "figure"}
SIGNED_INSTRUMENTS = frozenset({"mou", "moc", "agreement", "treaty", "joint_declaration"})
"""Document types one signs (an event's instrument); releases (fact sheets, statements,
press releases) and rulings are other documents."""


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
    the rest counted ("A, B, C, D, E and 12 more")."""
    names = list(dict.fromkeys(outlets))
    if len(names) <= cap:
        return ", ".join(names)
    return ", ".join(names[:cap]) + f" and {len(names) - cap} more"


def _versus(pairs: Iterable[tuple[str, str]], sep: str = " vs ", groups_shown: int = 3) -> str:
    """"v1 (outlets) vs v2 (outlets)": (value, outlet) pairs grouped by value, the value
    most outlets give first, at most ``groups_shown`` groups (the rest counted)."""
    groups: dict[str, list[str]] = {}
    for value, outlet in pairs:
        groups.setdefault(value, []).append(outlet)
    order = sorted(groups, key=lambda v: -len(set(groups[v])))
    shown = sep.join(f"{v} ({_names(groups[v])})" for v in order[:groups_shown])
    if len(order) > groups_shown:
        shown += f" and {len(order) - groups_shown} more values"
    return shown


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


def _topic(cc: Sequence[Claim], vectors: Mapping[str, np.ndarray] | None = None) -> str:
    """What a group of claims is about, in one line: its most central claim (the highest
    mean cosine to the others; the shortest without vectors), cut to 80 characters."""
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
    total = m.sum(axis=0)
    return round(float((total @ total - (m * m).sum()) / (n * (n - 1))), 3)


def _finding(
    kind: str, facet: str, subject: str, summary: str, severity: int, confidence: float,
    cluster_ids: tuple[str, ...], values: Sequence[FindingValue],
    articles: Mapping[str, Article], primaries: frozenset[str],
    key: tuple[str, ...] | None = None, tier: str | None = None, what: str = "",
    event_id: str | None = None,
) -> Finding:
    """A finding; a divergence that involves a primary source (``primary: true``; one per
    event) names the outlets that deviate from it."""
    primary = next((v.article_id for v in values
                    if v.article_id in primaries), None)
    if primary and kind == "diverge":
        ref = {v.normalized for v in values if v.article_id == primary}
        off = sorted({_outlet(articles[v.article_id]) for v in values
                      if v.article_id != primary and v.normalized not in ref})
        if off:
            summary += (f" — deviating from the primary source {_outlet(articles[primary])}: "
                        + _names(off))
            severity += 1
    ident = key if key is not None else tuple(sorted({v.claim_id for v in values}))
    fid = content_id(kind, facet, *ident)
    return Finding(
        id=fid, kind=kind,  # type: ignore[arg-type]
        facet=facet, subject=subject, summary=summary, severity=severity,
        confidence=round(confidence, 3), cluster_ids=cluster_ids, values=tuple(values),
        tier=tier, event_id=event_id, what=what,
    )


# --------------------------------------------------------------------------- slots


def _value_of(v: slots.Value) -> FindingValue:
    return _value(v.claim, v.facet)


def _value_classes(vals: Sequence[slots.Value]) -> list[list[slots.Value]]:
    """A slot's values grouped by what they state (compatible values together), the class
    most articles give first."""
    classes: list[list[slots.Value]] = []
    for v in sorted(vals, key=lambda x: (x.article_id, x.facet.start)):
        for cl in classes:
            if all(slots.value_relation(v, w) == "same" for w in cl):
                cl.append(v)
                break
        else:
            classes.append([v])
    classes.sort(key=lambda cl: (-len({v.article_id for v in cl}), cl[0].article_id))
    return classes


def _what(vals: Sequence[slots.Value]) -> str:
    """What a slot's values are of: the head noun most of them count ("servers", "서버"),
    else the unit."""
    heads = [v.facet.head for v in vals if v.facet.head]
    if heads:
        best = max(set(heads), key=lambda h: (heads.count(h), -len(h), h))
        return best
    units = [v.unit for v in vals if v.unit]
    if units:
        return max(set(units), key=units.count)
    return ""


@dataclass(frozen=True)
class Candidate:
    """A value a slot holds beside the one most outlets give: a possible divergence."""

    slot: slots.Slot
    minor: tuple[slots.Value, ...]  # the values of the other side
    major: tuple[slots.Value, ...]  # the side most outlets take
    pair: slots.PairFeatures  # the best-matching pair across the sides
    features: calibration.DivergenceFeatures
    # the minor side's own level and increment that work out to the other side's value
    worked_from: tuple[slots.Value, slots.Value] | None = None

    @property
    def counterpart(self) -> slots.Value:
        """The major side's value the minor side is best compared with."""
        ids = {v.index: v for v in self.major}
        return ids.get(self.pair.a) or ids[self.pair.b]


def divergence_candidates(
    values: Sequence[slots.Value], found: Sequence[slots.Slot],
    pairs: Mapping[tuple[int, int], slots.PairFeatures],
) -> list[Candidate]:
    """Values set against the group of outlets that give another value to the question
    they seem to answer.

    Each value has a *home*: the slot of outlets that state the same value (or itself
    alone). Against every other group whose value conflicts with it (a slot, or a value
    no other outlet states), the value's affinity is its best slot probability with a
    member; the best such group is its candidate divergence, when the value's own group is
    no larger than that group (the minority side), with the features the calibrated
    confidence reads: the affinity, how much it beats the value's affinity to its own home
    (a value that sits well among outlets agreeing with it answers their question, not this
    one), how the values differ, how many outlets each side has, whether the value's
    article also states the other side's value, script and article of the best pair.
    """
    home: dict[int, slots.Slot] = {v.index: sl for sl in found for v in sl.values}
    groups: list[tuple[slots.Value, ...]] = [sl.values for sl in found]
    groups += [(v,) for v in values if v.index not in home]
    group_of = {v.index: g for g in groups for v in g}
    attested = _attestation(found)
    by_value: dict[int, list[tuple[int, slots.PairFeatures]]] = defaultdict(list)
    for (a, b), p in pairs.items():
        by_value[a].append((b, p))
        by_value[b].append((a, p))
    out: list[Candidate] = []
    done: set[tuple[int, int]] = set()
    mates = slots.sentence_figures(values)
    implied_of = {v.index: _implied(v, mates) for v in values}
    # a value whose own sentence works out another figure goes first: of two single outlets
    # against each other, it is the one that deviates (its 3 against its own 23 - 18)
    for v in sorted(values, key=lambda x: implied_of[x.index] is None):
        own = group_of[v.index]
        implied = implied_of[v.index]
        own_arts = {x.article_id for x in own}
        rival = 0.0
        for other, p in by_value[v.index]:
            if other in {x.index for x in own} and values[other].article_id != v.article_id \
                    and _supports(values[other], v):
                rival = max(rival, calibration.slot_probability(p, v.type))
        best: dict[int, tuple[float, slots.Value, slots.PairFeatures]] = {}
        for other, p in by_value[v.index]:
            if p.agree:
                continue
            g = group_of[other]
            gid = id(g)
            prob = calibration.slot_probability(p, v.type)
            if gid not in best or prob > best[gid][0]:
                best[gid] = (prob, values[other], p)
        if not best:
            continue
        # the group whose value the outlet's own change works out to comes first (its
        # sentence's 23 - 18 gives the 5 others state, not its 3)
        gid, (prob, w, pf) = max(best.items(), key=lambda kv: (
            implied is not None and _states(kv[1][1], implied[0]), kv[1][0], -kv[1][1].index))
        major = group_of[w.index]
        # the outlets that take a side: those whose value tells the two apart (a month
        # agrees with both of two days, and supports neither)
        own_arts = {x.article_id for x in own if slots.value_relation(x, w) != "same"}
        major_arts = {x.article_id for x in major if slots.value_relation(x, v) != "same"}
        if len(own_arts) > len(major_arts):
            continue
        key = (hash(frozenset(own_arts)), id(major))
        if len(own_arts) == len(major_arts) and (id(major), id(own)) in done:
            continue
        if key in done:
            continue
        done.add(key)
        done.add((id(own), id(major)))
        # the value's article also states the other side's value, in a way that tells the
        # two apart ("nearly 27 million" agrees with 26.96 and 26.69 alike: it does not)
        if v.type == "date" and pf.relation == "day" and not any(
                ch.isdigit() for ch in v.facet.value + w.facet.value):
            # two days named only in words (Friday, yesterday, 어제), each resolved from its
            # outlet's own day: a day's gap is time zones or publication days, not a miscopy
            continue
        knows = not pf.same_article and any(
            x.article_id in own_arts and x.type == v.type and x.index != v.index
            and slots.value_relation(x, w) == "same" and slots.value_relation(x, v) != "same"
            for x in values)
        worked_from = implied[1:] if implied is not None and _states(w, implied[0]) else None
        features = calibration.DivergenceFeatures(
            facet=v.type, p_slot=prob, relation=pf.relation,
            n_minor=len(own_arts), n_major=len(major_arts),
            attested_elsewhere=len({
                art for role, art in attested.get((v.type, _value_key(v)), ())
                if slots.roles_match(role, v.role)}) - len(own_arts),
            same_script=pf.same_script, same_article=pf.same_article,
            minor_states_major=knows, margin=prob - rival, mutual=pf.mutual,
            relative=v.type == "date" and (_relative(v) or _relative(w)), anchors=pf.anc,
            own_arithmetic=worked_from is not None,
        )
        # the deviating side: the value and the outlets of its group that tell it apart
        # from the other side (a country agreeing with a city is on neither)
        minor = (v, *(x for x in own if x is not v and slots.value_relation(x, w) != "same"))
        out.append(Candidate(home.get(w.index) or slots.Slot("", major, 0.0), minor,
                             tuple(major), pf, features, worked_from))
    return out


def _implied(v: slots.Value, mates: Mapping[tuple[str, int], Sequence[slots.Value]]
             ) -> tuple[str, slots.Value, slots.Value] | None:
    """The figure ``v``'s own sentence works out for it (:func:`slots.implied_by_change`),
    normalised like a facet, when it is not ``v``'s own; with the level and the increment it
    is worked out from."""
    got = slots.implied_by_change(v, mates.get((v.article_id, v.claim.sentence_start), ()))
    if got is None:
        return None
    norm = f"{got[0].normalize():f} {v.unit}".strip()
    if relation(norm, v.facet.normalized) in ("same", "unit"):
        return None
    return norm, got[1], got[2]


def _states(w: slots.Value, implied: str) -> bool:
    return relation(implied, w.facet.normalized.lstrip("~")) in ("same", "unit")


def _slot_findings(
    articles: Mapping[str, Article], found: Sequence[slots.Slot],
    candidates: Sequence[Candidate], event_of: Mapping[str, str], primaries: frozenset[str],
) -> list[Finding]:
    """An ``agree`` for each slot whose values two or more outlets state compatibly, and a
    ``diverge`` for each candidate the calibrated confidence rates ``likely`` or
    ``possible`` (its side set against the best-matching value of the side most outlets
    take, then that side's other outlets)."""
    out: list[Finding] = []
    for sl in found:
        major = list(sl.values)
        major_arts = {v.article_id for v in major}
        if len(major_arts) < 2:
            continue
        facet = sl.values[0].type
        what = _what(sl.values)
        topic = _topic([v.claim for v in major])
        shown = ", ".join(dict.fromkeys(v.facet.value for v in major))
        summary = (f"{len(major_arts)} outlets give the same {_FACET_LABEL.get(facet, facet)}"
                   f"{' of ' + what if what else ''}: {shown[:80]} "
                   f"({_names(_outlet(articles[a]) for a in sorted(major_arts))})")
        out.append(_finding("agree", facet, topic, summary, 0, round(sl.score, 3), (),
                            [_value_of(v) for v in major], articles, primaries,
                            key=("slot-agree", *sorted(f"{v.claim.id}:{v.facet.start}"
                                                       for v in major)),
                            what=what, event_id=event_of.get(major[0].article_id)))
    reported: set[tuple[str, frozenset[str], str, str]] = set()
    for cand in sorted(candidates, key=lambda c: -calibration.divergence_confidence(c.features)):
        conf = calibration.divergence_confidence(cand.features)
        tier = calibration.tier(conf, cand.features.facet)
        if tier is None:
            continue
        seen = (cand.features.facet, frozenset(x.article_id for x in cand.minor),
                _value_key(cand.minor[0]), _value_key(cand.counterpart))
        if seen in reported:
            continue  # an outlet that repeats its figure (headline and body): one finding
        reported.add(seen)
        facet = cand.features.facet
        w = cand.counterpart
        what = _what((*cand.slot.values, *cand.minor))
        newer = _update(cand, articles)
        if newer is not None:
            # a later article gives the figure a change reached (rose to 15): an update of
            # the earlier figure, not a miscopy of it
            new, old = (cand.minor, cand.major) if newer == "minor" else (cand.major, cand.minor)
            label = _FACET_LABEL.get(facet, facet).capitalize()
            of = f" of {what}" if what else ""
            summary = (f"{label}{of} updated: {new[0].facet.value} "
                       f"({_names(_outlet(articles[x.article_id]) for x in new)}, "
                       f"{_latest_day(new, articles)}) is newer than {old[0].facet.value} "
                       f"({_names(_outlet(articles[x.article_id]) for x in old)}, "
                       f"{_latest_day(old, articles)})")
            out.append(_finding(
                "add_detail", facet, _topic([w.claim, cand.minor[0].claim]), summary, 1,
                conf, (), [_value_of(x) for x in new] + [_value_of(x) for x in old],
                articles, primaries, what=what, event_id=event_of.get(w.article_id),
                key=("update", *sorted(f"{x.claim.id}:{x.facet.start}" for x in cand.minor),
                     f"{w.claim.id}:{w.facet.start}")))
            continue
        if cand.minor[0].role == w.role and w.role in _ROLE_WHAT:
            # both values open (or close) a range: say which end is in question
            what = f"{what} ({_ROLE_WHAT[w.role]})" if what else _ROLE_WHAT[w.role]
        elif not what and facet == "date":
            v0 = cand.minor[0]
            what = _event_word(w.claim, w.facet) or _event_word(v0.claim, v0.facet) or ""
        label = _FACET_LABEL.get(facet, facet).capitalize()
        of = f" of {what}" if what else ""
        if what in slots.CURRENCIES:  # no noun says what the money is: say it is money
            label, of = "Amount", f" in {what}"
        summary = (f"{label}{of} differs: " + _versus(
            [(cand.minor[0].facet.value, _outlet(articles[x.article_id])) for x in cand.minor]
            + [(w.facet.value, _outlet(articles[x.article_id])) for x in cand.major]))
        if cand.pair.relation in slots.TYPO:
            summary += f" ({_RELATION_NOTE[cand.pair.relation]})"
        if cand.worked_from is not None:
            level, inc = cand.worked_from
            sign = "−" if cand.minor[0].role == "from" else "+"
            summary += (f" ({_outlet(articles[cand.minor[0].article_id])}'s own "
                        f"{level.facet.value} {sign} {inc.facet.value} gives {w.facet.value})")
        out.append(_finding(
            "diverge", facet, _topic([w.claim, cand.minor[0].claim]), summary,
            SEVERITY.get(facet, 3), conf, (),
            [_value_of(x) for x in cand.minor] + [_value_of(w)]
            + [_value_of(x) for x in cand.major
               if x is not w and _value_key(x) == _value_key(w)], articles, primaries,
            tier=tier, what=what, event_id=event_of.get(w.article_id),
            key=("slot", *sorted(f"{x.claim.id}:{x.facet.start}" for x in cand.minor),
                 f"{w.claim.id}:{w.facet.start}"),
        ))
    return out


def _update(cand: Candidate, articles: Mapping[str, Article]) -> str | None:
    """``minor`` or ``major``: the side that updates the other — a level a change reached
    (role ``to``: rose to 15, 15명으로 늘어) given only by articles of later days than every
    article of the other side; None when neither does (or an article is undated)."""
    days = {x.article_id: article_day(articles[x.article_id])
            for x in (*cand.minor, *cand.major)}
    dated = {a: d for a, d in days.items() if d is not None}
    if len(dated) < len(days):
        return None
    for name, side, other in (("minor", cand.minor, cand.major),
                              ("major", cand.major, cand.minor)):
        if any(x.role == "to" for x in side) and min(
                dated[x.article_id] for x in side) > max(dated[x.article_id] for x in other):
            return name
    return None


def _latest_day(vals: Sequence[slots.Value], articles: Mapping[str, Article]) -> str:
    got = [d for x in vals if (d := article_day(articles[x.article_id])) is not None]
    return max(got).isoformat() if got else "undated"


def _event_word(c: Claim, f: Facet) -> str | None:
    """What happened on a date, or to a document, in the outlet's words (발표, 발생, 송달)."""
    return lang.for_text(c.text).event_word(c.text, f.end - c.start)


_ROLE_WHAT = {"start": "the period's start", "end": "the period's end",
              "from": "the level before the change", "by": "the size of the change"}
"""What a value is of, from its role, when both sides give it the same role."""

_RELATION_NOTE = {
    "scale": "off by a power of ten", "digits": "digits differ: a likely slip",
    "day": "one day apart", "month": "same day, another month", "year": "same day and month, "
    "another year",
}


def _relative(v: slots.Value) -> bool:
    """A date the article gives without its month (19일, Friday, the 18th, yesterday): its
    day comes from resolving it against the article's own date."""
    return not re.search(r"\d{4}|\d{1,2}\s?월|[A-Z][a-z]{2,8}\.?\s+\d|\d\s+[A-Z][a-z]{2,}",
                         v.facet.value)


def _value_key(v: slots.Value) -> str:
    norm = v.facet.normalized
    if v.type == "number":
        parsed = parse_normalized(norm)
        if parsed:
            return f"{parsed[0].normalize()}"
    return norm.split("T")[0]


def _attestation(
    found: Sequence[slots.Slot],
) -> dict[tuple[str, str], set[tuple[str | None, str]]]:
    """The articles, with the role they give it, that state each value in agreeing slots
    (a value many outlets give for one question is an established figure of its own, not
    another's miscopy; the end of one range is no established start of another)."""
    out: dict[tuple[str, str], set[tuple[str | None, str]]] = defaultdict(set)
    for sl in found:
        for cl in _value_classes(sl.values):
            for v in cl:
                arts = {x.article_id for x in cl if _supports(x, v)}
                if len(arts) >= 2:
                    out[(v.type, _value_key(v))] |= {
                        (x.role, x.article_id) for x in cl if x.article_id in arts}
    return dict(out)


def _specificity(v: slots.Value) -> int:
    """How precisely a value is given: a country below a city or a venue, a year below a
    month below a day; figures all alike."""
    norm = v.facet.normalized
    if v.type == "place":
        return 0 if norm.startswith("country:") else 1
    if v.type == "date":
        return norm.split("T")[0].count("-")
    return 0


def _supports(x: slots.Value, v: slots.Value) -> bool:
    """Does ``x`` state ``v``'s value at least as precisely (a country does not state that
    it was Busan, nor a month that it was the 18th)?"""
    return slots.value_relation(x, v) == "same" and _specificity(x) >= _specificity(v)


_ROLE_CLASH = {frozenset({"keep", "to"}): "kept at {v} vs changed to {v}",
               frozenset({"by", "to"}): "changed by {v} vs changed to {v}"}


def _role_findings(
    articles: Mapping[str, Article], found: Sequence[slots.Slot],
    pairs: Mapping[tuple[int, int], slots.PairFeatures], event_of: Mapping[str, str],
    primaries: frozenset[str],
) -> list[Finding]:
    """Outlets that give one figure to one question but say differently how it came about:
    a rate *kept at* 15% against one *cut to* 15%, a cut *by* 15 points against a cut *to*
    15% (a ``predicate`` divergence: the figure agrees, what was agreed does not)."""
    out: list[Finding] = []
    for sl in found:
        vals = [v for v in sl.values if v.type == "number"]
        best: dict[frozenset[str], tuple[float, slots.Value, slots.Value]] = {}
        for i, a in enumerate(vals):
            for b in vals[i + 1 :]:
                clash = frozenset({a.role or "", b.role or ""})
                if clash not in _ROLE_CLASH:
                    continue
                p = pairs.get((min(a.index, b.index), max(a.index, b.index)))
                if p is None:
                    continue
                prob = calibration.slot_probability(p, "number")
                if clash not in best or prob > best[clash][0]:
                    best[clash] = (prob, a, b)
        for clash, (prob, a, b) in best.items():
            conf = round(prob * calibration.prior("predicate"), 3)
            tier = calibration.tier(conf, "predicate")
            if tier is None:
                continue
            label = _ROLE_CLASH[clash].format(v=a.facet.value)
            # every outlet on either side, the best-matching pair first
            shown = [a, b]
            seen = {a.article_id, b.article_id}
            for x in vals:
                if x.role in (a.role, b.role) and x.article_id not in seen:
                    shown.append(x)
                    seen.add(x.article_id)
            summary = "What was agreed differs: " + label + " — " + _versus(
                [(f"{x.role} {x.facet.value}", _outlet(articles[x.article_id]))
                 for x in shown])
            out.append(_finding("diverge", "predicate", _topic([a.claim, b.claim]), summary,
                                SEVERITY["predicate"], conf, (), [_value_of(x) for x in shown],
                                articles, primaries, tier=tier, what=_what(sl.values),
                                key=("role", f"{a.claim.id}:{a.facet.start}",
                                     f"{b.claim.id}:{b.facet.start}"),
                                event_id=event_of.get(a.article_id)))
    return out


# --------------------------------------------------------------------------- titles


def _title_compatible(a: str, b: str) -> bool:
    """Two title classes may name one post (a minister is a US secretary; a chief of staff
    heads an office)."""
    if a == b:
        return True
    return any(a in group and b in group for group in lang.get("en").data.get("title_groups") or [])


def _title_findings(
    articles: Mapping[str, Article], claims: Sequence[Claim], canon: Mapping[str, str],
    primaries: frozenset[str],
) -> list[Finding]:
    """Each person's titles across articles: two outlets whose title sets have no
    compatible pair diverge (장관 vs 부총리); one article giving one person two clashing
    titles in separate mentions contradicts itself (Deputy Minister Kim, and Kim,
    Presidential Chief of Staff); one giving more titles adds detail. Titles given
    together in one mention (부총리 겸 장관) are titles the person holds, never a clash."""
    per: dict[str, dict[str, list[tuple[Claim, Facet]]]] = defaultdict(lambda: defaultdict(list))
    for c in claims:
        for f in c.facets:
            if f.type == "title" and f.subject:
                per[canon.get(f.subject, f.subject)][c.article_id].append((c, f))
    out: list[Finding] = []
    for person, by_art in sorted(per.items()):
        sets = {a: frozenset(f.normalized for _, f in v) for a, v in by_art.items()}
        kinds = list(dict.fromkeys(sets.values()))

        def clash(x: frozenset[str], y: frozenset[str]) -> bool:
            return not any(_title_compatible(p, q) for p in x for q in y)

        bad = [(x, y) for i, x in enumerate(kinds) for y in kinds[i + 1 :] if clash(x, y)]
        inner = [a for a, v in by_art.items() if _self_clash(v)]
        if len(by_art) < 2 and not inner:
            continue
        values: list[FindingValue] = []
        for a in sorted(by_art):
            seen: set[str] = set()
            for c, f in by_art[a]:
                if f.normalized not in seen:
                    seen.add(f.normalized)
                    values.append(_value(c, f))
        labels = _versus((" + ".join(sorted({f.value for _, f in by_art[a]})),
                          _outlet(articles[a])) for a in sorted(by_art))
        if bad or inner:
            conf = calibration.title_confidence(len(sets), len(bad), len(inner))
            tier = calibration.tier(conf, "title")
            if tier is None:
                continue
            # the flag shows the titles that clash: the outlets on either side of a clash,
            # or the one article that gives two; outlets with a compatible title stay out
            clashing = {x for pair in bad for x in pair}
            involved = sorted(a for a in by_art if sets[a] in clashing or a in inner)
            values = [v for v in values if v.article_id in involved]
            labels = _versus((" + ".join(sorted({f.value for _, f in by_art[a]})),
                              _outlet(articles[a])) for a in involved)
            what = f"{person}'s title"
            summary = f"{person}'s title differs: " + labels
            if inner:
                summary += " — " + _names(_outlet(articles[a]) for a in sorted(inner)) + \
                    " give" + ("s" if len(inner) == 1 else "") + \
                    " two titles that do not go together"
            out.append(_finding("diverge", "title", person, summary, SEVERITY["title"], conf,
                                (), values, articles, primaries, key=("title", person),
                                tier=tier, what=what))
        elif len(kinds) > 1:
            out.append(_finding("add_detail", "title", person, f"{person}'s title is given "
                                "more fully by some outlets: " + labels, 1, 0.9, (), values,
                                articles, primaries, key=("title", person)))
        else:
            out.append(_finding("agree", "title", person, f"{person}'s title agrees: " + labels,
                                0, 0.9, (), values, articles, primaries, key=("title", person)))
    return out


def _self_clash(mentions: Sequence[tuple[Claim, Facet]]) -> bool:
    """Does one article give one person titles that do not go together, in separate
    mentions (a title pair written side by side anywhere in it, 부총리 겸 장관, is both
    held)?"""
    spans = sorted(mentions, key=lambda cf: cf[1].start)
    held = {frozenset({f.normalized, g.normalized})  # posts one mention names together
            for i, (_, f) in enumerate(spans) for _, g in spans[i + 1 :]
            if g.start - f.end <= 12}
    for i, (_, f) in enumerate(spans):
        for _, g in spans[i + 1 :]:
            if frozenset({f.normalized, g.normalized}) in held:
                continue  # given together once (부총리 겸 장관): both held, never a clash
            if not _title_compatible(f.normalized, g.normalized):
                return True
    return False


# --------------------------------------------------------------------------- instrument


def _by_event(claims: Sequence[Claim], event_of: Mapping[str, str]
              ) -> list[tuple[str | None, list[Claim]]]:
    by_event: dict[str | None, list[Claim]] = defaultdict(list)
    for c in claims:
        by_event[event_of.get(c.article_id)].append(c)
    return sorted(by_event.items(), key=lambda kv: str(kv[0]))


@dataclass(frozen=True)
class _DocumentMentions:
    """Which documents of some kinds each article of an event names, and how prominently."""

    scores: dict[str, dict[str, float]]  # article -> kind -> summed weight
    best: dict[tuple[str, str], tuple[float, Claim, Facet]]  # (article, kind) -> its best
    all: list[tuple[Claim, Facet]]

    def dominant(self) -> dict[str, str]:
        """Each article's most prominent kind."""
        return {a: max(s.items(), key=lambda kv: (kv[1], kv[0]))[0]
                for a, s in self.scores.items() if s}

    def value(self, article_id: str, kind: str) -> FindingValue:
        _, c, f = self.best[(article_id, kind)]
        return _value(c, f)


def _document_mentions(cs: Sequence[Claim], kinds: frozenset[str]) -> _DocumentMentions:
    """Each article's documents of ``kinds``, weighted by the article's own framing: its
    lead, ``이번``/``this``, and not inside a quote or about an earlier deal."""
    best: dict[tuple[str, str], tuple[float, Claim, Facet]] = {}
    scores: dict[str, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    order: dict[str, int] = defaultdict(int)
    mentions: list[tuple[Claim, Facet]] = []
    for c in cs:
        order[c.article_id] += 1
        rank = order[c.article_id]
        for f in c.facets:
            if f.type != "document_type" or f.normalized not in kinds:
                continue
            mentions.append((c, f))
            w = 1.0
            before = c.text[max(0, f.start - c.start - 12) : f.start - c.start]
            if lang.for_text(c.text).regex("this_pattern").search(before):
                w += 2.0  # 이번, this, 今回: the article's own deal
            if rank <= 6:
                w += 2.0
            if any(q.type == "quote" and q.start <= f.start < q.end for q in c.facets):
                w *= 0.3
            if _about_earlier(c.text):
                w *= 0.2
            scores[c.article_id][f.normalized] += w
            cur = best.get((c.article_id, f.normalized))
            if cur is None or w > cur[0]:
                best[(c.article_id, f.normalized)] = (w, c, f)
    return _DocumentMentions({a: dict(s) for a, s in scores.items()}, best, mentions)


def _instrument_findings(
    articles: Mapping[str, Article], claims: Sequence[Claim], primaries: frozenset[str],
    event_of: Mapping[str, str],
) -> list[Finding]:
    """Which instrument each article of an event says was signed, from its own framing
    (:func:`_document_mentions`)."""
    out: list[Finding] = []
    for event_id, cs in _by_event(claims, event_of):
        docs = _document_mentions(cs, SIGNED_INSTRUMENTS)
        dominant = docs.dominant()
        if len(dominant) < 2:
            continue
        values = [docs.value(a, dominant[a]) for a in sorted(dominant)]
        kinds = sorted(set(dominant.values()))
        if len(kinds) > 1:
            groups = "; ".join(
                f"{k}: " + _names(_outlet(articles[a]) for a in sorted(dominant)
                                  if dominant[a] == k) for k in kinds)
            conf = calibration.instrument_confidence(dominant)
            tier = calibration.tier(conf, "document_type")
            if tier is None:
                continue
            out.append(_finding("diverge", "document_type", "the instrument signed",
                                f"Outlets name the instrument differently — {groups}",
                                SEVERITY["document_type"], conf, (), values, articles, primaries,
                                key=("document_type", str(event_id)), tier=tier,
                                what="the instrument signed", event_id=event_id))
        else:
            out.append(_finding("agree", "document_type", "the instrument signed",
                                f"All outlets that name it call it {kinds[0]}", 0, 0.8, (),
                                values, articles, primaries, key=("document_type", str(event_id)),
                                event_id=event_id))
    return out


RELEASED_DOCUMENTS = frozenset({"fact_sheet", "joint_statement", "resolution", "decision",
                                "opinion", "judgment"})
"""Documents an authority releases, issues or serves: a fact sheet, a joint statement, a
ruling. Press releases and reports are not among them: they are how any text is put out
(and an English "report" is also a news story)."""


def _released_findings(
    articles: Mapping[str, Article], claims: Sequence[Claim], primaries: frozenset[str],
    event_of: Mapping[str, str],
) -> list[Finding]:
    """The document an event's text comes from, named as another kind of document.

    * across outlets: most outlets that name a released document name one kind (a joint fact
      sheet) and an outlet names another (a joint statement) and never the first: two or
      more articles must give the majority kind, and one kind must lead;
    * within one article: two kinds as the object of one predicate (의견서를 송달했다 and
      의결서를 송달했다), in different sentences — a sentence that names both tells of two
      documents.
    """
    conf = calibration.prior("document_type")
    tier = calibration.tier(conf, "document_type")
    if tier is None:
        return []
    out: list[Finding] = []
    for event_id, cs in _by_event(claims, event_of):
        docs = _document_mentions(cs, RELEASED_DOCUMENTS)
        out += _released_self_clashes(articles, docs, primaries, event_id, conf, tier)
        dominant = docs.dominant()
        counts = Counter(dominant.values())
        if len(counts) < 2:
            continue
        (major, n_major), (_, n_next) = counts.most_common(2)
        if n_major < 2 or n_next == n_major:
            continue
        majors = sorted(a for a, k in dominant.items() if k == major)
        rep = max(majors, key=lambda a: (docs.best[(a, major)][0], a))
        for kind in sorted(set(dominant.values()) - {major}):
            minor = sorted(a for a, k in dominant.items()
                           if k == kind and major not in docs.scores[a])
            if not minor:
                continue
            values = [docs.value(a, kind) for a in minor] + [docs.value(rep, major)]
            summary = ("Document released differs: "
                       + _versus([(_common_surface(docs, majors, major), _outlet(articles[a]))
                                  for a in majors]
                                 + [(_common_surface(docs, minor, kind), _outlet(articles[a]))
                                    for a in minor]))
            out.append(_finding("diverge", "document_type", "the document released", summary,
                                SEVERITY["document_type"], conf, (), values, articles,
                                primaries, key=("released", str(event_id), kind, *minor),
                                tier=tier, what="the document released", event_id=event_id))
    return out


def _common_surface(docs: _DocumentMentions, arts: Sequence[str], kind: str) -> str:
    """How most of ``arts`` write ``kind`` (their best mentions, case and spacing aside)."""
    forms = Counter(" ".join(docs.best[(a, kind)][2].value.split()).casefold() for a in arts)
    return max(forms.items(), key=lambda kv: (kv[1], kv[0]))[0]


def _times(n: int) -> str:
    return "once" if n == 1 else f"{n} times"


def _released_self_clashes(
    articles: Mapping[str, Article], docs: _DocumentMentions, primaries: frozenset[str],
    event_id: str | None, conf: float, tier: str,
) -> list[Finding]:
    """One article giving two kinds of document as the object of one predicate, in
    different sentences (see :func:`_released_findings`)."""
    named = Counter((c.article_id, f.normalized) for c, f in docs.all)
    by_pred: dict[tuple[str, str], list[tuple[Claim, Facet]]] = defaultdict(list)
    for c, f in docs.all:
        pred = _event_word(c, f)
        if pred:
            by_pred[(c.article_id, pred)].append((c, f))
    out: list[Finding] = []
    for (aid, pred), ms in sorted(by_pred.items()):
        kinds = Counter(f.normalized for _, f in ms)
        if len(kinds) < 2:
            continue
        overall = docs.scores[aid]
        major = max(kinds, key=lambda k: (kinds[k], overall.get(k, 0.0), k))
        for kind in sorted(set(kinds) - {major}):
            pair = next(((x, y) for x in ms if x[1].normalized == kind
                         for y in ms if y[1].normalized == major
                         if x[0].sentence_start != y[0].sentence_start), None)
            if pair is None:
                continue
            (c1, f1), (c2, f2) = pair
            summary = (f"Document of {pred} differs within one article "
                       f"({_outlet(articles[aid])}): {f2.value} "
                       f"({_times(named[(aid, major)])}) vs {f1.value} "
                       f"({_times(named[(aid, kind)])})")
            out.append(_finding("diverge", "document_type", f"the document of {pred}", summary,
                                SEVERITY["document_type"], conf, (),
                                [_value(c1, f1), _value(c2, f2)], articles, primaries,
                                key=("released-self", aid, pred, kind, major), tier=tier,
                                what=f"the document of {pred}", event_id=event_id))
    return out


# --------------------------------------------------------------------------- signatories


def _about_earlier(text: str) -> bool:
    """Does the claim tell of an earlier or another deal (바 있다, previously, 既に)?"""
    return bool(lang.for_text(text).regex("earlier_pattern").search(text))


@lru_cache(maxsize=65_536)
def _tells_signing(text: str) -> bool:
    return bool(lang.for_text(text).regex("sign_pattern").search(text)) and not _about_earlier(
        text)


def _signers(c: Claim, canon: Mapping[str, str]) -> list[tuple[Claim, Facet]]:
    """The people a claim says sign (as ``signatory`` facets, canonical names), if it tells
    a signing: named outside quotes, in a claim not about an earlier deal."""
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
    signers: Mapping[str, list[tuple[Claim, Facet]]], primaries: frozenset[str],
    event_of: Mapping[str, str],
) -> list[Finding]:
    """Who signed, per event and article: one outlet naming both signatories and another
    naming a different pair diverge; an outlet naming one side only adds nothing to
    contradict."""
    by_event: dict[str | None, list[Claim]] = defaultdict(list)
    for c in claims:
        by_event[event_of.get(c.article_id)].append(c)
    out: list[Finding] = []
    for event_id, cs in sorted(by_event.items(), key=lambda kv: str(kv[0])):
        out += _event_signatories(articles, cs, signers, primaries, event_id)
    return out


def _event_signatories(
    articles: Mapping[str, Article], claims: Sequence[Claim],
    signers: Mapping[str, list[tuple[Claim, Facet]]], primaries: frozenset[str],
    event_id: str | None,
) -> list[Finding]:
    per: dict[str, list[tuple[Claim, Facet]]] = defaultdict(list)
    for c in claims:
        per[c.article_id] += signers.get(c.id, [])
    per = {a: v for a, v in per.items() if v}
    sets = {a: frozenset(f.normalized for _, f in v) for a, v in per.items()}
    if len(sets) < 2:
        return []
    kinds = list(dict.fromkeys(sets.values()))
    if not any(len(x) >= 2 and len(y) >= 2 and not (x <= y or y <= x)
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
    conf = calibration.prior("signatory")
    tier = calibration.tier(conf, "signatory")
    if tier is None:
        return []
    return [_finding("diverge", "signatory", "who signed", summary, SEVERITY["signatory"],
                     conf, (), values, articles, primaries, key=("signatory", str(event_id)),
                     tier=tier, what="who signed", event_id=event_id)]


# --------------------------------------------------------------------------- quotes


@dataclass(frozen=True)
class QuoteWords:
    """What a quotation says, in comparable pieces."""

    words: frozenset[str]  # content words (lemmas / stems)
    seq: tuple[str, ...]  # the content words in their order
    numbers: frozenset[str]
    names: frozenset[str]  # proper nouns
    predicates: frozenset[str]  # verbs and adjectives (Korean/Japanese lemmas)
    negated: frozenset[str]  # the words a negation applies to
    person: str  # "1s" (I, 저/나), "1p" (we, 우리/저희), "" (neither)


@lru_cache(maxsize=4096)
def quote_words(text: str) -> QuoteWords:
    """What a quotation says, from its language's content words (``Language.content_words``)."""
    seq, preds, names, negated = lang.for_text(text).content_words(text)
    numbers = frozenset(re.findall(r"\d[\d,.]*", text))
    person = lang.for_text(text).person_of(text)
    return QuoteWords(frozenset(seq), seq, numbers, names, preds, negated, person)


QUOTE_SAME_QUOTE = 0.5
"""Two quotations share at least this share of the shorter one's content words: they render
one statement (below, they are different statements)."""


def quote_relation(a: str, b: str, translated: bool = False, strict: bool = False) -> str:
    """How two quotations relate: ``other`` (not one statement, or in different scripts — a
    translation is not compared word by word), ``same`` (one statement: in full or in part,
    or reworded without changing what it says), or ``differ``: one statement whose
    substance differs — each side gives a number the other does not, one negates a word
    the other states (a quote that leaves out a negated clause does not), the speaker says
    "I" in one and "we" in the other, or it is reworded
    (each side has predicates the other lacks) and drops a number the other gives.

    ``translated``: both render words first said in another language (a Korean official
    quoted in English): word choice and negation are the translators', so only numbers and
    the speaker's person count.

    ``strict``: the two are not known to state one fact (only one speaker's quotes): a
    rewording that drops a number is then taken for another remark (``other``)."""
    if script_of(a) != script_of(b):
        return "other"
    qa, qb = quote_words(a), quote_words(b)
    if not qa.words or not qb.words:
        return "other"
    shared = qa.words & qb.words
    small = min(len(qa.words), len(qb.words))
    if len(shared) / small < QUOTE_SAME_QUOTE or len(shared) < 2:
        return "other"
    if _in_order(qa.seq, qb.seq) < QUOTE_SAME_QUOTE:
        return "other"  # the same words in another order: another remark on the subject
    if qa.person and qb.person and qa.person != qb.person:
        return "differ"
    if qa.numbers - qb.numbers and qb.numbers - qa.numbers:
        return "differ"
    if not translated and ((qa.negated - qb.negated) & qb.words
                           or (qb.negated - qa.negated) & qa.words):
        return "differ"  # a word one side negates, the other states
    if len(shared) / small >= QUOTE_PARTIAL and _in_order(qa.seq, qb.seq) >= QUOTE_PARTIAL:
        return "same"  # one quotes part of the other (or all of it)
    if translated:
        return "same"
    reworded = bool(qa.predicates - qb.predicates and qb.predicates - qa.predicates)
    dropped = bool(qa.numbers ^ qb.numbers)
    if reworded and dropped:
        return "other" if strict else "differ"
    return "same"


def _in_order(a: Sequence[str], b: Sequence[str]) -> float:
    """The share of the shorter sequence's words the other has in the same order (longest
    common subsequence)."""
    if not a or not b:
        return 0.0
    prev = [0] * (len(b) + 1)
    for x in a:
        cur = [0]
        for j, y in enumerate(b):
            cur.append(prev[j] + 1 if x == y else max(prev[j + 1], cur[j]))
        prev = cur
    return prev[-1] / min(len(a), len(b))


def _speaks_other_language(speaker: str, quote: str) -> bool:
    """Is the speaker quoted in a language that is not theirs? Known when the speaker's
    name (the corpus-wide canonical form) is written in another script than the quote, or
    is a romanised Korean name (a Korean surname and a hyphenated given name)."""
    if not speaker or not any(ch.isalpha() for ch in speaker):
        return False
    if script_of(speaker) != script_of(quote):
        return True
    from crosscheck.entities import looks_romanised_korean

    return script_of(quote) == "latin" and looks_romanised_korean(speaker)


QUOTE_PARTIAL = 0.8
"""From this share of the shorter quote's content words found in the other, it is a part
of the other (a partial quote), not another wording."""


def _quote_findings(
    articles: Mapping[str, Article], claims: Sequence[Claim], clusters: Sequence[Cluster],
    primaries: frozenset[str], event_of: Mapping[str, str], canon: Mapping[str, str],
) -> list[Finding]:
    """Quotes of one statement — in one claim cluster, or the same speaker's in one event —
    compared by ``quote_relation``: wording that differs in substance diverges; one
    statement quoted alike (in full by one outlet, in part by another, or reworded without
    changing a content word) is an agreement."""
    by_id = {c.id: c for c in claims}
    out: list[Finding] = []
    seen: set[tuple[str, str]] = set()
    groups = [[(by_id[i], f) for i in cl.claim_ids for f in by_id[i].facets if f.type == "quote"]
              for cl in _within_events(clusters, by_id, event_of)]
    n_cluster_groups = len(groups)
    cluster_of = {i: cl.id for cl in clusters for i in cl.claim_ids}
    by_speaker: dict[tuple[str | None, str], list[tuple[Claim, Facet]]] = defaultdict(list)
    for c in claims:
        for f in c.facets:
            if f.type == "quote" and f.subject:
                by_speaker[(event_of.get(c.article_id), canon.get(f.subject, f.subject))].append(
                    (c, f))
    groups += [g for _, g in sorted(by_speaker.items(), key=lambda kv: str(kv[0]))]
    for gi, quotes in enumerate(groups):
        one_fact = gi < n_cluster_groups  # a claim cluster: the quotes state one fact
        for k, (c1, f1) in enumerate(quotes):
            for c2, f2 in quotes[k + 1 :]:
                if c1.article_id == c2.article_id:
                    continue
                key = tuple(sorted((f"{c1.id}:{f1.start}", f"{c2.id}:{f2.start}")))
                if key in seen:
                    continue
                seen.add(key)  # type: ignore[arg-type]
                speakers = {canon.get(f.subject or "", f.subject or "") for f in (f1, f2)}
                translated = any(_speaks_other_language(sp, f1.value) for sp in speakers)
                rel = quote_relation(f1.value, f2.value, translated, strict=not one_fact)
                cids = tuple(dict.fromkeys(x for x in (cluster_of.get(c1.id), cluster_of.get(c2.id))
                                           if x))
                if rel == "same":
                    part = len(f1.value) != len(f2.value)
                    who = canon.get(f1.subject or "", f1.subject or "")
                    summary = (f"{_outlet(articles[c1.article_id])} and "
                               f"{_outlet(articles[c2.article_id])} quote "
                               f"{who + ' ' if who else ''}alike"
                               + (" (one in part)" if part else ""))
                    out.append(_finding("agree", "quote", _topic([c1, c2]), summary, 0, 0.9,
                                        cids, [_value(c1, f1), _value(c2, f2)], articles,
                                        primaries, what="a quotation", key=("quote", *key),
                                        event_id=event_of.get(c1.article_id)))
                    continue
                if rel != "differ":
                    continue
                conf = calibration.prior("quote")
                tier = calibration.tier(conf, "quote")
                if tier is None:
                    continue
                summary = ("Quote wording differs: " + _versus(
                    [(f1.value[:60], _outlet(articles[c1.article_id])),
                     (f2.value[:60], _outlet(articles[c2.article_id]))]))
                out.append(_finding("diverge", "quote", _topic([c1, c2]), summary,
                                    SEVERITY["quote"], conf, cids,
                                    [_value(c1, f1), _value(c2, f2)], articles, primaries,
                                    tier=tier, what="a quotation", key=("quote", *key),
                                    event_id=event_of.get(c1.article_id)))
    return out


# --------------------------------------------------------------------------- clusters


def _claim_facet_findings(
    articles: Mapping[str, Article], cc: Sequence[Claim], cl: Cluster, canon: Mapping[str, str],
    primaries: frozenset[str], event_of: Mapping[str, str], conf: float, topic: str,
) -> list[Finding]:
    """Within one fact told by several outlets: who said it (a person against another
    person; "the ministry said" against a name is no conflict)."""
    out: list[Finding] = []
    for facet in ("attribution",):
        vals: dict[str, list[tuple[Claim, Facet]]] = defaultdict(list)
        for c in cc:
            for f in c.facets:
                if facet == "attribution" and f.type == "quote" and f.subject:
                    # who said it: the speaker of a quotation (a person: "the ministry
                    # said" against a name is no conflict)
                    name = canon.get(f.subject)
                    if name is None:
                        continue
                    vals[c.article_id].append((c, Facet("attribution", f.value, name, f.start,
                                                        f.end, f.subject)))
        vals = _same_statement_speakers(vals)
        sets = {a: {f.normalized for _, f in v} for a, v in vals.items()}
        if len(sets) < 2:
            continue

        def clash(x: set[str], y: set[str]) -> bool:
            return not x & y
        kinds = list(dict.fromkeys(frozenset(v) for v in sets.values()))
        if not any(clash(set(x), set(y)) for i, x in enumerate(kinds) for y in kinds[i + 1 :]):
            continue
        c_prior = round(calibration.prior(facet) * min(1.0, conf + 0.1), 3)
        tier = calibration.tier(c_prior, facet)
        if tier is None:
            continue
        values = [_value(c, f) for a in sorted(vals) for c, f in vals[a]]
        summary = f"{_FACET_LABEL[facet].capitalize()} differs: " + _versus(
            (", ".join(dict.fromkeys(f.normalized for _, f in vals[a])), _outlet(articles[a]))
            for a in sorted(vals))
        out.append(_finding("diverge", facet, topic, summary, SEVERITY[facet], c_prior,
                            (cl.id,), values, articles, primaries, tier=tier,
                            what=_FACET_LABEL[facet], event_id=event_of.get(cc[0].article_id)))
    return out


PREDICATE_MIN_COS = 0.85
"""Two claims of one event that commit to opposite directions on one object (export
controls vs export promotion) are compared when their embeddings are at least this close."""


def _predicate_findings(
    articles: Mapping[str, Article], claims: Sequence[Claim],
    vectors: Mapping[str, np.ndarray] | None, event_of: Mapping[str, str],
    primaries: frozenset[str],
) -> list[Finding]:
    """What was agreed, from each claim's ``predicate`` facets (``object:direction``): two
    outlets of one event whose close claims give one object opposite directions (promote
    exports, control exports) diverge. Compared claim against claim, not within a claim
    cluster: such claims differ in exactly the words a cluster keeps apart."""
    if vectors is None:
        return []
    by_obj: dict[tuple[str | None, str], list[tuple[Claim, Facet]]] = defaultdict(list)
    for c in claims:
        for f in c.facets:
            if f.type == "predicate" and ":" in f.normalized and c.id in vectors:
                by_obj[(event_of.get(c.article_id), f.normalized.split(":")[0])].append((c, f))
    out: list[Finding] = []
    for (event_id, obj), got in sorted(by_obj.items(), key=lambda kv: str(kv[0])):
        best: dict[frozenset[str], tuple[float, tuple[Claim, Facet], tuple[Claim, Facet]]] = {}
        for i, (ca, fa) in enumerate(got):
            for cb, fb in got[i + 1 :]:
                if ca.article_id == cb.article_id or fa.normalized == fb.normalized:
                    continue
                cos = float(np.dot(vectors[ca.id], vectors[cb.id]))
                key = frozenset({fa.normalized, fb.normalized})
                if cos >= PREDICATE_MIN_COS and (key not in best or cos > best[key][0]):
                    best[key] = (cos, (ca, fa), (cb, fb))
        for cos, (ca, fa), (cb, fb) in best.values():
            conf = round(calibration.prior("predicate") * min(1.0, cos + 0.1), 3)
            tier = calibration.tier(conf, "predicate")
            if tier is None:
                continue
            # every outlet whose claim as close gives the object one of the two directions
            values: list[FindingValue] = []
            seen: set[tuple[str, str]] = set()
            for c, f in [(ca, fa), (cb, fb), *got]:
                close = c in (ca, cb) or max(float(np.dot(vectors[c.id], vectors[x.id]))
                                             for x in (ca, cb)) >= PREDICATE_MIN_COS
                if close and f.normalized in (fa.normalized, fb.normalized) and (
                        c.article_id, f.normalized) not in seen:
                    seen.add((c.article_id, f.normalized))
                    values.append(_value(c, f))
            summary = "What was agreed differs: " + _versus(
                (v.value, _outlet(articles[v.article_id])) for v in values)
            out.append(_finding("diverge", "predicate", _topic([ca, cb]), summary,
                                SEVERITY["predicate"], conf, (), values, articles, primaries,
                                tier=tier, what=_FACET_LABEL["predicate"], event_id=event_id,
                                key=("predicate", obj, *sorted(f"{c.id}:{f.start}"
                                                             for c, f in ((ca, fa), (cb, fb))))))
    return out


def _same_statement_speakers(
    vals: Mapping[str, list[tuple[Claim, Facet]]],
) -> dict[str, list[tuple[Claim, Facet]]]:
    """Keep the quotations that render one statement in two articles (the same words, or
    a translation of them in a claim cluster) — only then can their speakers clash."""
    out: dict[str, list[tuple[Claim, Facet]]] = defaultdict(list)
    arts = sorted(vals)
    for i, a in enumerate(arts):
        for b in arts[i + 1 :]:
            for ca, fa in vals[a]:
                for cb, fb in vals[b]:
                    rel = quote_relation(fa.value, fb.value)
                    if rel == "same" or (rel == "other" and script_of(fa.value)
                                         != script_of(fb.value)):
                        if (ca, fa) not in out[a]:
                            out[a].append((ca, fa))
                        if (cb, fb) not in out[b]:
                            out[b].append((cb, fb))
    return out


def _within_events(clusters: Sequence[Cluster], by_id: Mapping[str, Claim],
                   event_of: Mapping[str, str]) -> list[Cluster]:
    """Clusters cut at event borders: a fact told in two events is two facts."""
    out: list[Cluster] = []
    for cl in clusters:
        parts: dict[str | None, list[str]] = defaultdict(list)
        for i in cl.claim_ids:
            parts[event_of.get(by_id[i].article_id)].append(i)
        if len(parts) == 1:
            out.append(cl)
            continue
        for ids in parts.values():
            arts = tuple(sorted({by_id[i].article_id for i in ids}))
            out.append(Cluster(content_id("cluster", *ids), tuple(ids), arts))
    return out


def _cluster_findings(
    articles: Mapping[str, Article], by_id: Mapping[str, Claim], clusters: Sequence[Cluster],
    vectors: Mapping[str, np.ndarray] | None, primaries: frozenset[str],
    event_of: Mapping[str, str], canon: Mapping[str, str],
) -> list[Finding]:
    """A fact several outlets state (a claim cluster of two or more articles) as an
    ``agree`` on the fact as a whole, and what its outlets say differently about who said
    it and what was agreed."""
    out: list[Finding] = []
    for cl in _within_events(clusters, by_id, event_of):
        if len(cl.article_ids) < 2:
            continue
        cc = [by_id[i] for i in cl.claim_ids]
        first: dict[str, Claim] = {}
        for c in cc:
            first.setdefault(c.article_id, c)
        conf = _cohesion(cc, vectors)
        topic = _topic(cc, vectors)
        outlets = _names(sorted({_outlet(articles[a]) for a in first}))
        notes = []
        mods = {m for m in (_modality(c) for c in cc) if m}
        if len(mods) > 1:
            planned = sorted({_outlet(articles[c.article_id]) for c in cc
                              if _modality(c) == "planned"})
            notes.append("reported as planned by " + _names(planned) + ", as done by others")
        summary = f"{len(first)} outlets state it ({outlets})"
        if notes:
            summary += "; " + "; ".join(notes)
        out.append(_finding("agree", "claim", topic, summary, 0, conf, (cl.id,),
                            [_value(c, None) for c in first.values()], articles, primaries,
                            event_id=event_of.get(cc[0].article_id)))
        out += _claim_facet_findings(articles, cc, cl, canon, primaries, event_of, conf, topic)
        out += _venue_details(articles, cc, cl, primaries, event_of, topic)
    return out


def _venue_details(
    articles: Mapping[str, Article], cc: Sequence[Claim], cl: Cluster,
    primaries: frozenset[str], event_of: Mapping[str, str], topic: str,
) -> list[Finding]:
    """Within one fact told by several outlets, the venue some of them name and the others
    leave out (an ``add_detail``: where exactly it happened, more specifically told)."""
    by_art: dict[str, list[tuple[Claim, Facet]]] = defaultdict(list)
    for c in cc:
        for f in c.facets:
            if f.type == "venue":
                by_art[c.article_id].append((c, f))
    silent = {c.article_id for c in cc} - set(by_art)
    if not by_art or not silent:
        return []
    values = [_value(c, f) for a in sorted(by_art) for c, f in by_art[a][:1]]
    shown = _versus((v.value, _outlet(articles[v.article_id])) for v in values)
    summary = (f"The venue is given only by some outlets: {shown}; not by "
               + _names(sorted(_outlet(articles[a]) for a in silent)))
    return [_finding("add_detail", "venue", topic, summary, 1, 0.9, (cl.id,), values, articles,
                     primaries, key=("venue", cl.id), what="the venue",
                     event_id=event_of.get(cc[0].article_id))]


def _singletons(
    articles: Mapping[str, Article], claims: Sequence[Claim], clusters: Sequence[Cluster],
    primaries: frozenset[str], event_of: Mapping[str, str],
) -> list[Finding]:
    """Facts only one outlet states: every claim in no cluster of two or more outlets. The
    finding names the claim's most specific facet (a number, a date, a place, a quote)."""
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
                     [_value(c, specific)], articles, primaries,
                     event_id=event_of.get(c.article_id))
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
    out.sort(key=lambda e: (e.type != "person", -len({m.article_id for m in e.mentions}),
                            e.canonical))
    return out


# --------------------------------------------------------------------------- the stage


def slot_analysis(
    articles: Sequence[Article], claims: Sequence[Claim],
    vectors: Mapping[str, np.ndarray] | None, events: Sequence[Event] | None,
    canon: Mapping[str, str] | None = None,
) -> tuple[list[slots.Value], dict[tuple[int, int], slots.PairFeatures], list[slots.Slot]]:
    """The corpus's values, their scored candidate pairs (within events) and their slots."""
    event_of = {a: e.id for e in events or () for a in e.article_ids}
    values = slots.collect_values({a.id: a.text for a in articles}, claims,
                                  canon if canon is not None else person_groups(claims))
    idf = slots.idf_weights(values)
    pairs = slots.candidate_pairs(values, vectors, idf, event_of if events else None)
    found = slots.build_slots(values, pairs, calibration.slot_probability)
    return values, {(min(p.a, p.b), max(p.a, p.b)): p for p in pairs}, found


def compare(
    articles: Sequence[Article], claims: Sequence[Claim], clusters: Sequence[Cluster],
    vectors: Mapping[str, np.ndarray] | None = None, primary: str | None = None,
    events: Sequence[Event] | None = None,
) -> Comparison:
    """All findings of a corpus, most serious first, and its entity table."""
    arts = {a.id: a for a in articles}
    primaries = frozenset({primary} if primary else {a.id for a in articles if a.primary})
    by_id = {c.id: c for c in claims}
    canon = person_groups(claims)
    event_of = {a: e.id for e in events or () for a in e.article_ids}
    values, pair_index, found = slot_analysis(articles, claims, vectors, events, canon)
    signers = {c.id: got for c in claims if (got := _signers(c, canon))}
    findings = (
        _instrument_findings(arts, claims, primaries, event_of)
        + _title_findings(arts, claims, canon, primaries)
        + _released_findings(arts, claims, primaries, event_of)
        + _signatory_findings(arts, claims, signers, primaries, event_of)
        + _slot_findings(arts, found, divergence_candidates(values, found, pair_index),
                         event_of, primaries)
        + _quote_findings(arts, claims, clusters, primaries, event_of, canon)
        + _role_findings(arts, found, pair_index, event_of, primaries)
        + _predicate_findings(arts, claims, vectors, event_of, primaries)
        + _cluster_findings(arts, by_id, clusters, vectors, primaries, event_of, canon)
        + _singletons(arts, claims, clusters, primaries, event_of)
    )
    unique: dict[str, Finding] = {}
    for f in findings:
        unique.setdefault(f.id, f)
    kind_rank = {"diverge": 0, "add_detail": 1, "agree": 2}
    tier_rank = {"likely": 0, "possible": 1, None: 2}
    ordered = sorted(unique.values(), key=lambda f: (
        kind_rank[f.kind], tier_rank.get(f.tier, 2), -f.severity, -f.confidence, f.id))
    return Comparison(ordered, build_entities(arts, claims, canon))


__all__ = ["Comparison", "compare", "quote_relation"]
