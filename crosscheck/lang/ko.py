"""Korean, on kiwipiepy: sentences and morphemes with offsets, names with their titles,
figures with counter words (1,347억 9,100만 원, 23대, 2천3백만 명) and dates relative to the
article's day (19일, 지난달 24일, 지난해 12월 3일부터).

Word lists live in ``data/ko.yaml``; what is here is how Korean is written.
"""

from __future__ import annotations

import bisect
import contextlib
import itertools
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, timedelta
from functools import cached_property
from pathlib import Path
from typing import Any

import crosscheck.lang.base as base
from crosscheck.lang.base import Language, Sentence, Token, range_end, tense_lean, year_of
from crosscheck.lang.numbers import Figure
from crosscheck.models import Facet, Mention, content_id
from crosscheck.scripts import has_hangul

# --------------------------------------------------------------------------- the analyser


class LeanKiwi:
    """Kiwi without its multi-word dictionary while no text needs it; the full model after.

    Loading kiwipiepy's full model costs ~5.4 s (2 s to load, 3.2 s to build on first use)
    and 0.5 GB; most of it is ``multi.dict`` (252,000 multi-word proper nouns: 젠슨 황,
    도널드 트럼프). Without it Kiwi costs ~1.6 s. A text in which no multi-word entry's
    surface occurs (spaces removed, case folded) is analysed exactly as by the full model:
    an entry absent from a text cannot match in it. The first batch of texts in which one
    does occur switches this analyser to the full model, for good.

    (Adding only the entries a text can match, as user words, is *not* equivalent: Kiwi
    weighs user words differently from its built-in dictionary, e.g. 다니엘 데이 루이스
    becomes one token where the full model gives three; and an alias entry fails to load
    without the name it points to.)
    """

    def __init__(self, full: bool = False) -> None:
        from kiwipiepy import Kiwi

        self.index = None if full else multi_index()
        self.kiwi: Any = Kiwi(load_multi_dict=self.index is None)
        self.upgraded = False

    def for_texts(self, texts: list[str]) -> Any:
        """The analyser for ``texts``: the lean one if no multi-word name can occur in them."""
        if self.index is not None and any(self.index.occurs_in(flat_surface(t)) for t in texts):
            from kiwipiepy import Kiwi

            self.kiwi = Kiwi()
            self.index = None
            self.upgraded = True
        return self.kiwi


def flat_surface(text: str) -> str:
    """``text`` as the multi-word index compares it: NFKC, lower case, no spaces."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text).lower())


class MultiIndex:
    """The flat surfaces (``flat_surface``) of kiwipiepy_model's multi-word entries, sorted: those
    starting with a text's character bigram are a contiguous run (two bisections each)."""

    def __init__(self, flats: list[str]) -> None:
        self.flats = flats
        self.single = {f for f in flats if len(f) == 1}  # no bigram of their own

    def found_in(self, flat: str) -> set[str]:
        """The entries' flat surfaces that occur in ``flat``."""
        found = {ch for ch in self.single if ch in flat}
        flats = self.flats
        for pair in {flat[k : k + 2] for k in range(len(flat) - 1)}:
            lo = bisect.bisect_left(flats, pair)
            hi = bisect.bisect_left(flats, pair + "\U0010ffff", lo)
            found.update(flats[i] for i in range(lo, hi) if flats[i] in flat)
        return found

    def occurs_in(self, flat: str) -> bool:
        return bool(self.found_in(flat))


_INDEX_FORMAT = "crosscheck.kiwi-multi-index/5"


def multi_index() -> MultiIndex | None:
    """The multi-word entries of kiwipiepy_model's ``multi.dict`` (``MultiIndex``); None
    when the file is not where it is expected (the full model is loaded instead).

    Building it from the 12 MB file costs ~1 s, so it is kept in the cache directory
    (``$CROSSCHECK_CACHE/kiwi/``, beside the converted model), keyed by the file's size and
    time; an unreadable or unwritable cache only costs the build.
    """
    try:
        import kiwipiepy_model

        path = Path(kiwipiepy_model.__file__).parent / "multi.dict"
        st = path.stat()
    except (ImportError, OSError):
        return None
    from crosscheck.weights import default_cache_dir

    tag = f"{getattr(kiwipiepy_model, '__version__', '?')}-{st.st_size}-{st.st_mtime_ns}"
    cache = default_cache_dir() / "kiwi" / f"multi-{content_id(tag)[:16]}.idx"
    try:
        head, body = cache.read_text(encoding="utf-8").split("\x00")
        flats = body.split("\n")
        if head == f"{_INDEX_FORMAT}\t{tag}\t{len(flats)}":
            return MultiIndex(flats)
    except (OSError, UnicodeDecodeError, ValueError):
        pass
    try:
        raw = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        return None
    # every entry, even one whose flat surface is a single character (it then occurs in
    # nearly any text: the full model is used, which is always right)
    flats = sorted({flat for line in raw if line.strip() and not line.startswith("#")
                    and (flat := flat_surface(line.split("\t", 1)[0]))
                    and "\n" not in flat and "\x00" not in flat})
    from crosscheck.atomic import atomic_write_bytes

    with contextlib.suppress(OSError):
        body = f"{_INDEX_FORMAT}\t{tag}\t{len(flats)}\x00" + "\n".join(flats)
        atomic_write_bytes(cache, body.encode("utf-8"), durable=False)
    return MultiIndex(flats)


LEAN_UP_TO = 20
"""Up to this many articles to analyse, the lean analyser (``LeanKiwi``); beyond, the full
model: its 3 s more to load are less than adding dictionary entries batch after batch."""

_MEMO_MAX = 20_000
RawSentence = tuple[int, int, tuple[tuple[str, str, int, int], ...]]


def _remember(memo: dict[str, Any], fresh: dict[str, Any]) -> None:
    overflow = len(memo) + len(fresh) - _MEMO_MAX
    if overflow > 0:
        for key in list(itertools.islice(memo, overflow)):
            del memo[key]
    memo.update(itertools.islice(fresh.items(), _MEMO_MAX))


# --------------------------------------------------------------------------- patterns

