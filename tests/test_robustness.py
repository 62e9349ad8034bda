"""Robustness: bad input, crashes, corrupt caches, concurrent runs, no network, hostile text,
bad review files and exit codes.

Every article here is invented for these tests (Korean and English). Runs use the model-free
``hashing`` embedder; CLI runs are real subprocesses (``python -m crosscheck``).
"""

from __future__ import annotations

import base64
import json
import os
import random
import shutil
import signal
import socket
import stat
import subprocess
import sys
import tempfile
import time
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from crosscheck import pipeline, review
from crosscheck.embed import HashingEmbedder
from crosscheck.pipeline import NoArticles, RunResult, load_corpus, run_report
from crosscheck.store import Store

REPO = Path(__file__).resolve().parents[1]
IS_ROOT = hasattr(os, "geteuid") and os.geteuid() == 0

# ------------------------------------------------------------------------ invented articles

GOOD_EN = (
    "---\noutlet: Harbour Post\ntitle: Eastvale approves pier\npublished: 2031-05-02\n---\n"
    "The council of Eastvale approved 12 million dollars for a new pier on Monday.\n"
    "Mayor Omar Reyes said construction would begin in March.\n"
)
GOOD_EN2 = (
    "---\noutlet: Coast Ledger\ntitle: Pier vote\npublished: 2031-05-02\n---\n"
    "The council of Eastvale approved 15 million dollars for a new pier on Monday.\n"
    "Harbour master Ines Varga said the old pier would close in April.\n"
)
GOOD_KO = (
    "이스트베일 시의회는 2일 새 부두 건설 예산 1200만 달러를 승인했다.\n"
    "오마르 레예스 시장은 공사가 3월에 시작된다고 말했다.\n"
)
LIGHTHOUSE_A = (
    "---\noutlet: Kestrel Gazette\ntitle: Lighthouse repairs\npublished: 2031-06-01\n---\n"
    "Keeper Aldo Brun said repairing the Kestrel Point lighthouse would cost 3 million euros.\n"
)
LIGHTHOUSE_B = (
    "---\noutlet: Skerry Herald\ntitle: Lighthouse bill\npublished: 2031-06-01\n---\n"
    "Keeper Aldo Brun said repairing the Kestrel Point lighthouse would cost 7 million euros.\n"
)
XSS_SCRIPT = "<script>alert(1)</script>"
XSS_IMG = '"><img src=x onerror=alert(1)>'

TOWNS = ["Eastvale", "Marrow Bay", "Lindqvist", "Port Aubery", "Helmsdale", "Corran Ferry"]
OUTLETS = ["Harbour Post", "Coast Ledger", "Valley Courier", "Northline Daily", "Tidewater Times"]
PEOPLE = [("Dana Whitfield", "chief executive"), ("Omar Reyes", "mayor"),
          ("Ines Varga", "harbour master"), ("Tom Achebe", "council leader")]
THINGS = ["electric ferries", "a new pier", "flood barriers", "a bus depot", "a school annex"]


def english_article(rng: random.Random, n_lines: int, salt: str = "") -> str:
    """An invented English Markdown article of ``n_lines`` sentences about a town project."""
    town = rng.choice(TOWNS)
    person, title = rng.choice(PEOPLE)
    lines = [f"---\noutlet: {rng.choice(OUTLETS)}\ntitle: {town} plans {rng.choice(THINGS)}\n"
             f"published: 2031-0{rng.randint(1, 9)}-1{rng.randint(0, 9)}\n---"]
    for k in range(n_lines):
        thing = rng.choice(THINGS)
        lines.append(rng.choice([
            f"The council of {town} approved {rng.randint(2, 90)} million dollars for {thing}.",
            f"{person}, the {title}, said work on {thing} would start in "
            f"{rng.randint(2031, 2036)}.",
            f"Residents of {town} gathered {rng.randint(100, 9000)} signatures against {thing}.",
            f"The project will employ {rng.randint(20, 800)} people, officials said on day {k}.",
            f"A second phase covering {thing} is planned for {rng.choice(TOWNS)}.",
        ]))
    if salt:
        lines.append(f"An update on the vote, {salt}, was published later.")
    return "\n".join(lines) + "\n"


def write_corpus(folder: Path, n_articles: int, n_lines: int, seed: int = 7) -> list[Path]:
    """Write ``n_articles`` invented English articles into ``folder``."""
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for i in range(n_articles):
        p = folder / f"story-{i:02d}.md"
        p.write_text(english_article(rng, n_lines), encoding="utf-8")
        paths.append(p)
    return paths


# ------------------------------------------------------------------------ helpers


def cli_env() -> dict[str, str]:
    """Environment for CLI subprocesses: this checkout importable, wide lines (no wrapping)."""
    env = dict(os.environ)
    env["PYTHONPATH"] = str(REPO) + os.pathsep + env.get("PYTHONPATH", "")
    env["COLUMNS"] = "400"
    env.pop("FORCE_COLOR", None)
    return env


def cli_cmd(*args: str | Path) -> list[str]:
    return [sys.executable, "-m", "crosscheck", *(str(a) for a in args)]


def cli(*args: str | Path, cwd: Path, timeout: float = 180) -> subprocess.CompletedProcess[str]:
    """Run ``crosscheck ARGS`` to completion; stdout/stderr captured as text."""
    return subprocess.run(cli_cmd(*args), cwd=cwd, env=cli_env(), capture_output=True,
                          text=True, timeout=timeout, check=False)


def flat(s: str) -> str:
    """Whitespace collapsed, so wrapped console lines compare like one line."""
    return " ".join(s.split())


def run(paths: list[Path] | list[str | Path], root: Path, **kw: Any) -> RunResult:
    """run_report with the hashing embedder, output in root/out and the store in root/claims."""
    return run_report(paths, root / "out", root / "claims", embedder=HashingEmbedder(), **kw)


