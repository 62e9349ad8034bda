"""Each language of ``crosscheck.lang``, through the stages that use it.

One table (``CASES``) states, for Korean, English and Japanese, an invented two-sentence
text and what the split and facet stages must read from it: how many sentences, a name with
its title, a date, a figure with its unit and a document type. The normalised values are the
same in every language (``minister``, ``2026-03-04``, ``300000000 USD``, ``mou``): that is
what lets outlets writing in different languages be compared. Japanese-specific tests
follow (era dates, 万/億/兆 figures, 「」 quotations, names and their short forms, the
sample articles), and a property test that every Japanese facet's offsets are exact.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pytest
from conftest import ARTICLES, invented_article
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from crosscheck import lang
from crosscheck.facets import annotate
from crosscheck.lang.gazetteer import gazetteer
from crosscheck.models import Claim, Facet
from crosscheck.split import split_article

PUBLISHED = "2026-03-04"  # a Wednesday


@dataclass(frozen=True)
class Case:
    """What one language must read from ``text`` (published on ``PUBLISHED``)."""

    text: str
    sentences: int
    person: str
    title: str  # the title as written
    title_class: str
    date: str  # the date as written; it is 2026-03-04
    number: str  # the figure as written; it is 300000000 USD
    doc: str  # the document type as written; it is an MOU
    event: str | None  # what happened on the date, as the analyser names it (None: no analyser)


CASES = {
    "ko": Case(
        text=("과학기술정보통신부 한민수 장관은 4일 서울에서 캐나다 천연자원부와 양해각서를 "
              "체결했다. 한결전자는 온타리오주 공장에 3억 달러를 투자한다."),
        sentences=2, person="한민수", title="장관", title_class="minister", date="4일",
        number="3억 달러", doc="양해각서", event="체결"),
    "en": Case(
        text=("Trade Minister Laura Chen signed a memorandum of understanding in Ottawa on "
              "March 4. Northwind Batteries will invest $300 million in the plant."),
        sentences=2, person="Laura Chen", title="Trade Minister", title_class="minister",
        date="March 4", number="$300 million", doc="memorandum of understanding", event=None),
    "ja": Case(
        text=("森本和也経済産業大臣は4日、東京都内でカナダ天然資源省と覚書に署名した。"
              "ミナトエナジーは新工場に3億ドルを投資する。"),
        sentences=2, person="森本和也", title="経済産業大臣", title_class="minister",
        date="4日", number="3億ドル", doc="覚書", event="署名"),
}


def annotated(text: str, language: str, published: str = PUBLISHED) -> list[Claim]:
    """Split and annotate an invented article; every facet's offsets are checked."""
    art = invented_article(text, language, published=published)
    claims = annotate(art, split_article(art))
    for c in claims:
        assert text[c.start:c.end] == c.text
        for f in c.facets:
            assert text[f.start:f.end] == f.value, f
    return claims


def facets(claims: list[Claim], kind: str) -> list[Facet]:
    return [f for c in claims for f in c.facets if f.type == kind]


def one(claims: list[Claim], kind: str, value: str) -> Facet:
    got = [f for f in facets(claims, kind) if f.value == value]
    assert got, (kind, value, [(f.value, f.normalized) for f in facets(claims, kind)])
    return got[0]


# --------------------------------------------------------------------------- the table


