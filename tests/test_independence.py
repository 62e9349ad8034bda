"""Independent sources: wire copies and reprints count as one source, not as corroboration.

The articles here are invented (a desalination plant in a made-up city); the real corpora in
../shared/realcorpora are read only by the acceptance class at the end (skipped where absent).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from crosscheck import independence
from crosscheck.embed import HashingEmbedder
from crosscheck.models import (
    Article,
    Finding,
    FindingValue,
    IndependentSources,
    SourceGroup,
    SourceInfo,
)
from crosscheck.pipeline import load_corpus, run_report

ROOT = Path(__file__).resolve().parents[1]
REAL = ROOT.parent / "shared" / "realcorpora"

WIRE_BODY = """\
Haedong City opened its first seawater desalination plant on Tuesday, officials said.

The plant will supply drinking water to 120,000 residents of the coastal city.

Construction took four years and cost 310 billion won, according to the city.

Mayor Kang Min-jae said the plant would end the summer water shortages that have hit \
the city since 2019.

The facility can treat 50,000 tons of seawater a day.
"""

WIRE = f"""---
outlet: Yonhap
published: 2026-03-03
language: en
---
SEOUL, March 3 (Yonhap) -- {WIRE_BODY}
A second plant is planned for 2029 in the southern district of Ongpo.
"""

# the same story a day later, without the dateline, with a closing line of its own
REPRINT = f"""---
outlet: Harbor Daily
published: 2026-03-04
language: en
---
{WIRE_BODY}
Harbor Daily readers in Ongpo have asked for a plant of their own for a decade.
"""

# an aggregator's undated three-line summary
DIGEST = """---
outlet: News Digest
language: en
---
Haedong City opened its first seawater desalination plant on Tuesday, officials said.

The plant will supply drinking water to 120,000 residents of the coastal city.

Mayor Kang Min-jae said the plant would end the summer water shortages that have hit \
the city since 2019.
"""

# written independently, and it gives another number of residents
OWN = """---
outlet: Coastal Times
published: 2026-03-03
language: en
---
Haedong's first desalination plant began operating on Tuesday after four years of building work.

Officials said the plant will supply drinking water to 150,000 residents of the coastal city.

The whole project came to 310 billion won, the city's budget office confirmed.

Kang Min-jae, the mayor, told reporters that dry summers would no longer mean rationing.

Engineers expect the site to process 50,000 tons of seawater every day once it runs at \
full capacity.
"""


def _write(folder: Path, files: dict[str, str]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


def _report(tmp: Path, files: dict[str, str]) -> dict[str, Any]:
    corpus = _write(tmp / "articles", files)
    run_report([corpus], tmp / "reports", tmp / "claims", embedder=HashingEmbedder())
    return dict(json.loads((tmp / "reports" / "report.json").read_text(encoding="utf-8")))


def _sources(tmp: Path, files: dict[str, str]) -> dict[str, SourceInfo]:
    corpus = load_corpus([_write(tmp / "articles", files)])
    return independence.sources(corpus.articles, corpus.claims)


def _root(info: dict[str, SourceInfo], aid: str) -> str:
    seen = [aid]
    while (up := info[seen[-1]].copies_of) is not None:
        assert up not in seen, "copy chains never loop"
        seen.append(up)
    return seen[-1]


STORY = {"wire.md": WIRE, "harbor.md": REPRINT, "digest.md": DIGEST, "coastal.md": OWN}


@pytest.fixture(scope="module")
def story(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """The report of the wire story, its two copies and the independent story."""
    return _report(tmp_path_factory.mktemp("story"), STORY)


def _outlets(f: dict[str, Any]) -> set[str]:
    """A finding's outlets: those of its values."""
    return {v["article_id"] for v in f["values"]}


