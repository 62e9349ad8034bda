"""The one place that knows the order of the stages, and touches the disk for them.

    discover files -> ingest (parse, chrome out) -> split + facets  [cached per article]
    -> repeated boilerplate across an outlet's articles -> embed     [cached per claim text]
    -> cluster -> compare -> independent sources -> reviews + "new" marks
    -> report.json + index.html

A re-run reprocesses only new or changed articles (content hash + pipeline version) and embeds
only claim texts it has not seen with that model.
"""

from __future__ import annotations

import contextlib
import gc
import hashlib
import os
import stat
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import orjson

from crosscheck import PIPELINE_VERSION, __version__, independence, novelty, review
from crosscheck.cluster import DEFAULT_THRESHOLD, cluster_claims, nearest_neighbours
from crosscheck.compare import compare
from crosscheck.embed import Embedder, SentenceTransformerEmbedder, text_key
from crosscheck.entities import person_groups
from crosscheck.events import group_events
from crosscheck.facets import annotate
from crosscheck.ingest import IngestError, drop_repeated_lines, parse_article
from crosscheck.models import (
    Article,
    Claim,
    Cluster,
    Entity,
    Event,
    Finding,
    SourceInfo,
    as_plain,
)
from crosscheck.split import drop_claims_in, expect_articles, release_kiwi, split_article
from crosscheck.store import Store, StoreBusy

ARTICLE_SUFFIXES = {".txt", ".md", ".markdown", ".html", ".htm"}
REPORT_SCHEMA = "crosscheck.report/1"
MAX_BYTES = 50 * 1024 * 1024  # raw file (HTML carries much markup)
MAX_TEXT_CHARS = 2_000_000  # article text; ~20x the longest real feature, ~35 s to split

Progress = Callable[[str, int, int], None]  # (stage, done, total)
Notify = Callable[[str], None]


@dataclass(frozen=True)
class FileError:
    path: str
    reason: str


@dataclass
class RunStats:
    processed: list[str] = field(default_factory=list)
    reused: list[str] = field(default_factory=list)
    removed_articles: list[str] = field(default_factory=list)
    embedded: int = 0
    reused_vectors: int = 0
    timings: dict[str, float] = field(default_factory=dict)
    peak_rss_mb: dict[str, float] = field(default_factory=dict)  # per stage (Linux), else {}


@dataclass(frozen=True)
class Corpus:
    articles: list[Article]
    claims: list[Claim]
    errors: list[FileError]


@dataclass(frozen=True)
class RunResult:
    report: dict[str, Any]
    html_path: Path
    json_path: Path
    findings: list[Finding]
    errors: list[FileError]
    stats: RunStats


# ------------------------------------------------------------------------ discovery


def discover(paths: Iterable[str | Path]) -> tuple[list[Path], list[FileError]]:
    """Article files under ``paths`` (files or folders), sorted; README files are skipped."""
    found: list[Path] = []
    errors: list[FileError] = []
    for p in paths:
        path = Path(p)
        if path.is_dir():
            for root, dirs, files in os.walk(path):
                dirs[:] = sorted(d for d in dirs if not d.startswith("."))
                for name in sorted(files):
                    f = Path(root) / name
                    if (
                        f.suffix.lower() in ARTICLE_SUFFIXES
                        and not name.startswith(".")
                        and f.stem.lower() != "readme"
                    ):
                        found.append(f)
        elif path.is_file():
            found.append(path)
        elif path.exists():
            errors.append(FileError(str(path), "not a regular file or folder"))
        else:
            errors.append(FileError(str(path), "no such file or folder"))
    seen: set[Path] = set()
    unique = []
    for f in found:
        r = f.resolve()
        if r not in seen:
            seen.add(r)
            unique.append(f)
    return unique, errors


def article_ids(files: Sequence[Path]) -> dict[Path, str]:
    """File stems, made unique: a repeated stem gets its parent folder's name, then a number."""
    ids: dict[Path, str] = {}
    taken: set[str] = set()
    for f in files:
        stem = f.stem.strip() or "article"
        cand = stem
        if cand in taken:
            cand = f"{f.parent.name}-{stem}" if f.parent.name else stem
        n = 2
        base = cand
        while cand in taken:
            cand = f"{base}-{n}"
            n += 1
        taken.add(cand)
        ids[f] = cand
    return ids


