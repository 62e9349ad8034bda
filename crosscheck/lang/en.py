"""English (and the default for other Latin-script text): pySBD sentences, names with their
titles (Deputy Prime Minister X, X, CEO of Y), figures with what they count ($134.8 billion,
23 hacked servers, five), dates (April 18, the 18th, Monday, between A and B).

Word lists live in ``data/en.yaml``.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal
from functools import cached_property
from typing import Any, NamedTuple

from crosscheck.lang.base import (
    Language,
    Sentence,
    Token,
    alternation,
    iso_day,
    quote_depths,
    range_end,
    tense_lean,
    year_of,
    yearless_day,
)
from crosscheck.lang.numbers import Figure, significant_digits
from crosscheck.models import Facet, Mention
from crosscheck.scripts import has_hangul

_NAME_WORD = r"[A-Z][a-z]+(?:-[a-zA-Z][a-z]+)?"
_NAME = _NAME_WORD + r"(?:\s+" + _NAME_WORD + r"){1,2}"
_QUOTE_RX = re.compile(r"“([^”]{6,}?)”|\"([^\"]{6,}?)\"|‘([^’]{6,}?)’|(?<![A-Za-z])'([^']{6,}?)'"
                       r"(?![A-Za-z])")
_LIT = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
_TIME = re.compile(r"\b\d{1,2}(?::\d{2})?\s?(?:a\.m\.|p\.m\.|am|pm|AM|PM|A\.M\.|P\.M\.)"
                   r"|\b\d{1,2}:\d{2}\b")
class _RangeEnd(NamedTuple):
    """The second figure of a range (``20 percent`` of ``10-20 percent``)."""

    join: str
    start: int
    end: int
    value: Decimal
    digits: int
    scale: str
    unit: str
    head: str | None


# a word after a place name that makes it a region ("Ontario province", "Georgia state")
_REGION_AFTER = re.compile(r"\s+(?:province|state|prefecture|territory|region|county)\b",
                           re.IGNORECASE)

# a day alone after a range word, ending a range begun by a date (May 20 to 22)
_BARE_DAY_END = re.compile(r"(?P<join>\s*[-–]\s*|,?\s+(?:to|through|until|and)\s+)"
                           r"(?P<d>\d{1,2})(?:st|nd|rd|th)?\b(?![-–.,:]?\d)")
_WORD_AFTER = re.compile(r"\s*([A-Za-z%$€£¥]+)")
_STOP_HEAD = {
    "in", "on", "at", "from", "by", "for", "with", "to", "and", "or", "that", "which", "who",
    "as", "than", "a", "an", "the", "this", "these", "those", "is", "are", "was", "were",
    "be", "been", "will", "would", "has", "have", "had", "its", "their", "his", "her", "per",
    "each", "so", "far", "more", "less", "up", "down", "over", "under", "into", "since",
    "after", "before", "about", "around", "while", "when", "where", "but", "not", "also",
    "respectively", "if", "of",
}


class English(Language):
    code = "en"
    scripts = ("latin",)
    quote_rx = _QUOTE_RX

    # ------------------------------------------------------------------ sentences
    @cached_property
    def _segmenter(self) -> Any:
        import pysbd

        return pysbd.Segmenter(language="en", clean=False, char_span=True)

    def sentences(self, text: str) -> list[Sentence]:
        out: list[Sentence] = []
        cursor = 0
        for sent in _pysbd_sentences(self._segmenter, text):
            piece = sent.strip()
            if not piece:
                continue
            k = text.find(piece, cursor)
            if k < 0:
                continue
            cursor = k + len(piece)
            out.append((k, cursor, ()))
        return out

    def clause_cuts(self, text: str, start: int, end: int, toks: Sequence[Token]) -> list[int]:
        """An English sentence is cut at ``; `` outside quotation marks."""
        depths = quote_depths(text, start, end - 2, "“‘", "”’")
        return [i + 2 for i in range(start, end - 2)
                if text[i] == ";" and text[i + 1] == " " and not depths[i - start]]

    def subject_of(self, text: str, start: int, toks: Sequence[Token]) -> str | None:
        return None

    # ------------------------------------------------------------------ titles, names
    @cached_property
    def titles(self) -> dict[str, str]:
        return {k.casefold(): v for k, v in self.table("titles").items()}

    @cached_property
    def _title_words(self) -> str:
        return alternation(list(self.titles), bounded=False)

    def title_key(self, title: str) -> str | None:
        """The class of a title: the longest lexicon title it ends with ("Deputy Minister"
        -> vice_minister, "Presidential Chief of Staff for Policy" -> chief_of_staff,
        "director general of the … Bureau" -> director_general)."""
        low = re.sub(r"\s+", " ", title.casefold().strip())
        low = re.sub(r"\s+(?:of|for|at)\s.*$", "", low)  # "chief of staff for policy"
        best = None
        for t, key in self.titles.items():
            if (low == t or low.endswith(" " + t)) and (best is None or len(t) > len(best[0])):
                best = (t, key)
        if best is None:
            # "chief of staff", "director general of …": the title word starts the phrase
            head = title.casefold().strip()
            for t, key in sorted(self.titles.items(), key=lambda kv: -len(kv[0])):
                if head.startswith(t + " ") or head == t:
                    return key
            return None
        return best[1]

    @cached_property
    def _mention_rx(self) -> tuple[re.Pattern[str], ...]:
        tw = self._title_words
        before = re.compile(
            r"(?P<title>(?:(?:[A-Z][a-z]+|[A-Z]{2,})\s+){0,3}?(?i:" + tw + r"))\s+"
            r"(?P<name>" + _NAME + r")")
        after = re.compile(
            r"(?P<name>" + _NAME + r"),\s+(?:(?:the|a|an|his|her|[A-Z][\w.]*'s|[A-Za-z]+)\s+)"
            r"{0,4}?(?P<title>(?i:" + tw + r")(?:\s+(?:of|for)\s+(?:the\s+)?[A-Z][\w&\-]*"
            r"(?:\s+(?:[A-Z][\w&\-]*|&|and|for|of))*)?)\b")
        of = re.compile(
            r"\b(?P<title>(?i:" + tw + r"))\s+(?:of|for)\s+(?:the\s+)?"
            r"[A-Z][^.;()\"“”]{1,60}?,\s+(?P<name>" + _NAME + r")\b")
        surname = re.compile(
            r"(?P<title>(?:(?:[A-Z][a-z]+)\s+){0,2}?(?i:" + tw + r"))\s+(?P<name>"
            + _NAME_WORD + r")\b(?!\s+[A-Z][a-z])")
        return of, before, after, surname

    @cached_property
    def not_names(self) -> frozenset[str]:
        return frozenset(self.words("not_names"))

    @cached_property
    def org_words(self) -> frozenset[str]:
        return frozenset(self.words("org_words"))

    def short_forms(self, name: str) -> list[str]:
        """Forms an article may use for a full name later: the last word, and the first
        (Korean names romanised surname first: "Yoon")."""
        parts = name.split()
        if len(parts) < 2:
            return []
        return [parts[-1], parts[0]]

    def mentions(self, text: str, toks: Sequence[Token], article_id: str = "",
                 start: int | None = None, end: int | None = None) -> list[Mention]:
        lo = 0 if start is None else start
        hi = len(text) if end is None else end
        seg = text[lo:hi]
        out: list[Mention] = []
        for n, rx in enumerate(self._mention_rx):
            for m in rx.finditer(seg):
                name = m.group("name")
                words = name.split()
                if words[0] in self.not_names or words[-1] in self.not_names:
                    continue
                if any(w in self.org_words for w in words):
                    continue
                title = m.group("title")
                if self.title_key(title) is None:
                    continue
                ns = lo + m.start("name")
                if any(o.start == ns for o in out):
                    continue
                if n == 3 and any(o.start <= ns < o.end for o in out):
                    continue
                ts, te = lo + m.start("title"), lo + m.end("title")
                # leading words that say whose title it is, not what it is (South Korean …)
                while True:
                    w = re.match(r"(\S+)\s+", text[ts:te])
                    if w is None or w.group(1).casefold() not in _TITLE_QUALIFIERS:
                        break
                    ts += w.end()
                alias = None
                am = re.match(r"\s*\(([^()]{2,40})\)", text[ns + len(name):ns + len(name) + 44])
                if am and has_hangul(am.group(1)):
                    alias = am.group(1).strip()
                out.append(Mention(article_id, name, start=ns, end=ns + len(name),
                                   title=text[ts:te], title_start=ts, title_end=te,
                                   alias=alias))
        return out

    # ------------------------------------------------------------------ figures
    @cached_property
    def _figure_rx(self) -> re.Pattern[str]:
        scales = alternation(list(self.table("scales")), bounded=False)
        words = alternation([w for w in self.table("number_words") if w != "one"], bounded=True)
        return re.compile(
            r"(?P<cur>US\$|C\$|A\$|\$|€|£|¥|₩|￦)?\s?"
            r"(?:(?<![\w.,\-])(?P<num>" + _LIT + r")|(?P<word>" + words + r"))"
            r"(?:\s?(?P<scale>" + scales + r")\b)?",
            re.IGNORECASE,
        )

    @cached_property
    def _range_num_rx(self) -> re.Pattern[str]:
        """A range word and the figure after it (``-20``, `` and 20``, `` to $7 billion``)."""
        scales = alternation(list(self.table("scales")), bounded=False)
        return re.compile(
            r"(?P<join>\s?[-–~]\s?|\s+(?:to|and|through)\s+)"
            r"(?P<cur>US\$|C\$|A\$|\$|€|£|¥|₩)?(?P<num>" + _LIT + r")(?![\d.,]*\d)"
            r"(?:\s?(?P<scale>" + scales + r")\b)?", re.IGNORECASE)

    @cached_property
    def _units(self) -> list[tuple[str, str]]:
        return sorted(((k.casefold(), v) for k, v in self.table("units").items()),
                      key=lambda kv: -len(kv[0]))

    @cached_property
    def _durations(self) -> dict[str, str]:
        return {k.casefold(): v for k, v in self.table("durations").items()}

    @cached_property
    def _partitives(self) -> frozenset[str]:
        return frozenset(self.words("partitive_nouns"))

    @cached_property
    def _head_stops(self) -> frozenset[str]:
        """Words that end what a figure counts: the verbs of the data file (``head_stops``,
        the verbs of saying, of doing, of change and the first words of planned phrases)."""
        change = self.data.get("change_words") or {}
        words = [*self.words("head_stops"), *self.words("say_verbs"), *self.words("done_verbs"),
                 *(w for ws in change.values() for w in ws),
                 *(p.split()[0] for p in self.words("planned"))]
        return frozenset(w.casefold() for w in words if " " not in w)

    @cached_property
    def _count_nouns(self) -> dict[str, str]:
        return {k.casefold(): v for k, v in self.table("count_nouns").items()}

    def numbers(self, text: str, start: int, end: int, toks: Sequence[Token],
                taken: Sequence[tuple[int, int]] = ()) -> list[Facet]:
        """Figures with a unit or what they count: ``$134.8 billion`` -> ``134800000000
        USD``, ``23 hacked servers`` -> ``23 machines`` (head servers), ``9.82 (gigabytes)``
        -> ``9.82 GB``, ``five`` -> 5; about/nearly/roughly hedge it (``~``); years, times,
        ordinals (25th), codes (5G, COVID-19, 15-digit) and phone numbers are left out."""
        out: list[Facet] = []
        number_words = {k.casefold(): v for k, v in self.table("number_words").items()}
        scales = {k.casefold(): Decimal(str(v)) for k, v in
                  (self.data.get("scales") or {}).items()}
        symbols = {str(k): str(v) for k, v in (self.data.get("currency_symbols") or {}).items()}
        times = [(m.start(), m.end()) for m in _TIME.finditer(text, start, end)]
        blocked = [*taken, *times]
        skip_until = -1  # the end of a range already given with its start
        for m in self._figure_rx.finditer(text, start, end):
            s, e = m.start(), m.end()
            while s < e and text[s].isspace():
                s += 1
            core = m.start("num") if m.group("num") else m.start("word")
            if any(a <= core < b for a, b in blocked):
                continue
            nxt = text[e:e + 1]
            if m.group("num"):
                lit = m.group("num")
                glued = (nxt and (nxt.isalpha() and not m.group("scale"))) or (
                    nxt in ("-",) and re.match(r"-[A-Za-z]", text[e:e + 2]))
                # 5G, 25th, 15-digit; but "$20 billion" and "9.82 (gigabytes)" pass
                if glued and not re.match(r"\s", nxt or " "):
                    continue
                if s > 0 and text[s - 1] in "-/" and not m.group("cur"):
                    continue  # COVID-19, 2024/25
                value = Decimal(lit.replace(",", ""))
                digits = significant_digits(lit)
            else:
                value = Decimal(number_words[m.group("word").casefold()])
                digits = len(str(int(value)).strip("0")) or 1
            scale = (m.group("scale") or "").casefold()
            if scale in ("m", "b") and not m.group("cur"):
                continue  # "5 m" is five metres, "3 b" nothing: only "$5m", "$3b"
            if scale:
                value *= scales[scale]
            cur = symbols.get(m.group("cur") or "", "")
            # the unit or counted noun after the figure ("(gigabytes)", "percent", "servers")
            rest = text[e:min(end, e + 60)]
            unit, unit_end, head = cur, e, None
            um = re.match(r"\s?\(?\s?([A-Za-z%][A-Za-z%. ]{0,20})", rest)
            if not unit or unit == "":
                for surface, key in self._units:
                    if re.match(r"\s?\(?\s?" + re.escape(surface) + r"(?![A-Za-z])\)?", rest,
                                re.IGNORECASE):
                        unit = key
                        unit_end = e + re.match(r"\s?\(?\s?" + re.escape(surface) + r"\)?",
                                                rest, re.IGNORECASE).end()  # type: ignore
                        break
            elif um and um.group(1).casefold().startswith(("won", "dollar")):
                pass
            second = None
            if m.group("num") and core >= skip_until:
                second = self._range_second(text, s, unit_end if unit else e, end, unit,
                                            blocked)
            if second is not None:
                if not unit:
                    unit = second.unit or ""
                if not scale and second.scale:
                    value *= scales[second.scale]
                skip_until = second.end
            if unit == "" and um:
                first = um.group(1).split()[0].casefold().strip(".")
                if first in self._durations:
                    continue  # 17 hours, three years: a duration
            if unit == "" or unit in ("USD", "KRW", "EUR", "JPY", "GBP", "CNY", "CAD"):
                head = _head_noun(text, unit_end, end, self._partitives, self._head_stops,
                                  frozenset(self._count_nouns))
            if not unit and head:
                klass = next((self._count_nouns[w] for w in reversed(head.casefold().split())
                              if w in self._count_nouns), None)
                unit = klass or ""
            plain = not unit and not scale and not m.group("cur")
            if plain and m.group("num") and "." not in lit and 1900 <= value <= 2100:
                continue  # a year
            if plain and value < 10 and m.group("num"):
                continue  # a bare small figure ("3 areas" counts little we can check)
            if plain and not head:
                continue
            if m.group("word") and not head and not _quantity_context(text, s, end):
                continue
            before = text[max(0, s - 24):s]
            approx = bool(re.search(r"\b(?:" + "|".join(
                re.escape(w) for w in self.words("approx_before")) + r")\s+$", before,
                re.IGNORECASE))
            bound = None
            if re.search(r"\b(?:more than|over|at least|upwards of|just over|well over)\s+$",
                         before, re.IGNORECASE):
                bound = "min"
            elif re.search(r"\b(?:up to|less than|under|no (?:more|larger|greater) than|"
                           r"at most)\s+$", before, re.IGNORECASE):
                bound = "max"
            fig = Figure(value, digits, approx, bound)
            span_end = max(e, unit_end)
            role = _role(text, s, span_end, self.data)
            if second is not None:
                # from 10 to 20 percent after a change word: the change's from/to; else the
                # ends of a range (10-20 percent, between 10 and 20 percent)
                changed = role == "from" and second.join == "to"
                role = "from" if changed else "start"
                head = head or second.head
                out.append(Facet("number", text[s:span_end].strip(), fig.normalized(unit),
                                 s + (len(text[s:span_end]) - len(text[s:span_end].lstrip())),
                                 s + len(text[s:span_end].rstrip()), unit=unit or None,
                                 head=head, role=role))
                fig2 = Figure(second.value, second.digits, approx)
                out.append(Facet("number", text[second.start:second.end],
                                 fig2.normalized(unit), second.start, second.end,
                                 unit=unit or None, head=second.head or head,
                                 role="to" if changed else "end"))
                continue
            if core < skip_until:
                continue  # the end of a range, given with its start
            out.append(Facet("number", text[s:span_end].strip(), fig.normalized(unit),
                             s + (len(text[s:span_end]) - len(text[s:span_end].lstrip())),
                             s + len(text[s:span_end].rstrip()), unit=unit or None, head=head,
                             role=role))
        return out

    def _unit_in(self, text: str, pos: int, end: int) -> tuple[str, int]:
        """The unit written right after ``pos`` ("percent", "(gigabytes)"), and where it ends
        (("", pos) when none)."""
        rest = text[pos:min(end, pos + 60)]
        for surface, key in self._units:
            um = re.match(r"\s?\(?\s?" + re.escape(surface) + r"(?![A-Za-z])\)?", rest,
                          re.IGNORECASE)
            if um:
                return key, pos + um.end()
        return "", pos

    def _range_second(self, text: str, s: int, pos: int, end: int, unit: str,
                      blocked: Sequence[tuple[int, int]]) -> _RangeEnd | None:
        """The end of a range whose start is the figure at ``s`` (its unit, if written, ends
        at ``pos``): ``10-20 percent``, ``between 10 and 20 percent``, ``from 10 to 20
        percent``, ``$5-7 billion``. The end must carry a unit, a currency or a counted noun
        (the start borrows it), the same as the start's when it has one; ``and`` needs
        ``between`` before the start, and a start with its own unit takes ``to`` only after
        ``from``."""
        rm = self._range_num_rx.match(text, pos, end)
        if rm is None or any(a <= rm.start("num") < b for a, b in blocked):
            return None
        join = rm.group("join").strip().casefold()
        before = text[max(0, s - 12):s].casefold()
        if join == "and" and not re.search(r"\bbetween\s+$", before):
            return None
        if unit and join in ("to", "through") and not re.search(r"\bfrom\s+$", before):
            return None
        scale = (rm.group("scale") or "").casefold()
        symbols = {str(k): str(v) for k, v in (self.data.get("currency_symbols") or {}).items()}
        if scale in ("m", "b") and not rm.group("cur") and unit not in symbols.values():
            return None
        unit2 = symbols.get(rm.group("cur") or "", "")
        unit_end = rm.end()
        if not unit2:
            unit2, unit_end = self._unit_in(text, rm.end(), end)
        head = None
        if not unit2 or unit2 in symbols.values():
            head = _head_noun(text, unit_end, end, self._partitives, self._head_stops,
                              frozenset(self._count_nouns))
        if not unit2 and head:
            unit2 = next((self._count_nouns[w] for w in reversed(head.casefold().split())
                          if w in self._count_nouns), "")
        if not unit2 and unit in symbols.values():
            unit2 = unit  # $5-7 billion
        if not unit2 or (unit and unit != unit2):
            return None
        lit = rm.group("num")
        e2 = max(rm.end(), unit_end)
        e2 = rm.start("num") + len(text[rm.start("num"):e2].rstrip())
        return _RangeEnd(join, rm.start("cur") if rm.group("cur") else rm.start("num"), e2,
                         Decimal(lit.replace(",", "")) * (
                             Decimal(str((self.data.get("scales") or {})[scale]))
                             if scale else 1),
                         significant_digits(lit), scale, unit2, head)

    # ------------------------------------------------------------------ dates
    @cached_property
    def _date_rx(self) -> list[re.Pattern[str]]:
        mon = (r"(?P<mon>Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?"
               r"|Aug(?:ust)?|Sept?(?:ember)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)")
        time = (r"(?:,?\s+(?:at\s+)?(?:about\s+|approximately\s+|around\s+)?(?P<H>\d{1,2})"
                r"(?::(?P<Mi>\d{2}))?\s?(?P<ap>a\.m\.|p\.m\.|am|pm|AM|PM))?")
        time_before = (r"(?:(?:at\s+)?(?:about\s+|approximately\s+|around\s+)?(?P<H0>\d{1,2})"
                       r"(?::(?P<M0>\d{2}))?\s?(?P<ap0>a\.m\.|p\.m\.|am|pm|AM|PM)\s+on\s+)?")
        return [
            re.compile(r"(?<!\d)(?P<y>(?:19|20)\d{2})-(?P<m>\d{1,2})-(?P<d>\d{1,2})(?!\d)"),
            re.compile(time_before + r"(?:(?P<wd0>Monday|Tuesday|Wednesday|Thursday|Friday"
                       r"|Saturday|Sunday),?\s+)?" + mon + r"\.?\s+(?P<d>\d{1,2})(?:st|nd|rd|th)?"
                       r"\b(?:,?\s+(?P<y>(?:19|20)\d{2}))?" + time),
            re.compile(time_before + r"\b(?P<d>\d{1,2})(?:st|nd|rd|th)?\s+(?:of\s+)?" + mon
                       + r"\b(?:,?\s+(?P<y>(?:19|20)\d{2}))?" + time),
            re.compile(time_before + r"\bthe\s+(?P<dth>\d{1,2})(?:st|nd|rd|th)\b" + time),
            re.compile(r"\b(?P<wrel>last |next |this )?(?P<wd>Monday|Tuesday|Wednesday|Thursday"
                       r"|Friday|Saturday|Sunday)\b"),
            re.compile(r"\b(?P<word>yesterday|today|tomorrow)\b", re.IGNORECASE),
            re.compile(mon.replace("?P<mon>", "?P<mon2>") + r"\.?\s+(?P<ym2>(?:19|20)\d{2})\b"),
            re.compile(r"\b(?:in|during|since|until|by|from|through|early|late|mid-?|to|and|"
                       r"between)\s+(?:early\s+|late\s+|mid-?)?"
                       + mon.replace("?P<mon>", "?P<mon3>") + r"\b(?!\s+\d)"),
            re.compile(r"\b(?:in|by|for|from|until|since|before|after|through|early|late|mid-?)"
                       r"\s+(?P<yo2>(?:19|20)\d{2})\b(?![,.]?\d)", re.IGNORECASE),
        ]

    def dates(self, text: str, start: int, end: int, ref: date | None) -> list[Facet]:
        """Dates resolved against the article's day: ``May 19``, ``Dec. 2, 2024``, ``the
        18th`` (this month), ``Monday`` (the last one on or before the article's day),
        ``June 2022`` / ``in July`` (a month), ``by 2027`` (a year), ``yesterday``; with a
        time (``11:20 p.m. on April 18``). ``between A and B`` / ``from A to B`` / ``A
        through B`` / ``A-B`` mark the ends of a range; an end written without its month
        (``May 20 to 22``, ``between May 20 and 22``) lies in the start's month, one without
        its year in the start's year (``base.range_end``). A date without its year takes the
        article's, moved by the sentence's tense as :func:`crosscheck.lang.base.year_of`
        says (``will be held in July`` in December is next July)."""
        out: list[Facet] = []
        taken: list[tuple[int, int]] = []
        lean = tense_lean(self.modality(text[start:end]))
        for rx in self._date_rx:
            for m in rx.finditer(text, start, end):
                gd = m.groupdict()
                key = next((g for g in ("mon3", "yo2") if gd.get(g)), None)
                s, e = (m.start(key), m.end(key)) if key else (m.start(), m.end())
                if any(a < e and s < b for a, b in taken):
                    continue
                got = self._resolve(gd, ref, lean)
                if got is None:
                    continue
                norm, grain = got
                taken.append((s, e))
                out.append(Facet("date", text[s:e], norm, s, e, unit=grain))
        out.sort(key=lambda f: f.start)
        out = self._bare_day_ends(text, end, out)
        for k in range(len(out) - 1):
            a, b = out[k], out[k + 1]
            if a.role or b.role:
                continue
            gap = text[a.end:b.start]
            before = text[max(start, a.start - 10):a.start]
            if (re.fullmatch(r",?\s+(?:and|to|through|until)\s+", gap)
                    and re.search(r"\b(?:between|from)\s+$", before)) or re.fullmatch(
                    r"\s*(?:[-–~]|through|until)\s*", gap):
                out[k] = replace(a, role="start")
                norm = b.normalized
                if self._month_rx.search(b.value):  # Dec. 28 to Jan. 3: the next year
                    norm = range_end(a.normalized, norm, None, month_written=True,
                                     year_written=bool(re.search(r"\b(?:19|20)\d{2}\b",
                                                                 b.value)))
                out[k + 1] = replace(b, role="end", normalized=norm)
        return out

    @cached_property
    def _month_rx(self) -> re.Pattern[str]:
        return re.compile(alternation(list(self.table("months")), bounded=True), re.IGNORECASE)

    def _bare_day_ends(self, text: str, end: int, dates: list[Facet]) -> list[Facet]:
        """A range's end written as a day alone after a dated start (``May 20 to 22``,
        ``between May 20 and 22``, ``May 20-22``, ``between the 19th and 27th``): a date in
        the start's month (the next
        when its day comes first), the start's ``start``, itself the ``end``. The bare day
        must come after the start's day and be followed by no noun of its own (``on May 20
        to 25 buyers`` is no range)."""
        out: list[Facet] = []
        starts = {f.start for f in dates}
        for a in dates:
            out.append(a)
            dated = self._month_rx.search(a.value) or re.match(r"the\s+\d", a.value)
            if a.unit != "day" or not dated or a.role:
                continue  # a day with its month, or the 19th (this month's)
            m = _BARE_DAY_END.match(text, a.end, end)
            if m is None or m.start("d") in starts:
                continue
            if m.group("join").strip() == "and" and not re.search(
                    r"\bbetween\s+$", text[max(0, a.start - 10):a.start]):
                continue
            day = int(m.group("d"))
            first = re.search(r"\d{1,2}", re.sub(r"\b(?:19|20)\d{2}\b", "", a.value))
            if first is None or not 1 <= day <= 31 or day <= int(first.group(0)):
                continue
            after = _WORD_AFTER.match(text, m.end(), end)
            if after and after.group(1).casefold() not in _STOP_HEAD:
                continue
            norm = range_end(a.normalized, a.normalized, day, month_written=False,
                             year_written=False)
            if norm == a.normalized:
                continue
            out[-1] = replace(a, role="start")
            out.append(Facet("date", text[m.start("d"):m.end()], norm, m.start("d"), m.end(),
                             unit="day", role="end"))
        return sorted(out, key=lambda f: f.start)

    def _resolve(self, gd: dict[str, str | None], ref: date | None,
                 lean: str | None = None) -> tuple[str, str] | None:
        """(ISO value, granularity) of one matched date expression; a date without its
        year takes the article's as ``year_of`` says (``lean``: the sentence's tense)."""
        months = {k.casefold(): int(v) for k, v in (self.data.get("months") or {}).items()}
        weekdays = self.words("weekdays")
        if gd.get("yo2"):
            return gd["yo2"] or "", "year"
        if gd.get("ym2"):
            mo = months.get((gd.get("mon2") or "").casefold().rstrip("."))
            return (f"{gd['ym2']}-{mo:02d}", "month") if mo else None
        if gd.get("mon3"):
            mo = months.get((gd.get("mon3") or "").casefold())
            if not mo:
                return None
            if ref is None:
                return f"--{mo:02d}", "month"
            return f"{year_of(mo, None, ref, lean)}-{mo:02d}", "month"
        if gd.get("word"):
            if ref is None:
                return None
            delta = {"yesterday": -1, "today": 0, "tomorrow": 1}[(gd["word"] or "").lower()]
            return (ref + timedelta(days=delta)).isoformat(), "day"
        if gd.get("wd"):
            if ref is None:
                return None
            target = weekdays.index((gd["wd"] or "").lower())
            rel = (gd.get("wrel") or "").strip().lower()
            d = ref - timedelta(days=(ref.weekday() - target) % 7)
            if rel == "next":
                d = ref + timedelta(days=(target - ref.weekday()) % 7 or 7)
            elif rel == "last" and d == ref:
                d -= timedelta(days=7)
            return d.isoformat(), "day"
        if gd.get("dth"):
            if ref is None:
                return None
            day = int(gd["dth"] or 0)
            month, year = ref.month, ref.year
            if day > ref.day + 7:
                month -= 1
                if month == 0:
                    month, year = 12, year - 1
        else:
            day = int(gd.get("d") or 0)
            if gd.get("m"):
                month = int(gd["m"] or 0)
            else:
                month = months.get((gd.get("mon") or "").casefold().rstrip(".")) or 0
            year = int(gd["y"] or 0) if gd.get("y") else 0
            if not year:
                if ref is None:
                    return yearless_day(month, day)
                if not 1 <= month <= 12:
                    return None
                year = year_of(month, day, ref, lean)
        iso = iso_day(year, month, day)
        if iso is None:
            return None
        h, mi, ap = gd.get("H") or gd.get("H0"), gd.get("Mi") or gd.get("M0"), \
            gd.get("ap") or gd.get("ap0")
        if h:
            hour = int(h)
            a = (ap or "").lower().replace(".", "")
            if a == "pm" and hour < 12:
                hour += 12
            elif a == "am" and hour == 12:
                hour = 0
            if hour <= 23:
                return f"{iso}T{hour:02d}:{int(mi or 0):02d}", "minute"
        return iso, "day"

    # ------------------------------------------------------------------ places, orgs
    def places(self, text: str, start: int, end: int, toks: Sequence[Token],
               gazetteer: Any) -> list[Facet]:
        """Countries and gazetteer places named in a place context (in / at / near / from
        / to X, X-based) or written out in full ("Washington, D.C.")."""
        out: list[Facet] = []
        countries = {k: v for k, v in self.table("countries").items()}
        rx = re.compile(
            r"\b(?:in|at|near|from|to|into|across|outside|inside|around|throughout)\s+"
            r"(?:the\s+)?(?:(?:central|northern|southern|eastern|western|downtown)\s+)?"
            r"(?P<name>[A-Z][\w.'\-]*(?:\s+(?:[A-Z][\w.'\-]*|of|de))*?)"
            r"(?=\s*[,.;:)]|\s+(?:on|in|at|and|later|this|last|next|by|for|with|to|after|"
            r"before|area|region|province|city|state|county|district|where|which|who)\b|\s*$|"
            r"'s\b|’s\b)")
        seen: set[int] = set()
        for m in rx.finditer(text, start, end):
            name = m.group("name").rstrip(".")
            s = m.start("name")
            key = None
            if name in countries:
                key = "country:" + countries[name]
            else:
                words = name.split()
                if words[0] in self.not_names or any(w in self.org_words for w in words):
                    continue
                key = gazetteer.key(name)
                if key is not None and _REGION_AFTER.match(text, m.end("name")):
                    continue  # Ontario province: the region, not a city of its name
            if key is None:
                continue
            seen.add(s)
            out.append(Facet("place", name, key, s, s + len(name)))
        return out

    def organizations(self, text: str, start: int, end: int, toks: Sequence[Token],
                      person_spans: Sequence[tuple[int, int]]) -> list[Facet]:
        words = "|".join(re.escape(w) for w in sorted(self.org_words, key=len, reverse=True))
        rx = re.compile(
            r"\b(?:the\s+)?((?:[A-Z][\w&.'\-]*\s+){0,4}(?:" + words + r")\b"
            r"(?:\s+(?:of|for)\s+(?:the\s+)?(?:[A-Z][\w\-&]*,?\s*(?:and\s+)?){1,5})?)")
        out = []
        for m in rx.finditer(text, start, end):
            name = m.group(1).strip().rstrip(",")
            s = m.start(1)
            if name.startswith("The "):
                name, s = name[4:], s + 4
            if len(name.split()) < 2:
                continue
            out.append(Facet("organization", name, name, s, s + len(name)))
        return out

    # ------------------------------------------------------------------ saying, modality
    @cached_property
    def _say_rx(self) -> re.Pattern[str]:
        cap = r"[A-Z][\w.'\-]*"
        verbs = "|".join(self.words("say_verbs"))
        nouns = "|".join(self.words("source_nouns"))
        return re.compile(
            r"(?:(?P<who1>(?:(?:" + cap + r"|government|ministry|industry|trade|company)\s+){0,3}"
            r"(?:" + cap + r"|(?:" + nouns + r"))"
            r"(?:\s+(?:in|at|from|of|with)\s+(?:the\s+)?" + cap + r"(?:\s+" + cap + r")?)?)"
            r"\s+(?:" + verbs + r")\b)"
            r"|(?:\b(?:" + verbs + r")\s+(?P<who2>" + cap + r"(?:\s+" + cap + r"){0,3}))"
            r"|(?:according to\s+(?:the\s+)?(?P<who3>[\w'\-]+(?:\s+[\w'\-]+){0,4}?)"
            r"(?=\s*[,.;:]|\s*$))")

    def speakers(self, text: str, start: int, end: int, toks: Sequence[Token],
                 mentions: Sequence[Mention]) -> list[tuple[int, int]]:
        """Spans of who says a sentence ("X said", "said X", "according to X")."""
        out = []
        for m in self._say_rx.finditer(text, start, end):
            for g in ("who1", "who2", "who3"):
                if m.group(g):
                    s, e = m.start(g), m.end(g)
                    who = m.group(g)
                    if who.startswith("The "):
                        s += 4
                    if text[s:e] in self.not_names or text[s:e] in ("The", "It"):
                        continue
                    out.append((s, e))
        return out

    def modality(self, text: str) -> str | None:
        if re.search(r"\b(?:" + "|".join(re.escape(w) for w in self.words("planned"))
                     + r")\b", text):
            return "planned"
        if re.search(r"\b(?:" + "|".join(re.escape(w) for w in self.words("done_verbs"))
                     + r")\b", text):
            return "done"
        return None

    def predicates(self, text: str, start: int, end: int) -> list[Facet]:
        objs = {k.casefold(): v for k, v in self.table("predicate_objects").items()}
        verbs = {k.casefold(): v for k, v in self.table("predicate_verbs").items()}
        o = "|".join(map(re.escape, objs))
        rx = re.compile(
            r"\b(?P<obj>" + o + r")\s+(?P<verb>controls?|restrictions?|curbs?|bans?|promotion"
            r"|expansion)\b|\b(?P<verb2>promot\w*|boost\w*|expand\w*|restrict\w*|curb\w*|ban\w*"
            r"|eas\w*|relax\w*|tighten\w*)\s+(?:the\s+|of\s+)?(?:\w+\s+)?(?P<obj2>" + o + r")\b",
            re.IGNORECASE)
        stems = (("promot", "promote"), ("boost", "promote"), ("expand", "promote"),
                 ("restrict", "restrict"), ("curb", "restrict"), ("ban", "restrict"),
                 ("control", "restrict"), ("eas", "ease"), ("relax", "ease"),
                 ("tighten", "tighten"))
        out = []
        for m in rx.finditer(text, start, end):
            obj_raw = (m.group("obj") or m.group("obj2") or "").casefold()
            verb_raw = (m.group("verb") or m.group("verb2") or "").casefold()
            obj = objs.get(obj_raw, obj_raw.rstrip("s"))
            verb = verbs.get(verb_raw) or next((c for st, c in stems if verb_raw.startswith(st)),
                                               None)
            if verb is None:
                continue
            out.append(Facet("predicate", m.group(0), f"{obj}:{verb}", m.start(), m.end(), obj))
        return out


_TITLE_QUALIFIERS = {
    "the", "a", "an", "south", "north", "korean", "korea", "canadian", "canada", "american",
    "japanese", "chinese", "british", "french", "german", "u.s.", "us", "then", "and", "but",
    "former", "new", "acting", "incoming", "outgoing",
}


def _head_noun(text: str, pos: int, end: int, partitives: frozenset[str] = frozenset(),
               stops: frozenset[str] = frozenset(), nouns: frozenset[str] = frozenset()
               ) -> str | None:
    """What a figure counts: the words after it up to a function word, a verb or
    punctuation ("23 hacked servers so far" -> "hacked servers"; "25 types of malware" ->
    "types of malware"; "all 23 million of its subscribers" -> "subscribers"; after a
    measure word of ``partitives``, what it measures: "26 million units of the IMSI" ->
    "IMSI"). ``stops`` are the words that end it besides the function words (the verbs the
    data file knows: "two countries plan to" -> "countries"); after one of ``nouns`` (the
    counted nouns) only ``of`` goes on ("three companies agreed" -> "companies")."""
    rest = text[pos:min(end, pos + 60)]
    rest = re.sub(r"^\s*(?:of\s+(?:its|the|their|our)\s+)", " ", rest)
    m = re.match(r"\s*([A-Za-z]+)\s+of\s+(?:(?:its|the|their|our|his|her)\s+)?", rest)
    if m and m.group(1).casefold() in partitives:
        rest = " " + rest[m.end():]
    words = re.findall(r"[A-Za-z][A-Za-z\-']*|[^\sA-Za-z]", rest)
    got: list[str] = []
    for w in words[:5]:
        low = w.casefold()
        if not w[0].isalpha():
            break
        if low == "of" and got and len(got) <= 2:
            got.append(w)
            continue
        if low in _STOP_HEAD or (got and low in stops):
            break  # a verb ends it (not the first word: "five plans" counts plans)
        if got and got[-1].casefold() in nouns:
            break  # the counted noun ends the phrase: what follows is its verb
        got.append(w)
    while got and got[-1].casefold() == "of":
        got.pop()
    return " ".join(got) if got else None


def _quantity_context(text: str, s: int, end: int) -> bool:
    """A spelled-out number stands for a figure ("up from five", "a total of eight")."""
    before = text[max(0, s - 16):s].casefold()
    return bool(re.search(r"\b(?:from|to|of|by|up|down|total|all|remaining|only|just)\s+$",
                          before))


def _role(text: str, s: int, e: int, data: dict[str, Any]) -> str | None:
    """from / to / by / increment: how a figure enters a change ("from 25 percent to 15
    percent", "cut by 15%", "up 21 and 18")."""
    before = text[max(0, s - 14):s].casefold()
    change = data.get("change_words") or {}
    verbs = [w for ws in change.values() for w in ws]
    near = text[max(0, s - 40):min(len(text), e + 30)].casefold()
    if re.search(r"\bup from\s+$|\bdown from\s+$", before):
        return "from"
    keep = [w for w in (change.get("keep") or [])]
    if re.search(r"\b(?:" + "|".join(map(re.escape, keep)) + r")\b(?:\s+\w+){0,2}\s+at\s+$",
                 text[max(0, s - 40):s].casefold()):
        return "keep"  # will remain at 15%
    if re.search(r"\bfrom\s+$", before) and any(re.search(r"\b" + v + r"\b", near)
                                               for v in verbs):
        return "from"
    if re.search(r"\bto\s+$", before) and any(re.search(r"\b" + v + r"\b", near) for v in verbs):
        return "to"
    if re.search(r"\bby\s+$", before) and any(re.search(r"\b" + v + r"\b", near) for v in verbs):
        return "by"
    if re.search(r"\b(?:up|down)\s+$|\b(?:up|down) (?:by\s+)?\S+ and\s+$", before):
        return "increment"
    return None


_MEMO: dict[str, tuple[str, ...]] = {}


def _pysbd_sentences(seg: Any, text: str) -> tuple[str, ...]:
    r"""pySBD's sentences of ``text`` without its char-span step (one
    ``re.finditer(re.escape(sentence) + r"\s*")`` per sentence, a third of its time): the
    same first match ending after the previous one, found with ``str.find``. Memoised."""
    got = _MEMO.get(text)
    if got is not None:
        return got
    if not text:
        return ()
    sents = seg.processor(text).process()
    if not all(isinstance(x, str) and x for x in sents):
        out = tuple(span.sent for span in seg.segment(text))
    else:
        res: list[str] = []
        prior = 0
        n = len(text)
        for sent in sents:
            pos = 0
            while (i := text.find(sent, pos)) >= 0:
                j = i + len(sent)
                while j < n and text[j].isspace():
                    j += 1
                if j > prior:
                    res.append(text[i:j])
                    prior = j
                    break
                pos = j
        out = tuple(res)
    if len(_MEMO) > 8192:
        _MEMO.clear()
    _MEMO[text] = out
    return out


LANGUAGE = English()