@pytest.mark.parametrize("code", sorted(CASES))
class TestEveryLanguage:
    """The same facts read from Korean, English and Japanese, normalised alike."""

    def test_registry_routes_the_text_to_its_language(self, code: str) -> None:
        """The registry picks the language's own module for its text (a Japanese text does
        not go down the English path)."""
        assert lang.for_text(CASES[code].text).code == code
        assert lang.get(code).code == code

    def test_sentences(self, code: str) -> None:
        """The text splits into its sentences, each at exact offsets."""
        case = CASES[code]
        claims = annotated(case.text, code)
        sentences = {(c.sentence_start, c.sentence_end) for c in claims}
        assert len(sentences) == case.sentences

    def test_name_with_its_title(self, code: str) -> None:
        """The person is named, and the title facet belongs to them and has its class."""
        case = CASES[code]
        claims = annotated(case.text, code)
        person = one(claims, "person", case.person)
        assert person.normalized == case.person
        title = one(claims, "title", case.title)
        assert title.subject == case.person
        assert title.normalized == case.title_class

    def test_date(self, code: str) -> None:
        """The day is resolved against the article's date."""
        claims = annotated(CASES[code].text, code)
        got = one(claims, "date", CASES[code].date)
        assert (got.normalized, got.unit) == ("2026-03-04", "day")

    def test_figure_with_its_unit(self, code: str) -> None:
        """The figure is read with its scale and currency."""
        claims = annotated(CASES[code].text, code)
        got = one(claims, "number", CASES[code].number)
        assert (got.normalized, got.unit) == ("300000000 USD", "USD")

    def test_what_happened_on_the_date(self, code: str) -> None:
        """The verbal noun after the date names the event a divergence's summary gives the
        date of (체결, 署名); English has no analyser to tell one."""
        case = CASES[code]
        d = one(annotated(case.text, code), "date", case.date)
        assert lang.get(code).event_word(case.text, d.end) == case.event

    def test_document_type(self, code: str) -> None:
        """The instrument is an MOU in every language."""
        claims = annotated(CASES[code].text, code)
        assert one(claims, "document_type", CASES[code].doc).normalized == "mou"


@pytest.mark.parametrize(("code", "text", "event"), [
    ("ko", "구청은 12일 공원을 조성하는 계획을 발표했다.", "발표"),  # the main predicate
    ("ko", "지난 12일 발생한 정전은 이틀 만에 복구됐다.", "발생"),  # the date's own clause
    ("ja", "市は12日、公園を整備する計画を発表した。", "発表"),
])
def test_the_event_of_a_date_is_its_clause_or_the_sentence_predicate(
        code: str, text: str, event: str) -> None:
    """A date right before a verbal noun is that event's (12일 발생한 정전); otherwise it is
    the sentence's main predicate, which a head-final language puts last (…조성하는 계획을
    발표했다: the announcement, not the building)."""
    end = text.index("12") + 3
    assert lang.get(code).event_word(text, end) == event


@pytest.mark.parametrize(("code", "text", "written"), [
    ("en", "A magnitude 6.1 earthquake struck the coast.", "magnitude 6.1"),
    ("en", "A 6.1-magnitude earthquake struck the coast.", "6.1-magnitude"),
    ("ko", "해안에서 규모 6.1의 지진이 발생했다.", "규모 6.1"),
    ("ja", "沿岸でマグニチュード6.1の地震が発生した。", "マグニチュード6.1"),
])
def test_a_reading_on_a_named_scale_is_a_figure(code: str, text: str, written: str) -> None:
    """A magnitude is a figure outlets give and get wrong (6.1 vs 6.4): read with its scale
    in every language, while the size of a deal (투자 규모 3500억 달러) is no reading."""
    claims = annotated(text, code)
    got = one(claims, "number", written)
    assert (got.normalized, got.unit) == ("6.1 magnitude", "magnitude")
    deal = annotated("양국은 투자 규모 3500억 달러에 합의했다.", "ko")
    assert all(f.unit != "magnitude" for f in facets(deal, "number"))


# --------------------------------------------------------------------------- Japanese

JA = lang.get("ja")
REF = date(2025, 11, 12)


def ja_dates(text: str, ref: date | None = REF) -> list[tuple[str, str, str | None]]:
    out = JA.dates(text, 0, len(text), ref)
    for f in out:
        assert text[f.start:f.end] == f.value
    return [(f.value, f.normalized, f.role) for f in out]