def _read(path: Path) -> bytes:
    """The file's bytes; a FIFO, device or socket is refused (reading one could block)."""
    st = path.stat()
    if not stat.S_ISREG(st.st_mode):
        raise IngestError(str(path), "not a regular file")
    size = st.st_size
    if size > MAX_BYTES:
        raise IngestError(str(path), f"file too large ({size} bytes; limit {MAX_BYTES})")
    return path.read_bytes()


# ------------------------------------------------------------------------ claims


def claims_of(article: Article) -> list[Claim]:
    """Split an article into claims and annotate their facets."""
    return annotate(article, split_article(article))


def load_corpus(
    paths: Iterable[str | Path], store: Store | None = None, stats: RunStats | None = None,
    progress: Progress | None = None, primary: str | Path | None = None,
) -> Corpus:
    """Read, ingest and split every article; reuse the store's cache where it is valid.

    Two passes: the files are read and checked against the cache first, so the splitter
    knows how many articles it will analyse (a few: the lean Korean analyser; many: the
    full one, see ``split.expect``), then the new or changed ones are parsed and split.
    """
    files, errors = discover(paths)
    ids = article_ids(files)
    primary_path = Path(primary).resolve() if primary else None
    slots: list[tuple[Path, str, tuple[Article, list[Claim]] | bytes]] = []
    by_hash: dict[str, str] = {}
    for n, f in enumerate(files):
        if progress:
            progress("read", n, len(files))
        try:
            data = _read(f)
        except IngestError as exc:
            errors.append(FileError(str(f), exc.reason))
            continue
        except OSError as exc:
            errors.append(FileError(str(f), f"cannot read: {exc.strerror or exc}"))
            continue
        sha = hashlib.sha256(data).hexdigest()
        if sha in by_hash:
            errors.append(FileError(str(f), f"duplicate of article {by_hash[sha]} (same text); "
                                    "counted once"))
            continue
        aid = ids[f]
        by_hash[sha] = aid
        cached = store.load_article(aid, sha) if store else None
        slots.append((f, aid, cached if cached is not None else data))
    if progress:
        progress("read", len(files), len(files))
    expect_articles(sum(1 for _, _, x in slots if isinstance(x, bytes)))
    articles: list[Article] = []
    claims: dict[str, list[Claim]] = {}
    for f, aid, got in slots:
        if isinstance(got, bytes):
            try:
                article = parse_article(str(f), got, aid)
                if len(article.text) > MAX_TEXT_CHARS:
                    raise IngestError(str(f), f"article text too long ({len(article.text):,} "
                                      f"characters; limit {MAX_TEXT_CHARS:,}) — split the file")
                cl = claims_of(article)
            except IngestError as exc:
                errors.append(FileError(str(f), exc.reason))
                continue
            except Exception as exc:  # a bug must not cost the other articles their run
                errors.append(FileError(str(f), f"internal error: {type(exc).__name__}: {exc}"))
                continue
            if store:
                store.save_article(article, cl)
            if stats:
                stats.processed.append(aid)
        else:
            article, cl = got
            if str(f) != article.path:
                article = replace(article, path=str(f))
            if stats:
                stats.reused.append(aid)
        if primary_path is not None:
            article = replace(article, primary=f.resolve() == primary_path)
        articles.append(article)
        claims[aid] = cl
    # boilerplate an outlet repeats across its articles: known only once all are read
    cleaned = drop_repeated_lines(articles)
    out_claims: list[Claim] = []
    for before, after in zip(articles, cleaned, strict=True):
        had = set(before.removed)
        extra = [r for r in after.removed if r not in had]
        out_claims.extend(drop_claims_in(claims[after.id], extra))
    return Corpus(cleaned, out_claims, errors)


# ------------------------------------------------------------------------ embedding


