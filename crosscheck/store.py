"""The claim store in ``claims/``: everything a re-run can reuse, written atomically.

Layout::

    claims/
      .lock                      one run at a time (filelock; a killed run's lock is released
                                 by the OS, so a stale lock never blocks)
      articles/<id>.json         an article's text, metadata and claims, valid while its
                                 sha256 and the pipeline version match
      vectors/<model>/<shard>.npz  claim vectors keyed by claim-text hash, one shard per run;
                                 each shard carries a checksum
      state.json                 the previous run: its finding ids (to mark findings ``new``)
      report-fragments.json      the last page's article sections, by a hash of what each
                                 shows (unchanged articles are not rendered again)
      reviews.json               review decisions (see review.py)

A cache entry that cannot be read, has another schema or a wrong checksum is moved aside to
``claims/corrupt/`` with a warning and rebuilt. Nothing here is ever silently dropped.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import os
import re
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import asdict, fields
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import numpy as np
import orjson

from crosscheck import PIPELINE_VERSION
from crosscheck.atomic import atomic_write_bytes, atomic_write_json
from crosscheck.models import Article, Claim, Facet, MetaValue, Removed

if TYPE_CHECKING:
    from crosscheck.cluster import Neighbours

ARTICLE_SCHEMA = "crosscheck.article/2"
_OLD_ARTICLE_SCHEMAS = {"crosscheck.article/1"}  # a stale entry: rebuilt, not set aside
STATE_SCHEMA = "crosscheck.state/1"
Warn = Callable[[str], None]


class StoreBusy(Exception):
    """Another run holds the store's lock."""


class StoreError(Exception):
    """The store folder cannot be used (a file stands there, no permission, read-only)."""


def _article_checksum(article: Any, claims: Any) -> str:
    """The checksum of a cached article: sha256 of its canonical JSON (sorted keys)."""
    body = orjson.dumps(article, option=orjson.OPT_SORT_KEYS) + orjson.dumps(
        claims, option=orjson.OPT_SORT_KEYS)
    return hashlib.sha256(body).hexdigest()


def _safe_name(s: str) -> str:
    return re.sub(r"[^\w.\-]+", "_", s)[:120] or "_"


def _article_stem(article_id: str) -> str:
    """The cache file stem of an article id: the id itself when it is a safe file name, else
    its safe form plus a hash of the id, so "a b" and "a_b" never share a cache file."""
    safe = _safe_name(article_id)
    if safe == article_id and not safe.startswith("."):
        return safe
    return f"{safe}-{hashlib.sha256(article_id.encode()).hexdigest()[:8]}"


