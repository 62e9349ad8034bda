"""The one place that knows the order of the stages, and touches the disk for them.

A run is ``STAGES``, in this order, run by one loop (``run_report``) that times each and
measures its peak memory (``RunStats.timings``, ``RunStats.peak_rss_mb``):

    ingest+split  discover files -> ingest (parse, chrome out) -> split + facets
                  [cached per article] -> boilerplate an outlet repeats across its articles
    embed         claim texts -> vectors                              [cached per claim text]
    cluster       nearest neighbours [cached] -> clusters of claims stating one fact
    compare       events -> findings -> independent sources -> review decisions -> new marks
    report        report.json + index.html, and the state the next run compares with

A re-run reprocesses only new or changed articles (content hash + pipeline version) and embeds
only claim texts it has not seen with that model.
"""

from __future__ import annotations

import contextlib
import errno
import gc
import hashlib
import os
import stat
import time
import unicodedata
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import orjson

from crosscheck import PIPELINE_VERSION, __version__, independence, lang, novelty, review
from crosscheck.cluster import DEFAULT_THRESHOLD, Neighbours, cluster_claims, nearest_neighbours
from crosscheck.compare import compare
from crosscheck.embed import Embedder, SentenceTransformerEmbedder, text_key
from crosscheck.entities import person_groups
from crosscheck.events import group_events
from crosscheck.facets import annotate
from crosscheck.ingest import (
    IngestError,
    _decode_html,
    decode_text,
    drop_repeated_lines,
    parse_article,
)
from crosscheck.models import (
    Article,
    Claim,
    Cluster,
    Entity,
    Event,
    Finding,
    Removed,
    SourceInfo,
    as_plain,
)
from crosscheck.nfc import OffsetMap, nfc_with_map
from crosscheck.split import drop_claims_in, split_article
from crosscheck.store import Store, StoreBusy
from crosscheck.weights import ModelError

ARTICLE_SUFFIXES = {".txt", ".md", ".markdown", ".html", ".htm"}
REPORT_SCHEMA = "crosscheck.report/1"
MAX_BYTES = 50 * 1024 * 1024  # raw file (HTML carries much markup)
MAX_TEXT_CHARS = 2_000_000  # article text; ~20x the longest real feature, ~35 s to split

Progress = Callable[[str, int, int], None]  # (stage, done, total)
Notify = Callable[[str], None]


WARNING = "warning: "
"""A ``FileError`` whose reason starts with this is a warning: the article was kept."""


@dataclass(frozen=True)
class FileError:
    """A file that could not be read (or, with a ``warning: `` reason, an article kept with
    a problem worth knowing about)."""

    path: str
    reason: str

    @property
    def is_warning(self) -> bool:
        return self.reason.startswith(WARNING)


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


def shown_path(path: str | Path) -> str:
    """A path as text that can always be printed and stored: a name that is not valid UTF-8
    (Python keeps its bytes as lone surrogates) is shown with every non-ASCII byte as
    ``\\xNN`` (it is in some other code page: no part of it is shown as UTF-8)."""
    s = os.fspath(path)
    try:
        s.encode("utf-8")
    except UnicodeEncodeError:
        return s.encode("utf-8", "surrogateescape").decode("ascii", "backslashreplace")
    return s


def _bad_name(name: str) -> bool:
    """True when a file name is not valid UTF-8 (or holds a lone surrogate)."""
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def _real(path: str | Path) -> str:
    """The canonical path, never raising (a symlink loop stays partly unresolved)."""
    try:
        return os.path.realpath(path)
    except (OSError, ValueError, RuntimeError):
        return os.path.abspath(path)


def _inside(path: str, folders: Iterable[str]) -> bool:
    return any(path == f or path.startswith(f.rstrip(os.sep) + os.sep) for f in folders)


_NOT_UTF8_NAME = ("file name is not valid UTF-8 (a name from another system's code page, "
                  "e.g. unzipped from a Windows archive); rename it to read it")
