"""Integrity of the hand-written gold file for the invented sample corpus.

``tests/gold/sample.json`` refers to the files in ``articles/`` by stem and quotes them
verbatim; these tests fail as soon as an article is edited in a way that breaks a gold
quote, so the gold can be trusted by every evaluation that reads it.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from conftest import ROOT

GOLD_PATH = ROOT / "tests" / "gold" / "sample.json"

FACET_TYPES = (
    "person",
    "title",
    "organization",
    "place",
    "document_type",
    "number",
    "date",
    "quote",
    "attribution",
    "modality",
)
DOCUMENT_TYPES = {"mou", "agreement", "treaty", "moc", "joint_statement"}
MODALITIES = {"planned", "done"}


def load_gold() -> dict[str, Any]:
    """Read the gold file as a dict."""
    data: dict[str, Any] = json.loads(GOLD_PATH.read_text(encoding="utf-8"))
    return data


def corpus_files(gold: dict[str, Any]) -> dict[str, Path]:
    """Map each article stem of the gold's corpus folder to its file (README.md excluded)."""
    folder = ROOT / gold["corpus"]
    return {p.stem: p for p in sorted(folder.iterdir()) if p.is_file() and p.stem != "README"}


def article_text(path: Path) -> str:
    """The raw decoded text of an article file."""
    return path.read_text(encoding="utf-8-sig")


@pytest.fixture(scope="module")
def gold() -> dict[str, Any]:
    """The parsed gold file."""
    return load_gold()


@pytest.fixture(scope="module")
def texts(gold: dict[str, Any]) -> dict[str, str]:
    """Raw text of every article in the gold corpus, by stem."""
    return {stem: article_text(p) for stem, p in corpus_files(gold).items()}


def all_quotes(gold: dict[str, Any]) -> list[tuple[str, str]]:
    """Every (stem, claim text) the gold treats as article content: pair sides and facets."""
    out: list[tuple[str, str]] = []
    for pair in gold["pairs"]:
        out.append((pair["a"]["article"], pair["a"]["text"]))
        out.append((pair["b"]["article"], pair["b"]["text"]))
    out.extend((f["article"], f["text"]) for f in gold["facets"])
    return out


class TestCorpus:
    def test_stems_are_unique_and_all_have_metadata(
        self, gold: dict[str, Any], texts: dict[str, str]
    ) -> None:
        """Every article file has a unique stem and a gold metadata entry, and vice versa."""
        folder = ROOT / gold["corpus"]
        stems = [p.stem for p in folder.iterdir() if p.is_file() and p.stem != "README"]
        assert len(stems) == len(set(stems))
        assert set(gold["metadata"]) == set(texts)
        assert len(texts) >= 6

    def test_metadata_fields(self, gold: dict[str, Any]) -> None:
        """Each article's gold metadata names an outlet, an ISO date and ko/en/ja."""
        for meta in gold["metadata"].values():
            assert meta["outlet"]
            assert len(meta["published"]) == 10 and meta["published"][4] == "-"
            assert meta["language"] in {"ko", "en", "ja"}
        assert {m["language"] for m in gold["metadata"].values()} == {"ko", "en", "ja"}


class TestPairs:
    def test_pair_texts_are_exact_substrings(
        self, gold: dict[str, Any], texts: dict[str, str]
    ) -> None:
        """Both sides of every gold pair are verbatim text of the named article."""
        for pair in gold["pairs"]:
            for side in ("a", "b"):
                stem, text = pair[side]["article"], pair[side]["text"]
                assert stem in texts, (pair["id"], stem)
                assert text in texts[stem], (pair["id"], side, text)

    def test_pairs_cover_languages(self, gold: dict[str, Any]) -> None:
        """There are >= 20 cross-article pairs, with KO-KO, EN-EN, KO-EN and JA-JA ones."""
        meta = gold["metadata"]
        assert len(gold["pairs"]) >= 20
        combos = set()
        for pair in gold["pairs"]:
            assert pair["a"]["article"] != pair["b"]["article"], pair["id"]
            assert pair["kind"] in {"close", "loose"}
            langs = sorted((meta[pair["a"]["article"]]["language"],
                            meta[pair["b"]["article"]]["language"]))
            combos.add(tuple(langs))
        assert combos == {("ko", "ko"), ("en", "en"), ("en", "ko"), ("ja", "ja")}

    def test_ids_are_unique(self, gold: dict[str, Any]) -> None:
        """Pair and finding ids are unique, so a report can cite them."""
        ids = [p["id"] for p in gold["pairs"]] + [f["id"] for f in gold["findings"]]
        assert len(ids) == len(set(ids))


