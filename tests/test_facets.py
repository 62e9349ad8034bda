"""Facets of claims: gold recall on the sample corpus, and small invented examples per type.

Facets come from the language modules (``crosscheck.lang``: ``ko``, ``en``, ``ja``) through
``crosscheck.facets.annotate``. Gold conventions vs ours (see articles/README.md "Gold file
conventions"); where ours differs and is equally right, the gold's ``normalized`` is mapped
to our convention here, by explicit tables (not by calling the code under test):

* title: the gold normalises a title to its surface in its language (``장관``, ``vice
  minister``, ``副大臣``); ours is a cross-language class (``장관``, ``Minister`` and ``大臣``
  -> ``minister``; ``차관``, ``Vice Minister``, ``副大臣`` -> ``vice_minister``). ``TITLE_CLASS``
  maps the gold's form to the class.
* place: the gold keeps the surface (``서울``); ours is a gazetteer key
  (``crosscheck/lang/gazetteer.py``): ``city:<geonameid>`` or ``country:<ISO>``, one key
  for every language's name of the place (``서울`` and ``Seoul`` -> the same ``city:``).
  ``GOLD_PLACES`` gives each gold place its name in English (whose key the surface must
  share) and the country it lies in; a region the gazetteer has no city key for (a
  province: ``온타리오주``) must at least lie in its country.
* document_type: the gold's English ``agreement`` is our generic ``accord`` (by design:
  English coverage uses "agreement" for any deal, so it names no particular instrument;
  the Korean 협정 and Japanese 協定 stay ``agreement``).
* quote: the gold keeps the words with their punctuation; ours is lower-cased with
  punctuation and spacing collapsed (``quote_norm``), so that near-identical quotes compare
  equal.
* number: an approximate figure (``약 3,400만 달러``, ``about $350 million``) keeps the same
  surface span as the gold but its normalised value is marked ``~`` (``~34000000 USD``),
  which the comparison uses to allow rounding. We expect the ``~`` where 약/about precedes.
* modality: ours spans the whole claim; we check the gold's verb phrase lies inside it.
* date subjects: the gold gives the person a date is about; our dates carry no subject, so the
  date ``subject`` is not checked.

Beyond the gold, the invented examples check what the facets now carry besides the value:
a figure's ``unit`` and ``head`` (what it counts), a date's ``unit`` (its granularity:
``day``, ``month``, ``year``) and the ``role`` of a range's ends (``start`` / ``end``).
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from pathlib import Path
from typing import Any

import pytest

from crosscheck import lang
from crosscheck.facets import annotate
from crosscheck.lang.gazetteer import gazetteer
from crosscheck.models import Article, Claim, Facet
from crosscheck.pipeline import Corpus, load_corpus
from crosscheck.split import split_article

ROOT = Path(__file__).resolve().parents[1]
GOLD = json.loads((ROOT / "tests" / "gold" / "sample.json").read_text(encoding="utf-8"))
FACET_TYPES = (
    "person", "title", "organization", "place", "document_type", "number", "date", "quote",
    "attribution", "modality",
)
APPROX_BEFORE = re.compile(r"(?:약|대략|about|around|approximately|nearly)\s*$", re.IGNORECASE)

# the gold's title (its surface, lower-cased in English) -> our cross-language class
TITLE_CLASS = {
    "장관": "minister", "차관": "vice_minister", "minister": "minister",
    "vice minister": "vice_minister", "大臣": "minister", "副大臣": "vice_minister",
    "社長": "company_president",
}
# the gold's place -> (its English name, whose gazetteer key it must share, or None for a
# region with no city key; the ISO code of the country it lies in)
GOLD_PLACES = {
    "서울": ("Seoul", "KR"), "Seoul": ("Seoul", "KR"), "대전": ("Daejeon", "KR"),
    "Busan": ("Busan", "KR"), "Sudbury": ("Sudbury", "CA"), "온타리오주": (None, "CA"),
    "北九州市": ("Kitakyushu", "JP"), "千代田区": ("Chiyoda", "JP"),
}
# the gold's document type where ours differs by design: (language, surface) -> ours
GOLD_DOC_TYPE_NOW = {("en", "agreement"): "accord"}


def quote_norm(words: str) -> str:
    """A quotation's comparison form: lower-cased, runs of punctuation and spaces collapsed
    to one space."""
    return re.sub(r"[\s\W_]+", " ", words).strip().lower()


@pytest.fixture(scope="module")
def corpus() -> Corpus:
    """The invented sample corpus, ingested, split and annotated."""
    return load_corpus([ROOT / "articles"])


def gold_claims(corpus: Corpus, entry: dict[str, Any]) -> tuple[Article, list[Claim], int]:
    """The article of a gold entry, the claims overlapping its text, and the text's offset."""
    article = next(a for a in corpus.articles if a.id == entry["article"])
    k = article.text.find(entry["text"])
    assert k >= 0, f"gold text not in {article.id}: {entry['text'][:30]}"
    e = k + len(entry["text"])
    claims = [c for c in corpus.claims if c.article_id == article.id and c.start < e and k < c.end]
    return article, claims, k