def embed_claims(
    claims: Sequence[Claim], embedder: Embedder, store: Store | None, stats: RunStats,
    progress: Progress | None = None, batch: int = 256,
) -> dict[str, np.ndarray]:
    """Vectors by claim id; only texts never embedded with this model are encoded."""
    cache = store.load_vectors(embedder.name) if store else {}
    keys = {c.id: text_key(c.text) for c in claims}
    texts = {text_key(c.text): c.text for c in claims}
    # by length, so that each batch holds texts of similar length (little padding): the whole
    # set sorted once, not each chunk of 256 on its own
    todo = sorted({k for k in keys.values() if k not in cache}, key=lambda k: (len(texts[k]), k))
    fresh: dict[str, np.ndarray] = {}
    expect = getattr(embedder, "expect", None)
    if expect is not None:  # lets the default model pick its fast-start engine for small jobs
        expect(len(todo))
    for i in range(0, len(todo), batch):
        if progress:
            progress("embed", i, len(todo))
        chunk = todo[i : i + batch]
        vecs = embedder.encode([texts[k] for k in chunk])
        fresh.update(zip(chunk, vecs, strict=True))
    if progress:
        progress("embed", len(todo), len(todo))
    if store and fresh:
        store.save_vectors(embedder.name, fresh)
    stats.embedded += len(todo)
    stats.reused_vectors += len(set(keys.values()) - set(todo))
    cache.update(fresh)
    return {cid: cache[k] for cid, k in keys.items()}


def make_embedder(model: str | None) -> Embedder:
    """The embedder for ``--model``: ``hashing`` is the fast, model-free test embedder."""
    if model == "hashing":
        from crosscheck.embed import HashingEmbedder

        return HashingEmbedder()
    return SentenceTransformerEmbedder(model)


# ------------------------------------------------------------------------ report dict


def build_report(
    articles: Sequence[Article], claims: Sequence[Claim], clusters: Sequence[Cluster],
    findings: Sequence[Finding], entities: Sequence[Entity], errors: Sequence[FileError],
    model: str, stats: RunStats, reviews_doc: dict[str, Any] | None = None,
    events: Sequence[Event] = (),
    sources: Mapping[str, SourceInfo] | None = None,
) -> dict[str, Any]:
    """The JSON twin of the report (schema ``crosscheck.report/1``)."""
    n_claims: dict[str, int] = {}
    for c in claims:
        n_claims[c.article_id] = n_claims.get(c.article_id, 0) + 1
    history = (reviews_doc or {}).get("reviews", {})
    # orjson turns the frozen dataclasses into plain JSON values ~10x faster than asdict
    fdicts = orjson.loads(orjson.dumps(list(findings)))
    for f, d in zip(findings, fdicts, strict=True):
        d["review"]["history"] = history.get(f.id, {}).get("history", [])
    kinds = {k: sum(1 for f in findings if f.kind == k) for k in ("agree", "add_detail", "diverge")}
    return {
        "schema": REPORT_SCHEMA,
        "generated_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "model": model,
        "crosscheck_version": __version__,
        "pipeline_version": PIPELINE_VERSION,
        "summary": {
            "n_articles": len(articles),
            "n_claims": len(claims),
            "n_clusters": len(clusters),
            "findings": kinds,
            "new_findings": sum(1 for f in findings if f.new),
            "likely_divergences": sum(1 for f in findings
                                      if f.kind == "diverge" and f.tier == "likely"),
            "possible_divergences": sum(1 for f in findings
                                        if f.kind == "diverge" and f.tier == "possible"),
            "events": len(events),
            "changed_findings": sum(1 for f in findings if f.change == "changed"),
            "processed_articles": len(stats.processed),
            "reused_articles": len(stats.reused),
            "embedded_claims": stats.embedded,
            "reused_vectors": stats.reused_vectors,
            "errors": len(errors),
        },
        "articles": [
            {
                "id": a.id, "path": a.path, "outlet": a.outlet, "title": a.title,
                "published": a.published, "language": a.language, "primary": a.primary,
                "sha256": a.sha256, "n_claims": n_claims.get(a.id, 0), "format": a.format,
                "byline": a.byline, "url": a.url,
                "copies_of": (sources or {}).get(a.id, SourceInfo()).copies_of,
                "wire": (sources or {}).get(a.id, SourceInfo()).wire,
                "meta": {k: {"value": v.value, "source": v.source} for k, v in a.meta},
                "text": a.text,
            }
            for a in articles
        ],
        "claims": orjson.loads(orjson.dumps(list(claims))),
        "clusters": orjson.loads(orjson.dumps(list(clusters))),
        "events": [
            {"id": e.id, "label": e.label, "article_ids": list(e.article_ids),
             "dates": list(e.dates),
             "n_findings": sum(1 for f in findings if f.event_id == e.id)}
            for e in events
        ],
        "findings": fdicts,
        "entities": orjson.loads(orjson.dumps(list(entities))),
        "removed": [
            {"article_id": a.id, "start": r.start, "end": r.end, "reason": r.reason}
            for a in articles for r in a.removed
        ],
        "errors": [as_plain(e) for e in errors],
    }


