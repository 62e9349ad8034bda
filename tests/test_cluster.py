"""Clustering: neighbour lists, their cache across runs, and the clusters they give."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from crosscheck.cluster import Neighbours, cluster_claims, nearest_neighbours
from crosscheck.embed import HashingEmbedder
from crosscheck.models import Claim
from crosscheck.store import Store

# Invented claims in three "outlets", Korean and English, with a few repeats.
TEXTS = [
    "한빛전자는 14일 대전에서 배터리 공동개발 양해각서를 체결했다.",
    "한빛전자가 대전에서 배터리 공동개발 MOU를 맺었다.",
    "Hanbit Electronics signed a battery MOU in Daejeon on the 14th.",
    "두 회사는 5년간 3조 원을 투자한다.",
    "양사는 앞으로 5년 동안 모두 3조 원을 투입할 계획이다.",
    "The firms will invest 3 trillion won over five years.",
    "공동 연구소는 판교에 들어선다.",
    "The joint lab will be built in Pangyo.",
    "주가는 발표 직후 6% 올랐다.",
    "Shares rose 6% after the announcement.",
    "정부는 세액공제를 검토하고 있다.",
    "The government is weighing tax credits.",
]


def _claims(texts: list[str], prefix: str = "") -> list[Claim]:
    """One claim per text, spread over three articles."""
    return [Claim(id=f"{prefix}c{i}", article_id=f"{prefix}art{i % 3}", text=t, start=0,
                  end=len(t), sentence_start=0, sentence_end=len(t))
            for i, t in enumerate(texts)]


def _random_unit(n: int, seed: int) -> np.ndarray:
    v = np.random.default_rng(seed).normal(size=(n, 32)).astype(np.float32)
    return v / np.linalg.norm(v, axis=1, keepdims=True)


def _assert_same_lists(got: Neighbours, want: Neighbours) -> None:
    """The same claims, each with the same neighbours at the same scores."""
    assert got.ids == want.ids
    assert np.array_equal(got.rows, want.rows)
    assert np.allclose(got.scores, want.scores)


@pytest.mark.parametrize("n_old,n_new", [(40, 1), (40, 7), (5, 30), (1, 1)])
def test_extending_neighbours_gives_what_a_full_search_gives(n_old: int, n_new: int) -> None:
    """A re-run that adds claims ends with the same neighbour lists as searching everything
    from scratch, so its clusters do not depend on the order articles arrived in; only the
    new claims are searched against every claim."""
    texts = [TEXTS[i % len(TEXTS)] + f" {i}" for i in range(n_old + n_new)]
    claims = _claims(texts)
    vecs = _random_unit(len(claims), seed=n_old * 100 + n_new)
    before = nearest_neighbours(claims[:n_old], vecs[:n_old], k=4)
    extended = nearest_neighbours(claims, vecs, k=4, previous=before)
    full = nearest_neighbours(claims, vecs, k=4)
    _assert_same_lists(extended, full)
    assert extended.searched == {c.id for c in claims[n_old:]}
    assert full.searched == {c.id for c in claims}


def test_previous_lists_that_name_a_vanished_claim_are_not_reused() -> None:
    """When an article left the corpus, the cached lists that named one of its claims are
    searched again; the result is a full search's, naming no claim that is gone."""
    claims = _claims(TEXTS)
    vecs = HashingEmbedder().encode(TEXTS)
    old = nearest_neighbours(claims, vecs, k=3)
    kept = [c for c in claims if c.article_id != "art1"]
    kept_vecs = vecs[[i for i, c in enumerate(claims) if c.article_id != "art1"]]
    again = nearest_neighbours(kept, kept_vecs, k=3, previous=old)
    fresh = nearest_neighbours(kept, kept_vecs, k=3)
    _assert_same_lists(again, fresh)
    assert (again.rows < len(kept)).all()
    assert again.searched == {c.id for c in kept}  # with k=3 every list named art1's claims


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_lists_after_claims_vanish_and_others_arrive_equal_a_full_search(seed: int) -> None:
    """When some claims left (an article changed, a line became boilerplate) and others
    arrived, only the lists that named a vanished claim and the new claims are searched
    again; the result is still exactly a full search's."""
    rng = np.random.default_rng(seed)
    texts = [TEXTS[i % len(TEXTS)] + f" {i}" for i in range(60)]
    claims = _claims(texts)
    vecs = _random_unit(60, seed=seed)
    before = nearest_neighbours(claims[:50], vecs[:50], k=4)
    gone = set(rng.choice(50, size=6, replace=False).tolist())
    keep = [i for i in range(60) if i not in gone]
    today = [claims[i] for i in keep]
    extended = nearest_neighbours(today, vecs[keep], k=4, previous=before)
    _assert_same_lists(extended, nearest_neighbours(today, vecs[keep], k=4))
    named_a_gone_claim = {claims[i].id for i in range(50) if i not in gone
                          and gone & set(before.rows[i].ravel().tolist())}
    assert extended.searched == named_a_gone_claim | {c.id for c in claims[50:]}
    assert len(extended.searched) < len(today)  # the untouched old lists were kept