def expected_normalized(article: Article, entry: dict[str, Any], k: int) -> str | None:
    """The gold's normalised value, mapped to our convention where the two differ (None for
    a place checked by its country alone, see ``place_ok``)."""
    kind, value, norm = str(entry["type"]), str(entry["value"]), str(entry["normalized"])
    if kind == "title":
        return TITLE_CLASS[norm]
    if kind == "place":
        name, _ = GOLD_PLACES[value]
        return gazetteer().key(name) if name else None
    if kind == "document_type":
        return GOLD_DOC_TYPE_NOW.get((article.language, value), norm)
    if kind == "quote":
        return quote_norm(norm)
    if kind == "number":
        at = article.text.find(value, k)
        if at >= 0 and APPROX_BEFORE.search(article.text[max(0, at - 14) : at]):
            return "~" + norm
    return norm


def place_ok(entry: dict[str, Any], normalized: str) -> bool:
    """A place facet's key lies in the gold place's country (and is a key we know)."""
    _, country = GOLD_PLACES[str(entry["value"])]
    return normalized.startswith(("city:", "country:")) and (
        gazetteer().country(normalized) == country)


def gold_hit(corpus: Corpus, entry: dict[str, Any]) -> bool:
    """True when some claim over the gold text carries the gold facet (our conventions)."""
    article, claims, k = gold_claims(corpus, entry)
    want = expected_normalized(article, entry, k)
    for c in claims:
        for f in c.facets:
            if f.type != entry["type"]:
                continue
            if entry["type"] == "place" and not place_ok(entry, f.normalized):
                continue
            if want is not None and f.normalized != want:
                continue
            if entry["type"] == "modality":
                if entry["value"] not in f.value:
                    continue
            elif f.value != entry["value"]:
                continue
            if entry.get("subject") and entry["type"] != "date" and f.subject != entry["subject"]:
                continue
            assert article.text[f.start : f.end] == f.value
            return True
    return False


@pytest.fixture(scope="module")
def gold_results(corpus: Corpus) -> list[tuple[dict[str, Any], bool]]:
    """Each gold facet entry with whether we found it."""
    return [(entry, gold_hit(corpus, entry)) for entry in GOLD["facets"]]


def recall_table(results: list[tuple[dict[str, Any], bool]]) -> str:
    """Per-type recall as a small text table."""
    by: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for entry, ok in results:
        by[entry["type"]][0] += ok
        by[entry["type"]][1] += 1
    lines = [f"{t:14} {h:2}/{n:2}  {h / n:.2f}" for t, (h, n) in sorted(by.items())]
    total = sum(ok for _, ok in results)
    lines.append(f"{'total':14} {total:2}/{len(results):2}  {total / len(results):.2f}")
    return "\n".join(lines)


class TestGold:
    def test_overall_recall(self, gold_results: list[tuple[dict[str, Any], bool]]) -> None:
        """At least 85% of the gold facets are found with the gold value and normalised form."""
        table = recall_table(gold_results)
        print("\n" + table)
        missed = [(e["article"], e["type"], e["value"]) for e, ok in gold_results if not ok]
        recall = sum(ok for _, ok in gold_results) / len(gold_results)
        assert recall >= 0.85, f"{table}\nmissed: {missed}"

    @pytest.mark.parametrize("kind", FACET_TYPES)
    @pytest.mark.parametrize("language", ["ko", "en", "ja"])
    def test_each_type_in_each_language(
        self, gold_results: list[tuple[dict[str, Any], bool]], kind: str, language: str
    ) -> None:
        """Every facet type has at least one passing gold example in Korean, in English and
        in Japanese."""
        langs = {stem: meta["language"] for stem, meta in GOLD["metadata"].items()}
        hits = [
            ok for e, ok in gold_results if e["type"] == kind and langs[e["article"]] == language
        ]
        assert hits, f"no gold {kind} example in {language}"
        assert any(hits), f"no {language} gold {kind} found"

    def test_chrome_is_in_no_claim(self, corpus: Corpus) -> None:
        """Page furniture listed in the gold appears in no claim."""
        for stem, items in GOLD["chrome"].items():
            texts = [c.text for c in corpus.claims if c.article_id == stem]
            assert texts, stem
            for item in items:
                assert not any(item in t for t in texts), (stem, item)

    def test_metadata(self, corpus: Corpus) -> None:
        """Outlet, date, language and primary flag match the gold metadata."""
        arts = {a.id: a for a in corpus.articles}
        for stem, meta in GOLD["metadata"].items():
            a = arts[stem]
            assert a.outlet == meta["outlet"], stem
            assert (a.published or "")[:10] == meta["published"], stem
            assert a.language == meta["language"], stem
            assert a.primary == meta.get("primary", False), stem