class Store:
    """A claim store rooted at ``root`` (normally ``claims/``)."""

    def __init__(self, root: Path, warn: Warn | None = None) -> None:
        self.root = Path(root)
        self.warn: Warn = warn or (lambda _msg: None)

    @property
    def fragment_cache(self) -> Path:
        """Where the report writer keeps the last page's article sections."""
        return self.root / "report-fragments.json"

    # ---------------------------------------------------------------- locking

    @contextlib.contextmanager
    def lock(self, timeout: float = -1) -> Iterator[None]:
        """Hold the store's lock; ``timeout`` seconds to wait (-1: wait for ever)."""
        from filelock import FileLock, Timeout

        if self.root.exists() and not self.root.is_dir():
            raise StoreError(f"the store {self.root} is a file, not a folder — pass another "
                             "folder with --store")
        try:
            self.root.mkdir(parents=True, exist_ok=True)
            if not os.access(self.root, os.W_OK):
                raise PermissionError(13, "Permission denied", str(self.root))
            lk = FileLock(str(self.root / ".lock"))
            lk.acquire(timeout=timeout)
        except Timeout as exc:
            raise StoreBusy(
                f"another crosscheck run is using {self.root} (lock {self.root / '.lock'})"
            ) from exc
        except OSError as exc:
            raise StoreError(f"cannot use the store folder {self.root}: "
                             f"{exc.strerror or exc} — pass a writable folder with --store"
                             ) from exc
        try:
            yield
        finally:
            lk.release()

    # ---------------------------------------------------------------- quarantine

    def set_aside(self, path: Path, why: str) -> None:
        dest = self.root / "corrupt" / f"{int(time.time())}-{path.name}"
        dest.parent.mkdir(parents=True, exist_ok=True)
        with contextlib.suppress(OSError):
            os.replace(path, dest)
        self.warn(f"cache entry {path} {why}; moved to {dest} and rebuilt")

    def clean_temp_files(self) -> None:
        """Remove temp files left by a killed run (never a finished file)."""
        for p in self.root.rglob(".*.tmp"):
            with contextlib.suppress(OSError):
                p.unlink()

    # ---------------------------------------------------------------- articles

    def _article_path(self, article_id: str) -> Path:
        return self.root / "articles" / f"{_article_stem(article_id)}.json"

    def load_article(self, article_id: str, sha256: str) -> tuple[Article, list[Claim]] | None:
        """The cached article and claims, if cached for this content and pipeline version."""
        path = self._article_path(article_id)
        if not path.exists():
            return None
        try:
            doc = orjson.loads(path.read_bytes())
            if not isinstance(doc, dict):
                raise ValueError(f"a JSON {type(doc).__name__}, not an object")
            if doc.get("schema") in _OLD_ARTICLE_SCHEMAS:
                return None  # written by an older crosscheck: redone, then overwritten
            if doc.get("schema") != ARTICLE_SCHEMA:
                raise ValueError(f"schema {doc.get('schema')!r}")
            if _article_checksum(doc["article"], doc["claims"]) != doc.get("checksum"):
                raise ValueError("checksum mismatch")
            if (doc["article"]["sha256"] != sha256 or doc.get("pipeline") != PIPELINE_VERSION
                    or doc["article"]["id"] != article_id):
                return None
            article = article_from_dict(doc["article"])
            claims = [claim_from_dict(c) for c in doc["claims"]]
            sliced = all(article.text[c.start : c.end] == c.text for c in claims)
        except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
            self.set_aside(path, f"is unreadable ({exc})")
            return None
        if not sliced:
            self.set_aside(path, "has claims that do not slice from the text")
            return None
        return article, claims

    def save_article(self, article: Article, claims: list[Claim]) -> None:
        a = article_to_dict(article)
        cs = [claim_to_dict(c) for c in claims]
        doc = {
            "schema": ARTICLE_SCHEMA,
            "pipeline": PIPELINE_VERSION,
            "checksum": _article_checksum(a, cs),
            "article": a,
            "claims": cs,
        }
        atomic_write_bytes(self._article_path(article.id),
                           orjson.dumps(doc, option=orjson.OPT_APPEND_NEWLINE), durable=False)

    def forget_articles(self, keep: set[str]) -> list[str]:
        """Delete cached articles not in ``keep`` (removed from the corpus); their ids."""
        gone = []
        folder = self.root / "articles"
        if folder.exists():
            keep_names = {_article_stem(k) for k in keep}
            for p in folder.glob("*.json"):
                if p.stem not in keep_names:
                    gone.append(p.stem)
                    with contextlib.suppress(OSError):
                        p.unlink()
        return gone

    # ---------------------------------------------------------------- vectors

    def _vector_dir(self, model: str) -> Path:
        return self.root / "vectors" / _safe_name(model)

    def load_vectors(self, model: str) -> dict[str, np.ndarray]:
        """All cached vectors of ``model``, by claim-text key."""
        out: dict[str, np.ndarray] = {}
        folder = self._vector_dir(model)
        if not folder.exists():
            return out
        for p in sorted(folder.glob("*.npz")):
            try:
                with np.load(p, allow_pickle=False) as z:
                    keys = [str(k) for k in z["keys"]]
                    mat = np.asarray(z["vectors"], dtype=np.float32)
                    check = str(z["checksum"])
                if hashlib.sha256(mat.tobytes() + "\n".join(keys).encode()).hexdigest() != check:
                    raise ValueError("checksum mismatch")
                if mat.ndim != 2 or mat.shape[0] != len(keys):
                    raise ValueError("shape mismatch")
            except Exception as exc:  # any unreadable shard is set aside, never fatal
                self.set_aside(p, f"is unreadable ({type(exc).__name__}: {exc})")
                continue
            out.update(zip(keys, mat, strict=True))
        return out

    def save_vectors(self, model: str, vectors: Mapping[str, np.ndarray]) -> None:
        """Add a shard of new vectors; compacts the folder when shards pile up."""
        if not vectors:
            return
        folder = self._vector_dir(model)
        keys = sorted(vectors)
        mat = np.stack([np.asarray(vectors[k], dtype=np.float32) for k in keys])
        self._write_shard(folder, keys, mat)
        shards = sorted(folder.glob("*.npz"))
        if len(shards) > 16:
            everything = self.load_vectors(model)
            ks = sorted(everything)
            self._write_shard(folder, ks, np.stack([everything[k] for k in ks]), prefix="all-")
            newest = max(folder.glob("all-*.npz"), key=lambda p: p.stat().st_mtime)
            for p in shards:
                if p != newest:
                    with contextlib.suppress(OSError):
                        p.unlink()

    def _write_shard(
        self, folder: Path, keys: list[str], mat: np.ndarray, prefix: str = ""
    ) -> None:
        check = hashlib.sha256(mat.tobytes() + "\n".join(keys).encode()).hexdigest()
        buf = io.BytesIO()
        np.savez(buf, keys=np.array(keys), vectors=mat, checksum=np.array(check))
        atomic_write_bytes(folder / f"{prefix}{check[:16]}.npz", buf.getvalue(), durable=False)

    # ---------------------------------------------------------------- neighbours

    def _neighbours_path(self, model: str) -> Path:
        return self._vector_dir(model).parent / f"{_safe_name(model)}.neighbours.npz"

    def load_neighbours(self, model: str) -> Neighbours | None:
        """The last run's nearest-neighbour lists for ``model`` (None if absent or unreadable)."""
        from crosscheck.cluster import Neighbours

        path = self._neighbours_path(model)
        if not path.exists():
            return None
        try:
            with np.load(path, allow_pickle=False) as z:
                ids = tuple(str(i) for i in z["ids"])
                rows = np.asarray(z["rows"], dtype=np.int64)
                scores = np.asarray(z["scores"], dtype=np.float32)
                k = int(z["k"])
                check = str(z["checksum"])
            if _neighbours_checksum(ids, k, rows, scores) != check:
                raise ValueError("checksum mismatch")
            if rows.shape != scores.shape or rows.shape[:1] != (len(ids),):
                raise ValueError("shape mismatch")
        except Exception as exc:  # a damaged cache costs a full search, nothing more
            self.set_aside(path, f"is unreadable ({type(exc).__name__}: {exc})")
            return None
        return Neighbours(ids, k, rows, scores)

    def save_neighbours(self, model: str, nb: Neighbours) -> None:
        """Keep this run's neighbour lists, so that the next run only searches new claims."""
        buf = io.BytesIO()
        np.savez(buf, ids=np.array(nb.ids, dtype=str), rows=nb.rows, scores=nb.scores,
                 k=np.array(nb.k), checksum=np.array(_neighbours_checksum(
                     nb.ids, nb.k, nb.rows, nb.scores)))
        path = self._neighbours_path(model)
        path.parent.mkdir(parents=True, exist_ok=True)
        atomic_write_bytes(path, buf.getvalue(), durable=False)

    # ---------------------------------------------------------------- state

    def load_state(self) -> dict[str, Any]:
        path = self.root / "state.json"
        if not path.exists():
            return {}
        try:
            doc = json.loads(path.read_text(encoding="utf-8"))
            if not isinstance(doc, dict) or doc.get("schema") != STATE_SCHEMA:
                raise ValueError("not a crosscheck state file")
            return dict(doc)
        except (OSError, ValueError) as exc:
            self.set_aside(path, f"is unreadable ({exc})")
            return {}

    def save_state(self, state: Mapping[str, Any]) -> None:
        atomic_write_json(self.root / "state.json", {"schema": STATE_SCHEMA, **state})


    # ---------------------------------------------------------------- reviews

    @property
    def reviews_path(self) -> Path:
        return self.root / "reviews.json"

    def load_reviews(self) -> dict[str, Any]:
        """The review decisions on file. A damaged file is an error, never silently replaced."""
        from crosscheck import review

        path = self.reviews_path
        if not path.exists():
            return review.empty()
        try:
            doc = json.loads(path.read_text(encoding="utf-8"))
            return review.validate(doc)
        except RecursionError as exc:
            raise review.ReviewError(
                f"{path} cannot be read (JSON nested too deeply); it was left untouched — fix "
                f"it or restore {path.with_suffix('.json.bak')}") from exc
        except (OSError, ValueError, review.ReviewError) as exc:
            raise review.ReviewError(
                f"{path} cannot be read ({exc}); it was left untouched — fix it or restore "
                f"{path.with_suffix('.json.bak')}"
            ) from exc

    def save_reviews(self, doc: Mapping[str, Any]) -> None:
        """Write the decisions atomically, keeping the previous version as reviews.json.bak."""
        path = self.reviews_path
        if path.exists():
            atomic_write_bytes(path.with_suffix(".json.bak"), path.read_bytes())
        atomic_write_json(path, doc)


