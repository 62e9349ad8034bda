"""Comparison: how outlets' claims become agree / add_detail / diverge findings.

Each test builds a few invented articles and runs the real stages on them (split, facets,
the embedded model, clusters, events, compare), then checks what a fact-checker would
read: which divergences are reported, with which values side by side, and which
differences are not divergences at all (rounding, a partial quote, two different
quantities, two events).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

import numpy as np
import pytest

from crosscheck.cluster import cluster_claims
from crosscheck.compare import compare, quote_relation
from crosscheck.embed import SentenceTransformerEmbedder
from crosscheck.entities import person_groups
from crosscheck.events import group_events
from crosscheck.models import Article, Claim, Finding, content_id
from crosscheck.pipeline import claims_of

pytestmark = pytest.mark.model

_EMBEDDER = SentenceTransformerEmbedder()


def _article(aid: str, outlet: str, text: str, published: str = "2031-05-12",
             primary: bool = False) -> Article:
    lang = "ko" if any("\uac00" <= ch <= "\ud7a3" for ch in text) else "en"
    return Article(id=aid, path=f"{aid}.txt", text=text, sha256=content_id(text), format="txt",
                   language=lang, outlet=outlet, published=published, primary=primary)


def _findings(*articles: Article) -> list[Finding]:
    claims: list[Claim] = [c for a in articles for c in claims_of(a)]
    _EMBEDDER.expect(len(claims))
    matrix = _EMBEDDER.encode([c.text for c in claims])
    vectors = {c.id: matrix[i] for i, c in enumerate(claims)}
    clusters = cluster_claims(claims, np.asarray(matrix))
    events = group_events(list(articles), claims, clusters, person_groups(claims))
    return compare(list(articles), claims, clusters, vectors, events=events).findings


def _of(findings: Sequence[Finding], kind: str, facet: str | None = None) -> list[Finding]:
    return [f for f in findings if f.kind == kind and (facet is None or f.facet == facet)]


# An invented story: Harbin Metals builds a smelter in Port Ellis; four outlets.
SMELTER = {
    "tide": ("Tide Courier", "Harbin Metals will invest $400 million in a new smelter in "
             "Port Ellis, the company said on Monday.\nThe plant will employ 650 people when "
             "it opens in 2033.\n"),
    "gull": ("Gull Times", "Harbin Metals said it would invest $400 million to build a smelter "
             "in Port Ellis.\nThe smelter is expected to employ about 650 workers from 2033.\n"),
    "reef": ("Reef Daily", "Harbin Metals announced a $4 billion investment in a smelter in "
             "Port Ellis on Monday.\nThe plant is to employ 650 people once it opens in 2033.\n"),
    "bay": ("Bay Ledger", "Harbin Metals plans to spend $400 million on a Port Ellis smelter.\n"
            "It expects to hire 650 people by 2033.\n"),
}


def _smelter(**changed: str) -> list[Article]:
    return [_article(k, outlet, changed.get(k, text)) for k, (outlet, text) in SMELTER.items()]


class TestFigures:
    def test_a_figure_off_by_a_power_of_ten_diverges_and_the_others_agree(self) -> None:
        """$4 billion in one outlet against $400 million in three: a divergence that sets
        the outlet's figure against the others, names the slip, and shows every outlet's
        own words on either side; the three still agree on the figure."""
        found = _findings(*_smelter())
        (div,) = [f for f in _of(found, "diverge", "number") if "billion" in f.summary]
        sides = {v.article_id: v.normalized for v in div.values}
        assert div.values[0].article_id == "reef"
        assert sides == {"reef": "4000000000 USD", "tide": "400000000 USD",
                         "gull": "400000000 USD", "bay": "400000000 USD"}
        assert "power of ten" in div.summary and "Reef Daily" in div.summary
        assert div.tier in ("likely", "possible")
        agree = [f for f in _of(found, "agree", "number")
                 if {v.normalized for v in f.values} == {"400000000 USD"}]
        assert agree and {v.article_id for v in agree[0].values} >= {"tide", "gull", "bay"}

    def test_rounding_and_hedges_are_not_divergences(self) -> None:
        """650 people, about 650 workers, 26.96 million and 26.95 million, 2 million and
        1.8 million: one figure written to different precision, never a divergence."""
        found = _findings(*_smelter(
            gull="Harbin Metals said it would invest $0.4 billion to build a smelter in Port "
                 "Ellis.\nThe smelter is expected to employ about 650 workers from 2033.\n",
            reef="Harbin Metals announced a $400 million investment in a smelter in Port Ellis "
                 "on Monday.\nThe plant is to employ 650 people once it opens in 2033.\n"))
        assert not _of(found, "diverge", "number")

    def test_a_count_one_off_diverges(self) -> None:
        """14 furnaces in three outlets, 15 in one: a count written to its units is no
        rounding of another, so one apart is a divergence (26.95 vs 26.96 million is
        rounding; 14 vs 15 is not)."""
        extra = "The smelter will run {} furnaces, the company said.\n"
        found = _findings(*_smelter(
            tide=SMELTER["tide"][1] + extra.format(14), gull=SMELTER["gull"][1] + extra.format(14),
            bay=SMELTER["bay"][1] + extra.format(14), reef=SMELTER["reef"][1] + extra.format(15)))
        (div,) = [f for f in _of(found, "diverge", "number")
                  if {v.normalized for v in f.values} == {"14", "15"}]
        assert "Reef Daily" in div.summary and "furnaces" in div.summary
        assert not [f for f in _of(found, "agree", "number")
                    if {v.normalized for v in f.values} == {"14", "15"}]

    def test_a_magnitude_that_differs_diverges(self) -> None:
        """6.1 in two outlets, 6.4 in a third: the quake's magnitude diverges, named as such."""
        arts = [
            _article("v", "Vale Herald", "A magnitude 6.1 earthquake shook the Dunmore valley "
                     "early on Monday, the seismic office said.\n"),
            _article("m", "Moor Post", "The seismic office said a magnitude 6.1 earthquake "
                     "shook the Dunmore valley on Monday morning.\n"),
            _article("c", "Cliff Daily", "A 6.4-magnitude earthquake shook the Dunmore valley "
                     "on Monday, according to the seismic office.\n"),
        ]
        (div,) = [f for f in _of(_findings(*arts), "diverge", "number")
                  if {v.normalized for v in f.values} == {"6.1 magnitude", "6.4 magnitude"}]
        assert "magnitude" in div.summary and "Cliff Daily" in div.summary

    @pytest.mark.parametrize(("early", "late", "new", "old", "shown"), [
        ("At least 12 people were killed in the Dunmore valley flood, officials said.\n",
         "The death toll from the Dunmore valley flood has risen to 15 people, officials "
         "said.\n", "15 people", "~12 people", True),
        # the Korean pair's contexts are looser: no divergence, and too weak to show an update
        ("던모어 계곡 홍수 사망자는 최소 12명이라고 당국이 밝혔다.\n",
         "던모어 계곡 홍수 사망자가 15명으로 늘었다고 당국이 밝혔다.\n", "15 people",
         "~12 people", False),
    ])
    def test_a_later_figure_a_change_reached_is_an_update(
            self, early: str, late: str, new: str, old: str, shown: bool) -> None:
        """12 dead on the first day, risen to 15 on the next: the later figure updates the
        earlier one. It is reported as an update naming which is newer, never as a
        divergence."""
        arts = [_article("a", "Vale Herald", early, published="2031-09-02"),
                _article("b", "Cliff Daily", early, published="2031-09-02"),
                _article("c", "Moor Post", late, published="2031-09-03")]
        found = _findings(*arts)
        assert not [f for f in _of(found, "diverge", "number")
                    if {v.normalized for v in f.values} == {new, old}]
        updates = [f for f in _of(found, "add_detail", "number") if "updated" in f.summary]
        assert len(updates) == int(shown)
        for upd in updates:
            assert "is newer than" in upd.summary and "Moor Post, 2031-09-03" in upd.summary
            assert upd.values[0].article_id == "c"

    STEPS: ClassVar[dict[str, tuple[str, str]]] = {
        "k1": ("한빛일보", "한빛전력은 19일 폭우 피해 2차 점검 결과를 발표했다.\n1차 점검 결과에서 "
                       "침수된 변압기가 3대로 확인됐는데, 이번 2차 점검 결과 침수 변압기가 "
                       "18대 더 늘어 23대로 파악됐다.\n"),
        "k2": ("누리경제", "한빛전력은 19일 폭우 피해 2차 점검 결과를 발표했다.\n침수된 변압기는 "
                       "5대에서 23대로 늘었다.\n"),
        "k3": ("바다뉴스", "한빛전력이 19일 폭우 피해 2차 점검 결과를 내놨다.\n침수 변압기는 "
                       "5대에서 23대로 늘었다.\n"),
    }

    def test_a_first_level_its_own_change_contradicts_diverges(self) -> None:
        """An outlet gives 3 as the first count, then 18 more to 23: its own figures work out
        to the 5 two other outlets give. The divergence sets 3 against 5 and says why."""
        arts = [_article(k, o, t) for k, (o, t) in self.STEPS.items()]
        (div,) = [f for f in _of(_findings(*arts), "diverge", "number")]
        assert div.tier == "likely"
        assert {(v.article_id, v.normalized) for v in div.values} == {
            ("k1", "3 machines"), ("k2", "5 machines"), ("k3", "5 machines")}
        assert "한빛일보's own 23대 − 18대 gives 5대" in div.summary

    def test_a_first_level_its_own_change_confirms_is_no_divergence(self) -> None:
        text = self.STEPS["k1"][1].replace("3대로 확인", "5대로 확인")
        arts = [_article("k1", "한빛일보", text)] + [
            _article(k, o, t) for k, (o, t) in self.STEPS.items() if k != "k1"]
        assert not _of(_findings(*arts), "diverge", "number")

    def test_two_quantities_of_one_story_are_not_set_against_each_other(self) -> None:
        """The investment and the jobs, the total and one part of it: different questions.
        Every outlet gives both; nothing diverges."""
        extra = "Of the total, $150 million will go to a port terminal.\n"
        found = _findings(*_smelter(
            tide=SMELTER["tide"][1] + extra, gull=SMELTER["gull"][1] + extra,
            reef=SMELTER["tide"][1].replace("Tide", "Reef") + extra))
        assert not _of(found, "diverge", "number")