# ------------------------------------------------------------------------ the run


def run_report(
    paths: Sequence[str | Path], out_dir: str | Path = "reports", store_dir: str | Path = "claims",
    model: str | None = None, primary: str | Path | None = None, embedder: Embedder | None = None,
    progress: Progress | None = None, notify: Notify | None = None,
    lock_timeout: float = 600.0, threshold: float = DEFAULT_THRESHOLD,
    release_models: bool = False,
) -> RunResult:
    """Build ``out_dir/index.html`` and ``out_dir/report.json`` for the articles in ``paths``.

    ``release_models`` drops the Korean analyser once the articles are split and the
    embedding model once the claims are embedded, lowering the peak memory of the later
    stages by ~1 GB; a one-shot process (the CLI) wants that, a caller running reports in a
    loop with one embedder does not (it would reload them every run).
    """
    from crosscheck.report import write_report

    say: Notify = notify or (lambda _m: None)
    store = Store(Path(store_dir), warn=lambda m: say(f"warning: {m}"))
    stats = RunStats()
    emb = embedder or make_embedder(model)
    with _locked(store, lock_timeout, say):
        store.clean_temp_files()
        for tmp in [*Path(out_dir).glob(".report.json.*.tmp"),
                    *Path(out_dir).glob(".index.html.*.tmp")]:  # left by a killed run
            with contextlib.suppress(OSError):
                tmp.unlink()
        _stage_peak_mb()  # the stages' peaks are measured from here
        t = time.perf_counter()
        corpus = load_corpus(paths, store, stats, progress, primary)
        stats.timings["ingest+split"] = time.perf_counter() - t
        stats.peak_rss_mb["ingest+split"] = _stage_peak_mb()
        if release_models:
            release_kiwi()
            _trim_heap()
        if not corpus.articles:
            raise NoArticles(corpus.errors)
        stats.removed_articles = store.forget_articles({a.id for a in corpus.articles})
        t = time.perf_counter()
        vectors = embed_claims(corpus.claims, emb, store, stats, progress)
        stats.timings["embed"] = time.perf_counter() - t
        stats.peak_rss_mb["embed"] = _stage_peak_mb()
        release = getattr(emb, "release", None)
        if release_models and release is not None:
            release()
            gc.collect()
            _trim_heap()
        t = time.perf_counter()
        matrix = (np.stack([vectors[c.id] for c in corpus.claims]) if corpus.claims
                  else np.zeros((0, 1), np.float32))
        neighbours = nearest_neighbours(corpus.claims, matrix,
                                        previous=store.load_neighbours(emb.name))
        store.save_neighbours(emb.name, neighbours)
        clusters = cluster_claims(corpus.claims, matrix, threshold=threshold,
                                  neighbours=neighbours)
        stats.timings["cluster"] = time.perf_counter() - t
        stats.peak_rss_mb["cluster"] = _stage_peak_mb()
        t = time.perf_counter()
        events = group_events(corpus.articles, corpus.claims, clusters,
                              person_groups(corpus.claims))
        comparison = compare(corpus.articles, corpus.claims, clusters, vectors, events=events)
        sources = independence.sources(corpus.articles, corpus.claims)
        findings = independence.annotate(comparison.findings, sources, corpus.articles)
        reviews_doc = store.load_reviews()
        findings = review.apply(findings, reviews_doc)
        state = store.load_state()
        findings = novelty.mark(findings, state, novelty.changed_articles(corpus.articles, state),
                                corpus.claims)
        stats.timings["compare"] = time.perf_counter() - t
        stats.peak_rss_mb["compare"] = _stage_peak_mb()
        # the vectors are not needed from here: let them go before the report is built (at
        # 5,000 articles ~170 MB with the matrix, under the report stage's own peak)
        del vectors, matrix, neighbours
        _trim_heap()
        t = time.perf_counter()
        report = build_report(corpus.articles, corpus.claims, clusters, findings,
                              comparison.entities, corpus.errors, emb.name, stats, reviews_doc,
                              events, sources)
        html_path, json_path = write_report(report, Path(out_dir),
                                            fragment_cache=store.fragment_cache)
        store.save_state({
            "finding_ids": sorted(f.id for f in findings),
            "articles": {a.id: a.sha256 for a in corpus.articles},
            "model": emb.name,
            "generated_at": report["generated_at"],
            **novelty.state_entry(findings, corpus.claims),
        })
        stats.timings["report"] = time.perf_counter() - t
        stats.peak_rss_mb["report"] = _stage_peak_mb()
    return RunResult(report, html_path, json_path, findings, corpus.errors, stats)


