"""Claim extraction: offsets, sentence and clause boundaries, enumerations, coverage.

Every sentence here is invented for the test.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from conftest import ARTICLES, invented_article
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from crosscheck.models import Article, Claim, Removed
from crosscheck.split import body_segments, drop_claims_in, is_hangul_text, split_article


def claims_of(text: str, language: str = "ko", removed: tuple[Removed, ...] = ()) -> list[Claim]:
    """The claims of an article made of ``text``."""
    return split_article(invented_article(text, language, removed=removed))


def texts(text: str, language: str = "ko") -> list[str]:
    """Only the claim texts."""
    return [c.text for c in claims_of(text, language)]


def assert_offsets(article: Article, claims: list[Claim]) -> None:
    """Every claim slices out of the article text, inside its own sentence, in text order."""
    prev_end = 0
    for c in claims:
        assert article.text[c.start : c.end] == c.text
        assert c.sentence_start <= c.start < c.end <= c.sentence_end
        assert c.start >= prev_end, "claims overlap or go backwards"
        prev_end = c.end


# ----------------------------------------------------------------------------- offsets


class TestOffsets:
    def test_mixed_article_offsets_slice(self) -> None:
        """Claims of a mixed Korean/English article with CRLF and bullets slice exactly."""
        text = (
            "\ufeff가나전자는 10일 새 공장을 짓기로 했고 내년부터 배터리를 생산한다.\r\n\r\n"
            "▲ 부품 공급망 강화,\r\n▲ 연구 인력 교류\r\n"
            "Dr. Lee said the plant \"will open soon.\" It employs 300 people.\r\n"
        )
        article = invented_article(text)
        claims = split_article(article)
        assert claims
        assert_offsets(article, claims)

    def test_claim_ids_are_unique(self) -> None:
        """Two identical sentences in one article still get distinct claim ids."""
        claims = claims_of("공장은 다음 달 문을 연다.\n공장은 다음 달 문을 연다.\n")
        assert len(claims) == 2
        assert claims[0].id != claims[1].id

    @settings(
        max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow]
    )
    @given(
        st.lists(
            st.sampled_from(
                [
                    "가나전자는 공장을 세웠고 직원을 더 뽑는다.", "민 대표는 \"좋다\"고 말했다.",
                    "The firm said it would grow.", "Dr. Kim met U.S. officials.",
                    "\"Yes,\" he said.",
                    "▲공급망 강화", "▲연구 협력,", "“함께 가자”며", " ", "\r\n", "\n", "\n\n", "…",
                    "3억 달러", "45%", "；", "abc", "가", "「합의」", "'인용'", "\t", "다.", "?",
                ]
            ),
            max_size=14,
        ).map("".join)
    )
    def test_random_text_offsets_slice(self, text: str) -> None:
        """On any mix of Korean, English, quotes, ▲ bullets and CRLF, claims slice exactly,
        never cross a line break, never overlap, and never start or end with whitespace."""
        article = invented_article(text)
        claims = split_article(article)
        assert_offsets(article, claims)
        for c in claims:
            assert "\n" not in c.text and "\r" not in c.text
            assert c.text == c.text.strip()


# ----------------------------------------------------------------------------- sentences


class TestSentences:
    def test_sentence_never_crosses_a_line_break(self) -> None:
        """Two lines without final punctuation stay two claims (a title line and its body)."""
        got = texts("새 공장 착공 소식\n가나전자는 오늘 공장을 착공했다.\n")
        assert got == ["새 공장 착공 소식", "가나전자는 오늘 공장을 착공했다."]

    def test_crlf_lines(self) -> None:
        """Windows line endings split lines like plain newlines, and never end up in a claim."""
        got = texts("첫 공장은 봄에 연다\r\n둘째 공장은 가을에 연다.\r\n")
        assert got == ["첫 공장은 봄에 연다", "둘째 공장은 가을에 연다."]

    def test_korean_sentences_split(self) -> None:
        """Two Korean sentences on one line become two claims."""
        got = texts("가나전자는 공장을 지었다. 다라화학은 연구소를 열었다.")
        assert got == ["가나전자는 공장을 지었다.", "다라화학은 연구소를 열었다."]

    def test_english_abbreviations_do_not_split(self) -> None:
        """Dr. and U.S. do not end an English sentence."""
        got = texts(
            "Dr. Kim met officials from the U.S. Department of Energy on Monday. "
            "The talks went well.",
            "en",
        )
        assert got == [
            "Dr. Kim met officials from the U.S. Department of Energy on Monday.",
            "The talks went well.",
        ]

    def test_english_quote_stays_whole(self) -> None:
        """A quoted sentence with its closing mark and attribution is one claim."""
        got = texts('"We will build it here," she said. The plant opens in May.', "en")
        assert got == ['"We will build it here," she said.', "The plant opens in May."]

    def test_english_quote_ending_sentence(self) -> None:
        """A sentence ending inside quotation marks keeps the closing mark."""
        got = texts('He called it "a new start." Prices rose.', "en")
        assert got == ['He called it "a new start."', "Prices rose."]

    def test_english_semicolon_cuts_clauses(self) -> None:
        """An English sentence joined by a semicolon becomes two claims."""
        got = texts("The firm will invest $5 million; the plant opens in 2027.", "en")
        assert got == ["The firm will invest $5 million;", "the plant opens in 2027."]

    def test_is_hangul_text(self) -> None:
        """Korean text is recognised as Korean; English with one Korean name is not."""
        assert is_hangul_text("가나전자는 공장을 지었다.")
        assert not is_hangul_text("Minister Min Ji-ho (민지호) visited the plant in Busan.")
        assert not is_hangul_text("12345 !!")


# ----------------------------------------------------------------------------- clauses


class TestKoreanClauses:
    def test_cut_at_go_with_subject_carried(self) -> None:
        """A -고 compound sentence is two claims; the second carries the first's subject."""
        claims = claims_of("가나전자는 10일 새 공장을 짓기로 했고 내년부터 배터리를 생산한다.")
        assert [c.text for c in claims] == [
            "가나전자는 10일 새 공장을 짓기로 했고",
            "내년부터 배터리를 생산한다.",
        ]
        assert claims[1].subject == "가나전자"
        assert claims[0].sentence_start == claims[1].sentence_start

    def test_cut_at_myeo(self) -> None:
        """A -며 compound sentence is cut after the connective."""
        claims = claims_of("다라화학은 연구소를 세우며 연구원 50명을 새로 채용한다.")
        assert [c.text for c in claims] == [
            "다라화학은 연구소를 세우며", "연구원 50명을 새로 채용한다.",
        ]
        assert claims[1].subject == "다라화학"

    def test_cut_at_myeonseo(self) -> None:
        """A -면서 compound sentence is cut after the connective."""
        claims = claims_of("마바상사는 부품 수입을 늘리기로 하면서 새 창고를 확보하게 됐다.")
        assert [c.text for c in claims] == [
            "마바상사는 부품 수입을 늘리기로 하면서", "새 창고를 확보하게 됐다.",
        ]
        assert claims[1].subject == "마바상사"

    def test_no_cut_inside_quotes(self) -> None:
        """A connective inside quotation marks does not cut the sentence."""
        got = texts('그는 "우리는 공장을 짓고 사람을 뽑는다"고 말했다.')
        assert got == ['그는 "우리는 공장을 짓고 사람을 뽑는다"고 말했다.']

    def test_no_cut_inside_curly_quotes(self) -> None:
        """Curly quotation marks protect their content the same way."""
        got = texts("민 대표는 “공장을 늘리며 일자리도 늘린다”고 설명했다.")
        assert len(got) == 1

    def test_a_quote_in_two_parts_stays_one_claim(self) -> None:
        """윤 대표는 "A"며 "B"고 말했다 is one statement quoted in two parts: cutting it would
        leave a second half without its speaker, matched against the wrong quotes."""
        sentence = ('윤 대표는 또 "우리는 설비를, 그들은 원료를 갖고 있다"며 '
                    '"함께라면 믿을 수 있는 공급망을 만들 수 있다"고 강조했다.')
        assert texts(sentence) == [sentence]

    def test_no_cut_at_auxiliary(self) -> None:
        """하고 있다 is one predicate, not two clauses."""
        got = texts("두 회사는 새 배터리 공장 건설을 논의하고 있다.")
        assert got == ["두 회사는 새 배터리 공장 건설을 논의하고 있다."]

    def test_short_piece_is_not_cut_off(self) -> None:
        """A connective right at the start leaves no tiny fragment behind."""
        got = texts("보고 듣는 것이 다르다.")
        assert got == ["보고 듣는 것이 다르다."]


