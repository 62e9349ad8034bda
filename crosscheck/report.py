"""Write the consistency report: one self-contained HTML page and its JSON twin.

The pipeline hands over a report dict (schema ``crosscheck.report/1``). This module

1. builds a view model from it (:func:`build_view`): the findings in triage order, one
   section per event (likely divergences, possible ones, the outlets × facts matrix of
   divergences and agreements as rows of outlet chips, added details by outlet, agreements),
   the findings new or changed since the last run, and per-article text split into segments
   (claims, removed web chrome, the differing values) — all slicing happens here, in Python
   code points, so astral characters can never shift a highlight in the browser;
2. renders ``templates/report.html.j2`` with autoescaping on (:func:`render_html`), inlining the
   CSS and JS (no external resources; a Content-Security-Policy pins the inline script and
   style by hash, so injected markup could not run even if escaping failed);
3. writes ``index.html`` and ``report.json`` atomically (:func:`write_report`).
"""

from __future__ import annotations

import base64
import contextlib
import functools
import hashlib
import json
import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import orjson
from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from markupsafe import Markup

from crosscheck.atomic import atomic_write_bytes, atomic_writer

TEMPLATE_DIR = Path(__file__).resolve().parent / "templates"
REPORT_TEMPLATE = "report.html.j2"
ARTICLE_TEMPLATE = "article.html.j2"
CARD_TEMPLATE = "card.html.j2"
CSS_FILE = "report.css.j2"
JS_FILE = "report.js.j2"
REVIEWS_SCHEMA = "crosscheck.reviews/1"
STORAGE_KEY = "crosscheck:review:"
"""The browser keeps a review decision under this prefix + the finding id (ids are content
hashes, so a decision survives any re-run that keeps the finding). Pages before keyed them
``crosscheck:<generated_at>:<id>``; the page reads those too (report.js)."""

KINDS: tuple[str, ...] = ("diverge", "add_detail", "agree")
KIND_LABELS = {"diverge": "diverges", "add_detail": "added detail", "agree": "agrees"}
STATUSES: tuple[str, ...] = ("open", "confirmed", "dismissed")


# --------------------------------------------------------------------------- view model


@dataclass(frozen=True)
class Segment:
    """A run of an article's text with uniform markup.

    A claim is one segment whose ``children`` hold its pieces (plain text, the differing
    value, removed chrome); outside claims, segments are plain text or removed chrome.
    """

    text: str
    classes: str = ""
    id: str | None = None
    title: str | None = None
    hidden: bool = False
    marker: str | None = None  # reason shown as a placeholder before a hidden removed span
    children: tuple[Segment, ...] = ()

    @property
    def plain(self) -> bool:
        """True when the segment needs no element around it."""
        return not self.classes and self.id is None and self.title is None and not self.children


@dataclass(frozen=True)
class OutletMarks:
    """What the page says about an article besides its own fields: its short code in the
    matrix, the outlet it copies (its label) and the wire agency it carries."""

    code: str = ""
    copy_of: str = ""
    wire: str = ""


@dataclass(frozen=True)
class ArticleView:
    id: str
    label: str
    outlet: str
    title: str
    published: str
    date: str
    language: str
    primary: bool
    n_claims: int
    format: str
    byline: str
    path: str
    sha256: str
    length: int  # of the text, in code points
    url: str
    meta: list[tuple[str, str, str]]
    segments: list[Segment]
    n_removed: int
    removed_chars: int
    code: str = ""
    copy_of: str = ""
    wire: str = ""


@dataclass(frozen=True)
class SectionInput:
    """What one article's section of the page is made from (and its fragment-cache key)."""

    article: dict[str, Any]
    claims: list[dict[str, Any]]
    removed: list[dict[str, Any]]
    marks: list[tuple[int, int]]
    anchors: list[int]
    outlet: OutletMarks = OutletMarks()

    def key(self) -> str:
        """A hash of everything the section shows, and of the template that lays it out."""
        a = {k: v for k, v in self.article.items() if k != "text"}
        body = orjson.dumps(
            [_template_hash(ARTICLE_TEMPLATE), a, hashlib.sha256(
                _str(self.article.get("text")).encode("utf-8")).hexdigest(),
             [(c.get("start"), c.get("end"), c.get("facets")) for c in self.claims],
             self.removed, self.marks, self.anchors,
             [self.outlet.code, self.outlet.copy_of, self.outlet.wire]],
            option=orjson.OPT_SORT_KEYS | orjson.OPT_NON_STR_KEYS,
        )
        return hashlib.sha256(body).hexdigest()[:32]


@dataclass(frozen=True)
class ValueView:
    article_id: str
    outlet: str
    date: str
    value: str
    normalized: str
    pre: str
    mark: str
    post: str
    modality: str
    href: str
    claim_id: str
    group: int  # rank of the value among the finding's values (0 = given by most outlets)
    tone: int  # min(group, 3): the colour class of the value (the 4th value on share one)
    copy_of: str = ""
    wire: str = ""


@dataclass(frozen=True)
class ValueGroup:
    """The outlets of a finding that give one value (most outlets first)."""

    normalized: str
    display: str  # the value as most of its outlets write it
    tone: int
    article_ids: list[str]
    values: list[ValueView]  # empty in a light view (the card renders from a full one)

    @property
    def shown(self) -> int:
        """How many outlets' words the card shows before folding the rest."""
        return len(self.values) if len(self.values) <= QUOTES_SHOWN + 1 else QUOTES_SHOWN


@dataclass(frozen=True)
class FindingView:
    id: str
    kind: str
    kind_label: str
    facet: str
    facet_label: str
    what: str
    subject: str
    summary: str
    headline: str  # one line: the values and who gives them (a divergence), else the summary
    severity: int
    confidence: float
    confidence_pct: str
    tier: str  # "likely" | "possible" for a divergence, else ""
    new: bool
    change: str  # "new" | "changed" | "" (since the last run)
    status: str
    note: str
    history: list[dict[str, str]]
    values: list[ValueView]
    groups: list[ValueGroup]
    article_ids: list[str]
    outlets: str
    sources: str  # "3 outlets, 2 independent sources: A (copied by B)", or ""
    event_id: str
    search: str


