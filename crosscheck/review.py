"""Review decisions: confirm / dismiss / reopen a finding, with a note that survives re-runs.

Pure functions over the reviews document (``claims/reviews.json``, read and written by the
store)::

    {"schema": "crosscheck.reviews/1",
     "reviews": {"<finding id>": {"status": "confirmed", "note": "...",
                                  "kind": "diverge", "facet": "title", "subject": "...",
                                  "claim_ids": [...], "history": [{"at", "by", "status", "note"}]}}}

A decision is keyed by finding id. When a re-run changes a finding's id (a new article joined
its cluster), the decision follows it to the finding of the same kind and facet that shares most
of its claims, and the report says so.
"""

from __future__ import annotations

import getpass
import json
from collections.abc import Mapping, Sequence
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

from crosscheck.models import Finding, Review

REVIEWS_SCHEMA = "crosscheck.reviews/1"
STATUSES = ("open", "confirmed", "dismissed")


class ReviewError(Exception):
    """A review command or file that cannot be applied."""


def empty() -> dict[str, Any]:
    return {"schema": REVIEWS_SCHEMA, "reviews": {}}


def validate(doc: Any) -> dict[str, Any]:
    """Check a reviews document (ours or one exported from the HTML report)."""
    if not isinstance(doc, dict) or doc.get("schema") != REVIEWS_SCHEMA:
        raise ReviewError(f"not a {REVIEWS_SCHEMA} document")
    reviews = doc.get("reviews")
    if not isinstance(reviews, dict):
        raise ReviewError("'reviews' must be an object keyed by finding id")
    for fid, r in reviews.items():
        if not isinstance(fid, str) or not isinstance(r, dict):
            raise ReviewError(f"review {fid!r} must be an object")
        if r.get("status") not in STATUSES:
            raise ReviewError(f"review {fid!r}: status must be one of {', '.join(STATUSES)}")
        if not isinstance(r.get("note", ""), str):
            raise ReviewError(f"review {fid!r}: note must be text")
        ids = r.get("claim_ids", [])
        if not isinstance(ids, list) or not all(isinstance(c, str) for c in ids):
            raise ReviewError(f"review {fid!r}: claim_ids must be a list of ids")
        history = r.get("history", [])
        if not isinstance(history, list) or not all(isinstance(h, dict) for h in history):
            raise ReviewError(f"review {fid!r}: history must be a list of objects")
        if not _encodable([fid, r]):
            raise ReviewError(f"review {fid!r}: "
                              "text that is not valid Unicode (a lone surrogate)")
    return doc