_OUTSIDE = ("symlink to a {what} outside the folders named on the command line; not followed "
            "(name the {what} itself to include it)")


def _is_article_name(name: str) -> bool:
    p = Path(name)
    return (p.suffix.lower() in ARTICLE_SUFFIXES and not name.startswith(".")
            and p.stem.lower() != "readme")


def discover(paths: Iterable[str | Path], exclude: Iterable[str | Path] = ()
             ) -> tuple[list[Path], list[FileError]]:
    """Article files under ``paths`` (files or folders), sorted; README files are skipped.

    Folders are walked without recursion (any depth), hidden entries and the folders in
    ``exclude`` (the report's own output folder and the store) are left out. A symlink found
    inside a folder is followed only when its target is inside one of the folders named in
    ``paths``; a path named in ``paths`` itself is always followed. Symlink loops, dangling
    links and file names that are not valid UTF-8 become errors, not crashes.
    """
    named = [Path(p) for p in paths]
    roots = [_real(p) for p in named if os.path.isdir(p)]
    excluded = [(os.fspath(x), _real(x)) for x in exclude]
    skip = {r for x, r in excluded if os.path.isdir(x)} - set(roots)
    skip_dir_names = {os.path.basename(r) for r in skip}
    skip_files = {r for x, r in excluded if not os.path.isdir(x)}
    skip_names = {os.path.basename(r) for r in skip_files}
    found: list[Path] = []
    errors: list[FileError] = []

    def problem(path: Path, exc: OSError) -> str:
        if exc.errno == errno.ELOOP:
            return "symlink loop (the link leads back to itself)"
        if exc.errno == errno.ENOENT and os.path.islink(path):
            return "broken symlink (its target does not exist)"
        if exc.errno == errno.ENOENT:
            return "no such file or folder"
        return f"cannot read: {exc.strerror or exc}"

    def walk(top: Path) -> None:
        stack = [top]
        while stack:
            folder = stack.pop()
            try:
                with os.scandir(folder) as it:
                    entries = sorted(it, key=lambda e: e.name)
            except OSError as exc:
                errors.append(FileError(shown_path(folder), f"cannot read folder: "
                                                             f"{exc.strerror or exc}"))
                continue
            subfolders: list[Path] = []
            for e in entries:
                if e.name.startswith("."):
                    continue
                path = folder / e.name
                try:
                    is_dir = e.is_dir()
                except OSError:
                    is_dir = False
                if not is_dir and not _is_article_name(e.name):
                    continue
                if _bad_name(e.name):
                    errors.append(FileError(shown_path(path), _NOT_UTF8_NAME.replace(
                        "file name", "folder name" if is_dir else "file name")))
                    continue
                try:
                    link = e.is_symlink()
                except OSError:
                    link = False
                if link:
                    try:
                        target = os.path.realpath(path, strict=True)
                    except OSError as exc:
                        errors.append(FileError(shown_path(path), problem(path, exc)))
                        continue
                    if not _inside(target, roots):
                        errors.append(FileError(shown_path(path), _OUTSIDE.format(
                            what="folder" if is_dir else "file")))
                        continue
                    if is_dir:
                        continue  # inside a named folder: its files are found there
                if is_dir:
                    if e.name not in skip_dir_names or _real(path) not in skip:
                        subfolders.append(path)
                    continue
                if e.name in skip_names and _real(path) in skip_files:
                    continue  # the report's own page
                found.append(path)
            stack.extend(reversed(subfolders))

    for path in named:
        if _bad_name(str(path)):
            errors.append(FileError(shown_path(path), _NOT_UTF8_NAME))
            continue
        try:
            st = path.stat()
        except OSError as exc:
            errors.append(FileError(str(path), problem(path, exc)))
            continue
        if stat.S_ISDIR(st.st_mode):
            walk(path)
        elif stat.S_ISREG(st.st_mode):
            found.append(path)
        else:
            errors.append(FileError(str(path), "not a regular file or folder"))
    seen: set[str] = set()
    unique = []
    for f in found:
        r = _real(f)
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