_APPROX_BEFORE_GAP = re.compile(r"\s*$")
_SPACE = re.compile(r"[ \t\u00a0]?")
_NOUN_TAGS = ("NNG", "NNP", "SL", "SH", "NR")
_PARTICLE_TAGS = ("JKS", "JKO", "JKB", "JKG", "JX", "JC", "JKC", "JKV", "JKQ")
_QUOTE_RX = re.compile(r"“([^”]{6,}?)”|\"([^\"]{6,}?)\"|‘([^’]{6,}?)’|'([^']{6,}?)'")
_CLAUSE_ENDINGS = {"고", "며", "으며", "면서", "으면서", "지만", "는데", "은데", "고요", "으나",
                   "나"}
_OPEN_QUOTES = "\"“‘'「『"
_CLOSE_QUOTES = "\"”’'」』"
_MIN_CLAUSE = 12
_PREDICATE_TAGS = frozenset({"VV", "VA", "VX", "VCP", "VCN", "XSV", "XSA"})

# dates: YYYY.MM.DD / YYYY-MM-DD (with a time), YYYY년 M월 D일, M월 D일, D일, relative
_REL_YEAR = r"(?P<ry>지난해|작년|올해|금년|내년|이듬해)\s*"
_REL_MONTH = r"(?P<rm>지난달|이달|이번\s?달|다음\s?달|내달)\s*"
_TIME = (r"(?:\s*(?P<ap>오전|오후|새벽|밤|저녁|낮)?\s*(?P<H>\d{1,2})\s*시(?:\s*(?P<Mi>\d{1,2})\s*분"
         r"|\s*(?P<half>반))?)?")
_DATE_RX = [
    re.compile(r"(?<!\d)(?P<y>(?:19|20)\d{2})\s?[-./]\s?(?P<m>\d{1,2})\s?[-./]\s?(?P<d>\d{1,2})"
               r"(?!\d)\.?(?:\s*(?:(?P<ap2>오전|오후)\s*)?(?P<H2>\d{1,2}):(?P<M2>\d{2}))?"),
    re.compile(r"(?:(?P<y>(?:19|20)\d{2})\s?년\s*|" + _REL_YEAR + r")?(?P<rel>지난|오는)?\s*"
               r"(?<!\d)(?P<m>1[0-2]|0?[1-9])\s?월\s*(?P<d>3[01]|[12]\d|0?[1-9])\s?일(?!\s*간)"
               + _TIME),
    re.compile(r"(?:" + _REL_MONTH + r"|(?P<rel>지난|오는|이달)\s*)?(?<![\d월])"
               r"(?P<d>3[01]|[12]\d|[1-9])\s?일(?!\s*(?:간|동안|째|만에|치|분))" + _TIME),
    re.compile(r"(?:(?P<y>(?:19|20)\d{2})\s?년\s*|" + _REL_YEAR + r"|(?P<rel>지난|오는)\s*)?"
               r"(?<!\d)(?P<m>1[0-2]|0?[1-9])\s?월(?!\s*\d)(?P<part>\s*(?:말|초|중순|하순|상순))?"),
    re.compile(r"(?<![\d.,])(?P<y>(?:19|20)\d{2})\s?년(?!\s*\d{1,2}\s?월)(?!\s*(?:간|동안|째|만))"),
    re.compile(r"(?P<word>그제|어제|오늘|내일|모레)(?![가-힣])"),
]
_RANGE_FIGURE = re.compile(r"\s?[~∼〜～\-–]\s?(?=\d)")
_RANGE_JOIN = re.compile(r"\s*(?:부터|에서|~|∼|-|–)\s*(?:[(\[]?\s*)$")
_RANGE_END = re.compile(r"^\s*(?:까지)")


# --------------------------------------------------------------------------- the language


