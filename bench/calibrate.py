"""Fit the confidence models of ``crosscheck/data/calibration.json`` on labelled corpora.

    python bench/calibrate.py [--write] [--corpus DIR ...]

Labelled corpora: ``../shared/realcorpora/<event>/`` (articles + ``gold.yaml``). For each,
the pipeline's own stages run (ingest, split, facets, embed with the default model, cluster,
events), then:

1. **slot model** (per value type): every candidate value pair is labelled from the gold's
   fact mentions — a value *states* a fact when it lies inside one of the fact's quoted
   mentions and equals that mention's value; two values answer one question when they state
   the same fact (or are the two sides of one gold divergence), and different questions
   when they state different facts. Pairs with an unlabelled value are left out. Features:
   ``calibration.slot_features`` (context overlap, anchors, claim cosine by script).
2. **divergence model**: with the fitted slot model, every slot's minority value class is a
   candidate; it is labelled true when its values (the minority side and its counterpart)
   cover mentions of two sides of a gold divergence — the rule ``score.py`` applies to a
   reported divergence — and false otherwise. Features: ``calibration.divergence_features``.
3. **per-facet priors** for findings not built from slots (titles, instrument, quotes,
   signatories): the share of each facet's reported divergences that are true.

Both logistic models are fitted on all corpora together (L2, C=1) and also corpus against
corpus (fitted on one, scored on the other): those held-out figures are printed, and are
the honest measure of how the models carry to coverage nobody labelled. ``--write``
replaces the coefficients in ``crosscheck/data/calibration.json``.
"""

from __future__ import annotations

import argparse
import dataclasses
import importlib.util
import json
import re
import sys
import tempfile
from collections import defaultdict
from pathlib import Path
from typing import Any

import numpy as np
import yaml

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
sys.path.insert(0, str(ROOT))

from crosscheck import calibration, compare, slots  # noqa: E402
from crosscheck.cluster import cluster_claims, nearest_neighbours  # noqa: E402
from crosscheck.events import group_events  # noqa: E402
from crosscheck.lang.numbers import relation  # noqa: E402
from crosscheck.pipeline import RunStats, embed_claims, load_corpus, make_embedder  # noqa: E402
from crosscheck.store import Store  # noqa: E402

CALIBRATION = ROOT / "crosscheck" / "data" / "calibration.json"
TIER_PRECISION = {"likely": 0.9, "possible": 0.8}
"""Share of true divergences a tier must keep on the labelled candidates."""


def _scorer() -> Any:
    spec = importlib.util.spec_from_file_location("score", SHARED / "realcorpora" / "score.py")
    assert spec and spec.loader
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def prepare(corpus: Path, cache: Path) -> dict[str, Any]:
    """The corpus through the pipeline's stages up to events, and its gold."""
    store = Store(cache / corpus.name)
    stats = RunStats()
    c = load_corpus([corpus], store, stats)
    emb = make_embedder(None)
    vectors = embed_claims(c.claims, emb, store, stats)
    matrix = np.stack([vectors[x.id] for x in c.claims])
    nb = nearest_neighbours(c.claims, matrix)
    clusters = cluster_claims(c.claims, matrix, neighbours=nb)
    events = group_events(c.articles, c.claims, clusters)
    gold = yaml.safe_load((corpus / "gold.yaml").read_text(encoding="utf-8"))
    return {"name": corpus.name, "articles": c.articles, "claims": c.claims,
            "vectors": vectors, "clusters": clusters, "events": events, "gold": gold,
            "dir": corpus}


# --------------------------------------------------------------------------- labels


def _num(x: Any) -> float | None:
    try:
        return float(str(x).replace(",", ""))
    except ValueError:
        return None


