"""End-to-end behaviour of `crosscheck report`: schema, offsets, re-runs, reviews, primary."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from conftest import ARTICLES, N_SAMPLE, HashingRun, hashing_run_in
from typer.testing import CliRunner

from crosscheck.cli import app
from crosscheck.embed import HashingEmbedder
from crosscheck.pipeline import STAGES, RunResult, run_report

NEW_ARTICLE = """---
outlet: 남해신문
title: 한-캐나다 배터리 협력, 지역 업계도 주목
published: 2026-03-06
language: ko
---
한국과 캐나다가 핵심광물·배터리 파트너십 양해각서를 체결했다.
윤서진 산업통상자원부 차관은 협약서에 서명했다고 전해졌다.
남해 지역 소재 기업 12곳이 설명회 참가를 신청했다.
"""


class TestReportJson:
    def test_schema_and_offsets(self, sample_run: RunResult) -> None:
        """report.json follows crosscheck.report/1 and every claim, facet and finding value
        slices exactly from its article's text."""
        rep = json.loads(sample_run.json_path.read_text(encoding="utf-8"))
        assert rep["schema"] == "crosscheck.report/1"
        assert sample_run.html_path.stat().st_size > 1000
        for key in ("generated_at", "model", "articles", "claims", "clusters", "findings",
                    "removed"):
            assert key in rep
        texts = {a["id"]: a["text"] for a in rep["articles"]}
        assert len(texts) == N_SAMPLE
        for a in rep["articles"]:
            for k in ("id", "path", "outlet", "title", "published", "language", "primary",
                      "sha256", "n_claims"):
                assert k in a
        for c in rep["claims"]:
            assert texts[c["article_id"]][c["start"] : c["end"]] == c["text"]
            for f in c["facets"]:
                assert texts[c["article_id"]][f["start"] : f["end"]] == f["value"]
        for f in rep["findings"]:
            assert f["kind"] in ("agree", "add_detail", "diverge")
            assert f["review"]["status"] in ("open", "confirmed", "dismissed")
            for v in f["values"]:
                assert texts[v["article_id"]][v["start"] : v["end"]] == v["quote"]
        for r in rep["removed"]:
            assert 0 <= r["start"] < r["end"] <= len(texts[r["article_id"]])
        assert sample_run.stats.processed and not sample_run.stats.reused

    def test_every_claim_appears_in_a_finding_or_cluster(self, sample_run: RunResult) -> None:
        """No article's claim is hidden: each is in a cluster or an add_detail finding."""
        rep = sample_run.report
        in_cluster = {cid for cl in rep["clusters"] for cid in cl["claim_ids"]}
        in_finding = {v["claim_id"] for f in rep["findings"] for v in f["values"]}
        for c in rep["claims"]:
            if len([ch for ch in c["text"] if ch.isalnum()]) >= 8:
                assert c["id"] in in_cluster | in_finding, c["text"]

    def test_corpus_wide_divergences_on_sample(self, sample_run: RunResult) -> None:
        """The sample corpus yields the instrument (MOU vs agreement) and Yoon's title
        (장관 vs 차관) divergences, whatever the embedder."""
        div = [f for f in sample_run.report["findings"] if f["kind"] == "diverge"]
        instruments = [f for f in div if f["facet"] == "document_type"]
        assert any({v["normalized"] for v in f["values"]} == {"mou", "agreement"}
                   for f in instruments)
        title = next(f for f in div if f["facet"] == "title" and f["subject"] == "윤서진")
        assert {v["value"] for v in title["values"]} >= {"장관", "차관"}


    def test_restatements_across_outlets_end_in_one_cluster(self, sample_run: RunResult
                                                             ) -> None:
        """Sentences two outlets word almost alike share a cluster, each outlet's own: the
        Dubois quote (경인데일리, the ministry's release), the 大橋 quote (METI, 東都経済) and
        Dubois on the "most trusted partner" (Northern Times, Maple Wire)."""
        rep = sample_run.report
        claim = {c["id"]: c for c in rep["claims"]}
        members = [{claim[i]["article_id"]: claim[i]["text"] for i in cl["claim_ids"]}
                   for cl in rep["clusters"]]

        def cluster_of(article: str, start: str) -> set[str]:
            return next(set(m) for m in members if m.get(article, "").startswith(start))

        assert cluster_of("gyeongin-daily", "뒤부아 장관은") == {"gyeongin-daily",
                                                               "ministry-release"}
        assert cluster_of("meti-release", "大橋社長は") == {"meti-release", "toto-keizai"}
        assert cluster_of("maple-wire", "Dubois said Canada") == {"maple-wire",
                                                                 "northern-times"}
        assert all(len(m) == len(cl["claim_ids"]) >= 2
                   for m, cl in zip(members, rep["clusters"], strict=True))


