"""Stage 2: split an article's body into atomic claims with exact offsets.

Order of work, per article:
1. body lines: each line of ``Article.text`` minus its ``removed`` spans (a sentence never
   crosses a line break);
2. sentences: kiwipiepy for Korean lines, pysbd for other languages;
3. clauses: a Korean compound sentence is cut after a connective ending (-고, -며, -면서,
   -지만 ...) that stands outside quotation marks and joins two full clauses; an English
   sentence is cut at ``;``. The subject of the first clause is carried to the later ones;
4. enumerations: ``▲``/``①``/bullet items become claims of their own.

Every claim satisfies ``article.text[claim.start:claim.end] == claim.text``.
"""

from __future__ import annotations

import bisect
import contextlib
import itertools
import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from itertools import pairwise
from pathlib import Path
from typing import Any

from crosscheck.models import Article, Claim, Removed, content_id

# Connective endings that join two clauses, each able to stand as a claim of its own.
_CLAUSE_ENDINGS = {
    "고",
    "며",
    "으며",
    "면서",
    "으면서",
    "지만",
    "는데",
    "은데",
    "고요",
    "으나",
    "나",
}
_OPEN_QUOTES = "\"“‘'「『"
_CLOSE_QUOTES = "\"”’'」』"
_ENUM_MARK = re.compile(r"(?:(?<=\s)|^)(?:▲|△|■|□|●|○|◆|◇|•|①|②|③|④|⑤|⑥|⑦|⑧|⑨|⑩)")
_MIN_CLAUSE = 12  # characters: shorter pieces stay with their neighbour
_MAX_KIWI = 4000  # longer runs without a break are cut at punctuation before kiwi sees them
_WORD = re.compile(r"\w", re.UNICODE)
_HANGUL_SYLLABLE = re.compile("[\uac00-\ud7a3]")
_NAV_LINE = re.compile(r"[^.!?。>|›»\n]{1,20}(?:\s*[>|›»]\s*[^.!?。>|›»\n]{1,20}){2,}")


@dataclass(frozen=True)
class _Piece:
    start: int
    end: int
    sentence_start: int
    sentence_end: int
    subject: str | None


class _LeanKiwi:
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

        self.index = None if full else _multi_index()
        self.kiwi: Any = Kiwi(load_multi_dict=self.index is None)
        self.upgraded = False

    def for_texts(self, texts: list[str]) -> Any:
        """The analyser for ``texts``: the lean one if no multi-word name can occur in them."""
        if self.index is not None and any(self.index.occurs_in(_flat(t)) for t in texts):
            from kiwipiepy import Kiwi

            self.kiwi = Kiwi()
            self.index = None
            self.upgraded = True
        return self.kiwi


def _flat(text: str) -> str:
    """``text`` as the multi-word index compares it: NFKC, lower case, no spaces."""
    import unicodedata

    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text).lower())


class _MultiIndex:
    """The flat surfaces (``_flat``) of kiwipiepy_model's multi-word entries, sorted: those
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


def _multi_index() -> _MultiIndex | None:
    """The multi-word entries of kiwipiepy_model's ``multi.dict`` (``_MultiIndex``); None
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
    from crosscheck.model import default_cache_dir

    tag = f"{getattr(kiwipiepy_model, '__version__', '?')}-{st.st_size}-{st.st_mtime_ns}"
    cache = default_cache_dir() / "kiwi" / f"multi-{content_id(tag)[:16]}.idx"
    try:
        head, body = cache.read_text(encoding="utf-8").split("\x00")
        flats = body.split("\n")
        if head == f"{_INDEX_FORMAT}\t{tag}\t{len(flats)}":
            return _MultiIndex(flats)
    except (OSError, UnicodeDecodeError, ValueError):
        pass
    try:
        raw = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        return None
    # every entry, even one whose flat surface is a single character (it then occurs in
    # nearly any text: the full model is used, which is always right)
    flats = sorted({flat for line in raw if line.strip() and not line.startswith("#")
                    and (flat := _flat(line.split("\t", 1)[0]))
                    and "\n" not in flat and "\x00" not in flat})
    from crosscheck.store import atomic_write_bytes

    with contextlib.suppress(OSError):
        body = f"{_INDEX_FORMAT}\t{tag}\t{len(flats)}\x00" + "\n".join(flats)
        atomic_write_bytes(cache, body.encode("utf-8"), durable=False)
    return _MultiIndex(flats)


LEAN_UP_TO = 20
"""Up to this many articles to analyse, the lean analyser (``_LeanKiwi``); beyond, the full
model: its 3 s more to load are less than adding dictionary entries batch after batch."""
_expected: list[int] = []


