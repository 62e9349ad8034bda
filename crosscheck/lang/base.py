"""What every language module provides, and the defaults they share.

A language is one class (pySBD's pattern): :class:`Language` implements everything a stage
asks for in a language-neutral way, driven by the language's data file
(``crosscheck/lang/data/<code>.yaml``, loaded once); a language module overrides only what
differs (Korean: kiwipiepy morphemes; Japanese: a morphological analyser; English: pySBD).

Offsets are always Python ``str`` offsets: ``sentences`` returns them relative to the text it
was given, ``tokens`` likewise; the stages add the base offset.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from functools import cached_property
from importlib import resources
from typing import Any, NamedTuple

import yaml

from crosscheck.lang.numbers import Figure, significant_digits
from crosscheck.models import Facet, Mention

# sentence punctuation at the end of a line, before closing quotes and brackets
_STATEMENT_END = re.compile(r"[.!?。？！][\"'”’」』)\]]*\s*$")
# a figure literal: digits with thousands commas and a decimal point (1,347 / 3.5)
_FIGURE_LIT = re.compile(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?")
_NEVER = re.compile(r"(?!x)x")


class Token(NamedTuple):
    """One morpheme or word: its form, its part-of-speech tag (the analyser's tag set:
    Sejong for Korean, UniDic for Japanese) and its offsets."""

    form: str
    tag: str
    start: int
    end: int


Sentence = tuple[int, int, tuple[Token, ...]]
"""(start, end, tokens) of one sentence; tokens may be empty for languages without an
analyser."""
_SENTENCE_ENDS = frozenset({".", "?", "!", "。", "？", "！"})


@dataclass(frozen=True)
class Pattern:
    """A compiled alternation of a data list, longest entry first (so a longer title wins:
    "vice prime minister" before "prime minister")."""

    rx: re.Pattern[str]
    table: dict[str, str]
    spaced: bool = True

    def key(self, surface: str) -> str | None:
        return self.table.get(_entry_fold(surface, self.spaced))


def _entry_fold(surface: str, spaced: bool) -> str:
    """A lexicon entry's lookup form: case folded; without its spaces in a language that does
    not separate words (공동 성명 and 공동성명 are one entry)."""
    s = surface.casefold()
    return re.sub(r"\s+", "", s) if not spaced else s


def longest_first(words: Sequence[str]) -> list[str]:
    return sorted(set(words), key=lambda w: (-len(w), w))


def alternation(words: Sequence[str], bounded: bool, loose_spaces: bool = False) -> str:
    """A regex alternation of ``words``, longest first; ``bounded`` adds word boundaries
    (for languages that separate words by spaces). With ``loose_spaces`` a space inside an
    entry marks where two parts of a compound join, which a text may write with or without
    a space (Korean spacing of compounds: 공동 성명 / 공동성명, 양해 각서 / 양해각서)."""
    def one(w: str) -> str:
        if not loose_spaces:
            return re.escape(w)
        return r"\s?".join(re.escape(p) for p in w.split())
    body = "|".join(one(w) for w in longest_first(words))
    return rf"(?<!\w)(?:{body})(?!\w)" if bounded else f"(?:{body})"


def load_data(code: str) -> dict[str, Any]:
    """The word lists of one language (package data), merged over ``common.yaml``."""
    base = resources.files("crosscheck.lang").joinpath("data")
    common = yaml.safe_load(base.joinpath("common.yaml").read_text(encoding="utf-8")) or {}
    own = yaml.safe_load(base.joinpath(f"{code}.yaml").read_text(encoding="utf-8")) or {}
    merged = dict(common)
    for k, v in own.items():
        if isinstance(v, dict) and isinstance(merged.get(k), dict):
            merged[k] = {**merged[k], **v}
        elif isinstance(v, list) and isinstance(merged.get(k), list):
            merged[k] = [*merged[k], *v]
        else:
            merged[k] = v
    return merged


class Language:
    """The language-neutral defaults; subclasses set ``code``/``scripts`` and override."""

    code = "und"
    scripts: tuple[str, ...] = ()
    spaced = True  # words are separated by spaces (regex word boundaries apply)

    @cached_property
    def data(self) -> dict[str, Any]:
        return load_data(self.code)

    # ------------------------------------------------------------------ analysers
    def prepare(self, n_texts: int) -> None:
        """Announce how many texts are about to be analysed (a heavy analyser may pick a
        lighter or fuller model)."""

    def release(self) -> None:
        """Drop heavy analysers and their memos; the next call loads them again."""

    @property
    def analyser_loaded(self) -> bool:
        """Is a heavy analyser loaded right now (``release`` drops it)?"""
        return False

    def sentences(self, text: str) -> list[Sentence]:
        """Sentences of one line of body text (offsets relative to ``text``)."""
        raise NotImplementedError

    def sentences_batch(self, texts: list[str]) -> list[list[Sentence]]:
        """``sentences`` of many texts (an analyser may do them in one call)."""
        return [self.sentences(t) for t in texts]

    def tokens(self, texts: Sequence[str]) -> list[tuple[Token, ...]]:
        """Morphemes/words of each text (offsets relative to it); () when the language has
        no analyser."""
        return [() for _ in texts]

    # ------------------------------------------------------------------ lexicons
    def table(self, name: str) -> dict[str, str]:
        """A ``surface: key`` table of the data file (``{}`` when absent)."""
        got = self.data.get(name) or {}
        return {str(k): str(v) for k, v in got.items()}

    def words(self, name: str) -> list[str]:
        got = self.data.get(name) or []
        return [str(w) for w in got]

    @cached_property
    def _patterns(self) -> dict[str, Pattern]:
        return {}

    def pattern(self, name: str) -> Pattern:
        """The longest-first alternation of a table (or list) of the data file, compiled
        once, case-insensitive. In a language that does not separate words (``spaced`` is
        False) a space inside an entry marks the join of a compound's parts, which the text
        may write with or without a space (``공동 성명`` matches 공동성명 and 공동 성명; its
        ``key`` is found either way)."""
        got = self._patterns.get(name)
        if got is None:
            raw = self.data.get(name) or {}
            pairs = ([(str(k), str(v)) for k, v in raw.items()] if isinstance(raw, dict)
                     else [(str(w), str(w)) for w in raw])
            table = {_entry_fold(k, self.spaced): v for k, v in pairs}
            words = [k.casefold() for k, _ in pairs]
            rx = re.compile(alternation(words, self.spaced, loose_spaces=not self.spaced)
                            if table else r"(?!x)x", re.IGNORECASE)
            got = self._patterns[name] = Pattern(rx, table, self.spaced)
        return got

    def regex(self, name: str) -> re.Pattern[str]:
        """A regular expression of the data file (a string, or a list of alternatives),
        compiled once, case-insensitive; one that never matches where the file has none."""
        got = self._regexes.get(name)
        if got is None:
            raw = self.data.get(name) or []
            alts = [raw] if isinstance(raw, str) else [str(x) for x in raw]
            got = self._regexes[name] = re.compile("|".join(f"(?:{a})" for a in alts)
                                                   if alts else r"(?!x)x", re.IGNORECASE)
        return got

    @cached_property
    def _regexes(self) -> dict[str, re.Pattern[str]]:
        return {}

    @cached_property
    def titles(self) -> dict[str, str]:
        """The data file's ``titles`` (surface: class)."""
        return self.table("titles")

    @cached_property
    def countries(self) -> dict[str, str]:
        return self.table("countries")

    @cached_property
    def org_suffixes(self) -> tuple[str, ...]:
        """The data file's ``org_suffixes``, longest first."""
        return tuple(sorted(self.words("org_suffixes"), key=len, reverse=True))

    def suffix_title_key(self, title: str) -> str | None:
        """The class of the longest lexicon title that ``title`` ends with (in a language
        that writes a title glued to what it qualifies: 정책실장 -> chief, 経済産業副大臣 ->
        vice_minister), or None."""
        t = title.strip()
        for n in range(len(t), 0, -1):
            key = self.titles.get(t[-n:])
            if key is not None:
                return key
        return None

    def person_of(self, text: str) -> str:
        """Whose words a quotation is in: ``1p`` (we: ``first_person_plural``), ``1s`` (I:
        ``first_person_singular``) or ``""``. Spaced languages match words; others match
        the forms (with their particles, 우리는) where a word may start."""
        plural = self.words("first_person_plural")
        single = self.words("first_person_singular")
        if self.spaced:
            low = {w.casefold() for w in re.findall(r"[^\W\d_]+", text)}
            return "1p" if low & {w.casefold() for w in plural} else (
                "1s" if low & {w.casefold() for w in single} else "")
        if any(re.search(r"(?:^|[\s“\"'(「『])" + re.escape(p), text) for p in plural):
            return "1p"
        if any(re.search(r"(?:^|[\s“\"'(「『])" + re.escape(p), text) for p in single):
            return "1s"
        return ""

    # ------------------------------------------------------------------ page chrome
    def chrome(self, key: str) -> list[str]:
        """One entry of the data file's ``chrome:`` mapping: the words a page wraps around
        its story in this language (byline and credit words, date labels, heading cues,
        site-note phrases, navigation words…), as a list of strings ([] when absent; a
        single string, such as ``name_pattern``, comes back as a one-item list)."""
        got = (self.data.get("chrome") or {}).get(key)
        if got is None:
            return []
        return [str(w) for w in got] if isinstance(got, list) else [str(got)]

    def statements(self, lines: Sequence[str]) -> list[bool]:
        """For each short line: does it read as a statement (it ends in a finite predicate or
        in sentence punctuation) rather than a label, a heading or a caption's noun phrase?
        By default only the punctuation tells."""
        return [bool(_STATEMENT_END.search(s)) for s in lines]

    def has_predicate(self, text: str, start: int, end: int, toks: Sequence[Token]) -> bool:
        """Does ``text[start:end]`` (one item of an enumeration) hold a predicate of its own,
        rather than a noun phrase that the sentence's lead-in and verb complete? By default:
        it ends with sentence or clause punctuation."""
        return bool(_STATEMENT_END.search(text, start, end)) or text[start:end].rstrip().endswith(
            (";", "；"))

    # ------------------------------------------------------------------ clauses
    def clause_cuts(self, text: str, start: int, end: int, toks: Sequence[Token]) -> list[int]:
        """Offsets at which a sentence is cut into clauses (none by default)."""
        return []

    def subject_of(self, text: str, start: int, toks: Sequence[Token]) -> str | None:
        """The subject a later clause of a compound sentence inherits (none by default)."""
        return None

    # ------------------------------------------------------------------ facets
    def title_key(self, title: str) -> str | None:
        """The class of a title (``minister``, ``chief``…) or None when it is not one."""
        return self.table("titles").get(title.strip())

    def short_forms(self, name: str) -> list[str]:
        """Shorter forms an article may use for a full name after introducing it."""
        return []

    def mentions(self, text: str, toks: Sequence[Token], article_id: str = "",
                 start: int | None = None, end: int | None = None) -> list[Mention]:
        """People named with a title in [start, end) (absolute offsets)."""
        return []

    def numbers(self, text: str, start: int, end: int, toks: Sequence[Token],
                taken: Sequence[tuple[int, int]] = ()) -> list[Facet]:
        return []

    # figures written with scale words (Korean 만/억/조 and 십/백/천, Japanese 万/億/兆 and
    # 千/百), from the data file: ``scales``, ``subscales``, ``units``, ``counters``,
    # ``durations``, ``ordinal_counters``, ``figure_date_units`` (what after a digit makes it
    # a date or a time, not the next group of a figure) and ``figure_group_space`` (may a
    # space stand before the next group: 1,347억 9,100만)
    figure_literal: re.Pattern[str] = _FIGURE_LIT

    def figure_ascii(self, literal: str) -> str:
        """A figure literal as ``Decimal`` reads it (thousands commas dropped)."""
        return literal.replace(",", "")

    @cached_property
    def _unit_words(self) -> list[tuple[str, str, str]]:
        """(surface, kind, key) of every word that may follow a figure, longest first; kind
        is unit / counter / duration / ordinal."""
        out: list[tuple[str, str, str]] = []
        for kind, name in (("unit", "units"), ("counter", "counters"),
                           ("duration", "durations")):
            out += [(w, kind, k) for w, k in self.table(name).items()]
        out += [(w, "ordinal", "ordinal") for w in self.words("ordinal_counters")]
        return sorted(out, key=lambda x: (-len(x[0]), x[0]))

    @cached_property
    def _scales(self) -> tuple[dict[str, Decimal], dict[str, Decimal]]:
        big = {str(k): Decimal(str(v)) for k, v in (self.data.get("scales") or {}).items()}
        sub = {str(k): Decimal(str(v)) for k, v in (self.data.get("subscales") or {}).items()}
        return big, sub

    @cached_property
    def _figure_date_rx(self) -> re.Pattern[str]:
        units = self.words("figure_date_units")
        if not units:
            return _NEVER
        return re.compile(r"\d{1,4}\s?(?:" + "|".join(re.escape(u) for u in units) + ")")

    def _parse_figure(self, text: str, pos: int, end: int) -> tuple[Decimal, int, int] | None:
        """The figure at ``pos``: literals (``figure_literal``) with sub-scales and scale
        groups (2천3백만 = 23,000,000; 1,347억 9,100만 = 134,791,000,000; 29만 1831 =
        291,831; 1兆2000億 = 1,200,000,000,000; 2万3000 = 23,000; 3千億 =
        300,000,000,000). Returns (value, significant digits, end), None when no literal
        stands at ``pos``."""
        big, sub = self._scales
        gap = bool(self.data.get("figure_group_space"))
        value = Decimal(0)
        group = Decimal(0)
        digits = 0
        i = pos
        while i < end:
            m = self.figure_literal.match(text, i, end)
            if m is None:
                break
            try:
                lit = Decimal(self.figure_ascii(m.group(0)))
            except (InvalidOperation, ValueError):
                return None
            digits = max(digits, significant_digits(self.figure_ascii(m.group(0))))
            i = m.end()
            if i < end and text[i] in sub:
                group += lit * sub[text[i]]
                i += 1
                if i < end and text[i].isdigit():
                    continue  # 3천500억: the next literal belongs to the same group
            else:
                group += lit
            if i < end and text[i] in big:
                value += group * big[text[i]]
                group = Decimal(0)
                i += 1
                # a next group follows (1347억9100만, 1,347억 9,100만), not a date or time
                j = i + 1 if gap and i < end and text[i] == " " else i
                if j < end and text[j].isdigit() and not self._figure_date_rx.match(
                        text, j, end):
                    i = j
                    continue
            break
        value += group
        if i == pos:
            return None
        return value, max(digits, 1), i

    def dates(self, text: str, start: int, end: int, ref: date | None) -> list[Facet]:
        return []

    def places(self, text: str, start: int, end: int, toks: Sequence[Token],
               gazetteer: Any) -> list[Facet]:
        return []

    def organizations(self, text: str, start: int, end: int, toks: Sequence[Token],
                      person_spans: Sequence[tuple[int, int]]) -> list[Facet]:
        return []

    def is_org_like(self, word: str) -> bool:
        """Does ``word`` name an organisation or a country (so a name before it qualifies
        it: 트럼프 행정부)?"""
        return False

    @cached_property
    def _say_rx(self) -> re.Pattern[str]:
        """Verbs of saying (none by default)."""
        return _NEVER

    def say_span(self, text: str, start: int, end: int) -> re.Match[str] | None:
        """The last verb of saying (``_say_rx``) in [start, end), if any."""
        last = None
        for m in self._say_rx.finditer(text, start, end):
            last = m
        return last

    def speakers(self, text: str, start: int, end: int, toks: Sequence[Token],
                 mentions: Sequence[Mention]) -> list[tuple[int, int]]:
        """Spans of who says the clause [start, end)."""
        return []

    # quoted words: one group for each kind of quotation mark (none by default)
    quote_rx: re.Pattern[str] = _NEVER

    def quotes(self, text: str, start: int, end: int) -> list[tuple[int, int]]:
        """Spans of the words inside quotation marks (``quote_rx``), of more than one word."""
        out = []
        for m in self.quote_rx.finditer(text, start, end):
            g = next(k for k in range(1, self.quote_rx.groups + 1) if m.group(k) is not None)
            if " " in m.group(g).strip():
                out.append((m.start(g), m.end(g)))
        return out

    def modality(self, text: str) -> str | None:
        """``planned`` / ``done`` / None."""
        return None

    def predicates(self, text: str, start: int, end: int) -> list[Facet]:
        return []

    @cached_property
    def _venue_nouns(self) -> frozenset[str]:
        return frozenset(self.words("venue_nouns"))

    @cached_property
    def _venue_regex(self) -> re.Pattern[str] | None:
        """The venue pattern of :meth:`venues`, built once from the data file."""
        nouns = self.words("venue_nouns")
        if not nouns:
            return None
        noun = alternation(nouns, bounded=False)
        if self.spaced:
            before = alternation(self.words("venue_before"), bounded=True)
            return re.compile(rf"(?:{before})\s+(?:the\s+)?((?:[A-Z][\w'&.-]*\s+){{0,4}}"
                              rf"(?:{noun}))\b")
        after = alternation(self.words("venue_after"), bounded=False)
        return re.compile(rf"([\w·]*?(?:{noun}))(?={after})")

    def venues(self, text: str, start: int, end: int, toks: Sequence[Token] = ()
               ) -> list[Facet]:
        """Named venues in [start, end): name words ending in one of the data file's
        ``venue_nouns`` (hall, hotel, museum; 홀, 호텔, 박물관), where the language marks a
        place: after a ``venue_before`` word (at the Grand Hotel) or before a
        ``venue_after`` particle (화랑홀에서). In an unspaced language the name reaches
        back over the nouns before it (tags ``venue_name_tags``: 경주 아트센터 화랑홀, not
        the subject or date before them). Only the name is the facet."""
        rx = self._venue_regex
        if rx is None:
            return []
        name_tags = tuple(self.words("venue_name_tags"))
        out: list[Facet] = []
        for m in rx.finditer(text, start, end):
            s, e = m.span(1)
            if not self.spaced and toks and name_tags:
                # from the noun the name ends in, back over the nouns before it
                last = next((t for t in toks if t.start < e <= t.end), None)
                if last is None or not last.tag.startswith(name_tags):
                    continue
                s = last.start
                prev = [t for t in toks if t.end <= s]
                words = 0
                while prev and words < 3 and prev[-1].tag.startswith(name_tags) and (
                        not text[prev[-1].end : s].strip()):
                    if text[prev[-1].end : s]:
                        words += 1
                    s = prev.pop().start
            name = text[s:e]
            if len(name) < 3 or name in self._venue_nouns:
                continue  # the bare noun (센터에서, at the hall) names no venue
            out.append(Facet("venue", name, re.sub(r"\s+", " ", name).casefold(), s, e))
        return out

    def doc_types(self, text: str, start: int, end: int) -> list[Facet]:
        """Document types named in [start, end) (the data file's ``doc_types``, longest
        first); ``양해각서(MOU)`` is one facet, not two."""
        pat = self.pattern("doc_types")
        out: list[Facet] = []
        taken = start
        for m in pat.rx.finditer(text, start, end):
            key = pat.key(m.group(0))
            if key is None or m.start() < taken:
                continue
            e = m.end()
            paren = re.match(r"\s*\(([^()]{2,40})\)", text[e:min(end, e + 44)])
            if paren:
                inner = pat.rx.fullmatch(paren.group(1).strip())
                if inner and pat.key(inner.group(0)) == key:
                    e += paren.end()
            out.append(Facet("document_type", text[m.start():e], key, m.start(), e))
            taken = e
        return out

    def content_words(self, text: str) -> tuple[tuple[str, ...], frozenset[str], frozenset[str],
                                                 frozenset[str]]:
        """A quotation's content words in order, its predicates, its proper names, and the
        words a negation applies to — from the analyser's tags as the data file names them
        (``content_tags``, ``predicate_tags``, ``proper_tags`` as tag prefixes). A form in
        ``negation_forms`` negates the content word before it (이뤄지지 않다, 行かない), one
        in ``negation_prefix_forms`` that is not itself a content word the one after it
        (안 간다); ``negation_skip_tags``/``negation_skip_forms`` are the bound words passed
        over on the way (것, する). Without an analyser, word stems, a negation word negating
        the word after it."""
        toks = self.tokens([text])[0]
        if not toks:
            return _spaced_content_words(text, frozenset(self.words("stop_words")),
                                         frozenset(self.words("negation_words")))
        content = tuple(self.words("content_tags"))
        preds = tuple(self.words("predicate_tags"))
        proper = tuple(self.words("proper_tags"))
        neg = frozenset(self.words("negation_forms"))
        verbalizers = tuple(self.words("verbalizer_tags"))  # 하다/되다 after a noun: 집행되다
        prefix = frozenset(self.words("negation_prefix_forms"))
        skip_tags = tuple(self.words("negation_skip_tags"))
        skip_forms = frozenset(self.words("negation_skip_forms"))

        def head(i: int, step: int) -> str | None:
            j = i + step
            while 0 <= j < len(toks):
                t = toks[j]
                bound = (skip_tags and t.tag.startswith(skip_tags)) or t.form in skip_forms
                if t.tag.startswith(content) and not bound:
                    return t.form
                j += step
            return None

        seq: list[str] = []
        p: set[str] = set()
        names: set[str] = set()
        negated: set[str] = set()
        for i, t in enumerate(toks):
            if t.tag.startswith(content):
                seq.append(t.form)
            if t.tag.startswith(preds):
                p.add(t.form)
            elif verbalizers and t.tag.startswith(verbalizers) and i and toks[i - 1].tag.startswith(
                    content):
                p.add(toks[i - 1].form)
            if t.tag.startswith(proper):
                names.add(t.form)
            if t.form in neg:
                h = head(i, -1)
            elif t.form in prefix and not t.tag.startswith(content):
                h = head(i, 1)
            else:
                continue
            negated.add(h or t.form)
        return tuple(seq), frozenset(p), frozenset(names), frozenset(negated)

    @cached_property
    def _measure_scales(self) -> dict[str, str]:
        """The data file's ``measure_prefixes`` and ``measure_suffixes`` (scale name -> unit
        key), casefolded, in one table."""
        return {str(k).casefold(): str(v) for key in ("measure_prefixes", "measure_suffixes")
                for k, v in (self.data.get(key) or {}).items()}

    @cached_property
    def _measure_regex(self) -> re.Pattern[str] | None:
        """:meth:`measures`' pattern, from the data file's ``measure_prefixes`` and
        ``measure_suffixes``."""
        pre = [str(k) for k in self.data.get("measure_prefixes") or {}]
        suf = [str(k) for k in self.data.get("measure_suffixes") or {}]
        if not pre and not suf:
            return None
        # a scale's reading: 0 to 10 with up to two decimals, nothing glued after it (규모
        # 3500억 달러 is the size of a deal, not a reading)
        num = r"(?P<num>(?:10|\d)(?:\.\d{1,2})?)(?![\d.,]|\s?[억조만천백명개대원%億兆万人台円])"
        parts = []
        if pre:
            scale = alternation(pre, bounded=self.spaced)
            parts.append(rf"(?P<pre>{scale})\s?-?\s?{num}")
        if suf:
            parts.append(num.replace("num", "num2")
                         + rf"\s?-\s?(?P<suf>{alternation(suf, bounded=self.spaced)})")
        return re.compile("|".join(f"(?:{p})" for p in parts),
                          re.IGNORECASE if self.spaced else 0)

    def measures(self, text: str, start: int, end: int,
                 taken: Sequence[tuple[int, int]] = ()) -> list[Facet]:
        """Figures on a named scale, written next to it: magnitude 6.1, a 6.4-magnitude
        quake, 규모 6.1, マグニチュード6.1 -> ``6.1 magnitude`` (the data file's
        ``measure_prefixes``/``measure_suffixes``). A bare 6.1 says nothing checkable; on
        its scale it is the figure outlets most often disagree on."""
        rx = self._measure_regex
        if rx is None:
            return []
        scales = self._measure_scales
        out: list[Facet] = []
        for m in rx.finditer(text, start, end):
            if any(a < m.end() and m.start() < b for a, b in taken):
                continue
            lit = m.group("num") or m.group("num2")
            unit = scales[(m.group("pre") or m.group("suf")).casefold()]
            fig = Figure(Decimal(lit), significant_digits(lit))
            out.append(Facet("number", m.group(0), fig.normalized(unit), m.start(), m.end(),
                             unit=unit))
        return out

    def event_word(self, text: str, end: int) -> str | None:
        """What happened on a date that ends at ``end`` in ``text``: a verbal noun after it
        in its sentence — a noun of the data file's ``verbal_noun_tags`` joined to a word of
        its ``verbal_noun_followers`` (발표+하다, 署名+する). The one right after the date
        when there is one (18일 발생한 사고 -> 발생: the date is that clause's), else the
        sentence's last (12日、…を建設する…と発表した -> 発表: in a head-final language the
        main predicate comes last). None without an analyser or these tags."""
        nouns = tuple(self.words("verbal_noun_tags"))
        followers = tuple(self.words("verbal_noun_followers"))
        if not nouns or not followers:
            return None
        toks = [t for t in self.tokens([text])[0] if t.start >= end]
        found: list[int] = []
        for i, (prev, t) in enumerate(itertools.pairwise(toks)):
            if prev.form in _SENTENCE_ENDS:
                break
            if t.tag.startswith(followers) and prev.tag.startswith(nouns) \
                    and prev.end == t.start:
                found.append(i)
        if not found:
            return None
        return toks[0 if found[0] == 0 else found[-1]].form

    def name_ends_here(self, text: str, end: int) -> bool:
        """Can a name end at ``end`` (a bare mention of a known name)? In spaced languages a
        word boundary does it; otherwise what follows must be a space, punctuation or one
        of the data file's ``name_followers`` (particles, honorifics)."""
        if self.spaced or end >= len(text):
            return True
        nxt = text[end]
        if nxt.isspace() or not nxt.isalnum():
            return True
        return any(text.startswith(f, end) for f in self.words("name_followers"))

    def generic_doc_types(self) -> frozenset[str]:
        return frozenset(self.words("generic_doc_types"))


