"""Stage 2b: typed facets of each claim, each with its own offsets and a normalised value.

Facet types: ``person``, ``title`` (subject = the person), ``organization``, ``place``,
``document_type``, ``number`` (unit = currency, measure or counted class; head = what it
counts; role = from / to / by / increment), ``date`` (unit = granularity; role = start / end
of a range), ``quote`` (subject = the speaker), ``attribution`` (who says the claim),
``modality`` (planned / done) and ``predicate`` (a commitment's direction).

``annotate(article, claims)`` is the entry point. It reads the whole article first, so that
short forms (``배 부총리``, ``Bae``) resolve to the full name given elsewhere in it. What each
language writes differently is asked of its module in :mod:`crosscheck.lang`; nothing here
tests a script.
"""

from __future__ import annotations

import bisect
import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime

from crosscheck import lang
from crosscheck.lang.base import Language, Token
from crosscheck.lang.gazetteer import gazetteer
from crosscheck.models import Article, Claim, Facet, Mention


def article_date(article: Article) -> date | None:
    """The day an article was published, if it says (relative dates resolve against it)."""
    if not article.published:
        return None
    try:
        return datetime.fromisoformat(article.published[:19]).date()
    except ValueError:
        try:
            return date.fromisoformat(article.published[:10])
        except ValueError:
            return None


def quote_key(words: str) -> str:
    """A quotation's comparison key: lower-cased words, punctuation and spacing collapsed."""
    return re.sub(r"[\s\W_]+", " ", words).strip().lower()


def title_key(title: str) -> str:
    """The cross-language class of a title: 장관 and Minister both give ``minister``."""
    return lang.for_text(title).title_key(title) or title.strip().lower()


# --------------------------------------------------------------------------- people


@dataclass
class People:
    """An article's people: full names and the short forms that point to them. A short form
    two full names share (two Kims) points to the nearest full mention before it."""

    full: dict[str, str]  # short form or alias -> full name
    mentions: list[Mention]
    shared: dict[str, list[tuple[int, str]]]  # ambiguous short form -> (position, full name)

    def resolve(self, name: str, at: int | None = None) -> str:
        if name in self.shared and at is not None:
            before = [(p, n) for p, n in self.shared[name] if p <= at]
            return max(before)[1] if before else name
        return self.full.get(name, name)

    def key(self, phrase: str, at: int | None = None) -> str:
        """The canonical person named in ``phrase`` (its title dropped), else the phrase:
        the longest known name it contains (a word of it, or a part of an unspaced one:
        森本大臣 -> 森本和也); a short form two people share resolves by position."""
        words = phrase.split()
        for w in words:
            if w in self.full:
                return self.full[w]
            if w in self.shared and at is not None:
                return self.resolve(w, at)
        joined = " ".join(words[:2])
        if joined in self.full:
            return self.full[joined]
        for name in sorted(self.full, key=lambda n: (-len(n), n)):
            if len(name) >= 2 and not lang.for_text(name).spaced and name in phrase:
                return self.full[name]
        return phrase


def collect_people(article: Article, claims: Sequence[Claim],
                   tokens: Sequence[tuple[Token, ...]], langs: Sequence[Language]) -> People:
    mentions: list[Mention] = []
    for c, toks, lg in zip(claims, tokens, langs, strict=True):
        mentions += lg.mentions(article.text, toks, article.id, c.start, c.end)
    full: dict[str, str] = {}
    # full names (a name with its given name): the forms later mentions shorten; a mention
    # that is itself a short form (Deputy Minister Kim, 김 실장) resolves to one of them
    multi = {m.surface for m in mentions if len(m.surface.split()) >= 2}
    last_words = {n.split()[-1] for n in multi}
    # a single word that ends a longer name of the article is its short form (뒤부아 of
    # 클레어 뒤부아), even when it is as long as a Korean full name
    names = sorted({m.surface for m in mentions if _is_full_name(m.surface)
                    and m.surface not in last_words},
                   key=lambda n: (-len(n), n))  # ties by name
    owners: dict[str, set[str]] = defaultdict(set)
    for n in names:
        if n in full and full[n] != n:
            continue
        full[n] = n
        for short in lang.for_text(n).short_forms(n):
            if short not in names:
                owners[short].add(n)
    shared: dict[str, list[tuple[int, str]]] = {}
    quoted = [q for c, lg in zip(claims, langs, strict=True)
              for q in lg.quotes(article.text, c.start, c.end)]
    for short, owned in owners.items():
        if len(owned) == 1:
            full.setdefault(short, next(iter(owned)))
        else:
            # the nearest full mention before, not one inside a quotation (a speaker naming
            # someone else: "Minister Kim said, '… called Kim Jung-kwan …'")
            shared[short] = sorted((m.start, m.surface) for m in mentions if m.surface in owned
                                   and not any(a <= m.start < b for a, b in quoted))
    for m in mentions:
        if m.alias:
            full.setdefault(m.alias, full.get(m.surface, m.surface))
    return People(full, mentions, shared)