def assert_claims_slice(rep: dict[str, Any]) -> None:
    """Every claim (and facet) in a report dict slices from its article's text."""
    texts = {a["id"]: a["text"] for a in rep["articles"]}
    assert rep["claims"], "the report has no claims"
    for c in rep["claims"]:
        text = texts[c["article_id"]]
        assert text[c["start"]:c["end"]] == c["text"]
        for f in c["facets"]:
            assert text[f["start"]:f["end"]] == f["value"]


def error_for(rep: dict[str, Any], name: str) -> str:
    """The reason report.json gives for the file called ``name`` (fails if none)."""
    hits = [e["reason"] for e in rep["errors"] if Path(e["path"]).name == name]
    assert len(hits) == 1, f"{name}: expected one error, got {hits} in {rep['errors']}"
    return str(hits[0])


def json_files_parse(store: Path) -> list[Path]:
    """All JSON files of a store (temp files excepted), each parsed; returns them."""
    files = [p for p in store.rglob("*.json") if not p.name.startswith(".")]
    for p in files:
        json.loads(p.read_text(encoding="utf-8"))
    return files


# ------------------------------------------------------------------------ 1. bad articles


@pytest.fixture(scope="module")
def messy(tmp_path_factory: pytest.TempPathFactory) -> tuple[RunResult, dict[str, Any], Path]:
    """One run over good articles mixed with every kind of bad file."""
    root = tmp_path_factory.mktemp("messy")
    arts = root / "articles"
    (arts / "seoul").mkdir(parents=True)
    (arts / "busan").mkdir()
    (arts / "good-en.md").write_text(GOOD_EN, encoding="utf-8")
    (arts / "good-ko.txt").write_text(GOOD_KO, encoding="utf-8")
    (arts / "empty.txt").write_bytes(b"")
    (arts / "blank.txt").write_bytes(b"  \n\t \r\n   \n")
    (arts / "noise.txt").write_bytes(random.Random(5).randbytes(6000) + b"\x00" * 64)
    en = GOOD_EN2.encode("utf-16-le")
    (arts / "cut-utf16.txt").write_bytes(b"\xff\xfe" + en[:-1])  # an odd byte count: cut
    (arts / "bad-utf8.txt").write_bytes(b"\xef\xbb\xbfThe council met \xff\xfe\x80 on Monday.\n")
    (arts / "bad-front.md").write_text(
        "---\ntitle: [the pier vote\noutlet: Harbour: Post: x\n---\n"
        "The council of Eastvale met on Monday.\n", encoding="utf-8")
    (arts / "chrome-only.html").write_text(
        "<html><head><title>Menu</title></head><body><nav><a href='/'>Home</a> "
        "<a href='/news'>News</a></nav><footer>© Harbour Post</footer></body></html>",
        encoding="utf-8")
    (arts / "vanishing.txt").write_text("The ferry timetable changes in June.\n")
    (arts / "locked.txt").write_text("The bus depot closes for repairs in July.\n")
    (arts / "name with spaces.txt").write_text(
        "Helmsdale opened a library with 200000 books on Tuesday.\n", encoding="utf-8")
    (arts / "부산 기사.txt").write_text("부산시는 5일 공공도서관 두 곳을 새로 열었다고 밝혔다.\n",
                                     encoding="utf-8")
    (arts / "-dash.txt").write_text("The school board hired 12 new teachers this week.\n")
    (arts / "seoul" / "report.txt").write_text(
        "서울시는 4일 한강 다리 보수에 300억 원을 투입한다고 발표했다.\n", encoding="utf-8")
    (arts / "busan" / "report.txt").write_text(
        "The port of Busan opened a third container terminal on Thursday.\n", encoding="utf-8")
    (arts / "original.txt").write_text(
        "Marlow Ferries ordered two electric ferries worth 40 million dollars.\n")
    shutil.copy(arts / "original.txt", arts / "copy-of-original.txt")

    real_read_bytes = Path.read_bytes

    def flaky_read_bytes(self: Path) -> bytes:
        if self.name == "vanishing.txt":  # deleted between discovery/stat and the read
            self.unlink()
        if self.name == "locked.txt":  # what chmod 000 does for a non-root user
            raise PermissionError(13, "Permission denied", str(self))
        return real_read_bytes(self)

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(Path, "read_bytes", flaky_read_bytes)
        result = run([arts], root)
    rep = json.loads(result.json_path.read_text(encoding="utf-8"))
    return result, rep, arts


@pytest.mark.parametrize(("name", "reason"), [
    ("empty.txt", "empty file"),
    ("blank.txt", "whitespace only"),
    ("noise.txt", "binary data"),
    ("cut-utf16.txt", "cannot decode"),
    ("bad-utf8.txt", "cannot decode"),
    ("bad-front.md", "malformed YAML front matter at line"),
    ("chrome-only.html", "no main text"),
    ("vanishing.txt", "cannot read"),
    ("locked.txt", "Permission denied"),
])
def test_bad_file_is_reported_by_name_with_a_reason(
    messy: tuple[RunResult, dict[str, Any], Path], name: str, reason: str,
) -> None:
    """A bad file (empty, blank, binary, undecodable, broken front matter, an HTML page with no
    main text, a file deleted mid-run, an unreadable file) is listed in report.json errors[] by
    its file name with a readable reason; it is not an article."""
    _result, rep, _arts = messy
    assert reason in error_for(rep, name)
    assert name not in {Path(a["path"]).name for a in rep["articles"]}


def test_good_articles_are_reported_despite_bad_ones(
    messy: tuple[RunResult, dict[str, Any], Path],
) -> None:
    """The run goes on past bad files: every good article (English and Korean) is in the
    report with claims that slice from its text, and the HTML page was written."""
    result, rep, _arts = messy
    names = {Path(a["path"]).name for a in rep["articles"]}
    assert {"good-en.md", "good-ko.txt", "name with spaces.txt", "부산 기사.txt",
            "-dash.txt", "copy-of-original.txt"} <= names
    assert rep["summary"]["n_articles"] == len(rep["articles"]) == 8
    assert rep["summary"]["errors"] == len(rep["errors"]) == 10
    assert_claims_slice(rep)
    assert result.html_path.stat().st_size > 0