_STOP_EN = frozenset([
    "a", "an", "the", "of", "in", "on", "at", "to", "for", "from", "by", "with", "and", "or",
    "but", "as", "is", "are", "was", "were", "be", "been", "being", "that", "this", "these",
    "those", "it", "its", "their", "his", "her", "has", "have", "had", "will", "would", "can",
    "could", "than", "so", "such", "said", "says", "also", "which", "who", "whom", "whose",
    "what", "when", "where", "there", "here", "into", "over", "under", "about", "after",
    "before", "between", "up", "down", "out", "off", "not", "no", "nor", "per", "each", "all",
    "any", "some", "more", "most", "other", "very", "just", "only", "than", "then", "still",
    "yet",
])


def _spaced_content_words(text: str, stop: frozenset[str], negation: frozenset[str]
                          ) -> tuple[tuple[str, ...], frozenset[str], frozenset[str],
                                     frozenset[str]]:
    seq: list[str] = []
    names: set[str] = set()
    negated: set[str] = set()
    pending = False  # a negation waiting for the word it applies to
    for k, w in enumerate(re.findall(r"[^\W_]+(?:'[a-z]+)?", text)):
        wl = w.casefold()
        if wl in negation or wl.endswith("n't"):
            pending = True
        elif len(wl) > 2 and wl not in (stop or _STOP_EN) and not wl.isdigit():
            seq.append(stem(wl))
            if pending:
                negated.add(stem(wl))
                pending = False
            if k > 0 and w[:1].isupper():
                names.add(w)
    if pending:
        negated.add("")
    return tuple(seq), frozenset(), frozenset(names), frozenset(negated)


