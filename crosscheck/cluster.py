"""Stage 4: group claims that state the same fact, across outlets.

A faiss inner-product index over unit vectors gives each claim its k nearest neighbours; a
pair becomes an edge when its score passes the threshold. Edges are merged strongest first
under two constraints:

* a cluster holds at most one claim per article, except near-identical repeats (cosine >=
  ``repeat_threshold``: the lexical nudge does not make a headline a repeat of its lead);
* average linkage: two groups join only when the mean score over all their cross pairs
  passes ``linkage_threshold`` (computed from per-group vector sums, O(d) per merge).

The first keeps clusters to "the same fact as told by each outlet"; the second stops a short,
generic clause ("기업별 상담도 진행한다.") from joining a fact through one lucky neighbour,
which single linkage lets through. Cost: O(n k log n + merges x d).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from crosscheck.embed import Vectors
from crosscheck.models import Claim, Cluster, content_id
from crosscheck.scripts import script_of

DEFAULT_THRESHOLD = 0.88
LINKAGE_THRESHOLD = 0.88
REPEAT_THRESHOLD = 0.97
CROSS_SCRIPT_OFFSET = 0.03


@dataclass(frozen=True)
class Edge:
    i: int
    j: int
    score: float  # pair_score: what the edges are ranked and thresholded by
    cosine: float = 1.0  # the embedding alone: what tells a near-identical repeat


LEXICAL_WEIGHT = 0.15
"""Weight of the character-bigram overlap in ``pair_score`` (calibrated: seed_pairs recall@1
0.857 at 0.05, 0.869 at 0.15; sample clustering F1 0.73 -> 0.81)."""


def _jaccard(sa: set[str], sb: set[str]) -> float:
    """|A ∩ B| / |A ∪ B| (0 when either set is empty)."""
    if not sa or not sb:
        return 0.0
    inter = len(sa & sb)
    return inter / (len(sa) + len(sb) - inter)


def bigrams(text: str) -> set[str]:
    """The character bigrams of ``text`` (the lexical side of ``pair_score``)."""
    return {text[k : k + 2] for k in range(len(text) - 1)}


SCRIPT_GROUPS = {"latin": 0, "hangul": 1, "japanese": 2, "han": 2}
"""Scripts whose claims are searched apart (a claim's neighbours in each group)."""


def script_group(text: str) -> int:
    return SCRIPT_GROUPS.get(script_of(text), 0)


def pair_score(
    cosine: float, hangul_a: int | bool, hangul_b: int | bool, grams_a: set[str],
    grams_b: set[str],
    lexical_weight: float = LEXICAL_WEIGHT, cross_script_offset: float = CROSS_SCRIPT_OFFSET,
) -> float:
    """How strongly two claims state the same fact: the embedding cosine, re-ranked.

    Within one script, character-bigram overlap nudges the score (-0.03 for no overlap, up to
    +0.12 for the same characters; ±0.02 for typical overlaps: it breaks close calls, it does
    not outweigh the embedding). Across scripts
    (Korean vs English) the cosine gets ``cross_script_offset``: e5 scores the same fact
    ~0.04 lower across languages (calibrated on tests/gold/sample.json pairs).
    """
    if hangul_a == hangul_b:
        return cosine + lexical_weight * (_jaccard(grams_a, grams_b) - 0.2)
    return cosine + cross_script_offset


@dataclass(frozen=True)
class Neighbours:
    """Each claim's nearest neighbours in each script (the costly part of clustering).

    Row ``i`` is claim ``ids[i]``; ``rows[i, g]`` holds the rows of its ``k + 1`` nearest
    claims written in script ``g`` (0 Latin, 1 Hangul; itself included, -1 = none) and
    ``scores[i, g]`` their cosines. It depends on the claims and their vectors only, so a
    re-run that adds articles extends it instead of searching everything again.
    """

    ids: tuple[str, ...]
    k: int
    rows: np.ndarray
    scores: np.ndarray
    searched: frozenset[str] = field(default=frozenset(), compare=False)
    """The claims whose lists this search built against every claim (the others' lists were
    carried over from ``previous``, only merged with the new claims)."""
    approximate: bool = field(default=False, compare=False)
    """Whether an inverted-file index (not an exact search) gave some of the lists."""


EXACT_SEARCH_LIMIT = 20_000
"""Up to this many claims in a script, neighbours are searched exactly (``IndexFlatIP``, cost
n²); beyond, with an inverted-file index (``IndexIVFFlat``: sqrt(n) lists, 1/16 of them
probed): ~3x faster at 55k claims, 99% of the exact neighbours on clustered vectors."""


def _index(member_vecs: Vectors) -> Any:
    """A faiss inner-product index over ``member_vecs``: exact, or IVF for large sets."""
    import faiss

    n, dim = member_vecs.shape
    index: Any
    if n <= EXACT_SEARCH_LIMIT:
        index = faiss.IndexFlatIP(dim)
    else:
        nlist = int(math.sqrt(n))
        quantizer = faiss.IndexFlatIP(dim)
        index = faiss.IndexIVFFlat(quantizer, dim, nlist, faiss.METRIC_INNER_PRODUCT)
        # k-means on an evenly spaced sample (deterministic: the same lists every run)
        index.train(member_vecs[:: max(1, n // (40 * nlist))])
        index.nprobe = max(1, nlist // 16)
    index.add(member_vecs)
    return index


def _search(
    vecs: Vectors, queries: Sequence[int], members: Sequence[int], kk: int
) -> tuple[np.ndarray, np.ndarray, bool]:
    """The ``kk`` best ``members`` (as rows, -1 padded) for each of ``queries``, by cosine,
    and whether the index was approximate."""
    import faiss

    rows = np.full((len(queries), kk), -1, dtype=np.int64)
    scores = np.full((len(queries), kk), -np.inf, dtype=np.float32)
    if not len(queries) or not len(members):
        return rows, scores, False
    index = _index(vecs[list(members)])
    got = min(kk, len(members))
    sc, nb = index.search(vecs[list(queries)], got)
    mem = np.asarray(members, dtype=np.int64)
    rows[:, :got] = np.where(nb >= 0, mem[np.maximum(nb, 0)], -1)
    scores[:, :got] = np.where(nb >= 0, sc, -np.inf)
    return rows, scores, isinstance(index, faiss.IndexIVF)


def nearest_neighbours(
    claims: Sequence[Claim], vectors: Vectors, k: int = 8,
    previous: Neighbours | None = None,
) -> Neighbours:
    """Every claim's ``k + 1`` nearest claims in each script, searched with faiss.

    With ``previous`` (the last run's result, same ``k``), only what changed is searched:
    the new claims, and the old claims whose lists named a claim that is gone (an article
    removed or changed, a line that became boilerplate), are searched against everything;
    the other old claims keep their lists, merged with their best matches among the new
    claims (a claim that left cannot change a list it was not in). The same lists as a full
    search, at a cost that follows what changed.
    """
    n = len(claims)
    kk = k + 1
    ids = tuple(c.id for c in claims)
    vecs = np.ascontiguousarray(vectors, dtype=np.float32)
    groups = len(set(SCRIPT_GROUPS.values()))
    rows = np.full((n, groups, kk), -1, dtype=np.int64)
    scores = np.full((n, groups, kk), -np.inf, dtype=np.float32)
    if n == 0:
        return Neighbours(ids, k, rows, scores)
    script = np.array([script_group(c.text) for c in claims])
    position = {cid: i for i, cid in enumerate(ids)}
    old: list[int] = []  # today's rows of old claims whose lists are carried over
    if (previous is not None and previous.k == k and len(previous.ids)
            and previous.rows.shape[1] == groups):
        # previous row -> today's row; -2 = the claim is gone; the trailing -1 keeps -1
        back = np.array([position.get(c, -2) for c in previous.ids] + [-1], dtype=np.int64)
        carried = back[previous.rows]
        keep = (back[:-1] >= 0) & ~(carried == -2).any(axis=(1, 2))
        if keep.any():
            old = back[:-1][keep].tolist()
            rows[old] = carried[keep]
            scores[old] = previous.scores[keep]
    seen_before = {position[c] for c in (previous.ids if old and previous else ())
                   if c in position}
    old_set = set(old)
    redo = [i for i in range(n) if i not in old_set]  # new claims and old ones to search again
    approximate = False
    for g in range(groups):
        members = [i for i in range(n) if script[i] == g]
        r, sc, approx = _search(vecs, redo, members, kk)
        rows[redo, g], scores[redo, g] = r, sc
        approximate |= approx
        if old:
            added = [i for i in redo if script[i] == g and i not in seen_before]
            r2, sc2, approx = _search(vecs, old, added, kk)
            approximate |= approx
            both_r = np.concatenate([rows[old, g], r2], axis=1)
            both_s = np.concatenate([scores[old, g], sc2], axis=1)
            best = np.argsort(-both_s, axis=1, kind="stable")[:, :kk]
            rows[old, g] = np.take_along_axis(both_r, best, axis=1)
            scores[old, g] = np.take_along_axis(both_s, best, axis=1)
    return Neighbours(ids, k, rows, scores, frozenset(ids[i] for i in redo), approximate)


def neighbour_edges(
    claims: Sequence[Claim], neighbours: Neighbours, threshold: float = DEFAULT_THRESHOLD,
    lexical_weight: float = LEXICAL_WEIGHT, cross_script_offset: float = CROSS_SCRIPT_OFFSET,
) -> list[Edge]:
    """Scored edges between each claim and its nearest neighbours that pass ``threshold``,
    strongest first (ties by claim rows).

    Neighbours are searched in each script separately (Hangul, Latin), so a Korean claim's
    English counterpart is not crowded out by Korean claims that merely share its words;
    each pair is scored by ``pair_score``.
    """
    i, j, score, cos = _edge_arrays(claims, neighbours, threshold, lexical_weight,
                                    cross_script_offset)
    return [Edge(a, b, s, c) for a, b, s, c in zip(i.tolist(), j.tolist(), score.tolist(),
                                                     cos.tolist(), strict=True)]


def _edge_arrays(
    claims: Sequence[Claim], neighbours: Neighbours, threshold: float, lexical_weight: float,
    cross_script_offset: float,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """``neighbour_edges`` as four arrays (rows i < j, score, cosine), computed for all
    candidate pairs at once: the bigram sets of the distinct texts are rows of a sparse 0/1
    matrix, and a pair's intersection is the dot product of its two rows."""
    n = len(claims)
    empty = np.zeros(0, dtype=np.int64)
    if n < 2:
        return empty, empty, np.zeros(0), np.zeros(0)
    src = np.repeat(np.arange(n, dtype=np.int64),
                    neighbours.rows.shape[1] * neighbours.rows.shape[2])
    dst = neighbours.rows.reshape(-1)
    cos = neighbours.scores.reshape(-1)
    # the re-rank adds at most this much: pairs further below the threshold cannot pass
    ok = (dst >= 0) & (dst != src) & (cos + max(lexical_weight * 0.8, cross_script_offset)
                                      >= threshold)
    a = np.minimum(src[ok], dst[ok])
    b = np.maximum(src[ok], dst[ok])
    if not len(a):
        return empty, empty, np.zeros(0), np.zeros(0)
    _, first = np.unique(a * n + b, return_index=True)  # each pair once
    i, j = a[first], b[first]
    pair_cos = cos[ok][first].astype(np.float64)
    hangul = np.array([script_group(c.text) for c in claims], dtype=np.int64)
    same_script = hangul[i] == hangul[j]
    jac = _pair_jaccard(claims, i, j, same_script)
    score = np.where(same_script, pair_cos + lexical_weight * (jac - 0.2),
                     pair_cos + cross_script_offset)
    keep = score >= threshold
    i, j, score, pair_cos = i[keep], j[keep], score[keep], pair_cos[keep]
    order = np.lexsort((j, i, -score))
    return i[order], j[order], score[order], pair_cos[order]


def _pair_jaccard(claims: Sequence[Claim], i: np.ndarray, j: np.ndarray, mask: np.ndarray,
                  chunk: int = 2_000_000) -> np.ndarray:
    """``_jaccard(bigrams(a), bigrams(b))`` for the pairs ``(i[k], j[k])`` where ``mask``.

    Vectorised: every distinct text's bigrams become sorted integer codes (two code points
    in one int64), each distinct pair of texts is scored once (outlets repeat each other:
    132k claim pairs are 23k text pairs at 1,000 articles), and an intersection is counted
    by looking the shorter text's codes up among the other's (``searchsorted`` over all the
    (text, code) keys at once, ``chunk`` lookups at a time).
    """
    out = np.zeros(len(i), dtype=np.float64)
    sel = np.flatnonzero(mask)
    if not len(sel):
        return out
    text_id: dict[str, int] = {}
    tid = np.array([text_id.setdefault(c.text, len(text_id)) for c in claims], dtype=np.int64)
    texts = list(text_id)
    ti, tj = tid[i[sel]], tid[j[sel]]
    n_texts = len(texts)
    pair_key, inverse = np.unique(np.minimum(ti, tj) * n_texts + np.maximum(ti, tj),
                                  return_inverse=True)
    pa, pb = pair_key // n_texts, pair_key % n_texts
    indptr, codes = _bigram_codes(texts)
    sizes = np.diff(indptr)
    span = int(codes.max(initial=0)) + 1
    # (text, code) as one int64, already sorted (texts in order, codes sorted within each)
    keys = np.repeat(np.arange(n_texts, dtype=np.int64), sizes) * span + codes
    swap = sizes[pa] > sizes[pb]  # look the shorter text's bigrams up in the longer's
    small, big = np.where(swap, pb, pa), np.where(swap, pa, pb)
    inter = np.zeros(len(pair_key), dtype=np.float64)
    lengths = sizes[small]
    bounds = np.concatenate([[0], np.cumsum(lengths)])
    p0 = 0
    while p0 < len(pair_key):  # pairs in groups of about ``chunk`` lookups
        p1 = int(np.searchsorted(bounds, bounds[p0] + chunk, side="right")) - 1
        p1 = max(p1, p0 + 1)
        ln = lengths[p0:p1]
        owner = np.repeat(np.arange(p0, p1), ln)
        pos = np.arange(int(ln.sum())) - np.repeat(bounds[p0:p1] - bounds[p0], ln)
        mine = codes[indptr[small[owner]] + pos]
        want = big[owner] * span + mine
        at = np.minimum(np.searchsorted(keys, want), len(keys) - 1)
        inter[p0:p1] = np.bincount(owner - p0, weights=keys[at] == want, minlength=p1 - p0)
        p0 = p1
    union = sizes[pa] + sizes[pb] - inter
    jac = np.divide(inter, union, out=np.zeros_like(inter),
                    where=(union > 0) & (sizes[pa] > 0) & (sizes[pb] > 0))
    out[sel] = jac[inverse]
    return out


def _bigram_codes(texts: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
    """Each text's distinct character bigrams as sorted codes (the rank of the bigram among
    all the texts' bigrams), CSR-style: text ``t`` owns ``codes[indptr[t]:indptr[t + 1]]``."""
    lens = np.array([len(t) for t in texts], dtype=np.int64)
    cp = np.frombuffer("".join(texts).encode("utf-32-le", "surrogatepass"),
                       dtype="<u4").astype(np.int64)
    owner = np.repeat(np.arange(len(texts), dtype=np.int64), lens)
    same = owner[:-1] == owner[1:]  # a bigram may not straddle two texts
    rows = owner[:-1][same]
    codes = cp[:-1][same] * 0x110000 + cp[1:][same]
    order = np.lexsort((codes, rows))
    rows, codes = rows[order], codes[order]
    keep = np.ones(len(codes), dtype=bool)
    keep[1:] = (rows[1:] != rows[:-1]) | (codes[1:] != codes[:-1])
    rows, codes = rows[keep], codes[keep]
    codes = np.unique(codes, return_inverse=True)[1].reshape(-1).astype(np.int64)
    indptr = np.zeros(len(texts) + 1, dtype=np.int64)
    np.cumsum(np.bincount(rows, minlength=len(texts)), out=indptr[1:])
    return indptr, codes


def cluster_claims(
    claims: Sequence[Claim], vectors: Vectors, k: int = 8, threshold: float = DEFAULT_THRESHOLD,
    repeat_threshold: float = REPEAT_THRESHOLD, neighbours: Neighbours | None = None,
    linkage_threshold: float = LINKAGE_THRESHOLD,
    cross_script_offset: float = CROSS_SCRIPT_OFFSET,
) -> list[Cluster]:
    """Clusters of two or more claims (singletons are left out).

    ``neighbours`` (from ``nearest_neighbours`` on the same claims) saves the search. The
    linkage score of two groups is the mean over their cross pairs of the cosine plus
    ``cross_script_offset`` for pairs in different scripts (the lexical nudge is left out:
    it has no vector form); it is exact, from the groups' vector sums.
    """
    n = len(claims)
    if neighbours is None or neighbours.ids != tuple(c.id for c in claims):
        neighbours = nearest_neighbours(claims, vectors, k)
    vecs = np.asarray(vectors, dtype=np.float32)
    n_groups = len(set(SCRIPT_GROUPS.values()))
    script = np.array([script_group(c.text) for c in claims], dtype=np.int64)
    parent = list(range(n))
    members: dict[int, dict[str, int]] = {i: {claims[i].article_id: 1} for i in range(n)}
    # per merged group: the sum of its vectors, and how many of its claims are in each
    # script; a singleton's sum is its own vector (nothing is allocated for the many that
    # never merge)
    sums: dict[int, np.ndarray] = {}
    by_script: dict[int, np.ndarray] = {}
    size: dict[int, int] = {}

    def find(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    def group(r: int) -> tuple[np.ndarray, int, np.ndarray]:
        if r in sums:
            return sums[r], size[r], by_script[r]
        one = np.zeros(n_groups, dtype=np.int64)
        one[script[r]] = 1
        return vecs[r], 1, one

    ei, ej, _score, ecos = _edge_arrays(claims, neighbours, threshold, LEXICAL_WEIGHT,
                                        cross_script_offset)
    # root pairs known to share an article: groups only grow, so a pair that shares one
    # keeps sharing it while both stay roots (big groups meet over many edges)
    sharing: set[tuple[int, int]] = set()
    for x, y, c in zip(ei.tolist(), ej.tolist(), ecos.tolist(), strict=True):
        ra, rb = find(x), find(y)
        if ra == rb:
            continue
        if c < repeat_threshold:
            if (ra, rb) in sharing:
                continue
            small, big = sorted((members[ra], members[rb]), key=len)
            if not big.keys().isdisjoint(small):
                sharing.add((ra, rb))
                continue  # both clusters already hold a claim of the same article
        sa, na, ha = group(ra)
        sb, nb, hb = group(rb)
        if na * nb > 1:  # a single pair is the edge itself, already above the threshold
            cross = na * nb - int(ha @ hb)  # pairs of claims in different scripts
            mean = (float(sa @ sb) + cross_script_offset * cross) / (na * nb)
            if mean < linkage_threshold:
                continue
        if len(members[ra]) < len(members[rb]):
            ra, rb = rb, ra
        parent[rb] = ra
        for art, cnt in members.pop(rb).items():
            members[ra][art] = members[ra].get(art, 0) + cnt
        sums[ra] = np.add(sa, sb, dtype=np.float32)
        size[ra], by_script[ra] = na + nb, ha + hb
        for d in (sums, size, by_script):
            d.pop(rb, None)

    groups: dict[int, list[int]] = {}
    for i in range(n):
        groups.setdefault(find(i), []).append(i)
    out = []
    for idx in groups.values():
        if len(idx) < 2:
            continue
        ids = tuple(sorted(claims[i].id for i in idx))
        arts = tuple(sorted({claims[i].article_id for i in idx}))
        out.append(Cluster(id=content_id("cluster", *ids), claim_ids=ids, article_ids=arts))
    out.sort(key=lambda c: c.claim_ids)
    return out