class TestStages:
    def test_each_stage_is_timed_and_measured_once_in_order(self, sample_run: RunResult
                                                             ) -> None:
        """The run goes through ``STAGES`` in order, and each leaves its time (and, on Linux,
        its peak memory) under its name in the run's stats."""
        names = [s.name for s in STAGES]
        assert names == ["ingest+split", "embed", "cluster", "compare", "report"]
        assert list(sample_run.stats.timings) == names
        assert all(t >= 0 for t in sample_run.stats.timings.values())
        if Path("/proc/self/status").exists():
            assert list(sample_run.stats.peak_rss_mb) == names
            assert all(mb > 0 for mb in sample_run.stats.peak_rss_mb.values())

    def test_the_embedder_is_told_how_many_texts_come(self, hashing_run: HashingRun) -> None:
        """Before encoding, the embedder hears how many texts are coming (the default model
        picks its engine by that): every distinct claim text on the first run, none on a
        re-run that finds them all cached."""

        class Expecting(HashingEmbedder):
            def __init__(self) -> None:
                super().__init__()
                self.expected: list[int] = []

            def expect(self, n: int) -> None:
                self.expected.append(n)

        emb = Expecting()
        first = run_report([hashing_run.corpus], hashing_run.out, hashing_run.store,
                           embedder=emb)
        run_report([hashing_run.corpus], hashing_run.out, hashing_run.store, embedder=emb)
        assert emb.expected == [first.stats.embedded, 0]
        assert first.stats.embedded == len({c["text"] for c in first.report["claims"]})


class TestRerun:
    def test_second_run_reuses_everything(self, hashing_run: HashingRun) -> None:
        """A re-run with nothing changed reprocesses no article and embeds no claim."""
        hashing_run()
        res = hashing_run()
        assert res.stats.processed == []
        assert len(res.stats.reused) == N_SAMPLE
        assert res.stats.embedded == 0
        assert not any(f.new for f in res.findings)

    def test_new_article_is_the_only_work_and_its_findings_are_new(
        self, hashing_run: HashingRun
    ) -> None:
        """Adding one article reprocesses only it, and findings it brings are marked new."""
        first = hashing_run()
        hashing_run.add("namhae.md", NEW_ARTICLE)
        res = hashing_run()
        assert res.stats.processed == ["namhae"]
        assert len(res.stats.reused) == N_SAMPLE
        assert 0 < res.stats.embedded <= 3
        old_ids = {f.id for f in first.findings}
        new = [f for f in res.findings if f.new]
        assert new and all(f.id not in old_ids for f in new)
        assert any(v.article_id == "namhae" for f in new for v in f.values)

    def test_changed_article_is_reprocessed(self, hashing_run: HashingRun) -> None:
        """Editing an article's text reprocesses that article only."""
        hashing_run()
        p = hashing_run.corpus / "northern-times.txt"
        p.write_text(p.read_text(encoding="utf-8") + "\nA late addition to the story.\n",
                     encoding="utf-8")
        res = hashing_run()
        assert res.stats.processed == ["northern-times"]

    def test_removed_article_drops_its_findings(self, hashing_run: HashingRun) -> None:
        """When an article leaves the corpus, its findings go with it."""
        hashing_run()
        (hashing_run.corpus / "gyeongin-daily.txt").unlink()
        res = hashing_run()
        assert all(v.article_id != "gyeongin-daily" for f in res.findings for v in f.values)
        assert res.stats.removed_articles == ["gyeongin-daily"]


def _review_options(run: HashingRun) -> list[str]:
    return ["--store", str(run.store), "--report", str(run.report_path)]


