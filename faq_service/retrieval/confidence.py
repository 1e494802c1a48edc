"""How likely the best entry is the one a question asks for, read from the ranking's own signals.

The answer threshold looks at one number, the fused score. A visitor's question about something the
knowledge base does not hold often scores as high as a real one: it shares the topic's words and
meaning, only not the detail asked. What tells them apart is spread over several signals at once: how
far the best entry leads the next ones, whether the dense, lexical and classifier orders agree on it,
how much of the question's wording the entry's texts hold, how close the nearest decline example is.
A logistic model over those signals (`SIGNALS`), fitted on labelled tuning questions by
bench/answer_confidence.py and kept as plain numbers in answer_confidence.json, turns them into a
probability; an answer below the minimum for the question's language (Settings.min_answer_confidence_th
and _en) is offered as a suggestion instead (retrieval/decision.py decide), so the visitor still reaches
it in one click.

The model knows score patterns, not questions or entries: it applies to any knowledge base scored
with the same encoders and weights, and is fitted again when those change."""
from __future__ import annotations

import json
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

import numpy as np
from sklearn.linear_model import LogisticRegression

from faq_service.retrieval.index import Hit

SIGNALS = (
    "score",                 # the best entry's fused score
    "lead",                  # its lead over the runner-up
    "lead_over_third",       # its lead over the third entry
    "dense",                 # its dense (sentence-vector) share
    "lexical",               # its lexical (BM25) share
    "classifier",            # the entry classifier's probability for it
    "classifier_lead",       # that probability's lead over the runner-up's
    "classifier_total",      # the classifier's probability summed over the ranked entries
    "lead_over_decline",     # its lead over the closest decline example
    "matched_answer",        # 1 when its best-matching text is an answer, not a question or alternate
    "thai",                  # 1 for a Thai question
    "question_length",       # log(1 + the question's lexical tokens)
    "coverage",              # the share of the question's tokens found in the entry's texts
    "dense_agrees",          # 1 when the dense order alone puts it first among the ranked entries
    "lexical_agrees",        # the same for the lexical order
    "classifier_agrees",     # the same for the classifier's order
    "close_entries",         # entries within 0.03 of its score, itself included
)
CLOSE = 0.03  # "close entries": within this much of the best score
RANKED = 10  # the ranked entries the signals read, whatever number of them a caller shows


def signals(hits: Sequence[Hit], decline: float, lang: str, question_tokens: Sequence[str],
            entry_tokens: frozenset[str]) -> list[float]:
    """The values of SIGNALS for a ranking's best entry (`hits`: the ranked entries, best first;
    `entry_tokens`: every lexical token of the best entry's texts)."""
    scores = [h.score for h in hits] + [0.0, 0.0]
    priors = [h.prior for h in hits] + [0.0]
    best = hits[0]
    covered = sum(t in entry_tokens for t in question_tokens) / max(len(question_tokens), 1)

    def first(values: list[float]) -> float:
        return float(int(np.argmax(values)) == 0)

    return [scores[0], scores[0] - scores[1], scores[0] - scores[2], best.dense, best.lexical, best.prior,
            priors[0] - priors[1], sum(h.prior for h in hits), scores[0] - decline,
            float(best.unit.kind in ("answer", "window")), float(lang == "th"),
            math.log1p(len(question_tokens)), covered, first([h.dense for h in hits]),
            first([h.lexical for h in hits]), first([h.prior for h in hits]),
            float(sum(s >= scores[0] - CLOSE for s in scores[:len(hits)]))]


@dataclass(frozen=True)
class ConfidenceModel:
    """A standardised logistic model: p = σ(intercept + Σ coef·(x − mean)/scale)."""

    mean: np.ndarray
    scale: np.ndarray
    coef: np.ndarray
    intercept: float

    def probability(self, values: Sequence[float]) -> float:
        z = self.intercept + float(np.dot(self.coef, (np.asarray(values) - self.mean) / self.scale))
        return 1.0 / (1.0 + math.exp(-z))

    @classmethod
    def fit(cls, rows: np.ndarray, right: np.ndarray, c: float = 1.0) -> "ConfidenceModel":
        """Fitted on one row of SIGNALS per question and whether its best entry was the one asked for."""
        mean = rows.mean(axis=0)
        scale = rows.std(axis=0)
        scale[scale == 0] = 1.0
        model = LogisticRegression(C=c, max_iter=3000).fit((rows - mean) / scale, right)
        return cls(mean, scale, model.coef_[0], float(model.intercept_[0]))

    def to_json(self) -> str:
        return json.dumps({"signals": list(SIGNALS), "mean": self.mean.round(6).tolist(),
                           "scale": self.scale.round(6).tolist(), "coef": self.coef.round(6).tolist(),
                           "intercept": round(self.intercept, 6)}, indent=1) + "\n"

    @classmethod
    def load(cls, path: Path | None) -> "ConfidenceModel | None":
        """The model in `path`; None without a path (no confidence check). A model fitted on other
        signals than these is refused: its numbers would mean nothing here."""
        if path is None:
            return None
        raw = json.loads(path.read_text(encoding="utf-8"))
        if tuple(raw["signals"]) != SIGNALS:
            raise ValueError(f"{path} was fitted on other signals: fit it again (bench/answer_confidence.py)")
        return cls(np.asarray(raw["mean"]), np.asarray(raw["scale"]), np.asarray(raw["coef"]),
                   float(raw["intercept"]))
