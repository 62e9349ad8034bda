"""Scoring a report against a gold file, and claim matching against gold pairs.

Gold findings (``tests/gold/*.json``) name, per article, a short fragment of the value or the
claim. A gold finding is *found* when a report finding of the same kind (and facet, where the
gold gives one) has, for at least two of the gold's articles (one for ``add_detail``), a value
whose text or quote contains the fragment and covers at least half of the gold's articles.
``modality`` gold entries are found when a finding's values carry both planned and done marks
for the articles named. Precision is measured on divergences: the share of the report's
``diverge`` findings that match some gold divergence.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from difflib import SequenceMatcher
from typing import Any

import numpy as np

_FACET_ALIASES = {"": None, "claim": None}


def _value_hits(gold: Mapping[str, Any], finding: Mapping[str, Any]) -> set[str]:
    hits = set()
    for art, frag in gold["values"].items():
        for v in finding["values"]:
            if v["article_id"] != art:
                continue
            if frag in v["value"] or frag in v["quote"] or v["value"] in frag:
                hits.add(art)
                break
    return hits


def matches(gold: Mapping[str, Any], finding: Mapping[str, Any]) -> bool:
    """Does the report finding express the gold finding?"""
    kind = gold["kind"]
    n = len(gold["values"])
    if kind == "modality":
        marks = {v["article_id"]: v.get("modality") for v in finding["values"]}
        want = gold.get("normalized") or {}
        named = [a for a in gold["values"] if a in marks]
        if len(named) < 2:
            return False
        if want:
            return all(marks[a] == want[a] for a in named if a in want)
        return len({marks[a] for a in named} - {None}) >= 2
    if finding["kind"] != kind:
        return False
    facet = _FACET_ALIASES.get(gold.get("facet", ""), gold.get("facet"))
    if facet is not None and finding["facet"] != facet:
        return False
    hits = _value_hits(gold, finding)
    need = 1 if kind == "add_detail" else min(2, n)
    return len(hits) >= need and len(hits) >= n / 2


def score_findings(report: Mapping[str, Any], gold: Mapping[str, Any]) -> dict[str, Any]:
    """Recall per kind, overall recall and divergence precision of a report on a gold file."""
    findings = report["findings"]
    per_kind: dict[str, list[int]] = {}
    missed = []
    for g in gold["findings"]:
        if g.get("optional"):
            continue
        found = any(matches(g, f) for f in findings)
        per_kind.setdefault(g["kind"], [0, 0])
        per_kind[g["kind"]][0] += int(found)
        per_kind[g["kind"]][1] += 1
        if not found:
            missed.append(g["id"])
    gold_div = [g for g in gold["findings"] if g["kind"] == "diverge"]
    predicted = [f for f in findings if f["kind"] == "diverge"]
    correct = sum(1 for f in predicted if any(matches(g, f) for g in gold_div))
    total_found = sum(v[0] for v in per_kind.values())
    total = sum(v[1] for v in per_kind.values())
    return {
        "recall": total_found / total if total else 1.0,
        "recall_by_kind": {k: v[0] / v[1] for k, v in sorted(per_kind.items())},
        "diverge_precision": correct / len(predicted) if predicted else 1.0,
        "n_predicted_diverge": len(predicted),
        "missed": missed,
    }


def score_clusters(report: Mapping[str, Any], gold: Mapping[str, Any]) -> dict[str, Any]:
    """Pairwise precision and recall of the report's clusters against the gold ``facts``.

    Each gold claim is placed on the report's claim of its article that best contains it.
    A pair of claims of different articles counts: as a true pair when both claims are in one
    gold fact, as a false pair when they are in different facts (claims the gold leaves out
    are not counted). Precision = clustered true pairs / clustered counted pairs; recall =
    clustered true pairs / true pairs. ``false_pairs`` lists what was wrongly put together.
    """
    by_art: dict[str, list[Mapping[str, Any]]] = {}
    for c in report["claims"]:
        by_art.setdefault(c["article_id"], []).append(c)
    label: dict[str, str] = {}
    for fact in gold.get("facts", []):
        for g in fact["claims"]:
            pool = by_art.get(g["article"], [])
            if pool:
                label[pool[best_overlap(g["text"], [c["text"] for c in pool])]["id"]] = fact["id"]
    art = {c["id"]: c["article_id"] for c in report["claims"]}
    text = {c["id"]: c["text"] for c in report["claims"]}
    cluster_of = {cid: cl["id"] for cl in report["clusters"] for cid in cl["claim_ids"]}
    ids = sorted(label)
    true_pairs = clustered = clustered_true = 0
    false_pairs: list[tuple[str, str]] = []
    for i, a in enumerate(ids):
        for b in ids[i + 1 :]:
            if art[a] == art[b]:
                continue
            same = label[a] == label[b]
            together = a in cluster_of and cluster_of[a] == cluster_of.get(b)
            true_pairs += same
            clustered += together
            clustered_true += same and together
            if together and not same:
                false_pairs.append((text[a], text[b]))
    return {
        "precision": clustered_true / clustered if clustered else 1.0,
        "recall": clustered_true / true_pairs if true_pairs else 1.0,
        "false_pairs": false_pairs,
    }


def rank_metrics(
    scores: Sequence[np.ndarray], gold: Sequence[Collection[int]]
) -> tuple[float, float]:
    """Recall@1 and MRR: ``scores[i]`` scores every candidate of query ``i``; ``gold[i]`` holds
    the acceptable answers (the best-scored of them counts; ties are broken against it)."""
    r1 = 0.0
    mrr = 0.0
    for row, answers in zip(scores, gold, strict=True):
        best = max(float(row[g]) for g in answers)
        rank = int((row > best).sum()) + 1
        r1 += rank == 1
        mrr += 1.0 / rank
    n = len(gold)
    return (r1 / n, mrr / n) if n else (0.0, 0.0)


def best_overlap(text: str, pool: Sequence[str]) -> int:
    """Index of the pool entry that best contains ``text`` (used to place a gold sentence)."""
    best, best_i = -1.0, 0
    for i, p in enumerate(pool):
        if text in p or p in text:
            r = 1.0 + min(len(p), len(text)) / max(len(p), len(text))
        else:
            r = SequenceMatcher(None, text, p).ratio()
        if r > best:
            best, best_i = r, i
    return best_i
