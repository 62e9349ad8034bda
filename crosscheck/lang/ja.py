"""Japanese, on SudachiPy: sentences split at 。！？ (quotations 「…」 kept whole), morphemes
with offsets, names with their titles (森本和也経済産業大臣, 林田官房長官, 西村隆史氏), figures
with scales and counters (1兆2000億円, 2万3000人, 25種類) and dates in both calendars
(2025年10月28日, 令和7年10月28日, 28日, 昨年12月, 先月24日から26日まで).

Word lists live in ``data/ja.yaml``; what is here is how Japanese is written.

**The analyser.** Measured on this machine (2 cores, Python 3.11) on twelve invented news
sentences repeated 400 times (132,000 characters), tokenising only (load and peak RSS: a fresh
process importing the analyser and analysing one word):

=============================  ==========  ==========  ===========  ============
analyser                       install     load        speed        peak RSS
=============================  ==========  ==========  ===========  ============
fugashi 1.5.2 + unidic-lite    251 MB      0.08 s      ~200k ch/s   34 MB (mmap)
  1.0.8 (UniDic 2.1.2, 2013)   (sdist)                 (0.67 s)
sudachipy 0.7.0 + sudachidict  198 MB      0.20 s      ~400k ch/s   109 MB
  core 20261015, mode A        (wheels)                (0.33 s)
=============================  ==========  ==========  ===========  ============

On 22 invented names followed by a title (森本和也経済産業大臣は…), SudachiPy tags 20 as
surname + given name (森本/和也, 林田/美咲, 小野寺/千尋), fugashi 19 (it also splits 三好紘一郎
wrongly); both miss 津田颯真 and 真壁蒼, which this module still reads as names through the
title or honorific that anchors them. Both give UniDic part-of-speech tags and split titles
and organisations into short units (経済/産業/大臣, 資源/エネルギー/庁; Sudachi's mode A).
SudachiPy is the choice: twice as fast with offsets computed in Rust (fugashi needs them
rebuilt from surfaces in Python), 50 MB smaller, wheels only (unidic-lite is a source
archive built at install), a dictionary maintained to this year (UniDic-lite is from 2013),
and figures kept whole (``3,000億``, ``1.5兆``, ``２万３０００`` are one token, where MeCab
cuts ``1.5`` at the ``.`` it tags as a full stop). Its one oddity met: a dictionary entry
``機構（ジェトロ）`` spans a parenthesis (nothing here depends on it). Figures and dates are
read by patterns on the text itself, so either analyser would give the same facets. With it,
splitting and annotating a Japanese article of ~1,100 characters takes ~14 ms (200 such
articles: 2.8 s, 6,600 claims).

Tags are UniDic part-of-speech levels joined by ``-`` (``名詞-固有名詞-人名-姓``), with the
conjugation form after ``/`` when there is one (``動詞-非自立可能/連用形-一般``).
"""

from __future__ import annotations

import bisect
import itertools
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import replace
from datetime import date, timedelta
from functools import cached_property
from typing import Any

from crosscheck.lang.base import (
    Language,
    Pattern,
    Sentence,
    Token,
    alternation,
    iso_day,
    range_end,
    tense_lean,
    year_of,
    yearless_day,
)
from crosscheck.lang.numbers import Figure
from crosscheck.models import Facet, Mention

RawToken = tuple[str, str, int, int]

_MEMO_MAX = 20_000
_PIECE = 8000  # characters per analyser call (SudachiPy refuses inputs over ~49 kB)

_OPEN = "「『（(【〈《“‘［｛"
_CLOSE = "」』）)】〉》”’］｝"
_PAIR = dict(zip(_OPEN, _CLOSE, strict=True))
_FULL_STOPS = "。！？"
_LIT = re.compile(r"\d{1,3}(?:[,，]\d{3})+(?:[.．]\d+)?|\d+(?:[.．]\d+)?")
_DIGIT = re.compile(r"\d")
_KANJI = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff々]")
_KATAKANA = re.compile(r"[\u30a0-\u30ffー]+")
_NAME_JOINERS = ("・", "＝", "=")
_YEAR = r"(?:[1１][9９]|[2２][0０])\d{2}"  # 1900-2099, half or full width
_RANGE_GAP = re.compile(r"\s*(?:から|より|〜|～|~|－|-|–|—)\s*")
_TIME = (r"(?:\s*(?:の)?\s*(?P<ap>午前|午後)?\s*(?P<H>\d{1,2})\s?時(?!間)"
         r"(?:\s*(?P<Mi>\d{1,2})\s?分(?!間)|(?P<half>半))?)?")


def _ascii_number(lit: str) -> str:
    """A figure literal in ASCII (full-width digits, ``，`` and ``．`` folded)."""
    out = []
    for ch in lit:
        if ch in ",，":
            continue
        if ch in ".．":
            out.append(".")
        else:
            out.append(str(unicodedata.digit(ch)))
    return "".join(out)


def _int(s: str | None) -> int:
    return int(_ascii_number(s)) if s else 0


def _is_kanji(s: str) -> bool:
    return bool(s) and all(_KANJI.match(ch) for ch in s)


def _is_katakana(s: str) -> bool:
    return _KATAKANA.fullmatch(s) is not None


def _nounish(t: Token) -> bool:
    return t.tag.startswith(("名詞", "接頭辞", "接尾辞-名詞的")) and not t.tag.startswith(
        "名詞-数詞")


def _person_tag(t: Token) -> bool:
    return "人名" in t.tag