class TestDates:
    KO: ClassVar[dict[str, tuple[str, str]]] = {
        "a": ("가람일보", "조사단은 방화벽 기록이 남은 2030년 12월 3일부터 2031년 4월 24일까지는 "
                      "자료 유출이 없었다고 밝혔다.\n"),
        "b": ("누리신문", "기록이 남아 있는 2030년 12월 3일부터 2031년 4월 24일까지 자료 유출은 "
                      "없었다고 조사단은 설명했다.\n"),
        "c": ("한울경제", "조사단에 따르면 2030년 12월 3일부터 2030년 4월 24일까지 유출된 "
                      "자료는 없었다.\n"),
    }

    def test_a_range_end_a_year_off_diverges(self) -> None:
        """One outlet ends the period a year early while its start agrees with the others:
        a date divergence naming the same day and month in another year."""
        arts = [_article(k, o, t) for k, (o, t) in self.KO.items()]
        found = _findings(*arts)
        (div,) = _of(found, "diverge", "date")
        assert {v.normalized for v in div.values} == {"2030-04-24", "2031-04-24"}
        assert "another year" in div.summary and "한울경제" in div.summary
        assert div.summary.startswith("Date of the period's end differs")

    EN: ClassVar[dict[str, tuple[str, str]]] = {
        "p": ("Pine Herald", "Firewall logs show that no files left the network between "
                             "March 4, 2030, and Sept. 9, 2031, the inspectors said.\n"
                             "Whether files leaked from Jan. 5, 2029, to March 3, 2030, "
                             "cannot be known, because no logs were kept then.\n"),
        "q": ("Quill Post", "No files left the network from March 4, 2030, to Sept. 9, 2031, "
                            "according to the firewall logs, the inspectors said.\n"
                            "No one can tell whether files leaked between Jan. 5, 2029, and "
                            "March 3, 2030, as no logs exist for that time.\n"),
        "r": ("로크통신", "점검단은 방화벽 기록이 있는 2030년 3월 3일부터 2031년 9월 9일까지 "
                      "파일이 외부로 나간 흔적은 없었다고 밝혔다.\n"
                      "기록이 없는 2029년 1월 5일부터 2030년 3월 3일까지 파일이 새어 나갔는지는 "
                      "알 수 없다고 점검단은 덧붙였다.\n"),
    }

    def test_a_range_start_given_as_the_other_range_end_diverges(self) -> None:
        """One outlet starts the logged period on the day the others end the unlogged one:
        that day is well attested, but as an end, which says nothing for it as a start."""
        arts = [_article(k, o, t) for k, (o, t) in self.EN.items()]
        found = _findings(*arts)
        (div,) = [f for f in _of(found, "diverge", "date")
                  if {v.normalized for v in f.values} == {"2030-03-03", "2030-03-04"}]
        assert "로크통신" in div.summary and "one day apart" in div.summary
        assert div.summary.startswith("Date of the period's start differs")

    def test_a_month_agrees_with_a_day_in_it(self) -> None:
        """'in June 2031' and 'June 15, 2031': one date at two precisions."""
        arts = [_article("x", "X", "The plant was first inspected on June 15, 2031, officials "
                         "said.\n"),
                _article("y", "Y", "Officials said the plant was first inspected in June 2031.\n")]
        assert not _of(_findings(*arts), "diverge", "date")


