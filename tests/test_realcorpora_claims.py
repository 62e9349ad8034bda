"""Acceptance on the real pages in ../shared/realcorpora (skipped where absent): a claim is an
assertion (issue 15).

Each corpus folder holds raw news pages, menus, captions, bylines and all. The detectors
below are this test's own: structural, simpler than the chrome scan, and written without
looking at its code — they say what a byline, a credit or caption, a heading, a dateline, a
timestamp and a site note look like. No claim may be one; every sentence-like line of a body
(it ends in a Korean predicate ending or in ./?/! and has six or more words) must still
overlap a claim, unless the detectors call that line chrome. Only short chrome markers appear
here, never the pages' sentences.
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest

from crosscheck.models import Article, Claim
from crosscheck.pipeline import Corpus, load_corpus

REAL = Path(__file__).resolve().parents[1].parent / "shared" / "realcorpora"
EVENTS = sorted(p.name for p in REAL.iterdir() if p.is_dir()) if REAL.is_dir() else []

pytestmark = [
    pytest.mark.seeds,
    pytest.mark.skipif(not EVENTS, reason="../shared/realcorpora is absent"),
]

# ----------------------------------------------------------------------------- detectors

KO_NAME = r"[가-힣]{2,4}"
BYWORD = r"(?:기자|특파원|[Rr]eporter|[Cc]orrespondent)"
EMAIL = r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+"
DATE = (r"(?:(?:19|20)\d\d[-./]\d{1,2}[-./]\d{1,2}\.?|\d{1,2}/\d{1,2}/(?:19|20)\d\d"
        r"|[A-Z][a-z]{2,8}\.? \d{1,2},? (?:19|20)\d\d|\d{1,2} [A-Z][a-z]{2,8}\.?,? (?:19|20)\d\d"
        r"|(?:19|20)\d\d년 ?\d{1,2}월 ?\d{1,2}일)")
TIME = r"\d{1,2}:\d{2}(?::\d{2})?"
DATE_WORDS = r"(?:기사|입력|수정|등록|송고|승인|오전|오후|Published|Updated|Posted|on|at|by|[AP]M)"
KO_END = r"(?:다|요|죠|까|니다|음|함|임|됨)"
CLOSE = r"[\"'”’)\]」』]*"
LIST_MARK = re.compile(r"^(?:[▲△▶▷■□◆◇•·*ㅇ○●-]|[①-⑳]|\(?\d{1,2}[.)])")
SELF = re.compile(r"기사|본문|누리집|홈페이지|다음은|아래는|[Tt]his (?:story|article|page|report)"
                  r"|news story|website|[Aa]udio report")
META = re.compile(r"요약|권장|전문|번역|주요\s?내용|공식|업데이트|breaking|updates|by AI|summar",
                  re.I)


def byline(t: str) -> bool:
    """A reporter's or outlet's name standing for itself: [Outlet= Name], [X 기자] before a
    sentence, 이름 기자 (with an e-mail, or glued after the last sentence), 이름 기자입니다,
    "By …", "(With inputs from …)"."""
    t = t.strip()
    return bool(
        re.match(r"^[\[【][^\]】]{0,40}(?:=|기자|특파원)[^\]】]{0,40}[\]】]", t)
        or re.search(rf"(?:^|[.!?”\"’]\s*){KO_NAME}\s?{BYWORD}(?:입니다\.?)?(?:\s+{EMAIL})?$", t)
        or re.match(rf"^{KO_NAME}\s?기자\s?=", t)
        or re.match(r"^(?:By|BY)\s+[A-Z]", t)
        or re.match(r"^\(?(?:With inputs? from|Reporting by)\b", t)
        or (len(t) < 80 and re.search(EMAIL, t)))


def credit_or_caption(t: str) -> bool:
    """A photo or data credit, alone or closing a caption: 사진=…, Photo: …, Courtesy of …,
    /이름 기자, [ALL CAPS CREDIT], ⓒ …, "… . 연합뉴스", "… 제공"."""
    return bool(
        re.search(r"(?:사진|자료|그래픽|Photo|Image)\s?[=:]", t)
        or re.search(r"[Cc]ourtesy of", t)
        or re.search(rf"/\s?{KO_NAME}\s?기자\s*$", t)
        or re.search(r"\[[A-Z][A-Z .&/-]{3,}\]\s*$", t)
        or re.search(r"[ⓒ©]", t)
        or re.search(r"[.…]\s?(?:연합뉴스|뉴시스|뉴스1|Reuters|AP|AFP|Yonhap|News1)\s*$", t)
        or re.search(r"[.…]\s?\S{1,12}\s제공\s*$", t))


def dateline(t: str) -> bool:
    """Where (and when) a report was filed: "PLACE -- ", "PLACE (Wire) - ", "(서울=연합뉴스)",
    "Place, Mon D"."""
    t = t.strip()
    return bool(
        re.match(r"^[A-Z][A-Z/ ]{2,}(?:,[^()\n]{0,20})?\s?(?:\([A-Za-z .&]+\))?\s?(?:--|-|—)", t)
        or re.match(r"^\([가-힣A-Za-z]{1,10}=[^)]{1,15}\)", t)
        or re.fullmatch(r"[A-Z][a-z]+(?: [A-Z][a-z]+)?, [A-Z][a-z]{2,8}\.? \d{1,2}", t))


def timestamp(t: str) -> bool:
    """A line of dates and times with at most two other words (labels, a section word)."""
    if not re.search(DATE, t):
        return False
    rest = re.sub(DATE, " ", t)
    rest = re.sub(TIME, " ", rest)
    rest = re.sub(EMAIL, " ", rest)
    rest = re.sub(rf"\b{DATE_WORDS}\b|{DATE_WORDS}", " ", rest)
    return len(re.findall(r"\w+", rest)) <= 2


def site_note(t: str) -> bool:
    """The site speaking about the page itself: the article, its summary, the website."""
    return bool(SELF.search(t) and META.search(t)) and len(re.findall(r"[.!?]\s", t + " ")) <= 3


def sentence_like(line: str) -> bool:
    """Ends in a Korean predicate ending or in ./?/!, and has six or more words."""
    s = line.strip()
    return len(s.split()) >= 6 and bool(
        re.search(rf"{KO_END}[.!?]?{CLOSE}$", s) or re.search(rf"[.!?]{CLOSE}$", s))


def ends_like_a_sentence(line: str) -> bool:
    s = line.strip()
    return bool(re.search(rf"{KO_END}[.!?]?{CLOSE}$|[.!?…:]{CLOSE}$", s))


def chrome_line(line: str) -> bool:
    """A whole line this test's detectors call chrome."""
    return any(f(line) for f in (byline, credit_or_caption, dateline, timestamp, site_note))


