"""Comparison: how outlets' claims become agree / add_detail / diverge findings.

Each test builds a few invented articles, splits and annotates them with the real splitter
and facet rules, groups claims by hand into clusters (so no embedding model is involved),
and checks the findings a fact-checker would read.
"""

from __future__ import annotations

from collections.abc import Sequence

from crosscheck.compare import compare
from crosscheck.models import Article, Claim, Cluster, Finding, content_id
from crosscheck.pipeline import claims_of


def _article(aid: str, text: str, outlet: str, lang: str = "ko",
             published: str = "2026-05-12") -> Article:
    return Article(id=aid, path=f"{aid}.txt", text=text, sha256=content_id(text), format="txt",
                   language=lang, outlet=outlet, published=published)


def _claim(claims: Sequence[Claim], article_id: str, needle: str) -> Claim:
    return next(c for c in claims if c.article_id == article_id and needle in c.text)


def _cluster(*members: Claim) -> Cluster:
    ids = tuple(sorted(c.id for c in members))
    return Cluster(content_id("cluster", *ids), ids, tuple(sorted({c.article_id
                                                                   for c in members})))


def _of(findings: Sequence[Finding], kind: str, facet: str) -> list[Finding]:
    return [f for f in findings if f.kind == kind and f.facet == facet]


# Invented coverage of one signing: four outlets, one of them with another day and one
# with another pair of signatories.
ARTICLES = {
    "dawn": ("새벽일보", "ko",
             "누리전자와 하람화학은 11일 울산에서 수소 저장 공동개발 협약을 체결했다.\n"
             "협약서에는 김도윤 누리전자 대표와 박수아 하람화학 대표가 서명했다.\n"),
    "river": ("강변경제", "ko",
              "누리전자와 하람화학이 11일 울산에서 수소 저장 공동개발 협약을 맺었다.\n"
              "김도윤 누리전자 대표와 박수아 하람화학 대표가 협약서에 서명했다.\n"),
    "hill": ("언덕뉴스", "ko",
             "누리전자와 하람화학은 12일 울산에서 수소 저장 공동개발 협약을 체결했다.\n"
             "김도윤 누리전자 대표와 오지우 하람화학 부사장이 협약서에 서명했다.\n"),
    "coast": ("Coast Ledger", "en",
              "Nuri Electronics and Haram Chemical signed a hydrogen storage pact in Ulsan "
              "on Monday.\n"),
}


def _corpus() -> tuple[list[Article], list[Claim]]:
    arts = [_article(aid, text, outlet, lang) for aid, (outlet, lang, text) in ARTICLES.items()]
    claims = [c for a in arts for c in claims_of(a)]
    return arts, claims


class TestSigning:
    def test_a_day_given_by_one_outlet_diverges_while_the_others_still_agree(self) -> None:
        """One outlet's other day is a date divergence naming it; the outlets that agree on
        the fact are reported as agreeing (with a pointer to the divergence), not hidden."""
        arts, claims = _corpus()
        sign = _cluster(*(_claim(claims, a, "울산") for a in ("dawn", "river", "hill")))
        findings = compare(arts, claims, [sign]).findings
        (date,) = _of(findings, "diverge", "date")
        assert {v.article_id: v.normalized for v in date.values} == {
            "dawn": "2026-05-11", "river": "2026-05-11", "hill": "2026-05-12"}
        agree = [f for f in findings if f.kind == "agree" and f.cluster_ids == (sign.id,)]
        assert len(agree) == 1
        assert {v.article_id for v in agree[0].values} == {"dawn", "river"}
        assert "언덕뉴스 differs on date" in agree[0].summary

    def test_who_signed_is_compared_across_the_whole_corpus(self) -> None:
        """Signatories named in sentences that are in no common cluster still diverge when
        one outlet names another signer; an outlet naming no pair adds nothing to contradict."""
        arts, claims = _corpus()
        findings = compare(arts, claims, []).findings
        (who,) = _of(findings, "diverge", "signatory")
        signers = {}
        for v in who.values:
            signers.setdefault(v.article_id, set()).add(v.normalized)
        assert signers["hill"] == {"김도윤", "오지우"}
        assert signers["dawn"] == signers["river"] == {"김도윤", "박수아"}
        assert "오지우" in who.summary and "언덕뉴스" in who.summary
        for v in who.values:  # the quote is the outlet's own sentence, the value its name
            assert v.value in v.quote

    def test_the_same_pair_of_signers_everywhere_is_no_divergence(self) -> None:
        """Outlets naming the same signers (in any order) give no signatory finding."""
        arts, claims = _corpus()
        arts = [a for a in arts if a.id != "hill"]
        claims = [c for c in claims if c.article_id != "hill"]
        assert not _of(compare(arts, claims, []).findings, "diverge", "signatory")

    def test_a_signing_ceremony_mention_does_not_make_a_signer(self) -> None:
        """"spoke after the signing" or 서명식에 앞서 names no signatory."""
        text = ("Natural resources minister Lena Park attended and spoke after the signing.\n"
                "서명식에 앞서 한지우 장관은 기업 대표들과 간담회를 가졌다.\n")
        art = _article("x", text, "X", "en")
        claims = claims_of(art)
        assert not any(f.type == "signatory" for c in claims for f in c.facets)
        arts, base = _corpus()
        findings = compare([*arts, art], [*base, *claims], []).findings
        for f in _of(findings, "diverge", "signatory"):
            assert "x" not in {v.article_id for v in f.values}