class TestReviews:
    def test_confirm_shows_in_report_and_survives_a_new_article(
        self, hashing_run: HashingRun
    ) -> None:
        """`crosscheck review confirm ID --note` shows in the next report and survives a re-run
        with a new article."""
        res = hashing_run()
        title = next(f for f in res.findings if f.kind == "diverge" and f.facet == "title")
        out = CliRunner().invoke(app, ["review", "confirm", title.id[:10], "--note",
                                       "checked with the ministry", *_review_options(hashing_run)])
        assert out.exit_code == 0, out.output
        doc = json.loads((hashing_run.store / "reviews.json").read_text(encoding="utf-8"))
        assert doc["reviews"][title.id]["status"] == "confirmed"
        hashing_run.add("namhae.md", NEW_ARTICLE)
        res2 = hashing_run()
        t2 = next(f for f in res2.findings if f.kind == "diverge" and f.facet == "title")
        assert t2.review.status == "confirmed"
        assert "checked with the ministry" in t2.review.note
        html = (hashing_run.out / "index.html").read_text(encoding="utf-8")
        assert "checked with the ministry" in html

    def test_dismiss_then_reopen_keeps_history(self, hashing_run: HashingRun) -> None:
        """Each decision is appended to the finding's history in reviews.json."""
        res = hashing_run()
        fid = next(f.id for f in res.findings if f.kind == "diverge")
        runner = CliRunner()
        common = _review_options(hashing_run)
        assert runner.invoke(app, ["review", "dismiss", fid, "--note", "same thing", *common]
                             ).exit_code == 0
        assert runner.invoke(app, ["review", "reopen", fid, *common]).exit_code == 0
        doc = json.loads((hashing_run.store / "reviews.json").read_text(encoding="utf-8"))
        hist = doc["reviews"][fid]["history"]
        assert [h["status"] for h in hist] == ["dismissed", "open"]
        assert doc["reviews"][fid]["note"] == "same thing"

    def test_a_decision_shows_in_review_list_before_any_rerun(self, hashing_run: HashingRun
                                                               ) -> None:
        """`review list` and `review show` read the decisions made since the report was
        written; an id prefix that several findings share is refused, naming the count."""
        res = hashing_run()
        fid = next(f.id for f in res.findings if f.kind == "diverge")
        runner = CliRunner()
        common = _review_options(hashing_run)
        assert runner.invoke(app, ["review", "dismiss", fid[:8], *common]).exit_code == 0
        listed = runner.invoke(app, ["review", "list", "--status", "dismissed", *common])
        assert listed.exit_code == 0 and fid in listed.output
        assert runner.invoke(app, ["review", "list", "--status", "open", *common]
                             ).output.count(fid) == 0
        shown = runner.invoke(app, ["review", "show", fid[:8], *common])
        assert shown.exit_code == 0 and "review: dismissed" in shown.output
        ambiguous = runner.invoke(app, ["review", "show", "", *common])
        assert ambiguous.exit_code == 2
        assert f"matches {len(res.findings)} findings" in " ".join(ambiguous.output.split())

    def test_import_from_html_export(self, hashing_run: HashingRun, tmp_path: Path) -> None:
        """A decisions file exported from the HTML report merges into reviews.json."""
        res = hashing_run()
        fid = next(f.id for f in res.findings if f.kind == "diverge")
        export = tmp_path / "crosscheck-reviews.json"
        export.write_text(json.dumps({"schema": "crosscheck.reviews/1", "reviews": {
            fid: {"status": "dismissed", "note": "translation variant"}}}), encoding="utf-8")
        out = CliRunner().invoke(app, ["review", "import", str(export), "--store",
                                       str(hashing_run.store)])
        assert out.exit_code == 0, out.output
        res2 = hashing_run()
        f2 = next(f for f in res2.findings if f.id == fid)
        assert f2.review.status == "dismissed" and f2.review.note == "translation variant"