def ja_numbers(text: str) -> list[Facet]:
    toks = JA.tokens([text])[0]
    out = JA.numbers(text, 0, len(text), toks)
    for f in out:
        assert text[f.start:f.end] == f.value
    return out


class TestJapaneseSentences:
    def test_split_at_full_stops_and_line_breaks(self) -> None:
        """。！？ and line breaks end sentences; whitespace is left out."""
        text = "両社は署名した。投資額は3000億円！本当か？\n見出しの行\n  次の段落。"
        got = [text[s:e] for s, e, _ in JA.sentences(text)]
        assert got == ["両社は署名した。", "投資額は3000億円！", "本当か？", "見出しの行",
                       "次の段落。"]

    def test_quotation_kept_whole(self) -> None:
        """A 。 inside 「…」 does not end the sentence."""
        text = "森本大臣は「準備は整った。あとは実行だ」と述べた。次の文。"
        got = [text[s:e] for s, e, _ in JA.sentences(text)]
        assert got == ["森本大臣は「準備は整った。あとは実行だ」と述べた。", "次の文。"]

    def test_decimal_point_is_not_a_full_stop(self) -> None:
        """A full-width ．between digits is a decimal point."""
        text = "成長率は１．５％だった。"
        assert len(JA.sentences(text)) == 1

    def test_tokens_have_offsets_and_unidic_tags(self) -> None:
        """Morphemes come with exact offsets and UniDic tags (surname, given name)."""
        text = "森本和也経済産業大臣は述べた。"
        toks = JA.tokens([text])[0]
        assert all(text[t.start:t.end] == t.form for t in toks)
        assert toks[0].form == "森本" and "人名-姓" in toks[0].tag
        assert toks[1].form == "和也" and "人名-名" in toks[1].tag

    def test_compound_sentence_cut_into_clauses(self) -> None:
        """A sentence joining two clauses with a continuative verb and 、 is cut there, and
        the second clause inherits the subject."""
        text = ("小野寺千尋資源エネルギー庁長官は28日、協定に署名し、"
                "来年から共同研究を始めると明らかにした。")
        claims = annotated(text, "ja")
        assert [c.text for c in claims] == [
            "小野寺千尋資源エネルギー庁長官は28日、協定に署名し、",
            "来年から共同研究を始めると明らかにした。",
        ]
        assert claims[1].subject == "小野寺千尋資源エネルギー庁長官"

    def test_no_cut_after_a_compound_particle(self) -> None:
        """として、 / に対し、 are particles, not the end of a clause."""
        text = "森本和也経済産業大臣は記者団に対し、国内の電池産業を後押しする考えを示した。"
        assert len(annotated(text, "ja")) == 1