def _fact_vectors(facts: list[dict[int, float]], dim: int = 16, seed: int = 5) -> np.ndarray:
    """One unit vector per claim, ``facts[i]`` weighting the directions claim ``i`` is made
    of (plus a little noise): claims on one direction have cosines ~0.99, others ~0."""
    rng = np.random.default_rng(seed)
    v = 0.04 * rng.normal(size=(len(facts), dim)).astype(np.float32)
    for i, weights in enumerate(facts):
        for d, w in weights.items():
            v[i, d] += w
    return v / np.linalg.norm(v, axis=1, keepdims=True)


def test_clusters_group_the_same_fact_across_outlets_and_languages() -> None:
    """Four facts, each stated by three outlets (two Korean, one English): each fact is one
    cluster of exactly its three claims, across the two scripts. A second claim of one outlet
    close to a fact it already states stays out (one claim per article), and a fact only one
    outlet states is in no cluster."""
    ko = ["한빛전자는 대전에서 협약을 맺었다.", "두 회사는 3조 원을 투자한다.",
          "연구소는 판교에 들어선다.", "주가는 6% 올랐다."]
    en = ["Hanbit signed an accord in Daejeon.", "The firms will invest 3 trillion won.",
          "The lab will be in Pangyo.", "Shares rose 6%."]
    claims: list[Claim] = []
    facts: list[dict[int, float]] = []
    for fact in range(4):
        for art, text in (("ko1", ko[fact]), ("ko2", ko[fact] + " (2)"), ("en", en[fact])):
            claims.append(Claim(id=f"{art}-f{fact}", article_id=art, text=text, start=0,
                                end=len(text), sentence_start=0, sentence_end=len(text)))
            facts.append({fact: 1.0})
    extra = [("ko1-again", "ko1", "한빛전자는 협약 내용도 설명했다.", {0: 1.0, 5: 0.4}),
             ("en-alone", "en", "Analysts expect more deals.", {9: 1.0})]
    for cid, art, text, dirs in extra:
        claims.append(Claim(id=cid, article_id=art, text=text, start=0, end=len(text),
                            sentence_start=0, sentence_end=len(text)))
        facts.append(dirs)
    vecs = _fact_vectors(facts)
    cos = vecs @ vecs.T
    again = claims.index(next(c for c in claims if c.id == "ko1-again"))
    assert 0.9 < cos[again, 0] < 0.97  # close enough to join fact 0, yet no repeat of ko1's
    clusters = cluster_claims(claims, vecs)
    assert sorted(cl.claim_ids for cl in clusters) == [
        (f"en-f{f}", f"ko1-f{f}", f"ko2-f{f}") for f in range(4)]
    assert all(cl.article_ids == ("en", "ko1", "ko2") for cl in clusters)