class TestReport:
    def test_articles_name_what_they_copy_and_their_wire(self, story: dict[str, Any]) -> None:
        """articles[].copies_of points each reprint at the story it copies; the wire story's
        dateline names Yonhap; the independent story is nobody's copy."""
        arts = {a["id"]: a for a in story["articles"]}
        assert arts["wire"]["wire"] == "Yonhap" and arts["wire"]["copies_of"] is None
        assert arts["harbor"]["copies_of"] == "wire"
        assert arts["digest"]["copies_of"] in {"wire", "harbor"}
        assert arts["coastal"]["copies_of"] is None and arts["coastal"]["wire"] is None

    def test_wire_copy_on_three_sites_is_one_independent_source(
            self, story: dict[str, Any]) -> None:
        """Three sites carrying one wire story agree as one source, and the summary says so,
        naming the original and its copies."""
        agree = [f for f in story["findings"] if f["kind"] == "agree"
                 and _outlets(f) == {"wire", "harbor", "digest"}]
        assert agree
        for f in agree:
            assert f["independent_sources"] == {
                "count": 1, "groups": [{"source": "wire", "copies": ["harbor", "digest"]}]}
            assert ("3 outlets, 1 independent source: Yonhap (copied by Harbor Daily, "
                    "News Digest)") in f["summary"]

    def test_independent_story_is_its_own_source(self, story: dict[str, Any]) -> None:
        """An agreement of the three copies and the independently written story counts two
        sources: the wire (with its copies) and the independent one."""
        title = next(f for f in story["findings"] if f["kind"] == "agree"
                     and f["facet"] == "title")
        assert _outlets(title) == {"wire", "harbor", "digest", "coastal"}
        groups = {g["source"]: g["copies"] for g in title["independent_sources"]["groups"]}
        assert title["independent_sources"]["count"] == 2
        assert groups == {"wire": ["harbor", "digest"], "coastal": []}
        assert "4 outlets, 2 independent sources: Yonhap (copied by" in title["summary"]

    def test_divergence_carried_only_by_copies_of_one_source_says_so(
            self, story: dict[str, Any]) -> None:
        """"120,000 (three outlets) vs 150,000 (one)" looks like three against one; the
        summary says the 120,000 side is one source and its copies."""
        div = next(f for f in story["findings"] if f["kind"] == "diverge"
                   and f["facet"] == "number")
        assert "120,000 comes from one source: Yonhap (copied by Harbor Daily, News Digest)" \
            in div["summary"]
        assert div["independent_sources"]["count"] == 2

    def test_copy_that_changed_a_value_is_still_one_source(self, tmp_path: Path) -> None:
        """A reprint that changed the wire's number diverges from it; the summary says both
        sides are one source, so the reader knows it is a copying slip, not two reports."""
        altered = REPRINT.replace("120,000 residents", "210,000 residents")
        rep = _report(tmp_path, {"wire.md": WIRE, "harbor.md": altered})
        div = next(f for f in rep["findings"] if f["kind"] == "diverge"
                   and f["facet"] == "number")
        assert _outlets(div) == {"wire", "harbor"}
        assert div["independent_sources"]["count"] == 1
        assert "all 2 outlets carry one source: Yonhap (copied by Harbor Daily)" \
            in div["summary"]

    def test_every_finding_counts_its_sources(self, story: dict[str, Any]) -> None:
        """Every finding carries independent_sources whose groups cover its outlets once."""
        for f in story["findings"]:
            ind = f["independent_sources"]
            members = [a for g in ind["groups"] for a in [g["source"], *g["copies"]]]
            assert sorted(members) == sorted(_outlets(f))
            assert ind["count"] == len(ind["groups"]) >= 1

    def test_no_phrase_without_copies(self, tmp_path: Path) -> None:
        """Outlets that wrote their own stories are counted as they are: no independence
        phrase is added to their findings."""
        rep = _report(tmp_path, {"wire.md": WIRE, "coastal.md": OWN})
        assert all(a["copies_of"] is None for a in rep["articles"])
        for f in rep["findings"]:
            assert "independent source" not in f["summary"]
            assert f["independent_sources"]["count"] == len(_outlets(f))