class TestQuotes:
    FULL = ("우리는 고객 여러분께 큰 불편과 걱정을 끼쳐 드린 점에 대해 진심으로 사과드리며 모든 "
            "피해를 보상하겠습니다")

    def test_a_partial_quote_is_the_same_statement(self) -> None:
        part = "큰 불편과 걱정을 끼쳐 드린 점에 대해 진심으로 사과드리며"
        assert quote_relation(self.FULL, part) == "same"

    def test_i_against_we_is_another_statement(self) -> None:
        """The speaker's subject changes what was said."""
        assert quote_relation("We feel deep regret and responsibility for this incident",
                              "I feel deep regret and responsibility for this incident") == "differ"

    def test_a_dropped_figure_with_other_words_differs_but_a_translation_does_not(self) -> None:
        a = ("2천억 달러 투자는 한 번에 이뤄지지 않고 연간 200억 달러 한도 안에서 사업 진척에 "
             "따라 나눠 이뤄진다")
        b = "2천억 달러 투자는 한 번에 집행되지 않고 사업 진척에 따라 분할해 집행된다"
        assert quote_relation(a, b) == "differ"
        assert quote_relation("Investment will not be made at once",
                              "Investment is to be made in stages", translated=True) == "same"

    def test_different_remarks_on_one_subject_are_not_compared(self) -> None:
        assert quote_relation("The plant will open in 2033 and employ local people",
                              "Our priority is safety at the port terminal") == "other"