# ----------------------------------------------------------------------------- inline examples


def annotated(text: str, language: str, published: str = "2026-05-13") -> list[Claim]:
    """Split and annotate an invented article published on ``published`` (a Wednesday)."""
    article = Article(
        id="t", path="t.txt", text=text, sha256="0", format="txt", language=language,
        published=published,
    )
    claims = annotate(article, split_article(article))
    for c in claims:
        for f in c.facets:
            assert text[f.start : f.end] == f.value, f
    return claims


def facets(claims: list[Claim], kind: str) -> list[Facet]:
    """All facets of one type."""
    return [f for c in claims for f in c.facets if f.type == kind]


def values(claims: list[Claim], kind: str) -> set[tuple[str, str]]:
    """(surface, normalised) pairs of one facet type."""
    return {(f.value, f.normalized) for f in facets(claims, kind)}


def range_ends(claims: list[Claim], kind: str, surface: str) -> set[tuple[str, str | None]]:
    """(normalised, role) of the facets of one type lying inside ``surface`` (a range as
    written: ``3~5%``), over the claims that contain it."""
    out: set[tuple[str, str | None]] = set()
    for c in claims:
        k = c.text.find(surface)
        if k < 0:
            continue
        a, b = c.start + k, c.start + k + len(surface)
        out |= {(f.normalized, f.role) for f in c.facets
                if f.type == kind and a <= f.start and f.end <= b}
    return out


def place_in(key: str, name: str, country: str) -> bool:
    """``key`` is the gazetteer key of the English ``name``, a place in ``country``."""
    gz = gazetteer()
    return key == gz.key(name) and key.startswith("city:") and gz.country(key) == country


KO = (
    "민지호 가나전자 대표는 12일 부산에서 다라화학과 양해각서(MOU)를 체결했다.\n"
    '민 대표는 "두 회사가 함께 성장하는 계기"라고 말했다.\n'
    "가나전자는 약 2억5천만 달러를 투자하고 직원 300여 명을 채용할 계획이다.\n"
    "회사 관계자는 지난 28일 설명회에서 세부 내용을 공개했다고 밝혔다.\n"
    "박서준 부총리 겸 기획재정부 장관은 내일 수원시에서 협정에 서명한다.\n"
    "산자부는 수출 통제를 강화하기로 했다.\n"
    "두 회사는 3~5%의 지분을 교환하며 5월 20일 공동 성명을 발표할 예정이다.\n"
)
EN = (
    "Trade Minister Alan Ridge signed a memorandum of understanding on Wednesday in Halifax.\n"
    '"This is a big day for both of us," Ridge said yesterday.\n'
    "Northwind Energy Solutions will invest about $1.2 billion and hire 400 people, "
    "according to the provincial government.\n"
    "The two countries plan to sign a treaty in Geneva on June 3; officials in Brussels said "
    "talks are going well.\n"
    "The sides also issued a joint statement and a memorandum of cooperation (MOC).\n"
    "Canada will expand exports of nickel.\n"
)


@pytest.fixture(scope="module")
def ko() -> list[Claim]:
    """The Korean invented article, annotated."""
    return annotated(KO, "ko")


@pytest.fixture(scope="module")
def en() -> list[Claim]:
    """The English invented article, annotated."""
    return annotated(EN, "en")


