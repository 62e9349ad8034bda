""""New" means new content: a finding is new only when it involves an article that is new or
changed since the last run (or a value no earlier finding had); one whose id changed because
its cluster moved keeps its old status and is marked changed.

The articles here are invented (a ferry terminal on a made-up island); the seeds in
../shared/seeds are read only by the acceptance test at the end (skipped where absent).
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any, ClassVar

import pytest
from typer.testing import CliRunner

from crosscheck import novelty
from crosscheck.cli import app
from crosscheck.embed import HashingEmbedder
from crosscheck.models import Article, Claim, Facet, Finding, FindingValue
from crosscheck.pipeline import RunResult, review_decide, run_report

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT.parent / "shared" / "seeds"

ISLAND = """---
outlet: Island Herald
published: 2026-05-04
language: en
---
On Monday the port authority approved a ferry terminal for Garam island.

The terminal will cost 45 million dollars.

Fishermen in the north harbour worry about the noise of construction.
"""

PORT = """---
outlet: Port Weekly
published: 2026-05-05
language: en
---
The port authority approved the new ferry terminal for Garam island on Monday evening, \
after a heated debate.

The terminal will cost 54 million dollars.

Two shipping lines have already asked for berths at the new pier.
"""

# arrives later: its lead is closer to Port Weekly's than Island Herald's is, so the lead
# cluster re-forms without Island Herald (whose lead becomes a fact of its own)
LATE = """---
outlet: Garam Today
published: 2026-05-06
language: en
---
The port authority approved the new ferry terminal for Garam island on Monday evening \
after a long and heated debate among its members.

The terminal will cost 45 million dollars.

Construction is expected to start in the autumn and last two years.

The island's only school will get a new bus route to the pier.

Local shops hope that day visitors from the mainland will double.

A ferry operator from Busan has shown interest in running the first service.

The island council will hold a public meeting about the timetable next week.
"""


def _run(corpus: Path, tmp: Path) -> RunResult:
    return run_report([corpus], tmp / "reports", tmp / "claims", embedder=HashingEmbedder())


def _involves(f: Finding, article_id: str) -> bool:
    """Does ``article_id`` give one of the finding's values (either side of a divergence)?"""
    return any(v.article_id == article_id for v in f.values)