class TestTitles:
    ARTS: ClassVar[dict[str, tuple[str, str]]] = {
        "m": ("가람일보", "2031-05-12", "정하윤 산업부 장관은 12일 협정에 서명했다.\n정 장관은 "
                                        "\"새로운 출발\"이라고 말했다.\n"),
        "n": ("누리신문", "2031-05-12", "정하윤 산업부 차관이 12일 협정에 서명했다.\n"),
        "o": ("한울경제", "2031-05-12", "정하윤 부총리 겸 산업부 장관은 12일 협정에 서명했다.\n"),
    }

    def test_minister_against_vice_minister_diverges(self) -> None:
        arts = [_article(k, o, t, d) for k, (o, d, t) in self.ARTS.items()]
        found = _findings(*arts)
        (title,) = _of(found, "diverge", "title")
        assert title.subject == "정하윤"
        by_art: dict[str, set[str]] = {}
        for v in title.values:
            by_art.setdefault(v.article_id, set()).add(v.value)
        assert by_art["m"] == {"장관"} and by_art["n"] == {"차관"}
        assert by_art["o"] == {"부총리", "장관"}  # two posts in one mention: both held

    def test_an_article_giving_one_person_two_clashing_titles(self) -> None:
        """'Deputy Minister Cho' and 'Cho Min-ho, chief of staff' in one article, with no
        other Cho: the article contradicts itself."""
        art = _article("p", "Port Post", "Cho Min-ho, the presidential chief of staff, briefed "
                       "reporters on Tuesday.\nDeputy Minister Cho said the cap would hold.\n")
        (title,) = _of(_findings(art), "diverge", "title")
        assert {v.value for v in title.values} >= {"Deputy Minister"}
        assert "do not go together" in title.summary