def _is_full_name(name: str) -> bool:
    """A name with more than a surname: two words, or three or more CJK syllables."""
    if len(name.split()) >= 2:
        return True
    return not lang.for_text(name).spaced and len(name) >= 3


def _names_regex(people: People) -> re.Pattern[str] | None:
    """One pattern for every known name of an article (longest first), for bare mentions."""
    alts = []
    for name in sorted(people.full, key=lambda n: (-len(n), n)):
        lg = lang.for_text(name)
        if len(name) < 2 or (len(name) < 3 and not lg.spaced):
            continue
        alts.append(re.escape(name) if not lg.spaced else r"\b" + re.escape(name) + r"\b")
    for name in people.shared:
        bounded = lang.for_text(name).spaced
        alts.append(r"\b" + re.escape(name) + r"\b" if bounded else re.escape(name))
    return re.compile("|".join(alts)) if alts else None


# --------------------------------------------------------------------------- the stage


def _tokens(claims: Sequence[Claim], langs: Sequence[Language]) -> list[tuple[Token, ...]]:
    """Every claim's tokens with absolute offsets: one analyser call per language."""
    by_lang: dict[str, list[int]] = defaultdict(list)
    for i, lg in enumerate(langs):
        by_lang[lg.code].append(i)
    out: list[tuple[Token, ...]] = [() for _ in claims]
    for idx in by_lang.values():
        lg = langs[idx[0]]
        todo = [i for i in idx if len(claims[i].text) <= 4000]
        got = lg.tokens([claims[i].text for i in todo])
        for i, toks in zip(todo, got, strict=True):
            off = claims[i].start
            out[i] = tuple(Token(t.form, t.tag, t.start + off, t.end + off) for t in toks)
    return out