class TestNumbersAndDates:
    def test_rounding_note_sets_only_figures_of_one_unit_side_by_side(self) -> None:
        """약 3,400만 달러 and 3,370만 달러 agree with a rounding note; a count of firms in the
        same cluster is not called the same figure."""
        a = _article("a", "양사는 5년간 3,370만 달러를 투입한다.\n", "A")
        b = _article("b", "양사는 5년간 약 3,400만 달러를 투입하고 협력사 40여 곳과 손잡는다.\n",
                     "B")
        claims = [*claims_of(a), *claims_of(b)]
        cl = _cluster(_claim(claims, "a", "달러"), _claim(claims, "b", "달러"))
        (agree,) = [f for f in compare([a, b], claims, [cl]).findings if f.kind == "agree"]
        assert "within rounding" in agree.summary
        assert "3,370만 달러" in agree.summary and "3,400만 달러" in agree.summary
        assert "40여 곳" not in agree.summary

    def test_a_year_alone_is_a_date_and_two_years_diverge(self) -> None:
        """"2027년까지" and "by 2028" are dates (years); different years of one fact diverge,
        while a year never contradicts a full date."""
        a = _article("a", "연구센터는 2027년까지 문을 연다.\n", "A")
        b = _article("b", "The research centre will open by 2028.\n", "B", "en")
        c = _article("c", "연구센터는 5월 12일 착공해 문을 연다.\n", "C")
        claims = [*claims_of(a), *claims_of(b), *claims_of(c)]
        years = {f.normalized for cl in claims for f in cl.facets if f.type == "date"}
        assert {"2027", "2028"} <= years
        cl = _cluster(*claims)
        (date,) = _of(compare([a, b, c], claims, [cl]).findings, "diverge", "date")
        assert {v.article_id for v in date.values} >= {"a", "b"}


class TestOnlyOneOutlet:
    def test_a_claim_in_no_cluster_is_an_added_detail_pointing_at_its_figure(self) -> None:
        """A fact only one outlet gives is add_detail under that outlet; with a figure in it,
        the finding is about that figure and marks where it stands in the quote."""
        a = _article("a", "The plant is expected to create about 600 jobs in the region.\n", "A",
                     "en")
        claims = claims_of(a)
        (only,) = [f for f in compare([a], claims, []).findings if f.kind == "add_detail"]
        assert only.facet == "number" and "Only A states this" in only.summary
        (v,) = only.values
        assert v.value == "600 jobs"
        assert v.value_start is not None and v.value_end is not None
        assert a.text[v.value_start : v.value_end] == "600 jobs"
        assert only.subject.startswith("The plant is expected")


class TestManyOutlets:
    def test_a_summary_groups_outlets_by_value_and_stays_one_line(self) -> None:
        """Thirty outlets give 11일, one gives 12일: the summary names the odd one out once,
        groups the thirty under their shared day with a count instead of thirty names, and
        the finding still carries every outlet's own words."""
        base = "누리전자와 하람화학은 {d}일 울산에서 수소 저장 공동개발 협약을 체결했다.\n"
        arts = [_article(f"a{i:02d}", base.format(d=11), f"지역신문{i:02d}") for i in range(30)]
        arts.append(_article("odd", base.format(d=12), "언덕뉴스"))
        claims = [c for a in arts for c in claims_of(a)]
        findings = compare(arts, claims, [_cluster(*claims)]).findings
        (date,) = _of(findings, "diverge", "date")
        assert len(date.values) == 31
        assert date.summary.count("11일") == 1 and date.summary.count("12일") == 1
        assert "and 25 more" in date.summary and "(언덕뉴스)" in date.summary
        assert date.summary.index("11일") < date.summary.index("12일")  # the majority first
        assert len(date.summary) < 200
        (agree,) = _of(findings, "agree", "place")
        assert "30 outlets state it compatibly" in agree.summary
        assert "언덕뉴스 differs on date" in agree.summary and len(agree.summary) < 250