def test_odd_file_names_keep_their_names_as_ids(
    messy: tuple[RunResult, dict[str, Any], Path],
) -> None:
    """File names with spaces, Korean characters or a leading dash become article ids as
    they are, and the HTML report shows them."""
    result, rep, _arts = messy
    ids = {a["id"] for a in rep["articles"]}
    assert {"name with spaces", "부산 기사", "-dash"} <= ids
    html = result.html_path.read_text(encoding="utf-8")
    assert "부산 기사" in html and "name with spaces" in html


def test_same_stem_in_two_folders_gives_two_unique_ids(
    messy: tuple[RunResult, dict[str, Any], Path],
) -> None:
    """seoul/report.txt and busan/report.txt are two articles with distinct ids, both in
    report.json, each with its own claims."""
    _result, rep, _arts = messy
    by_path = {Path(a["path"]).parent.name + "/" + Path(a["path"]).name: a["id"]
               for a in rep["articles"]}
    seoul, busan = by_path["seoul/report.txt"], by_path["busan/report.txt"]
    assert seoul != busan
    ids = [a["id"] for a in rep["articles"]]
    assert len(ids) == len(set(ids))
    claimed = {c["article_id"] for c in rep["claims"]}
    assert {seoul, busan} <= claimed


def test_same_text_under_two_names_is_counted_once(
    messy: tuple[RunResult, dict[str, Any], Path],
) -> None:
    """A byte-identical copy is reported as a duplicate in errors[] and left out, so it can
    never look like a second outlet agreeing with the first."""
    _result, rep, _arts = messy
    names = {Path(a["path"]).name: a["id"] for a in rep["articles"]}
    # files are read in sorted order: the first name is the article, the second the duplicate
    assert "original.txt" not in names
    reason = error_for(rep, "original.txt")
    assert f"duplicate of article {names['copy-of-original.txt']}" in reason
    texts = [a["text"] for a in rep["articles"]]
    assert len(texts) == len(set(texts))
    text_of = {a["id"]: a["text"] for a in rep["articles"]}
    for f in rep["findings"]:
        arts = {v["article_id"] for v in f["values"]}
        assert len({text_of[a] for a in arts}) == len(arts)


@pytest.mark.skipif(IS_ROOT, reason="root reads chmod 000 files; the monkeypatched variant "
                                    "(locked.txt) covers this case")
def test_chmod_000_file_is_reported(tmp_path: Path) -> None:
    """A file the user may not read is reported as unreadable; the other article is kept."""
    arts = tmp_path / "articles"
    arts.mkdir()
    (arts / "ok.md").write_text(GOOD_EN, encoding="utf-8")
    secret = arts / "secret.txt"
    secret.write_text("The harbour closes at night.\n")
    secret.chmod(0)
    try:
        res = run([arts], tmp_path)
    finally:
        secret.chmod(stat.S_IRUSR | stat.S_IWUSR)
    assert [Path(e.path).name for e in res.errors] == ["secret.txt"]
    assert "Permission denied" in res.errors[0].reason
    assert [a["id"] for a in res.report["articles"]] == ["ok"]


def test_fifo_in_the_folder_is_skipped_not_read(tmp_path: Path) -> None:
    """A named pipe called *.txt in the articles folder is reported as not a regular file
    instead of blocking the run for ever."""
    if not hasattr(os, "mkfifo"):
        pytest.skip("no FIFOs here")
    arts = tmp_path / "articles"
    arts.mkdir()
    (arts / "ok.md").write_text(GOOD_EN, encoding="utf-8")
    os.mkfifo(arts / "pipe.txt")
    res = run([arts], tmp_path)
    assert "not a regular file" in error_for(res.report, "pipe.txt")
    assert [a["id"] for a in res.report["articles"]] == ["ok"]


def test_leading_dash_file_name_through_the_cli(tmp_path: Path) -> None:
    """`crosscheck report -- -dash.txt` and `crosscheck report ./-dash.txt` treat the name as
    a file, not an option, and report it."""
    (tmp_path / "-dash.txt").write_text(
        "The school board hired 12 new teachers this week.\n", encoding="utf-8")
    for i, args in enumerate((["--", "-dash.txt"], ["./-dash.txt"])):
        opts = ["--out", f"out{i}", "--store", f"claims{i}", "--model", "hashing"]
        cp = cli("report", *opts, *args, cwd=tmp_path)
        assert cp.returncode == 0, cp.stderr
        rep = json.loads((tmp_path / f"out{i}" / "report.json").read_text(encoding="utf-8"))
        assert [a["id"] for a in rep["articles"]] == ["-dash"]


def test_renamed_file_whose_cache_name_collides_is_reprocessed(tmp_path: Path) -> None:
    """Renaming "pier vote.txt" to "pier_vote.txt" (ids whose cache file names used to
    collide) gives a clean second run under the new id, not a crash."""
    arts = tmp_path / "articles"
    arts.mkdir()
    (arts / "pier vote.txt").write_text(GOOD_EN, encoding="utf-8")
    (arts / "ferry.md").write_text(GOOD_EN2, encoding="utf-8")
    run([arts], tmp_path)
    (arts / "pier vote.txt").rename(arts / "pier_vote.txt")
    res = run([arts], tmp_path)
    assert sorted(a["id"] for a in res.report["articles"]) == ["ferry", "pier_vote"]
    assert {c["article_id"] for c in res.report["claims"]} == {"ferry", "pier_vote"}
    assert_claims_slice(res.report)


def test_one_megabyte_line_without_a_break_completes(tmp_path: Path) -> None:
    """An article with a 1 MB line and no line break (a pasted list) is processed; its
    ordinary sentences still become claims that slice from the text."""
    rng = random.Random(11)
    words = [rng.choice(TOWNS).replace(" ", "-") for _ in range(200_000)]
    line = " ".join(words)[: 1024 * 1024]
    arts = tmp_path / "articles"
    arts.mkdir()
    body = (f"The council of Eastvale published the list of towns on Monday.\n{line}\n"
            "Mayor Omar Reyes said the list would be updated in March.\n")
    (arts / "long-line.txt").write_text(body, encoding="utf-8")
    res = run([arts], tmp_path)
    assert res.errors == []
    texts = {c["text"] for c in res.report["claims"]}
    assert "Mayor Omar Reyes said the list would be updated in March." in texts
    assert_claims_slice(res.report)


