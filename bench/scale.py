"""How crosscheck scales: synthetic corpora of 10 … 5,000 articles, timed stage by stage.

Usage::

    python bench/scale.py                       # sizes 10,100,1000, the default model (e5-small)
    python bench/scale.py --sizes 10,100        # chosen sizes
    python bench/scale.py --full                # 10,100,1000,5000
    python bench/scale.py --embedder hashing    # quick smoke run without the model

The corpora are built from the claims of the sample corpus (``articles/``): sentences are
recombined into new articles, grouped in "events" of six articles each (four Korean, two
English); every event gets its own country, company, people and day, and single articles are
perturbed (a figure changed, 장관 -> 차관 / Minister -> Vice Minister, the day moved,
Seoul -> Busan), so that agreements, added details and divergences exist at every size.

Each size runs in its own subprocess. Within it, ``run_report`` runs cold on a fresh store,
as the CLI runs it (the Korean analyser and the model are loaded inside their stages and
dropped after them), with its stages timed and its own peak RSS measured (Linux VmHWM, reset
just before); then the same distinct claim texts are encoded once with plain
``model.encode``, model loaded beforehand (the floor). The fixed loads (analyser, model) are
measured once in a fresh process, so the table shows the ratio with and without them.
Afterwards one English article, then one Korean article, is added and ``crosscheck report``
runs again on the same store as a fresh process each time, timed end to end. Results go to
a table on stdout and to ``bench/results/scale.json``.
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import json
import math
import os
import platform
import random
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

RESULTS = ROOT / "bench" / "results" / "scale.json"
SAMPLE = ROOT / "articles"
EVENT_SIZE = 6  # articles per synthetic event: 4 Korean, 2 English

# per-event substitutions: (Korean, English) pairs replacing the sample's names
COUNTRIES = [
    ("캐나다", "Canada"), ("호주", "Australia"), ("칠레", "Chile"), ("인도네시아", "Indonesia"),
    ("아르헨티나", "Argentina"), ("페루", "Peru"), ("몽골", "Mongolia"), ("베트남", "Vietnam"),
    ("필리핀", "the Philippines"), ("카자흐스탄", "Kazakhstan"), ("브라질", "Brazil"),
    ("멕시코", "Mexico"), ("노르웨이", "Norway"), ("핀란드", "Finland"), ("스웨덴", "Sweden"),
    ("폴란드", "Poland"), ("튀르키예", "Türkiye"), ("모로코", "Morocco"), ("케냐", "Kenya"),
    ("짐바브웨", "Zimbabwe"),
]
COMPANY_HEADS = [("한결", "Hangyeol"), ("새솔", "Saesol"), ("누리", "Nuri"), ("다온", "Daon"),
                 ("가람", "Garam"), ("해솔", "Haesol"), ("별빛", "Byeolbit"), ("온새", "Onsae"),
                 ("미리", "Miri"), ("하람", "Haram")]
COMPANY_TAILS = [("에너지솔루션", "Energy Solutions"), ("머티리얼즈", "Materials"),
                 ("케미칼", "Chemical"), ("배터리소재", "Battery Materials")]
SURNAMES = [("윤", "Yoon"), ("김", "Kim"), ("박", "Park"), ("최", "Choi"), ("정", "Jung"),
            ("강", "Kang"), ("조", "Cho"), ("한", "Han"), ("임", "Lim"), ("오", "Oh")]
GIVEN = [("서진", "Seo-jin"), ("민호", "Min-ho"), ("지우", "Ji-woo"), ("하은", "Ha-eun"),
         ("도윤", "Do-yoon"), ("수아", "Su-a"), ("현우", "Hyun-woo"), ("예린", "Ye-rin")]
FOREIGN = [("클레어 뒤부아", "Claire Dubois"), ("마리 로랑", "Marie Laurent"),
           ("엘렌 모로", "Helene Moreau"), ("소피 마르탱", "Sophie Martin"),
           ("안나 코발", "Anna Koval"), ("리사 베르그", "Lisa Berg")]
KO_OUTLETS = [f"{a}{b}" for a in ("한빛", "새벽", "경인", "동녘", "바른", "누리", "서해", "중앙")
              for b in ("일보", "경제", "데일리", "뉴스", "신문")]
EN_OUTLETS = [f"{a} {b}" for a in ("Maple", "Northern", "Pacific", "Harbour", "Prairie",
                                   "Atlantic", "Summit", "Lakeside")
              for b in ("Wire", "Times", "Post", "Herald", "Ledger")]


# ------------------------------------------------------------------------ corpus generation


@functools.cache
def sample_sentences() -> dict[str, list[str]]:
    """Distinct sentences of the sample corpus's claims, by language (chrome-like ones dropped)."""
    from crosscheck.pipeline import load_corpus

    corpus = load_corpus([SAMPLE])
    arts = {a.id: a for a in corpus.articles}
    out: dict[str, list[str]] = {"ko": [], "en": []}
    seen: set[str] = set()
    for c in corpus.claims:
        a = arts[c.article_id]
        s = a.text[c.sentence_start : c.sentence_end].strip()
        if s in seen or len(s) < 20 or re.search(r"[>|▲]", s) or a.language not in out:
            continue
        seen.add(s)
        out[a.language].append(s)
    return out


