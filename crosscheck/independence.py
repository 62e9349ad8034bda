"""Stage 6 (after compare): which outlets are independent sources.

Many pages are wire copies or near-verbatim reprints (a Yonhap story on three sites, an
aggregator's summary): "five outlets agree" may then mean one source, and a copied error
looks corroborated. Two signals, both per article:

* **near-verbatim copies**: the share of an article's claims (those not mostly a
  quotation: quoting one document verbatim is citation) that have a near-identical
  claim in another article (the Jaccard of the character 5-gram shingles of the normalised
  texts, estimated by MinHash, at least ``NEAR``). An article of which at least
  ``COPY_SHARE`` of the claims (and at least ``MIN_SHARED``) are found in an article that
  comes *before* it is a copy of that article. Before means: the primary source first (it
  is never a copy), then dated before undated, the earlier day (and time), an article that
  credits a wire, the longer article, the id. Candidate pairs of claims come from MinHash banding
  over the distinct claim texts, so the work follows the number of claims, not of article
  pairs (0.25–0.47 s at 1,000 articles).
* **wire credits**: the news agency (``crosscheck/data/wires.yaml``) named where a wire
  story is credited: the byline, the dateline at the start of the story, a credit line at
  its end. The same names anywhere else (a photo caption, "Bloomberg reported") are not
  credits.

``annotate`` then groups each finding's outlets into independent sources: an article, its
copies (and theirs), and the articles carrying one agency's story are one source.
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from functools import cache
from importlib import resources
from typing import Any

import numpy as np
import yaml

from crosscheck.disjoint import DisjointSets
from crosscheck.models import (
    Article,
    Claim,
    Finding,
    IndependentSources,
    SourceGroup,
    SourceInfo,
)

SHINGLE = 5  # characters per shingle of a normalised claim text
NEAR = 0.6  # Jaccard of two claims' shingles from which they are near-identical
MIN_CHARS = 24  # normalised characters a claim needs to count (not "이보희 기자")
COPY_SHARE = 0.4  # share of an article's claims found in its source that makes it a copy
MIN_SHARED = 2  # ... and at least this many claims
BANDS, ROWS = 20, 3  # MinHash banding: texts at Jaccard 0.6 meet in a band with p = 0.99
FANOUT = 16  # holders of one text compared with the first FANOUT holders only (in order)
NAMES_SHOWN = 5  # outlets / sources named in one phrase of a summary; the rest are counted

_NOT_WORD = re.compile(r"[\W_]+")


# --------------------------------------------------------------------------- wire credits


@dataclass(frozen=True)
class Agency:
    name: str
    aliases: tuple[str, ...]
    domains: tuple[str, ...] = ()


@cache
def agencies() -> tuple[Agency, ...]:
    """The agencies of the package's ``data/wires.yaml``."""
    raw = yaml.safe_load(
        resources.files("crosscheck").joinpath("data/wires.yaml").read_text(encoding="utf-8"))
    return tuple(Agency(a["name"], tuple(a.get("aliases", [])), tuple(a.get("domains", [])))
                 for a in raw["agencies"])


@dataclass(frozen=True)
class _WirePatterns:
    by_alias: dict[str, str]
    by_domain: dict[str, str]
    alias: re.Pattern[str]  # any alias, whole word, case as written
    dateline: tuple[re.Pattern[str], ...]
    credit: tuple[re.Pattern[str], ...]
    last_line: re.Pattern[str]
    email: re.Pattern[str]


