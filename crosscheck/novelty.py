"""What is new since the last run, and what changed (the report's "since last run" view).

A finding is **new** only when it involves an article that is new or changed since the last
run, or shows a value no finding of the last run had (a claim that was in none of them, or
whose facets are not what they were then). Clusters move when articles arrive: a claim
joins another fact, an agreeing core shifts, and the finding's id (a hash of its claims)
changes with it. Such a finding is the same finding as before: it is matched to the last
run's finding of the same kind and facet that shares most of its claims (at least half of
the old finding's claims, as ``review.apply`` carries decisions), keeps its old status (not
new), and is marked **changed** when its outlets or values differ from that finding's.

``state_entry`` is what ``state.json`` keeps for the next run: per finding its kind, facet,
claim ids and a digest of its values, and the keys (claim id + facets) of the claims the
findings showed. A divergence's values are every outlet on its sides: an outlet joining a
side changes the finding.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import replace
from typing import Any

from crosscheck.models import Article, Claim, Finding, FindingChange, FindingValue, content_id

CARRY_OVERLAP = 0.5  # share of an old finding's claims a finding must hold to be that finding


def changed_articles(articles: Iterable[Article], previous: Mapping[str, Any]) -> set[str]:
    """Ids of the articles that are new or whose bytes changed since the last run (none on
    a first run: nothing is new then)."""
    if not previous:
        return set()
    before = previous.get("articles", {})
    return {a.id for a in articles if before.get(a.id) != a.sha256}


def claim_key(c: Claim) -> str:
    """A claim as a finding shows it: its id (the article, the text) and its facets."""
    return content_id(c.id, *sorted(f"{f.type}\x1f{f.normalized}\x1f{f.subject or ''}"
                                    for f in c.facets))


def shown_values(f: Finding) -> tuple[FindingValue, ...]:
    """Every value a finding shows (a divergence's ``values`` hold every outlet of its
    sides)."""
    return tuple(f.values)


def digest(f: Finding) -> str:
    """What a finding says: per article, the values it gives."""
    return content_id(*sorted({f"{v.article_id}\x1f{v.normalized or v.value}"
                               for v in shown_values(f)}))


def _claims(f: Finding) -> list[str]:
    return sorted({v.claim_id for v in shown_values(f)})


def state_entry(findings: Sequence[Finding], claims: Sequence[Claim]) -> dict[str, Any]:
    """What the next run needs to tell new from moved: each finding's kind, facet, claim ids
    and value digest, and the keys of the claims the findings showed."""
    by_id = {c.id: c for c in claims}
    shown = {v.claim_id for f in findings for v in shown_values(f)}
    return {
        "findings": {f.id: [f.kind, f.facet, _claims(f), digest(f)] for f in findings},
        "seen_claims": sorted(claim_key(by_id[i]) for i in shown if i in by_id),
    }


def carried(findings: Sequence[Finding], previous: Mapping[str, Sequence[Any]]
            ) -> dict[str, str]:
    """Current finding id -> the last run's finding it is: the same id, or else the gone
    finding of the same kind and facet that shares most of its claims (at least half of
    the old one's)."""
    ids = {f.id for f in findings}
    out = {f.id: f.id for f in findings if f.id in previous}
    by_claim: dict[str, list[str]] = defaultdict(list)
    for pid, (_, _, cids, *_rest) in previous.items():
        if pid not in ids:
            for cid in cids:
                by_claim[cid].append(pid)
    for f in findings:
        if f.id in out:
            continue
        shared: dict[str, int] = defaultdict(int)
        for cid in _claims(f):
            for pid in by_claim.get(cid, ()):
                shared[pid] += 1
        best: tuple[float, str] | None = None
        for pid, k in shared.items():
            kind, facet, cids = previous[pid][0], previous[pid][1], previous[pid][2]
            if kind != f.kind or facet != f.facet:
                continue
            overlap = k / len(cids)
            if overlap >= CARRY_OVERLAP and (best is None or (overlap, pid) > best):
                best = (overlap, pid)
        if best is not None:
            out[f.id] = best[1]
    return out


def mark(findings: Sequence[Finding], previous_state: Mapping[str, Any],
         changed_article_ids: set[str], claims: Sequence[Claim]) -> list[Finding]:
    """Findings with ``new`` and ``change`` set against the last run's state (a first run
    marks nothing). A state written before this stage (finding ids only) matches findings by
    id alone and judges the rest by their articles."""
    if not previous_state:
        return [replace(f, new=False, change=None) for f in findings]
    previous: dict[str, Sequence[Any]] = dict(previous_state.get("findings") or {
        fid: ["", "", [], ""] for fid in previous_state.get("finding_ids", [])})
    seen_list = previous_state.get("seen_claims")
    seen = set(seen_list) if seen_list is not None else None
    by_id = {c.id: c for c in claims}
    same = carried(findings, previous)
    out = []
    for f in findings:
        old = same.get(f.id)
        if old is not None:
            before = previous[old][3] if len(previous[old]) > 3 else ""
            change: FindingChange | None = (
                "changed" if before and before != digest(f) else None)
            out.append(replace(f, new=False, change=change))
            continue
        fresh = any(v.article_id in changed_article_ids for v in shown_values(f)) or (
            seen is not None and any(
                (claim_key(by_id[v.claim_id]) if v.claim_id in by_id else v.claim_id)
                not in seen for v in shown_values(f)))
        out.append(replace(f, new=fresh, change="new" if fresh else None))
    return out