def bracket_depth(text: str, start: int, end: int) -> list[int]:
    """For each offset of [start, end): 1 inside a matched pair of brackets or quotation
    marks (「…」, 『…』, （…）, “…”), else 0; an unmatched mark is ignored."""
    stack: list[tuple[str, int]] = []
    diff = [0] * (end - start + 1)
    for i in range(start, end):
        ch = text[i]
        if ch in _PAIR:
            stack.append((_PAIR[ch], i))
        elif ch in _CLOSE:
            for k in range(len(stack) - 1, -1, -1):
                if stack[k][0] == ch:
                    o = stack[k][1]
                    del stack[k:]
                    diff[o - start + 1] += 1  # the marks themselves stay outside
                    diff[i - start] -= 1
                    break
    out = []
    depth = 0
    for k in range(end - start):
        depth += diff[k]
        out.append(1 if depth > 0 else 0)
    return out


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """Sentences of one line: cut after 。！？ (and ``．``, ``!``/``?`` where they end a
    sentence) outside brackets and quotation marks, and at line breaks; whitespace trimmed."""
    n = len(text)
    depth = bracket_depth(text, 0, n)
    cuts: list[tuple[int, int]] = []
    s = 0
    i = 0
    while i < n:
        ch = text[i]
        ends = False
        if ch == "\n":
            cuts.append((s, i))
            s = i + 1
        elif not depth[i]:
            nxt = text[i + 1] if i + 1 < n else ""
            if ch in _FULL_STOPS:
                ends = True
            elif ch == "．":
                ends = not (i > 0 and text[i - 1].isdigit() and nxt.isdigit())
            elif ch in "!?":
                ends = not nxt or nxt.isspace() or nxt in _CLOSE
        if ends:
            j = i + 1
            while j < n and text[j] in _FULL_STOPS + "!?":
                j += 1
            cuts.append((s, j))
            s = i = j
            continue
        i += 1
    cuts.append((s, n))
    out = []
    for a, b in cuts:
        while a < b and text[a].isspace():
            a += 1
        while b > a and text[b - 1].isspace():
            b -= 1
        if b > a:
            out.append((a, b))
    return out