@cache
def _patterns() -> _WirePatterns:
    by_alias = {al: a.name for a in agencies() for al in (a.name, *a.aliases)}
    by_domain = {d.lower(): a.name for a in agencies() for d in a.domains}
    names = "|".join(re.escape(al) for al in sorted(by_alias, key=len, reverse=True))
    al = rf"(?<![\w])(?P<a>{names})(?![\w])"
    domains = "|".join(re.escape(d) for d in sorted(by_domain, key=len, reverse=True))
    return _WirePatterns(
        by_alias=by_alias,
        by_domain=by_domain,
        alias=re.compile(al),
        dateline=(
            # (서울=연합뉴스) 홍길동 기자 = / [서울=뉴시스] / (Yonhap) --
            re.compile(rf"^\s{{0,4}}[(\[<]\s?(?:[^()\[\]<>=\n]{{1,30}}?\s?=\s?)?{al}\s?[)\]>]"),
            # 【ワシントン共同】 / 【서울=뉴시스】
            re.compile(rf"^\s{{0,4}}【[^】\n]{{0,20}}?(?:=\s?)?{al}】"),
            # SEOUL, May 19 (Yonhap) -- / WASHINGTON (AP) — / SEOUL/WASHINGTON (Reuters) -The
            re.compile(rf"^\s{{0,4}}[A-Z][^()\n.!?]{{0,60}}?\(\s?{al}\s?\)\s?(?:--|[-—–:])"),
            # 新华社北京5月19日电
            re.compile(rf"^\s{{0,4}}{al}[^\n]{{0,20}}?电"),
        ),
        credit=(
            # (With inputs from Reuters) / Source: AFP / 기사제공 = 뉴시스
            re.compile(rf"^\W{{0,3}}(?i:with\s+(?:additional\s+)?(?:inputs?|reporting)\s+from"
                       rf"|sources?\s?:|via|출처\s?[:=]?|(?:기사|자료)\s?제공\s?[:=]?)\s?"
                       rf"(?i:the\s)?{al}"),
            # <저작권자(c) 연합뉴스, 무단 전재-재배포 금지> / Copyright 2025 The Associated Press
            re.compile(rf"(?:ⓒ|©|\([cC]\)|(?i:copyright)|저작권자)\s?(?:ⓒ|\([cC]\))?\s?"
                       rf"(?:\d{{4}}\s)?(?i:the\s)?{al}"),
            # a line that is only the agency: (Yonhap) / — AFP / /Reuters
            re.compile(rf"^[\s(\[<—–/-]*(?i:the\s)?{al}[\s)\]>.]*$"),
        ),
        # the story's last line signed off: "... it said. /Yonhap", "... (AFP)"
        last_line=re.compile(rf"(?:\s[/—–-]\s?|/|\()\s?{al}\)?\s*$"),
        email=re.compile(rf"[\w.+-]{{1,64}}@(?:[\w-]+\.)*(?P<d>{domains})\b", re.IGNORECASE)
        if domains else re.compile(r"(?!)"),
    )


# what marks a photo caption or credit, whose agency credits the picture, not the story
_PHOTO = re.compile(
    r"seephoto|\[공동취재\]|(?:사진|영상|그래픽|이미지|자료)\s?(?:제공\s?)?[=:/]|게티이미지"
    r"|(?i:(?:photo|image|graphic)s?\s?(?:[=:/|]|by\b|courtesy\b)|courtesy\s+of|getty\b)")
_PHOTO_SPANS = {"photo_caption", "photo_credit", "image"}
HEAD_CLAIMS = 4  # the dateline is looked for at the start of the lines of the first claims
TAIL_LINES = 8  # credit lines are looked for in the lines after the story's last sentence


def _line(text: str, at: int) -> tuple[int, int]:
    start = text.rfind("\n", 0, at) + 1
    end = text.find("\n", at)
    return start, len(text) if end < 0 else end


def wire_of(article: Article, claims: Sequence[Claim]) -> str | None:
    """The agency an article credits for its story, from its structure: the byline, the
    dateline opening one of its first body lines, or a credit in the lines after its last
    sentence (a copyright line, "(With inputs from …)", a line naming only the agency, a
    sign-off e-mail, "… /Yonhap" closing the last sentence). Photo captions and credits
    never count, wherever they stand."""
    p = _patterns()
    text = article.text
    photo = [(r.start, r.end) for r in article.removed if r.reason in _PHOTO_SPANS]

    def usable(start: int, end: int) -> str | None:
        s = text[start:end]
        if any(a < end and start < b for a, b in photo) or _PHOTO.search(s):
            return None
        return s

    def email(s: str) -> str | None:
        m = p.email.search(s)
        return p.by_domain[m.group("d").lower()] if m else None

    ordered = sorted(claims, key=lambda c: c.start)
    # the dateline: the start of the lines that hold the first claims, and what ingest set
    # aside as a dateline there
    heads: list[tuple[int, int]] = [_line(text, c.start) for c in ordered[:HEAD_CLAIMS]]
    heads += [(r.start, r.end) for r in article.removed if r.reason == "dateline"]
    for start, end in dict.fromkeys(heads):
        s = usable(start, end)
        if s is None:
            continue
        for rx in p.dateline:
            m = rx.match(s)
            if m:
                return p.by_alias[m.group("a")]
    # the byline
    bylines = [article.byline or ""] + [text[r.start:r.end] for r in article.removed
                                        if r.reason == "byline"]
    for s in bylines:
        m = p.alias.search(s)
        if m and not _PHOTO.search(s):
            return p.by_alias[m.group("a")]
        if s and (got := email(s)):
            return got
    # the credit: the lines after the story's last sentence (a long claim), and that
    # sentence's own end
    body = [c for c in ordered if len(c.text) >= 40] or ordered
    if not body:
        return None
    last_start = _line(text, body[-1].start)[0]
    s = usable(last_start, _line(text, body[-1].end)[1])
    if s is not None:
        m = p.last_line.search(s)
        if m:
            return p.by_alias[m.group("a")]
    pos, seen = _line(text, body[-1].end)[1], 0
    while pos < len(text) and seen < TAIL_LINES:
        start, end = _line(text, pos + 1)
        pos = end
        if not text[start:end].strip():
            continue
        seen += 1
        s = usable(start, end)
        if s is None:
            continue
        s = s.strip()
        for rx in p.credit:
            m = rx.search(s)
            if m:
                return p.by_alias[m.group("a")]
        if got := email(s):
            return got
    return None