QUOTES_SHOWN = 3
"""A card shows this many outlets' words per value; the others are folded under the value."""

WORDING_FACETS = frozenset({"claim", "quote"})
"""Facets whose values are wordings: outlets agreeing on one are not split by wording."""

CHIPS_SHOWN = 60
"""A matrix row shows this many outlet chips per value, then "+N more"."""

ENTITY_GRID_MAX = 8
"""Up to this many articles, names and titles are a grid (one column per article); beyond,
each name form is listed with the outlets that write it (a 50-column grid scrolls sideways
and is mostly blank)."""

DETAILS_OPEN_MAX = 6
"""An event with at most this many added details shows them unfolded."""

MATRIX_AGREE_OPEN_MAX = 12
"""A matrix with at most this many agreement rows shows them unfolded (beyond, they would
outnumber the divergences the reader looks for; the rows stay one click away)."""


@dataclass(frozen=True)
class Chip:
    """An outlet in a matrix row: its short code, full name in the tooltip."""

    code: str
    title: str
    copy: bool


@dataclass(frozen=True)
class ChipGroup:
    value: str
    title: str
    css: str
    chips: list[Chip]
    more: int  # chips left out (beyond CHIPS_SHOWN)

    @property
    def n(self) -> int:
        return len(self.chips) + self.more


@dataclass(frozen=True)
class MatrixRow:
    finding: FindingView
    groups: list[ChipGroup]


@dataclass(frozen=True)
class DetailGroup:
    label: str
    article_ids: list[str]
    findings: list[FindingView]


@dataclass(frozen=True)
class EventView:
    """One section of the page: an event's findings in triage order."""

    dom_id: str
    label: str
    dates: str
    n_outlets: int
    likely: list[FindingView]
    possible: list[FindingView]
    other: list[FindingView]  # findings of a kind this page does not know
    detail_groups: list[DetailGroup]
    n_details: int
    details_open: bool
    agree: list[FindingView]
    matrix: list[MatrixRow]
    legend: list[ArticleView]  # the outlets the matrix names

    @property
    def n_findings(self) -> int:
        return (len(self.likely) + len(self.possible) + len(self.other) + self.n_details
                + len(self.agree))


@dataclass(frozen=True)
class EntityView:
    id: str
    type: str
    canonical: str
    cells: list[list[str]]  # per article column (small corpora)
    forms: list[tuple[str, str]]  # (name as written, the outlets writing it) (larger corpora)


def _str(value: Any) -> str:
    """``value`` as display text; None becomes the empty string."""
    return "" if value is None else str(value)


def _int(value: Any, default: int = 0) -> int:
    """``value`` as an int, or ``default`` when it is missing or not a number."""
    try:
        return int(value)
    except (TypeError, ValueError):
        return default


def _float(value: Any, default: float = 0.0) -> float:
    """``value`` as a float, or ``default`` when it is missing or not a number."""
    try:
        return float(value)
    except (TypeError, ValueError):
        return default


def _span(start: Any, end: Any, length: int) -> tuple[int, int] | None:
    """A valid ``(start, end)`` inside a text of ``length``, or None when unusable."""
    if not isinstance(start, int) or not isinstance(end, int):
        return None
    if start < 0 or end > length or start > end:
        return None
    return start, end


def _facet_title(facets: list[dict[str, Any]]) -> str:
    """A one-line description of a claim's facets for a tooltip."""
    parts = []
    for f in facets:
        value = _str(f.get("value"))
        norm = _str(f.get("normalized"))
        text = f"{_str(f.get('type'))}: {value}"
        if norm and norm != value:
            text += f" → {norm}"
        if f.get("subject"):
            text += f" ({_str(f.get('subject'))})"
        parts.append(text)
    return "; ".join(parts)