class TestJapaneseNames:
    @pytest.mark.parametrize(("text", "name", "title", "klass"), [
        ("岸本文彦首相は述べた。", "岸本文彦", "首相", "prime_minister"),
        ("林田美咲官房長官は述べた。", "林田美咲", "官房長官", "chief_cabinet_secretary"),
        ("山田太郎経済産業大臣が出席した。", "山田太郎", "経済産業大臣", "minister"),
        ("石原真理子外務副大臣が出席した。", "石原真理子", "外務副大臣", "vice_minister"),
        ("田中局長が説明した。", "田中", "局長", "director"),
        ("小野寺千尋資源エネルギー庁長官", "小野寺千尋", "資源エネルギー庁長官", "commissioner"),
        ("サラ・ミラー天然資源相は述べた。", "サラ・ミラー", "天然資源相", "minister"),
        ("森本和也・経済産業大臣が出席した。", "森本和也", "経済産業大臣", "minister"),
        ("代表取締役社長の西村隆史氏は述べた。", "西村隆史", "代表取締役社長", "ceo"),
        ("ミナト電池社長の大橋誠氏が語った。", "大橋誠", "社長", "company_president"),
        ("真壁蒼経済産業大臣が出席した。", "真壁蒼", "経済産業大臣", "minister"),
    ])
    def test_name_and_title(self, text: str, name: str, title: str, klass: str) -> None:
        """A name with the title written after (or, with の, before) it."""
        toks = JA.tokens([text])[0]
        got = [(m.surface, m.title) for m in JA.mentions(text, toks, "t")]
        assert (name, title) in got
        assert JA.title_key(title) == klass

    def test_honorific_and_full_name_without_title(self) -> None:
        """西村氏 and a full name the analyser tags as one are people without a title."""
        text = "西村氏と中村健一は会談した。"
        got = [(m.surface, m.title) for m in JA.mentions(text, JA.tokens([text])[0], "t")]
        assert got == [("西村", None), ("中村健一", None)]

    def test_not_names(self) -> None:
        """A country or a place before a title is not a person (日本代表, 東京都知事)."""
        text = "日本代表と東京都知事、会社社長が集まった。"
        assert JA.mentions(text, JA.tokens([text])[0], "t") == []

    def test_surname_and_title_resolve_to_the_full_name(self) -> None:
        """Later in the article, 森本大臣 / 大橋社長 are 森本和也 / 大橋誠 (like 배 부총리)."""
        text = ("森本和也経済産業大臣とミナトエナジーの大橋誠社長が署名した。\n"
                "森本大臣は「準備は整った」と述べた。\n大橋社長は「期待に応えたい」と語った。")
        claims = annotated(text, "ja")
        persons = {f.value: f.normalized for f in facets(claims, "person")}
        assert persons == {"森本和也": "森本和也", "大橋誠": "大橋誠", "森本": "森本和也",
                           "大橋": "大橋誠"}
        assert {f.subject for f in facets(claims, "title")} == {"森本和也", "大橋誠"}

    def test_short_forms(self) -> None:
        """The surname of a full name, the family name of a katakana name."""
        assert JA.short_forms("森本和也") == ["森本"]
        assert JA.short_forms("サラ・ミラー") == ["ミラー"]
        assert JA.short_forms("森本") == []


class TestJapaneseDates:
    @pytest.mark.parametrize(("text", "iso"), [
        ("令和7年10月28日", "2025-10-28"),
        ("令和元年5月1日", "2019-05-01"),
        ("平成31年4月30日", "2019-04-30"),
        ("2025年10月28日", "2025-10-28"),
        ("２０２５年１０月２８日", "2025-10-28"),
        ("2025/10/28", "2025-10-28"),
    ])
    def test_both_calendars(self, text: str, iso: str) -> None:
        """Western and era years, half- and full-width digits."""
        assert ja_dates(text) == [(text, iso, None)]

    @pytest.mark.parametrize(("text", "iso"), [
        ("10月28日", "2025-10-28"),
        ("12日", "2025-11-12"),
        ("28日", "2025-10-28"),  # more than a week ahead of the 12th: last month
        ("先月24日", "2025-10-24"),
        ("昨年12月", "2024-12"),
        ("来年3月末", "2026-03"),
        ("今年", "2025"),
        ("2027年度", "2027"),
        ("先月", "2025-10"),
        ("昨日", "2025-11-11"),
        ("本日", "2025-11-12"),
        ("12日午後3時30分", "2025-11-12T15:30"),
    ])
    def test_relative_to_the_article_day(self, text: str, iso: str) -> None:
        """Dates without a year (or a month) resolve against the article's day (11-12)."""
        assert ja_dates(text) == [(text, iso, None)]

    def test_ranges(self) -> None:
        """から…まで and 〜 mark a range's start and end; an end written without its month
        or year takes the start's."""
        assert ja_dates("令和7年10月28日から11月2日まで") == [
            ("令和7年10月28日", "2025-10-28", "start"), ("11月2日", "2025-11-02", "end")]
        assert ja_dates("10月28〜30日に開く") == [
            ("10月28", "2025-10-28", "start"), ("30日", "2025-10-30", "end")]
        assert ja_dates("2025年12月28日から1月4日まで") == [
            ("2025年12月28日", "2025-12-28", "start"), ("1月4日", "2026-01-04", "end")]

    @pytest.mark.parametrize("text", ["5年間", "6か月", "3日間", "第2回", "48時間"])
    def test_durations_are_not_dates(self, text: str) -> None:
        assert ja_dates(text) == []