class TestWatch:
    def test_watch_rebuilds_on_a_new_article_and_on_a_decision(
        self, hashing_run: HashingRun
    ) -> None:
        """`crosscheck watch` builds the report, then again only when something changed: a
        new article (only it is processed) and a review decision (shown without any article
        being redone); between changes it only sleeps."""
        from crosscheck import lang
        from crosscheck.pipeline import review_decide, watch

        results: list[Any] = []
        naps: list[float] = []

        def nap(seconds: float) -> None:
            naps.append(seconds)
            if len(naps) == 2:  # nothing changed for one check, then an article arrives
                hashing_run.add("namhae.md", NEW_ARTICLE)
            elif len(naps) == 3:
                fid = next(f.id for f in results[-1].findings if f.kind == "diverge")
                review_decide(hashing_run.store, fid, "dismissed", "wire copy",
                              hashing_run.report_path)

        runs = watch([hashing_run.corpus], hashing_run.out, hashing_run.store, interval=5,
                     on_result=results.append, max_runs=3, sleep=nap,
                     embedder=HashingEmbedder())
        assert runs == 3 and naps == [5, 5, 5]
        assert results[1].stats.processed == ["namhae"]
        assert results[2].stats.processed == []
        assert any(f.review.status == "dismissed" and f.review.note == "wire copy"
                   for f in results[2].findings)
        assert lang.get("ko").analyser_loaded  # the analyser stayed loaded


class TestPrimary:
    def test_primary_source_named_in_divergences(self, hashing_run: HashingRun) -> None:
        """With a primary article, divergences name the outlets that deviate from it."""
        rep = hashing_run(primary=hashing_run.corpus / "maple-wire.html").report
        prim = [a for a in rep["articles"] if a["primary"]]
        assert [a["id"] for a in prim] == ["maple-wire"]
        title = next(f for f in rep["findings"] if f["kind"] == "diverge"
                     and f["facet"] == "title")
        assert "primary source Maple Wire" in title["summary"]


class TestCli:
    def test_claims_jsonl(self) -> None:
        """`crosscheck claims FILE --format jsonl` prints one claims[] object per line."""
        out = CliRunner().invoke(app, ["claims", str(ARTICLES / "northern-times.txt")])
        assert out.exit_code == 0
        rows = [json.loads(line) for line in out.stdout.splitlines() if line.strip()]
        assert rows and {"id", "article_id", "text", "start", "end", "facets"} <= set(rows[0])

    def test_report_output_keeps_brackets_and_names_the_new_article(
        self, hashing_run: HashingRun
    ) -> None:
        """The terminal summary shows the ids of the articles it processed and the stage times;
        text in square brackets (an article id, a note like "[sic]") is printed, not taken
        for terminal markup and dropped."""
        runner = CliRunner()
        common = ["--store", str(hashing_run.store), "--out", str(hashing_run.out),
                  "--model", "hashing"]
        assert runner.invoke(app, ["report", str(hashing_run.corpus), *common]).exit_code == 0
        hashing_run.add("namhae.md", NEW_ARTICLE)
        out = runner.invoke(app, ["report", str(hashing_run.corpus), *common])
        assert out.exit_code == 0, out.output
        assert "processed 1 new/changed article(s) [namhae]" in out.output
        flat = " ".join(out.output.split())
        assert all(f"{s.name} " in flat for s in STAGES) and "stages: ingest+split" in flat
        fid = next(f["id"] for f in hashing_run.written_report()["findings"]
                   if f["kind"] == "diverge")
        done = runner.invoke(app, ["review", "confirm", fid, "--note", "[sic] in the original",
                                   *_review_options(hashing_run)])
        assert "[sic] in the original" in done.output
        shown = runner.invoke(app, ["review", "show", fid, *_review_options(hashing_run)])
        assert shown.exit_code == 0 and "review: confirmed — [sic] in the original" in shown.output

    def test_version_and_help(self) -> None:
        """--version prints the version; every command has --help."""
        runner = CliRunner()
        assert "crosscheck" in runner.invoke(app, ["--version"]).output
        for cmd in (["report"], ["claims"], ["review"], ["review", "confirm"],
                    ["review", "dismiss"], ["review", "reopen"]):
            assert runner.invoke(app, [*cmd, "--help"]).exit_code == 0