def input_signature(paths: Sequence[str | Path], store_dir: str | Path = "claims"
                    ) -> tuple[tuple[str, int, int], ...]:
    """What a report depends on, cheaply: each article file's path, size and modification
    time, and the store's review decisions. A change means the report is out of date."""
    files, _ = discover(paths)
    sig = []
    for f in [*files, Path(store_dir) / "reviews.json"]:
        try:
            st = f.stat()
        except OSError:
            continue
        sig.append((str(f), st.st_size, st.st_mtime_ns))
    return tuple(sig)


def watch(
    paths: Sequence[str | Path], out_dir: str | Path = "reports",
    store_dir: str | Path = "claims", model: str | None = None,
    primary: str | Path | None = None, interval: float = 10.0,
    on_result: Callable[[RunResult], None] | None = None,
    on_error: Callable[[Exception], None] | None = None, notify: Notify | None = None,
    max_runs: int | None = None, sleep: Callable[[float], None] = time.sleep,
    threshold: float = DEFAULT_THRESHOLD, embedder: Embedder | None = None,
) -> int:
    """Rebuild the report whenever an article (or a review decision) changes, checking every
    ``interval`` seconds; returns the number of reports built (after ``max_runs``, or when
    interrupted).

    The process stays resident: the embedding model, the Korean analyser and the imports are
    loaded once, so a run after one new article costs only that article and the corpus-wide
    steps (cluster, compare, report), not the ~2 s of loads a fresh ``crosscheck report``
    pays. A run that fails (no readable article, store busy) is reported to ``on_error``
    and watching goes on.
    """
    from crosscheck import split

    emb = embedder or make_embedder(model)
    # load and build the (lean) Korean analyser now, not when the first Korean article comes
    split.warm_up()
    last: tuple[tuple[str, int, int], ...] | None = None
    runs = 0
    try:
        while max_runs is None or runs < max_runs:
            sig = input_signature(paths, store_dir)
            if sig == last:
                sleep(interval)
                continue
            last = sig
            runs += 1
            try:
                result = run_report(paths, out_dir, store_dir, primary=primary, embedder=emb,
                                    notify=notify, threshold=threshold)
            except (NoArticles, StoreBusy, review.ReviewError, OSError) as exc:
                if on_error is not None:
                    on_error(exc)
                continue
            if on_result is not None:
                on_result(result)
    except KeyboardInterrupt:
        pass
    return runs


def _stage_peak_mb() -> float:
    """The process's peak resident memory since the previous call, in MB (Linux: VmHWM,
    reset by writing 5 to /proc/self/clear_refs); 0 where that cannot be read."""
    peak = 0.0
    with contextlib.suppress(OSError, ValueError, IndexError):
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                peak = int(line.split()[1]) / 1024
        Path("/proc/self/clear_refs").write_text("5")
    return peak