class Korean(Language):
    code = "ko"
    scripts = ("hangul",)
    spaced = False  # particles glue to words: no word boundaries around lexicon entries
    quote_rx = _QUOTE_RX

    def __init__(self) -> None:
        self._kiwi: LeanKiwi | None = None
        self._expected = 0
        self._sents_memo: dict[str, tuple[RawSentence, ...]] = {}
        self._tokens_memo: dict[str, tuple[tuple[str, str, int, int], ...]] = {}

    # ------------------------------------------------------------------ analyser
    def prepare(self, n_texts: int) -> None:
        self._expected = n_texts

    def release(self) -> None:
        self._kiwi = None
        self._sents_memo.clear()
        self._tokens_memo.clear()

    @property
    def analyser_loaded(self) -> bool:
        return self._kiwi is not None

    def kiwi(self, texts: list[str] | None = None) -> Any:
        """The one Kiwi analyser of the process, ready for ``texts`` (see ``LeanKiwi``)."""
        if self._kiwi is None:
            self._kiwi = LeanKiwi(full=self._expected > LEAN_UP_TO)
        return self._kiwi.for_texts(texts or [])

    def raw_sentences(self, texts: list[str]) -> list[tuple[RawSentence, ...]]:
        """``kiwi.split_into_sents(texts, return_tokens=True)`` as (start, end, tokens)
        tuples, memoised by exact text (news repeats itself)."""
        found = {t: self._sents_memo[t] for t in texts if t in self._sents_memo}
        todo = [t for t in dict.fromkeys(texts) if t not in found]
        if todo:
            fresh = {
                t: tuple(
                    (s.start, s.end,
                     tuple((k.form, k.tag, k.start, k.start + k.len) for k in s.tokens))
                    for s in sents
                )
                for t, sents in zip(
                    todo, self.kiwi(todo).split_into_sents(todo, return_tokens=True), strict=True
                )
            }
            _remember(self._sents_memo, fresh)
            found.update(fresh)
        return [found[t] for t in texts]

    def sentences_batch(self, texts: list[str]) -> list[list[Sentence]]:
        return [[(s, e, tuple(Token(*t) for t in toks)) for s, e, toks in sents]
                for sents in self.raw_sentences(texts)]

    def sentences(self, text: str) -> list[Sentence]:
        return self.sentences_batch([text])[0]

    def tokens(self, texts: Sequence[str]) -> list[tuple[Token, ...]]:
        found: dict[str, tuple[tuple[str, str, int, int], ...]] = {}
        for t in texts:
            if t in self._tokens_memo:
                found[t] = self._tokens_memo[t]
            elif t in self._sents_memo:
                found[t] = tuple(tok for sent in self._sents_memo[t] for tok in sent[2])
        todo = [t for t in dict.fromkeys(texts) if t not in found]
        if todo:
            fresh = {
                t: tuple((k.form, k.tag, k.start, k.start + k.len) for k in toks)
                for t, toks in zip(todo, self.kiwi(todo).tokenize(todo), strict=True)
            }
            _remember(self._tokens_memo, fresh)
            found.update(fresh)
        return [tuple(Token(*x) for x in found[t]) for t in texts]

    # ------------------------------------------------------------------ page chrome
    def statements(self, lines: Sequence[str]) -> list[bool]:
        """A Korean line states something when it ends in sentence punctuation, holds a final
        ending (-다, -니다, -까: EF), or ends in a nominal ending (-음/-ㅁ: 확인함); a line of
        nouns and particles (운영 시간과 이용 방법), or one whose verb only connects or
        modifies (책을 넘어 배움의 공간으로, 문을 연 도서관), is a heading or a label."""
        out = super().statements(lines)
        todo = [i for i, ok in enumerate(out) if not ok and lines[i].strip()]
        if not todo:
            return out
        for i, toks in zip(todo, self.tokens([lines[i] for i in todo]), strict=True):
            words = [t for t in toks if not t.tag.startswith("S")]
            out[i] = any(t.tag == "EF" for t in toks) or bool(
                words and words[-1].tag == "ETN" and words[-1].form in ("음", "ㅁ"))
        return out

    def has_predicate(self, text: str, start: int, end: int, toks: Sequence[Token]) -> bool:
        """An enumeration item has a predicate of its own when a verb, adjective or copula
        stem (or 하다/되다 after a noun) lies in it: ▲공장을 짓고 does, ▲휴대전화번호 and
        ▲수출통제 강화 do not (the sentence's verb completes them)."""
        return any(start <= t.start < end and t.tag.split("-")[0] in _PREDICATE_TAGS
                   for t in toks)  # VV-I, VA-R: irregular stems

    # ------------------------------------------------------------------ clauses
    def clause_cuts(self, text: str, start: int, end: int, toks: Sequence[Token]) -> list[int]:
        """Offsets at which a compound sentence is cut into clauses: after a connective
        ending (-고, -며, -면서, -지만 …) outside quotation marks that closes a predicate
        and is followed by a clause with a predicate of its own."""
        quoted = base.quote_depths(text, start, end, "“‘「『", "”’」』")
        cuts: list[int] = []
        last = start
        for i, (form, tag, ts, te) in enumerate(toks):
            if tag != "EC" or form not in _CLAUSE_ENDINGS:
                continue
            if te >= end or quoted[te - 1 - start]:
                continue
            prev_tags = {t[1] for t in toks[max(0, i - 3) : i]}
            if not prev_tags & {"VV", "VA", "VCP", "VCN", "XSV", "XSA", "EP", "VX"}:
                continue
            if i + 1 < len(toks) and toks[i + 1][1] == "VX":  # 하고 있다: one clause
                continue
            nxt = te
            if nxt < end and text[nxt] == ",":
                nxt += 1
            if nxt >= end or not text[nxt].isspace():
                continue
            while nxt < end and text[nxt].isspace():
                nxt += 1
            if nxt - last < _MIN_CLAUSE or end - nxt < _MIN_CLAUSE:
                continue
            # 윤 장관은 "A"며 "B"고 말했다: one statement quoted in two parts, not two claims
            if text[nxt] in _OPEN_QUOTES and any(
                ch in _CLOSE_QUOTES for ch in text[max(start, ts - 3) : ts]
            ):
                continue
            rest_tags = {t[1] for t in toks if t[2] >= nxt}
            if not rest_tags & {"EF", "EC", "ETM", "VV", "XSV"}:
                continue
            cuts.append(nxt)
            last = nxt
        return cuts

    def subject_of(self, text: str, start: int, toks: Sequence[Token]) -> str | None:
        """The topic/subject noun phrase of a clause: the words before its first 은/는/이/가."""
        prev_tag = ""
        phrase_start = start
        for form, tag, ts, te in toks:
            if ts < start:
                continue
            if tag in ("SSO", "SW") or form in _OPEN_QUOTES:
                return None
            if tag in ("JX", "JKS") and form in ("은", "는", "이", "가"):
                if prev_tag.startswith("J"):
                    phrase_start = te  # 서명식에서는: a place or time topic; look further on
                    prev_tag = tag
                    continue
                phrase = text[phrase_start:ts].strip(" ,")
                return phrase if 0 < len(phrase) <= 40 else None
            prev_tag = tag
        return None

    # ------------------------------------------------------------------ lexicons
    @cached_property
    def surnames(self) -> frozenset[str]:
        return frozenset(str(self.data.get("surnames", "")))

    @cached_property
    def not_names(self) -> frozenset[str]:
        return frozenset(self.words("not_names"))

    @cached_property
    def org_abbreviations(self) -> dict[str, str]:
        return self.table("org_abbreviations")

    def title_key(self, title: str) -> str | None:
        """The class of a Korean title: the longest lexicon title the word ends with
        (정책실장 -> chief, 상무장관 -> minister, 대표이사 -> ceo)."""
        key = self.suffix_title_key(title)
        if key is not None:
            return key
        if title.strip().upper() == "CEO":
            return "ceo"
        return None

    def is_org_like(self, form: str) -> bool:
        return form in self.countries or form in self.words("country_pairs") or (
            form in self.words("org_names")) or (
            len(form) >= 2 and form.endswith(self.org_suffixes))

    def short_forms(self, name: str) -> list[str]:
        """Forms an article may use for a full name later: the surname syllable."""
        parts = name.split()
        if has_hangul(name) and len(parts) == 1 and len(name) >= 3:
            return [name[0]]
        return [parts[-1]] if len(parts) >= 2 else []

    # ------------------------------------------------------------------ people
    def words_of(self, text: str, start: int, end: int, toks: Sequence[Token]) -> list[_Word]:
        """The space-separated words of [start, end), each with its stem: the leading nouns
        before the first particle or ending (과기정통부는 -> 과기정통부)."""
        starts = [t.start for t in toks]
        out: list[_Word] = []
        for wm in re.finditer(r"\S+", text[start:end]):
            ws, we = start + wm.start(), start + wm.end()
            inside = toks[bisect.bisect_left(starts, ws) : bisect.bisect_left(starts, we)]
            stem_end = ws
            lead = True
            for t in inside:
                if t.tag.startswith(("J", "E", "V")) or t.tag in ("XSV", "XSA", "VCP", "SF",
                                                                  "SP", "SSO", "SSC", "SE"):
                    break
                if t.tag.startswith(("N", "SL", "SH", "SN", "XSN", "XPN")):
                    stem_end = t.end
                elif lead and t.tag in ("SSO",):
                    continue
                else:
                    break
                lead = False
            stem_inside = tuple(t for t in inside if t.end <= stem_end)
            out.append(_Word(ws, stem_end, we, text[ws:stem_end], stem_inside))
        return out

    def _title_of(self, w: _Word) -> tuple[int, str] | None:
        """(start, class) of the title a word's stem ends with, at a morpheme boundary
        (정책실장 -> 실장 at 실; 상무장관 -> 장관), else None."""
        stem = w.stem
        if not stem:
            return None
        if stem.upper() == "CEO":
            return w.start, "ceo"
        bounds = {t.start for t in w.tokens} | {w.start}
        last = w.tokens[-1] if w.tokens else None
        for n in range(len(stem), 0, -1):
            key = self.titles.get(stem[-n:])
            if key is None:
                continue
            # at a morpheme boundary, or the end of one compound noun (정책실장, 상무장관)
            if (w.stem_end - n) in bounds or (
                    last is not None and last.tag == "NNG" and last.end == w.stem_end
                    and last.end - last.start > n):
                return w.stem_end - n, key
        return None

    def _name_like(self, w: _Word) -> bool:
        stem = w.stem
        if not stem or stem != text_hangul(stem) or stem in self.not_names:
            return False
        if self._title_of(w) is not None or self.is_org_like(stem) or stem in self.countries:
            return False
        if 2 <= len(stem) <= 4 and stem[0] in self.surnames:
            # one dictionary word (신임, 이번 ...) is not a name; kiwi cuts an unknown name
            # into syllables or tags it NNP
            return not (len(w.tokens) == 1 and w.tokens[0].tag != "NNP")
        # a foreign name in Hangul: proper nouns kiwi knows (크라치오스, 러트닉)
        return len(stem) >= 2 and bool(w.tokens) and all(t.tag == "NNP" for t in w.tokens)

    def mentions(self, text: str, toks: Sequence[Token], article_id: str = "",
                 start: int | None = None, end: int | None = None) -> list[Mention]:
        """People named with a title: ``NAME (ORG…) TITLE`` (최우혁 과기정통부 정책관,
        배경훈 부총리 및 과기정통부 장관), ``TITLE NAME`` (대표이사 유영상입니다), a surname
        and its title (배 부총리), and a foreign name in Hangul (마이클 크라치오스 실장)."""
        if not toks:
            return []
        lo = toks[0].start if start is None else start
        hi = toks[-1].end if end is None else end
        words = self.words_of(text, lo, hi, toks)
        out: list[Mention] = []
        for idx, w in enumerate(words):
            got = self._title_of(w)
            if got is None:
                continue
            tstart, _key = w.start, got[1]
            tend = w.stem_end
            tsurface = text[tstart:tend]
            name: tuple[int, int] | None = None
            alias = None
            # walk back over organisation words (SK텔레콤, 대통령실, 과기정통부)
            j = idx - 1
            joined = False
            while j >= 0 and idx - j <= 5:
                prev = words[j]
                raw = text[prev.start:prev.end]
                if raw in ("겸", "및") or prev.stem in ("겸", "및"):
                    joined = True
                    break
                if re.fullmatch(r"[A-Za-z.'\-]*\)", raw) and j >= 1:
                    # the end of a name given in Latin letters, 뒤부아(Claire Dubois): skip it
                    j -= 1
                    continue
                if prev.stem_end != prev.end and j != idx - 1 and not re.search(
                        r"\([A-Za-z]", raw):
                    break  # a word with a particle ends the noun phrase
                if self.is_org_like(prev.stem) or prev.stem in self.countries or (
                        self._title_of(prev) is not None):
                    if prev.stem_end != prev.end:
                        break
                    j -= 1
                    continue
                if prev.stem_end != prev.end and not text[prev.stem_end:prev.end].startswith(
                        "("):
                    break
                am = re.match(r"\(([^()]{2,40})\)", text[prev.stem_end:prev.end + 40])
                if am and not has_hangul(am.group(1)):
                    alias = am.group(1).strip()
                if len(prev.stem) == 1 and prev.stem in self.surnames and j == idx - 1:
                    name = (prev.start, prev.stem_end)
                elif self._name_like(prev):
                    name = (prev.start, prev.stem_end)
                    if j >= 1 and self._name_like(words[j - 1]) and words[j - 1].stem_end == \
                            words[j - 1].end and all(t.tag == "NNP" for t in prev.tokens) \
                            and all(t.tag == "NNP" for t in words[j - 1].tokens):
                        name = (words[j - 1].start, prev.stem_end)  # 마이클 크라치오스
                    am = re.match(r"\(([^()]{2,40})\)", text[prev.stem_end:prev.end + 40])
                    if am and not has_hangul(am.group(1)):
                        alias = am.group(1).strip()
                break
            if joined and name is None and out and 0 <= tstart - out[-1].end < 40:
                prev_m = out[-1]
                out.append(Mention(article_id, prev_m.surface, start=prev_m.start,
                                   end=prev_m.end, title=tsurface, title_start=tstart,
                                   title_end=tend))
                continue
            if name is None and w.stem_end == w.end and idx + 1 < len(words):
                nxt = words[idx + 1]
                if self._name_like(nxt) and len(nxt.stem) <= 4:
                    name = (nxt.start, nxt.stem_end)  # 대표이사 유영상입니다
            if name is None:
                continue
            out.append(Mention(article_id, text[name[0]:name[1]], start=name[0], end=name[1],
                               title=tsurface, title_start=tstart, title_end=tend,
                               alias=alias))
        return out

    # ------------------------------------------------------------------ figures
    # (the figure parser with 만/억/조 groups is Language._parse_figure, driven by the data
    # file: 2천3백만 = 23,000,000; 1,347억 9,100만 = 134,791,000,000; 29만 1831 = 291,831)
    def numbers(self, text: str, start: int, end: int, toks: Sequence[Token],
                taken: Sequence[tuple[int, int]] = ()) -> list[Facet]:
        """Figures with their unit or counter: ``3억 달러`` -> ``300000000 USD``,
        ``총 23대의 서버`` -> ``23 machines`` (head 서버); ``약``/``여``/``가량`` mark it
        hedged (``~``); ordinals (1차, 제18회, 2번째), durations (17시간), times, dates,
        codes (017670, 5G) and bare figures without a unit are not figures of a fact."""
        out: list[Facet] = []
        approx_before = self.words("approx_before")
        approx_after = sorted(self.words("approx_after"), key=len, reverse=True)
        range_ends: dict[int, int] = {}  # where a range's end begins -> its start's index
        i = start
        while i < end:
            m = re.compile(r"\d").search(text, i, end)
            if m is None:
                break
            s = m.start()
            i = s + 1
            if any(a <= s < b for a, b in taken):
                continue
            prev = text[s - 1] if s > start else ""
            if prev and ((prev.isascii() and (prev.isalnum() or prev in ".,")) or prev in "-–") \
                    and s not in range_ends:
                continue  # inside a code or a word (LTE5G, A-1, 3.5)
            got = self._parse_figure(text, s, end)
            if got is None:
                continue
            value, digits, e = got
            i = max(i, e)
            if e < end and text[e].isascii() and text[e].isalpha() and text[e:e + 2] not in (
                    "GB", "TB", "MB", "km", "GW", "MW", "Tb"):
                continue  # 5G, 4K
            if re.fullmatch(r"0\d{5}", text[s:e]) or re.match(r"\d{2,4}-\d{3,4}-\d{4}",
                                                              text[s:end]):
                continue  # a stock code, a phone number
            # approximation written after the figure (3만여 대, 23대 가량)
            pos = e
            hedged = False
            for w in approx_after:
                if text.startswith(w, pos):
                    hedged, pos = True, pos + len(w)
                    break
            unit_kind, unit_key, ue = self._unit_at(text, pos, end)
            if not unit_kind:
                ue = e
            if s > start and re.search(r"제\s?$", text[max(start, s - 2):s]):
                continue  # 제18회: an ordinal
            if unit_kind in ("ordinal", "duration"):
                i = max(i, ue)
                continue
            # a range (3~5%, 3-5%, 3%~5%): the start borrows the end's unit when it has none
            nxt = self._range_next(text, ue, end, unit_key, taken)
            if nxt is not None:
                unit_kind, unit_key = unit_kind or nxt[1], unit_key or nxt[2]
                range_ends[nxt[0]] = len(out)
            if not unit_kind and value < 10_000:
                continue  # a bare figure: no unit, no counter, no 만/억 scale
            after_unit = text[ue:ue + 6]
            for w in approx_after:
                if after_unit.lstrip().startswith(w) and w not in ("이상", "이하", "미만", "초과"):
                    hedged = True
                    break
            bound = None
            if re.match(r"\s*(?:이상|넘는|넘게|초과|남짓)", after_unit):
                bound = "min"
            elif re.match(r"\s*(?:이하|미만|까지)", after_unit):
                bound = "max"
            before = text[max(start, s - 8):s]
            if any(re.search(re.escape(w) + r"\s*$", before) for w in approx_before):
                hedged = True
            fig = Figure(value, digits, hedged, bound)
            unit = unit_key
            span_end = ue if unit_kind else e
            head = self._head(text, s, span_end, toks)
            role = self._role(text, s, span_end, end)
            if nxt is not None:
                role = "start"
            if s in range_ends:
                first = out[range_ends[s]] if range_ends[s] < len(out) else None
                role = "end"
                if first is not None and first.role == "start":
                    head = head or first.head
                    if first.head is None and head is not None:
                        out[range_ends[s]] = replace(first, head=head)
            facet = Facet("number", text[s:span_end], fig.normalized(unit), s, span_end,
                          unit=unit or None, head=head, role=role)
            out.append(facet)
            i = max(i, span_end)
        return out

    def _unit_at(self, text: str, pos: int, end: int) -> tuple[str, str, int]:
        """(kind, key, end) of the unit or counter written at ``pos`` (after one optional
        space), or ("", "", pos)."""
        gap = _SPACE.match(text, pos, end)
        upos = gap.end() if gap else pos
        for surface, kind, key in self._unit_words:
            if text.startswith(surface, upos):
                if kind == "counter" and surface == "대" and text.startswith("대비", upos):
                    continue
                return kind, key, upos + len(surface)
        return "", "", pos

    def _range_next(self, text: str, pos: int, end: int, unit_key: str,
                    taken: Sequence[tuple[int, int]]) -> tuple[int, str, str] | None:
        """(start, unit kind, unit key) of the figure that ends a range begun by the one
        ending at ``pos`` (3~5%, 3-5%, 3∼5%, 3%~5%): after a tilde or a dash, a figure with a
        unit or counter (the same as the start's, when the start has one); None otherwise
        (a date or time ends there, or a duration: 3~5년)."""
        m = _RANGE_FIGURE.match(text, pos, end)
        if m is None or any(a <= m.end() < b for a, b in taken):
            return None
        got = self._parse_figure(text, m.end(), end)
        if got is None:
            return None
        kind, key, _ = self._unit_at(text, got[2], end)
        if kind not in ("unit", "counter") or (unit_key and key != unit_key):
            return None
        return m.end(), kind, key

    @cached_property
    def _head_modifiers(self) -> frozenset[str]:
        return frozenset(self.words("head_modifiers"))

    def _head(self, text: str, s: int, e: int, toks: Sequence[Token]) -> str | None:
        """What a figure counts: the noun after ``의`` (23대의 서버) or the noun immediately
        before it (서버 2대, 악성코드 25종, 서버가 3대로). A noun marked as the topic or
        subject (은/는/이/가) with other words between it and the figure is what the
        sentence is about, not what the figure counts (가나전자는 약 2억 달러를: no head),
        a noun marked by ``의`` is its owner (정부의 2억 달러: no head), and the data file's
        ``head_modifiers`` (총, 연간) say how the figure is taken, not what it counts;
        nor is a noun glued to a name or a particle before it in one word (a name the
        analyser cut: 가나전자 -> 가/나/전자)."""
        starts = [t.start for t in toks]
        k = bisect.bisect_left(starts, e)
        if k < len(toks) and toks[k].form == "의" and toks[k].tag == "JKG":
            # a compound's last noun is its head: 3천억 달러의 대미투자 펀드 -> 펀드
            run = list(itertools.takewhile(lambda t: t.tag in _NOUN_TAGS, toks[k + 1 : k + 5]))
            if run:
                return run[-1].form
        j = bisect.bisect_left(starts, s) - 1
        skipped = 0
        subject = False  # a topic/subject particle lies between the noun and the figure
        modifiers = self._head_modifiers
        while j >= 0 and skipped < 3:
            t = toks[j]
            if t.form in modifiers:  # 연간 200억 달러, 총 23대: says how, not what
                skipped += 1
                j -= 1
                continue
            if t.tag == "JKG":
                return None  # 정부의 3천500억 달러: the owner, not what the figure is of
            if t.tag == "JKB":
                return None  # 홍수로 12명이: an adverbial (by, at, to), not what is counted
            if t.tag in _NOUN_TAGS and t.form not in self.titles:
                if subject:
                    p = toks[j - 1] if j else None
                    if p is not None and p.end == t.start and (
                            p.tag == "NNP" or p.tag.startswith(("J", "E"))):
                        return None  # part of a name: 가나전자는, 한결에너지는
                return t.form
            if t.tag in ("JX", "JKS") and t.form in ("은", "는", "이", "가"):
                if skipped:
                    return None  # 가나전자는 약 …: the topic, not what is counted
                subject = True
            if t.tag.startswith(("J", "MM", "MAG", "SP", "SS", "SO", "SW", "XSN")) or t.form in (
                    "총", "약", "모두"):
                skipped += 1
                j -= 1
                continue
            break
        return None

    def _role(self, text: str, s: int, e: int, end: int) -> str | None:
        """from / to / by / increment: how a figure enters a change (25%에서 15%로 인하,
        15% 인하, 18대 더 늘어)."""
        after = text[e:min(end, e + 24)]
        change = self.data.get("change_words") or {}
        words = [w for ws in change.values() for w in ws]
        if re.match(r"\s*에서", after) and any(w in text[e:end] for w in words):
            return "from"  # 25%에서 15%로 인하; 서버 2대에서 (on two servers) is no change
        before = text[max(0, s - 8):s]
        current = self.words("current_markers")
        if current and re.search("(?:" + "|".join(map(re.escape, current)) + r")\s*$", before) \
                and re.match(r"\s*(?:수준\s*)?인\b|\s*(?:수준\s*)?인\s", after) \
                and any(w in text[e:end] for w in words):
            return "from"  # 현재 25%인 관세는 15%로 인하: the level before the change
        if re.match(r"\s*(?:이나\s*)?더\s", after) or (
                re.match(r"\s*(?:늘어|증가|감소|줄어)", after) \
                and re.search(r"(?:보다|대비)\s*$", text[max(0, s - 12):s])):
            return "increment"
        keep = [w for w in (change.get("keep") or [])]
        lead = re.match(r"\s*(?:수준\s*)?(?:으로|로)", after)
        if lead:
            tail = after[lead.end():].lstrip()
            if any(tail.startswith(w) for w in keep):
                return "keep"  # 15% 수준으로 유지
            if any(tail.startswith(w) for w in words):
                return "to"
            return None
        if re.match(r"\s*(?:포인트\s*)?", after) and any(
                re.match(r"\s*" + re.escape(w), after) for w in words):
            return "by"
        return None

    # ------------------------------------------------------------------ dates
    def dates(self, text: str, start: int, end: int, ref: date | None) -> list[Facet]:
        """Dates resolved against the article's day: ``2025년 4월 19일``, ``4월 19일``,
        ``19일`` (this month, or the last one when the day is more than a week ahead),
        ``지난 19일``, ``오는 28일``, ``지난달 24일``, ``지난해 12월 3일``, ``7월``/``7월 말``
        (a month), ``2027년`` (a year), ``어제``; with a time (``오후 11시 40분``). Ranges
        (``A부터 B까지``, ``A ~ B``) mark their ends ``start``/``end``; an end written without
        its month or year takes the start's (``20일부터 22일까지``). A date without its year
        takes the article's, unless 지난/오는 or the sentence's tense moves it
        (:func:`crosscheck.lang.base.year_of`: ``7월에 열릴 예정이다`` in December is next
        July)."""
        out: list[Facet] = []
        taken: list[tuple[int, int]] = []
        lean = tense_lean(self.modality(text[start:end]))
        for rx in _DATE_RX:
            for m in rx.finditer(text, start, end):
                s, e = m.start(), m.end()
                while s < e and text[s].isspace():
                    s += 1
                while e > s and text[e - 1].isspace():
                    e -= 1
                if any(a < e and s < b for a, b in taken):
                    continue
                got = _resolve(m.groupdict(), ref, lean)
                if got is None:
                    continue
                norm, grain = got
                taken.append((s, e))
                out.append(Facet("date", text[s:e], norm, s, e, unit=grain))
        out.sort(key=lambda f: f.start)
        return _mark_ranges(text, out, end)

    # ------------------------------------------------------------------ places, orgs
    def places(self, text: str, start: int, end: int, toks: Sequence[Token],
               gazetteer: Any) -> list[Facet]:
        """Places: countries, gazetteer names (서울, 경주시) and ``X에서`` nouns. A name with
        the suffix of a region (온타리오주, 경기도: ``region_suffixes``) is the region, never
        a city of the bare name (온타리오주 is not Ontario, California): the gazetteer's
        key of the whole name, else ``name:``."""
        out: list[Facet] = []
        suffixes = tuple(sorted(self.words("place_suffixes"), key=len, reverse=True))
        regions = frozenset(self.words("region_suffixes"))
        for i, t in enumerate(toks):
            if not start <= t.start < end:
                continue
            nxt = toks[i + 1] if i + 1 < len(toks) else None
            e = t.end
            if nxt is not None and nxt.start == t.end and nxt.form in suffixes and nxt.tag in (
                    "NNG", "NNB", "XSN", "NNP"):
                e = nxt.end  # 온타리오주, 수원시
            name = text[t.start:e]
            if t.tag not in ("NNP", "NNG") or len(t.form) < 2:
                continue
            key = None
            if t.form in self.countries:
                key = "country:" + self.countries[t.form]
            elif e != t.end and text[t.end:e] in regions:
                # a state or province (of a proper noun: 다음주 is no place)
                key = gazetteer.key(name) or ("name:" + name if t.tag == "NNP" else None)
            elif t.tag == "NNP" or e != t.end:
                # a proper noun, or a noun with an administrative suffix (수원시): common
                # nouns share their letters with many towns (상주, 부지)
                key = gazetteer.key(name) or gazetteer.key(t.form)
            if key is None and nxt is not None and nxt.form == "에서" and nxt.start == e and (
                    t.tag == "NNP" and not self.is_org_like(t.form)
                    and not t.form.endswith(("식", "회", "의", "장"))):
                key = "name:" + name
            if key is not None:
                out.append(Facet("place", name, key, t.start, e))
        return out

    def organizations(self, text: str, start: int, end: int, toks: Sequence[Token],
                      person_spans: Sequence[tuple[int, int]]) -> list[Facet]:
        """A word (letters minus its particles) that ends in an organisation suffix
        (산업통상자원부, 진흥원) or follows 기업/기관 (소재 기업 한결에너지솔루션은)."""
        out: list[Facet] = []
        prev_word = ""
        starts = [t.start for t in toks]
        apposition = set(self.words("org_apposition"))
        for wm in re.finditer(r"[가-힣A-Za-z0-9·&]+", text[start:end]):
            ws, we = start + wm.start(), start + wm.end()
            inside = toks[bisect.bisect_left(starts, ws) : bisect.bisect_left(starts, we)]
            stem_end = ws
            for t in inside:
                if t.tag.startswith(("J", "E", "V")) or t.tag in ("XSV", "XSA", "VCP"):
                    break
                if t.tag.startswith(("N", "S", "XSN", "XPN", "MAG")):
                    stem_end = t.end
            word = text[ws:stem_end]
            apposed = prev_word in apposition and not word.endswith(
                ("관계자", "자", "측", "들", "원", "장"))
            prev_word = word
            if len(word) < 2 or not has_hangul(word[0]) or self.title_key(word) == word:
                continue
            if word in self.titles:
                continue
            abbrev = self.org_abbreviations
            is_org = (
                (len(word) >= 3 or word in abbrev)
                and word.endswith(self.org_suffixes)
                and not word.endswith(("정부", "분", "부분", "내부", "외부", "일부", "전부"))
            ) or word in abbrev or (apposed and len(word) >= 3)
            if is_org and not any(a <= ws < b for a, b in person_spans):
                out.append(Facet("organization", word, abbrev.get(word, word), ws, stem_end))
        return out

    # ------------------------------------------------------------------ saying, modality
    def say_span(self, text: str, start: int, end: int) -> re.Match[str] | None:
        """The last verb of saying in [start, end)."""
        rx = self.pattern("say_verbs").rx
        last = None
        for m in rx.finditer(text, start, end):
            last = m
        return last

    def speakers(self, text: str, start: int, end: int, toks: Sequence[Token],
                 mentions: Sequence[Mention]) -> list[tuple[int, int]]:
        """Spans of who says a clause: with a verb of saying in it, the titled person before
        the topic marker (윤 장관은 "…"라고 말했다), else the subject noun phrase before
        은/는/이/가 (outside quotation marks)."""
        if self.say_span(text, start, end) is None:
            return []
        inside = [t for t in toks if start <= t.start < end]
        for t in inside:
            if t.tag in ("JX", "JKS") and t.form in ("은", "는", "이", "가"):
                for mt in mentions:
                    if mt.title_end == t.start and not _quote_before(text, start, t.start):
                        return [(mt.start, t.start)]
                break
        for t_i, t in enumerate(inside):
            if t.tag in ("JX", "JKS") and t.form in ("은", "는", "이", "가"):
                ws = t.start
                k = t_i - 1
                while k >= 0 and inside[k].tag in ("NNG", "NNP", "SL", "NNB") and (
                        k == t_i - 1 or inside[k + 1].start - inside[k].end <= 1):
                    ws = inside[k].start
                    k -= 1
                cand = text[ws:t.start].strip()
                if cand and not any(q in cand for q in "“\"”") and not _quote_before(
                        text, start, t.start):
                    return [(ws, t.start)]
        return []

    def modality(self, text: str) -> str | None:
        if self.pattern("planned").rx.search(text):
            return "planned"
        if re.search(r"(했|됐|었|았|였|렸|졌|냈|켰|왔|쳤)(다|습니다)[.”\"’']*\s*$|"
                     r"(했|됐|었|았|였)(고|으며|며|는데|지만)\s*,?\s*$", text):
            return "done"
        return None

    def predicates(self, text: str, start: int, end: int) -> list[Facet]:
        objs, verbs = self.table("predicate_objects"), self.table("predicate_verbs")
        rx = re.compile(r"(?P<obj>" + "|".join(map(re.escape, objs)) + r")\s*(?:을|를|의)?\s*"
                        r"(?P<verb>" + "|".join(map(re.escape, verbs)) + r")")
        out = []
        for m in rx.finditer(text, start, end):
            obj = objs[m.group("obj")]
            out.append(Facet("predicate", m.group(0), f"{obj}:{verbs[m.group('verb')]}",
                             m.start(), m.end(), obj))
        return out