def test_ten_megabyte_html_page_completes(tmp_path: Path) -> None:
    """A 10 MB HTML page (inline scripts, styles and a base64 image around a short story) is
    processed: the story's sentences become claims; script and image data do not."""
    rng = random.Random(3)
    blob = base64.b64encode(rng.randbytes(3_200_000)).decode()
    script = "var d=[" + ",".join(str(rng.randint(0, 10**6)) for _ in range(620_000)) + "];"
    style = ".c{color:red}\n" * 160_000
    body = "".join(f"<p>The harbour authority said on Monday that {n} ferries would resume "
                   f"service to the outer islands of Eastvale.</p>\n" for n in range(2, 8))
    page = (f"<!doctype html><html><head><title>Harbour reopens</title><style>{style}</style>"
            f"<script>{script}</script></head><body><article><h1>Harbour reopens</h1>{body}"
            f'<img src="data:image/png;base64,{blob}"></article></body></html>')
    assert len(page.encode()) >= 10 * 1024 * 1024
    arts = tmp_path / "articles"
    arts.mkdir()
    (arts / "page.html").write_text(page, encoding="utf-8")
    res = run([arts], tmp_path)
    assert res.errors == []
    texts = [c["text"] for c in res.report["claims"]]
    assert any("7 ferries would resume" in t for t in texts)
    assert not any("base64" in t or "var d=" in t for t in texts)
    assert_claims_slice(res.report)


def test_ten_megabyte_text_article_is_refused_by_name(tmp_path: Path) -> None:
    """A 10 MB plain-text article is reported by name as too long while the other articles
    of the run are reported as usual."""
    rng = random.Random(1)
    lines, size, i = [], 0, 0
    while size < 10 * 1024 * 1024:
        s = (f"The {rng.choice(THINGS)} report number {i} said {rng.randint(1, 999)} people "
             f"attended in {rng.choice(TOWNS)}.\n")
        lines.append(s)
        size += len(s)
        i += 1
    arts = tmp_path / "articles"
    arts.mkdir()
    (arts / "huge.txt").write_text("".join(lines), encoding="utf-8")
    (arts / "small.txt").write_text(
        "The ferry service to the island resumed on Monday after a storm.\n"
        "Officials said 7 ferries would run each day.\n", encoding="utf-8")
    res = run([arts], tmp_path)
    assert [Path(e.path).name for e in res.errors] == ["huge.txt"]
    assert "too long" in res.errors[0].reason
    assert [a["id"] for a in res.report["articles"]] == ["small"]


# ------------------------------------------------------------------------ 2. crash safety


def test_sigkill_at_random_points_never_damages_the_store(tmp_path: Path) -> None:
    """A `crosscheck report` killed with SIGKILL at 20 random moments never changes
    claims/reviews.json, never leaves a JSON file in claims/ that does not parse or a cache
    entry later found corrupt, and the next normal run succeeds with a valid report whose
    claims slice from their texts and whose review decision still applies."""
    arts = tmp_path / "articles"
    paths = write_corpus(arts, 18, 10)
    (arts / "lighthouse-a.md").write_text(LIGHTHOUSE_A, encoding="utf-8")
    (arts / "lighthouse-b.md").write_text(LIGHTHOUSE_B, encoding="utf-8")
    store, out = tmp_path / "claims", tmp_path / "out"
    args: list[str | Path] = ["report", arts, "--out", out, "--store", store, "--model",
                              "hashing"]

    t0 = time.perf_counter()
    first = cli(*args, cwd=tmp_path)
    duration = time.perf_counter() - t0
    assert first.returncode == 0, first.stderr
    rep = json.loads((out / "report.json").read_text(encoding="utf-8"))
    [fid] = [f["id"] for f in rep["findings"] if f["kind"] == "diverge"
             and {v["article_id"] for v in f["values"]} == {"lighthouse-a", "lighthouse-b"}]
    pipeline.review_decide(store, fid, "dismissed", "오보 아님 — checked by phone",
                           out / "report.json")
    reviews = (store / "reviews.json").read_bytes()

    rng = random.Random(20310502)
    for round_no in range(20):
        for p in rng.sample(paths, 3):  # new work for the killed run: reprocess, re-embed
            p.write_text(english_article(rng, 10, salt=f"round {round_no}"), encoding="utf-8")
        delay = rng.uniform(0, duration)
        proc = subprocess.Popen(cli_cmd(*args), cwd=tmp_path, env=cli_env(),
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(delay)
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)

        assert (store / "reviews.json").read_bytes() == reviews, f"round {round_no}"
        json_files_parse(store)
        warnings: list[str] = []
        Store(store, warn=warnings.append).load_vectors(HashingEmbedder().name)
        assert warnings == [], f"round {round_no}: {warnings}"

        after = cli(*args, cwd=tmp_path)
        assert after.returncode == 0, f"round {round_no} (killed after {delay:.2f}s): " \
                                      f"{after.stderr}"
        assert "warning" not in after.stderr, after.stderr
        rep = json.loads((out / "report.json").read_text(encoding="utf-8"))
        assert rep["summary"]["n_articles"] == 20
        assert_claims_slice(rep)
        assert (store / "reviews.json").read_bytes() == reviews
        assert [f["review"]["status"] for f in rep["findings"] if f["id"] == fid] == ["dismissed"]
        leftovers = [p for d in (store, out) for p in d.rglob(".*.tmp")]
        assert leftovers == []
    assert not (store / "corrupt").exists()