def quote_depths(text: str, start: int, end: int, opens: str, closes: str) -> list[int]:
    """For each offset of [start, end): 1 inside quotation marks (after an opening mark of
    ``opens`` not yet closed by one of ``closes``; a straight ``"`` opens or closes), else 0.
    A mark counts as inside what it opens and outside what it closes."""
    depth = 0
    out = []
    for i in range(start, end):
        c = text[i]
        if c in opens:
            depth += 1
        elif c in closes:
            depth = max(0, depth - 1)
        elif c == '"':
            depth = 0 if depth else 1
        out.append(1 if depth else 0)
    return out


def yearless_day(month: int, day: int) -> tuple[str, str] | None:
    """A month and day with no year to place them in (no article date): ``--MM-DD`` at the
    ``day`` grain, None when no year has that day."""
    try:
        date(2000, month, day)
    except ValueError:
        return None
    return f"--{month:02d}-{day:02d}", "day"


def iso_day(year: int, month: int, day: int) -> str | None:
    """``YYYY-MM-DD``, or None when there is no such day."""
    try:
        return date(year, month, day).isoformat()
    except ValueError:
        return None


def stem(w: str) -> str:
    """A crude English stem (plural and tense endings off)."""
    w = w.casefold()
    for suf in ("ing", "ed", "es", "s"):
        if len(w) > len(suf) + 3 and w.endswith(suf):
            return w[: -len(suf)]
    return w