class TestKorean:
    def test_person_full_and_short_form(self, ko: list[Claim]) -> None:
        """A full name, and a surname + title later resolving to it (민 대표 -> 민지호)."""
        assert ("민지호", "민지호") in values(ko, "person")
        assert ("민 대표", "민지호") in values(ko, "person")

    def test_title_with_subject(self, ko: list[Claim]) -> None:
        """NAME ORG TITLE gives the title, normalised to its class, with the person as
        subject."""
        assert any(f.value == "대표" and f.normalized == "ceo" and f.subject == "민지호"
                   for f in facets(ko, "title"))

    def test_compound_title_keeps_both(self, ko: list[Claim]) -> None:
        """부총리 겸 OO부 장관 gives both titles to the same person, each with its class; 장관
        and Minister are one class across languages."""
        got = {(f.value, f.normalized, f.subject) for f in facets(ko, "title")}
        assert {("부총리", "deputy_prime_minister", "박서준"),
                ("장관", "minister", "박서준")} <= got
        assert lang.get("ko").title_key("장관") == lang.get("en").title_key("Minister") == (
            "minister")

    def test_organization_and_abbreviation(self, ko: list[Claim]) -> None:
        """Org names are found; a ministry's short name is normalised to its full name."""
        orgs = values(ko, "organization")
        assert ("가나전자", "가나전자") in orgs
        assert ("산자부", "산업통상자원부") in orgs
        assert not any(v == "관계자" for v, _ in orgs)

    def test_place(self, ko: list[Claim]) -> None:
        """Places get the gazetteer's cross-language key (부산 and Busan: one ``city:``, in
        Korea); a glued 시 is part of the surface."""
        places = dict(values(ko, "place"))
        assert place_in(places["부산"], "Busan", "KR")
        assert place_in(places["수원시"], "Suwon", "KR")
        assert gazetteer().key("부산") == gazetteer().key("Busan")

    def test_document_types(self, ko: list[Claim]) -> None:
        """양해각서(MOU) is one mou facet; 협정 is an agreement; 공동 성명 a joint statement."""
        docs = values(ko, "document_type")
        assert ("양해각서(MOU)", "mou") in docs
        assert ("협정", "agreement") in docs
        assert ("공동 성명", "joint_statement") in docs
        assert not any(v == "MOU" for v, _ in docs)

    def test_numbers(self, ko: list[Claim]) -> None:
        """억/천만 scales, 약 and 여 as approximations; a counter gives the unit (명: people)
        and the noun before it what is counted (``head``)."""
        nums = values(ko, "number")
        assert ("2억5천만 달러", "~250000000 USD") in nums
        assert ("300여 명", "~300 people") in nums
        staff = next(f for f in facets(ko, "number") if f.value == "300여 명")
        assert (staff.unit, staff.head) == ("people", "직원")

    def test_number_range(self, ko: list[Claim]) -> None:
        """A range (3~5%) is read as its two ends, each with its unit: 3 percent as the
        range's ``start``, 5 percent as its ``end`` (not 5 percent alone, which would agree
        with an outlet writing 5%)."""
        assert range_ends(ko, "number", "3~5%") == {("3 percent", "start"), ("5 percent", "end")}

    def test_dates_relative_to_publication(self, ko: list[Claim]) -> None:
        """N일, 지난 N일, 내일 and M월 N일 resolve against the article date (2026-05-13), each
        a ``day``."""
        dates = values(ko, "date")
        assert ("12일", "2026-05-12") in dates
        assert ("지난 28일", "2026-04-28") in dates
        assert ("내일", "2026-05-14") in dates
        assert ("5월 20일", "2026-05-20") in dates
        assert {f.unit for f in facets(ko, "date")} == {"day"}

    def test_date_granularity(self) -> None:
        """A month alone (7월 말) is a ``month``, a year alone (2027년까지) a ``year``."""
        got = {(f.value, f.normalized, f.unit) for f in facets(annotated(
            "공장은 2027년까지 완공된다.\n회담은 7월 말 열린다.\n", "ko"), "date")}
        assert ("2027년", "2027", "year") in got
        assert ("7월 말", "2026-07", "month") in got

    def test_date_range(self) -> None:
        """A range's ends (20일부터 22일까지) are its ``start`` and ``end``; the end, written
        without its month, lies in the start's month (2026-05-22, not a day in April)."""
        claims = annotated("회의는 20일부터 22일까지 열린다.\n", "ko")
        assert range_ends(claims, "date", "20일부터 22일") == {
            ("2026-05-20", "start"), ("2026-05-22", "end")}

    def test_spaced_compound_doc_types(self) -> None:
        """A compound document type is found however its parts are spaced (양해 각서 and
        양해각서, 공동 선언 and 공동선언문), by the data file's part boundaries, not by
        listing each spacing; a word that only shares letters with one is none."""
        docs = values(annotated(
            "양국은 양해 각서를 맺었다.\n양국은 양해각서를 맺었다.\n"
            "정상들은 공동 선언을 채택했다.\n정상들은 공동선언문을 채택했다.\n"
            "부처는 보도 자료를 냈다.\n양측은 종합 의견을 냈다.\n",
            "ko"), "document_type")
        assert {("양해 각서", "mou"), ("양해각서", "mou"), ("공동 선언", "joint_declaration"),
                ("공동선언문", "joint_declaration"), ("보도 자료", "press_release")} <= docs
        assert not any(k == "accord" for _, k in docs)  # 종합 의견 is no 합의

    @pytest.mark.parametrize("written", ["3~5%", "3-5%", "3∼5%", "3%~5%"])
    def test_number_range_forms(self, written: str) -> None:
        """Every way of writing a range gives its two ends, each with the unit and the head
        of the range (지분), as ``start`` and ``end``; a range of durations (3~5년) is no
        figure."""
        claims = annotated(f"두 회사는 지분 {written}를 교환한다.\n공사는 3~5년 걸린다.\n", "ko")
        assert range_ends(claims, "number", written) == {("3 percent", "start"),
                                                          ("5 percent", "end")}
        assert {f.head for f in facets(claims, "number")} == {"지분"}

    def test_head_is_not_the_topic(self) -> None:
        """A figure's head is the noun governing it (직원 300명, 서버가 3대로), never the
        sentence's topic across its particle and other words (가나전자는 약 2억5천만 달러: a
        company name the analyser cuts, not what the dollars count)."""
        claims = annotated("가나전자는 약 2억5천만 달러를 투자한다.\n"
                           "가나전자는 2억 달러를 투자한다.\n서버가 3대로 늘었다.\n", "ko")
        heads = {f.value: f.head for f in facets(claims, "number")}
        assert heads["2억5천만 달러"] is None and heads["2억 달러"] is None
        assert heads["3대"] == "서버"

    def test_head_is_the_thing_not_its_owner_or_period(self) -> None:
        """What a figure is of: the last noun of the compound after ``의`` (3천억 달러의
        해외투자 기금 -> 기금), never the owner marked by ``의`` before it (시청의 5억 원)
        nor a word saying how it is taken (연간 40억 원, 총 12대), nor an adverbial (홍수로)."""
        claims = annotated("두 나라는 3천억 달러의 해외투자 기금을 만든다.\n"
                           "시청의 5억 원 예산이 줄었다.\n"
                           "구청은 연간 40억 원으로 지원 상한을 정했다.\n"
                           "공장은 기계 총 12대를 들였다.\n"
                           "홍수로 최소 9명이 다쳤다.\n", "ko")
        heads = {f.value: f.head for f in facets(claims, "number")}
        assert heads["3천억 달러"] == "기금"
        assert heads["5억 원"] is None
        assert heads["40억 원"] is None
        assert heads["12대"] == "기계"
        assert heads["9명"] is None  # 홍수로: by the flood, an adverbial

    def test_a_figure_with_eseo_is_a_change_s_start_only_in_a_change(self) -> None:
        """``에서`` after a figure opens a change only when the clause tells one (25%에서
        15%로 인하); 서버 2대에서 (on two servers) is where, not a change's ``from``."""
        claims = annotated("정부는 관세를 25%에서 15%로 인하했다.\n"
                           "조사단은 서버 2대에서도 악성코드를 찾았다.\n", "ko")
        roles = {f.value: f.role for f in facets(claims, "number")}
        assert roles["25%"] == "from" and roles["15%"] == "to"
        assert roles["2대"] is None

    def test_year_less_dates_follow_the_tense(self) -> None:
        """A date without its year takes the article's (12월 3일 in a 2026-12-01 article is
        2026-12-03); a planned July in December is next July, a done December in January
        last December (``base.year_of``, the rule of every language)."""
        dec = {(f.value, f.normalized) for f in facets(annotated(
            "정상회의는 12월 3일 열린다.\n투표는 7월에 열릴 예정이다.\n", "ko", "2026-12-01"),
            "date")}
        assert {("12월 3일", "2026-12-03"), ("7월", "2027-07")} <= dec
        jan = {(f.value, f.normalized) for f in facets(annotated(
            "양국은 12월 3일 협정에 서명했다.\n", "ko", "2026-01-10"), "date")}
        assert ("12월 3일", "2025-12-03") in jan

    def test_province_is_not_a_city(self) -> None:
        """온타리오주 (a province: the suffix 주) is never the city of Ontario, California;
        the gazetteer has no provinces, so it stays unresolved (``name:``)."""
        places = dict(values(annotated("공장은 캐나다 온타리오주 서드버리에 들어선다.\n", "ko"),
                             "place"))
        assert places["온타리오주"] == "name:온타리오주"
        assert places["캐나다"] == "country:CA"

    def test_quote_with_speaker(self, ko: list[Claim]) -> None:
        """A quotation's subject is its speaker, resolved to the full name."""
        q = facets(ko, "quote")
        assert any(f.value == "두 회사가 함께 성장하는 계기" and f.subject == "민지호" for f in q)

    def test_attribution(self, ko: list[Claim]) -> None:
        """Who says a claim: a titled person, or a source noun phrase."""
        att = values(ko, "attribution")
        assert ("민 대표", "민지호") in att
        assert ("회사 관계자", "회사 관계자") in att

    def test_modality(self, ko: list[Claim]) -> None:
        """체결했다 is done; 서명한다 / 예정이다 / 계획이다 are planned."""
        mods = {c.text: f.normalized for c in ko for f in c.facets if f.type == "modality"}
        assert mods[next(t for t in mods if "체결했다" in t)] == "done"
        assert mods[next(t for t in mods if "서명한다" in t)] == "planned"
        assert mods[next(t for t in mods if "발표할 예정이다" in t)] == "planned"

    def test_predicate(self, ko: list[Claim]) -> None:
        """수출 통제 is an export restriction."""
        assert ("수출 통제", "export:restrict") in values(ko, "predicate")