# A bootstrap that runs the CLI and SIGKILLs it half-way through its Nth file write
# (CC_KILL_AT; 0 = never), logging each write's destination to CC_WRITE_LOG.
KILL_MID_WRITE = r"""
import builtins, io, os, signal, sys
KILL_AT = int(os.environ["CC_KILL_AT"])
LOG = os.environ.get("CC_WRITE_LOG")
_real_open, _real_fdopen = builtins.open, os.fdopen
count = 0

class _Killing:
    def __init__(self, f):
        self._f = f
    def write(self, data):
        global count
        count += 1
        if LOG:
            with _real_open(LOG, "a") as log:
                log.write(f"{count}\t{os.readlink(f'/proc/self/fd/{self._f.fileno()}')}\n")
        if count == KILL_AT:
            self._f.write(data[: len(data) // 2])
            self._f.flush()
            os.kill(os.getpid(), signal.SIGKILL)
        return self._f.write(data)
    def __getattr__(self, name):
        return getattr(self._f, name)
    def __enter__(self):
        return self
    def __exit__(self, *exc):
        return self._f.__exit__(*exc)

def _wrap(f, mode):
    return _Killing(f) if any(c in mode for c in "wax+") else f
def _open(file, mode="r", *a, **k):
    return _wrap(_real_open(file, mode, *a, **k), mode)
def _fdopen(fd, mode="r", *a, **k):
    return _wrap(_real_fdopen(fd, mode, *a, **k), mode)
builtins.open = io.open = _open
os.fdopen = _fdopen
sys.argv = ["crosscheck", *sys.argv[1:]]
from crosscheck.cli import main
main()
"""


def test_kill_half_way_through_each_kind_of_write_never_damages_the_store(
    tmp_path: Path,
) -> None:
    """Killed half-way through writing an article cache entry, a vector shard, state.json,
    report.json or index.html, a run leaves claims/reviews.json unchanged and every JSON file
    in claims/ parseable, and the next run succeeds with a valid report."""
    if not Path("/proc/self/fd").exists():
        pytest.skip("needs /proc")
    arts = tmp_path / "articles"
    paths = write_corpus(arts, 8, 8, seed=5)
    store, out = tmp_path / "claims", tmp_path / "out"
    args: list[str | Path] = ["report", arts, "--out", out, "--store", store, "--model",
                              "hashing"]
    assert cli(*args, cwd=tmp_path).returncode == 0
    rep = json.loads((out / "report.json").read_text(encoding="utf-8"))
    pipeline.review_decide(store, rep["findings"][0]["id"], "confirmed", "확인",
                           out / "report.json")
    reviews = (store / "reviews.json").read_bytes()
    snapshot = tmp_path / "snapshot"
    shutil.copytree(store, snapshot)
    rng = random.Random(8)
    changed = {p: english_article(rng, 8, salt="late edition") for p in paths[:3]}

    def killed_run(kill_at: int, log: Path | None = None) -> int:
        shutil.rmtree(store)
        shutil.copytree(snapshot, store)
        for p, text in changed.items():
            p.write_text(text, encoding="utf-8")
        env = cli_env() | {"CC_KILL_AT": str(kill_at)}
        if log is not None:
            env["CC_WRITE_LOG"] = str(log)
        cmd = [sys.executable, "-c", KILL_MID_WRITE, *(str(a) for a in args)]
        return subprocess.run(cmd, cwd=tmp_path, env=env, capture_output=True,
                              timeout=180, check=False).returncode

    log = tmp_path / "writes.log"
    assert killed_run(0, log) == 0
    writes = [line.split("\t") for line in log.read_text().splitlines()]
    points: dict[str, int] = {}
    for n, dest in writes:
        kind = ("article" if "/articles/" in dest else "vectors" if "/vectors/" in dest
                else Path(dest).name.lstrip(".").split(".")[0])
        points.setdefault(kind, int(n))
    assert {"article", "vectors", "state", "report", "index"} <= set(points), writes

    for kind, at in points.items():
        assert killed_run(at) == -signal.SIGKILL, kind
        assert (store / "reviews.json").read_bytes() == reviews, kind
        json_files_parse(store)
        after = cli(*args, cwd=tmp_path)
        assert after.returncode == 0, (kind, after.stderr)
        assert "warning" not in after.stderr, (kind, after.stderr)
        rep = json.loads((out / "report.json").read_text(encoding="utf-8"))
        assert rep["summary"]["n_articles"] == 8
        assert_claims_slice(rep)
        assert [p for d in (store, out) for p in d.rglob(".*.tmp")] == []


# ------------------------------------------------------------------------ 3. corrupt cache


