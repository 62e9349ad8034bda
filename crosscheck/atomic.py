"""Atomic file writes: a reader sees the old file or the new one, never half of either.

Every file crosscheck writes (the store's entries, the report, the Korean analyser's cache)
goes through ``atomic_writer``: a temp file in the same folder, renamed over the target only
when the whole content was written.
"""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any, BinaryIO


def _current_umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


_UMASK = _current_umask()


@contextlib.contextmanager
def atomic_writer(path: Path, durable: bool = True) -> Iterator[BinaryIO]:
    """A binary file that replaces ``path`` only when the ``with`` block succeeds: readers see
    the old file or the new one, never half; an exception leaves ``path`` untouched.

    ``durable`` also fsyncs the file and its folder (so a power cut cannot lose it); cache
    entries skip that: they carry a checksum, and a damaged one is set aside and rebuilt.
    """
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    except OSError as exc:
        raise _naming(exc, path) from exc
    try:
        os.chmod(tmp, 0o666 & ~_UMASK)  # mkstemp makes 0600; give the usual file mode
        with os.fdopen(fd, "wb") as fh:
            yield fh
            fh.flush()
            if durable:
                os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException as exc:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        if isinstance(exc, OSError):  # a full disk names no file: name the one being written
            raise _naming(exc, path) from exc
        raise
    if not durable:
        return
    with contextlib.suppress(OSError):
        dfd = os.open(path.parent, os.O_RDONLY)
        try:
            os.fsync(dfd)
        finally:
            os.close(dfd)


def _naming(exc: OSError, path: Path) -> OSError:
    """``exc`` naming ``path`` when it names no file (ENOSPC on write names none)."""
    if exc.filename is not None:
        return exc
    return OSError(exc.errno, exc.strerror or str(exc), str(path))  # (the errno subclass)


def atomic_write_bytes(path: Path, data: bytes, durable: bool = True) -> None:
    """Write ``data`` to ``path`` atomically (see ``atomic_writer``)."""
    with atomic_writer(path, durable) as fh:
        fh.write(data)


def atomic_write_json(path: Path, obj: Any, durable: bool = True) -> None:
    """``atomic_write_bytes`` of ``obj`` as indented UTF-8 JSON."""
    atomic_write_bytes(path, (json.dumps(obj, ensure_ascii=False, indent=1) + "\n").encode(),
                       durable)