def expect_articles(n: int) -> None:
    """Announce how many articles are about to be split (picks the analyser to load)."""
    _expected[:] = [n]


@lru_cache(maxsize=1)
def _lean() -> _LeanKiwi:
    return _LeanKiwi(full=bool(_expected) and _expected[0] > LEAN_UP_TO)


def kiwi(texts: list[str] | None = None) -> Any:
    """The one Kiwi analyser of the process, ready for ``texts`` (see ``_LeanKiwi``)."""
    return _lean().for_texts(texts or [])


# Kiwi analyses, memoised by exact text. Kiwi is deterministic, and news repeats itself (wire
# copy carried by several outlets, a claim that is a whole line): a text analysed once is not
# analysed again. Bounded: the oldest entries go first.
Token = tuple[str, str, int, int]  # form, tag, start, end (offsets into the analysed text)
Sentence = tuple[int, int, tuple[Token, ...]]  # start, end, tokens
_MEMO_MAX = 20_000
_sents_memo: dict[str, tuple[Sentence, ...]] = {}
_tokens_memo: dict[str, tuple[Token, ...]] = {}


def release_kiwi() -> None:
    """Drop the Kiwi analyser and its memos (~0.5 GB); the next split loads it again."""
    _lean.cache_clear()
    _sents_memo.clear()
    _tokens_memo.clear()


def _remember(memo: dict[str, Any], fresh: dict[str, Any]) -> None:
    overflow = len(memo) + len(fresh) - _MEMO_MAX
    if overflow > 0:
        for key in list(itertools.islice(memo, overflow)):
            del memo[key]
    memo.update(itertools.islice(fresh.items(), _MEMO_MAX))


def kiwi_sentences(texts: list[str]) -> list[tuple[Sentence, ...]]:
    """``kiwi().split_into_sents(texts, return_tokens=True)`` as (start, end, tokens) tuples:
    one batch call for the texts not analysed before."""
    found = {t: _sents_memo[t] for t in texts if t in _sents_memo}
    todo = [t for t in dict.fromkeys(texts) if t not in found]
    if todo:
        fresh = {
            t: tuple(
                (
                    sent.start,
                    sent.end,
                    tuple((k.form, k.tag, k.start, k.start + k.len) for k in sent.tokens),
                )
                for sent in sents
            )
            for t, sents in zip(
                todo, kiwi(todo).split_into_sents(todo, return_tokens=True), strict=True
            )
        }
        _remember(_sents_memo, fresh)
        found.update(fresh)
    return [found[t] for t in texts]


def kiwi_tokens(texts: list[str]) -> list[tuple[Token, ...]]:
    """``kiwi().tokenize(texts)`` as (form, tag, start, end) tuples: one batch call for the
    texts not analysed before. A text already split into sentences reuses their tokens (they
    are the same: ``split_into_sents`` is ``tokenize(split_sents=True)`` grouped by sentence)."""
    found: dict[str, tuple[Token, ...]] = {}
    for t in texts:
        if t in _tokens_memo:
            found[t] = _tokens_memo[t]
        elif t in _sents_memo:
            found[t] = tuple(tok for sent in _sents_memo[t] for tok in sent[2])
    todo = [t for t in dict.fromkeys(texts) if t not in found]
    if todo:
        fresh = {
            t: tuple((k.form, k.tag, k.start, k.start + k.len) for k in toks)
            for t, toks in zip(todo, kiwi(todo).tokenize(todo), strict=True)
        }
        _remember(_tokens_memo, fresh)
        found.update(fresh)
    return [found[t] for t in texts]


@lru_cache(maxsize=1)
def _pysbd() -> Any:
    import pysbd

    return pysbd.Segmenter(language="en", clean=False, char_span=True)


@lru_cache(maxsize=4096)
def _pysbd_sentences(text: str) -> tuple[str, ...]:
    r"""``[span.sent for span in _pysbd().segment(text)]``, memoised, without pysbd's
    char-span step (one ``re.finditer(re.escape(sentence) + r"\s*")`` per sentence, a third
    of its time): the same first match ending after the previous one, found with
    ``str.find``."""
    seg = _pysbd()
    if not text:
        return ()
    sents = seg.processor(text).process()
    if not all(isinstance(x, str) and x for x in sents):
        return tuple(span.sent for span in seg.segment(text))
    out: list[str] = []
    prior = 0
    n = len(text)
    for sent in sents:
        pos = 0
        while (i := text.find(sent, pos)) >= 0:
            j = i + len(sent)
            while j < n and text[j].isspace():  # r"\s" is str.isspace
                j += 1
            if j > prior:
                out.append(text[i:j])
                prior = j
                break
            pos = j
    return tuple(out)