def test_restatements_pair_by_their_words_under_the_hashing_embedder() -> None:
    """With the character-n-gram embedder, the two Korean wordings of the MOU and of the
    investment pair up at a loose threshold, and nothing else does."""
    clusters = cluster_claims(_claims(TEXTS), HashingEmbedder().encode(TEXTS), threshold=0.5)
    assert [cl.claim_ids for cl in clusters] == [("c0", "c1"), ("c3", "c4")]


def _unit(*rows: list[float]) -> np.ndarray:
    v = np.array(rows, dtype=np.float32)
    return v / np.linalg.norm(v, axis=1, keepdims=True)


def test_a_claim_close_to_one_member_only_does_not_join_the_fact() -> None:
    """Average linkage: three outlets state one fact (mutually close); a fourth outlet's
    generic clause is close to one of them only. Single linkage would chain it in; it stays
    out, so the fact's card shows no stranger's words."""
    texts = ["the fact, told 1", "the fact, told 2", "the fact, told 3", "the fact, told 4"]
    claims = [Claim(id=f"c{i}", article_id=f"art{i}", text=t, start=0, end=len(t),
                    sentence_start=0, sentence_end=len(t)) for i, t in enumerate(texts)]
    # cosines: the three fact claims ~0.98 with each other; the clause 0.9 with claim 0
    # (above the edge threshold) but ~0.55-0.65 with the other two
    vecs = _unit([1.0, 0.0, 0.0], [0.98, 0.2, 0.0], [0.98, 0.0, 0.2], [0.9, -0.2, -0.4])
    cos = vecs @ vecs.T
    assert cos[0, 3] > 0.88 and cos[1, 3] < 0.88
    clusters = cluster_claims(claims, vecs, k=3, threshold=0.88, linkage_threshold=0.88)
    assert [cl.claim_ids for cl in clusters] == [("c0", "c1", "c2")]
    chained = cluster_claims(claims, vecs, k=3, threshold=0.88, linkage_threshold=-1.0)
    assert [cl.claim_ids for cl in chained] == [("c0", "c1", "c2", "c3")]


def test_store_keeps_neighbours_and_sets_a_damaged_file_aside(tmp_path: Path) -> None:
    """Neighbour lists survive a round trip through the store; a damaged file is moved to
    claims/corrupt/ and costs only a full search."""
    claims = _claims(TEXTS)
    nb = nearest_neighbours(claims, HashingEmbedder().encode(TEXTS), k=3)
    store = Store(tmp_path / "claims")
    store.save_neighbours("hashing-256", nb)
    back = store.load_neighbours("hashing-256")
    assert isinstance(back, Neighbours)
    assert back.ids == nb.ids and back.k == 3 and np.array_equal(back.rows, nb.rows)
    path = next((tmp_path / "claims").rglob("*.neighbours.npz"))
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])  # cut short (a killed copy, a full disk)
    assert store.load_neighbours("hashing-256") is None
    assert list((tmp_path / "claims" / "corrupt").iterdir())


def test_large_corpora_use_an_approximate_index_that_finds_the_same_neighbours(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Above the exact-search limit, neighbours come from an inverted-file index; on
    vectors grouped like restated facts it returns (almost) the exact lists."""
    from crosscheck import cluster as cluster_mod

    rng = np.random.default_rng(7)
    centers = rng.normal(size=(150, 32)).astype(np.float32)
    v = centers[rng.integers(0, 150, 3000)] + 0.3 * rng.normal(size=(3000, 32)).astype(
        np.float32)
    v /= np.linalg.norm(v, axis=1, keepdims=True)
    claims = _claims([f"claim {i}" for i in range(3000)])
    exact = nearest_neighbours(claims, v, k=4)
    assert not exact.approximate
    monkeypatch.setattr(cluster_mod, "EXACT_SEARCH_LIMIT", 1000)
    approx = nearest_neighbours(claims, v, k=4)
    assert approx.approximate
    same = np.mean([len(set(a) & set(b)) / len(a)
                    for a, b in zip(exact.rows[:, 0], approx.rows[:, 0], strict=True)])
    assert 0.95 <= same < 1.0
