"""Acceptance on the real Korean seed pages in ../shared/seeds (skipped when absent).

Only short fragments (names, titles, chrome markers) of the seed text appear here.
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest

from crosscheck import lang
from crosscheck.models import Article, Claim, Facet
from crosscheck.pipeline import Corpus, load_corpus
from crosscheck.split import body_segments

SEEDS = Path(__file__).resolve().parents[1].parent / "shared" / "seeds"

pytestmark = pytest.mark.seeds

CHROME = ["버튼", "사진=", "무단전재", "WEEKLY HOT", "가장 많이 읽힌", "고객센터", "마이핀",
          "GOLD PLUS", "![", "<앵커>"]
STOCK = re.compile(r"(?:코스피|코스닥)\s*[\d,.]+")


@pytest.fixture(scope="module")
def seeds() -> Corpus:
    """The seed pages, ingested, split and annotated."""
    if not SEEDS.is_dir():
        pytest.skip("../shared/seeds is absent")
    return load_corpus([SEEDS])


def article(corpus: Corpus, prefix: str) -> Article:
    """The seed article whose id starts with ``prefix`` (000 ... 004)."""
    return next(a for a in corpus.articles if a.id.startswith(prefix))


def claims(corpus: Corpus, prefix: str) -> list[Claim]:
    """The claims of one seed article."""
    aid = article(corpus, prefix).id
    return [c for c in corpus.claims if c.article_id == aid]


def test_all_seeds_load(seeds: Corpus) -> None:
    """All five seeds are read without errors and give claims."""
    assert not seeds.errors
    assert len(seeds.articles) == 5
    for p in ("000", "001", "002", "003", "004"):
        assert len(claims(seeds, p)) >= 10


def test_no_claim_contains_web_chrome(seeds: Corpus) -> None:
    """No claim carries page furniture: stock tickers, buttons, captions, copyright, menus."""
    bad = [
        (c.article_id[:3], marker)
        for c in seeds.claims
        for marker in CHROME
        if marker in c.text
    ]
    bad += [(c.article_id[:3], "stock index") for c in seeds.claims if STOCK.search(c.text)]
    assert bad == []


def test_offsets_slice(seeds: Corpus) -> None:
    """Every claim and facet slices exactly out of its article's text."""
    texts = {a.id: a.text for a in seeds.articles}
    for c in seeds.claims:
        assert texts[c.article_id][c.start : c.end] == c.text
        for f in c.facets:
            assert texts[c.article_id][f.start : f.end] == f.value


def test_no_body_sentence_is_missing(seeds: Corpus) -> None:
    """Every word of every non-removed body line is inside some claim."""
    for a in seeds.articles:
        cl = [c for c in seeds.claims if c.article_id == a.id]
        for s, e in body_segments(a):
            lost = [
                i for i in range(s, e)
                if re.match(r"\w", a.text[i]) and not any(c.start <= i < c.end for c in cl)
            ]
            assert not lost, f"{a.id[:3]}: a body line lost {len(lost)} word characters"


def titles_of(cl: list[Claim], person: str) -> set[str]:
    """Title surfaces whose subject resolves to ``person``."""
    return {f.value for c in cl for f in c.facets if f.type == "title" and f.subject == person}


@pytest.mark.parametrize(
    ("prefix", "titles"),
    [("000", {"장관"}), ("001", {"부총리"}), ("003", {"부총리", "장관"})],
)
def test_bae_titles(seeds: Corpus, prefix: str, titles: set[str]) -> None:
    """배경훈 carries 장관 in 000, 부총리 in 001, and both (부총리 겸 … 장관) in 003."""
    assert titles <= titles_of(claims(seeds, prefix), "배경훈")


def quoted(text: str, pos: int, start: int) -> bool:
    """True when ``pos`` lies inside double quotation marks opened after ``start``."""
    before = text[start:pos]
    return before.count("“") > before.count("”") or before.count('"') % 2 == 1


def dominant_document_type(a: Article, cl: list[Claim]) -> str | None:
    """The article's document type: the most frequent non-generic ``document_type`` facet
    outside double quotation marks (a speaker's words do not name the signed text); a tie
    goes to the type named first."""
    generic = lang.get(a.language).generic_doc_types()
    found: list[Facet] = [
        f for c in cl for f in c.facets
        if f.type == "document_type" and f.normalized not in generic
        and not quoted(a.text, f.start, c.sentence_start)
    ]
    if not found:
        return None
    counts = Counter(f.normalized for f in found)
    first: dict[str, int] = {}
    for f in sorted(found, key=lambda f: f.start):
        first.setdefault(f.normalized, f.start)
    return max(counts, key=lambda k: (counts[k], -first[k]))


@pytest.mark.parametrize(
    ("prefix", "doc"),
    [("000", "agreement"), ("001", "mou"), ("002", "agreement"), ("003", "mou"), ("004", "mou")],
)
def test_dominant_document_type(seeds: Corpus, prefix: str, doc: str) -> None:
    """Each seed's dominant document type is the one its story reports (agreement vs MOU)."""
    assert dominant_document_type(article(seeds, prefix), claims(seeds, prefix)) == doc


@pytest.mark.parametrize("prefix", ["000", "002", "003", "004"])
def test_outlet_inferred(seeds: Corpus, prefix: str) -> None:
    """The outlet is inferred from the page text, with its provenance."""
    a = article(seeds, prefix)
    assert a.outlet
    assert "outlet" in a.meta_dict()


@pytest.mark.parametrize("prefix", ["000", "003", "004"])
def test_published_inferred(seeds: Corpus, prefix: str) -> None:
    """The publication date is inferred as an ISO date (YYYY-MM-DD...)."""
    a = article(seeds, prefix)
    assert a.published and re.match(r"20\d\d-\d\d-\d\d", a.published)