class TestEnglish:
    def test_person_and_short_form(self, en: list[Claim]) -> None:
        """A full name, and a surname later resolving to it."""
        assert ("Alan Ridge", "Alan Ridge") in values(en, "person")
        assert ("Ridge", "Alan Ridge") in values(en, "person")

    def test_title_keeps_portfolio_drops_nationality(self) -> None:
        """'Trade Minister X' keeps the portfolio; 'South Korean Vice Minister' drops the
        nationality; 'Minister of X, NAME' gives the title to NAME; each title is normalised
        to its class (minister, vice_minister)."""
        claims = annotated(
            "Trade Minister Alan Ridge met South Korean Vice Minister Min Ji-ho.\n"
            "It was signed by Canada's Minister of Natural Resources, Claire Moss.\n",
            "en",
        )
        got = {(f.value, f.normalized, f.subject) for f in facets(claims, "title")}
        assert ("Trade Minister", "minister", "Alan Ridge") in got
        assert ("Vice Minister", "vice_minister", "Min Ji-ho") in got
        assert ("Minister", "minister", "Claire Moss") in got

    def test_organization(self, en: list[Claim]) -> None:
        """A company name ending in an organisation word."""
        assert ("Northwind Energy Solutions", "Northwind Energy Solutions") in values(
            en, "organization"
        )

    def test_place(self, en: list[Claim]) -> None:
        """'in X' places get the gazetteer's key (a ``city:`` in its country); weekdays and
        months are not places."""
        places = dict(values(en, "place"))
        assert place_in(places["Halifax"], "Halifax", "CA")
        assert place_in(places["Geneva"], "Geneva", "CH")
        assert not any(v in ("Wednesday", "June") for v in places)

    def test_document_types(self, en: list[Claim]) -> None:
        """memorandum of understanding, treaty, joint statement, memorandum of cooperation."""
        docs = values(en, "document_type")
        assert ("memorandum of understanding", "mou") in docs
        assert ("treaty", "treaty") in docs
        assert ("joint statement", "joint_statement") in docs
        assert ("memorandum of cooperation (MOC)", "moc") in docs

    def test_numbers(self, en: list[Claim]) -> None:
        """billion scale with currency and 'about'; a count gets the class of what it counts
        as its unit (people) and the counted noun as its ``head``."""
        nums = values(en, "number")
        assert ("$1.2 billion", "~1200000000 USD") in nums
        # The count's surface is now the figure alone ("400"), what it counts is its
        # ``head`` (the old facet spanned "400 people"): the value compared is the same.
        hires = [f for f in facets(en, "number") if f.normalized == "400 people"]
        assert [(f.value, f.unit, f.head) for f in hires] == [("400", "people", "people")]

    def test_number_range(self) -> None:
        """A range (10-20 percent) is read as its two ends, each with the unit: 10 percent
        as the range's ``start``, 20 percent as its ``end``."""
        claims = annotated("Prices rose 10-20 percent in March.", "en")
        assert range_ends(claims, "number", "10-20 percent") == {
            ("10 percent", "start"), ("20 percent", "end")}

    def test_dates(self, en: list[Claim]) -> None:
        """Weekdays and yesterday resolve against the article date; June 3 gets its year;
        each is a ``day``."""
        dates = values(en, "date")
        assert ("Wednesday", "2026-05-13") in dates
        assert ("yesterday", "2026-05-12") in dates
        assert ("June 3", "2026-06-03") in dates
        assert {f.unit for f in facets(en, "date")} == {"day"}

    def test_date_granularity_and_range(self) -> None:
        """'by 2027' is a ``year``; 'from June 3 to June 5' marks the range's ``start`` and
        ``end``."""
        claims = annotated("The plant will be finished by 2027.\n"
                           "Talks run from June 3 to June 5.\n", "en")
        assert ("2027", "2027", "year") in {(f.value, f.normalized, f.unit)
                                            for f in facets(claims, "date")}
        assert range_ends(claims, "date", "June 3 to June 5") == {
            ("2026-06-03", "start"), ("2026-06-05", "end")}

    def test_number_range_between_and_from(self) -> None:
        """'between 10 and 20 percent' is a range too (10 percent: ``start``, not a lone
        20 percent); 'from 10 to 20 percent' with a change word is the change's ``from`` and
        ``to``, without one a range."""
        claims = annotated("Prices rose between 10 and 20 percent.\n"
                           "Tariffs were raised from 10 to 20 percent.\n"
                           "Shares range from 30 to 40 percent.\n", "en")
        assert range_ends(claims, "number", "between 10 and 20 percent") == {
            ("10 percent", "start"), ("20 percent", "end")}
        assert range_ends(claims, "number", "from 10 to 20 percent") == {
            ("10 percent", "from"), ("20 percent", "to")}
        assert range_ends(claims, "number", "from 30 to 40 percent") == {
            ("30 percent", "start"), ("40 percent", "end")}

    def test_head_stops_before_a_verb(self, en: list[Claim]) -> None:
        """What a figure counts ends at its noun: 'The two countries plan to' counts
        countries (not 'countries plan'), 'three companies agreed' companies."""
        heads = {f.normalized: f.head for f in facets(en, "number")}
        assert heads["2 countries"] == "countries"
        claims = annotated("The three companies agreed on a deal.\n"
                           "Officials said five projects launched.\n", "en")
        heads = {f.normalized: f.head for f in facets(claims, "number")}
        assert heads["3 companies"] == "companies"
        assert heads["5"] == "projects"

    def test_date_range_end_without_month(self) -> None:
        """'May 20 to 22', 'between May 20 and 22', 'between the 4th and 9th': the end, a day
        alone, lies in the start's month; a day that is a count ('May 20 to 25 buyers') is
        no date."""
        claims = annotated("Talks run May 20 to 22.\nVoting runs between May 20 and 22.\n"
                           "Tickets went on sale on May 20 to 25 buyers.\n"
                           "Refunds cover purchases between the 4th and 9th.\n", "en")
        assert range_ends(claims, "date", "the 4th and 9th") == {
            ("2026-05-04", "start"), ("2026-05-09", "end")}
        assert range_ends(claims, "date", "May 20 to 22") == {
            ("2026-05-20", "start"), ("2026-05-22", "end")}
        assert range_ends(claims, "date", "May 20 and 22") == {
            ("2026-05-20", "start"), ("2026-05-22", "end")}
        assert range_ends(claims, "date", "May 20 to 25") == {("2026-05-20", None)}

    def test_year_less_dates_follow_the_tense(self) -> None:
        """As in Korean (``base.year_of``): December 3 in a 2026-12-01 article is this
        December; 'will be held in July' next July; 'signed on December 3' in a January
        article last December, 'December 3' alone this one."""
        dec = {(f.value, f.normalized) for f in facets(annotated(
            "The summit is on December 3.\nThe vote will be held in July.\n", "en",
            "2026-12-01"), "date")}
        assert {("December 3", "2026-12-03"), ("July", "2027-07")} <= dec
        jan = {(f.value, f.normalized) for f in facets(annotated(
            "The sides signed the deal on December 3.\nThe summit: December 3.\n", "en",
            "2026-01-10"), "date")}
        assert jan == {("December 3", "2025-12-03"), ("December 3", "2026-12-03")}

    def test_province_is_not_a_city(self) -> None:
        """'Ontario province' is the province, not Ontario, California: no city key."""
        places = values(annotated("The plant opens in Ontario province next year.\n", "en"),
                        "place")
        assert not any(k.startswith("city:") for _, k in places)

    def test_quote_with_speaker(self, en: list[Claim]) -> None:
        """The quote's speaker is resolved from the surname to the full name."""
        q = facets(en, "quote")
        assert any(f.subject == "Alan Ridge" and f.value.startswith("This is a big day") for f in q)
        assert q[0].normalized == "this is a big day for both of us"

    def test_attribution(self, en: list[Claim]) -> None:
        """'according to X', 'officials in X said' and 'NAME said' give the source."""
        att = values(en, "attribution")
        assert ("provincial government", "provincial government") in att
        assert ("officials in Brussels", "officials in Brussels") in att
        assert ("Ridge", "Alan Ridge") in att

    def test_modality(self, en: list[Claim]) -> None:
        """signed is done; will / plan to are planned."""
        mods = {c.text: f.normalized for c in en for f in c.facets if f.type == "modality"}
        assert mods[next(t for t in mods if "signed a memorandum" in t)] == "done"
        assert mods[next(t for t in mods if "plan to sign" in t)] == "planned"
        assert mods[next(t for t in mods if "will invest" in t)] == "planned"

    def test_predicate(self, en: list[Claim]) -> None:
        """expand exports is export promotion."""
        assert ("expand exports", "export:promote") in values(en, "predicate")


