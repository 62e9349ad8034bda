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


@pytest.mark.parametrize("n_old,n_new", [(40, 1), (40, 7), (5, 30), (1, 1)])
def test_extending_neighbours_gives_what_a_full_search_gives(n_old: int, n_new: int) -> None:
    """A re-run that adds claims ends with the same neighbour lists as searching everything
    from scratch, so its clusters do not depend on the order articles arrived in."""
    texts = [TEXTS[i % len(TEXTS)] + f" {i}" for i in range(n_old + n_new)]
    claims = _claims(texts)
    vecs = _random_unit(len(claims), seed=n_old * 100 + n_new)
    before = nearest_neighbours(claims[:n_old], vecs[:n_old], k=4)
    extended = nearest_neighbours(claims, vecs, k=4, previous=before)
    full = nearest_neighbours(claims, vecs, k=4)
    assert extended.ids == full.ids
    assert np.array_equal(extended.rows, full.rows)
    assert np.allclose(extended.scores, full.scores)


def test_previous_lists_that_name_a_vanished_claim_are_not_reused() -> None:
    """When an article left the corpus, the cached lists are ignored (a full search runs)."""
    claims = _claims(TEXTS)
    vecs = HashingEmbedder().encode(TEXTS)
    old = nearest_neighbours(claims, vecs, k=3)
    kept = [c for c in claims if c.article_id != "art1"]
    kept_vecs = vecs[[i for i, c in enumerate(claims) if c.article_id != "art1"]]
    again = nearest_neighbours(kept, kept_vecs, k=3, previous=old)
    fresh = nearest_neighbours(kept, kept_vecs, k=3)
    assert np.array_equal(again.rows, fresh.rows)
    assert (again.rows < len(kept)).all()


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_lists_after_claims_vanish_and_others_arrive_equal_a_full_search(
    seed: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """When some claims left (an article changed, a line became boilerplate) and others
    arrived, only the lists that named a vanished claim and the new claims are searched
    again; the result is still exactly a full search's."""
    from crosscheck import cluster as cluster_mod

    rng = np.random.default_rng(seed)
    texts = [TEXTS[i % len(TEXTS)] + f" {i}" for i in range(60)]
    claims = _claims(texts)
    vecs = _random_unit(60, seed=seed)
    before = nearest_neighbours(claims[:50], vecs[:50], k=4)
    gone = set(rng.choice(50, size=6, replace=False).tolist())
    keep = [i for i in range(60) if i not in gone]
    today = [claims[i] for i in keep]
    searched_all: list[int] = []  # claims searched against every claim of a script
    real_search = cluster_mod._search

    def spy(v: np.ndarray, queries: list[int], members: list[int], kk: int) -> object:
        if len(members) > 10:  # not the merge with the ten new claims
            searched_all.extend(queries)
        return real_search(v, queries, members, kk)

    monkeypatch.setattr(cluster_mod, "_search", spy)
    extended = nearest_neighbours(today, vecs[keep], k=4, previous=before)
    assert 10 <= len(set(searched_all)) < len(today)  # untouched old lists were kept
    monkeypatch.setattr(cluster_mod, "_search", real_search)
    full = nearest_neighbours(today, vecs[keep], k=4)
    assert np.array_equal(extended.rows, full.rows)
    assert np.allclose(extended.scores, full.scores)


def test_clusters_group_the_same_fact_across_outlets_and_languages() -> None:
    """Claims that state one fact share a cluster, at most one claim per article each."""
    claims = _claims(TEXTS)
    vecs = HashingEmbedder().encode(TEXTS)
    clusters = cluster_claims(claims, vecs, threshold=0.5)
    by_id = {c.id: c for c in claims}
    assert clusters
    for cl in clusters:
        arts = [by_id[i].article_id for i in cl.claim_ids]
        assert len(arts) == len(set(arts)) >= 2


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
    monkeypatch.setattr(cluster_mod, "EXACT_SEARCH_LIMIT", 1000)
    built: list[str] = []
    real_index = cluster_mod._index

    def spy(vecs: np.ndarray) -> object:
        index = real_index(vecs)
        built.append(type(index).__name__)
        return index

    monkeypatch.setattr(cluster_mod, "_index", spy)
    approx = nearest_neighbours(claims, v, k=4)
    assert "IndexIVFFlat" in built
    same = np.mean([len(set(a) & set(b)) / len(a)
                    for a, b in zip(exact.rows[:, 0], approx.rows[:, 0], strict=True)])
    assert same >= 0.95
