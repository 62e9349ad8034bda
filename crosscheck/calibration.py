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

from crosscheck.slots import PairFeatures

_OVERRIDE: list[dict[str, Any]] = []


def use_model(model: dict[str, Any] | None) -> None:
    """Use ``model`` instead of the packaged coefficients (``bench/calibrate.py`` while it
    fits); ``None`` goes back to the package data."""
    _OVERRIDE[:] = [model] if model is not None else []


def _model() -> dict[str, Any]:
    return _OVERRIDE[0] if _OVERRIDE else _packaged()


@cache
def _packaged() -> dict[str, Any]:
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
    return [p.lex, p.anc, cos * ss, cos * (1 - ss), ss, 1.0 if p.mutual else 0.0,
            1.0 if p.head > 0 else 0.0, 1.0 if p.head < 0 else 0.0]


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
    minor_states_major: bool = False  # the other value's article also gives the main one
    margin: float = 0.0  # p_slot minus the value's affinity to the outlets agreeing with it
    relative: bool = False  # a date resolved from the article's day (19일, Friday, the 18th)
    anchors: float = 0.0  # the best pair's shared anchors (a range's other end, a name)
    mutual: bool = False  # the best pair's claims are each other's closest
    own_arithmetic: bool = False  # the other value's own change works out to the main one


STRONG_SLIPS = ("scale", "digits", "year", "month")
"""How a miscopied value usually differs from the right one: a power of ten, a digit, the
year or the month of an otherwise equal date. One day apart is weaker evidence: events of
one story often fall on consecutive days."""


def divergence_features(d: DivergenceFeatures) -> dict[str, float]:
    """The features of a candidate divergence, by name (see ``data/calibration.json``)."""
    return {
        "p_slot": d.p_slot,
        "margin": max(-0.5, min(0.5, d.margin)),
        "strong_slip": 1.0 if d.relation in STRONG_SLIPS else 0.0,
        "day_slip": 1.0 if d.relation == "day" else 0.0,
        # one article giving one question two values: a slip when they differ like one
        "self_contradiction": 1.0 if d.same_article and d.relation in STRONG_SLIPS else 0.0,
        "same_article_other_figure": 1.0 if d.same_article and d.relation not in STRONG_SLIPS
        else 0.0,
        "both_established": 1.0 if d.n_minor >= 2 and d.n_major >= 2 else 0.0,
        # an article that contradicts itself on one question: that its value answers another
        # question elsewhere says nothing against it
        "established_elsewhere": 1.0 if d.attested_elsewhere >= 2 and not d.same_article
        else 0.0,
        "article_also_states_other": 1.0 if d.minor_states_major else 0.0,
        "cross_script": 0.0 if d.same_script else 1.0,
        "relative_date": 1.0 if d.relative else 0.0,
        "shared_anchors": d.anchors,
        # the outlet's own figures give the other side's value (3 servers, then 18 more to
        # 23: its own 23 - 18 is the 5 others state): a miscopy, as telling as a slip
        "own_arithmetic": 1.0 if d.own_arithmetic else 0.0,
    }


def divergence_score(d: DivergenceFeatures) -> float:
    """The evidence for a divergence, as a weighted sum of its features."""
    w = _model()["divergence"]["weights"]
    return float(sum(float(w[k]) * v for k, v in divergence_features(d).items()))


def divergence_confidence(d: DivergenceFeatures) -> float:
    """P(a fact-checker would confirm it): the score through the fitted logistic (Platt)."""
    a, b = _model()["divergence"]["platt"]
    return round(1.0 / (1.0 + math.exp(-(a * divergence_score(d) + b))), 3)


def title_confidence(n_articles: int, n_clashing: int, n_inner: int = 0) -> float:
    """Titles clash when no title one outlet gives is compatible with one another gives
    (the per-facet prior of ``data/calibration.json``)."""
    return float(_model().get("priors", {}).get("title", 0.6))


def instrument_confidence(dominant: dict[str, str]) -> float:
    return float(_model().get("priors", {}).get("document_type", 0.6))


def prior(facet: str) -> float:
    """The confidence of a finding not built from slots: the share of that facet's reported
    divergences that were right on the labelled corpora (smoothed)."""
    return float(_model().get("priors", {}).get(facet, 0.5))


def tier(confidence: float, facet: str) -> str | None:
    t = _model()["tiers"]
    if confidence >= t["likely"]:
        return "likely"
    if confidence >= t["possible"]:
        return "possible"
    return None