class TestDirection:
    @pytest.mark.parametrize(("late", "early"), [
        ("2026-03-06", "2026-03-02"),  # another day
        ("2026-03-03T15:02", "2026-03-03T14:30"),  # one day: the later time
    ])
    def test_the_later_one_copies_the_earlier(self, tmp_path: Path, late: str, early: str
                                              ) -> None:
        """Of two articles with the same text, the later one is the copy (on one day, the
        later time), whatever their file names and whichever carries the wire dateline."""
        later = WIRE.replace("published: 2026-03-03", f"published: {late}")
        earlier = REPRINT.replace("published: 2026-03-04", f"published: {early}")
        info = _sources(tmp_path, {"a-later.md": later, "z-earlier.md": earlier})
        assert info["a-later"].copies_of == "z-earlier"
        assert info["z-earlier"].copies_of is None
        assert info["a-later"].overlap >= 0.8

    def test_undated_copies_dated(self, tmp_path: Path) -> None:
        """An undated article sharing the text of a dated one is taken for the copy."""
        undated = REPRINT.replace("published: 2026-03-04\n", "")
        info = _sources(tmp_path, {"a-undated.md": undated, "wire.md": WIRE})
        assert info["a-undated"].copies_of == "wire"
        assert info["wire"].copies_of is None

    def test_primary_source_is_never_a_copy(self, tmp_path: Path) -> None:
        """A press release marked primary is the original even when an outlet dated earlier
        carries its text."""
        release = REPRINT.replace("outlet: Harbor Daily", "outlet: Haedong City Hall\n"
                                  "primary: true").replace("2026-03-04", "2026-03-09")
        info = _sources(tmp_path, {"release.md": release, "wire.md": WIRE})
        assert info["release"].copies_of is None
        assert info["wire"].copies_of == "release"

    def test_a_shared_quote_is_not_a_copy(self, tmp_path: Path) -> None:
        """Two stories that share one sentence word for word (a quote, a figure from the same
        briefing) are still two sources."""
        own = OWN.replace("Kang Min-jae, the mayor, told reporters that dry summers would no "
                          "longer mean rationing.",
                          "Mayor Kang Min-jae said the plant would end the summer water "
                          "shortages that have hit the city since 2019.").replace(
            "Officials said the plant will supply drinking water to 150,000 residents of the "
            "coastal city.", "Some 150,000 people will drink its water, officials said.")
        info = _sources(tmp_path, {"wire.md": WIRE, "coastal.md": own})
        assert info["coastal"].copies_of is None and info["wire"].copies_of is None

    def test_a_story_on_many_sites_has_one_original(self, tmp_path: Path) -> None:
        """Forty sites reprinting a story (more than one text is compared with) all lead back
        to the one original."""
        files = {"wire.md": WIRE}
        for n in range(40):
            files[f"site{n:02d}.md"] = REPRINT.replace("Harbor Daily", f"Site {n}")
        info = _sources(tmp_path, files)
        assert info["wire"].copies_of is None
        assert {_root(info, f"site{n:02d}") for n in range(40)} == {"wire"}