def _mentions(gold: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    out = [(f["id"], m) for f in gold.get("facts") or [] for m in f["mentions"]]
    for d in gold.get("diverge") or []:
        for side in d["sides"]:
            out += [("DIV:" + d["id"], dict(m, value=side.get("value"))) for m in side["mentions"]]
    return out


def value_labels(values: list[slots.Value], data: dict[str, Any]) -> dict[int, set[str]]:
    """Value index -> the gold facts it states (inside a mention, equal to its value)."""
    text = {a.id: a.text for a in data["articles"]}
    by_file = {Path(a.path).name: a.id for a in data["articles"]}
    out: dict[int, set[str]] = defaultdict(set)
    for fid, m in _mentions(data["gold"]):
        aid = by_file.get(m["file"])
        if aid is None or (at := text[aid].find(m["quote"])) < 0:
            continue
        ms, me = at, at + len(m["quote"])
        gv = m.get("value")
        for v in values:
            if v.article_id != aid or not (v.facet.start < me and ms < v.facet.end):
                continue
            if v.type == "number":
                vv = _num(v.facet.normalized.lstrip("~").split(" ")[0])
                cands = [_num(p) for p in re.split(r"/", str(gv))]
                ok = vv is not None and any(
                    g is not None and (relation(str(vv), str(g)) == "same"
                                       or abs(vv - g) <= 0.011 * max(abs(g), 1)) for g in cands)
            elif v.type == "date":
                ok = any(p.strip()[:4].isdigit() and slots.date_relation(
                    v.facet.normalized.split("T")[0], p.strip().split("T")[0]) == "same"
                    for p in str(gv).split("/"))
            else:
                ok = True
            if ok:
                out[v.index].add(fid)
    return out


def slot_rows(data: dict[str, Any]) -> list[tuple[str, list[float], int]]:
    values, pairs, _ = compare.slot_analysis(data["articles"], data["claims"], data["vectors"],
                                             data["events"])
    labels = value_labels(values, data)
    rows = []
    for (a, b), p in pairs.items():
        la, lb = labels.get(a), labels.get(b)
        if not la or not lb:
            continue
        facts_a = {x for x in la if not x.startswith("DIV:")}
        facts_b = {x for x in lb if not x.startswith("DIV:")}
        divs_a, divs_b = la - facts_a, lb - facts_b
        same = bool(facts_a & facts_b) or bool(divs_a & divs_b)
        rows.append((values[a].type, calibration.slot_features(p), int(same)))
    return rows


def candidate_rows(data: dict[str, Any], score: Any) -> list[tuple[list[float], int, str]]:
    values, pairs, found = compare.slot_analysis(data["articles"], data["claims"],
                                                 data["vectors"], data["events"])
    cands = compare.divergence_candidates(values, found, pairs)
    text = {a.id: a.text for a in data["articles"]}
    by_file = {Path(a.path).name: a.id for a in data["articles"]}

    def loc(m: dict[str, Any]) -> tuple[str, int, int] | None:
        aid = by_file.get(m["file"])
        if aid is None or (at := text[aid].find(m["quote"])) < 0:
            return None
        return aid, at, at + len(m["quote"])

    gold_div = [[[x for m in side["mentions"] if (x := loc(m))] for side in d["sides"]]
                for d in data["gold"].get("diverge") or []]
    rows = []
    ids = [d["id"] for d in data["gold"].get("diverge") or []]
    for cand in cands:
        vals = [{"article_id": v.article_id, "value_start": v.facet.start,
                 "value_end": v.facet.end} for v in (*cand.minor, cand.counterpart)]
        hit = [ids[k] for k, sides in enumerate(gold_div)
               if sum(any(score.covers(v, x) for v in vals for x in side) for side in sides) >= 2]
        true = bool(hit)
        f = cand.features
        label = (f"{cand.minor[0].facet.value!r} vs {cand.counterpart.facet.value!r} "
                 f"[{cand.minor[0].article_id[:14]} | {cand.counterpart.article_id[:14]}] "
                 f"p={f.p_slot:.2f} rel={f.relation} n={f.n_minor}/{f.n_major} "
                 f"att={f.attested_elsewhere} knows={int(f.minor_states_major)} "
                 f"marg={f.margin:.2f} mut={int(f.mutual)} ss={int(f.same_script)} "
                 f"sa={int(f.same_article)} {','.join(hit)}")
        rows.append(([calibration.divergence_score(cand.features)], int(true), label))
    return rows


# --------------------------------------------------------------------------- fitting


def fit(x: list[list[float]], y: list[int], c: float = 1.0) -> tuple[list[float], float]:
    from sklearn.linear_model import LogisticRegression

    m = LogisticRegression(C=c, max_iter=5000).fit(x, y)
    return [round(float(v), 3) for v in m.coef_[0]], round(float(m.intercept_[0]), 3)


def _prob(x: list[float], coef: list[float], b: float) -> float:
    return float(1 / (1 + np.exp(-(b + sum(u * v for u, v in zip(x, coef, strict=True))))))


PRIOR_FACETS = ("title", "document_type", "signatory", "quote", "predicate", "attribution")


def facet_priors(corpora: list[dict[str, Any]], score: Any, model: dict[str, Any]
                 ) -> dict[str, float]:
    """Each non-slot facet's share of true divergences, (true + 1) / (reported + 2), over
    the corpora's findings computed with every prior at 1 (so that all of them are
    reported), each judged by ``score.py``'s rule."""
    trial = json.loads(json.dumps(model))
    trial["priors"] = {f: 1.0 for f in PRIOR_FACETS}
    calibration.use_model(trial)
    n: dict[str, int] = defaultdict(int)
    t: dict[str, int] = defaultdict(int)
    for d in corpora:
        found = compare.compare(d["articles"], d["claims"], d["clusters"], d["vectors"],
                                events=d["events"]).findings
        report = {
            "articles": [{"id": a.id, "text": a.text, "path": a.path} for a in d["articles"]],
            "findings": [{"kind": f.kind, "facet": f.facet, "summary": f.summary,
                          "values": [dataclasses.asdict(v) for v in f.values]}
                         for f in found if f.kind == "diverge" and f.facet in PRIOR_FACETS],
        }
        scored = score.score(report, d["gold"], d["dir"])
        for f, true, _ in scored["_verdicts"]:
            n[f["facet"]] += 1
            t[f["facet"]] += bool(true)
    return {f: round((t[f] + 1) / (n[f] + 2), 3) for f in PRIOR_FACETS}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--write", action="store_true")
    ap.add_argument("--corpus", nargs="*", type=Path,
                    default=sorted(p.parent for p in (SHARED / "realcorpora").glob("*/gold.yaml")))
    args = ap.parse_args()
    if not args.corpus:
        print("no labelled corpus found (../shared/realcorpora); nothing to fit")
        return 1
    score = _scorer()
    model = json.loads(CALIBRATION.read_text(encoding="utf-8"))
    with tempfile.TemporaryDirectory() as tmp:
        corpora = [prepare(p, Path(tmp)) for p in args.corpus]
        # 1. slot model
        srows = {d["name"]: slot_rows(d) for d in corpora}
        for typ in ("number", "date", "place"):
            x = [f for rows in srows.values() for t, f, _ in rows if t == typ]
            y = [lab for rows in srows.values() for t, _, lab in rows if t == typ]
            if len(set(y)) < 2:
                continue
            coef, b = fit(x, y)
            model["slot"][typ] = {"coef": coef, "intercept": b}
            print(f"slot model {typ}: {len(y)} labelled pairs ({sum(y)} same question) "
                  f"coef {coef} intercept {b}")
        calibration.use_model(model)
        # 2. divergence model, with the slot model just fitted
        crows = {d["name"]: candidate_rows(d, score) for d in corpora}
        x = [f for rows in crows.values() for f, _, _ in rows]
        y = [lab for rows in crows.values() for _, lab, _ in rows]
        print(f"divergence candidates: {len(y)} ({sum(y)} true)")
        coef, b = fit(x, y)
        model["divergence"]["platt"] = [coef[0], b]
        print(f"divergence score -> probability (Platt): a={coef[0]} b={b}")
        # tiers: the lowest confidence above which the pooled candidates are precise enough
        scored = sorted(((_prob(f, coef, b), lab) for rows in crows.values() for f, lab, _ in rows),
                        reverse=True)

        def lowest(target: float, at_least: int) -> float:
            best = 1.0
            for k in range(at_least, len(scored) + 1):
                top = scored[:k]
                if (sum(lab for _, lab in top) + 1) / (k + 2) >= target:  # smoothed as the priors
                    best = top[-1][0]
            return round(best, 3)

        model["tiers"] = {"likely": lowest(TIER_PRECISION["likely"], 2),
                          "possible": lowest(TIER_PRECISION["possible"], 3)}
        t = model["tiers"]
        print(f"tiers (precision {TIER_PRECISION}): {t}")
        for held in crows:
            tx = [f for n, rows in crows.items() if n != held for f, _, _ in rows]
            ty = [lab for n, rows in crows.items() if n != held for _, lab, _ in rows]
            if len(set(ty)) < 2:
                continue
            hc, hb = fit(tx, ty)
            got = sorted(((_prob(f, hc, hb), lab, name) for f, lab, name in crows[held]),
                         reverse=True)
            for cut in (t["possible"], t["likely"]):
                rep = [g for g in got if g[0] >= cut]
                prec = sum(g[1] for g in rep) / len(rep) if rep else float("nan")
                print(f"  held out {held}: at {cut:.2f} {len(rep)} reported, precision "
                      f"{prec:.2f}, true found {sum(g[1] for g in rep)}/{sum(g[1] for g in got)}")
        # 3. per-facet priors of the findings not built from slots
        model["priors"] = dict(model.get("priors") or {})
        model["priors"].update(facet_priors(corpora, score, model))
        print("priors (true + 1) / (reported + 2):",
              {k: v for k, v in model["priors"].items() if k != "note"})
        calibration.use_model(model)
        for held, rows in crows.items():
            print(f"-- {held}: candidates by the pooled model")
            for f, lab, name in sorted(rows, key=lambda r: -_prob(r[0], coef, b))[:40]:
                print(f"   {_prob(f, coef, b):.2f} {'TRUE ' if lab else 'false'} {name[:190]}")
        if args.write:
            CALIBRATION.write_text(json.dumps(model, indent=2, ensure_ascii=False) + "\n",
                                   encoding="utf-8")
            print(f"wrote {CALIBRATION.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