def _trim_heap() -> None:
    """Hand freed heap memory back to the system (glibc keeps it otherwise), so that what a
    released model occupied is not counted again in the later stages' peak."""
    with contextlib.suppress(Exception):
        import ctypes

        ctypes.CDLL("libc.so.6").malloc_trim(0)


class NoArticles(Exception):
    """No readable article was found."""

    def __init__(self, errors: Sequence[FileError]) -> None:
        self.errors = list(errors)
        detail = "; ".join(f"{e.path}: {e.reason}" for e in errors[:5])
        super().__init__("no readable article" + (f" ({detail})" if detail else ""))


class _locked:
    """Hold the store lock; say so when waiting for another run."""

    def __init__(self, store: Store, timeout: float, say: Notify) -> None:
        self.store, self.timeout, self.say = store, timeout, say
        self._cm: Any = None

    def __enter__(self) -> None:
        from crosscheck.store import StoreBusy

        try:
            self._cm = self.store.lock(timeout=0)
            self._cm.__enter__()
        except StoreBusy:
            self.say(f"another crosscheck run is using {self.store.root}; waiting up to "
                     f"{self.timeout:.0f} s")
            self._cm = self.store.lock(timeout=self.timeout)
            self._cm.__enter__()

    def __exit__(self, *exc: object) -> None:
        self._cm.__exit__(*exc)


# ------------------------------------------------------------------------ reviews


def load_report(report_path: str | Path, store_dir: str | Path | None = None) -> dict[str, Any]:
    """A written ``report.json``, with the review decisions recorded in the store since it was
    written (``crosscheck review confirm``...) applied to its findings, so a listing shows
    the decision just made without a re-run. Raises OSError / ValueError when the report
    cannot be read, ``ReviewError`` when the decisions file is damaged."""
    import json

    rep = dict(json.loads(Path(report_path).read_text(encoding="utf-8")))
    if store_dir is not None and (Path(store_dir) / "reviews.json").exists():
        reviews = Store(Path(store_dir)).load_reviews().get("reviews", {})
        for f in rep.get("findings", []):
            r = reviews.get(f.get("id"))
            if r:
                f["review"] = {**(f.get("review") or {}), "status": r["status"],
                               "note": r.get("note", ""), "history": r.get("history", [])}
    return rep


def review_decide(store_dir: str | Path, finding_id: str, status: str, note: str | None = None,
                  report_path: str | Path | None = "reports/report.json") -> dict[str, Any]:
    """Record a decision on a finding (atomically); returns the finding's review entry."""
    import json

    store = Store(Path(store_dir))
    finding = None
    matches: list[str] = []
    if report_path and Path(report_path).exists():
        rep = json.loads(Path(report_path).read_text(encoding="utf-8"))
        fs = {f["id"]: f for f in rep.get("findings", [])}
        matches = [k for k in fs if k.startswith(finding_id)]
        if len(matches) == 1:
            finding_id = matches[0]
            finding = fs[finding_id]
        elif len(matches) > 1:
            raise review.ReviewError(f"{finding_id!r} matches {len(matches)} findings; "
                                     "give more of the id")
    with store.lock(timeout=60):
        doc = store.load_reviews()
        if finding is None and finding_id not in doc.get("reviews", {}):
            raise review.ReviewError(f"no finding {finding_id!r} in {report_path}")
        doc = review.decide(doc, finding, finding_id, status, note)
        store.save_reviews(doc)
    return {"id": finding_id, **doc["reviews"][finding_id]}


def review_import(store_dir: str | Path, file: str | Path) -> int:
    """Merge decisions exported from the HTML report; returns how many changed."""
    import json

    try:
        incoming = json.loads(Path(file).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise review.ReviewError(f"{file}: cannot read ({exc})") from exc
    store = Store(Path(store_dir))
    with store.lock(timeout=60):
        doc, changed = review.merge(store.load_reviews(), incoming)
        store.save_reviews(doc)
    return changed