class TestJapanese:
    def test_date_range_end_without_month(self) -> None:
        """5月20日から22日まで: the end, written without its month, takes the start's."""
        claims = annotated("会議は5月20日から22日まで開かれる。\n", "ja")
        assert range_ends(claims, "date", "5月20日から22日") == {
            ("2026-05-20", "start"), ("2026-05-22", "end")}

    def test_year_less_dates_follow_the_tense(self) -> None:
        """As in Korean and English (``base.year_of``): 12月3日 in a 2026-12-01 article is
        this December, a planned 7月 next July."""
        got = {(f.value, f.normalized) for f in facets(annotated(
            "首脳会議は12月3日に開かれる。\n投票は7月に行われる予定だ。\n", "ja", "2026-12-01"),
            "date")}
        assert {("12月3日", "2026-12-03"), ("7月", "2027-07")} <= got


def test_year_of_is_one_rule() -> None:
    """The shared rule: the article's year; 지난/오는 strictly before/after the article's
    day; a tense moves a date only when it lies more than a month the other way."""
    from datetime import date

    from crosscheck.lang.base import year_of

    ref = date(2026, 12, 1)
    assert year_of(12, 3, ref) == 2026 and year_of(7, None, ref) == 2026
    assert year_of(7, None, ref, "planned") == 2027 and year_of(11, None, ref, "planned") == 2026
    assert year_of(12, 3, ref, "past") == 2025 and year_of(1, 5, ref, "future") == 2027
    jan = date(2026, 1, 10)
    assert year_of(12, 3, jan, "done") == 2025 and year_of(2, 3, jan, "done") == 2026


def test_names_resolve_the_same_in_every_process(tmp_path: Path) -> None:
    """Which full name a short form stands for does not depend on the interpreter's hash
    seed: two runs of the same article give the same person facets."""
    import os
    import subprocess
    import sys

    art = tmp_path / "a.txt"
    art.write_text("조도윤 장관과 조도조 차관이 29일 만났다.\n조 장관은 협력을 약속했다.\n"
                   "Kim Hana and Kim Dana met on Monday.\nKim said the talks went well.\n",
                   encoding="utf-8")
    code = (
        "import json,sys; from crosscheck.pipeline import load_corpus;"
        "c=load_corpus([sys.argv[1]]);"
        "print(json.dumps([[f.type,f.value,f.normalized,f.subject] for x in c.claims"
        " for f in x.facets if f.type in ('person','title')],ensure_ascii=False))"
    )
    outs = set()
    for seed in ("0", "1", "2", "3"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        res = subprocess.run([sys.executable, "-c", code, str(art)], capture_output=True,
                             text=True, env=env, check=True)
        outs.add(res.stdout)
    assert len(outs) == 1