class TestWireCredit:
    def _wire(self, tmp_path: Path, body: str, *, language: str = "en",
              name: str = "a") -> str | None:
        text = f"---\noutlet: Some Paper\nlanguage: {language}\n---\n{body}"
        return _sources(tmp_path / name, {f"{name}.md": text})[name].wire

    def test_datelines(self, tmp_path: Path) -> None:
        """Agency datelines opening the story name the wire, in Korean and English styles."""
        story = ("The plant will supply drinking water to 120,000 residents of the coastal "
                 "city, officials said on Tuesday.\n\nIt cost 310 billion won in all.\n")
        assert self._wire(tmp_path, "WASHINGTON (AP) — " + story, name="ap") == "AP"
        assert self._wire(tmp_path, "SEOUL/TOKYO (Reuters) -" + story, name="rt") == "Reuters"
        ko = ("(서울=연합뉴스) 김하늘 기자 = 해동시가 첫 해수담수화 시설을 3일 가동했다.\n\n"
              "시설은 주민 12만 명에게 식수를 공급한다.\n")
        assert self._wire(tmp_path, ko, language="ko", name="yna") == "Yonhap"
        nx = ("[해동=뉴시스] 박바다 기자 = 해동시가 첫 해수담수화 시설을 3일 가동했다.\n\n"
              "시설은 주민 12만 명에게 식수를 공급한다.\n")
        assert self._wire(tmp_path, nx, language="ko", name="nx") == "Newsis"

    def test_credits_at_the_end(self, tmp_path: Path) -> None:
        """A credit line closing the story names the wire: "(With inputs from …)", a Korean
        copyright line, a reporter's agency e-mail."""
        story = ("The plant will supply drinking water to 120,000 residents of the coastal "
                 "city, officials said on Tuesday.\n\nConstruction took four years and cost "
                 "310 billion won, according to the city.\n")
        assert self._wire(tmp_path, story + "\n(With inputs from Reuters)\n",
                          name="inputs") == "Reuters"
        ko = ("해동시가 첫 해수담수화 시설을 3일 가동했다고 시 관계자들이 밝혔다.\n\n"
              "시설은 해안 도시 주민 12만 명에게 식수를 공급하게 된다고 시는 설명했다.\n\n"
              "김하늘 기자 sky@yna.co.kr\n")
        assert self._wire(tmp_path, ko, language="ko", name="mail") == "Yonhap"
        assert self._wire(tmp_path, ko.replace("김하늘 기자 sky@yna.co.kr",
                                               "<저작권자(c) 뉴스1, 무단 전재 및 재배포 금지>"),
                          language="ko", name="copy") == "News1"

    def test_names_outside_credit_positions_are_not_wires(self, tmp_path: Path) -> None:
        """An agency named in the running text, in a photo caption or a photo credit is not
        the story's wire."""
        story = ("Haedong City opened its first seawater desalination plant on Tuesday, "
                 "Bloomberg reported.\n\nThe plant will supply drinking water to 120,000 "
                 "residents of the coastal city, Reuters was told by officials.\n\n"
                 "Mayor Kang Min-jae inspects the new pumps on Tuesday. /Yonhap\n\n"
                 "Photo = Yonhap news\n")
        assert self._wire(tmp_path, story, name="text") is None
        ko = ("해동시장이 3일 시설을 둘러보고 있다. 2026.3.3 연합뉴스\n\n"
              "해동시가 첫 해수담수화 시설을 3일 가동했다고 시 관계자들이 밝혔다.\n\n"
              "시설은 해안 도시 주민 12만 명에게 식수를 공급하게 된다고 시는 설명했다.\n\n"
              "사진=뉴시스\n")
        assert self._wire(tmp_path, ko, language="ko", name="caption") is None

    def test_same_wire_is_one_source(self, tmp_path: Path) -> None:
        """Two outlets that both run a Yonhap story, in their own words, are one source for
        the facts they share."""
        own_yonhap = OWN + (
            "\n<저작권자(c) 연합뉴스, 무단 전재 및 재배포 금지>\n")
        rep = _report(tmp_path, {"wire.md": WIRE, "coastal.md": own_yonhap})
        arts = {a["id"]: a for a in rep["articles"]}
        assert arts["coastal"]["wire"] == "Yonhap" and arts["coastal"]["copies_of"] is None
        both = [f for f in rep["findings"] if _outlets(f) == {"wire", "coastal"}]
        assert both
        for f in both:
            assert f["independent_sources"]["count"] == 1


