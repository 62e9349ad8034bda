"""Stage 4c: which articles report the same event.

A folder often holds one story told over weeks: a disclosure, an apology, investigation
results, a fine; a deal announced, then its fact sheet two weeks later. Values of different
events must not be set against each other (the day of one briefing against the day of the
next), so values are compared only within an event.

Two articles report one event when they are close in time and tell of the same people and
facts, or share many facts whatever their dates:

* an article's day is its publication date;
* two articles' overlap is the share of the smaller one's claims that sit in a claim
  cluster with a claim of the other (the facts they both tell); their names are the
  people (one entity across scripts), organisations and places they name;
* two dated articles are linked when they share a name and ``NEAR_OVERLAP`` of their facts,
  or two people (one story, however far apart the days), or when their days are at most
  ``NEAR_DAYS`` apart and they share a name or that much of their facts;
* an article with no date joins the one dated article it shares most with (at least
  ``NEAR_OVERLAP`` of its facts, or two names; an undated one only when no dated one
  qualifies): it cannot chain two periods together;
* in a corpus of six articles or more, a name counts only when at most half of them give
  it (the company at the centre of a story is in all of them and tells no event from
  another);
* events are the connected groups of linked articles.

Precision first: articles that share nothing are never put together by their dates alone.
A folder about one event stays one event.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from datetime import date

from crosscheck.disjoint import DisjointSets
from crosscheck.models import Article, Claim, Cluster, Event, content_id

NEAR_DAYS = 3
NEAR_OVERLAP = 0.08


def article_day(article: Article) -> date | None:
    """The day an article reports: its publication date (the dates its claims give are of
    what it tells, often earlier events)."""
    from crosscheck.facets import article_date

    return article_date(article)


def _names(claims: Sequence[Claim], canon: Mapping[str, str]) -> frozenset[str]:
    """Who and where an article names: persons (one entity across scripts),
    organisations, places below country level."""
    out = set()
    for c in claims:
        for f in c.facets:
            if f.type == "person":
                out.add("person:" + canon.get(f.normalized, f.normalized))
            elif f.type in ("organization", "place") and not f.normalized.startswith("country:"):
                out.add(f"{f.type}:{f.normalized}")
    return frozenset(out)


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
                 clusters: Sequence[Cluster], canon: Mapping[str, str] | None = None
                 ) -> list[Event]:
    """The corpus's events, largest first; every article is in exactly one. ``canon``
    maps person names to one entity across scripts (``entities.person_groups``)."""
    if canon is None:
        from crosscheck.entities import person_groups

        canon = person_groups(claims)
    by_article: dict[str, list[Claim]] = defaultdict(list)
    for c in claims:
        by_article[c.article_id].append(c)
    days = {a.id: article_day(a) for a in articles}
    sizes = {a.id: max(1, len(by_article[a.id])) for a in articles}
    sets = DisjointSets(a.id for a in articles)
    names = {a.id: _names(by_article[a.id], canon) for a in articles}
    # a name most articles give (the company at the centre of the story) tells no event
    # from another; the rarer ones do (the official who briefed, the day's venue)
    df: dict[str, int] = defaultdict(int)
    for ns in names.values():
        for x in ns:
            df[x] += 1
    if len(articles) >= 6:
        names = {a: frozenset(x for x in ns if df[x] <= len(articles) // 2)
                 for a, ns in names.items()}
    ov_of = overlaps(clusters, sizes)
    best_for_undated: dict[str, tuple[float, str]] = {}
    ids = sorted(a.id for a in articles)
    for i, a in enumerate(ids):
        for b in ids[i + 1 :]:
            ov = ov_of.get((a, b), 0.0)
            shared = bool(names[a] & names[b])
            da, db = days.get(a), days.get(b)
            if da is None or db is None:
                n_shared = len(names[a] & names[b])
                for x, y in ((a, b), (b, a)):
                    # an undated article joins its closest dated one (an undated one only
                    # when no dated one shares anything with it): the one it shares most
                    # facts with, or two names
                    score = ov + 0.05 * n_shared + (1.0 if days.get(y) is not None else 0.0)
                    if (days.get(x) is None and (ov >= NEAR_OVERLAP or n_shared >= 2)
                            and score > best_for_undated.get(x, (0.0, ""))[0]):
                        best_for_undated[x] = (score, y)
                continue
            near = abs((da - db).days) <= NEAR_DAYS
            people = sum(1 for x in names[a] & names[b] if x.startswith("person:"))
            if (near and (shared or ov >= NEAR_OVERLAP)) or (shared and ov >= NEAR_OVERLAP) or (
                    people >= 2):
                sets.union(a, b)
    for x, (_ov, y) in sorted(best_for_undated.items()):
        sets.union(y, x)
    groups: dict[str, list[str]] = defaultdict(list)
    for art in articles:
        groups[sets.find(art.id)].append(art.id)
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