def _claim_groups(spans: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    """Top-level claim extents: nested claims fold into their outer claim, overlaps merge."""
    groups: list[tuple[int, int, str]] = []
    for s, e, title in sorted(spans, key=lambda t: (t[0], -t[1])):
        if groups and s < groups[-1][1]:
            gs, ge, gt = groups[-1]
            groups[-1] = (gs, max(ge, e), gt if e <= ge else "; ".join(x for x in (gt, title) if x))
        else:
            groups.append((s, e, title))
    return groups


def segment_text(
    text: str,
    article_id: str,
    claims: list[dict[str, Any]],
    removed: list[dict[str, Any]],
    marks: Sequence[tuple[int, int]] = (),
    anchors: Sequence[int] = (),
) -> list[Segment]:
    """Split ``text`` into segments: one element per claim, plain text and removed chrome between.

    Every claim start (and every extra anchor) gets exactly one element with id
    ``a-<article_id>-<start>``: the claim's own element when the claim starts a top-level
    claim (so its text content is exactly the claim), else an inner piece. Inside a claim,
    ``val`` pieces mark the differing values; removed pieces are hidden, the first piece of
    each removed span carrying its reason as a placeholder. Offsets are Python code points.
    """
    n = len(text)
    claim_spans: list[tuple[int, int, str]] = []
    for c in claims:
        span = _span(c.get("start"), c.get("end"), n)
        if span:
            claim_spans.append((span[0], span[1], _facet_title(list(c.get("facets") or []))))
    removed_spans: list[tuple[int, int, str]] = []
    for r in removed:
        span = _span(r.get("start"), r.get("end"), n)
        if span and span[0] < span[1]:
            removed_spans.append((span[0], span[1], _str(r.get("reason")) or "removed"))
    mark_spans = [s for s in (_span(a, b, n) for a, b in marks) if s and s[0] < s[1]]
    anchor_set = {s for s, _, _ in claim_spans} | {a for a in anchors if 0 <= a <= n}
    groups = [g for g in _claim_groups(claim_spans) if g[0] < g[1]]

    bounds = {0, n} | anchor_set
    for s, e, _ in claim_spans + removed_spans + groups:
        bounds.update((s, e))
    for s, e in mark_spans:
        bounds.update((s, e))
    cuts = sorted(bounds)
    placed: set[int] = set()

    def piece(a: int, b: int, in_claim: bool) -> Segment:
        """The elementary run text[a:b] with its classes, anchor and tooltip."""
        rem = [(s, reason) for s, e, reason in removed_spans if s <= a and b <= e]
        classes = []
        if in_claim and any(s <= a and b <= e for s, e in mark_spans):
            classes.append("val")
        if rem:
            classes.append("removed")
        anchor_id = None
        if a in anchor_set and a not in placed:
            anchor_id = f"a-{article_id}-{a}"
            placed.add(a)
            classes.append("anchor")
        return Segment(
            text=text[a:b],
            classes=" ".join(classes),
            id=anchor_id,
            title=("removed: " + rem[0][1]) if rem else None,
            hidden=bool(rem),
            marker=rem[0][1] if rem and any(s == a for s, _ in rem) else None,
        )

    segments: list[Segment] = []
    gi = 0
    i = 0
    while i < len(cuts) - 1:
        a = cuts[i]
        if gi < len(groups) and groups[gi][0] == a:
            gs, ge, title = groups[gi]
            gid = f"a-{article_id}-{gs}" if gs in anchor_set else None
            if gid:
                placed.add(gs)
            children = []
            while cuts[i] < ge:
                children.append(piece(cuts[i], cuts[i + 1], True))
                i += 1
            segments.append(
                Segment(
                    text="",
                    classes="claim",
                    id=gid,
                    title=title or None,
                    children=tuple(_merge_plain(children)),
                )
            )
            gi += 1
            continue
        if a < cuts[i + 1]:
            segments.append(piece(a, cuts[i + 1], False))
        i += 1
    # Only an anchor at the very end of the text can start no segment: give it an empty one.
    for a in sorted(anchor_set - placed):
        segments.append(Segment(text="", classes="anchor", id=f"a-{article_id}-{a}"))
    return _merge_plain(segments)


def _merge_plain(segments: list[Segment]) -> list[Segment]:
    """Join neighbouring plain segments so the page holds as few elements as possible."""
    out: list[Segment] = []
    for seg in segments:
        if out and seg.plain and out[-1].plain:
            out[-1] = Segment(text=out[-1].text + seg.text)
        else:
            out.append(seg)
    return out


def _article_label(article: dict[str, Any]) -> str:
    """The name a reader knows an article by: its outlet, else its title, else its file."""
    for key in ("outlet", "title"):
        if article.get(key):
            return _str(article[key])
    return Path(_str(article.get("path")) or _str(article.get("id"))).name


def _quote_parts(value: dict[str, Any]) -> tuple[str, str, str]:
    """The quote split around the differing value: (before, value, after).

    Uses ``value_start/value_end`` (article offsets) when they fall inside the quote,
    else the first occurrence of the value's surface text, else no highlight.
    """
    quote = _str(value.get("quote"))
    start = value.get("start")
    vs, ve = value.get("value_start"), value.get("value_end")
    if isinstance(start, int) and isinstance(vs, int) and isinstance(ve, int):
        rs, re_ = vs - start, ve - start
        if 0 <= rs < re_ <= len(quote):
            return quote[:rs], quote[rs:re_], quote[re_:]
    surface = _str(value.get("value"))
    if surface:
        i = quote.find(surface)
        if i >= 0:
            return quote[:i], surface, quote[i + len(surface) :]
    return quote, "", ""


def _sort_key(f: dict[str, Any]) -> tuple[int, float, str]:
    """Most serious first, then most confident, then a stable id order."""
    return (-_int(f.get("severity")), -_float(f.get("confidence")), _str(f.get("id")))


FACET_LABELS = {
    "document_type": "instrument", "signatory": "who signed", "attribution": "who said it",
    "predicate": "what was agreed", "quote": "quote wording", "claim": "the fact",
    "organization": "organisation",
}


def _facet_label(facet: str) -> str:
    """A facet as a reader says it (``document_type`` -> instrument)."""
    return FACET_LABELS.get(facet, facet.replace("_", " "))


def _clip(text: str, limit: int) -> str:
    """``text`` cut to ``limit`` characters, an ellipsis marking the cut."""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _names(names: Sequence[str], limit: int = 5) -> str:
    """``A, B, C`` — the first ``limit`` names, then ``and N more``."""
    shown = ", ".join(names[:limit])
    return shown + (f" and {len(names) - limit} more" if len(names) > limit else "")


def _value_order(values: Sequence[dict[str, Any]]) -> list[tuple[str, list[str], str]]:
    """A finding's values grouped by normalized value: (value, article ids giving it, the
    surface form most of them write), the value most outlets give first (ties: the order
    the finding lists them)."""
    groups: dict[str, list[str]] = {}
    surfaces: dict[str, dict[str, int]] = {}
    for v in values:
        norm = _str(v.get("normalized")) or _str(v.get("value"))
        aids = groups.setdefault(norm, [])
        aid = _str(v.get("article_id"))
        if aid not in aids:
            aids.append(aid)
        surface = " ".join(_str(v.get("value")).split()) or norm
        counts = surfaces.setdefault(norm, {})
        counts[surface] = counts.get(surface, 0) + 1
    first = {k: i for i, k in enumerate(groups)}
    return [
        (norm, aids, max(surfaces[norm].items(), key=lambda kv: kv[1])[0])
        for norm, aids in sorted(groups.items(), key=lambda kv: (-len(kv[1]), first[kv[0]]))
    ]


def _headline(facet_label: str, what: str, order: list[tuple[str, list[str], str]],
              labels: Mapping[str, str]) -> str:
    """A divergence in one line: at most three values (as most of their outlets write
    them), each with its outlet (when one gives it) or how many outlets give it, the value
    most outlets give first."""
    parts = []
    for _, aids, shown in order[:3]:
        who = _clip(labels.get(aids[0], aids[0]), 28) if len(aids) == 1 else f"{len(aids)} outlets"
        parts.append(f"{_clip(shown, 48)} ({who})")
    head = facet_label[:1].upper() + facet_label[1:]
    if what:
        head += f" ({_clip(what, 40)})"
    text = head + ": " + " vs ".join(parts)
    if len(order) > 3:
        more = len(order) - 3
        text += f" · {more} more value{'s' if more != 1 else ''}"
    return text


def _sources_line(f: dict[str, Any], n_outlets: int, labels: Mapping[str, str]) -> str:
    """How many independent sources stand behind the outlets of a finding, naming the
    sources others copied: *3 outlets, 2 independent sources: A (copied by B)*. Empty when
    the report does not say (every outlet independent) or there is nothing to add."""
    src = f.get("independent_sources")
    if not isinstance(src, dict):
        return ""
    count = _int(src.get("count"), n_outlets)
    copied = [g for g in src.get("groups") or []
              if isinstance(g, dict) and isinstance(g.get("copies"), list) and g["copies"]]
    if count >= n_outlets and not copied:
        return ""
    text = (f"{n_outlets} outlet{'s' if n_outlets != 1 else ''}, "
            f"{count} independent source{'s' if count != 1 else ''}")
    if copied:
        def name(aid: Any) -> str:
            return labels.get(_str(aid), _str(aid))

        parts = [f"{name(g.get('source'))} (copied by "
                 f"{_names([name(c) for c in g['copies']])})" for g in copied[:5]]
        text += ": " + "; ".join(parts) + (f"; and {len(copied) - 5} more" if len(copied) > 5
                                           else "")
    return text


def _change(f: dict[str, Any]) -> str:
    """What the last run changed about the finding: "new", "changed" or ""."""
    change = f.get("change")
    if change in ("new", "changed"):
        return str(change)
    return "new" if f.get("new") is True else ""


def _tier(f: dict[str, Any]) -> str:
    """A divergence's tier ("likely" unless the report says "possible"); "" for the rest."""
    if f.get("kind") != "diverge":
        return ""
    return "possible" if f.get("tier") == "possible" else "likely"


def _shown_values(f: dict[str, Any]) -> list[dict[str, Any]]:
    """Every value a finding shows (a divergence's ``values`` hold every outlet of its
    sides)."""
    return [v for v in f.get("values") or [] if isinstance(v, dict)]


def _finding_view(f: dict[str, Any], articles: Mapping[str, ArticleView],
                  light: bool = False) -> FindingView:
    """The display record of one finding, with each value's quote split for highlighting.

    ``light`` leaves the values' views out (what the page needs of a finding besides its
    card: the card renders from a full view, when it is not reused from the last run)."""
    review = f.get("review") or {}
    raw_values = _shown_values(f)
    order = _value_order(raw_values)
    rank = {norm: i for i, (norm, _, _) in enumerate(order)}
    labels = {a.id: a.label for a in articles.values()}
    values = []
    for v in () if light else raw_values:
        aid = _str(v.get("article_id"))
        art = articles.get(aid)
        norm = _str(v.get("normalized")) or _str(v.get("value"))
        pre, mark, post = _quote_parts(v)
        start = v.get("start")
        values.append(
            ValueView(
                article_id=aid,
                outlet=art.label if art else aid,
                date=art.date if art else "",
                value=_str(v.get("value")),
                normalized=norm,
                pre=pre,
                mark=mark,
                post=post,
                modality=_str(v.get("modality")),
                href=f"#a-{aid}-{start}"
                if art and isinstance(start, int) and 0 <= start <= art.length
                else "",
                claim_id=_str(v.get("claim_id")),
                group=rank[norm],
                tone=min(rank[norm], 3),
                copy_of=art.copy_of if art else "",
                wire=art.wire if art else "",
            )
        )
    groups = [
        ValueGroup(norm, shown, min(i, 3), aids, [v for v in values if v.normalized == norm])
        for i, (norm, aids, shown) in enumerate(order)
    ]
    article_ids = list(dict.fromkeys(_str(v.get("article_id")) for v in raw_values))
    kind = _str(f.get("kind"))
    facet = _str(f.get("facet"))
    what = _str(f.get("what")).strip()
    summary = _str(f.get("summary"))
    conf = _float(f.get("confidence"))
    outlet_names = [labels.get(a, a) for a in article_ids]
    search = " ".join(
        [summary, _str(f.get("subject")), facet, what]
        + [_str(v.get("quote")) for v in raw_values]
        + outlet_names
        + [norm for norm, _, _ in order]
    ).lower()
    history = [
        {
            "at": _str(h.get("at")),
            "status": _str(h.get("status")),
            "note": _str(h.get("note")),
            "by": _str(h.get("by")),
        }
        for h in review.get("history") or []
        if isinstance(h, dict)
    ]
    facet_label = _facet_label(facet)
    if kind == "diverge" and order:
        headline = _headline(facet_label, what, order, labels)
    elif kind == "agree" and order:
        n = len(article_ids)
        headline = f"{n} outlet{'s agree' if n != 1 else ' agrees'} on {facet_label}"
        if facet == "claim":
            subject = _str(f.get("subject"))
            headline += f": {_clip(subject, 80)}" if subject else ""
        else:
            headline += ": " + " / ".join(_clip(d, 48) for _, _, d in order[:2]) + (
                " / …" if len(order) > 2 else "")
    else:
        headline = summary
    return FindingView(
        id=_str(f.get("id")),
        kind=kind,
        kind_label=KIND_LABELS.get(kind, kind),
        facet=facet,
        facet_label=facet_label,
        what=what,
        subject=_str(f.get("subject")),
        summary=summary,
        headline=headline or facet_label,
        severity=_int(f.get("severity")),
        confidence=conf,
        confidence_pct=f"{round(conf * 100)}%",
        tier=_tier(f),
        new=bool(f.get("new")),
        change=_change(f),
        status=_str(review.get("status")) or "open",
        note=_str(review.get("note")),
        history=history,
        values=values,
        groups=groups,
        article_ids=article_ids,
        outlets=", ".join(outlet_names),
        sources=_sources_line(f, len(article_ids), labels),
        event_id=_str(f.get("event_id")),
        search=search,
    )


def _matrix_row(fv: FindingView, articles: Mapping[str, ArticleView]) -> MatrixRow:
    """One matrix row: per value, the outlets giving it as chips (coloured by value for a
    divergence; at most CHIPS_SHOWN each, then a count). An agreement on a claim or a quote
    is one group, "states it" (its values are the outlets' wordings, not values)."""
    groups = []
    value_groups = fv.groups
    merged = fv.kind == "agree" and fv.facet in WORDING_FACETS
    if merged and len(value_groups) > 1:
        # an agreement on a claim or a quote: its wordings are not values, one group says it
        value_groups = [ValueGroup(value_groups[0].normalized, value_groups[0].display, 0,
                                   [a for g in value_groups for a in g.article_ids], [])]
    for g in value_groups:
        chips = []
        for aid in g.article_ids[:CHIPS_SHOWN]:
            art = articles.get(aid)
            label = art.label if art else aid
            title = f"{label}: {g.display}" + (f" (copy of {art.copy_of})"
                                               if art and art.copy_of else "")
            chips.append(Chip(art.code if art and art.code else _clip(label, 6), title,
                              bool(art and art.copy_of)))
        css = f"div g{g.tone}" if fv.kind == "diverge" else fv.kind
        shown = "states it" if merged else g.display
        title = g.display if g.display == g.normalized else f"{g.display} (= {g.normalized})"
        groups.append(ChipGroup(shown, title, css, chips,
                                max(0, len(g.article_ids) - CHIPS_SHOWN)))
    return MatrixRow(fv, groups)


_WORD = re.compile(r"[^\W_]+")


def _is_cjk(ch: str) -> bool:
    """A Hangul, kana or CJK ideograph character (two of them make a short code)."""
    o = ord(ch)
    return (0x1100 <= o <= 0x11FF or 0x3040 <= o <= 0x30FF or 0x3130 <= o <= 0x318F
            or 0x3400 <= o <= 0x9FFF or 0xAC00 <= o <= 0xD7AF or 0xF900 <= o <= 0xFAFF)


def _code_candidates(label: str) -> list[str]:
    """Short codes for an outlet, best first: initials (Northern Times -> NT), an acronym
    kept (YTN), the first syllables of a Korean name (한빛일보 -> 한빛)."""
    words = _WORD.findall(re.sub(r"\([^)]*\)", " ", label)) or _WORD.findall(label)
    if len(words) > 1 and words[0].lower() == "the":
        words = words[1:]
    if not words:
        return ["?"]
    first = words[0]
    if _is_cjk(first[0]):
        joined = "".join(words)
        return [joined[:2], joined[:3], joined[:4]]
    if first.isupper() and len(first) >= 2:
        return [first[:4], first[:5], first[:6]]
    if len(words) == 1:
        return [first[:3].capitalize(), first[:4].capitalize(), first[:5].capitalize()]
    head = words[: min(3, len(words))]
    initials = "".join(w[0] for w in head).upper()
    last = head[-1]
    return [initials] + [initials[:-1] + last[:k].capitalize() for k in (2, 3)]


def outlet_codes(labels: Sequence[tuple[str, str]]) -> dict[str, str]:
    """A short, unique code per article id, from its label, in the order given (the first
    article with a name gets the plain code, later ones a longer form or a number)."""
    used: set[str] = set()
    out: dict[str, str] = {}
    for aid, label in labels:
        cands = list(dict.fromkeys(c for c in _code_candidates(label) if c))
        code = next((c for c in cands if c not in used), "")
        n = 2
        while not code:
            code = f"{cands[0]}{n}" if f"{cands[0]}{n}" not in used else ""
            n += 1
        used.add(code)
        out[aid] = code
    return out


def _article_view(
    a: dict[str, Any],
    claims: list[dict[str, Any]],
    removed: list[dict[str, Any]],
    marks: list[tuple[int, int]],
    anchors: list[int],
    segments: bool = True,
    outlet: OutletMarks = OutletMarks(),
) -> ArticleView:
    """The display record of an article, its text cut into segments (unless ``segments`` is
    False: the header fields only)."""
    aid = _str(a.get("id"))
    text = _str(a.get("text"))
    published = _str(a.get("published"))
    meta = [
        (_str(k), _str((v or {}).get("value")), _str((v or {}).get("source")))
        for k, v in (a.get("meta") or {}).items()
        if isinstance(v, dict)
    ]
    url = _str(a.get("url"))
    return ArticleView(
        id=aid,
        label=_article_label(a),
        outlet=_str(a.get("outlet")),
        title=_str(a.get("title")),
        published=published,
        date=published[:10],
        language=_str(a.get("language")),
        primary=bool(a.get("primary")),
        n_claims=_int(a.get("n_claims"), len(claims)),
        format=_str(a.get("format")),
        byline=_str(a.get("byline")),
        path=_str(a.get("path")),
        sha256=_str(a.get("sha256")),
        length=len(text),
        url=url if url.startswith(("http://", "https://")) else "",
        meta=meta,
        segments=segment_text(text, aid, claims, removed, marks, anchors) if segments else [],
        n_removed=len(removed),
        removed_chars=sum(max(0, _int(r.get("end")) - _int(r.get("start"))) for r in removed),
        code=outlet.code,
        copy_of=outlet.copy_of,
        wire=outlet.wire,
    )


def _json_for_script(data: Any) -> Markup:
    """JSON safe inside a ``<script>`` element: ``<``, ``>`` and ``&`` become ``\\uXXXX``."""
    text = json.dumps(data, ensure_ascii=False, sort_keys=True)
    text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    text = text.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")
    return Markup(text)


def _date_range(dates: Sequence[str]) -> str:
    """``2031-04-01 – 2031-04-03`` from ISO dates or date-times (one date alone if one)."""
    days = sorted({d[:10] for d in dates if d})
    if not days:
        return ""
    return days[0] if len(days) == 1 else f"{days[0]} – {days[-1]}"


def _detail_groups(details: Sequence[FindingView], order: Mapping[str, int],
                   by_id: Mapping[str, ArticleView]) -> list[DetailGroup]:
    """Added details grouped by the outlet (or outlets) that alone give them, in corpus
    order (single outlets first)."""
    groups: dict[tuple[str, ...], list[FindingView]] = {}
    for fv in details:
        key = tuple(sorted(fv.article_ids, key=lambda x: (order.get(x, len(order)), x)))
        groups.setdefault(key, []).append(fv)
    return [
        DetailGroup(
            label=", ".join(by_id[a].label if a in by_id else a for a in key) or "no outlet",
            article_ids=list(key),
            findings=fs,
        )
        for key, fs in sorted(
            groups.items(),
            key=lambda kv: (len(kv[0]), [order.get(x, len(order)) for x in kv[0]]),
        )
    ]


def _event_views(report: dict[str, Any], ordered: Sequence[dict[str, Any]],
                 views: Mapping[str, FindingView], articles: Sequence[ArticleView]
                 ) -> list[EventView]:
    """The page's sections: one per event of ``report["events"]`` (in its order) and one
    "Across events" for findings of no known event; a single section when the report has
    one event or none."""
    by_id = {a.id: a for a in articles}
    order = {a.id: i for i, a in enumerate(articles)}
    events = [e for e in report.get("events") or []
              if isinstance(e, dict) and _str(e.get("id"))]
    buckets: dict[str, list[FindingView]] = {}
    specs: list[tuple[str, str, list[str], list[str]]] = []  # (key, label, dates, article ids)
    if len(events) <= 1:
        e = events[0] if events else {}
        dates = [_str(d) for d in e.get("dates") or []] or [a.published for a in articles]
        aids = [_str(x) for x in e.get("article_ids") or []] or [a.id for a in articles]
        specs.append(("", _str(e.get("label")) or "All findings", dates, aids))
        buckets[""] = [views[_str(f.get("id"))] for f in ordered]
    else:
        known = {_str(e.get("id")) for e in events}
        for e in events:
            key = _str(e.get("id"))
            if key in buckets:
                continue
            buckets[key] = []
            specs.append((key, _str(e.get("label")) or key,
                          [_str(d) for d in e.get("dates") or []],
                          [_str(x) for x in e.get("article_ids") or []]))
        rest: list[FindingView] = []
        for f in ordered:
            fv = views[_str(f.get("id"))]
            (buckets[fv.event_id] if fv.event_id in known else rest).append(fv)
        if rest:
            aids = list(dict.fromkeys(a for fv in rest for a in fv.article_ids))
            specs.append(("\x00rest", "Across events", [by_id[a].published for a in aids
                                                          if a in by_id], aids))
            buckets["\x00rest"] = rest
    out = []
    for i, (key, label, dates, aids) in enumerate(specs):
        fs = buckets[key]
        likely = [fv for fv in fs if fv.kind == "diverge" and fv.tier == "likely"]
        possible = [fv for fv in fs if fv.kind == "diverge" and fv.tier == "possible"]
        details = [fv for fv in fs if fv.kind == "add_detail"]
        agree = [fv for fv in fs if fv.kind == "agree"]
        other = [fv for fv in fs if fv.kind not in KINDS]
        matrix = [_matrix_row(fv, by_id) for fv in likely + possible + agree]
        named = {a for row in matrix for g in row.finding.groups for a in g.article_ids}
        involved = set(aids) | {a for fv in fs for a in fv.article_ids}
        out.append(EventView(
            dom_id=f"ev-{i + 1}",
            label=label,
            dates=_date_range(dates),
            n_outlets=len(involved),
            likely=likely,
            possible=possible,
            other=other,
            detail_groups=_detail_groups(details, order, by_id),
            n_details=len(details),
            details_open=len(details) <= DETAILS_OPEN_MAX,
            agree=agree,
            matrix=matrix,
            legend=[a for a in articles if a.id in named],
        ))
    return out


def _review_at(review: dict[str, Any]) -> str:
    """When the report's decision on a finding was taken (its last history entry), or ""."""
    history = [h for h in review.get("history") or [] if isinstance(h, dict)]
    return _str(history[-1].get("at")) if history else ""


def build_view(report: dict[str, Any]) -> dict[str, Any]:
    """Everything the template shows, computed from the report dict (pure)."""
    raw_articles = [a for a in report.get("articles") or [] if isinstance(a, dict)]
    claims_by_article: dict[str, list[dict[str, Any]]] = {}
    for c in report.get("claims") or []:
        claims_by_article.setdefault(_str(c.get("article_id")), []).append(c)
    removed_by_article: dict[str, list[dict[str, Any]]] = {}
    for r in report.get("removed") or []:
        removed_by_article.setdefault(_str(r.get("article_id")), []).append(r)
    raw_findings = [f for f in report.get("findings") or [] if isinstance(f, dict)]
    marks: dict[str, list[tuple[int, int]]] = {}
    anchors: dict[str, list[int]] = {}
    for f in raw_findings:
        for v in _shown_values(f):
            aid = _str(v.get("article_id"))
            if isinstance(v.get("start"), int):
                anchors.setdefault(aid, []).append(v["start"])
            vs, ve = v.get("value_start"), v.get("value_end")
            if f.get("kind") == "diverge" and isinstance(vs, int) and isinstance(ve, int):
                marks.setdefault(aid, []).append((vs, ve))

    labels = {_str(a.get("id")): _article_label(a) for a in raw_articles}
    codes = outlet_codes(list(labels.items()))
    marks_of = {
        aid: OutletMarks(
            code=codes[aid],
            copy_of=(labels.get(_str(a.get("copies_of")), _str(a.get("copies_of")))
                     if a.get("copies_of") else ""),
            wire=_str(a.get("wire")),
        )
        for aid, a in ((_str(a.get("id")), a) for a in raw_articles)
    }
    sections = [
        SectionInput(
            a,
            claims_by_article.get(_str(a.get("id")), []),
            removed_by_article.get(_str(a.get("id")), []),
            sorted(set(marks.get(_str(a.get("id")), []))),
            sorted(set(anchors.get(_str(a.get("id")), []))),
            marks_of[_str(a.get("id"))],
        )
        for a in raw_articles
    ]
    # the section's text segments are cut only when it is rendered (see _article_sections)
    articles = [_article_view(s.article, s.claims, s.removed, [], [], segments=False,
                              outlet=s.outlet) for s in sections]
    by_id = {a.id: a for a in articles}

    ordered = sorted(raw_findings, key=_sort_key)
    # a finding's values are needed only by its card, rendered (or taken from the fragment
    # cache) later: the views the rest of the page uses stay light
    views = {_str(f.get("id")): _finding_view(f, by_id, light=True) for f in ordered}
    events = _event_views(report, ordered, views, articles)
    all_views = list(views.values())
    event_of = {fv.id: ev.label for ev in events for fv in
                ev.likely + ev.possible + ev.other + ev.agree
                + [x for g in ev.detail_groups for x in g.findings]}
    since_rank = {"diverge": 0, "add_detail": 2, "agree": 3}
    since = sorted(
        (fv for fv in all_views if fv.change),
        key=lambda fv: since_rank.get(fv.kind, 4) + (fv.tier == "possible"),
    )

    grid = len(articles) <= ENTITY_GRID_MAX
    entities = []
    for e in report.get("entities") or []:
        names_by_article: dict[str, dict[str, None]] = {}
        for m in e.get("mentions") or []:
            titles = [t for t in (m.get("titles") or []) if t]
            surface = _str(m.get("surface"))
            names_by_article.setdefault(_str(m.get("article_id")), {})[
                surface + (f" ({', '.join(map(str, titles))})" if titles else "")] = None
        cells = [list(names_by_article.get(a.id, ())) for a in articles] if grid else []
        writers: dict[str, dict[str, None]] = {}
        if not grid:
            for art in articles:
                for name in names_by_article.get(art.id, ()):
                    writers.setdefault(name, {})[art.label] = None
        forms = [(name, ", ".join(labels)) for name, labels in writers.items()]
        entities.append(
            EntityView(
                id=_str(e.get("id")),
                type=_str(e.get("type")),
                canonical=_str(e.get("canonical")),
                cells=cells,
                forms=forms,
            )
        )
    entities.sort(key=lambda e: (e.type != "person", e.canonical))

    summary = dict(report.get("summary") or {})
    counts = {k: sum(1 for f in raw_findings if f.get("kind") == k) for k in KINDS}
    found = summary.get("findings") or {}
    kind_counts = {k: _int(found.get(k), counts[k]) if found else counts[k] for k in KINDS}
    errors = [
        {"path": _str(e.get("path")), "reason": _str(e.get("reason"))}
        for e in report.get("errors") or []
    ]
    totals = {
        "n_articles": _int(summary.get("n_articles"), len(articles)),
        "n_claims": _int(summary.get("n_claims"), len(report.get("claims") or [])),
        "n_clusters": _int(summary.get("n_clusters"), len(report.get("clusters") or [])),
        "new_findings": _int(summary.get("new_findings"),
                             sum(1 for v in all_views if v.change == "new")),
        "changed_findings": _int(summary.get("changed_findings"),
                                 sum(1 for v in all_views if v.change == "changed")),
        "likely": _int(summary.get("likely_divergences"),
                       sum(1 for v in all_views if v.tier == "likely")),
        "possible": _int(summary.get("possible_divergences"),
                         sum(1 for v in all_views if v.tier == "possible")),
        "processed_articles": _int(summary.get("processed_articles")),
        "reused_articles": _int(summary.get("reused_articles")),
        "embedded_claims": _int(summary.get("embedded_claims")),
        "reused_vectors": _int(summary.get("reused_vectors")),
        "errors": _int(summary.get("errors"), len(errors)),
    }
    # what each card shows: the raw finding, its view, and the outlets it names (their labels,
    # dates, codes, copy marks and text lengths go into the card)
    card_inputs: dict[str, tuple[dict[str, Any], Callable[[], FindingView], list[Any]]] = {}
    for f in ordered:
        fv = views[_str(f.get("id"))]
        named = list(fv.article_ids)
        src = f.get("independent_sources")
        if isinstance(src, dict):
            for g in src.get("groups") or []:
                if isinstance(g, dict):
                    named += [_str(g.get("source"))] + [_str(c) for c in g.get("copies") or []]
        card_inputs[fv.id] = (f, functools.partial(_finding_view, f, by_id), [
            (a, by_id[a].label, by_id[a].date, by_id[a].length, by_id[a].code,
             by_id[a].copy_of, by_id[a].wire) if a in by_id else (a, "", "", -1)
            for a in dict.fromkeys(named)])
    generated_at = _str(report.get("generated_at"))
    data = {
        "schema": _str(report.get("schema")),
        "reviews_schema": REVIEWS_SCHEMA,
        "generated_at": generated_at,
        "storage_key": STORAGE_KEY,
        "reviews": {fv.id: {"status": fv.status, "note": fv.note,
                            "at": _review_at(f.get("review") or {})}
                    for f, fv in ((f, views[_str(f.get("id"))]) for f in ordered)},
    }
    return {
        "schema": _str(report.get("schema")),
        "generated_at": generated_at,
        "card_inputs": card_inputs,
        "model": _str(report.get("model")),
        "pipeline_version": _str(report.get("pipeline_version")),
        "articles": articles,
        "sections": sections,
        "totals": totals,
        "kind_counts": kind_counts,
        "kind_labels": KIND_LABELS,
        "statuses": STATUSES,
        "errors": errors,
        "events": events,
        "since": since,
        "event_of": event_of,
        "rerun": totals["reused_articles"] > 0 or bool(since),
        "entities": entities,
        "entity_grid": grid,
        "matrix_agree_open": MATRIX_AGREE_OPEN_MAX,
        "facets": sorted({fv.facet for fv in all_views if fv.facet}),
        "n_findings": len(all_views),
        "data_json": _json_for_script(data),
    }



# --------------------------------------------------------------------------- rendering


@lru_cache(maxsize=1)
def _environment() -> Environment:
    """The jinja2 environment: templates from crosscheck/templates, autoescape on."""
    return Environment(
        loader=FileSystemLoader(str(TEMPLATE_DIR)),
        autoescape=select_autoescape(
            enabled_extensions=("html", "j2", "html.j2"), default_for_string=True, default=True
        ),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


def _raw_source(name: str) -> str:
    """A template file's text, unrendered (the inline CSS and JS)."""
    env = _environment()
    assert env.loader is not None
    return env.loader.get_source(env, name)[0]


def _csp_hash(source: str) -> str:
    """The CSP source expression that allows exactly this inline script or style."""
    digest = hashlib.sha256(source.encode("utf-8")).digest()
    return "'sha256-" + base64.b64encode(digest).decode("ascii") + "'"


def render_html(report: dict[str, Any]) -> str:
    """The report as one self-contained HTML page (inline CSS/JS, no external resources)."""
    return "".join(_html_chunks(report))


def _html_chunks(
    report: dict[str, Any], fragments: Mapping[str, str] | None = None,
    used: dict[str, str] | None = None,
) -> Iterator[str]:
    """``render_html`` piece by piece (a 5,000-article page need not sit in memory whole).

    ``fragments`` holds article sections rendered by an earlier run, by ``SectionInput.key``:
    a section whose inputs did not change is reused, not cut and rendered again. Every
    section of this page is put into ``used`` (the fragments to keep for the next run).
    """
    view = build_view(report)
    css, js = _raw_source(CSS_FILE), _raw_source(JS_FILE)
    csp = (
        "default-src 'none'; img-src data:; base-uri 'none'; form-action 'none'; "
        f"style-src {_csp_hash(css)}; script-src {_csp_hash(js)}"
    )
    sections = _article_sections(view.pop("sections"), fragments or {}, used)
    cards = _Cards(view.pop("card_inputs"), fragments or {}, used)
    template = _environment().get_template(REPORT_TEMPLATE)
    return template.generate(**view, article_sections=sections, cards=cards,
                             css=Markup(css), js=Markup(js), csp=csp)


class _Cards:
    """Finding id -> the card's HTML: from the fragments when the finding and the outlets it
    names are unchanged (key: a hash of both and of the card template), else rendered now."""

    def __init__(self, inputs: Mapping[str, tuple[dict[str, Any], Callable[[], FindingView],
                                                  list[Any]]],
                 fragments: Mapping[str, str], used: dict[str, str] | None) -> None:
        self.inputs, self.fragments, self.used = inputs, fragments, used
        self.macro = _environment().get_template(CARD_TEMPLATE).module.card  # type: ignore[attr-defined]

    def __getitem__(self, finding_id: str) -> Markup:
        raw, full_view, outlets = self.inputs[finding_id]
        key = hashlib.sha256(orjson.dumps(
            ["card", _template_hash(CARD_TEMPLATE), raw, outlets],
            option=orjson.OPT_SORT_KEYS | orjson.OPT_NON_STR_KEYS)).hexdigest()[:32]
        html = self.fragments.get(key)
        if html is None:
            html = str(self.macro(full_view()))
        if self.used is not None:
            self.used[key] = html
        return Markup(html)


def _article_sections(sections: Sequence[SectionInput], fragments: Mapping[str, str],
                      used: dict[str, str] | None) -> Iterator[Markup]:
    """Each article's rendered section: from ``fragments`` when its key is there, else cut
    into segments and rendered now."""
    macro = _environment().get_template(ARTICLE_TEMPLATE).module.article_section  # type: ignore[attr-defined]
    for sec in sections:
        key = sec.key()
        html = fragments.get(key)
        if html is None:
            view = _article_view(sec.article, sec.claims, sec.removed, sec.marks, sec.anchors)
            html = str(macro(view))
        if used is not None:
            used[key] = html
        yield Markup(html)


@lru_cache(maxsize=4)
def _template_hash(name: str) -> str:
    """A hash of a fragment's template and of this module (which builds what the template
    shows): a fragment rendered by other code is never reused."""
    h = hashlib.sha256(_raw_source(name).encode("utf-8"))
    h.update(Path(__file__).read_bytes())
    return h.hexdigest()[:16]


# --------------------------------------------------------------------------- writing


def write_report(report: dict[str, Any], out_dir: Path,
                 fragment_cache: Path | None = None) -> tuple[Path, Path]:
    """Write ``out_dir/index.html`` and ``out_dir/report.json``; return both paths.

    The JSON is serialised first and the page streamed into a temporary file beside the old
    one, so a failure while rendering leaves both existing files untouched; each file is then
    replaced atomically (the page first). Streaming keeps a 100 MB page out of memory.

    ``fragment_cache`` (a file; the pipeline keeps it in the claim store) holds the article
    sections of the last page: on a re-run, the sections of unchanged articles are reused.
    A missing or unreadable cache only costs the rendering.
    """
    # orjson: the same indented UTF-8 JSON as json.dumps(indent=2), ~20x faster on big reports
    payload = orjson.dumps(report, option=orjson.OPT_INDENT_2 | orjson.OPT_NON_STR_KEYS
                           | orjson.OPT_APPEND_NEWLINE)
    fragments: dict[str, str] = {}
    if fragment_cache is not None:
        with contextlib.suppress(OSError, orjson.JSONDecodeError):
            loaded = orjson.loads(Path(fragment_cache).read_bytes())
            if isinstance(loaded, dict):
                fragments = {k: v for k, v in loaded.items() if isinstance(v, str)}
    used: dict[str, str] = {}
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    json_path = out_dir / "report.json"
    html_path = out_dir / "index.html"
    # the JSON goes to its temporary file first and is let go of (126 MB at 5,000 articles
    # need not sit in memory while the page renders); the page is streamed into its own; the
    # page replaces the old one first, then the JSON; a failure anywhere leaves both old files
    # not fsynced (durable=False): both files are outputs a re-run rebuilds from the store;
    # the atomic replace still means a reader never sees half a file
    with atomic_writer(json_path, durable=False) as jf:
        jf.write(payload)
        del payload
        with atomic_writer(html_path, durable=False) as fh:
            buf: list[str] = []
            size = 0
            for chunk in _html_chunks(report, fragments, used):
                buf.append(chunk)
                size += len(chunk)
                if size >= 1 << 20:
                    fh.write("".join(buf).encode("utf-8"))
                    buf, size = [], 0
            fh.write("".join(buf).encode("utf-8"))
    if fragment_cache is not None:
        atomic_write_bytes(Path(fragment_cache), orjson.dumps(used), durable=False)
    return html_path, json_path