class TestPredicates:
    def test_kept_at_against_cut_to_one_rate(self) -> None:
        """Both outlets give 15%; one says the rate was kept there, the other cut to it."""
        arts = [_article("k", "가람일보", "정하윤 통상교섭본부장은 12일 발표에서 한국산 제품의 "
                         "상호관세는 15% 수준으로 유지한다고 밝혔다.\n"),
                _article("l", "누리신문", "정하윤 통상교섭본부장은 12일 발표에서 한국산 제품의 "
                         "상호관세를 15%로 인하한다고 밝혔다.\n")]
        (pred,) = _of(_findings(*arts), "diverge", "predicate")
        assert "kept at 15%" in pred.summary
        assert {v.article_id for v in pred.values} == {"k", "l"}


class TestEvents:
    def test_two_events_in_one_folder_are_not_compared(self) -> None:
        """A folder with two stories a year apart, sharing no one: each is an event, and a
        figure of one is never set against a figure of the other."""
        ulsan = [_article(k, o, t, "2031-05-12") for k, (o, t) in SMELTER.items()]
        other = [_article("w", "West Wire", "Lumen Foods will invest $40 million in a bakery in "
                          "Marrow Bay.\nThe bakery will employ 65 people.\n", "2030-01-20"),
                 _article("v", "Vale News", "Lumen Foods plans a $40 million bakery in Marrow "
                          "Bay that will employ 65 people.\n", "2030-01-21")]
        found = _findings(*ulsan, *other)
        for f in _of(found, "diverge"):
            arts = {v.article_id for v in f.values}
            assert not (arts & {"w", "v"} and arts - {"w", "v"}), f.summary


class TestSigning:
    ARTS: ClassVar[dict[str, tuple[str, str]]] = {
        "dawn": ("새벽일보", "누리전자와 하람화학은 11일 울산에서 수소 저장 공동개발 협약을 "
                          "체결했다.\n협약서에는 김도윤 누리전자 대표와 박수아 하람화학 대표가 "
                          "서명했다.\n"),
        "river": ("강변경제", "누리전자와 하람화학이 11일 울산에서 수소 저장 공동개발 협약을 "
                          "맺었다.\n김도윤 누리전자 대표와 박수아 하람화학 대표가 협약서에 "
                          "서명했다.\n"),
        "hill": ("언덕뉴스", "누리전자와 하람화학은 11일 울산에서 수소 저장 공동개발 협약을 "
                         "체결했다.\n김도윤 누리전자 대표와 오지우 하람화학 부사장이 협약서에 "
                         "서명했다.\n"),
    }

    def test_another_pair_of_signatories_diverges(self) -> None:
        arts = [_article(k, o, t) for k, (o, t) in self.ARTS.items()]
        (who,) = _of(_findings(*arts), "diverge", "signatory")
        signers: dict[str, set[str]] = {}
        for v in who.values:
            signers.setdefault(v.article_id, set()).add(v.normalized)
        assert signers["hill"] == {"김도윤", "오지우"}
        assert signers["dawn"] == signers["river"] == {"김도윤", "박수아"}
        for v in who.values:
            assert v.value in v.quote

    def test_the_same_signatories_everywhere_is_no_divergence(self) -> None:
        arts = [_article(k, o, t) for k, (o, t) in self.ARTS.items() if k != "hill"]
        assert not _of(_findings(*arts), "diverge", "signatory")