def check_text(text: str, what: str) -> str:
    """``text`` if it can be stored as UTF-8, else ``ReviewError`` naming ``what`` (a note
    typed in a terminal set to another encoding carries undecodable bytes)."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise ReviewError(f"{what} is not valid UTF-8 text (an undecodable byte or a lone "
                          f"surrogate at position {exc.start}); nothing was recorded") from exc
    return text


def _encodable(obj: Any) -> bool:
    """True when ``obj`` (JSON values) can be written as UTF-8 JSON."""
    try:
        json.dumps(obj, ensure_ascii=False).encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def decide(
    doc: Mapping[str, Any], finding: Mapping[str, Any] | None, finding_id: str, status: str,
    note: str | None = None, by: str | None = None,
) -> dict[str, Any]:
    """A new reviews document with one more decision (history kept)."""
    if status not in STATUSES:
        raise ReviewError(f"unknown status {status!r}")
    if note is not None:
        check_text(note, "the note")
    reviews = dict(doc.get("reviews", {}))
    old = dict(reviews.get(finding_id, {}))
    entry: dict[str, Any] = {
        "status": status,
        "note": old.get("note", "") if note is None else note,
        "history": [*old.get("history", []),
                    {"at": datetime.now(UTC).isoformat(timespec="seconds"),
                     "by": by or _user(), "status": status,
                     "note": "" if note is None else note}],
    }
    src = finding or old
    for k in ("kind", "facet", "subject"):
        if k in src:
            entry[k] = src[k]
    if finding is not None:
        entry["claim_ids"] = sorted({v["claim_id"] for v in finding.get("values", [])})
    elif "claim_ids" in old:
        entry["claim_ids"] = old["claim_ids"]
    reviews[finding_id] = entry
    return {"schema": REVIEWS_SCHEMA, "reviews": reviews}


def merge(doc: Mapping[str, Any], incoming: Mapping[str, Any], by: str = "import") -> tuple[
        dict[str, Any], int]:
    """Merge an exported decisions file; returns the new document and how many changed."""
    validate(incoming)
    out: dict[str, Any] = {"schema": REVIEWS_SCHEMA, "reviews": dict(doc.get("reviews", {}))}
    changed = 0
    for fid, r in incoming["reviews"].items():
        old = out["reviews"].get(fid, {})
        if old.get("status") == r["status"] and old.get("note", "") == r.get("note", ""):
            continue
        out = decide(out, None, fid, r["status"], r.get("note", ""), by=by)
        changed += 1
    return out, changed


def blocking(findings: Sequence[Finding], kind: str) -> list[Finding]:
    """The findings ``--fail-on KIND`` counts: open or confirmed ones of that kind; for
    divergences only the ``likely`` ones (a ``possible`` divergence is folded in the report
    and does not fail a run)."""
    return [f for f in findings if f.kind == kind and f.review.status != "dismissed"
            and (kind != "diverge" or f.tier in (None, "likely"))]


def apply(findings: Sequence[Finding], doc: Mapping[str, Any]) -> list[Finding]:
    """Findings with their review status and note filled in from the decisions on file."""
    reviews: Mapping[str, Any] = doc.get("reviews", {})
    ids = {f.id for f in findings}
    # decisions whose finding id is gone: follow them to the best-overlapping finding
    orphans = {fid: r for fid, r in reviews.items() if fid not in ids and r.get("claim_ids")}
    carried: dict[str, tuple[float, str]] = {}
    for fid, r in orphans.items():
        old = set(r["claim_ids"])
        for f in findings:
            if f.kind != r.get("kind") or f.facet != r.get("facet") or f.id in reviews:
                continue
            new = {v.claim_id for v in f.values}
            overlap = len(old & new) / len(old) if old else 0.0
            if overlap >= 0.5 and overlap > carried.get(f.id, (0.0, ""))[0]:
                carried[f.id] = (overlap, fid)
    out = []
    for f in findings:
        r = reviews.get(f.id)
        note_extra = ""
        if r is None and f.id in carried:
            r = reviews[carried[f.id][1]]
            note_extra = f" (decision carried from finding {carried[f.id][1]})"
        if r is None:
            out.append(f)
            continue
        note = r.get("note", "") + note_extra
        out.append(replace(f, review=Review(status=r["status"], note=note)))
    return out


def parse_json(data: bytes, what: str) -> Any:
    """The JSON document in ``data``; ``ReviewError`` starting with ``what`` (``decisions
    file PATH``) when it is not UTF-8 JSON, is cut short or nests too deeply."""
    try:
        return json.loads(data.decode("utf-8"))
    except RecursionError as exc:
        raise ReviewError(f"{what}: cannot read (JSON nested too deeply)") from exc
    except ValueError as exc:  # not JSON, cut short, not UTF-8
        raise ReviewError(f"{what}: cannot read ({exc})") from exc


def match(findings: Sequence[Mapping[str, Any]], prefix: str) -> Mapping[str, Any] | None:
    """The one finding (of a report's ``findings``) whose id starts with ``prefix``; None when
    none does, ``ReviewError`` when several do."""
    found = [f for f in findings if f["id"].startswith(prefix)]
    if len(found) > 1:
        raise ReviewError(f"{prefix!r} matches {len(found)} findings; give more of the id")
    return found[0] if found else None


def apply_to_report(report: Mapping[str, Any], doc: Mapping[str, Any]) -> dict[str, Any]:
    """A written report (as a dict) with the decisions in ``doc`` in its findings' ``review``:
    what a listing shows after ``crosscheck review confirm``, before any re-run."""
    reviews: Mapping[str, Any] = doc.get("reviews", {})
    findings = []
    for f in report.get("findings", []):
        r = reviews.get(f.get("id"))
        if r:
            f = {**f, "review": {**(f.get("review") or {}), "status": r["status"],
                                 "note": r.get("note", ""), "history": r.get("history", [])}}
        findings.append(f)
    return {**report, "findings": findings}


def _user() -> str:
    try:
        return getpass.getuser()
    except Exception:
        return "unknown"