class TestRerun:
    @pytest.fixture()
    def runs(self, tmp_path: Path) -> tuple[RunResult, RunResult, str]:
        """Two outlets reported, a divergence confirmed, then a third outlet added."""
        corpus = tmp_path / "articles"
        corpus.mkdir()
        (corpus / "island.md").write_text(ISLAND, encoding="utf-8")
        (corpus / "port.md").write_text(PORT, encoding="utf-8")
        first = _run(corpus, tmp_path)
        div = next(f for f in first.findings if f.kind == "diverge" and f.facet == "number")
        review_decide(tmp_path / "claims", div.id, "confirmed", "the port authority's budget",
                      tmp_path / "reports" / "report.json")
        (corpus / "late.md").write_text(LATE, encoding="utf-8")
        return first, _run(corpus, tmp_path), div.id

    def test_only_findings_with_the_new_article_are_new(
            self, runs: tuple[RunResult, RunResult, str]) -> None:
        """Findings of the old articles whose ids changed because their cluster moved are not
        new; every new finding involves the new article."""
        first, second, _ = runs
        old_ids = {f.id for f in first.findings}
        moved = [f for f in second.findings if f.id not in old_ids and not _involves(f, "late")]
        assert moved, "the scenario moves a cluster of the old articles"
        assert not any(f.new for f in moved)
        new = [f for f in second.findings if f.new]
        assert new and all(_involves(f, "late") for f in new)
        assert all(f.change == "new" for f in new)

    def test_confirmed_divergence_survives_and_is_marked_changed(
            self, runs: tuple[RunResult, RunResult, str]) -> None:
        """The confirmed divergence, joined by the new outlet (so its id changed), keeps its
        decision and is "changed", not "new"."""
        _, second, old_id = runs
        div = next(f for f in second.findings if f.kind == "diverge" and f.facet == "number")
        assert div.id != old_id and _involves(div, "late")
        assert div.review.status == "confirmed"
        assert "the port authority's budget" in div.review.note
        assert not div.new and div.change == "changed"

    def test_summary_counts_new_and_changed(self, runs: tuple[RunResult, RunResult, str]
                                            ) -> None:
        """report.json's summary counts the new and the changed findings, and every finding
        says which it is."""
        _, second, _ = runs
        s = second.report["summary"]
        assert s["new_findings"] == sum(f.new for f in second.findings) > 0
        assert s["changed_findings"] == sum(f.change == "changed" for f in second.findings) > 0
        for f in second.report["findings"]:
            assert f["change"] in ("new", "changed", None)
            assert f["new"] == (f["change"] == "new")

    def test_unchanged_rerun_has_nothing_new_or_changed(self, tmp_path: Path) -> None:
        """Running again on the same articles marks nothing new or changed."""
        corpus = tmp_path / "articles"
        corpus.mkdir()
        for name, text in (("island.md", ISLAND), ("port.md", PORT), ("late.md", LATE)):
            (corpus / name).write_text(text, encoding="utf-8")
        first = _run(corpus, tmp_path)
        assert not any(f.new or f.change for f in first.findings)  # a first run marks nothing
        again = _run(corpus, tmp_path)
        assert not any(f.new or f.change for f in again.findings)

    def test_cli_summary_line_says_how_many_are_new(self, tmp_path: Path) -> None:
        """`crosscheck report` prints how many findings are new and how many changed."""
        corpus = tmp_path / "articles"
        corpus.mkdir()
        (corpus / "island.md").write_text(ISLAND, encoding="utf-8")
        (corpus / "port.md").write_text(PORT, encoding="utf-8")
        common = [str(corpus), "--store", str(tmp_path / "claims"), "--out",
                  str(tmp_path / "reports"), "--model", "hashing"]
        runner = CliRunner()
        assert runner.invoke(app, ["report", *common]).exit_code == 0
        (corpus / "late.md").write_text(LATE, encoding="utf-8")
        out = runner.invoke(app, ["report", *common])
        assert out.exit_code == 0, out.output
        s = json.loads((tmp_path / "reports" / "report.json").read_text(encoding="utf-8"))[
            "summary"]
        printed = " ".join(out.output.split())  # the console wraps long lines
        assert f"({s['new_findings']} new, {s['changed_findings']} changed)" in printed


# --------------------------------------------------------------------------- mark() alone


def _claim(cid: str, art: str, *facets: Facet) -> Claim:
    return Claim(cid, art, "a claim", 0, 7, 0, 7, facets)


def _finding(fid: str, kind: str, facet: str, *vals: tuple[str, str, str]) -> Finding:
    """A finding over (article, claim, normalized value) triples."""
    return Finding(fid, kind, facet, "s", "summary", 0, 0.9, (), tuple(  # type: ignore[arg-type]
        FindingValue(a, v, v, c, "a claim", 0, 7) for a, c, v in vals))


def _article(aid: str, sha: str) -> Article:
    return Article(aid, f"{aid}.md", "a claim", sha, "md", "en")