def test_corrupt_cache_entries_are_set_aside_rebuilt_and_change_nothing(tmp_path: Path) -> None:
    """A truncated article cache, an article cache that is a JSON list, one with a foreign
    schema and a vector shard of random bytes: the next run warns naming each file, moves it
    to claims/corrupt/, rebuilds it, and reports exactly what a clean run reports."""
    arts = tmp_path / "articles"
    write_corpus(arts, 6, 8, seed=3)
    (arts / "pier.md").write_text(GOOD_EN, encoding="utf-8")
    (arts / "pier-2.md").write_text(GOOD_EN2, encoding="utf-8")

    clean = run_report([arts], tmp_path / "clean-out", tmp_path / "clean-claims",
                       embedder=HashingEmbedder())
    run([arts], tmp_path)
    store = tmp_path / "claims"
    a_dir = store / "articles"
    truncated = a_dir / "story-00.json"
    truncated.write_bytes(truncated.read_bytes()[: truncated.stat().st_size // 2])
    listed = a_dir / "story-01.json"
    listed.write_text("[1, 2, 3]\n")
    foreign = a_dir / "pier.json"
    doc = json.loads(foreign.read_text(encoding="utf-8"))
    doc["schema"] = "someone-else.article/7"
    foreign.write_text(json.dumps(doc), encoding="utf-8")
    shards = sorted((store / "vectors").rglob("*.npz"))
    assert shards
    shards[0].write_bytes(random.Random(9).randbytes(4096))

    said: list[str] = []
    res = run([arts], tmp_path, notify=said.append)
    warnings = [m for m in said if m.startswith("warning:")]
    for p in (truncated, listed, foreign, shards[0]):
        assert any(str(p) in w for w in warnings), (p, warnings)
    set_aside = sorted(p.name.split("-", 1)[1] for p in (store / "corrupt").iterdir())
    assert set_aside == sorted([truncated.name, listed.name, foreign.name, shards[0].name])
    for p in (truncated, listed, foreign):
        json.loads(p.read_text(encoding="utf-8"))  # rebuilt
    assert sorted(res.stats.processed) == ["pier", "story-00", "story-01"]

    assert [f.id for f in res.findings] == [f.id for f in clean.findings]
    assert [c["id"] for c in res.report["claims"]] == [c["id"] for c in clean.report["claims"]]

    again: list[str] = []
    run([arts], tmp_path, notify=again.append)
    assert not [m for m in again if m.startswith("warning:")]


def test_damaged_state_file_is_set_aside(tmp_path: Path) -> None:
    """A state.json that is not a state document (here a JSON string) is set aside with a
    warning; the run succeeds."""
    arts = tmp_path / "articles"
    arts.mkdir()
    (arts / "pier.md").write_text(GOOD_EN, encoding="utf-8")
    run([arts], tmp_path)
    (tmp_path / "claims" / "state.json").write_text('"hello"\n')
    said: list[str] = []
    res = run([arts], tmp_path, notify=said.append)
    assert any("state.json" in m for m in said)
    assert res.report["summary"]["n_articles"] == 1


# ------------------------------------------------------------------------ 4. concurrency

HOLDER = """
import sys, time
from pathlib import Path
from crosscheck.store import Store
cm = Store(Path(sys.argv[1])).lock()
cm.__enter__()
print("locked", flush=True)
time.sleep(120)
"""


def wait_for(pred: Any, timeout: float = 60.0) -> None:
    """Poll ``pred()`` until it is true (fails after ``timeout`` seconds)."""
    end = time.monotonic() + timeout
    while not pred():
        assert time.monotonic() < end, "timed out"
        time.sleep(0.05)


@pytest.fixture
def small_corpus(tmp_path: Path) -> Path:
    arts = tmp_path / "articles"
    arts.mkdir()
    (arts / "pier.md").write_text(GOOD_EN, encoding="utf-8")
    (arts / "pier-2.md").write_text(GOOD_EN2, encoding="utf-8")
    return arts


def test_busy_store_exits_2_with_a_clear_message(tmp_path: Path, small_corpus: Path) -> None:
    """While another process holds the store lock, `crosscheck report --wait 1` gives up
    after about a second, exits 2 and says another crosscheck run is using the store."""
    store = tmp_path / "claims"
    with Store(store).lock(timeout=5):
        cp = cli("report", small_corpus, "--out", "out", "--store", store, "--model",
                 "hashing", "--wait", "1", cwd=tmp_path)
    assert cp.returncode == 2
    assert "another crosscheck run is using" in flat(cp.stderr)
    assert not (tmp_path / "out" / "report.json").exists()


def test_waiting_run_proceeds_once_the_lock_is_released(
    tmp_path: Path, small_corpus: Path,
) -> None:
    """With a longer --wait, a second run says it is waiting, then finishes normally (exit 0)
    as soon as the first releases the store."""
    store = tmp_path / "claims"
    errlog = tmp_path / "stderr.txt"
    with Store(store).lock(timeout=5), errlog.open("w") as err:
        proc = subprocess.Popen(
            cli_cmd("report", small_corpus, "--out", "out", "--store", store, "--model",
                    "hashing", "--wait", "120"),
            cwd=tmp_path, env=cli_env(), stdout=subprocess.DEVNULL, stderr=err)
        wait_for(lambda: "waiting" in errlog.read_text())
        time.sleep(0.5)
        assert proc.poll() is None  # still blocked
    assert proc.wait(timeout=120) == 0
    assert "another crosscheck run" in flat(errlog.read_text())
    assert (tmp_path / "out" / "report.json").exists()


def test_lock_of_a_killed_process_does_not_block(tmp_path: Path, small_corpus: Path) -> None:
    """A process killed (SIGKILL) while holding the store lock leaves the .lock file behind,
    but the next run gets the lock at once (exit 0 with --wait 1)."""
    store = tmp_path / "claims"
    holder = subprocess.Popen([sys.executable, "-c", HOLDER, str(store)], env=cli_env(),
                              stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout is not None
        assert holder.stdout.readline().strip() == "locked"
        busy = cli("report", small_corpus, "--out", "out", "--store", store, "--model",
                   "hashing", "--wait", "0.5", cwd=tmp_path)
        assert busy.returncode == 2
    finally:
        holder.kill()
        holder.wait(timeout=30)
    assert (store / ".lock").exists()
    cp = cli("report", small_corpus, "--out", "out", "--store", store, "--model", "hashing",
             "--wait", "1", cwd=tmp_path)
    assert cp.returncode == 0, cp.stderr


# ------------------------------------------------------------------------ 5. network, HTML


def test_report_needs_no_network(tmp_path: Path, small_corpus: Path,
                                 monkeypatch: pytest.MonkeyPatch) -> None:
    """With every socket refused, a report with --model hashing still succeeds."""
    def refuse(*_a: Any, **_k: Any) -> Any:
        raise OSError("network access attempted during a test")

    monkeypatch.setattr(socket, "socket", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    res = run_report([small_corpus], tmp_path / "out", tmp_path / "claims", model="hashing")
    assert res.report["summary"]["n_articles"] == 2


def test_cli_report_runs_in_a_network_namespace_without_network(
    tmp_path: Path, small_corpus: Path,
) -> None:
    """`crosscheck report --model hashing` succeeds under `unshare -n` (no network at all)."""
    unshare = shutil.which("unshare")
    if not IS_ROOT or unshare is None or subprocess.run(
            [unshare, "-n", "true"], capture_output=True, check=False).returncode != 0:
        pytest.skip("needs root and a working unshare -n")
    cp = subprocess.run([unshare, "-n", *cli_cmd("report", small_corpus, "--out", "out",
                                                  "--store", "claims", "--model", "hashing")],
                        cwd=tmp_path, env=cli_env(), capture_output=True, text=True,
                        timeout=180, check=False)
    assert cp.returncode == 0, cp.stderr


class _Elements(HTMLParser):
    """Collects script elements (attrs, text), img tags and all text outside scripts."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.scripts: list[tuple[dict[str, str | None], str]] = []
        self.imgs: list[dict[str, str | None]] = []
        self.text: list[str] = []
        self._script: dict[str, str | None] | None = None
        self._buf: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "script":
            self._script, self._buf = dict(attrs), []
        elif tag == "img":
            self.imgs.append(dict(attrs))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag: str) -> None:
        if tag == "script" and self._script is not None:
            self.scripts.append((self._script, "".join(self._buf)))
            self._script = None

    def handle_data(self, data: str) -> None:
        (self._buf if self._script is not None else self.text).append(data)


def test_html_report_shows_injected_markup_as_text(tmp_path: Path) -> None:
    """An article containing <script>alert(1)</script> and "><img src=x onerror=alert(1)>
    shows them as text: no executable script contains alert(1), no img element exists, the
    raw strings appear nowhere outside the JSON data block, and that block holds no '<'."""
    arts = tmp_path / "articles"
    arts.mkdir()
    (arts / "hostile.txt").write_text(
        f"The council of Eastvale approved the pier {XSS_SCRIPT} on Monday.\n"
        f"Mayor Omar Reyes said the pier {XSS_IMG} would open in March.\n", encoding="utf-8")
    (arts / "pier.md").write_text(GOOD_EN, encoding="utf-8")
    res = run([arts], tmp_path)
    html = res.html_path.read_text(encoding="utf-8")

    p = _Elements()
    p.feed(html)
    p.close()
    assert p.imgs == []
    data_blocks = [body for attrs, body in p.scripts if attrs.get("type") == "application/json"]
    assert len(data_blocks) == 1
    assert "<" not in data_blocks[0]
    json.loads(data_blocks[0])
    for attrs, body in p.scripts:
        if attrs.get("type") != "application/json":
            assert "alert(1)" not in body
    outside = html.replace(data_blocks[0], "")
    assert XSS_SCRIPT not in outside and XSS_IMG not in outside
    shown = "".join(p.text)
    assert XSS_SCRIPT in shown and XSS_IMG in shown  # displayed, escaped, not dropped


# ------------------------------------------------------------------------ 6. review files


def _tree(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in root.rglob("*") if p.is_file()}


@pytest.fixture
def reviewed(tmp_path: Path, small_corpus: Path) -> tuple[Path, bytes]:
    """A store with a report and one recorded decision; returns (store, reviews.json bytes)."""
    res = run([small_corpus], tmp_path)
    fid = res.findings[0].id
    pipeline.review_decide(tmp_path / "claims", fid, "confirmed", "확인함", res.json_path)
    return tmp_path / "claims", (tmp_path / "claims" / "reviews.json").read_bytes()


@pytest.mark.parametrize(("content", "message"), [
    ('{"schema": "crosscheck.reviews/1", "reviews": {', "cannot read"),
    ('{"schema": "somebody.else/2", "reviews": {}}', "not a crosscheck.reviews/1 document"),
    ('{"schema": "crosscheck.reviews/1", "reviews": {"abc": {"status": "maybe"}}}',
     "status must be one of open, confirmed, dismissed"),
    ('{"schema": "crosscheck.reviews/1", "reviews": []}', "must be an object"),
    ('["not", "a", "document"]', "not a crosscheck.reviews/1 document"),
])
def test_bad_review_import_exits_2_and_changes_nothing(
    tmp_path: Path, reviewed: tuple[Path, bytes], content: str, message: str,
) -> None:
    """`crosscheck review import` of a malformed file, a file of another schema or with a
    status outside open/confirmed/dismissed exits 2 with the reason, and claims/reviews.json
    (and its .bak) stay byte for byte as they were."""
    store, before = reviewed
    bad = tmp_path / "decisions.json"
    bad.write_text(content, encoding="utf-8")
    files_before = _tree(store)
    cp = cli("review", "import", bad, "--store", store, cwd=tmp_path)
    assert cp.returncode == 2
    assert message in flat(cp.stderr)
    assert (store / "reviews.json").read_bytes() == before
    assert _tree(store) == files_before


def test_review_id_with_dot_dot_is_only_a_key(tmp_path: Path,
                                            reviewed: tuple[Path, bytes]) -> None:
    """Review ids like ../../escape.json are JSON keys: importing them writes only inside
    claims/ (reviews.json and its .bak), creates no file anywhere else, and the next report
    still runs."""
    store, _ = reviewed
    decisions = tmp_path / "in" / "decisions.json"
    decisions.parent.mkdir()
    evil = ["../../escape.json", "../outside", "/tmp/absolute-escape", "..\\..\\win"]
    decisions.write_text(json.dumps({"schema": review.REVIEWS_SCHEMA, "reviews": {
        k: {"status": "dismissed", "note": "x"} for k in evil}}), encoding="utf-8")
    outside_before = {k for k in _tree(tmp_path) if not k.startswith("claims")}
    cp = cli("review", "import", decisions, "--store", store, cwd=tmp_path / "in")
    assert cp.returncode == 0, cp.stderr
    outside_after = {k for k in _tree(tmp_path) if not k.startswith("claims")}
    assert outside_after == outside_before
    assert not Path("/tmp/absolute-escape").exists()
    doc = json.loads((store / "reviews.json").read_text(encoding="utf-8"))
    assert set(evil) <= set(doc["reviews"])
    res = run([tmp_path / "articles"], tmp_path)
    assert res.report["summary"]["n_articles"] == 2


def test_review_command_with_dot_dot_id_fails_cleanly(
    tmp_path: Path, reviewed: tuple[Path, bytes],
) -> None:
    """`crosscheck review dismiss ../../x` names no finding: exit 2, nothing written."""
    store, before = reviewed
    cp = cli("review", "dismiss", "../../x", "--store", store, "--report",
             tmp_path / "out" / "report.json", cwd=tmp_path)
    assert cp.returncode == 2
    assert "no finding" in flat(cp.stderr)
    assert (store / "reviews.json").read_bytes() == before


def test_damaged_reviews_file_stops_the_report_and_is_kept(
    tmp_path: Path, small_corpus: Path,
) -> None:
    """A damaged claims/reviews.json makes `crosscheck report` exit 2 naming the file; the
    file is left exactly as it was (never silently replaced)."""
    store = tmp_path / "claims"
    store.mkdir()
    (store / "reviews.json").write_text('{"schema": "crosscheck.reviews/1", "rev')
    before = (store / "reviews.json").read_bytes()
    cp = cli("report", small_corpus, "--out", "out", "--store", store, "--model", "hashing",
             cwd=tmp_path)
    assert cp.returncode == 2
    assert "reviews.json" in flat(cp.stderr)
    assert (store / "reviews.json").read_bytes() == before


# ------------------------------------------------------------------------ 7. exit codes


def test_exit_codes(tmp_path: Path, small_corpus: Path) -> None:
    """0 on success; --fail-on diverge gives 1 while an open divergence exists and 0 once all
    divergences are dismissed; 2 when no article is readable or an option is bad."""
    base = ["--out", "out", "--store", "claims", "--model", "hashing"]
    ok = cli("report", small_corpus, *base, cwd=tmp_path)
    assert ok.returncode == 0, ok.stderr
    rep = json.loads((tmp_path / "out" / "report.json").read_text(encoding="utf-8"))
    diverge = [f["id"] for f in rep["findings"] if f["kind"] == "diverge"]
    assert diverge, "the two invented articles disagree on the amount"

    assert cli("report", small_corpus, *base, "--fail-on", "diverge",
               cwd=tmp_path).returncode == 1
    for fid in diverge:
        cp = cli("review", "dismiss", fid, "--note", "same vote, rounding", "--store", "claims",
                 "--report", "out/report.json", cwd=tmp_path)
        assert cp.returncode == 0, cp.stderr
    assert cli("report", small_corpus, *base, "--fail-on", "diverge",
               cwd=tmp_path).returncode == 0

    junk = tmp_path / "junk"
    junk.mkdir()
    (junk / "empty.txt").write_bytes(b"")
    (junk / "noise.md").write_bytes(bytes(range(256)) * 8)
    none = cli("report", junk, *base, cwd=tmp_path)
    assert none.returncode == 2
    assert "no readable article" in flat(none.stderr)
    assert cli("report", tmp_path / "missing", *base, cwd=tmp_path).returncode == 2
    assert cli("report", small_corpus, *base, "--fail-on", "bogus",
               cwd=tmp_path).returncode == 2
    assert cli("report", small_corpus, *base, "--no-such-option", cwd=tmp_path).returncode == 2


def test_no_articles_is_an_exception_in_the_library(tmp_path: Path) -> None:
    """run_report on a folder with only unreadable files raises NoArticles listing why."""
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "empty.txt").write_bytes(b"")
    with pytest.raises(NoArticles, match=r"empty\.txt: empty file"):
        run([tmp_path / "a"], tmp_path)


# ------------------------------------------------------------------------ 8. property test

_ALPHABET = st.sampled_from(
    list("abcdefghij klmnop.,!?\"'’“”()[]<>&-—:;#*_\n\t\r0123456789$%")
    + list("가나다라마바사아자차카타파하는을를이가에서했다고밝혔.")
    + ["\u00a0", "\u200b", "\ufeff", "😀", "ⓒ", "▲", "\u2028", "é"]
)
_TEXT = st.text(_ALPHABET, max_size=400)
_FM_VALUE = st.one_of(_TEXT.map(lambda s: s.replace("\n", " ")[:40]), st.integers(),
                      st.just("[unclosed"), st.just("2031-05-02"), st.just(":"))


@st.composite
def _file(draw: st.DrawFn) -> tuple[str, bytes]:
    suffix = draw(st.sampled_from([".txt", ".md", ".html"]))
    kind = draw(st.sampled_from(["text", "bytes", "front", "html"]))
    if kind == "bytes":
        data = draw(st.binary(max_size=600))
    elif kind == "front":
        keys = draw(st.lists(st.sampled_from(
            ["title", "outlet", "published", "date", "primary", "lang", "x y", "url"]),
            max_size=4))
        fm = "".join(f"{k}: {draw(_FM_VALUE)}\n" for k in keys)
        close = draw(st.sampled_from(["---\n", "...\n", ""]))
        data = ("---\n" + fm + close + draw(_TEXT)).encode("utf-8")
    elif kind == "html":
        data = (f"<html><head><title>{draw(_TEXT)[:30]}</title></head><body><article>"
                f"<p>{draw(_TEXT)}</p><p>{draw(_TEXT)}</p></article></body></html>"
                ).encode(draw(st.sampled_from(["utf-8", "utf-16"])))
    else:
        data = draw(_TEXT).encode(draw(st.sampled_from(["utf-8", "utf-16", "cp949"])),
                                  errors="ignore")
    return suffix, data


@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(files=st.lists(_file(), min_size=1, max_size=3))
def test_load_corpus_on_random_files(files: list[tuple[str, bytes]]) -> None:
    """On random files (text, bytes, front matter, HTML; .txt/.md/.html) load_corpus raises
    nothing, accounts for every file as an article or an error, and every claim and facet
    slices exactly from its article's text."""
    with tempfile.TemporaryDirectory() as d:
        folder = Path(d)
        for i, (suffix, data) in enumerate(files):
            (folder / f"f{i}{suffix}").write_bytes(data)
        corpus = load_corpus([folder])
        seen = sorted([Path(a.path).name for a in corpus.articles]
                      + [Path(e.path).name for e in corpus.errors if not e.is_warning])
        assert seen == sorted(f"f{i}{s}" for i, (s, _) in enumerate(files))
        text = {a.id: a.text for a in corpus.articles}
        for c in corpus.claims:
            assert text[c.article_id][c.start:c.end] == c.text
            for f in c.facets:
                assert text[c.article_id][f.start:f.end] == f.value
        for e in corpus.errors:
            assert e.reason and not e.reason.startswith("internal error"), e