@lru_cache(maxsize=1 << 17)
def is_hangul_text(text: str) -> bool:
    """True when Hangul makes up a good share of the letters of ``text``."""
    letters = sum(map(str.isalpha, text))
    if not letters:
        return False
    hangul = len(_HANGUL_SYLLABLE.findall(text))  # every syllable is a letter (Lo)
    return hangul / letters >= 0.3


def body_segments(article: Article) -> Iterator[tuple[int, int]]:
    """Yield (start, end) of each stretch of body text: one line minus its removed spans.

    Breadcrumb and menu lines (``홈 > 경제 > 산업``, ``Business | World | Opinion``) are not body.
    """
    for s, e in _body_pieces(article):
        if not _is_navigation(article.text[s:e]):
            yield s, e


def _body_pieces(article: Article) -> Iterator[tuple[int, int]]:
    text = article.text
    removed = sorted(article.removed, key=lambda r: r.start)
    pos = 0
    n = len(text)
    ri = 0
    while pos < n:
        nl = text.find("\n", pos)
        line_end = n if nl < 0 else nl
        cur = pos
        while ri < len(removed) and removed[ri].end <= pos:
            ri += 1
        j = ri
        while j < len(removed) and removed[j].start < line_end:
            r = removed[j]
            if r.start > cur:
                yield from _trimmed(text, cur, r.start)
            cur = max(cur, r.end)
            j += 1
        if cur < line_end:
            yield from _trimmed(text, cur, line_end)
        pos = line_end + 1


def _trimmed(text: str, start: int, end: int) -> Iterator[tuple[int, int]]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if end > start and _WORD.search(text, start, end):
        yield start, end


def _is_navigation(piece: str) -> bool:
    """A breadcrumb or menu line: three or more short items joined by ``>``, ``|``, ``›``."""
    return _NAV_LINE.fullmatch(piece) is not None