class TestJapaneseFigures:
    @pytest.mark.parametrize(("text", "value", "norm", "unit"), [
        ("投資額は3000億円に上る。", "3000億円", "300000000000 JPY", "JPY"),
        ("総額1兆2000億円を投じる。", "1兆2000億円", "1200000000000 JPY", "JPY"),
        ("総額３０００億円を投じる。", "３０００億円", "300000000000 JPY", "JPY"),
        ("3,000億円の投資", "3,000億円", "300000000000 JPY", "JPY"),
        ("3千億円の投資", "3千億円", "300000000000 JPY", "JPY"),
        ("従業員2万3000人が働く。", "2万3000人", "23000 people", "people"),
        ("悪質なプログラム25種類が見つかった。", "25種類", "25 kinds", "kinds"),
        ("12カ国の代表が集まった。", "12カ国", "12 countries", "countries"),
        ("サーバー23台が感染した。", "23台", "23 machines", "machines"),
        ("被害は42件に上った。", "42件", "42 records", "records"),
        ("3億ドルを投資する。", "3億ドル", "300000000 USD", "USD"),
        ("成長率は１．５％だった。", "１．５％", "1.5 percent", "percent"),
    ])
    def test_scales_counters_units(self, text: str, value: str, norm: str, unit: str) -> None:
        """万/億/兆 scale a figure; its counter or currency gives its unit."""
        got = [(f.value, f.normalized, f.unit) for f in ja_numbers(text)]
        assert got == [(value, norm, unit)]

    @pytest.mark.parametrize("text", ["約3000億円", "およそ3000億円", "3000億円程度",
                                      "3000億円規模", "3000億円余り"])
    def test_hedges(self, text: str) -> None:
        """約 / およそ / 程度 / 規模 / 余り make the figure approximate (``~``)."""
        assert [f.normalized for f in ja_numbers(text)] == ["~300000000000 JPY"]

    @pytest.mark.parametrize("text", ["第2回会合", "2次募集", "5年間", "6か月", "3番目",
                                      "電話03-1234-5678", "COP30", "5G通信", "2025年"])
    def test_not_figures(self, text: str) -> None:
        """Ordinals, durations, phone numbers, codes and bare small figures are left out."""
        assert [f.value for f in ja_numbers(text)] == []

    def test_head_is_what_is_counted(self) -> None:
        """The noun before the figure (or after 〜の) is what it counts."""
        heads = {f.value: f.head for f in ja_numbers(
            "従業員2万3000人、投資額は約3000億円、1200人の技術者を雇う。")}
        assert heads == {"2万3000人": "従業員", "3000億円": "投資額", "1200人": "技術者"}

    def test_roles_of_a_change(self) -> None:
        """から is a change's start (from), に before a change word its end (to), 増 after a
        figure or 前年比 before it a change by that much."""
        roles = [(f.value, f.role) for f in ja_numbers(
            "税率を15％から20％に引き上げる。売上高は前年比8％増の4500億円、300人増えた。")]
        assert roles == [("15％", "from"), ("20％", "to"), ("8％", "by"), ("4500億円", None),
                         ("300人", "by")]


