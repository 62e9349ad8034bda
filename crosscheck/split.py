"""Stage 2: split an article's body into atomic claims with exact offsets.

Order of work, per article:
1. body lines: each line of ``Article.text`` minus its ``removed`` spans (a sentence never
   crosses a line break);
2. sentences: kiwipiepy for Korean lines, pysbd for other languages;
3. clauses: a Korean compound sentence is cut after a connective ending (-고, -며, -면서,
   -지만 ...) that stands outside quotation marks and joins two full clauses; an English
   sentence is cut at ``;``. The subject of the first clause is carried to the later ones;
4. enumerations: ``▲``/``①`` items become claims of their own when they stand alone (no
   lead-in, or a predicate in each item); items of a lead-in (유출된 정보는 ▲이름 ▲이메일 등이다)
   stay in its claim.

Every claim satisfies ``article.text[claim.start:claim.end] == claim.text``.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import pairwise

from crosscheck import lang
from crosscheck.lang.base import Language, Sentence, Token
from crosscheck.models import Article, Claim, Removed, content_id
from crosscheck.scripts import is_hangul_text

__all__ = ["body_segments", "drop_claims_in", "is_hangul_text", "split_article"]

_ENUM_MARK = re.compile(r"(?:(?<=\s)|^)(?:▲|△|■|□|●|○|◆|◇|•|①|②|③|④|⑤|⑥|⑦|⑧|⑨|⑩)")
_MAX_CHUNK = 4000  # longer runs without a break are cut at punctuation before analysis
_WORD = re.compile(r"\w", re.UNICODE)
_NAV_LINE = re.compile(r"[^.!?。>|›»\n]{1,20}(?:\s*[>|›»]\s*[^.!?。>|›»\n]{1,20}){2,}")


@dataclass(frozen=True)
class _Piece:
    start: int
    end: int
    sentence_start: int
    sentence_end: int
    subject: str | None


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
        for mark in (". ", "다. ", "。", "? ", "! ", ", ", " "):
            k = text.rfind(mark, start + limit // 2, start + limit)
            if k > 0:
                cut = k + len(mark)
                break
        if cut < 0:
            cut = start + limit
        yield start, cut
        start = cut
    yield start, end


def _all_sentences(
    text: str, segments: list[tuple[int, int]]
) -> Iterator[tuple[int, int, tuple[Token, ...], Language]]:
    """Sentences of every segment, in order, each with its tokens (absolute offsets) and
    its language; each language analyses all its chunks in one batch (kiwi analyses a batch
    several times faster than the same texts one by one)."""
    chunks = [c for s, e in segments for c in _chunks(text, s, e, _MAX_CHUNK)]
    langs = [lang.for_text(text[cs:ce]) for cs, ce in chunks]
    batches: dict[str, list[str]] = {}
    for (cs, ce), lg in zip(chunks, langs, strict=True):
        batches.setdefault(lg.code, []).append(text[cs:ce])
    results: dict[str, Iterator[list[Sentence]]] = {}
    for code, texts in batches.items():
        lg = next(x for x in langs if x.code == code)
        results[code] = iter(lg.sentences_batch(texts))
    for (cs, _ce), lg in zip(chunks, langs, strict=True):
        for ss, se, stoks in next(results[lg.code]):
            toks = tuple(Token(f, g, cs + a, cs + b) for f, g, a, b in stoks)
            for s, e in _trimmed(text, cs + ss, cs + se):
                yield s, e, toks, lg


def _enum_cuts(text: str, start: int, end: int, toks: tuple[Token, ...], lg: Language
               ) -> list[int]:
    """Offsets of the 2nd, 3rd ... enumeration marks of a sentence (▲A ▲B ▲C) where its
    items stand alone: a list without a lead-in (a line of ▲A ▲B), or items that each have a
    predicate of their own (▲공장을 짓고 ▲인력을 뽑는다). Items that the sentence's lead-in and
    verb complete (유출된 정보는 ▲이름 ▲이메일 등이다) stay in one claim with them: cut off,
    "▲이메일" states nothing, and the claim before it loses its verb."""
    marks = [m.start() for m in _ENUM_MARK.finditer(text, start, end)]
    if len(marks) < 2:
        return []
    if text[start:marks[0]].strip() and not all(
            lg.has_predicate(text, a, b, toks) for a, b in pairwise(marks)):
        return []
    return [m for m in marks[1:] if m - start >= 2]


def _pieces(text: str, start: int, end: int, toks: tuple[Token, ...], lg: Language
            ) -> list[_Piece]:
    cuts = sorted(set(lg.clause_cuts(text, start, end, toks))
                  | set(_enum_cuts(text, start, end, toks, lg)))
    bounds = [start, *[c for c in cuts if start < c < end], end]
    subject = lg.subject_of(text, start, toks) if toks else None
    out: list[_Piece] = []
    for a, b in pairwise(bounds):
        for s, e in _trimmed(text, a, b):
            own = lg.subject_of(text, s, toks) if toks else None
            carried = subject if (s > start and own is None) else None
            out.append(_Piece(s, e, start, end, own or carried))
    return out


def split_article(article: Article) -> list[Claim]:
    """Atomic claims of an article's body, in text order, with exact offsets."""
    text = article.text
    claims: list[Claim] = []
    seen: Counter[str] = Counter()
    for s_start, s_end, toks, lg in _all_sentences(text, list(body_segments(article))):
        for p in _pieces(text, s_start, s_end, toks, lg):
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