# --------------------------------------------------------------------------- helpers


@dataclass(frozen=True)
class _Word:
    """A space-separated word: its span, its stem (leading nouns) and the stem's tokens."""

    start: int
    stem_end: int
    end: int
    stem: str
    tokens: tuple[Token, ...]


def text_hangul(s: str) -> str:
    """``s`` if it is all Hangul syllables, else ''."""
    return s if s and all("\uac00" <= ch <= "\ud7a3" for ch in s) else ""




def _quote_before(text: str, start: int, pos: int) -> bool:
    seg = text[start:pos]
    return seg.count("“") > seg.count("”") or seg.count('"') % 2 == 1


def _hour(gd: dict[str, str | None], ap_key: str, h_key: str) -> int | None:
    if not gd.get(h_key):
        return None
    h = int(gd[h_key] or 0)
    ap = gd.get(ap_key) or ""
    if ap in ("오후", "저녁", "밤") and h < 12:
        h += 12
    if ap in ("오전", "새벽") and h == 12:
        h = 0
    return h if 0 <= h <= 23 else None


def _resolve(gd: dict[str, str | None], ref: date | None,
             lean: str | None = None) -> tuple[str, str] | None:
    """(ISO value, granularity) of one matched Korean date expression; ``lean`` is the
    sentence's tense (``planned``/``done``), which 지난/오는 override (``year_of``)."""
    if gd.get("word"):
        if ref is None:
            return None
        delta = {"그제": -2, "어제": -1, "오늘": 0, "내일": 1, "모레": 2}[gd["word"] or ""]
        return (ref + timedelta(days=delta)).isoformat(), "day"
    year: int | None = int(gd["y"] or 0) if gd.get("y") else None
    ry = gd.get("ry") or ""
    if ry and ref is not None:
        year = ref.year + {"지난해": -1, "작년": -1, "올해": 0, "금년": 0, "내년": 1,
                           "이듬해": 1}[ry]
    elif ry:
        return None
    month: int | None = int(gd["m"] or 0) if gd.get("m") else None
    rm = (gd.get("rm") or "").replace(" ", "")
    rel = gd.get("rel") or ""
    if not gd.get("d"):
        if month is None:
            return (str(year), "year") if year else None
        if year is None:
            if ref is None:
                return f"--{month:02d}", "month"
            year = year_of(month, None, ref, _lean(rel, lean))
        return f"{year:04d}-{month:02d}", "month"
    day = int(gd["d"] or 0)
    if month is None:
        if ref is None:
            return None
        month, year = ref.month, ref.year
        if rm in ("지난달",):
            month -= 1
        elif rm in ("다음달", "내달"):
            month += 1
        elif rm in ("이달", "이번달"):
            pass
        elif (rel == "지난" and day > ref.day) or (not rel and day > ref.day + 7):
            month -= 1
        elif rel == "오는" and day < ref.day:
            month += 1
        if month == 0:
            month, year = 12, year - 1
        elif month == 13:
            month, year = 1, year + 1
    if year is None:
        if ref is None:
            return base.yearless_day(month, day)
        year = year_of(month, day, ref, _lean(rel, lean))
    iso = base.iso_day(year, month, day)
    if iso is None:
        return None
    h = _hour(gd, "ap", "H") if gd.get("H") else _hour(gd, "ap2", "H2")
    if h is not None:
        mi = gd.get("Mi") or gd.get("M2") or ("30" if gd.get("half") else "0")
        return f"{iso}T{h:02d}:{int(mi or 0):02d}", "minute"
    return iso, "day"