def _event_subst(rng: random.Random, event: int) -> list[tuple[str, str]]:
    """The name swaps of one event (sample name -> event's name), Korean and English."""
    ko_c, en_c = COUNTRIES[event % len(COUNTRIES)]
    head = COMPANY_HEADS[(event // len(COUNTRIES)) % len(COMPANY_HEADS)]
    tail = COMPANY_TAILS[event % len(COMPANY_TAILS)]
    sur = SURNAMES[event % len(SURNAMES)]
    giv = GIVEN[(event // len(SURNAMES)) % len(GIVEN)]
    fo = FOREIGN[event % len(FOREIGN)]
    fo_last_ko, fo_last_en = fo[0].split()[-1], fo[1].split()[-1]
    return [
        ("한결에너지솔루션", head[0] + tail[0]), ("Hangyeol Energy Solutions",
                                               f"{head[1]} {tail[1]}"),
        ("Hangyeol", head[1]),
        ("클레어 뒤부아", fo[0]), ("Claire Dubois", fo[1]), ("뒤부아", fo_last_ko),
        ("Dubois", fo_last_en),
        ("윤서진", sur[0] + giv[0]), ("Yoon Seo-jin", f"{sur[1]} {giv[1]}"),
        ("윤 장관", f"{sur[0]} 장관"), ("윤 차관", f"{sur[0]} 차관"), ("Yoon", sur[1]),
        ("캐나다", ko_c), ("Canadian", en_c), ("Canada", en_c),
    ]


def _shift_days(text: str, offset: int) -> str:
    """Move every day-of-month (4일, March 4) by ``offset``, staying within 1..28."""
    def ko(m: re.Match[str]) -> str:
        return f"{(int(m.group(1)) - 1 + offset) % 28 + 1}일"

    def en(m: re.Match[str]) -> str:
        return f"March {(int(m.group(1)) - 1 + offset) % 28 + 1}"

    text = re.sub(r"(?<!\d)(\d{1,2})일", ko, text)
    return re.sub(r"March (\d{1,2})\b", en, text)


def _bump_one_number(rng: random.Random, sentences: list[str]) -> list[str]:
    """Change one figure of one sentence (300 -> 350, 45 -> 46): a number divergence."""
    cands = [i for i, s in enumerate(sentences)
             if re.search(r"\d+(?:,\d{3})*(?:\.\d+)?\s*(?:억|만|%|percent|million)", s)]
    if not cands:
        return sentences
    i = rng.choice(cands)
    out = list(sentences)
    out[i] = re.sub(r"(\d+)(?=(?:,\d{3})*(?:\.\d+)?\s*(?:억|만|%|percent|million))",
                    lambda m: str(int(m.group(1)) + 1 + int(m.group(1)) // 6), out[i], count=1)
    return out


def make_article(rng: random.Random, pool: dict[str, list[str]], index: int) -> tuple[str, str]:
    """One synthetic article: (file name, file text with YAML front matter)."""
    event, slot = divmod(index, EVENT_SIZE)
    lang = "ko" if slot < 4 else "en"
    outlets = KO_OUTLETS if lang == "ko" else EN_OUTLETS
    outlet = outlets[(event * 4 + slot) % len(outlets)]
    src = pool[lang]
    k = min(len(src), rng.randint(7, 13))
    picked = sorted(rng.sample(range(len(src)), k))
    sents = [src[i] for i in picked]
    for old, new in _event_subst(rng, event):
        sents = [s.replace(old, new) for s in sents]
    day_offset = event % 20
    sents = [_shift_days(s, day_offset) for s in sents]
    # article-level perturbations: the divergences
    if rng.random() < 0.25:
        sents = _bump_one_number(rng, sents)
    if rng.random() < 0.2:
        sents = [re.sub(r"(?<!차)장관", "차관", s) if "관" in s else
                 re.sub(r"(?<!Vice )Minister", "Vice Minister", s) for s in sents]
    if rng.random() < 0.15:
        sents = [_shift_days(s, 1) for s in sents]
    if rng.random() < 0.15:
        sents = [s.replace("서울", "부산").replace("Seoul", "Busan") for s in sents]
    day = (3 + day_offset) % 28 + 1
    published = f"2026-03-{day:02d}"
    title = sents[0][:60].replace('"', "'")
    paras = [" ".join(sents[i : i + 2]) for i in range(0, len(sents), 2)]
    fm = (f"---\noutlet: {outlet}\ntitle: \"{title}\"\npublished: {published}\n"
          f"language: {lang}\n---\n\n")
    ext = ".md" if index % 3 else ".txt"
    return f"a{index:05d}{ext}", fm + f"{title}\n\n" + "\n\n".join(paras) + "\n"


def write_corpus(folder: Path, n: int, seed: int = 7) -> list[Path]:
    """Write ``n`` synthetic articles into ``folder``; returns their paths."""
    pool = sample_sentences()
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for i in range(n):
        name, text = make_article(rng, pool, i)
        p = folder / name
        p.write_text(text, encoding="utf-8")
        paths.append(p)
    return paths


# ------------------------------------------------------------------------ one size (worker)


class TimedEmbedder:
    """Wraps an embedder and adds up the seconds spent inside ``encode``."""

    def __init__(self, inner: Any) -> None:
        self.inner = inner
        self.name: str = inner.name
        self.seconds = 0.0

    def encode(self, texts: Sequence[str]) -> Any:
        t = time.perf_counter()
        try:
            return self.inner.encode(texts)
        finally:
            self.seconds += time.perf_counter() - t

    def expect(self, n: int) -> None:
        """Passed on (the default model picks its engine from the job's size)."""
        self.inner.expect(n)

    def release(self) -> None:
        """Passed on (the CLI drops the model once the claims are embedded)."""
        self.inner.release()


def rss_mb() -> float:
    """This process's peak resident set size so far, in MB."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def peak_rss_mb() -> float:
    """This process's peak resident set size since the last ``reset_peak_rss``, in MB (Linux
    VmHWM; ru_maxrss elsewhere, which cannot be reset)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return rss_mb()


def reset_peak_rss() -> None:
    """Start a new peak (writing 5 to /proc/self/clear_refs resets VmHWM on Linux)."""
    with contextlib.suppress(OSError):
        Path("/proc/self/clear_refs").write_text("5")


def worker(size: int, workdir: Path, embedder_name: str, profile: bool) -> dict[str, Any]:
    """Build the corpus, run the pipeline once cold, as the CLI does (stages timed, loads of
    the analyser and the model included), then the encode floor in the same process."""
    from crosscheck.embed import SentenceTransformerEmbedder, text_key
    from crosscheck.pipeline import make_embedder, release_analysers, run_report

    res: dict[str, Any] = {"size": size}
    t = time.perf_counter()
    corpus_dir = workdir / "corpus"
    write_corpus(corpus_dir, size)
    # the articles the re-runs add, written aside now (the pool is loaded here already):
    # one English (index == size is an English slot when size % 6 == 4) and one Korean
    pool = sample_sentences()
    # and two more for the re-runs of a resident `crosscheck watch` process
    for tag, index in (("en", _slot(size, "en")), ("ko", _slot(size, "ko")),
                       ("en2", _slot(size + EVENT_SIZE, "en")),
                       ("ko2", _slot(size + EVENT_SIZE, "ko"))):
        name, text = make_article(random.Random(999_983 + index), pool, index)
        (workdir / f"extra-{tag}").mkdir(exist_ok=True)
        (workdir / f"extra-{tag}" / f"new-{name}").write_text(text, encoding="utf-8")
    res["generate_s"] = time.perf_counter() - t
    import gc

    release_analysers()  # the sample pool was split: start the run without an analyser
    gc.collect()

    emb = make_embedder(None if embedder_name == "default" else embedder_name)
    timed = TimedEmbedder(emb)
    prof = None
    if profile:
        import cProfile

        prof = cProfile.Profile()
        prof.enable()
    reset_peak_rss()
    res["rss_before_run_mb"] = peak_rss_mb()
    t = time.perf_counter()
    # as the CLI runs it: the analyser and the model are dropped once their stage is done
    result = run_report([corpus_dir], workdir / "out", workdir / "claims", embedder=timed,
                        release_models=True)
    res["total_s"] = time.perf_counter() - t
    res["peak_rss_mb"] = peak_rss_mb()  # the run's own peak (the floor below reloads the model)
    if prof is not None:
        prof.disable()
        prof.dump_stats(str(workdir / "profile.pstats"))
    res["stages_s"] = dict(result.stats.timings)
    res["stage_peak_rss_mb"] = dict(result.stats.peak_rss_mb)
    if res["stage_peak_rss_mb"]:
        res["peak_rss_mb"] = max(res["stage_peak_rss_mb"].values())
    res["encode_in_run_s"] = timed.seconds
    res["non_encoding_s"] = res["total_s"] - timed.seconds
    summary = result.report["summary"]
    res["n_articles"] = summary["n_articles"]
    res["n_claims"] = summary["n_claims"]
    res["n_clusters"] = summary["n_clusters"]
    res["findings"] = summary["findings"]
    res["largest_cluster"] = max((len(c["claim_ids"]) for c in result.report["clusters"]),
                                 default=0)
    res["errors"] = summary["errors"]
    res["claims_per_s"] = summary["n_claims"] / res["total_s"]

    # the floor: the same distinct claim texts, one plain model.encode call (model loaded and
    # warmed up first, outside the timing)
    texts = list({text_key(c["text"]): c["text"] for c in result.report["claims"]}.values())
    res["distinct_texts"] = len(texts)
    del result
    model = emb.load() if isinstance(emb, SentenceTransformerEmbedder) else None
    if model is not None:
        model.encode(texts[:16], batch_size=32, show_progress_bar=False)
    t = time.perf_counter()
    if model is not None:
        model.encode(texts, batch_size=32, normalize_embeddings=True, convert_to_numpy=True,
                     show_progress_bar=False)
    else:
        emb.encode(texts)
    res["pure_encode_s"] = time.perf_counter() - t
    return res


def _slot(size: int, lang: str) -> int:
    """The first article index at or after ``size`` whose event slot has language ``lang``."""
    i = size
    while ("ko" if i % EVENT_SIZE < 4 else "en") != lang:
        i += 1
    return i


def measure_loads(embedder: str) -> dict[str, float]:
    """Seconds to load the Korean analyser (full model, first analysis included) and the
    embedding model (first encode included), each in this fresh process: the fixed costs a
    cold run pays on top of its work."""
    out: dict[str, float] = {}
    t = time.perf_counter()
    from kiwipiepy import Kiwi

    Kiwi().tokenize("한국과 캐나다가 협정을 체결했다.")
    out["kiwi_full_s"] = time.perf_counter() - t
    if embedder == "default":
        from crosscheck.weights import load_sentence_model

        t = time.perf_counter()
        m = load_sentence_model(None)
        m.encode(["query: 예시 문장"], show_progress_bar=False)
        out["model_s"] = time.perf_counter() - t
    return out


# ------------------------------------------------------------------------ driver


def _run_child(cmd: list[str], env: dict[str, str] | None = None) -> tuple[float, float, str, str]:
    """Run ``cmd``; (wall seconds, peak RSS MB of that process, stdout, stderr)."""
    t = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env=env)
    out, err = proc.communicate()
    wall = time.perf_counter() - t
    # ru_maxrss of RUSAGE_CHILDREN is the largest child so far: good enough as each child
    # is measured in order, and the worker reports its own peak anyway
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    if proc.returncode not in (0, 1):
        raise RuntimeError(f"{cmd[:4]} failed ({proc.returncode}):\n{err[-3000:]}")
    return wall, peak, out, err


def crosscheck_cmd(args: list[str], embedder: str) -> list[str]:
    """The command line of a fresh ``crosscheck report`` process."""
    cmd = [sys.executable, "-m", "crosscheck", "report", *args]
    if embedder != "default":
        cmd += ["--model", embedder]
    return cmd


def rerun_with_one_more(workdir: Path, size: int, embedder: str) -> dict[str, Any]:
    """Add one article to the corpus and time ``crosscheck report`` on the same store, as a
    fresh process (imports, model and analyser loads included): first an English article,
    then (on top of it) a Korean one, which needs the Korean analyser loaded."""
    out: dict[str, Any] = {}
    for tag in ("en", "ko"):
        for f in (workdir / f"extra-{tag}").iterdir():  # written by the worker
            shutil.move(str(f), str(workdir / "corpus" / f.name))
        wall, _peak, _out, _err = _run_child(crosscheck_cmd(
            [str(workdir / "corpus"), "--store", str(workdir / "claims"), "--out",
             str(workdir / f"out-{tag}")], embedder))
        rep = json.loads((workdir / f"out-{tag}" / "report.json").read_text(encoding="utf-8"))
        s = rep["summary"]
        out[f"rerun_{tag}_s"] = wall
        # the CLI prints its stage times ("stages: ingest+split 0.66 s · embed 0.18 s ...")
        flat = " ".join(_out.split())
        if "stages:" in flat:
            out[f"rerun_{tag}_stages_s"] = {
                k: float(v) for k, v in re.findall(r"([a-z+]+) ([\d.]+) s",
                                                   flat.split("stages:", 1)[1].split("(total")[0])}
        out[f"rerun_{tag}_processed"] = s["processed_articles"]
        out[f"rerun_{tag}_embedded"] = s["embedded_claims"]
    out["rerun_s"] = out["rerun_en_s"]
    _w, _p, res, _e = _run_child([sys.executable, __file__, "--resident", "--workdir",
                                  str(workdir), "--embedder", embedder])
    out.update(json.loads(res.strip().splitlines()[-1]))
    return out


def resident(workdir: Path, embedder_name: str) -> dict[str, Any]:
    """Re-runs inside a resident `crosscheck watch` (``pipeline.watch``): its first report is
    built on the corpus as it is, then one English and one Korean article arrive, one at a
    time; each figure is the time from the file landing to its report written."""
    from crosscheck.pipeline import make_embedder, watch

    emb = make_embedder(None if embedder_name == "default" else embedder_name)
    emb.encode(["warm-up"])  # the watch process has its model loaded
    arrivals = iter(("en2", "ko2"))
    landed: list[tuple[str, float]] = []
    out: dict[str, Any] = {}

    def nap(_seconds: float) -> None:
        tag = next(arrivals)
        for f in (workdir / f"extra-{tag}").iterdir():
            shutil.move(str(f), str(workdir / "corpus" / f.name))
        landed.append((tag, time.perf_counter()))

    def done(result: Any) -> None:
        if landed:
            tag, t = landed[-1]
            out[f"watch_{tag[:2]}_s"] = time.perf_counter() - t
            out[f"watch_{tag[:2]}_stages_s"] = dict(result.stats.timings)
            out[f"watch_{tag[:2]}_processed"] = len(result.stats.processed)

    watch([workdir / "corpus"], workdir / "out-watch", workdir / "claims", embedder=emb,
          interval=0, on_result=done, max_runs=3, sleep=nap)
    return out


def sample_report_time(embedder: str) -> float:
    """`make report` on the sample corpus, model already converted, fresh store: seconds."""
    tmp = Path(tempfile.mkdtemp(prefix="crosscheck-sample-"))
    try:
        wall, _p, _o, _e = _run_child(crosscheck_cmd(
            [str(SAMPLE), "--store", str(tmp / "claims"), "--out", str(tmp / "out")], embedder))
        return wall
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def nlogn(n: int) -> float:
    return n * math.log2(max(n, 2))


def fitted_exponent(xs: Sequence[float], ys: Sequence[float]) -> float | None:
    """Least-squares slope of log y over log x (None with fewer than two points)."""
    pts = [(math.log(x), math.log(y)) for x, y in zip(xs, ys, strict=True) if x > 0 and y > 0]
    if len(pts) < 2:
        return None
    mx = sum(p[0] for p in pts) / len(pts)
    my = sum(p[1] for p in pts) / len(pts)
    den = sum((p[0] - mx) ** 2 for p in pts)
    return sum((p[0] - mx) * (p[1] - my) for p in pts) / den if den else None


def verdict(ok: bool | None) -> str:
    return "n/a " if ok is None else ("PASS" if ok else "FAIL")


def print_table(rows: list[dict[str, Any]], loads: dict[str, float]) -> None:
    """The per-size table."""
    fixed = loads.get("kiwi_full_s", 0.0) + loads.get("model_s", 0.0)
    head = (f"{'articles':>8} {'claims':>7} {'texts':>6} {'clust':>6} {'ingest':>7} "
            f"{'embed':>7} {'(enc)':>7} {'cluster':>7} {'compare':>7} {'report':>7} "
            f"{'total':>7} {'floor':>7} {'tot/fl':>6} {'-load':>6} {'claim/s':>8} "
            f"{'nonenc':>7} {'ne/nlogn':>9} {'peakMB':>7} {'re-en':>6} {'re-ko':>6} "
            f"{'w-en':>5} {'w-ko':>5}")
    print(head)
    print("-" * len(head))
    for r in rows:
        st = r["stages_s"]
        floor = max(r["pure_encode_s"], 1e-9)
        print(f"{r['n_articles']:>8} {r['n_claims']:>7} {r['distinct_texts']:>6} "
              f"{r['n_clusters']:>6} "
              f"{st.get('ingest+split', 0):>7.2f} {st.get('embed', 0):>7.2f} "
              f"{r['encode_in_run_s']:>7.2f} {st.get('cluster', 0):>7.2f} "
              f"{st.get('compare', 0):>7.2f} {st.get('report', 0):>7.2f} {r['total_s']:>7.2f} "
              f"{r['pure_encode_s']:>7.2f} {r['total_s'] / floor:>6.2f} "
              f"{max(0.0, r['total_s'] - fixed) / floor:>6.2f} "
              f"{r['claims_per_s']:>8.1f} {r['non_encoding_s']:>7.2f} "
              f"{r['ne_per_nlogn_us']:>7.2f}us {r['peak_rss_mb']:>7.0f} "
              f"{r.get('rerun_en_s', math.nan):>6.2f} {r.get('rerun_ko_s', math.nan):>6.2f} "
              f"{r.get('watch_en_s', math.nan):>5.2f} {r.get('watch_ko_s', math.nan):>5.2f}")


def targets(rows: list[dict[str, Any]], sample_s: float | None,
            loads: dict[str, float]) -> list[dict[str, Any]]:
    """The issue's targets, each with its figure and PASS/FAIL (n/a when not measured)."""
    by = {r["size"]: r for r in rows}
    out: list[dict[str, Any]] = []
    r1k = by.get(1000)
    fixed = loads.get("kiwi_full_s", 0.0) + loads.get("model_s", 0.0)
    ratio = r1k["total_s"] / r1k["pure_encode_s"] if r1k else None
    bare = (r1k["total_s"] - fixed) / r1k["pure_encode_s"] if r1k else None
    out.append({"target": "full run <= 1.3 x pure encode at 1,000 articles",
                "figure": f"{ratio:.2f} x cold ({bare:.2f} x without the {fixed:.1f} s of "
                          "analyser and model loads)" if ratio and bare else "-",
                "ok": None if ratio is None else ratio <= 1.3})
    rr = r1k.get("rerun_en_s") if r1k else None
    rk = r1k.get("rerun_ko_s") if r1k else None
    out.append({"target": "re-run with one new article at 1,000 < 5 s (model load included)",
                "figure": (f"{rr:.2f} s for an English article, {rk:.2f} s for a Korean one "
                           "(fresh processes); in a resident `crosscheck watch`: "
                           f"{r1k.get('watch_en_s', math.nan):.2f} s / "
                           f"{r1k.get('watch_ko_s', math.nan):.2f} s")
                if r1k and rr and rk else "-",
                "ok": None if rr is None or rk is None else max(rr, rk) < 5})
    r5k = by.get(5000)
    out.append({"target": "peak memory at 5,000 < 2 GB",
                "figure": f"{r5k['peak_rss_mb']:.0f} MB" if r5k else "-",
                "ok": None if r5k is None else r5k["peak_rss_mb"] < 2048})
    big = [r for r in rows if r["size"] >= 100]
    exp = fitted_exponent([r["n_claims"] for r in big], [r["non_encoding_s"] for r in big])
    # n log n between the sizes measured corresponds to a slope of about 1 + 1/ln(n)
    ok = None
    fig = "-"
    if exp is not None:
        n_mid = math.exp(sum(math.log(r["n_claims"]) for r in big) / len(big))
        limit = 1 + 1 / math.log(n_mid) + 0.1  # 0.1 of slack for timing noise
        ok = exp <= limit
        fig = f"exponent {exp:.2f} (n log n ~ {limit - 0.1:.2f}; limit {limit:.2f})"
    out.append({"target": "non-encoding work grows no worse than n log n (sizes >= 100)",
                "figure": fig, "ok": ok})
    out.append({"target": "`make report` on the sample corpus (model converted) < 10 s",
                "figure": f"{sample_s:.2f} s" if sample_s is not None else "-",
                "ok": None if sample_s is None else sample_s < 10})
    return out


def main() -> None:
    """Parse the options, run every size in its own subprocess, print and save the results."""
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("--sizes", default="10,100,1000", help="comma-separated article counts")
    p.add_argument("--full", action="store_true", help="sizes 10,100,1000,5000")
    p.add_argument("--embedder", default="default",
                   help="'default' (embedded e5-small) or 'hashing' (fast, model-free)")
    p.add_argument("--profile", type=int, default=None, metavar="SIZE",
                   help="cProfile the run at this size; print the top 15 by cumulative time")
    p.add_argument("--keep", action="store_true", help="keep the temporary corpora")
    p.add_argument("--out", type=Path, default=RESULTS, help="where to write the JSON")
    p.add_argument("--worker", type=int, default=None, help=argparse.SUPPRESS)
    p.add_argument("--loads", action="store_true", help=argparse.SUPPRESS)
    p.add_argument("--resident", action="store_true", help=argparse.SUPPRESS)
    p.add_argument("--workdir", type=Path, default=None, help=argparse.SUPPRESS)
    args = p.parse_args()

    if args.worker is not None:
        res = worker(args.worker, args.workdir, args.embedder, args.profile == args.worker)
        print(json.dumps(res))
        return
    if args.loads:
        print(json.dumps(measure_loads(args.embedder)))
        return
    if args.resident:
        print(json.dumps(resident(args.workdir, args.embedder)))
        return

    sizes = [10, 100, 1000, 5000] if args.full else [int(s) for s in args.sizes.split(",")]
    root = Path(tempfile.mkdtemp(prefix="crosscheck-scale-"))
    print(f"crosscheck scale benchmark — embedder {args.embedder}; sizes {sizes}; "
          f"corpora in {root}", flush=True)
    rows: list[dict[str, Any]] = []
    try:
        if args.embedder == "default":  # convert once, outside every timing
            from crosscheck.weights import ensure_default_model

            ensure_default_model()
        _w, _p, out, _e = _run_child([sys.executable, __file__, "--loads", "--embedder",
                                      args.embedder])
        loads = json.loads(out.strip().splitlines()[-1])
        print(f"  fixed costs of a cold run: {loads}", flush=True)
        for size in sizes:
            t0 = time.perf_counter()
            workdir = root / f"n{size}"
            workdir.mkdir()
            cmd = [sys.executable, __file__, "--worker", str(size), "--workdir", str(workdir),
                   "--embedder", args.embedder]
            if args.profile is not None:
                cmd += ["--profile", str(args.profile)]
            _wall, _peak, out, _err = _run_child(cmd)
            res = json.loads(out.strip().splitlines()[-1])
            res.update(rerun_with_one_more(workdir, size, args.embedder))
            res["ne_per_nlogn_us"] = res["non_encoding_s"] / nlogn(res["n_claims"]) * 1e6
            res["size_wall_s"] = time.perf_counter() - t0
            rows.append(res)
            print(f"  size {size}: {res['n_articles']} articles, {res['n_claims']} claims, "
                  f"run {res['total_s']:.1f} s, re-runs {res['rerun_en_s']:.1f} s (en) / "
                  f"{res['rerun_ko_s']:.1f} s (ko), in watch {res.get('watch_en_s', math.nan):.1f}"
                  f" / {res.get('watch_ko_s', math.nan):.1f} s — this size took "
                  f"{res['size_wall_s']:.0f} s in all", flush=True)
            if args.profile == size:
                import pstats

                print(f"\ncProfile of the run at {size} articles (top 15, cumulative):")
                pstats.Stats(str(workdir / "profile.pstats")).sort_stats(
                    "cumulative").print_stats(15)
        sample_s = sample_report_time(args.embedder)
    finally:
        if not args.keep:
            shutil.rmtree(root, ignore_errors=True)

    print()
    print_table(rows, loads)
    print("\nstages in seconds of one cold run (the analyser and model loads included, as in "
          "the CLI); texts = distinct claim texts; (enc) = time inside the embedder; floor = "
          "one plain model.encode of the same distinct texts, model loaded beforehand; "
          "-load = tot/fl without the fixed loads; nonenc = total - (enc); peakMB = the run's "
          "own peak RSS; re-en / re-ko = fresh `crosscheck report` after adding one English, "
          "then one Korean article (imports and loads included); w-en / w-ko = the same in a "
          "resident `crosscheck watch` process (another English, then Korean article)\n")
    tg = targets(rows, sample_s, loads)
    for t in tg:
        print(f"  [{verdict(t['ok'])}] {t['target']}: {t['figure']}")
    doc = {
        "schema": "crosscheck.bench.scale/1",
        "embedder": args.embedder,
        "machine": {"python": platform.python_version(), "cpus": os.cpu_count(),
                    "platform": platform.platform()},
        "generated_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "sample_report_s": sample_s,
        "fixed_loads_s": loads,
        "sizes": rows,
        "targets": [{**t, "ok": verdict(t["ok"]).strip()} for t in tg],
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(doc, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"\nwrote {args.out}")


if __name__ == "__main__":
    main()