# --------------------------------------------------------------------------- copies


def _normal(text: str) -> str:
    return _NOT_WORD.sub("", unicodedata.normalize("NFKC", text).casefold())


def _shingle_sets(norms: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
    """The distinct hashes of each normalised text's character 5-grams, all texts at once:
    ``flat[offsets[i]:offsets[i + 1]]`` is text i's set, sorted (texts have at least
    ``MIN_CHARS`` >= ``SHINGLE`` characters). The hashes are deterministic across runs."""
    if not norms:
        return np.zeros(0, dtype=np.uint64), np.zeros(1, dtype=np.int64)
    lens = np.fromiter((len(t) for t in norms), dtype=np.int64, count=len(norms))
    cp = np.frombuffer("".join(norms).encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
    n = len(cp) - SHINGLE + 1
    h = np.zeros(n, dtype=np.uint64)
    with np.errstate(over="ignore"):
        for j in range(SHINGLE):
            h = h * np.uint64(1_000_003) + cp[j : j + n]
    text_of = np.repeat(np.arange(len(norms), dtype=np.int64), lens)
    keep = text_of[:n] == text_of[SHINGLE - 1 :]  # windows inside one text
    owner, hashes = text_of[:n][keep], _mix(h[keep])
    order = np.lexsort((hashes, owner))
    owner, hashes = owner[order], hashes[order]
    first = np.ones(len(hashes), dtype=bool)
    first[1:] = (hashes[1:] != hashes[:-1]) | (owner[1:] != owner[:-1])
    owner, hashes = owner[first], hashes[first]
    offsets = np.searchsorted(owner, np.arange(len(norms) + 1))
    return hashes, offsets


def _mix(z: np.ndarray) -> np.ndarray:
    """splitmix64's finaliser: spreads the rolling hashes over all 64 bits."""
    with np.errstate(over="ignore"):
        z = z ^ (z >> np.uint64(30))
        z = z * np.uint64(0xBF58476D1CE4E5B9)
        z = z ^ (z >> np.uint64(27))
        z = z * np.uint64(0x94D049BB133111EB)
        out: np.ndarray = z ^ (z >> np.uint64(31))
        return out


def _signatures(flat: np.ndarray, offsets: np.ndarray) -> np.ndarray:
    """MinHash signatures (texts x BANDS*ROWS; the top 32 bits of each minimum), computed
    over batches of texts."""
    k = BANDS * ROWS
    rng = np.random.default_rng(20251114)
    a = rng.integers(1, 2**63, size=k, dtype=np.uint64) | np.uint64(1)
    b = rng.integers(0, 2**63, size=k, dtype=np.uint64)
    n_texts = len(offsets) - 1
    out = np.empty((n_texts, k), dtype=np.uint32)
    i = 0
    while i < n_texts:
        # texts i..j-1, about 100,000 shingles at a time (12 x 100k x 8 bytes per step)
        j = max(i + 1, int(np.searchsorted(offsets, offsets[i] + 100_000, side="right")) - 1)
        j = min(j, n_texts)
        chunk = flat[offsets[i] : offsets[j]]
        starts = offsets[i:j] - offsets[i]
        with np.errstate(over="ignore"):
            for f in range(0, k, 12):
                vals = a[f : f + 12, None] * chunk[None, :] + b[f : f + 12, None]
                low = np.minimum.reduceat(vals, starts, axis=1).T
                out[i:j, f : f + 12] = (low >> np.uint64(32)).astype(np.uint32)
        i = j
    return out


def _bucket_pairs(keys: np.ndarray) -> np.ndarray:
    """Pairs (x < y) of texts whose band keys are equal, each text paired with the first
    ``FANOUT`` texts of its bucket (by index): an (m, 2) array."""
    order = np.lexsort((np.arange(len(keys)), keys))
    sk = keys[order]
    starts = np.flatnonzero(np.r_[True, sk[1:] != sk[:-1]])
    sizes = np.diff(np.r_[starts, len(sk)])
    run_start = np.repeat(starts, sizes)
    rank = np.arange(len(sk)) - run_start  # position inside its bucket
    fan = np.minimum(rank, FANOUT)  # earlier members it is paired with
    if not fan.any():
        return np.zeros((0, 2), dtype=np.int64)
    later = np.repeat(np.arange(len(sk)), fan)
    offset = np.arange(len(later)) - np.repeat(np.cumsum(fan) - fan, fan)
    earlier = run_start[later] + offset
    return np.stack([order[earlier], order[later]], axis=1)


def _near_groups(flat: np.ndarray, offsets: np.ndarray) -> np.ndarray:
    """Each text's group label: texts joined by chains of near-identical pairs. Candidate
    pairs come from the MinHash bands (in a bucket, each text is paired with the bucket's
    first FANOUT); a pair is near-identical when its signatures agree on at least NEAR of
    their values (the MinHash estimate of the shingles' Jaccard, ±0.06 at 0.6)."""
    n_texts = len(offsets) - 1
    if n_texts < 2:
        return np.arange(n_texts)
    sig = _signatures(flat, offsets)
    found = []
    for band in range(BANDS):
        keys = np.zeros(n_texts, dtype=np.uint64)
        with np.errstate(over="ignore"):
            for c in range(band * ROWS, (band + 1) * ROWS):
                keys = _mix(keys * np.uint64(0x9E3779B97F4A7C15) + sig[:, c].astype(np.uint64))
        found.append(_bucket_pairs(keys))
    pairs = np.concatenate(found)
    if len(pairs):
        code = np.unique(pairs.min(axis=1) * np.int64(n_texts) + pairs.max(axis=1))
        pairs = np.stack([code // n_texts, code % n_texts], axis=1)
        agree = np.concatenate([
            (sig[pairs[i : i + 50_000, 0]] == sig[pairs[i : i + 50_000, 1]]).sum(axis=1)
            for i in range(0, len(pairs), 50_000)])
        pairs = pairs[agree >= NEAR * sig.shape[1]]
    return _components(n_texts, pairs)


def _components(n: int, pairs: np.ndarray) -> np.ndarray:
    """Connected components of n nodes under ``pairs``: each node's smallest member (label
    propagation with pointer jumping, a few vectorised passes)."""
    label = np.arange(n)
    if not len(pairs):
        return label
    x, y = pairs[:, 0], pairs[:, 1]
    while True:
        low = np.minimum(label[x], label[y])
        new = label.copy()
        np.minimum.at(new, x, low)
        np.minimum.at(new, y, low)
        while True:  # pointer jumping: every node straight to its current root
            jumped = new[new]
            if np.array_equal(jumped, new):
                break
            new = jumped
        if np.array_equal(new, label):
            return label
        label = new


def _day(a: Article) -> str | None:
    return a.published[:10] if a.published else None


def order_key(a: Article, wire: str | None, n_claims: int) -> tuple[Any, ...]:
    """Which of two articles sharing text is the original: the primary source, then dated
    before undated, the earlier day, on one day the earlier time (a page without its time
    after those with one), one that credits a wire, the longer one, the id."""
    day = _day(a)
    time = a.published[11:16] if a.published and len(a.published) >= 16 else "~"
    return (not a.primary, day is None, day or "", time, wire is None, -n_claims, a.id)


def shared_claims(claims: Sequence[Claim], rank: Mapping[str, int],
                  norms: Mapping[str, str] | None = None) -> dict[str, dict[str, int]]:
    """Per article B, how many of its claims have a near-identical claim in each article A
    that comes before it (``rank``); only claims of at least ``MIN_CHARS`` normalised
    characters count. A shared text compares its holders with its first ``FANOUT`` holders
    only (the original of a story is among the first), so the cost stays near-linear even
    when one story is on hundreds of sites."""
    texts: dict[str, int] = {}
    held: list[dict[str, int]] = []  # per distinct text: article -> its claims with it
    for c in claims:
        norm = norms[c.id] if norms is not None else _normal(c.text)
        if len(norm) < MIN_CHARS:
            continue
        i = texts.setdefault(norm, len(texts))
        if i == len(held):
            held.append({})
        held[i][c.article_id] = held[i].get(c.article_id, 0) + 1
    label = _near_groups(*_shingle_sets(list(texts)))
    groups: dict[int, dict[str, int]] = defaultdict(dict)
    for i, h in enumerate(held):
        g = groups[label[i]]
        for art, n in h.items():
            g[art] = g.get(art, 0) + n
    out: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    last = len(rank)
    for g in groups.values():
        if len(g) < 2:
            continue
        holders = sorted(g, key=lambda a: (rank.get(a, last), a))
        for i, art in enumerate(holders):
            for other in holders[: min(i, FANOUT)]:
                out[art][other] += g[art]
    return {a: dict(v) for a, v in out.items()}


QUOTED = 0.5
"""Share of a claim's text inside quotation marks from which it does not count as copied."""


def _quoted_share(c: Claim) -> float:
    inside = sum(f.end - f.start for f in c.facets if f.type == "quote")
    return inside / max(1, len(c.text))


def sources(articles: Sequence[Article], claims: Sequence[Claim]) -> dict[str, SourceInfo]:
    """Each article's wire, and the article it is a near-verbatim copy of (if any)."""
    by_art: dict[str, list[Claim]] = defaultdict(list)
    for c in claims:
        by_art[c.article_id].append(c)
    wires = {a.id: wire_of(a, by_art.get(a.id, [])) for a in articles}
    # a claim that is mostly a quotation (a fact sheet's sentence in quotation marks) is
    # citation, not copying: two outlets quoting one document are not each other's copies
    norms = {c.id: "" if _quoted_share(c) >= QUOTED else _normal(c.text) for c in claims}
    n = {a: sum(1 for c in cs if len(norms[c.id]) >= MIN_CHARS) for a, cs in by_art.items()}
    rank = {a.id: r for r, a in enumerate(sorted(
        articles, key=lambda a: order_key(a, wires[a.id], n.get(a.id, 0))))}
    shared = shared_claims(claims, rank, norms)
    out: dict[str, SourceInfo] = {}
    for a in articles:
        best: tuple[float, int, str] | None = None
        if not a.primary and n.get(a.id):
            for other, k in shared.get(a.id, {}).items():
                if k < MIN_SHARED:
                    continue
                share = min(1.0, k / n[a.id])
                if share >= COPY_SHARE and (best is None or (share, -rank[other]) > best[:2]):
                    best = (share, -rank[other], other)
        out[a.id] = SourceInfo(copies_of=best[2] if best else None,
                               overlap=round(best[0], 3) if best else 0.0, wire=wires[a.id])
    return out


# --------------------------------------------------------------------------- findings


def _outlet(a: Article | None, aid: str) -> str:
    return (a.outlet if a is not None else None) or aid


def _names(names: Iterable[str], cap: int = NAMES_SHOWN, sep: str = ", ") -> str:
    ns = list(dict.fromkeys(names))
    if len(ns) <= cap:
        return sep.join(ns)
    return sep.join(ns[:cap]) + f"{sep}and {len(ns) - cap} more"


class _Sources:
    """The corpus-wide grouping ``annotate`` applies to each finding: per article its
    source group, the articles it copies (transitively) and its rank as a group's lead."""

    def __init__(self, info: Mapping[str, SourceInfo], articles: Mapping[str, Article]
                 ) -> None:
        self.info, self.articles = info, articles
        self.uf: DisjointSets[str] = DisjointSets()
        by_wire: dict[str, str] = {}
        for aid, si in info.items():
            self.uf.find(aid)
            if si.copies_of is not None:
                self.uf.union(aid, si.copies_of)
            if si.wire is not None:
                self.uf.union(aid, by_wire.setdefault(si.wire, aid))
        self._anc: dict[str, frozenset[str]] = {}
        self._key: dict[str, tuple[Any, ...]] = {}

    def ancestors(self, aid: str) -> frozenset[str]:
        """The articles ``aid`` copies, directly or through other copies."""
        got = self._anc.get(aid)
        if got is None:
            seen: list[str] = []
            cur = self.info.get(aid, SourceInfo()).copies_of
            while cur is not None and cur not in seen and cur != aid:
                seen.append(cur)
                cur = self.info.get(cur, SourceInfo()).copies_of
            got = self._anc[aid] = frozenset(seen)
        return got

    def key(self, aid: str) -> tuple[Any, ...]:
        """Which of a group's outlets leads it: the primary source, the earliest day, the
        agency's own page (its outlet names its wire), the id."""
        got = self._key.get(aid)
        if got is None:
            a = self.articles.get(aid)
            if a is None:
                got = (True, True, "", True, aid)
            else:
                day, wire = _day(a), self.info.get(aid, SourceInfo()).wire
                own = wire is not None and wire.lower() in (a.outlet or "").lower()
                got = (not a.primary, day is None, day or "", not own, aid)
            self._key[aid] = got
        return got

    def group(self, arts: Sequence[str]) -> IndependentSources:
        comps: dict[str, list[str]] = defaultdict(list)
        for a in dict.fromkeys(arts):
            comps[self.uf.find(a)].append(a)
        groups = []
        for members in comps.values():
            inside = set(members)
            originals = [m for m in members if not self.ancestors(m) & inside]
            src = min(originals or members, key=self.key)
            groups.append(SourceGroup(src, tuple(sorted((m for m in members if m != src),
                                                        key=self.key))))
        groups.sort(key=lambda g: (-len(g.copies), self.key(g.source)))
        return IndependentSources(len(groups), tuple(groups))

    def label(self, g: SourceGroup) -> str:
        """"A (copied by B, C)", "A (Yonhap; also carried by D)"."""
        name = _outlet(self.articles.get(g.source), g.source)
        wire = self.info.get(g.source, SourceInfo()).wire
        copied = [c for c in g.copies if g.source in self.ancestors(c)
                  or self.ancestors(c) & self.ancestors(g.source)]
        carried = [c for c in g.copies if c not in copied]
        parts = []
        if wire and carried and wire.lower() not in name.lower():
            parts.append(wire)
        if copied:
            parts.append("copied by " + _names(_outlet(self.articles.get(c), c) for c in copied))
        if carried:
            parts.append("also carried by "
                         + _names(_outlet(self.articles.get(c), c) for c in carried))
        return name + (f" ({'; '.join(parts)})" if parts else "")


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def phrase(ind: IndependentSources, n_outlets: int, s: _Sources) -> str:
    """"3 outlets, 2 independent sources: A (copied by B)": the sources that have copies
    among the outlets are named, the others only counted."""
    shown = [s.label(g) for g in ind.groups if g.copies]
    listed = "; ".join(shown[:NAMES_SHOWN])
    if len(shown) > NAMES_SHOWN:
        listed += f"; and {len(shown) - NAMES_SHOWN} more"
    return (f"{_plural(n_outlets, 'outlet')}, {_plural(ind.count, 'independent source')}: "
            + listed)


def _diverge_notes(f: Finding, ind: IndependentSources, s: _Sources) -> list[str]:
    """A side of a divergence carried only by one source and its copies says so (a side's
    outlets: its values)."""
    per: dict[str, list[str]] = defaultdict(list)
    for v in f.values:
        per[v.article_id].append(v.value)
    if ind.count == 1:
        return [f"all {_plural(len(per), 'outlet')} carry one source: {s.label(ind.groups[0])}"]
    sides: dict[frozenset[str], list[str]] = defaultdict(list)
    for aid, vals in per.items():
        sides[frozenset(vals)].append(aid)
    notes = []
    for given, arts in sides.items():
        if len(arts) < 2:
            continue
        sub = s.group(arts)
        if sub.count == 1:
            shown = " + ".join(sorted(given))
            if len(shown) > 40:
                shown = shown[:39].rstrip() + "…"
            notes.append(f"{shown} comes from one source: {s.label(sub.groups[0])}")
    return notes


def annotate(findings: Sequence[Finding], info: Mapping[str, SourceInfo],
             articles: Sequence[Article]) -> list[Finding]:
    """Each finding with its ``independent_sources`` (over its outlets: those of its
    ``values``); agreements and
    divergences whose outlets include copies of one source say so in their summary."""
    s = _Sources(info, {a.id: a for a in articles})
    out = []
    for f in findings:
        outlets = list(dict.fromkeys(v.article_id for v in f.values))
        ind = s.group(outlets)
        summary = f.summary
        if ind.count < len(outlets):
            if f.kind == "agree":
                summary += "; " + phrase(ind, len(outlets), s)
            elif f.kind == "diverge":
                notes = _diverge_notes(f, ind, s) or [phrase(ind, len(outlets), s)]
                summary += "; " + "; ".join(notes)
        out.append(replace(f, independent_sources=ind, summary=summary))
    return out