def _lean(rel: str, tense: str | None) -> str | None:
    """``year_of``'s lean: 지난 (past) and 오는 (future) before the sentence's tense."""
    return {"지난": "past", "오는": "future"}.get(rel, tense)


def _mark_ranges(text: str, dates: list[Facet], end: int) -> list[Facet]:
    """``A부터 B까지``, ``A ~ B``, ``A에서 B``: the first date is the range's ``start``, the
    second its ``end``; an end written without its month (20일부터 22일까지) or its year
    (12월 28일부터 1월 3일까지) takes the start's (``base.range_end``)."""
    out = list(dates)
    for k in range(len(out) - 1):
        a, b = out[k], out[k + 1]
        gap = text[a.end:b.start]
        if len(gap) <= 6 and re.fullmatch(r"\s*(?:부터|에서|~|∼|-|–)\s*", gap):
            out[k] = replace(a, role="start")
            w = b.value
            iso = re.match(r"\d{4}\s?[-./]", w) is not None
            relative_month = re.search(r"지난달|이달|이번\s?달|다음\s?달|내달", w) is not None
            day = re.match(r"(?:지난|오는)?\s*(\d{1,2})\s?일", w)
            norm = range_end(a.normalized, b.normalized,
                             int(day.group(1)) if day and not relative_month else None,
                             month_written="월" in w or iso or relative_month,
                             year_written="년" in w or iso or re.search(
                                 r"지난해|작년|올해|금년|내년|이듬해", w) is not None)
            out[k + 1] = replace(b, role="end", normalized=norm)
        elif len(gap) <= 6 and gap.strip() == "" and _RANGE_END.match(text, b.end, end):
            pass
    return out


LANGUAGE = Korean()


_Y_VOWELS = frozenset({2, 3, 6, 7, 12, 17, 20})  # ㅑ ㅒ ㅕ ㅖ ㅛ ㅠ ㅣ


def initial_sound_law(syllable: str) -> str:
    """A syllable as the initial-sound law (두음법칙) writes it at the start of a word: an
    initial ㄹ becomes ㅇ before i/y vowels and ㄴ otherwise (류 → 유, 로 → 노), an initial
    ㄴ becomes ㅇ before i/y vowels (녀 → 여). So 류 and 유 are one surname spelt two ways."""
    if len(syllable) != 1 or not 0xAC00 <= ord(syllable) <= 0xD7A3:
        return syllable
    code = ord(syllable) - 0xAC00
    initial, vowel, final = code // 588, (code % 588) // 28, code % 28
    if initial == 5:  # ㄹ
        initial = 11 if vowel in _Y_VOWELS else 2
    elif initial == 2 and vowel in _Y_VOWELS:  # ㄴ
        initial = 11
    return chr(0xAC00 + initial * 588 + vowel * 28 + final)
