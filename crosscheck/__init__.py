"""crosscheck: cross-check news coverage claim by claim."""

from __future__ import annotations

import hashlib
from pathlib import Path

__version__ = "0.1.0"


def _analysis_digest() -> str:
    """A digest of the code and word lists that turn an article into claims and facets:
    a cached article is reused only while they are unchanged (an upgrade, or a new title in
    a language's data file, rebuilds the claims instead of serving stale ones)."""
    here = Path(__file__).parent
    h = hashlib.sha256()
    files = [here / n for n in ("ingest.py", "split.py", "facets.py", "models.py", "scripts.py",
                                 "nfc.py")]
    files += sorted((here / "lang").glob("*.py")) + sorted((here / "lang" / "data").glob("*.yaml"))
    for f in files:
        try:
            h.update(f.name.encode() + b"\0" + f.read_bytes())
        except OSError:
            continue
    return h.hexdigest()[:12]


PIPELINE_VERSION = f"5-{_analysis_digest()}"
