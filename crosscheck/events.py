"""Stage 4c: which articles report the same event.

A folder often holds one story told over weeks: a disclosure, an apology, investigation
results, a fine; a deal announced, then its fact sheet two weeks later. Values of different
events must not be set against each other (the day of one briefing against the day of the
next), so values are compared only within an event.

Two articles report one event when they are close in time and share facts, or share many
facts whatever their dates:

* an article's day is its publication date, else the latest full date its claims state;
* two articles' overlap is the share of the smaller one's claims that sit in a claim
  cluster with a claim of the other (the facts they both tell);
* they are linked when ``overlap >= NEAR_OVERLAP`` and their days are at most
  ``NEAR_DAYS`` apart (or one has no day), or when ``overlap >= FAR_OVERLAP``;
* events are the connected groups of linked articles; an article linked to none is an
  event of its own.

Precision first: articles with no shared fact are never put together by their dates alone.
A folder about one event stays one event.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from datetime import date

from crosscheck.models import Article, Claim, Cluster, Event, content_id

NEAR_DAYS = 3
NEAR_OVERLAP = 0.08
FAR_OVERLAP = 0.3


def article_day(article: Article, claims: Sequence[Claim]) -> date | None:
    """The day an article reports: its publication date, else the latest full date its
    claims give (an undated page about yesterday's briefing names that day)."""
    from crosscheck.facets import article_date

    got = article_date(article)
    if got is not None:
        return got
    days = []
    for c in claims:
        for f in c.facets:
            if f.type == "date" and len(f.normalized) >= 10 and f.normalized[:4].isdigit():
                try:
                    days.append(date.fromisoformat(f.normalized[:10]))
                except ValueError:
                    continue
    return max(days) if days else None


def overlaps(clusters: Sequence[Cluster], sizes: Mapping[str, int]) -> dict[tuple[str, str], float]:
    """For each pair of articles that share a claim cluster, the share of the smaller one's
    claims that do."""
    shared: Counter[tuple[str, str]] = Counter()
    for cl in clusters:
        arts = sorted(set(cl.article_ids))
        for i, a in enumerate(arts):
            for b in arts[i + 1 :]:
                shared[(a, b)] += 1
    return {k: n / max(1, min(sizes.get(k[0], 1), sizes.get(k[1], 1)))
            for k, n in shared.items()}


def group_events(articles: Sequence[Article], claims: Sequence[Claim],
                 clusters: Sequence[Cluster]) -> list[Event]:
    """The corpus's events, largest first; every article is in exactly one."""
    by_article: dict[str, list[Claim]] = defaultdict(list)
    for c in claims:
        by_article[c.article_id].append(c)
    days = {a.id: article_day(a, by_article[a.id]) for a in articles}
    sizes = {a.id: max(1, len(by_article[a.id])) for a in articles}
    parent = {a.id: a.id for a in articles}

    def find(x: str) -> str:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for (a, b), ov in sorted(overlaps(clusters, sizes).items()):
        if a not in parent or b not in parent:
            continue
        da, db = days.get(a), days.get(b)
        near = da is None or db is None or abs((da - db).days) <= NEAR_DAYS
        if (near and ov >= NEAR_OVERLAP) or ov >= FAR_OVERLAP:
            parent[find(b)] = find(a)
    groups: dict[str, list[str]] = defaultdict(list)
    for a in articles:
        groups[find(a.id)].append(a.id)
    out = []
    for members in groups.values():
        members.sort()
        dated = sorted({d.isoformat() for m in members if (d := days.get(m)) is not None})
        label = _label(dated, len(members))
        out.append(Event(content_id("event", *members), label, tuple(members), tuple(dated)))
    out.sort(key=lambda e: (-len(e.article_ids), e.dates[:1], e.id))
    return out


def _label(days: Sequence[str], n: int) -> str:
    if not days:
        return f"{n} article{'s' if n != 1 else ''}, undated"
    span = days[0] if days[0] == days[-1] else f"{days[0]} – {days[-1]}"
    return f"{span} · {n} article{'s' if n != 1 else ''}"


def event_of(events: Sequence[Event]) -> dict[str, str]:
    """Article id -> its event's id."""
    return {a: e.id for e in events for a in e.article_ids}
