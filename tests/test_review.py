"""Review decisions as pure functions over documents: matching an id, applying decisions to a
written report, reading a decisions file's bytes."""

from __future__ import annotations

import json
from typing import Any

import pytest

from crosscheck import review
from crosscheck.review import ReviewError

FINDINGS = [
    {"id": "ab12cd", "kind": "diverge", "facet": "title", "summary": "장관 vs 차관",
     "review": {"status": "open", "note": ""}, "values": []},
    {"id": "ab99ef", "kind": "agree", "facet": "date", "summary": "June 3",
     "review": {"status": "open", "note": ""}, "values": []},
    {"id": "ff0011", "kind": "add_detail", "facet": "number", "summary": "600 jobs",
     "review": {"status": "open", "note": ""}, "values": []},
]


class TestMatch:
    def test_a_unique_prefix_names_its_finding(self) -> None:
        """The start of an id names the one finding whose id starts so; the full id too."""
        assert review.match(FINDINGS, "ab12")["id"] == "ab12cd"
        assert review.match(FINDINGS, "ff0011")["id"] == "ff0011"

    def test_a_shared_prefix_is_refused_and_an_unknown_one_names_none(self) -> None:
        """A prefix two findings share is an error that counts them; one no finding has
        gives None (the decision may be on a finding of an earlier report)."""
        with pytest.raises(ReviewError, match="'ab' matches 2 findings; give more of the id"):
            review.match(FINDINGS, "ab")
        assert review.match(FINDINGS, "zz") is None


class TestApplyToReport:
    def test_decisions_on_file_show_in_the_findings_they_name(self) -> None:
        """A decided finding carries the decision's status, note and history; the others,
        and the report given, stay as they were."""
        report: dict[str, Any] = {"schema": "crosscheck.report/1", "findings": FINDINGS}
        doc = review.decide(review.empty(), FINDINGS[0], "ab12cd", "confirmed", "checked",
                            by="tester")
        got = review.apply_to_report(report, doc)
        first, second = got["findings"][0], got["findings"][1]
        assert first["review"]["status"] == "confirmed" and first["review"]["note"] == "checked"
        assert [h["by"] for h in first["review"]["history"]] == ["tester"]
        assert second == FINDINGS[1]
        assert FINDINGS[0]["review"] == {"status": "open", "note": ""}  # not changed in place
        assert got["schema"] == report["schema"]


class TestParseJson:
    def test_a_decisions_file_reads_as_json(self) -> None:
        """UTF-8 JSON bytes give the document."""
        doc = {"schema": "crosscheck.reviews/1", "reviews": {"ab": {"status": "dismissed"}}}
        assert review.parse_json(json.dumps(doc).encode(), "decisions file x.json") == doc

    @pytest.mark.parametrize(("data", "why"), [
        (b'{"schema": "crosscheck.reviews/1", "rev', "cannot read (Unterminated string"),
        (b"\xff\xfe{}", "cannot read ('utf-8' codec can't decode"),
        (b"[" * 100_000, "cannot read (JSON nested too deeply)"),
    ])
    def test_what_is_not_json_is_an_error_naming_the_file(self, data: bytes, why: str) -> None:
        """Bytes cut short, not UTF-8 or nested too deeply are a ``ReviewError`` that names
        the file and why."""
        with pytest.raises(ReviewError) as err:
            review.parse_json(data, "decisions file x.json")
        assert str(err.value).startswith(f"decisions file x.json: {why}")


class TestBlocking:
    def test_fail_on_diverge_counts_open_likely_divergences_only(self) -> None:
        """`--fail-on diverge` fails a run on an open or confirmed likely divergence; a
        possible one (folded in the report), a dismissed one and other kinds do not."""
        from crosscheck.models import Finding, Review

        def f(fid: str, kind: str, tier: str | None, status: str = "open") -> Finding:
            return Finding(id=fid, kind=kind, facet="number", subject="", summary="",  # type: ignore[arg-type]
                           severity=3, confidence=0.5, cluster_ids=(), values=(),
                           review=Review(status=status), tier=tier)  # type: ignore[arg-type]

        found = [f("a", "diverge", "likely"), f("b", "diverge", "possible"),
                 f("c", "diverge", "likely", "dismissed"), f("d", "diverge", "likely", "confirmed"),
                 f("e", "agree", None)]
        assert [x.id for x in review.blocking(found, "diverge")] == ["a", "d"]
        assert [x.id for x in review.blocking(found, "agree")] == ["e"]
        assert review.blocking(found[1:3], "diverge") == []