# ----------------------------------------------------------------------------- bullets


class TestEnumerations:
    def test_items_of_a_lead_in_stay_in_its_claim(self) -> None:
        """▲A ▲B ▲C completed by the sentence's lead-in and verb is one claim: cut off, an
        item ("▲공동 연구", "△전화번호") states nothing and the lead-in loses its verb."""
        got = texts("주요 내용은 ▲공급망 강화 ▲공동 연구 ▲인력 교류 등이다.")
        assert got == ["주요 내용은 ▲공급망 강화 ▲공동 연구 ▲인력 교류 등이다."]
        text = "유출된 고객정보는 △이름 △전화번호 △이메일 등 3종이라고 회사는 밝혔다."
        assert texts(text) == [text]

    def test_items_with_their_own_predicates_are_cut(self) -> None:
        """Items that each say something (a verb in each) are claims of their own; the
        later ones carry the lead-in's subject."""
        claims = claims_of("한빛시는 ▲도서관을 새로 짓고 ▲공원을 두 곳 늘리기로 했다.")
        assert [c.text for c in claims] == ["한빛시는 ▲도서관을 새로 짓고",
                                            "▲공원을 두 곳 늘리기로 했다."]
        assert claims[1].subject == "한빛시"

    def test_a_list_item_keeps_its_facets_exact(self) -> None:
        """The one claim of a lead-in and its items holds every item's facets, each slicing
        exactly out of the article text."""
        from crosscheck.facets import annotate

        text = "회사는 ▲서버 23대 ▲악성코드 25종 ▲유심 정보 2700만 건이 확인됐다고 19일 밝혔다."
        article = invented_article(text)
        claims = annotate(article, split_article(article))
        assert [c.text for c in claims] == [text]
        numbers = [f.value for f in claims[0].facets if f.type == "number"]
        assert numbers == ["23대", "25종", "2700만 건"]
        for f in claims[0].facets:
            assert text[f.start:f.end] == f.value

    def test_bullet_lines_ending_in_noun_or_comma_are_kept(self) -> None:
        """Bullet lines that end in a noun or a comma are claims of their own."""
        got = texts("협력 분야는 다음과 같다.\n▲ 부품 공급망 강화,\n▲ 차세대 소재 공동 연구\n")
        assert got == ["협력 분야는 다음과 같다.", "▲ 부품 공급망 강화,", "▲ 차세대 소재 공동 연구"]

    def test_circled_numbers(self) -> None:
        """① ② items on one line are split like ▲ items."""
        got = texts("①생산 확대 ②수출 다변화")
        assert got == ["①생산 확대", "②수출 다변화"]