@pytest.mark.seeds
class TestSeeds:
    def test_seed_divergences(self, seeds: Path, tmp_path: Path) -> None:
        """On the five real seeds: MOU vs agreement (000, 002 against 001, 003, 004) and
        배경훈's title (장관 in 000 vs 부총리 in 001) are flagged as divergences; 003, which
        names both posts together (부총리 및 … 장관), is on neither side, and the names
        table shows both titles for it."""
        rep = run_report([seeds], tmp_path / "r", tmp_path / "c",
                         embedder=HashingEmbedder()).report
        div = {f["facet"]: f for f in rep["findings"] if f["kind"] == "diverge"}
        doc = {v["article_id"][:3]: v["normalized"] for v in div["document_type"]["values"]}
        assert doc == {"000": "agreement", "002": "agreement", "001": "mou", "003": "mou",
                       "004": "mou"}
        title = div["title"]
        assert title["subject"] == "배경훈"
        by_art: dict[str, set[str]] = {}
        for v in title["values"]:
            by_art.setdefault(v["article_id"][:3], set()).add(v["value"])
        assert by_art["000"] == {"장관"} and "부총리" in by_art["001"]
        assert "003" not in by_art
        (bae,) = [e for e in rep["entities"] if e["canonical"] == "배경훈"]
        assert {t for m in bae["mentions"] if m["article_id"].startswith("003")
                for t in m["titles"]} >= {"장관", "부총리"}
        texts = {a["id"]: a["text"] for a in rep["articles"]}
        for f in rep["findings"]:
            for v in f["values"]:
                assert texts[v["article_id"]][v["start"] : v["end"]] == v["quote"]


def test_report_after_adding_an_article_matches_a_fresh_run(tmp_path: Path) -> None:
    """Incremental re-runs (cached claims, vectors and neighbour lists) give the very clusters
    and findings a run from an empty store gives on the same articles."""
    incremental = hashing_run_in(tmp_path)
    incremental()
    incremental.add("namhae.md", NEW_ARTICLE)
    inc = incremental()
    fresh = run_report([incremental.corpus], tmp_path / "fresh" / "reports",
                       tmp_path / "fresh" / "claims", embedder=HashingEmbedder())
    assert inc.report["clusters"] == fresh.report["clusters"]
    assert [f.id for f in inc.findings] == [f.id for f in fresh.findings]


def test_one_shot_runs_release_the_analyser_and_model_and_still_rerun(
        hashing_run: HashingRun, tmp_path: Path) -> None:
    """``release_models`` (what the CLI uses) drops the Korean analyser and the embedding
    model after their stages to lower peak memory; the next run loads them again and writes
    the same findings."""
    from crosscheck import lang

    class Recording(HashingEmbedder):
        released = 0

        def release(self) -> None:
            self.released += 1

    emb = Recording()
    first = run_report([hashing_run.corpus], tmp_path / "r1", tmp_path / "c1", embedder=emb,
                       release_models=True)
    assert not lang.get("ko").analyser_loaded and emb.released == 1
    second = run_report([hashing_run.corpus], tmp_path / "r2", tmp_path / "c2", embedder=emb,
                        release_models=True)
    assert [f.id for f in first.findings] == [f.id for f in second.findings]
    assert emb.released == 2
    run_report([hashing_run.corpus], tmp_path / "r3", tmp_path / "c3", embedder=emb)
    assert lang.get("ko").analyser_loaded and emb.released == 2  # kept when not asked


def test_cache_entries_of_an_older_crosscheck_are_redone_quietly(hashing_run: HashingRun
                                                                  ) -> None:
    """An article cached by an older crosscheck (another cache schema) is processed again
    and overwritten, without a warning and without being taken for a damaged entry."""
    hashing_run()
    entry = next((hashing_run.store / "articles").glob("*.json"))
    doc = json.loads(entry.read_text(encoding="utf-8"))
    doc["schema"] = "crosscheck.article/1"
    entry.write_text(json.dumps(doc), encoding="utf-8")
    warnings: list[str] = []
    res = hashing_run(notify=warnings.append)
    assert res.stats.processed == [entry.stem] and not warnings
    assert not (hashing_run.store / "corrupt").exists()
    assert json.loads(entry.read_text(encoding="utf-8"))["schema"] != "crosscheck.article/1"