def _read(path: Path, limit: int = MAX_BYTES) -> bytes:
    """The file's bytes; a FIFO, device or socket is refused (reading one could block or
    never end, like /dev/zero), and so is a file over ``limit`` bytes."""
    st = path.stat()
    if not stat.S_ISREG(st.st_mode):
        raise IngestError(str(path), "not a regular file")
    size = st.st_size
    if size > limit:
        raise IngestError(str(path), f"file too large ({size} bytes; limit {limit})")
    data = path.read_bytes()
    if len(data) > limit:  # grew since the check
        raise IngestError(str(path), f"file too large (over {limit} bytes; limit {limit})")
    return data


_OWN_REPORT = b'<meta name="generator" content="crosscheck'


def _dup_key(data: bytes) -> str | None:
    """What makes two files the same article: the decoded text without a BOM, in NFC, with
    every newline convention unified, trailing whitespace and blank lines dropped (a CRLF
    copy, a copy with a BOM or one more newline is the same article)."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = decode_text(data)
        except IngestError:
            return hashlib.sha256(data).hexdigest()
    if not unicodedata.is_normalized("NFC", text):
        text = unicodedata.normalize("NFC", text)
    lines = [line for line in (raw.rstrip() for raw in text.splitlines()) if line]
    if not lines:
        return None  # empty or blank: reported as such, not as a copy of another blank file
    return hashlib.sha256("\n".join(lines).encode("utf-8", "surrogatepass")).hexdigest()


def _parse(path: Path, data: bytes, aid: str) -> Article:
    """``ingest.parse_article``, run on the NFC form of a text that is not NFC (decomposed
    Hangul...), with every offset mapped back to the original text (see ``crosscheck.nfc``).
    HTML is normalised before extraction: its offsets are into the extracted text anyway."""
    article = parse_article(str(path), data, aid)
    if unicodedata.is_normalized("NFC", article.text):
        return article
    if article.format == "html":
        page = _decode_html(article.path, data)
        nfc_page = unicodedata.normalize("NFC", page).encode("utf-8")
        return replace(parse_article(article.path, nfc_page, aid), sha256=article.sha256)
    mapped = nfc_with_map(article.text)
    if mapped is None:  # pragma: no cover - is_normalized said otherwise
        return article
    nfc_text, m = mapped
    nfc = parse_article(article.path, nfc_text.encode("utf-8"), aid)
    meta = tuple((k, replace(v, start=None if v.start is None else m.start(v.start),
                             end=None if v.end is None else m.end(v.end)))
                 for k, v in nfc.meta)
    removed: list[Removed] = []
    for r in nfc.removed:
        a, b = m.start(r.start), m.end(r.end)
        if removed and a <= removed[-1].end:  # two spans met inside one composed character
            a = removed[-1].end
        if a < b:
            removed.append(Removed(a, b, r.reason))
    return replace(nfc, text=article.text, sha256=article.sha256, meta=meta,
                   removed=tuple(removed))


# ------------------------------------------------------------------------ claims


def claims_of(article: Article) -> list[Claim]:
    """Split an article into claims and annotate their facets.

    A text that is not NFC is analysed as NFC (the patterns, lexicons and the Korean analyser
    expect composed characters) and every claim and facet offset is mapped back to the
    original text, ``text`` and ``value`` sliced from it, so ``article.text[c.start:c.end] ==
    c.text`` holds; facets keep the ``normalized`` values computed on the NFC text."""
    mapped = nfc_with_map(article.text)
    if mapped is None:
        return annotate(article, split_article(article))
    nfc_text, m = mapped
    removed = tuple(
        Removed(a, b, r.reason) for r in article.removed
        if (a := _nfc_offset(m, r.start, nfc_text)) < (b := _nfc_offset(m, r.end, nfc_text)))
    meta = tuple((k, replace(v, start=None if v.start is None else _nfc_offset(
        m, v.start, nfc_text), end=None if v.end is None else _nfc_offset(m, v.end, nfc_text)))
        for k, v in article.meta)
    view = replace(article, text=nfc_text, removed=removed, meta=meta)
    text = article.text
    out = []
    for c in annotate(view, split_article(view)):
        start, end = m.start(c.start), m.end(c.end)
        facets = tuple(replace(f, start=(fs := m.start(f.start)), end=(fe := m.end(f.end)),
                               value=text[fs:fe]) for f in c.facets)
        out.append(replace(c, start=start, end=end, text=text[start:end],
                           sentence_start=m.start(c.sentence_start),
                           sentence_end=m.end(c.sentence_end), facets=facets))
    return out


def _nfc_offset(m: OffsetMap, orig: int, nfc_text: str) -> int:
    """The NFC offset of an original offset (the first NFC offset mapping at or past it)."""
    lo, hi = 0, len(nfc_text)
    while lo < hi:
        mid = (lo + hi) // 2
        if m.start(mid) < orig:
            lo = mid + 1
        else:
            hi = mid
    return lo


def load_corpus(
    paths: Iterable[str | Path], store: Store | None = None, stats: RunStats | None = None,
    progress: Progress | None = None, primary: str | Path | None = None,
    exclude: Iterable[str | Path] = (),
) -> Corpus:
    """Read, ingest and split every article; reuse the store's cache where it is valid.

    Two passes: the files are read and checked against the cache first, so the splitter
    knows how many articles it will analyse (a few: the lean Korean analyser; many: the
    full one, see ``Language.prepare``), then the new or changed ones are parsed and split.
    ``exclude``: folders and files never read (the report's own output, the store). Raises
    ``InputError`` when ``primary`` names no file.
    """
    primary_path = check_primary(primary)
    files, errors = discover(paths, exclude)
    ids = article_ids(files)
    slots: list[tuple[Path, str, tuple[Article, list[Claim]] | bytes]] = []
    by_hash: dict[str, str] = {}
    by_text: dict[str, str] = {}
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
        if f.suffix.lower() in (".html", ".htm") and _OWN_REPORT in data[:4096]:
            errors.append(FileError(str(f), "a report crosscheck wrote (its own output), not "
                                            "an article"))
            continue
        sha = hashlib.sha256(data).hexdigest()
        if sha in by_hash:
            errors.append(FileError(str(f), f"duplicate of article {by_hash[sha]} (same text); "
                                    "counted once"))
            continue
        key = _dup_key(data)
        if key is not None and key in by_text:
            errors.append(FileError(str(f), f"duplicate of article {by_text[key]} (same text "
                                    "but for line endings, a BOM, Unicode normalisation or "
                                    "trailing blank space); counted once"))
            continue
        aid = ids[f]
        by_hash[sha] = aid
        if key is not None:
            by_text[key] = aid
        cached = store.load_article(aid, sha) if store else None
        slots.append((f, aid, cached if cached is not None else data))
    if progress:
        progress("read", len(files), len(files))
    _prepare_analysers(sum(1 for _, _, x in slots if isinstance(x, bytes)))
    articles: list[Article] = []
    claims: dict[str, list[Claim]] = {}
    for f, aid, got in slots:
        if isinstance(got, bytes):
            try:
                article = _parse(f, got, aid)
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
            article = replace(article, primary=_real(f) == primary_path)
        warning = article.meta_dict().get("warning")
        if warning is not None:
            errors.append(FileError(str(f), WARNING + warning.value))
        articles.append(article)
        claims[aid] = cl
    if primary_path is not None and articles and not any(a.primary for a in articles):
        errors.append(FileError(shown_path(primary or ""), WARNING + "the primary article is "
                                "not among the articles read (not under the paths given, or "
                                "skipped); no article is the reference"))
    # boilerplate an outlet repeats across its articles: known only once all are read
    cleaned = drop_repeated_lines(articles)
    out_claims: list[Claim] = []
    for before, after in zip(articles, cleaned, strict=True):
        had = set(before.removed)
        extra = [r for r in after.removed if r not in had]
        out_claims.extend(drop_claims_in(claims[after.id], extra))
    return Corpus(cleaned, out_claims, errors)


def check_primary(primary: str | Path | None) -> str | None:
    """The canonical path of the primary article (None: none given); ``InputError`` when it
    names no file (missing, a symlink loop, a folder)."""
    if primary is None or str(primary) == "":
        return None
    try:
        st = os.stat(primary)
    except OSError as exc:
        why = ("a symlink loop" if exc.errno == errno.ELOOP else
               "no such file" if exc.errno == errno.ENOENT else exc.strerror or str(exc))
        raise InputError(f"primary article {shown_path(primary)}: {why}") from exc
    except ValueError as exc:  # a NUL in the path
        raise InputError(f"primary article {shown_path(primary)!r}: {exc}") from exc
    if not stat.S_ISREG(st.st_mode):
        raise InputError(f"primary article {shown_path(primary)}: not a regular file")
    return _real(primary)


# ------------------------------------------------------------------------ embedding


def embed_claims(
    claims: Sequence[Claim], embedder: Embedder, store: Store | None, stats: RunStats,
    progress: Progress | None = None, batch: int = 256,
) -> dict[str, np.ndarray]:
    """Vectors by claim id; only texts never embedded with this model are encoded."""
    cache = store.load_vectors(embedder.name) if store else {}
    keys = {c.id: text_key(c.text) for c in claims}
    # the model reads composed text: a claim of a decomposed (NFD) article is encoded in NFC
    texts = {text_key(c.text): c.text if unicodedata.is_normalized("NFC", c.text)
             else unicodedata.normalize("NFC", c.text) for c in claims}
    # by length, so that each batch holds texts of similar length (little padding): the whole
    # set sorted once, not each chunk of 256 on its own
    todo = sorted({k for k in keys.values() if k not in cache}, key=lambda k: (len(texts[k]), k))
    fresh: dict[str, np.ndarray] = {}
    embedder.expect(len(todo))  # lets the default model pick its fast-start engine
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


def make_embedder(model: str | None, notify: Notify | None = None) -> Embedder:
    """The embedder for ``--model``: ``hashing`` is the fast, model-free test embedder.
    ``notify`` is told before a model the user named is downloaded."""
    if model == "hashing":
        from crosscheck.embed import HashingEmbedder

        return HashingEmbedder()
    return SentenceTransformerEmbedder(model, notify=notify)


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


@dataclass
class _Run:
    """One run: what it was asked, and what each stage hands to the next."""

    paths: Sequence[str | Path]
    out_dir: Path
    store: Store
    embedder: Embedder
    stats: RunStats
    progress: Progress | None
    primary: str | Path | None
    threshold: float
    release_models: bool
    corpus: Corpus = field(default_factory=lambda: Corpus([], [], []))
    vectors: dict[str, np.ndarray] = field(default_factory=dict)
    matrix: np.ndarray = field(default_factory=lambda: np.zeros((0, 1), np.float32))
    neighbours: Neighbours | None = None
    clusters: list[Cluster] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)
    entities: list[Entity] = field(default_factory=list)
    sources: dict[str, SourceInfo] = field(default_factory=dict)
    reviews_doc: dict[str, Any] = field(default_factory=dict)
    findings: list[Finding] = field(default_factory=list)
    report: dict[str, Any] = field(default_factory=dict)
    html_path: Path = Path()
    json_path: Path = Path()


def _ingest_and_split(run: _Run) -> None:
    run.corpus = load_corpus(run.paths, run.store, run.stats, run.progress, run.primary,
                             exclude=own_outputs(run.out_dir, run.store.root))
    if not run.corpus.articles:
        raise NoArticles(run.corpus.errors)
    run.stats.removed_articles = run.store.forget_articles({a.id for a in run.corpus.articles})


def _release_analysers_after(run: _Run) -> None:
    if run.release_models:
        release_analysers()
        _trim_heap()


def _embed(run: _Run) -> None:
    run.vectors = embed_claims(run.corpus.claims, run.embedder, run.store, run.stats,
                               run.progress)


def _release_embedder_after(run: _Run) -> None:
    if run.release_models:
        run.embedder.release()
        gc.collect()
        _trim_heap()


def _cluster(run: _Run) -> None:
    claims, name = run.corpus.claims, run.embedder.name
    if claims:
        run.matrix = np.stack([run.vectors[c.id] for c in claims])
    run.neighbours = nearest_neighbours(claims, run.matrix,
                                        previous=run.store.load_neighbours(name))
    run.store.save_neighbours(name, run.neighbours)
    run.clusters = cluster_claims(claims, run.matrix, threshold=run.threshold,
                                  neighbours=run.neighbours)


def _compare(run: _Run) -> None:
    articles, claims = run.corpus.articles, run.corpus.claims
    run.events = group_events(articles, claims, run.clusters, person_groups(claims))
    comparison = compare(articles, claims, run.clusters, run.vectors, events=run.events)
    run.entities = comparison.entities
    run.sources = independence.sources(articles, claims)
    findings = independence.annotate(comparison.findings, run.sources, articles)
    run.reviews_doc = run.store.load_reviews()
    findings = review.apply(findings, run.reviews_doc)
    state = run.store.load_state()
    run.findings = novelty.mark(findings, state, novelty.changed_articles(articles, state),
                                claims)


def _drop_vectors_after(run: _Run) -> None:
    # the vectors are not needed from here: let them go before the report is built (at
    # 5,000 articles ~170 MB with the matrix, under the report stage's own peak)
    run.vectors, run.matrix, run.neighbours = {}, np.zeros((0, 1), np.float32), None
    _trim_heap()


def _report(run: _Run) -> None:
    from crosscheck.report import write_report

    corpus = run.corpus
    run.report = build_report(corpus.articles, corpus.claims, run.clusters, run.findings,
                              run.entities, corpus.errors, run.embedder.name, run.stats,
                              run.reviews_doc, run.events, run.sources)
    run.html_path, run.json_path = write_report(run.report, run.out_dir,
                                                fragment_cache=run.store.fragment_cache)
    run.store.save_state({
        "finding_ids": sorted(f.id for f in run.findings),
        "articles": {a.id: a.sha256 for a in corpus.articles},
        "model": run.embedder.name,
        "generated_at": run.report["generated_at"],
        **novelty.state_entry(run.findings, corpus.claims),
    })


def _nothing(run: _Run) -> None:
    """No stage-end step."""


@dataclass(frozen=True)
class Stage:
    """One step of a run. ``run`` fills its part of the ``_Run``; ``after`` lets go of what
    the later stages no longer need, once the stage has been timed and measured."""

    name: str
    run: Callable[[_Run], None]
    after: Callable[[_Run], None] = _nothing


STAGES: tuple[Stage, ...] = (
    Stage("ingest+split", _ingest_and_split, after=_release_analysers_after),
    Stage("embed", _embed, after=_release_embedder_after),
    Stage("cluster", _cluster),
    Stage("compare", _compare, after=_drop_vectors_after),
    Stage("report", _report),
)
"""The stages of a run, in order (the module docstring says what each does)."""


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
    say: Notify = notify or (lambda _m: None)
    _check_out_dir(Path(out_dir))
    store = Store(Path(store_dir), warn=lambda m: say(f"warning: {m}"))
    stats = RunStats()
    run = _Run(paths, Path(out_dir), store, embedder or make_embedder(model, say), stats,
               progress, primary, threshold, release_models)
    with _locked(store, lock_timeout, say):
        store.clean_temp_files()
        for tmp in [*Path(out_dir).glob(".report.json.*.tmp"),
                    *Path(out_dir).glob(".index.html.*.tmp")]:  # left by a killed run
            with contextlib.suppress(OSError):
                tmp.unlink()
        _stage_peak_mb()  # the stages' peaks are measured from here
        for stage in STAGES:
            t = time.perf_counter()
            stage.run(run)
            stats.timings[stage.name] = time.perf_counter() - t
            stats.peak_rss_mb[stage.name] = _stage_peak_mb()
            stage.after(run)
    return RunResult(run.report, run.html_path, run.json_path, run.findings, run.corpus.errors,
                     stats)


def _check_out_dir(out_dir: Path) -> None:
    """Fail before any work when the output folder cannot be written (``InputError``)."""
    if out_dir.exists() and not out_dir.is_dir():
        raise InputError(f"the output folder {out_dir} is a file — pass another with --out")
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
        if not os.access(out_dir, os.W_OK):
            raise PermissionError(13, "Permission denied", str(out_dir))
    except OSError as exc:
        raise InputError(f"cannot write to the output folder {out_dir}: "
                         f"{exc.strerror or exc} — pass another with --out") from exc


def own_outputs(out_dir: str | Path, store_dir: str | Path) -> list[Path]:
    """What a run writes and must never read as an article: the output folder, its page and
    the store."""
    return [Path(out_dir), Path(out_dir) / "index.html", Path(store_dir)]


def input_signature(paths: Sequence[str | Path], store_dir: str | Path = "claims",
                    out_dir: str | Path | None = None) -> tuple[tuple[str, int, int], ...]:
    """What a report depends on, cheaply: each article file's path, size and modification
    time, and the store's review decisions. A change means the report is out of date."""
    files, _ = discover(paths, own_outputs(out_dir, store_dir) if out_dir is not None
                        else [Path(store_dir)])
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
    emb = embedder or make_embedder(model, notify)
    # load and build the (lean) Korean analyser now, not when the first Korean article comes
    _warm_up_analysers()
    last: tuple[tuple[str, int, int], ...] | None = None
    runs = 0
    try:
        while max_runs is None or runs < max_runs:
            sig = input_signature(paths, store_dir, out_dir)
            if sig == last:
                sleep(interval)
                continue
            last = sig
            runs += 1
            try:
                result = run_report(paths, out_dir, store_dir, primary=primary, embedder=emb,
                                    notify=notify, threshold=threshold)
            except ModelError:
                raise  # the model named cannot be loaded: no later run would do better
            except Exception as exc:  # no readable article, store busy or unwritable, a bug:
                if on_error is not None:  # said, and watching goes on
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


def _prepare_analysers(n_articles: int) -> None:
    """Tell each language how many articles are about to be split: its analyser picks its
    model for that many (the Korean one: lean for a few, full for many)."""
    for lg in lang.all_languages():
        lg.prepare(n_articles)


def release_analysers() -> None:
    """Drop every language's heavy analyser and memos; the next split loads them again."""
    for lg in lang.loaded():
        lg.release()


def _warm_up_analysers() -> None:
    """Load the analysers now (a resident process wants them ready for the first article)."""
    for lg in lang.all_languages():
        lg.sentences_batch(["."])


class InputError(Exception):
    """A path or option that names nothing usable (the CLI exits 2)."""


class NoArticles(InputError):
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
        try:
            self._cm = self.store.lock(timeout=0)
            self._cm.__enter__()
        except StoreBusy:
            self.say(f"another crosscheck run is using {self.store.root}; waiting up to "
                     f"{self.timeout:g} s")
            self._cm = self.store.lock(timeout=self.timeout)
            self._cm.__enter__()

    def __exit__(self, *exc: object) -> None:
        self._cm.__exit__(*exc)


# ------------------------------------------------------------------------ reviews


MAX_REPORT_BYTES = 2 * 1024 ** 3  # report.json: only a guard against devices and runaways


def _read_json(path: str | Path, what: str, limit: int = MAX_BYTES) -> Any:
    """A JSON file read with the article checks (a regular file, at most ``limit`` bytes);
    ``ReviewError`` naming ``what`` when it cannot be read or parsed."""
    try:
        data = _read(Path(path), limit)
    except IngestError as exc:
        raise review.ReviewError(f"{what} {path}: {exc.reason}") from exc
    except OSError as exc:
        raise review.ReviewError(f"{what} {path}: cannot read ({exc.strerror or exc})") from exc
    return review.parse_json(data, f"{what} {path}")


def read_report(report_path: str | Path) -> dict[str, Any]:
    """A ``report.json`` as written by ``run_report``, checked enough that the review
    commands can use it; ``ReviewError`` when it is missing, cut short or something else."""
    rep = _read_json(report_path, "report", MAX_REPORT_BYTES)
    hint = " — run `crosscheck report` to write it again"
    if not isinstance(rep, dict) or rep.get("schema") != REPORT_SCHEMA:
        raise review.ReviewError(f"report {report_path}: not a {REPORT_SCHEMA} report{hint}")
    findings, articles = rep.get("findings"), rep.get("articles")
    if not isinstance(findings, list) or not isinstance(articles, list):
        findings, articles, ok = [], [], False
    else:
        ok = all(isinstance(a, dict) and isinstance(a.get("id"), str) for a in articles)
    for f in findings if ok else []:
        ok = (isinstance(f, dict) and all(isinstance(f.get(k), str) for k in (
            "id", "kind", "facet", "summary")) and isinstance(f.get("review"), dict)
            and isinstance(f["review"].get("status"), str)
            and isinstance(f["review"].get("note", ""), str)
            and isinstance(f.get("values"), list) and all(
                isinstance(v, dict) and isinstance(v.get("article_id"), str)
                and isinstance(v.get("claim_id"), str) for v in f["values"]))
        if not ok:
            break
    if not ok:
        raise review.ReviewError(f"report {report_path}: its findings or articles are not "
                                 f"what crosscheck writes (edited by hand?){hint}")
    return rep


def load_report(report_path: str | Path, store_dir: str | Path | None = None) -> dict[str, Any]:
    """A written ``report.json``, with the review decisions recorded in the store since it was
    written (``crosscheck review confirm``...) applied to its findings, so a listing shows
    the decision just made without a re-run. Raises ``ReviewError`` when the report cannot
    be read or is not a crosscheck report, or when the decisions file is damaged."""
    rep = read_report(report_path)
    if store_dir is not None and (Path(store_dir) / "reviews.json").exists():
        rep = review.apply_to_report(rep, Store(Path(store_dir)).load_reviews())
    return rep


def review_decide(store_dir: str | Path, finding_id: str, status: str, note: str | None = None,
                  report_path: str | Path | None = "reports/report.json") -> dict[str, Any]:
    """Record a decision on a finding (atomically); returns the finding's review entry.
    ``finding_id`` may be the start of an id in the report at ``report_path``."""
    if note is not None:
        review.check_text(note, "the note")
    review.check_text(finding_id, "the finding id")
    finding = None
    if report_path and Path(report_path).exists():
        finding = review.match(read_report(report_path)["findings"], finding_id)
        if finding is not None:
            finding_id = finding["id"]
    store = Store(Path(store_dir))
    with store.lock(timeout=60):
        doc = store.load_reviews()
        if finding is None and finding_id not in doc.get("reviews", {}):
            raise review.ReviewError(f"no finding {finding_id!r} in {report_path}")
        doc = review.decide(doc, finding, finding_id, status, note)
        store.save_reviews(doc)
    return {"id": finding_id, **doc["reviews"][finding_id]}


def review_import(store_dir: str | Path, file: str | Path) -> int:
    """Merge decisions exported from the HTML report; returns how many changed. The file gets
    the checks an article gets (a regular file, at most 50 MB), so a FIFO or /dev/zero is
    refused, not read for ever."""
    incoming = _read_json(file, "decisions file")
    store = Store(Path(store_dir))
    with store.lock(timeout=60):
        doc, changed = review.merge(store.load_reviews(), incoming)
        store.save_reviews(doc)
    return changed
