"""What the tests share: the repository's paths, the real seed articles (a test marked
``seeds`` is skipped cleanly where ``../shared/seeds`` is absent), invented articles, and a
pipeline run with the model-free hashing embedder on a copy of ``articles/``."""

from __future__ import annotations

import json
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from crosscheck import lang
from crosscheck.embed import HashingEmbedder
from crosscheck.models import Article, content_id
from crosscheck.pipeline import RunResult, run_report

ROOT = Path(__file__).resolve().parents[1]
"""The repository (the folder holding ``crosscheck/`` and ``articles/``)."""
ARTICLES = ROOT / "articles"
"""The sample corpus: nine invented articles, six on one event (ko, en), three on another."""
N_SAMPLE = 9
SEEDS = ROOT.parent / "shared" / "seeds"
"""Five real Korean pages on one event (not in the repository; tests needing them skip)."""


def pytest_runtest_setup(item: pytest.Item) -> None:
    """A test marked ``seeds`` is skipped where ``../shared/seeds`` is absent."""
    if item.get_closest_marker("seeds") is not None and not SEEDS.is_dir():
        pytest.skip("../shared/seeds is absent")


@pytest.fixture()
def seeds() -> Path:
    """The folder of the real seed articles; the test is skipped where it is absent."""
    if not SEEDS.is_dir():
        pytest.skip("../shared/seeds is absent")
    return SEEDS


def invented_article(text: str, language: str | None = None, *, id: str = "t",
                     **fields: Any) -> Article:
    """A bare article around ``text`` (no file, no chrome); ``language`` defaults to the one
    that reads ``text``, ``fields`` set any other ``Article`` field (``published``,
    ``outlet``, ``removed``...)."""
    return Article(id=id, path=f"{id}.txt", text=text, sha256=content_id(text), format="txt",
                   language=language or lang.for_text(text).code, **fields)


@pytest.fixture()
def make_article() -> Any:
    """``invented_article``, for tests that take their helpers as fixtures."""
    return invented_article


@dataclass(frozen=True)
class HashingRun:
    """``pipeline.run_report`` with the hashing embedder on a copy of ``articles/`` (at
    ``corpus``, free to edit), writing to ``out`` with its store at ``store``."""

    corpus: Path
    out: Path
    store: Path

    def __call__(self, **options: Any) -> RunResult:
        """Run (again): the store keeps what earlier runs cached."""
        return run_report([self.corpus], self.out, self.store, embedder=HashingEmbedder(),
                          **options)

    @property
    def report_path(self) -> Path:
        return self.out / "report.json"

    def written_report(self) -> dict[str, Any]:
        """The report.json the last run wrote."""
        doc: dict[str, Any] = json.loads(self.report_path.read_text(encoding="utf-8"))
        return doc

    def add(self, name: str, text: str) -> Path:
        """Write a new article into the corpus."""
        path = self.corpus / name
        path.write_text(text, encoding="utf-8")
        return path


def hashing_run_in(folder: Path) -> HashingRun:
    """A ``HashingRun`` on a fresh copy of ``articles/`` under ``folder``."""
    corpus = folder / "articles"
    shutil.copytree(ARTICLES, corpus)
    return HashingRun(corpus, folder / "reports", folder / "claims")


@pytest.fixture()
def hashing_run(tmp_path: Path) -> HashingRun:
    """A pipeline run on a copy of the sample corpus in this test's tmp folder (not yet run:
    call it, edit ``corpus``, call it again)."""
    return hashing_run_in(tmp_path)


@pytest.fixture(scope="session")
def sample_run(tmp_path_factory: pytest.TempPathFactory) -> RunResult:
    """One finished run on the sample corpus, shared by the tests that only read it."""
    return hashing_run_in(tmp_path_factory.mktemp("sample"))()