def _pieces(text: str, limit: int = _PIECE) -> list[tuple[int, int]]:
    """[start, end) pieces of at most ``limit`` characters, cut after a full stop or a line
    break where there is one."""
    out = []
    start = 0
    n = len(text)
    while n - start > limit:
        cut = max(text.rfind(m, start + limit // 2, start + limit) for m in ("。", "\n", "、"))
        cut = start + limit if cut < 0 else cut + 1
        out.append((start, cut))
        start = cut
    out.append((start, n))
    return out


def _range_end(start: str, b: Facet) -> str:
    """The normalised end of a range whose end (``b``) may leave out what it shares with its
    ``start``: its month (28日から30日) or its year (10月28日から11月2日); see
    :func:`crosscheck.lang.base.range_end`."""
    written = unicodedata.normalize("NFKC", b.value)
    day_only = re.match(r"(\d{1,2})\s?日", written)
    return range_end(start, b.normalized,
                     int(day_only.group(1)) if day_only and "月" not in written else None,
                     month_written="月" in written or bool(re.match(r"\d{4}[-/.]", written)),
                     year_written="年" in written or bool(re.match(r"\d{4}[-/.]", written)))


class Japanese(Language):
    code = "ja"
    scripts = ("japanese", "han")
    spaced = False

    def __init__(self) -> None:
        self._tokenizer: Any = None
        self._memo: dict[str, tuple[RawToken, ...]] = {}

    # ------------------------------------------------------------------ analyser
    def release(self) -> None:
        self._tokenizer = None
        self._memo.clear()

    def _analyser(self) -> Any:
        if self._tokenizer is None:
            from sudachipy import Dictionary, SplitMode

            self._tokenizer = (Dictionary(dict="core").tokenizer(), SplitMode.A)
        return self._tokenizer

    def _raw(self, text: str) -> tuple[RawToken, ...]:
        """Morphemes of ``text`` (offsets relative to it, whitespace left out), memoised."""
        got = self._memo.get(text)
        if got is not None:
            return got
        tok, mode = self._analyser()
        out: list[RawToken] = []
        for ps, pe in _pieces(text):
            for m in tok.tokenize(text[ps:pe], mode):
                form = m.surface()
                if not form.strip():
                    continue
                pos = m.part_of_speech()
                tag = "-".join(p for p in pos[:4] if p != "*")
                if len(pos) > 5 and pos[5] != "*":
                    tag += "/" + pos[5]
                out.append((form, tag, ps + m.begin(), ps + m.end()))
        got = tuple(out)
        if len(self._memo) >= _MEMO_MAX:
            for key in list(itertools.islice(self._memo, _MEMO_MAX // 4)):
                del self._memo[key]
        self._memo[text] = got
        return got

    def sentences(self, text: str) -> list[Sentence]:
        toks = [Token(*t) for t in self._raw(text)]
        starts = [t.start for t in toks]
        out: list[Sentence] = []
        for s, e in sentence_spans(text):
            lo, hi = bisect.bisect_left(starts, s), bisect.bisect_left(starts, e)
            out.append((s, e, tuple(toks[lo:hi])))
        return out

    def tokens(self, texts: Sequence[str]) -> list[tuple[Token, ...]]:
        return [tuple(Token(*t) for t in self._raw(x)) for x in texts]

    # ------------------------------------------------------------------ lexicons
    def pattern(self, name: str) -> Pattern:
        """The base class's longest-first alternation of a data list, matched in any case
        (so the Latin entries MOU, MoU, MOC match as written; case means nothing to kana
        and kanji)."""
        got = self._patterns.get(name)
        if got is None:
            raw = self.data.get(name) or {}
            table = ({str(k).casefold(): str(v) for k, v in raw.items()} if isinstance(raw, dict)
                     else {str(w).casefold(): str(w) for w in raw})
            rx = re.compile(alternation(list(table), False) if table else r"(?!x)x", re.IGNORECASE)
            got = self._patterns[name] = Pattern(rx, table)
        return got

    @cached_property
    def _set(self) -> dict[str, frozenset[str]]:
        names = ("honorifics", "place_suffixes", "country_pairs", "head_skip", "head_not",
                 "org_prefixes", "ordinal_prefixes", "title_prefixes", "region_suffixes")
        return {n: frozenset(self.words(n)) for n in names}

    def title_key(self, title: str) -> str | None:
        """The class of a title: the longest lexicon title it ends with (経済産業副大臣 ->
        vice_minister, 資源エネルギー庁長官 -> commissioner, 代表取締役社長 -> ceo)."""
        key = self.suffix_title_key(title)
        if key is not None:
            return key
        return "ceo" if title.strip().upper().endswith("CEO") else None

    def is_org_like(self, word: str) -> bool:
        return word in self.countries or word in self._set["country_pairs"] or (
            len(word) >= 3 and word.endswith(self.org_suffixes))

    def short_forms(self, name: str) -> list[str]:
        """Forms an article may use for a full name later: the surname (森本和也 -> 森本),
        the family name of a name written in katakana (サラ・ミラー -> ミラー)."""
        for j in _NAME_JOINERS:
            if j in name:
                last = name.rsplit(j, 1)[1]
                return [last] if len(last) >= 2 else []
        toks = self._raw(name)
        if len(toks) < 2 or toks[0][2] != 0 or len(toks[0][0]) >= len(name):
            return []
        return [toks[0][0]] if "人名-姓" in toks[0][1] or "固有名詞" in toks[0][1] else []

    # ------------------------------------------------------------------ people
    def _title_end(self, text: str, toks: Sequence[Token], k: int, hi: int) -> int | None:
        """Index past the title compound starting at ``toks[k]`` (経済/産業/大臣,
        副/大臣, 資源/エネルギー/庁/長官), or None: adjacent nouns, no name, number or
        place suffix first, ending in a lexicon title that starts at a morpheme boundary."""
        if k >= len(toks) or toks[k].start >= hi:
            return None
        if toks[k].form in self._set["place_suffixes"] | self._set["honorifics"]:
            return None
        best = None
        bounds: set[int] = set()
        j = k
        while j < len(toks) and j - k < 8 and toks[j].end <= hi:
            t = toks[j]
            if j > k and t.start != toks[j - 1].end:
                break
            if not (_nounish(t) or t.form.upper() == "CEO") or _person_tag(t):
                break
            bounds.add(t.start)
            surface = text[toks[k].start:t.end]
            for n in range(len(surface), 0, -1):
                if surface[-n:] in self.titles and (t.end - n) in bounds:
                    best = j + 1
                    break
            j += 1
        return best

    def _name_end(self, toks: Sequence[Token], i: int, hi: int) -> tuple[int, bool] | None:
        """(index past, sure) of a person's name starting at ``toks[i]``: a surname with its
        given name (森本/和也; a one-character given name the dictionary does not know
        counts too), a lone surname, or a name in katakana (サラ・ミラー). ``sure``: the
        analyser tags it as a full name (a surname and a given name, or katakana parts
        joined by ・), so it needs no title or honorific to be a name."""
        t = toks[i]
        n = len(toks)
        if (_is_katakana(t.form) and "人名" in t.tag) or (
                _is_katakana(t.form) and i + 2 < n and toks[i + 1].form in _NAME_JOINERS):
            j = i + 1
            person = _person_tag(t)
            joined = False
            while j + 1 < n and toks[j].form in _NAME_JOINERS and toks[j].start == toks[j - 1].end \
                    and toks[j + 1].start == toks[j].end and _is_katakana(toks[j + 1].form) \
                    and toks[j + 1].end <= hi:
                person = person or _person_tag(toks[j + 1])
                joined = True
                j += 2
            if not person or len("".join(x.form for x in toks[i:j])) < 2:
                return None
            return j, joined
        surname = "人名-姓" in t.tag
        maybe = (not surname and _is_kanji(t.form) and 2 <= len(t.form) <= 3
                 and "地名-国" not in t.tag)
        if not surname and not (maybe and ("固有名詞" in t.tag or self._surname_alone(t.form))):
            return None
        if not _is_kanji(t.form.replace("ノ", "").replace("の", "")) and not surname:
            return None
        j = i + 1
        given = odd = 0
        while j < n and toks[j].start == toks[j - 1].end and toks[j].end <= hi and given + odd < 3:
            u = toks[j]
            if "人名-名" in u.tag:
                given += 1
            elif (len(u.form) == 1 and _is_kanji(u.form)
                  and not u.tag.startswith(("接頭辞", "接尾辞")) and "地名" not in u.tag
                  and "人名-姓" not in u.tag and u.form not in self.titles
                  and u.form not in self._set["place_suffixes"]
                  and u.form not in self._set["title_prefixes"]
                  and u.form not in self.org_suffixes):
                odd += 1
            else:
                break
            j += 1
        if not surname and given + odd == 0 and not (maybe and self._surname_alone(t.form)):
            return None
        return j, surname and given >= 1 and odd == 0

    def _surname_alone(self, form: str) -> bool:
        """Can ``form`` be a surname written alone (大橋社長: 大橋 is also "a big bridge")?
        Asked of the analyser: in ``{form}氏は`` it tags a surname as one."""
        toks = self._raw(form + "氏は")
        return bool(toks) and toks[0][0] == form and "人名-姓" in toks[0][1]

    def mentions(self, text: str, toks: Sequence[Token], article_id: str = "",
                 start: int | None = None, end: int | None = None) -> list[Mention]:
        """People: a name with the title after it (森本和也経済産業大臣, 林田官房長官,
        サラ・ミラー天然資源相, 森本和也・経済産業大臣), or before it with の (代表取締役社長の
        西村隆史氏), a name with an honorific (西村氏: no title), and a full name the analyser
        tags as one (森本和也は)."""
        if not toks:
            return []
        lo = toks[0].start if start is None else start
        hi = toks[-1].end if end is None else end
        out: list[Mention] = []
        i = 0
        n = len(toks)
        while i < n:
            t = toks[i]
            if t.start < lo or t.end > hi:
                i += 1
                continue
            got = self._name_end(toks, i, hi)
            if got is None:
                i += 1
                continue
            j, sure = got
            name_s, name_e = t.start, toks[j - 1].end
            k = j
            if k < n and toks[k].form == "・" and toks[k].start == name_e:
                k += 1  # 森本和也・経済産業大臣
            adjacent = k < n and (toks[k].start == toks[k - 1].end or (
                k == j and text[name_e:toks[k].start].isspace()
                and len(text[name_e:toks[k].start]) <= 1))
            title: tuple[int, int] | None = None
            honour = False
            if adjacent and k < n and toks[k].form in self._set["honorifics"]:
                honour = True
            elif adjacent:
                te = self._title_end(text, toks, k, hi)
                if te is not None:
                    title = (toks[k].start, toks[te - 1].end)
                    j = te
            if title is None and (honour or sure):
                title = self._title_before(text, toks, i, lo)
            if title is None and not honour and not sure:
                i += 1
                continue
            m = Mention(article_id, text[name_s:name_e], start=name_s, end=name_e)
            if title is not None:
                m = replace(m, title=text[title[0]:title[1]], title_start=title[0],
                            title_end=title[1])
            out.append(m)
            i = max(j, i + 1)
        return out

    def _title_before(self, text: str, toks: Sequence[Token], i: int, lo: int
                      ) -> tuple[int, int] | None:
        """The title written before a name with の (代表取締役社長の西村隆史氏; ミナト電池社長の
        大橋誠氏 -> 社長): the longest lexicon title ending there, at a morpheme boundary."""
        if i < 2 or toks[i - 1].form != "の" or toks[i - 1].start != toks[i - 2].end:
            return None
        end = toks[i - 2].end
        k = i - 2
        best = None
        while k >= 0 and toks[k].start >= lo and _nounish(toks[k]) and not _person_tag(toks[k]):
            if text[toks[k].start:end] in self.titles:
                best = (toks[k].start, end)
            if k == 0 or toks[k - 1].end != toks[k].start:
                break
            k -= 1
        return best

    # ------------------------------------------------------------------ figures
    # (the figure parser with 万/億/兆 groups is Language._parse_figure, driven by the data
    # file: 1兆2000億 = 1,200,000,000,000; 2万3000 = 23,000; 3千億 = 300,000,000,000)
    figure_literal = _LIT  # half or full width digits and separators

    def figure_ascii(self, literal: str) -> str:
        return _ascii_number(literal)

    def numbers(self, text: str, start: int, end: int, toks: Sequence[Token],
                taken: Sequence[tuple[int, int]] = ()) -> list[Facet]:
        """Figures with their unit or counter: ``3000億円`` -> ``300000000000 JPY``,
        ``2万3000人`` -> ``23000 people``, ``25種類`` -> ``25 kinds`` (head: what is
        counted); 約/およそ/程度/余り hedge it (``~``), 超/以上 and 未満/以下 bound it;
        ordinals (第2回, 2次), durations (5年間, 6か月), dates, times, codes and bare figures
        below 10,000 are left out. ``から`` makes a figure a change's ``from``, ``に``/``へ``
        before a change word its ``to``, 増/減 after it (or 前年比 before) its ``by``."""
        out: list[Facet] = []
        approx_before = self.words("approx_before")
        approx_after = sorted(self.words("approx_after"), key=len, reverse=True)
        bound_min, bound_max = set(self.words("bound_min")), set(self.words("bound_max"))
        ordinal_prefixes = tuple(self._set["ordinal_prefixes"])
        i = start
        while i < end:
            m = _DIGIT.search(text, i, end)
            if m is None:
                break
            s = m.start()
            i = s + 1
            if any(a <= s < b for a, b in taken):
                continue
            prev = text[s - 1] if s > start else ""
            if prev and (prev.isdigit() or (prev.isascii() and (prev.isalnum() or prev in ".,-_/"))
                         or prev in "-–－．"):
                continue  # inside a code or a word (COP30, A-1, 3.5)
            got = self._parse_figure(text, s, end)
            if got is None:
                continue
            value, digits, e = got
            i = max(i, e)
            if any(a < e and s < b for a, b in taken):
                continue
            nxt = text[e:e + 2]
            if re.match(r"[A-Za-z]", nxt) and not re.match(r"GB|TB|MB|km|GW|MW", nxt):
                continue  # 5G, 4K
            if re.match(r"\d{2,4}[-－]\d{2,4}[-－]\d{3,4}", text[s:end]):
                continue  # a phone number
            if text[max(start, s - 2):s].rstrip().endswith(ordinal_prefixes):
                continue  # 第3回
            pos = e
            hedged = False
            bound: str | None = None
            for w in approx_after:  # 1200余人
                if text.startswith(w, pos) and w in ("余",):
                    hedged, pos = True, pos + len(w)
                    break
            upos = pos + 1 if text[pos:pos + 1] == " " else pos
            unit_kind, unit_key, ue = "", "", e
            for surface, kind, key in self._unit_words:
                if text.startswith(surface, upos):
                    unit_kind, unit_key, ue = kind, key, upos + len(surface)
                    break
            if unit_kind in ("ordinal", "duration"):
                i = max(i, ue)
                continue
            if not unit_kind and value < 10_000:
                continue
            span_end = ue if unit_kind else e
            for w in approx_after:
                if text.startswith(w, span_end):
                    hedged = True
                    if w in bound_min:
                        bound = "min"
                    elif w in bound_max:
                        bound = "max"
                    break
            before = text[max(start, s - 6):s]
            for w in approx_before:
                if before.rstrip().endswith(w):
                    hedged = True
                    if w == "少なくとも":
                        bound = "min"
            fig = Figure(value, digits, hedged, bound)
            out.append(Facet("number", text[s:span_end], fig.normalized(unit_key), s, span_end,
                             unit=unit_key or None, head=self._head(text, s, span_end, toks),
                             role=self._role(text, s, span_end, end)))
            i = max(i, span_end)
        return out

    def _head(self, text: str, s: int, e: int, toks: Sequence[Token]) -> str | None:
        """What a figure counts: the noun after ``の`` (2万3000人の従業員) or the noun
        compound before it (従業員2万3000人, 投資額は約3000億円, プログラム25種類)."""
        skip, not_head = self._set["head_skip"], self._set["head_not"]
        starts = [t.start for t in toks]
        k = bisect.bisect_left(starts, e)
        while k < len(toks) and toks[k].start < e:
            k += 1
        if k + 1 < len(toks) and toks[k].form == "の" and toks[k].start == e:
            after = self._noun_run(toks, k + 1)
            if after and after not in not_head and after not in skip:
                return after
        j = bisect.bisect_left(starts, s) - 1
        skipped = 0
        base = tuple(self.words("change_base"))
        while j >= 0 and skipped < 3:
            t = toks[j]
            if t.tag.startswith(("助詞", "補助記号-読点", "接頭辞")):
                skipped += 1
                j -= 1
                continue
            if not _nounish(t) or _person_tag(t):
                break
            a = j
            while a > 0 and toks[a - 1].end == toks[a].start and _nounish(toks[a - 1]):
                a -= 1
            run = toks[a:j + 1]
            word = "".join(x.form for x in run)
            if any("助数詞" in x.tag for x in run) or word in skip or word in not_head or \
                    word.endswith(base):
                skipped += 1  # another figure's unit (15％増の), a base (前年比)
                j = a - 1
                continue
            if self.title_key(word) is None and not run[0].tag.startswith("接尾辞"):
                return word
            break
        return None

    @staticmethod
    def _noun_run(toks: Sequence[Token], k: int) -> str:
        """The compound of adjacent nouns starting at ``toks[k]``."""
        if not (0 <= k < len(toks)) or not _nounish(toks[k]):
            return ""
        b = k
        while b + 1 < len(toks) and toks[b + 1].start == toks[b].end and _nounish(toks[b + 1]):
            b += 1
        return "".join(t.form for t in toks[k:b + 1])

    def _role(self, text: str, s: int, e: int, end: int) -> str | None:
        """from / to / by: how a figure enters a change (15％から20％に引き上げ,
        前年比15％増, 300人増えた)."""
        after = text[e:min(end, e + 16)]
        change = self.data.get("change_words") or {}
        words = sorted((w for ws in change.values() for w in ws), key=len, reverse=True)
        if re.match(r"\s*(?:から|より)", after) and not re.match(r"\s*より(?:多|少|高|低)", after):
            return "from"
        m = re.match(r"\s*(?:に|へ|まで)\s*", after)
        if m and any(after[m.end():].startswith(w) for w in words):
            return "to"
        if any(re.match(r"(?:余り?|超|程度|前後)?(?:の)?" + re.escape(w), after) for w in words):
            return "by"
        before = text[max(0, s - 8):s]
        if any(before.rstrip(" 約").endswith(w) for w in self.words("change_base")):
            return "by"
        return None

    # ------------------------------------------------------------------ dates
    @cached_property
    def _date_rx(self) -> list[re.Pattern[str]]:
        eras = alternation(list(self.table("eras")), bounded=False)
        ry = alternation(list(self.table("relative_years")), bounded=False)
        rm = alternation(list(self.table("relative_months")), bounded=False)
        days = list(self.table("relative_days"))
        kana = [w for w in days if re.fullmatch("[\u3041-\u3096]+", w)]
        rd = (alternation([w for w in days if w not in kana], bounded=False)
              + r"(?!香)|(?<![\u3041-\u3096])" + alternation(kana, bounded=False)
              + r"(?![\u3041-\u3096])")
        parts = alternation(self.words("month_parts"), bounded=False)
        year = (r"(?:(?P<y>" + _YEAR + r")\s?年|(?P<era>" + eras + r")\s?(?P<ey>元|\d{1,2})\s?年"
                r"|(?P<ry>" + ry + r"))")
        return [
            # 10月28〜30日: two days of one month
            re.compile(r"(?:" + year + r"\s*)?(?<!\d)(?P<m>\d{1,2})\s?月\s?(?P<d>\d{1,2})\s?日?"
                       r"\s?[〜～~－\-–]\s?(?P<d2>\d{1,2})\s?日(?!\s*間)"),
            re.compile(r"(?<!\d)(?P<y>" + _YEAR + r")\s?[-/.／．]\s?(?P<m>\d{1,2})\s?[-/.／．]\s?"
                       r"(?P<d>\d{1,2})(?!\d)(?:\s+(?P<H2>\d{1,2})[:：](?P<M2>\d{2}))?"),
            re.compile(r"(?:" + year + r"\s*)?(?<!\d)(?P<m>\d{1,2})\s?月\s?(?P<d>\d{1,2})\s?日"
                       r"(?!\s*間)" + _TIME),
            re.compile(r"(?:(?P<rm>" + rm + r")\s*|(?<![\d月第毎]))(?P<d>\d{1,2})\s?日"
                       r"(?!\s*(?:間|目|分|連続|あたり|当たり|平均))" + _TIME),
            re.compile(r"(?:" + year + r"\s*)?(?<!\d)(?P<m>\d{1,2})\s?月(?!\s*\d)(?!\s*間)"
                       r"(?P<part>" + parts + r")?"),
            re.compile(r"(?P<rmo>" + rm + r")(?!\s*\d)(?P<part>" + parts + r")?"),
            re.compile(r"(?<![\d.,，．])" + year + r"(?:度)?(?!\s*\d{1,2}\s?月)"
                       r"(?!\s*(?:間|前|ぶり|連続|代|後|以上))"),
            re.compile(r"(?P<word>" + rd + r")" + _TIME),
        ]

    def dates(self, text: str, start: int, end: int, ref: date | None) -> list[Facet]:
        """Dates resolved against the article's day: ``2025年10月28日``, ``令和7年10月28日``
        (the era calendar), ``10月28日``, ``28日`` (this month, or the last one when the day
        is more than a week ahead), ``先月24日``, ``昨年12月``/``10月末`` (a month),
        ``2027年``/``令和9年度``/``来年`` (a year), ``昨日``/``本日``; with a time (``午後3時
        30分``). Ranges (``AからBまで``, ``A〜B``, ``10月28〜30日``) mark their ends
        ``start``/``end``; a range's end written without its month or year takes the
        start's. A date without its year takes the article's, moved by the sentence's tense
        as :func:`crosscheck.lang.base.year_of` says (``7月に開かれる予定だ`` in a December
        article is next July)."""
        out: list[Facet] = []
        taken: list[tuple[int, int]] = []
        lean = tense_lean(self.modality(text[start:end]))
        for rx in self._date_rx:
            for m in rx.finditer(text, start, end):
                s, e = m.start(), m.end()
                while s < e and text[s].isspace():
                    s += 1
                while e > s and text[e - 1].isspace():
                    e -= 1
                if s == e or any(a < e and s < b for a, b in taken):
                    continue
                gd = m.groupdict()
                got = self._resolve(gd, ref, lean)
                if got is None:
                    continue
                taken.append((s, e))
                if not gd.get("d2"):
                    out.append(Facet("date", text[s:e], got[0], s, e, unit=got[1]))
                    continue
                # 10月28〜30日: the first day ends at its digits (or 日), the second is its own
                a_end = m.end("d") + (1 if text[m.end("d"):m.end("d") + 1] == "日" else 0)
                out.append(Facet("date", text[s:a_end], got[0], s, a_end, unit="day"))
                out.append(Facet("date", text[m.start("d2"):e], got[0], m.start("d2"), e,
                                 unit="day"))
        out.sort(key=lambda f: f.start)
        return self._mark_ranges(text, out)

    def _resolve(self, gd: dict[str, str | None], ref: date | None,
                 lean: str | None = None) -> tuple[str, str] | None:
        """(ISO value, granularity) of one matched date expression; ``lean`` is the
        sentence's tense (``year_of``)."""
        if gd.get("word"):
            if ref is None:
                return None
            delta = int(self.table("relative_days")[gd["word"] or ""])
            day0 = ref + timedelta(days=delta)
            return self._with_time(day0.isoformat(), gd)
        year: int | None = None
        if gd.get("y"):
            year = _int(gd["y"])
        elif gd.get("era"):
            base = int(self.table("eras")[gd["era"] or ""])
            n = 1 if gd.get("ey") == "元" else _int(gd.get("ey"))
            if n < 1:
                return None
            year = base + n - 1
        elif gd.get("ry"):
            if ref is None:
                return None
            year = ref.year + int(self.table("relative_years")[gd["ry"] or ""])
        if gd.get("rmo"):
            if ref is None:
                return None
            k = ref.year * 12 + ref.month - 1 + int(self.table("relative_months")[gd["rmo"] or ""])
            return f"{k // 12:04d}-{k % 12 + 1:02d}", "month"
        month = _int(gd.get("m")) if gd.get("m") else None
        if not gd.get("d"):
            if month is None:
                return (f"{year:04d}", "year") if year else None
            if not 1 <= month <= 12:
                return None
            if year is None:
                if ref is None:
                    return f"--{month:02d}", "month"
                year = year_of(month, None, ref, lean)
            return f"{year:04d}-{month:02d}", "month"
        day = _int(gd["d"])
        if month is None:
            if ref is None:
                return None
            k = ref.year * 12 + ref.month - 1
            if gd.get("rm"):
                k += int(self.table("relative_months")[gd["rm"] or ""])
            elif day > ref.day + 7:
                k -= 1
            year, month = k // 12, k % 12 + 1
        if year is None:
            if ref is None:
                return yearless_day(month, day)
            year = year_of(month, day, ref, lean)
        iso = iso_day(year, month, day)
        if iso is None:
            return None
        return self._with_time(iso, gd)

    @staticmethod
    def _with_time(iso: str, gd: dict[str, str | None]) -> tuple[str, str]:
        h_raw = gd.get("H") or gd.get("H2")
        if not h_raw:
            return iso, "day"
        h = _int(h_raw)
        if gd.get("ap") == "午後" and h < 12:
            h += 12
        elif gd.get("ap") == "午前" and h == 12:
            h = 0
        if h > 23:
            return iso, "day"
        mi = _int(gd.get("Mi") or gd.get("M2")) if (gd.get("Mi") or gd.get("M2")) else (
            30 if gd.get("half") else 0)
        return f"{iso}T{h:02d}:{mi:02d}", "minute"

    def _mark_ranges(self, text: str, dates: list[Facet]) -> list[Facet]:
        """``AからBまで``, ``A〜B``: the first date is the range's ``start``, the second its
        ``end``; an end written without its month (``28日から30日``) or year (``10月28日から
        11月2日``) takes the start's (the next month or year when it would fall before)."""
        out = list(dates)
        for k in range(len(out) - 1):
            a, b = out[k], out[k + 1]
            if a.role or b.role:
                continue
            gap = text[a.end:b.start]
            if len(gap) > 6 or not _RANGE_GAP.fullmatch(gap) or a.unit != b.unit:
                continue
            out[k] = replace(a, role="start")
            out[k + 1] = replace(b, role="end", normalized=_range_end(a.normalized, b))
        return out

    # ------------------------------------------------------------------ places, orgs
    def places(self, text: str, start: int, end: int, toks: Sequence[Token],
               gazetteer: Any) -> list[Facet]:
        """Places: countries (カナダ, 米国), places the analyser tags (東京, 横浜市,
        千代田区: the gazetteer's key, or ``name:`` before で), and 都内 (Tokyo); not a place
        name an organisation suffix is glued to (北港電機, 横浜銀行: an organisation)."""
        out: list[Facet] = []
        suffixes = self._set["place_suffixes"]
        aliases = self.table("place_aliases")
        pairs = self._set["country_pairs"]
        for i, t in enumerate(toks):
            if not (start <= t.start and t.end <= end):
                continue
            nxt = toks[i + 1] if i + 1 < len(toks) else None
            if t.form in aliases:
                if i and toks[i - 1].end == t.start and "地名" in toks[i - 1].tag:
                    continue  # 東京都内: 東京 is the place
                key = gazetteer.key(aliases[t.form])
                if key:
                    out.append(Facet("place", t.form, key, t.start, t.end))
                continue
            if t.form in pairs:
                continue
            if t.form in self.countries and ("地名" in t.tag or len(t.form) >= 3):
                out.append(Facet("place", t.form, "country:" + self.countries[t.form],
                                 t.start, t.end))
                continue
            if "地名" not in t.tag or len(t.form) < 2:
                continue
            e = t.end
            if nxt is not None and nxt.start == t.end and nxt.form in suffixes and nxt.end <= end:
                e = nxt.end
            glued = next((x for x in toks[i + 1 : i + 3] if x.start >= e), None)
            if glued is not None and glued.start == e and glued.form in self.org_suffixes:
                continue  # 北港電機, 横浜銀行: the start of an organisation's name, not a place
            name = text[t.start:e]
            if e != t.end and text[t.end:e] in self._set["region_suffixes"]:
                key = gazetteer.key(name) or "name:" + name  # 福岡県 is not the city of 福岡
            else:
                key = gazetteer.key(name) or gazetteer.key(t.form)
            if key is None:
                after = toks[i + 2] if e != t.end and i + 2 < len(toks) else nxt
                if after is not None and after.start == e and after.form in ("で", "にて"):
                    key = "name:" + name
            if key is not None:
                out.append(Facet("place", name, key, t.start, e))
        return out

    def organizations(self, text: str, start: int, end: int, toks: Sequence[Token],
                      person_spans: Sequence[tuple[int, int]]) -> list[Facet]:
        """Organisations: a noun compound that ends in an organisation suffix at a morpheme
        boundary (経済産業省, 資源エネルギー庁, ミナトエナジー株式会社) or starts with a legal
        form (株式会社ミナト電池), names, titles and figures around it left out (小野寺千尋
        資源エネルギー庁長官 -> 資源エネルギー庁); ``A・B`` lists give one each; short names are
        expanded (経産省 -> 経済産業省)."""
        out: list[Facet] = []
        inside = [t for t in toks if start <= t.start and t.end <= end]
        k = 0
        while k < len(inside):
            if not _nounish(inside[k]):
                k += 1
                continue
            b = k
            while b + 1 < len(inside) and inside[b + 1].start == inside[b].end and (
                    _nounish(inside[b + 1]) or inside[b + 1].tag.startswith("名詞-数詞") or (
                        inside[b + 1].form == "・" and b + 2 < len(inside)
                        and _nounish(inside[b + 2]) and inside[b + 2].start == inside[b + 1].end)):
                b += 1
            run = inside[k:b + 1]
            k = b + 1
            seg: list[Token] = []
            for t in [*run, Token("", "", -1, -1)]:
                cut = not t.form or _person_tag(t) or t.form in self._set["honorifics"] or \
                    t.tag.startswith("名詞-数詞")
                if t.form == "・" and seg and self._org_in(text, seg) is not None:
                    cut = True
                if not cut:
                    seg.append(t)
                    continue
                got = self._org_in(text, seg)
                seg = []
                if got is None or any(a <= got[0] < z for a, z in person_spans):
                    continue
                name = text[got[0]:got[1]]
                out.append(Facet("organization", name, self.table("org_abbreviations").get(
                    name, name), got[0], got[1]))
        return out

    def _org_in(self, text: str, seg: Sequence[Token]) -> tuple[int, int] | None:
        """The span of the organisation a run of nouns starts with, if any: up to the last
        organisation suffix at a morpheme boundary, or a legal form and the name after it."""
        if not seg:
            return None
        abbrev = self.table("org_abbreviations")
        place_suffixes = self._set["place_suffixes"]
        bounds = {t.start for t in seg}
        s0 = seg[0].start
        best: tuple[int, int] | None = None
        for x, t in enumerate(seg):
            surface = text[s0:t.end]
            if surface in abbrev:
                best = (s0, t.end)
                continue
            for suf in self.org_suffixes:
                if not (surface.endswith(suf) and (t.end - len(suf)) in bounds
                        and len(surface) >= 3 and len(surface) > len(suf)):
                    continue
                stem = [u for u in seg[:x + 1] if u.end <= t.end - len(suf)]
                if suf in place_suffixes and len(stem) == 1 and "地名" in stem[0].tag:
                    break  # 大阪府, 広東省: a place
                if surface[0] in "同各両当本全" and len(surface) <= len(suf) + 1:
                    break  # 同委員会, 各省
                best = (s0, t.end)
                break
        if best is None:
            prefix = next((p for p in self._set["org_prefixes"]
                           if text.startswith(p, s0) and s0 + len(p) in bounds), None)
            after = [x for x, t in enumerate(seg) if prefix and t.start >= s0 + len(prefix)]
            if after:
                last = len(seg)
                for x in reversed(after):
                    if self._title_end(text, seg, x, seg[-1].end) == len(seg):
                        last = x  # 株式会社ミナト電池社長: the title is not the name
                        break
                if last > after[0]:
                    best = (s0, seg[last - 1].end)
        return best

    # ------------------------------------------------------------------ saying, modality
    @cached_property
    def _say_rx(self) -> re.Pattern[str]:
        return re.compile(alternation(self.words("say_verbs") + self.words("source_markers"),
                                      bounded=False))

    def speakers(self, text: str, start: int, end: int, toks: Sequence[Token],
                 mentions: Sequence[Mention]) -> list[tuple[int, int]]:
        """Spans of who says a clause: before によると (経済産業省によると), else the topic or
        subject before は/が outside quotation marks (西村氏は「…」と述べた; 「…」と林田長官は
        語った): a person's name alone (so it resolves to the full name), else the noun
        compound."""
        say = self.say_span(text, start, end)
        if say is None:
            return []
        depth = bracket_depth(text, start, end)
        inside = [t for t in toks if start <= t.start < end]
        markers = tuple(self.words("source_markers"))
        if say.group(0) in markers:
            k = next((x for x, t in enumerate(inside) if t.start >= say.start()), None)
            if k:
                return self._phrase_before(text, inside, k, mentions)
            return []
        for x, t in enumerate(inside):
            if t.start >= say.start():
                break
            if depth[t.start - start]:
                continue
            if (t.form == "は" and t.tag.startswith("助詞-係助詞")) or (
                    t.form == "が" and t.tag.startswith("助詞-格助詞")):
                got = self._phrase_before(text, inside, x, mentions)
                if got:
                    return got
        return []

    def _phrase_before(self, text: str, toks: Sequence[Token], k: int,
                       mentions: Sequence[Mention]) -> list[tuple[int, int]]:
        """The noun phrase ending just before ``toks[k]``; a person's name alone when a
        mention ends there with its title or honorific."""
        if k == 0:
            return []
        pos = toks[k].start
        for mt in mentions:
            tail_end = mt.title_end if mt.title_end is not None and mt.title_end > mt.end \
                else mt.end
            if tail_end == pos or (mt.end < pos and text[mt.end:pos] in self._set["honorifics"]):
                return [(mt.start, mt.end)]
        a = k - 1
        if not _nounish(toks[a]) or toks[a].end != pos:
            return []
        while a > 0 and toks[a - 1].end == toks[a].start and (
                _nounish(toks[a - 1]) or toks[a - 1].form == "・"):
            a -= 1
        phrase = text[toks[a].start:pos]
        if toks[a].tag.startswith("接尾辞") or (a > 0 and toks[a - 1].end == toks[a].start
                                                and toks[a - 1].tag.startswith("名詞-数詞")):
            return []  # 1200人が, 25種類が: a quantity, not a subject
        return [(toks[a].start, pos)] if 0 < len(phrase) <= 40 else []

    def quotes(self, text: str, start: int, end: int) -> list[tuple[int, int]]:
        """The words inside 「…」 (or “…”) that are said: followed by と/って/との, or
        holding a sentence (a 、 or 。); 「…」 around a name (「日加重要鉱物パートナー
        シップ」を) is not a quotation."""
        out = []
        stack: list[tuple[str, int]] = []
        for i in range(start, end):
            ch = text[i]
            if ch in "「“『":
                stack.append((_PAIR[ch], i))
            elif ch in "」”』":
                if not stack or stack[-1][0] != ch:
                    continue
                _, o = stack.pop()
                if stack or ch == "』":
                    continue  # nested, or a title in 『』
                inner = text[o + 1:i]
                after = text[i + 1:i + 5]
                said = re.match(r"(?:と|って|との|などと|とも)(?!題|名付|呼|いう名|称)", after)
                if len(inner.strip()) >= 4 and (said or re.search(r"[、。！？!?]", inner)):
                    out.append((o + 1, i))
        return out

    def modality(self, text: str) -> str | None:
        """``planned`` (予定, 方針, 締結する。, 締結へ) / ``done`` (締結した。) / None."""
        core = re.sub(r"[」』）)”\"。．！!？?\s]+$", "", text)
        if self.pattern("planned").rx.search(text):
            return "planned"
        if any(core.endswith(w) for w in self.words("planned_endings")):
            return "planned"
        if any(core.endswith(w) for w in self.words("done_endings")):
            return "done"
        return None

    def predicates(self, text: str, start: int, end: int) -> list[Facet]:
        """A commitment's object and direction: 輸出規制 / 輸出管理を強化 -> export:restrict,
        輸出を拡大 -> export:promote."""
        objs, verbs = self.table("predicate_objects"), self.table("predicate_verbs")
        rx = re.compile(r"(?P<obj>" + alternation(list(objs), bounded=False) + r")\s*(?:を|の)?\s*"
                        r"(?P<verb>" + alternation(list(verbs), bounded=False) + r")")
        out = []
        for m in rx.finditer(text, start, end):
            obj = objs[m.group("obj")]
            out.append(Facet("predicate", m.group(0), f"{obj}:{verbs[m.group('verb')]}",
                             m.start(), m.end(), obj))
        return out

    def doc_types(self, text: str, start: int, end: int) -> list[Facet]:
        """Document types (longest first); ``協力覚書（MOC）`` is one facet, not two."""
        pat = self.pattern("doc_types")
        out: list[Facet] = []
        for m in pat.rx.finditer(text, start, end):
            key = pat.key(m.group(0))
            if key is None or (out and m.start() < out[-1].end):
                continue
            e = m.end()
            paren = re.match(r"\s*[(（]([^()（）]{2,40})[)）]", text[e:min(end, e + 44)])
            if paren:
                inner = pat.rx.fullmatch(paren.group(1).strip())
                if inner and pat.key(inner.group(0)) == key:
                    e += paren.end()
            out.append(Facet("document_type", text[m.start():e], key, m.start(), e))
        return out

    # ------------------------------------------------------------------ clauses
    def clause_cuts(self, text: str, start: int, end: int, toks: Sequence[Token]) -> list[int]:
        """Offsets at which a compound sentence is cut into clauses: after a 、 outside
        quotation marks that follows a verb in its continuative form (締結し、) or a
        conjunctive particle (て, が, ものの), when both sides hold a predicate of their own;
        not after a particle written as a verb form (として、, によると、)."""
        depth = bracket_depth(text, start, end)
        compounds = tuple(self.words("compound_particles"))
        inside = [t for t in toks if start <= t.start < end]
        cuts: list[int] = []
        last = start
        for x, t in enumerate(inside):
            if t.form not in ("、", "，") or x == 0 or depth[t.start - start]:
                continue
            p = inside[x - 1]
            joins = (p.tag.startswith("助詞-接続助詞") and p.form in (
                "て", "で", "が", "ものの", "けれど", "けれども", "つつ")) or (
                p.tag.startswith(("動詞", "助動詞")) and "/連用形" in p.tag)
            if not joins or text[start:t.start].endswith(compounds):
                continue
            if not any(u.tag.startswith("動詞") for u in inside[:x]):
                continue
            nxt = t.end
            while nxt < end and text[nxt].isspace():
                nxt += 1
            if nxt - last < 12 or end - nxt < 12:
                continue
            if not any(u.tag.startswith(("動詞", "助動詞")) for u in inside[x + 1:]):
                continue
            cuts.append(nxt)
            last = nxt
        return cuts

    def subject_of(self, text: str, start: int, toks: Sequence[Token]) -> str | None:
        """The topic or subject of a clause: the noun compound before its first は/が
        (経済産業省は28日、…し、…した: 経済産業省); None when a quotation comes first."""
        inside = [t for t in toks if t.start >= start]
        for x, t in enumerate(inside):
            if t.form in _OPEN:
                return None
            if (t.form == "は" and t.tag.startswith("助詞-係助詞")) or (
                    t.form == "が" and t.tag.startswith("助詞-格助詞")):
                got = self._phrase_before(text, inside, x, [])
                return text[got[0][0]:got[0][1]] if got else None
            if t.form in ("。", "！", "？"):
                return None
        return None


LANGUAGE = Japanese()