def _chunks(text: str, start: int, end: int, limit: int) -> Iterator[tuple[int, int]]:
    """Cut an over-long run at sentence punctuation or spaces so no chunk exceeds ``limit``."""
    while end - start > limit:
        cut = -1
        for mark in (". ", "다. ", "? ", "! ", ", ", " "):
            k = text.rfind(mark, start + limit // 2, start + limit)
            if k > 0:
                cut = k + len(mark)
                break
        if cut < 0:
            cut = start + limit
        yield start, cut
        start = cut
    yield start, end


def _sentences(text: str, start: int, end: int) -> Iterator[tuple[int, int, list[Any]]]:
    """Sentences of one body segment as (start, end, kiwi tokens or [])."""
    for cs, ce in _chunks(text, start, end, _MAX_KIWI):
        chunk = text[cs:ce]
        if is_hangul_text(chunk):
            for ss, se, stoks in kiwi_sentences([chunk])[0]:
                toks = [(f, g, cs + a, cs + b) for f, g, a, b in stoks]
                yield from _trimmed_tokens(text, cs + ss, cs + se, toks)
        else:
            cursor = 0
            for sent in _pysbd_sentences(chunk):
                piece = sent.strip()
                if not piece:
                    continue
                k = chunk.find(piece, cursor)
                if k < 0:
                    continue
                cursor = k + len(piece)
                yield from _trimmed_tokens(text, cs + k, cs + cursor, [])


def _all_sentences(
    text: str, segments: list[tuple[int, int]]
) -> Iterator[tuple[int, int, list[Any]]]:
    """``_sentences`` of every segment, in order, with one kiwi call for all Korean chunks
    (kiwi analyses a batch several times faster than the same texts one by one)."""
    chunks = [c for s, e in segments for c in _chunks(text, s, e, _MAX_KIWI)]
    korean = [is_hangul_text(text[cs:ce]) for cs, ce in chunks]
    batch = [text[cs:ce] for (cs, ce), ko in zip(chunks, korean, strict=True) if ko]
    analysed = iter(kiwi_sentences(batch) if batch else [])
    for (cs, ce), ko in zip(chunks, korean, strict=True):
        if not ko:
            yield from _sentences(text, cs, ce)
            continue
        for ss, se, stoks in next(analysed):
            toks = [(f, g, cs + a, cs + b) for f, g, a, b in stoks]
            yield from _trimmed_tokens(text, cs + ss, cs + se, toks)


def _trimmed_tokens(
    text: str, start: int, end: int, toks: list[Any]
) -> Iterator[tuple[int, int, list[Any]]]:
    for s, e in _trimmed(text, start, end):
        yield s, e, toks


def _quote_depth_map(text: str, start: int, end: int) -> list[int]:
    """For each offset in [start, end), 1 when inside quotation marks, else 0."""
    depth = 0
    out = []
    for i in range(start, end):
        c = text[i]
        if c in "“‘「『":
            depth += 1
        elif c in "”’」』":
            depth = max(0, depth - 1)
        elif c == '"':
            depth = 0 if depth else 1
        out.append(1 if depth else 0)
    return out


def _subject_of(text: str, start: int, toks: list[Any]) -> str | None:
    """The topic/subject noun phrase of a Korean clause: the words before its first 은/는/이/가."""
    prev_tag = ""
    phrase_start = start
    for form, tag, ts, te in toks:
        if ts < start:
            continue
        if tag in ("SSO", "SW") or form in _OPEN_QUOTES:
            return None
        if tag in ("JX", "JKS") and form in ("은", "는", "이", "가"):
            if prev_tag.startswith("J"):
                # 서명식에서는: a place or time topic, not the subject; look further on
                phrase_start = te
                prev_tag = tag
                continue
            phrase = text[phrase_start:ts].strip(" ,")
            if 0 < len(phrase) <= 40:
                return phrase
            return None
        prev_tag = tag
    return None


def _clause_cuts(text: str, start: int, end: int, toks: list[Any]) -> list[int]:
    """Offsets at which a Korean sentence is cut into clauses."""
    if not toks:
        return [k + 2 for k in _semicolons(text, start, end)]
    quoted = _quote_depth_map(text, start, end)
    cuts: list[int] = []
    last = start
    for i, (form, tag, ts, te) in enumerate(toks):
        if tag != "EC" or form not in _CLAUSE_ENDINGS:
            continue
        if te >= end or quoted[te - 1 - start]:
            continue
        # the ending must close a predicate (verb, adjective, copula or 하다-noun)
        prev_tags = {t[1] for t in toks[max(0, i - 3) : i]}
        if not prev_tags & {"VV", "VA", "VCP", "VCN", "XSV", "XSA", "EP", "VX"}:
            continue
        if i + 1 < len(toks) and toks[i + 1][1] == "VX":  # 하고 있다: an auxiliary, one clause
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
        # the rest must carry a predicate of its own
        rest_tags = {t[1] for t in toks if t[2] >= nxt}
        if not rest_tags & {"EF", "EC", "ETM", "VV", "XSV"}:
            continue
        cuts.append(nxt)
        last = nxt
    return cuts


def _semicolons(text: str, start: int, end: int) -> list[int]:
    quoted = _quote_depth_map(text, start, end)
    out = []
    for i in range(start, end - 2):
        if text[i] == ";" and text[i + 1] == " " and not quoted[i - start]:
            out.append(i)
    return out


def _enum_cuts(text: str, start: int, end: int) -> list[int]:
    """Offsets of the 2nd, 3rd ... enumeration marks of a sentence (▲A ▲B ▲C)."""
    marks = [m.start() for m in _ENUM_MARK.finditer(text, start, end)]
    if len(marks) < 2:
        return []
    return [m for m in marks[1:] if m - start >= 2]


def _pieces(text: str, start: int, end: int, toks: list[Any]) -> list[_Piece]:
    cuts = sorted(set(_clause_cuts(text, start, end, toks)) | set(_enum_cuts(text, start, end)))
    bounds = [start, *[c for c in cuts if start < c < end], end]
    subject = _subject_of(text, start, toks) if toks else None
    out: list[_Piece] = []
    for a, b in pairwise(bounds):
        for s, e in _trimmed(text, a, b):
            own = _subject_of(text, s, toks) if toks else None
            carried = subject if (s > start and own is None) else None
            out.append(_Piece(s, e, start, end, own or carried))
    return out


def split_article(article: Article) -> list[Claim]:
    """Atomic claims of an article's body, in text order, with exact offsets."""
    text = article.text
    claims: list[Claim] = []
    seen: Counter[str] = Counter()
    for s_start, s_end, toks in _all_sentences(text, list(body_segments(article))):
        for p in _pieces(text, s_start, s_end, toks):
            piece = text[p.start : p.end]
            seen[piece] += 1
            claims.append(
                Claim(
                    id=content_id(article.id, piece, seen[piece]),
                    article_id=article.id,
                    text=piece,
                    start=p.start,
                    end=p.end,
                    sentence_start=p.sentence_start,
                    sentence_end=p.sentence_end,
                    subject=p.subject,
                )
            )
    return claims


def drop_claims_in(claims: list[Claim], spans: list[Removed]) -> list[Claim]:
    """Claims not wholly inside one of ``spans`` (used for boilerplate found corpus-wide)."""
    if not spans:
        return claims
    return [c for c in claims if not any(r.start <= c.start and c.end <= r.end for r in spans)]