class TestMark:
    CLAIMS: ClassVar[list[Claim]] = [_claim("a1", "A", Facet("date", "5일", "2026-05-05", 0, 2)),
              _claim("b1", "B", Facet("date", "5일", "2026-05-05", 0, 2)),
              _claim("c1", "C"), _claim("d1", "D")]

    def _state(self, findings: list[Finding], articles: dict[str, str]) -> dict[str, Any]:
        return {"articles": articles, **novelty.state_entry(findings, self.CLAIMS)}

    def test_moved_finding_is_changed_not_new(self) -> None:
        """An agreement whose id changed because an outlet left its cluster is the same
        finding: changed, not new."""
        before = [_finding("old", "agree", "date", ("A", "a1", "x"), ("B", "b1", "x"),
                           ("C", "c1", "x"))]
        state = self._state(before, {"A": "1", "B": "1", "C": "1"})
        now = [_finding("moved", "agree", "date", ("A", "a1", "x"), ("B", "b1", "x"))]
        [f] = novelty.mark(now, state, set(), self.CLAIMS)
        assert not f.new and f.change == "changed"

    def test_regrouped_old_claims_are_not_new(self) -> None:
        """A fact of an unchanged article that is now reported on its own (its cluster
        re-formed around another article) is not new: no earlier finding is its identity,
        but its claim was shown before."""
        before = [_finding("old", "agree", "claim", ("A", "a1", ""), ("B", "b1", ""))]
        state = self._state(before, {"A": "1", "B": "1"})
        now = [_finding("alone", "add_detail", "date", ("A", "a1", "2026-05-05"))]
        [f] = novelty.mark(now, state, set(), self.CLAIMS)
        assert not f.new and f.change is None

    def test_new_article_makes_a_finding_new(self) -> None:
        """A finding that involves a new or changed article and matches no earlier finding
        is new."""
        before = [_finding("old", "agree", "claim", ("A", "a1", ""), ("B", "b1", ""))]
        state = self._state(before, {"A": "1", "B": "1"})
        now = [_finding("old", "agree", "claim", ("A", "a1", ""), ("B", "b1", "")),
               _finding("fresh", "diverge", "number", ("A", "a1", "5"), ("D", "d1", "6"))]
        changed = novelty.changed_articles([_article("A", "1"), _article("B", "1"),
                                            _article("D", "1")], state)
        assert changed == {"D"}
        same, fresh = novelty.mark(now, state, changed, self.CLAIMS)
        assert not same.new and same.change is None
        assert fresh.new and fresh.change == "new"

    def test_a_claim_no_earlier_finding_showed_is_new(self) -> None:
        """A finding among unchanged articles that shows a claim no finding of the last run
        had is new content."""
        before = [_finding("old", "agree", "claim", ("A", "a1", ""), ("B", "b1", ""))]
        state = self._state(before, {"A": "1", "B": "1", "C": "1"})
        now = [_finding("other", "diverge", "date", ("B", "b1", "5"), ("C", "c1", "6"))]
        [f] = novelty.mark(now, state, set(), self.CLAIMS)
        assert f.new

    def test_state_of_an_older_crosscheck(self) -> None:
        """A state.json with finding ids only (written before this stage) still marks by
        id, and a finding of unchanged articles is not new."""
        state = {"finding_ids": ["old"], "articles": {"A": "1", "B": "1"}}
        now = [_finding("old", "agree", "claim", ("A", "a1", "")),
               _finding("moved", "agree", "claim", ("A", "a1", ""), ("B", "b1", ""))]
        old, moved = novelty.mark(now, state, set(), self.CLAIMS)
        assert not old.new and not moved.new


@pytest.mark.seeds
@pytest.mark.model
def test_fifth_seed_marks_only_its_findings_new(tmp_path: Path) -> None:
    """The issue's case on the real seeds with the real model: report four seeds, confirm a
    divergence, add the fifth and re-run. Findings of the first four whose ids changed
    (their clusters moved) are not new; every new finding involves the fifth seed; the
    confirmed divergence keeps its decision."""
    if not SEEDS.is_dir():
        pytest.skip("../shared/seeds is absent")
    from crosscheck.embed import SentenceTransformerEmbedder

    emb = SentenceTransformerEmbedder()
    seeds = sorted(SEEDS.glob("*.txt"))
    corpus = tmp_path / "articles"
    corpus.mkdir()
    for s in seeds[:4]:
        shutil.copy(s, corpus)
    first = run_report([corpus], tmp_path / "r", tmp_path / "c", embedder=emb)
    # a likely divergence (the findings are slot- and entity-level now: a divergence has no
    # cluster of its own, its id is a hash of the values it sets against each other)
    div = next(f for f in first.findings if f.kind == "diverge" and f.tier == "likely")
    review_decide(tmp_path / "c", div.id, "confirmed", "checked against the briefing",
                  tmp_path / "r" / "report.json")
    shutil.copy(seeds[4], corpus)
    second = run_report([corpus], tmp_path / "r", tmp_path / "c", embedder=emb)
    fifth = seeds[4].stem
    old_ids = {f.id for f in first.findings}
    moved = [f for f in second.findings if f.id not in old_ids and not _involves(f, fifth)]
    assert moved, "adding the fifth seed moves clusters of the first four"
    assert not any(f.new for f in moved)
    new = [f for f in second.findings if f.new]
    assert new and all(_involves(f, fifth) for f in new)
    assert second.report["summary"]["new_findings"] == len(new)
    kept = [f for f in second.findings if f.review.status == "confirmed"]
    assert kept and all("checked against the briefing" in f.review.note for f in kept)
    # the fifth seed joins it (its id changes): the decision was carried, not just kept
    assert any(f.kind == "diverge" and f.facet == div.facet and f.id != div.id for f in kept)