class TestReleasedDocuments:
    """The document an event's text comes from (a fact sheet, a joint statement, a ruling)
    named as another kind of document."""

    ARTS: ClassVar[dict[str, tuple[str, str]]] = {
        "north": ("North Wire", "Velmar and Ostrava released a joint fact sheet on Tuesday on "
                                "their new fisheries pact.\nThe fact sheet said quotas would "
                                "fall by a fifth.\n"),
        "south": ("South Herald", "A fact sheet released by the two governments on Tuesday "
                                  "set out the fisheries pact.\nThe fact sheet said quotas "
                                  "would be cut by a fifth.\n"),
        "east": ("East Post", "According to a joint statement, Velmar and Ostrava will cut "
                              "fishing quotas by a fifth under their new fisheries pact.\n"),
    }

    def test_a_joint_statement_against_a_fact_sheet_diverges(self) -> None:
        """Two outlets quote a fact sheet, one a joint statement: a divergence that sets the
        odd outlet's words against a fact-sheet mention and names both kinds."""
        arts = [_article(k, o, t) for k, (o, t) in self.ARTS.items()]
        (doc,) = [f for f in _of(_findings(*arts), "diverge", "document_type")
                  if f.what == "the document released"]
        assert "joint statement (East Post)" in doc.summary
        assert "fact sheet (" in doc.summary and "North Wire" in doc.summary
        by_art = {v.article_id: v.value.casefold() for v in doc.values}
        assert by_art["east"] == "joint statement"
        assert set(by_art) - {"east"} and all("fact sheet" in v for a, v in by_art.items()
                                              if a != "east")

    def test_an_outlet_that_names_both_documents_is_no_divergence(self) -> None:
        """An outlet that names a joint statement and the fact sheet tells of two documents."""
        east = ("East Post", self.ARTS["east"][1] + "The fact sheet itself ran to four "
                                                    "pages.\n")
        arts = [_article(k, o, t) for k, (o, t) in {**self.ARTS, "east": east}.items()]
        assert not [f for f in _of(_findings(*arts), "diverge", "document_type")
                    if f.what == "the document released"]

    SERVED = ("바다일보", "해양위원회는 12일 한솔해운에 과징금 처분 의견서를 송달했다.\n"
                       "과징금은 41억원으로 위원회 출범 이후 최대다.\n"
                       "위원회는 지난달 말 한솔해운에 과징금과 시정명령을 담은 의결서를 "
                       "송달했다.\n")

    def test_one_article_serving_two_kinds_of_document_diverges(self) -> None:
        """One article says an opinion was served, and later that the resolution was: a
        divergence within the article, with both sentences side by side."""
        (doc,) = [f for f in _of(_findings(_article("sea", *self.SERVED)), "diverge",
                                 "document_type")]
        assert {v.value for v in doc.values} == {"의견서", "의결서"}
        assert "within one article (바다일보)" in doc.summary
        assert all(v.value in v.quote for v in doc.values)

    def test_a_sentence_naming_two_documents_served_is_no_divergence(self) -> None:
        text = ("해양위원회는 12일 한솔해운에 의견서를 송달한 데 이어 의결서도 송달했다.\n"
                "과징금은 41억원으로 위원회 출범 이후 최대다.\n")
        found = _findings(_article("sea", "바다일보", text))
        assert not _of(found, "diverge", "document_type")