def annotate(article: Article, claims: list[Claim]) -> list[Claim]:
    """Return ``claims`` with their facets filled in."""
    text = article.text
    ref = article_date(article)
    langs = [lang.for_text(c.text) for c in claims]
    all_tokens = _tokens(claims, langs)
    people = collect_people(article, claims, all_tokens, langs)
    ordered = sorted(people.mentions, key=lambda m: m.start)
    starts = [m.start for m in ordered]
    gz = gazetteer()

    def mentions_in(a: int, b: int) -> list[Mention]:
        return ordered[bisect.bisect_left(starts, a) : bisect.bisect_left(starts, b)]

    names_rx = _names_regex(people)
    out: list[Claim] = []
    for c, toks, lg in zip(claims, all_tokens, langs, strict=True):
        facets: list[Facet] = []
        mentions = mentions_in(c.start, c.end)
        person_spans: list[tuple[int, int]] = []
        seen_person: set[int] = set()
        for m in mentions:
            canon = people.resolve(m.surface, m.start)
            if m.start not in seen_person:
                pe = m.end
                if (len(m.surface) == 1 and m.title_end is not None
                        and m.title_start is not None and 0 <= m.title_start - m.end <= 1):
                    pe = m.title_end  # a lone surname is named with its title: 윤 장관
                # subject: the name in the other script the article gives beside it
                # (클레어 뒤부아(Claire Dubois)), which joins the two across articles
                alias = m.alias or next((a for a, n in people.full.items()
                                         if n == canon and a != canon
                                         and lang.for_text(a).code != lg.code
                                         and len(a.split()) >= 2), None)
                facets.append(Facet("person", text[m.start : pe], canon, m.start, pe, alias))
                seen_person.add(m.start)
            person_spans.append((m.start, m.end))
            if m.title and m.title_start is not None and m.title_end is not None:
                key = lg.title_key(m.title) or m.title.lower()
                facets.append(Facet("title", m.title, key, m.title_start, m.title_end, canon))
        for mm in names_rx.finditer(c.text) if names_rx else ():
            name = mm.group(0)
            s = c.start + mm.start()
            if any(a <= s < b for a, b in person_spans):
                continue
            if not lg.name_ends_here(text, c.start + mm.end()):
                continue
            nxt = re.match(r"\s+(\S+)", c.text[mm.end():])
            if nxt and lg.is_org_like(nxt.group(1).rstrip("은는이가의을를,.")):
                continue  # 트럼프 행정부: the name qualifies an organisation
            facets.append(Facet("person", name, people.resolve(name, s), s, s + len(name)))
            person_spans.append((s, s + len(name)))
        dates = lg.dates(text, c.start, c.end, ref)
        facets += dates
        figures = lg.numbers(text, c.start, c.end, toks, [(f.start, f.end) for f in dates])
        facets += figures
        facets += lg.measures(text, c.start, c.end,
                              [(f.start, f.end) for f in (*dates, *figures)])
        facets += lg.doc_types(text, c.start, c.end)
        facets += lg.places(text, c.start, c.end, toks, gz)
        facets += lg.venues(text, c.start, c.end, toks)
        facets += lg.organizations(text, c.start, c.end, toks, person_spans)
        facets += lg.predicates(text, c.start, c.end)
        speaker = _attribution(text, c, toks, lg, people, mentions, facets)
        if speaker is None and (c.sentence_start, c.sentence_end) != (c.start, c.end) and (
                lg.quotes(text, c.start, c.end)):
            # 윤 장관은 "…"며 | "…"고 강조했다: the verb of saying is in another clause
            whole = replace(c, start=c.sentence_start, end=c.sentence_end,
                            text=text[c.sentence_start : c.sentence_end])
            wl = lang.for_text(whole.text)
            speaker = _attribution(text, whole, _tokens([whole], [wl])[0], wl, people,
                                   mentions_in(whole.start, whole.end), None)
        for s, e in lg.quotes(text, c.start, c.end):
            facets.append(Facet("quote", text[s:e], quote_key(text[s:e]), s, e, speaker))
        mod = lg.modality(c.text)
        if mod is not None:
            facets.append(Facet("modality", c.text, mod, c.start, c.end))
        facets.sort(key=lambda f: (f.start, f.end, f.type))
        out.append(replace(c, facets=tuple(facets)))
    return out


def _attribution(text: str, c: Claim, toks: tuple[Token, ...], lg: Language, people: People,
                 mentions: Sequence[Mention], facets: list[Facet] | None) -> str | None:
    """Who says the claim: adds an ``attribution`` facet to ``facets`` (when given) and
    returns the speaker's canonical name (or the clause's inherited subject)."""
    spans = lg.speakers(text, c.start, c.end, toks, mentions)
    for s, e in spans:
        who = text[s:e].strip()
        if not who:
            continue
        key = people.key(who, s)
        abbrev = lg.table("org_abbreviations")
        if key == who and abbrev:
            key = " ".join(abbrev.get(w, w) for w in who.split())
        if facets is not None:
            facets.append(Facet("attribution", text[s:e], key, s, e))
        return key
    if c.subject and lg.say_span(text, c.start, c.end) is not None:
        return people.key(c.subject, c.start)  # the clause's inherited subject says it
    return None


def person_aliases(claims: list[Claim], article: Article) -> dict[str, str]:
    """Cross-script links stated in the text: ``윤서진 (Yoon Seo-jin)`` -> both ways."""
    langs = [lang.for_text(c.text) for c in claims]
    people = collect_people(article, claims, _tokens(claims, langs), langs)
    links: dict[str, str] = {}
    for m in people.mentions:
        if m.alias:
            canon = people.resolve(m.surface)
            links[m.alias] = canon
            links[canon] = canon
    return links