# -------------------------------------------------------------------- (de)serialisation


def _neighbours_checksum(
    ids: tuple[str, ...], k: int, rows: np.ndarray, scores: np.ndarray
) -> str:
    h = hashlib.sha256("\n".join(ids).encode())
    h.update(f"{k}|{rows.shape}".encode())
    h.update(np.ascontiguousarray(rows, dtype=np.int64).tobytes())
    h.update(np.ascontiguousarray(scores, dtype=np.float32).tobytes())
    return h.hexdigest()


def article_to_dict(a: Article) -> dict[str, Any]:
    d = asdict(a)
    d["meta"] = {k: asdict(v) for k, v in a.meta}
    d["removed"] = [asdict(r) for r in a.removed]
    return d


def article_from_dict(d: Mapping[str, Any]) -> Article:
    fields = dict(d)
    fields["meta"] = tuple((k, MetaValue(**v)) for k, v in d.get("meta", {}).items())
    fields["removed"] = tuple(Removed(**r) for r in d.get("removed", []))
    return Article(**fields)


_CLAIM_FIELDS = tuple(f.name for f in fields(Claim))
_FACET_FIELDS = tuple(f.name for f in fields(Facet))


def claim_to_dict(c: Claim) -> dict[str, Any]:
    """``dataclasses.asdict(c)`` (facets a tuple of dicts), without its generic deep copy."""
    d = {name: getattr(c, name) for name in _CLAIM_FIELDS}
    d["facets"] = tuple({name: getattr(f, name) for name in _FACET_FIELDS} for f in c.facets)
    return d


T = TypeVar("T")
_CLAIM_KEYS = frozenset(_CLAIM_FIELDS)
_FACET_KEYS = frozenset(_FACET_FIELDS)


def _filled(cls: type[T], keys: frozenset[str], d: Mapping[str, Any]) -> T:
    """``cls(**d)`` for a frozen dataclass: a dict with exactly its fields fills the instance
    directly (what unpickling does; 2x faster than ``__init__`` for the 11k claims of a
    1,000-article re-run); anything else goes through ``__init__``, which says what is wrong."""
    if d.keys() != keys:
        return cls(**d)
    obj = object.__new__(cls)
    obj.__dict__.update(d)
    return obj


def claim_from_dict(d: Mapping[str, Any]) -> Claim:
    """The claim a ``claim_to_dict`` dict describes."""
    fields = dict(d)
    fields["facets"] = tuple(_filled(Facet, _FACET_KEYS, f) for f in d.get("facets", []))
    return _filled(Claim, _CLAIM_KEYS, fields)
