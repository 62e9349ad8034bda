"""Confidence, calibrated on labelled data: how surely two values answer one question, and
how surely a value that differs is a divergence a fact-checker should look at.

Both are logistic models over a few general features (no word, string or page of any
corpus); their coefficients are package data (``data/calibration.json``), fitted by
``bench/calibrate.py`` on the value pairs of the labelled dev corpora, and checked there
corpus against corpus (fitted on one, measured on the other). A divergence is ``likely`` at
or above the ``likely`` threshold, ``possible`` at or above ``possible``, and not reported
as a divergence below.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

from crosscheck.slots import TYPO, PairFeatures


@cache
def _model() -> dict[str, Any]:
    raw = resources.files("crosscheck").joinpath("data", "calibration.json").read_text(
        encoding="utf-8")
    got: dict[str, Any] = json.loads(raw)
    return got


def _logistic(x: list[float], coef: list[float], intercept: float) -> float:
    z = intercept + sum(a * b for a, b in zip(x, coef, strict=True))
    return 1.0 / (1.0 + math.exp(-z))


def slot_features(p: PairFeatures) -> list[float]:
    ss = 1.0 if p.same_script else 0.0
    cos = (p.claim_cos - 0.85) * 10
    return [p.lex, p.anc, cos * ss, cos * (1 - ss), ss]


def slot_probability(p: PairFeatures, facet: str) -> float:
    """P(the two values answer one question)."""
    m = _model()["slot"]
    coef = m.get(facet) or m["number"]
    return _logistic(slot_features(p), coef["coef"], coef["intercept"])


@dataclass(frozen=True)
class DivergenceFeatures:
    facet: str
    p_slot: float  # of the best pair across the two sides
    relation: str  # how the values differ (slots.value_relation)
    n_minor: int  # articles giving the other value
    n_major: int  # articles giving the value most outlets give
    attested_elsewhere: int  # other articles giving the other value for another question
    same_script: bool
    same_article: bool


def divergence_features(d: DivergenceFeatures) -> list[float]:
    return [
        d.p_slot,
        1.0 if d.relation in TYPO else 0.0,
        1.0 if d.n_minor == 1 else 0.0,
        math.log1p(max(0, d.n_major - 1)),
        1.0 if d.attested_elsewhere >= 2 else 0.0,
        1.0 if d.same_script else 0.0,
        1.0 if d.same_article else 0.0,
    ]


def divergence_confidence(d: DivergenceFeatures) -> float:
    m = _model()["divergence"]
    return round(_logistic(divergence_features(d), m["coef"], m["intercept"]), 3)


def title_confidence(n_articles: int, n_clashing: int) -> float:
    """Titles clash when no title one outlet gives is compatible with one another gives."""
    return 0.75 if n_clashing >= 2 else 0.6


def instrument_confidence(dominant: dict[str, str]) -> float:
    return 0.8


def tier(confidence: float, facet: str) -> str | None:
    t = _model()["tiers"]
    if confidence >= t["likely"]:
        return "likely"
    if confidence >= t["possible"]:
        return "possible"
    return None
