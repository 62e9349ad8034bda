"""The small frozen records every stage passes along.

ingest -> Article (+ removed spans)   split -> Claim   facets -> Facet
embed -> vectors   cluster -> Cluster   compare -> Finding

All offsets are Python ``str`` offsets into ``Article.text``.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field, fields, is_dataclass
from typing import Any, Literal

FindingKind = Literal["agree", "add_detail", "diverge"]
ReviewStatus = Literal["open", "confirmed", "dismissed"]
FindingChange = Literal["new", "changed"]


def content_id(*parts: object, size: int = 12) -> str:
    """A short, stable id: the sha256 of the parts joined by NUL."""
    h = hashlib.sha256("\x00".join(str(p) for p in parts).encode("utf-8"))
    return h.hexdigest()[:size]


def as_plain(obj: Any) -> Any:
    """``dataclasses.asdict`` for these frozen dataclasses, without its deep copy of every
    leaf (their fields hold only immutable values): ~4x faster on a large report."""
    if is_dataclass(obj) and not isinstance(obj, type):
        return {f.name: as_plain(getattr(obj, f.name)) for f in fields(obj)}
    if isinstance(obj, (tuple, list)):
        return type(obj)(as_plain(v) for v in obj)
    if isinstance(obj, dict):
        return {k: as_plain(v) for k, v in obj.items()}
    return obj


@dataclass(frozen=True)
class Removed:
    """A span of an article's text left out of the claims, and why."""

    start: int
    end: int
    reason: str


@dataclass(frozen=True)
class MetaValue:
    """A metadata value and where it came from (front matter, a copyright line...)."""

    value: str
    source: str
    start: int | None = None
    end: int | None = None


@dataclass(frozen=True)
class Article:
    """One source document, decoded.

    ``text`` is the file decoded (BOM dropped, newlines untouched) for .txt/.md,
    or the text trafilatura extracted for HTML.
    """

    id: str
    path: str
    text: str
    sha256: str
    format: str  # "txt" | "md" | "html"
    language: str  # "ko" | "en" | ...
    outlet: str | None = None
    title: str | None = None
    published: str | None = None  # ISO 8601, date or date-time
    url: str | None = None
    byline: str | None = None
    primary: bool = False
    meta: tuple[tuple[str, MetaValue], ...] = ()  # provenance of every inferred field
    removed: tuple[Removed, ...] = ()

    def meta_dict(self) -> dict[str, MetaValue]:
        return dict(self.meta)


@dataclass(frozen=True)
class Facet:
    """A typed piece of a claim: a person, a title, a number, a date..."""

    type: str
    value: str  # the surface text, == article.text[start:end]
    normalized: str
    start: int
    end: int
    subject: str | None = None  # e.g. the person a title belongs to, a quote's speaker
    unit: str | None = None  # number: currency / unit / count class; date: its granularity
    head: str | None = None  # number: what it counts or measures ("servers", "서버")
    role: str | None = None  # from / to / by / increment (a change); start / end (a range)


@dataclass(frozen=True)
class Claim:
    """An atomic statement with exact offsets, and the sentence it came from."""

    id: str
    article_id: str
    text: str  # == article.text[start:end]
    start: int
    end: int
    sentence_start: int
    sentence_end: int
    facets: tuple[Facet, ...] = ()
    subject: str | None = None  # carried into later clauses of a compound sentence


@dataclass(frozen=True)
class Cluster:
    id: str
    claim_ids: tuple[str, ...]
    article_ids: tuple[str, ...]


@dataclass(frozen=True)
class FindingValue:
    article_id: str
    value: str
    normalized: str
    claim_id: str
    quote: str  # the claim text, == article.text[start:end]
    start: int
    end: int
    modality: str | None = None  # "planned" | "done" | None
    value_start: int | None = None  # the value's own span inside the quote
    value_end: int | None = None


@dataclass(frozen=True)
class Review:
    status: ReviewStatus = "open"
    note: str = ""


@dataclass(frozen=True)
class Mention:
    """A person or organisation named in an article: where (``start``/``end``, with the title
    written beside it), and, in the entity table, which titles and claims go with it."""

    article_id: str
    surface: str
    titles: tuple[str, ...] = ()
    claim_ids: tuple[str, ...] = ()
    start: int = -1
    end: int = -1
    title: str | None = None
    title_start: int | None = None
    title_end: int | None = None
    alias: str | None = None  # the name in another script, e.g. "(Michael Kratsios)"


@dataclass(frozen=True)
class Entity:
    """A person or organisation, and what each outlet calls it."""

    id: str
    type: str  # "person" | "organization"
    canonical: str
    mentions: tuple[Mention, ...]


@dataclass(frozen=True)
class SourceInfo:
    """Where an article's text comes from (the independence stage)."""

    copies_of: str | None = None  # the article it is a near-verbatim copy of
    overlap: float = 0.0  # share of its claims with a near-identical claim in copies_of
    wire: str | None = None  # the news agency its byline, dateline or end credit names


@dataclass(frozen=True)
class SourceGroup:
    """One independent source among a finding's outlets: the original and the outlets that
    carry its text (near-verbatim copies, or the same agency's wire story)."""

    source: str  # article id
    copies: tuple[str, ...] = ()


@dataclass(frozen=True)
class IndependentSources:
    count: int
    groups: tuple[SourceGroup, ...]


@dataclass(frozen=True)
class Finding:
    id: str
    kind: FindingKind
    facet: str
    subject: str
    summary: str
    severity: int
    confidence: float
    cluster_ids: tuple[str, ...]
    values: tuple[FindingValue, ...]
    new: bool = False
    review: Review = field(default_factory=Review)
    tier: str | None = None  # a divergence: "likely" | "possible"
    event_id: str | None = None
    what: str = ""  # what the values are of ("infected servers", "the annual cap")

    independent_sources: IndependentSources | None = None  # set by independence.annotate
    change: FindingChange | None = None  # since the last run, set by novelty.mark


@dataclass(frozen=True)
class Event:
    """Articles that report one event (who, what, where, when), and what dates it spans."""

    id: str
    label: str
    article_ids: tuple[str, ...]
    dates: tuple[str, ...] = ()