class TestJapaneseQuotesAndSpeakers:
    def test_quote_and_speaker(self) -> None:
        """The words inside 「…」 are the quote; the person before は says it."""
        said = "国内で蓄電池を一貫して生産できる体制は、経済安全保障の要だ"
        text = f"森本和也経済産業大臣は「{said}」と述べた。"
        claims = annotated(text, "ja")
        quote = facets(claims, "quote")
        assert [q.value for q in quote] == [said]
        assert quote[0].subject == "森本和也"
        assert [(f.value, f.normalized) for f in facets(claims, "attribution")] == [
            ("森本和也", "森本和也")]

    def test_inverted_speaker_and_source_marker(self) -> None:
        """「…」と林田長官は語った; 経済産業省によると、…"""
        text = ("「準備は整った」と林田美咲長官は語った。"
                "経済産業省によると、投資額は約3000億円に上る。")
        claims = annotated(text, "ja")
        assert [f.value for f in facets(claims, "attribution")] == ["林田美咲", "経済産業省"]

    def test_brackets_around_a_name_are_not_a_quote(self) -> None:
        """「日加重要鉱物パートナーシップ」を is a name in brackets, not a quotation."""
        text = "両国は「日加重要鉱物パートナーシップ」を立ち上げた。"
        assert JA.quotes(text, 0, len(text)) == []


class TestJapaneseOtherFacets:
    def test_document_types(self) -> None:
        """覚書 / 協力覚書（MOC）/ 協定 / 共同声明; the abbreviation in parentheses is part of
        the facet."""
        text = "協力覚書（MOC）と覚書、立地協定、共同声明、条約"
        got = [(f.value, f.normalized) for f in JA.doc_types(text, 0, len(text))]
        assert got == [("協力覚書（MOC）", "moc"), ("覚書", "mou"), ("協定", "agreement"),
                       ("共同声明", "joint_statement"), ("条約", "treaty")]

    def test_places(self) -> None:
        """Countries, gazetteer cities (北九州市, 千代田区), 都内; a prefecture is named,
        not taken for its capital city."""
        text = "カナダと日本、北九州市と東京都千代田区、都内、福岡県で"
        toks = JA.tokens([text])[0]
        got = {f.value: f.normalized for f in JA.places(text, 0, len(text), toks, gazetteer())}
        gz = gazetteer()
        assert got == {"カナダ": "country:CA", "日本": "country:JP",
                       "北九州市": gz.key("北九州"), "東京都": gz.key("東京"),
                       "千代田区": gz.key("千代田区"), "都内": gz.key("東京"),
                       "福岡県": "name:福岡県"}

    def test_a_place_that_starts_an_organisation_name_is_no_place(self) -> None:
        """横浜銀行 and 福岡電機 are organisations: their place names are no places of the
        story (a false place would be set against the story's real ones)."""
        text = "横浜銀行と福岡電機は横浜市で会見した"
        toks = JA.tokens([text])[0]
        got = {f.value for f in JA.places(text, 0, len(text), toks, gazetteer())}
        assert got == {"横浜市"}

    def test_organizations(self) -> None:
        """Compounds ending in an organisation word; names and titles around them left out;
        short names expanded."""
        text = ("経産省と外務省・財務省、株式会社ミナト電池社長、"
                "小野寺千尋資源エネルギー庁長官、同社")
        toks = JA.tokens([text])[0]
        got = [(f.value, f.normalized) for f in JA.organizations(text, 0, len(text), toks, [])]
        assert got == [("経産省", "経済産業省"), ("外務省", "外務省"), ("財務省", "財務省"),
                       ("株式会社ミナト電池", "株式会社ミナト電池"),
                       ("資源エネルギー庁", "資源エネルギー庁")]

    @pytest.mark.parametrize(("text", "mod"), [
        ("両国は協定に署名した。", "done"),
        ("両国は29日に協定に署名する予定だ。", "planned"),
        ("両国は29日に協定に署名する。", "planned"),
        ("日加、協定締結へ", "planned"),
        ("両国の協定。", None),
    ])
    def test_modality(self, text: str, mod: str | None) -> None:
        assert JA.modality(text) == mod

    def test_predicates(self) -> None:
        """輸出規制 (export controls) and 輸出を拡大 (export promotion) differ."""
        text = "輸出規制を強化し、輸出を拡大する。"
        got = [f.normalized for f in JA.predicates(text, 0, len(text))]
        assert got == ["export:restrict", "export:promote"]