# ----------------------------------------------------------------------------- coverage


def covered(claims: list[Claim], pos: int) -> bool:
    """True when offset ``pos`` lies inside some claim."""
    return any(c.start <= pos < c.end for c in claims)


class TestCoverage:
    TEXT = (
        "가나전자, 새 공장 착공\n\n"
        "가나전자는 10일 새 공장을 짓기로 했고 내년부터 배터리를 생산한다. 다라화학도 참여한다.\n"
        "사진=가나전자 제공\n"
        "민 대표는 \"공장은 지역과 함께 간다\"며 \"일자리도 늘리겠다\"고 말했다.\n"
        "▲ 공급망 강화,\n▲ 공동 연구\n"
        "The company said it would hire 200 people. Dr. Min agreed.\n"
    )

    def test_every_word_of_the_body_is_in_a_claim(self) -> None:
        """No sentence of the body is lost: every word character belongs to some claim."""
        article = invented_article(self.TEXT)
        claims = split_article(article)
        for s, e in body_segments(article):
            for i in range(s, e):
                if re.match(r"\w", self.TEXT[i]):
                    assert covered(claims, i), f"lost: {self.TEXT[s:e]!r}"

    def test_removed_spans_never_appear_in_claims(self) -> None:
        """Text marked as removed (a photo caption) is in no claim, and the rest still is."""
        start = self.TEXT.index("사진=")
        end = self.TEXT.index("\n", start)
        article = invented_article(self.TEXT, removed=(Removed(start, end, "caption"),))
        claims = split_article(article)
        assert claims
        for c in claims:
            assert c.end <= start or c.start >= end
            assert "사진=" not in c.text
        assert any("다라화학도" in c.text for c in claims)

    def test_removed_span_inside_a_line(self) -> None:
        """A removed span in the middle of a line splits the line around it."""
        text = "공장은 봄에 연다. [광고] 연구소는 가을에 연다."
        k = text.index("[광고]")
        claims = claims_of(text, removed=(Removed(k, k + 4, "ad"),))
        assert [c.text for c in claims] == ["공장은 봄에 연다.", "연구소는 가을에 연다."]

    def test_body_segments_skip_removed_and_blank(self) -> None:
        """body_segments yields trimmed line pieces outside removed spans, none blank."""
        text = "  첫 줄  \n\n둘째 줄 광고문구\n"
        k = text.index("광고문구")
        art = invented_article(text, removed=(Removed(k, k + 4, "ad"),))
        assert [text[s:e] for s, e in body_segments(art)] == ["첫 줄", "둘째 줄"]

    def test_drop_claims_in(self) -> None:
        """drop_claims_in drops only the claims wholly inside a span."""
        text = "공장은 봄에 연다.\n구독 신청 안내\n연구소는 가을에 연다.\n"
        claims = claims_of(text)
        k = text.index("구독")
        kept = drop_claims_in(claims, [Removed(k, k + len("구독 신청 안내"), "boilerplate")])
        assert [c.text for c in kept] == ["공장은 봄에 연다.", "연구소는 가을에 연다."]
        assert drop_claims_in(claims, []) == claims


