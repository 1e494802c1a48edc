"""The entry classifier: a logistic regression from a question's sentence vectors to the entry it asks
for, trained on the knowledge base's own texts (each entry's questions, alternates and answers), with
the decline examples as one more class.

Nearest-text similarity treats every dimension of the vectors alike, so two neighbouring entries (the
phone number and all contact channels; the tax overview and one tax case) score nearly the same for a
question that mentions what they share. A classifier trained on all phrasings of all entries at once
learns which directions tell such neighbours apart. It only orders the entries
(FusionWeights.classifier_weight, retrieval/index.py); the confidence stays the fused similarity, so
the thresholds keep their meaning. Trained again whenever the entries or the decline examples change
(a fraction of a second for the sample knowledge base)."""
from __future__ import annotations

import warnings

import numpy as np
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import LogisticRegression

DECLINE = 0  # the decline examples' class; entry ids are positive, a decline example's id is not used


def _features(vectors: list[np.ndarray]) -> np.ndarray:
    """One row per text or question: the encoders' vectors side by side."""
    return np.hstack([np.asarray(v, dtype=np.float32) for v in vectors])


class EntryClassifier:
    def __init__(self, model: LogisticRegression):
        self.model = model
        self._column = {int(c): k for k, c in enumerate(model.classes_)}

    @classmethod
    def fit(cls, vectors: list[np.ndarray], entry_ids: np.ndarray, decline_vectors: list[np.ndarray],
            c: float) -> "EntryClassifier | None":
        """`vectors`: one matrix per encoder, a row per text of an entry (`entry_ids`, the row's entry);
        `decline_vectors`: the same for the decline examples. None when there are not two classes."""
        rows = [_features(vectors)] if len(entry_ids) else []
        labels = [np.asarray(entry_ids, dtype=np.int64)] if len(entry_ids) else []
        if decline_vectors and len(decline_vectors[0]):
            rows.append(_features(decline_vectors))
            labels.append(np.full(len(decline_vectors[0]), DECLINE, dtype=np.int64))
        if not labels or len(np.unique(np.concatenate(labels))) < 2:
            return None
        model = LogisticRegression(C=c, max_iter=3000)
        with warnings.catch_warnings():  # a barely converged fit still orders entries well enough
            warnings.simplefilter("ignore", ConvergenceWarning)
            model.fit(np.vstack(rows), np.concatenate(labels))
        return cls(model)

    def probabilities(self, query_matrices: list[np.ndarray], entry_ids: tuple[int, ...]) -> np.ndarray:
        """Per query (`query_matrices`: one queries × dimensions matrix per encoder, as search_many
        stacks them for its cosines) and per entry in `entry_ids`, the probability that the query asks
        for that entry; 0 for an entry the classifier has not been trained on yet."""
        proba = self.model.predict_proba(_features(query_matrices))
        out = np.zeros((len(proba), len(entry_ids)), dtype=np.float32)
        for j, faq_id in enumerate(entry_ids):
            k = self._column.get(int(faq_id))
            if k is not None:
                out[:, j] = proba[:, k]
        return out