# ----------------------------------------------------------------------------- helpers


def body_lines(a: Article) -> list[tuple[int, int, str]]:
    """(start, end, stripped text) of each non-blank line after the front matter."""
    start = next((r.end for r in a.removed if r.reason == "front_matter"), 0)
    out = []
    pos = start
    for raw in a.text[start:].splitlines(keepends=True):
        s = raw.strip()
        if s:
            lead = len(raw) - len(raw.lstrip())
            out.append((pos + lead, pos + lead + len(s), s))
        pos += len(raw)
    return out


def heading(c: Claim, lines: list[tuple[int, int, str]]) -> bool:
    """A claim that is a whole short line without a predicate (or a short question) after
    the article's first sentence, just before a sentence-like line: a section heading.
    (The title and decks above the first sentence state the story and are claims.)"""
    first = next((k for k, (_, _, s) in enumerate(lines) if sentence_like(s)), len(lines))
    for k, (s, e, line) in enumerate(lines):
        if not (s <= c.start and c.end <= e) or c.text.strip() != line:
            continue
        if k <= first or k + 1 >= len(lines) or LIST_MARK.match(line):
            return False
        if len(line.split()) > 12 or line.endswith((",", "…", ".")):
            return False
        question = line.endswith("?") and len(line.split()) <= 8
        if ends_like_a_sentence(line) and not question and not line.endswith(":"):
            return False
        nxt = lines[k + 1][2]
        return sentence_like(nxt) and not re.fullmatch(r"[<\[][^>\]]{1,20}[>\]]", nxt)
    return False