# --------------------------------------------------------------------------- dates


def year_of(month: int, day: int | None, ref: date, lean: str | None = None) -> int:
    """The year of a date written without one (a month and day, or a month alone), in an
    article published on ``ref``; the one rule of every language (12월 3일, December 3,
    12月3日 and ``in July``, 7월, 7月 resolve alike):

    * by default, the article's year;
    * ``lean="past"`` (a word that puts it in the past: 지난 5일, 지난 12월): the latest such
      date not after the article's day (a month: before the article's month);
    * ``lean="future"`` (오는 28일, 오는 1월): the earliest not before the article's day
      (a month: after the article's month);
    * ``lean="done"`` (the sentence tells what happened: 서명했다, signed): the year before
      when the date lies more than a month after the article's (a thing done in December,
      told in a January article, was done last December);
    * ``lean="planned"`` (the sentence tells what will be: 열릴 예정이다, will be held): the
      year after when the date lies more than a month before the article's (``will be held
      in July`` in December is next July).

    A month either side of the article's is never moved by tense alone: a report a few days
    late or early, or a tense read wrong, keeps the article's year.
    """
    y = ref.year
    if lean == "past":
        if day is None:
            return y - 1 if month >= ref.month else y
        return y - 1 if (month, day) > (ref.month, ref.day) else y
    if lean == "future":
        if day is None:
            return y + 1 if month <= ref.month else y
        return y + 1 if (month, day) < (ref.month, ref.day) else y
    if lean == "done" and month > ref.month + 1:
        return y - 1
    if lean == "planned" and month < ref.month - 1:
        return y + 1
    return y