class TestAnnotate:
    def test_group_source_is_the_original_or_its_earliest_copy(self) -> None:
        """A finding whose outlets are two copies of an article it does not include still
        counts one source, led by the earlier copy."""
        arts = [Article(id=i, path=f"{i}.md", text="x", sha256=i, format="md", language="en",
                        outlet=i.upper(), published=d)
                for i, d in (("orig", "2026-01-01"), ("b", "2026-01-03"), ("c", "2026-01-02"))]
        info = {"orig": SourceInfo(), "b": SourceInfo("orig", 0.9), "c": SourceInfo("orig", 0.8)}
        vals = tuple(FindingValue(a, "5", "5", f"{a}1", "x", 0, 1) for a in ("b", "c"))
        f = Finding("f1", "agree", "number", "s", "2 outlets state it compatibly (B, C)", 0,
                    0.9, (), vals)
        [got] = independence.annotate([f], info, arts)
        assert got.independent_sources == IndependentSources(1, (SourceGroup("c", ("b",)),))
        assert got.summary.endswith("2 outlets, 1 independent source: C (copied by B)")
        assert got.id == f.id  # ids stay content hashes of the claims


@pytest.fixture(scope="module")
def tariff(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """The report of the real Korea–US tariff corpus (hashing embedder)."""
    if not REAL.is_dir():
        pytest.skip("../shared/realcorpora is absent")
    tmp = tmp_path_factory.mktemp("tariff")
    run_report([REAL / "korea-us-tariff-deal-2025"], tmp / "r", tmp / "c",
               embedder=HashingEmbedder())
    return dict(json.loads((tmp / "r" / "report.json").read_text(encoding="utf-8")))


@pytest.mark.skipif(not REAL.is_dir(), reason="../shared/realcorpora is absent")
class TestRealCorpora:
    """Measured on the real pages (see the README's "Independent sources"): the only
    near-verbatim pair is StratNews Global's copy of the Reuters story reprinted by
    squidsite02.com (6 of its 11 claims word for word; both credit Reuters). Outlets that
    quote the White House fact sheet (3 and 2 claims) or share a briefing's sentences
    (twig24 and aseanexpress, 2) stay independent; in the SKT corpus no two pages share more
    than loosely paraphrased sentences (the originals of daily8 and koreatimesus are not in
    it)."""

    def test_reuters_reprints_are_one_source(self, tariff: dict[str, Any]) -> None:
        """StratNews Global copies the Reuters story; agreements of the two name one source."""
        reuters, strat = "en_reuters-squidsite_20251114", "en_stratnewsglobal"
        arts = {a["id"]: a for a in tariff["articles"]}
        assert arts[strat]["copies_of"] == reuters and arts[reuters]["copies_of"] is None
        assert arts[reuters]["wire"] == "Reuters" and arts[strat]["wire"] == "Reuters"
        assert {a for a, x in arts.items() if x["copies_of"]} == {strat}
        assert {a for a, x in arts.items() if x["wire"]} == {reuters, strat}
        pair = [f for f in tariff["findings"] if f["kind"] == "agree"
                and _outlets(f) == {reuters, strat}]
        assert pair
        for f in pair:
            assert f["independent_sources"]["count"] == 1
            assert "2 outlets, 1 independent source: Reuters (reprinted by squidsite02.com) " \
                   "(copied by StratNews Global)" in f["summary"]
        wider = [f for f in tariff["findings"] if f["kind"] == "agree"
                 and {reuters, strat} < _outlets(f)]
        assert wider and all(f["independent_sources"]["count"] == len(_outlets(f)) - 1
                             for f in wider)

    def test_independently_written_pages_are_not_copies(self) -> None:
        """No page of the SKT corpus and none of the five seeds is anyone's copy, and no
        photo credit (사진=뉴시스, Photo = Yonhap news, a Yonhap caption) makes a wire."""
        for folder in (REAL / "skt-usim-hack-2025", ROOT.parent / "shared" / "seeds"):
            if not folder.is_dir():
                continue
            corpus = load_corpus([folder])
            info = independence.sources(corpus.articles, corpus.claims)
            assert all(s.copies_of is None and s.wire is None for s in info.values()), folder