@pytest.mark.parametrize(
    "text",
    ["", "\n\n", "   ", "---", "▲", "“”", "\r\n\r\n"],
)
def test_empty_or_punctuation_only_gives_no_claims(text: str) -> None:
    """Text without any word gives no claims (and no crash)."""
    assert claims_of(text) == []


def test_breadcrumb_and_menu_lines_are_not_claims() -> None:
    """Navigation lines (items joined by > or |) give no claims; body sentences still do."""
    got = texts("홈 > 산업 > 에너지\n공장은 봄에 연다.\nNews | Business | World\n")
    assert got == ["공장은 봄에 연다."]
    assert texts("매출은 3 > 2 > 1 순으로 줄었다.") == ["매출은 3 > 2 > 1 순으로 줄었다."]


class TestLeanAnalyser:
    def test_lean_analyser_gives_the_full_models_analyses(self) -> None:
        """Kiwi without its multi-word dictionary analyses every line of the sample corpus
        as the full model does; a text in which a multi-word name can occur switches it to
        the full model, so that text too is analysed as the full model does (the lean one
        with the name added as a user word would make 다니엘 데이 루이스 one token)."""

        from kiwipiepy import Kiwi

        from crosscheck.lang.ko import LeanKiwi

        def tokens(k: Any, lines: list[str]) -> list[list[tuple[str, str, int, int]]]:
            return [[(t.form, t.tag, t.start, t.len) for t in x] for x in k.tokenize(lines)]

        root = ARTICLES
        lines = [line for f in sorted(root.glob("*.*")) if f.name != "README.md"
                 for line in f.read_text(encoding="utf-8").splitlines() if line.strip()]
        full = Kiwi()
        lean = LeanKiwi()
        assert tokens(lean.for_texts(lines), lines) == tokens(full, lines)
        assert not lean.upgraded  # the sample names no multi-word entry
        names = ["다니엘 데이 루이스의 라스트 모히칸이 울고 간다.",
                 "젠슨 황 엔비디아 CEO는 이날 도널드 트럼프 대통령과 만났다."]
        assert tokens(lean.for_texts(names), names) == tokens(full, names)
        assert lean.upgraded
        assert tokens(lean.for_texts(lines), lines) == tokens(full, lines)

    def test_multi_word_index_is_cached_and_a_damaged_cache_is_rebuilt(
        self, tmp_path: Any, monkeypatch: Any
    ) -> None:
        """The sorted multi-word index is written to the cache folder once and read back the
        same; a truncated cache file is rebuilt, never trusted."""
        from crosscheck.lang import ko as split

        monkeypatch.setenv("CROSSCHECK_CACHE", str(tmp_path))
        built = split.multi_index()
        assert built is not None and len(built.flats) > 200_000
        (cache,) = (tmp_path / "kiwi").glob("multi-*.idx")
        again = split.multi_index()
        assert again is not None and again.flats == built.flats
        flat = split.flat_surface("젠슨 황 엔비디아 CEO는 도널드 트럼프 대통령과 만났다.")
        assert "젠슨황" in again.found_in(flat)
        assert not again.occurs_in(split.flat_surface("공장은 봄에 연다."))
        whole = cache.read_bytes()
        for cut in (1000, len(whole) - 1000):
            cache.write_bytes(whole[:cut])
            rebuilt = split.multi_index()
            assert rebuilt is not None and rebuilt.flats == built.flats