def tense_lean(modality: str | None) -> str | None:
    """The ``lean`` of :func:`year_of` a sentence's modality gives (``planned``/``done``)."""
    return modality if modality in ("planned", "done") else None


_ISO_PARTS = re.compile(r"(\d{4})-(\d{2})(?:-(\d{2}))?(T.*)?")


def range_end(start: str, end: str, day: int | None, month_written: bool,
              year_written: bool) -> str:
    """The normalised end of a range whose end may leave out what it shares with its start
    (``start`` and ``end`` are the two dates' ISO values, ``day`` the end's day as written):
    written without its month (20일부터 22일까지, May 20 to 22, 28日から30日) it lies in the
    start's month, or the next when its day comes before the start's; written with a month
    but no year (10월 28일부터 11월 2일, 10月28日から11月2日) in the start's year, or the
    next when it would fall before the start. An end that writes its year is kept."""
    pa, pb = _ISO_PARTS.fullmatch(start), _ISO_PARTS.fullmatch(end)
    if pa is None or pb is None or year_written:
        return end
    ya, ma, da = int(pa.group(1)), int(pa.group(2)), int(pa.group(3) or 0)
    mb, db = int(pb.group(2)), int(pb.group(3) or 0)
    yb = ya
    if not month_written and day is not None:
        mb, db = ma, day
        if db < da:
            mb += 1
            if mb == 13:
                yb, mb = yb + 1, 1
    elif (mb, db) < (ma, da):
        yb += 1
    try:
        return (date(yb, mb, db).isoformat() + (pb.group(4) or "") if db
                else f"{yb:04d}-{mb:02d}")
    except ValueError:
        return end