class TestFindings:
    def test_values_are_exact_substrings(
        self, gold: dict[str, Any], texts: dict[str, str]
    ) -> None:
        """Every value of every gold finding occurs verbatim in its article."""
        for finding in gold["findings"]:
            for stem, value in finding["values"].items():
                assert stem in texts, (finding["id"], stem)
                assert value in texts[stem], (finding["id"], stem, value)
            if "normalized" in finding:
                assert set(finding["normalized"]) == set(finding["values"]), finding["id"]

    def test_kinds_are_all_represented(self, gold: dict[str, Any]) -> None:
        """The gold has >= 8 divergences, >= 4 added details and >= 4 agreements."""
        kinds = Counter(f["kind"] for f in gold["findings"])
        assert kinds["diverge"] >= 8
        assert kinds["add_detail"] >= 4
        assert kinds["agree"] >= 4
        assert set(kinds) <= {"agree", "add_detail", "diverge", "modality"}

    def test_divergences_really_differ_and_agreements_share_a_value(
        self, gold: dict[str, Any]
    ) -> None:
        """A diverge finding has >= 2 distinct normalised values; an agree finding on a
        normalised facet has exactly one (the rounding case 3,370만 vs 약 3,400만 is
        within 1.5%)."""
        for finding in gold["findings"]:
            norm = finding.get("normalized")
            if finding["kind"] in ("diverge", "modality"):
                assert len(finding["values"]) >= 2, finding["id"]
                if norm:
                    assert len(set(norm.values())) >= 2, finding["id"]
            if finding["kind"] == "add_detail":
                assert len(finding["values"]) == 1, finding["id"]
            if finding["kind"] == "agree" and norm and finding["facet"] == "number":
                amounts = [float(v.split()[0]) for v in norm.values()]
                assert max(amounts) / min(amounts) < 1.015, finding["id"]


class TestFacets:
    def test_facet_texts_and_values_are_exact_substrings(
        self, gold: dict[str, Any], texts: dict[str, str]
    ) -> None:
        """Each gold facet's claim text is verbatim in its article and its value in the claim."""
        for facet in gold["facets"]:
            assert facet["text"] in texts[facet["article"]], facet
            assert facet["value"] in facet["text"], facet

    def test_every_type_in_both_languages(self, gold: dict[str, Any]) -> None:
        """Every facet type has >= 2 gold examples in Korean and >= 2 in English."""
        meta = gold["metadata"]
        counts = Counter((f["type"], meta[f["article"]]["language"]) for f in gold["facets"])
        for ftype in FACET_TYPES:
            for lang in ("ko", "en"):
                assert counts[(ftype, lang)] >= 2, (ftype, lang)
        assert {f["type"] for f in gold["facets"]} <= set(FACET_TYPES)

    def test_normalised_values_follow_conventions(self, gold: dict[str, Any]) -> None:
        """Normalised document types, modalities, dates and numbers use the agreed forms."""
        for facet in gold["facets"]:
            norm = facet["normalized"]
            if facet["type"] == "document_type":
                assert norm in DOCUMENT_TYPES, facet
            elif facet["type"] == "modality":
                assert norm in MODALITIES, facet
            elif facet["type"] == "date":
                year, month, day = norm.split("-")
                assert (len(year), len(month), len(day)) == (4, 2, 2), facet
            elif facet["type"] == "number":
                amount, unit = norm.split(" ", 1)
                assert float(amount) >= 0 and unit, facet
                assert "," not in amount, facet


class TestChrome:
    def test_chrome_fragments_are_in_their_article(
        self, gold: dict[str, Any], texts: dict[str, str]
    ) -> None:
        """Each listed chrome fragment really occurs in its article file."""
        for stem, fragments in gold["chrome"].items():
            for fragment in fragments:
                assert fragment in texts[stem], (stem, fragment)

    def test_no_gold_claim_contains_chrome(self, gold: dict[str, Any]) -> None:
        """No gold claim text contains a fragment the gold marks as page chrome."""
        for stem, text in all_quotes(gold):
            for fragment in gold["chrome"].get(stem, []):
                assert fragment not in text, (stem, fragment, text)

    def test_html_gold_texts_survive_extraction(
        self, gold: dict[str, Any], texts: dict[str, str]
    ) -> None:
        """For HTML articles, gold claims appear in trafilatura's extracted text and the
        navigation/footer chrome does not."""
        trafilatura = pytest.importorskip("trafilatura")
        files = corpus_files(gold)
        html_stems = [s for s, p in files.items() if p.suffix in {".html", ".htm"}]
        assert html_stems
        for stem in html_stems:
            extracted = trafilatura.extract(texts[stem])
            assert extracted
            for quote_stem, text in all_quotes(gold):
                if quote_stem == stem:
                    assert text in extracted, text
            for fragment in gold["chrome"].get(stem, []):
                assert fragment not in extracted, fragment