@pytest.fixture(scope="module", params=EVENTS)
def corpus(request: pytest.FixtureRequest) -> Corpus:
    """One real corpus, ingested, split and annotated."""
    return load_corpus([REAL / request.param])


def claims_by_article(corpus: Corpus) -> dict[str, list[Claim]]:
    out: dict[str, list[Claim]] = {a.id: [] for a in corpus.articles}
    for c in corpus.claims:
        out[c.article_id].append(c)
    return out


# ----------------------------------------------------------------------------- tests


def test_every_page_gives_claims(corpus: Corpus) -> None:
    """Every page is read and gives claims; every claim slices out of its article."""
    assert not corpus.errors
    texts = {a.id: a.text for a in corpus.articles}
    by_article = claims_by_article(corpus)
    for aid, cl in by_article.items():
        assert cl, aid
        for c in cl:
            assert texts[aid][c.start:c.end] == c.text


@pytest.mark.parametrize("kind", ["byline", "credit_or_caption", "dateline", "timestamp",
                                  "site_note", "heading"])
def test_no_claim_is_chrome(corpus: Corpus, kind: str) -> None:
    """No claim is a byline, a credit or caption, a dateline, a timestamp, a site note or a
    section heading."""
    detect = {"byline": byline, "credit_or_caption": credit_or_caption, "dateline": dateline,
              "timestamp": timestamp, "site_note": site_note}.get(kind)
    bad = []
    for a in corpus.articles:
        lines = body_lines(a)
        for c in claims_by_article(corpus)[a.id]:
            hit = heading(c, lines) if detect is None else detect(c.text)
            if hit:
                bad.append((a.id, c.text[:60]))
    assert bad == []


def test_body_sentences_are_all_in_claims(corpus: Corpus) -> None:
    """Every sentence-like line of a body overlaps a claim, unless it is chrome by this
    test's detectors: nothing the story says was removed."""
    lost = []
    for a in corpus.articles:
        cl = claims_by_article(corpus)[a.id]
        for s, e, line in body_lines(a):
            if not sentence_like(line) or chrome_line(line):
                continue
            if not any(c.start < e and s < c.end for c in cl):
                lost.append((a.id, line[:60]))
    assert lost == []


def test_removed_text_is_never_a_body_sentence(corpus: Corpus) -> None:
    """A whole removed line is never a sentence-like line the detectors do not call chrome
    (the same check, from the removed spans' side, with their reasons)."""
    wrong = []
    for a in corpus.articles:
        for r in a.removed:
            piece = a.text[r.start:r.end]
            if "\n" in piece.strip() or r.reason in ("front_matter", "markup"):
                continue
            if sentence_like(piece) and not chrome_line(piece):
                wrong.append((a.id, r.reason, piece[:60]))
    assert wrong == []


def test_the_issue_kinds_are_removed_with_their_reasons(corpus: Corpus) -> None:
    """Each corpus has bylines, captions and timestamps removed as such; together the two
    show every new reason (heading, site_note, timestamp, duplicate)."""
    got = Counter(r.reason for a in corpus.articles for r in a.removed)
    assert got["byline"] and got["photo_caption"] and got["timestamp"]
    assert got["heading"] or got["site_note"]


def test_no_speaker_or_place_comes_from_chrome(corpus: Corpus) -> None:
    """No facet (speaker, person, place…) carries a byline or credit fragment (기자], 사진=,
    Courtesy of): the findings' false speakers and places of the issue."""
    chrome = re.compile(r"기자\s?[\]=]|사진\s?=|[Cc]ourtesy of|@\w")
    bad = [(c.article_id, f.type, f.value) for c in corpus.claims for f in c.facets
           if chrome.search(f"{f.value} {f.subject or ''}")]
    assert bad == []