class TestJapaneseSample:
    """The invented Japanese sample articles carry the divergences they were written with."""

    @pytest.fixture(scope="class")
    @classmethod
    def claims(cls) -> dict[str, list[Claim]]:
        from crosscheck.pipeline import load_corpus

        corpus = load_corpus([ARTICLES / n for n in (
            "meti-release.md", "seikai-nippo.txt", "toto-keizai.md")])
        assert {a.language for a in corpus.articles} == {"ja"}
        out: dict[str, list[Claim]] = {}
        for c in corpus.claims:
            out.setdefault(c.article_id, []).append(c)
        return out

    def values(self, claims: list[Claim], kind: str, subject: str | None = None) -> set[str]:
        return {f.normalized for f in facets(claims, kind) if subject in (None, f.subject)}

    def test_investment(self, claims: dict[str, list[Claim]]) -> None:
        """3000億円 (ministry, 東都) vs 300億円 (西海)."""
        assert "300000000000 JPY" in self.values(claims["meti-release"], "number")
        assert "300000000000 JPY" in self.values(claims["toto-keizai"], "number")
        assert "30000000000 JPY" in self.values(claims["seikai-nippo"], "number")

    def test_title(self, claims: dict[str, list[Claim]]) -> None:
        """森本和也 is 大臣 (ministry, 東都) but 副大臣 in 西海."""
        assert self.values(claims["meti-release"], "title", "森本和也") == {"minister"}
        assert self.values(claims["toto-keizai"], "title", "森本和也") == {"minister"}
        assert self.values(claims["seikai-nippo"], "title", "森本和也") == {"vice_minister"}

    def test_date_and_instrument(self, claims: dict[str, list[Claim]]) -> None:
        """Signed on the 12th as an agreement (協定), but the 11th and a 覚書 in 東都."""
        assert "2025-11-12" in self.values(claims["meti-release"], "date")
        assert "2025-11-12" in self.values(claims["seikai-nippo"], "date")
        assert "2025-11-11" in self.values(claims["toto-keizai"], "date")
        assert self.values(claims["meti-release"], "document_type") == {"agreement"}
        assert self.values(claims["toto-keizai"], "document_type") == {"mou"}


# --------------------------------------------------------------------------- offsets

PIECES = [
    "森本和也経済産業大臣は", "林田長官", "「準備は整った。」と述べた。", "令和7年10月28日",
    "28日から30日まで", "3000億円", "約1兆2000億円", "2万3000人", "25種類", "第2回",
    "5年間", "北九州市", "東京都内", "協力覚書（MOC）", "経産省によると、", "西村隆史氏",
    "サラ・ミラー天然資源相", "１２日", "\n", "。", "、", "ミナトエナジー株式会社",
    "前年比15％増", "輸出規制", "昨年12月", "㈱", "①", "ｶﾀｶﾅ", " ", "🎉",
]
NOISE = st.text(alphabet=st.sampled_from(list(
    "あいうえおかがきのはをにでとへもアイウエオー漢字日本年月日時分億円万兆人名社省「」『』（）()、。！？"
    "0123456789０１２３４５６７８９.,．，〜～-・ 　\n")), max_size=12)


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.one_of(st.sampled_from(PIECES), NOISE), min_size=1, max_size=14))
def test_japanese_offsets_are_exact(parts: list[str]) -> None:
    """Over random Japanese text mixed with the patterns above, every claim and every facet
    satisfies ``article.text[start:end] == value``, and no stage raises."""
    text = "".join(parts)
    claims = annotated("ミナトエナジーは発表した。" + text, "ja")
    assert claims
