"""BM25 over tokenised texts (bm25s), with a score normalised to [0, 1] for fusion."""
from __future__ import annotations

import math
from collections import Counter

import bm25s
import numpy as np


class LexicalIndex:
    """BM25 over a fixed list of token lists; rebuilt whole (cheap: a few ms for thousands of texts)."""

    def __init__(self, docs: list[list[str]]):
        self.size = len(docs)
        self._df = Counter(tok for doc in docs for tok in set(doc))
        self._bm25 = bm25s.BM25()
        # bm25s cannot index an empty corpus or empty documents; a placeholder token keeps rows aligned.
        self._bm25.index([doc or ["\u2205"] for doc in docs] or [["\u2205"]], show_progress=False)

    def idf(self, token: str) -> float:
        """Lucene's BM25 idf, the variant bm25s scores with; an unseen token gets the highest idf."""
        df = self._df.get(token, 0)
        return math.log(1 + (self.size - df + 0.5) / (df + 0.5))

    def scores(self, query_tokens: list[str]) -> np.ndarray:
        """Per-document BM25 divided by the query's ideal score: every query term once in a document of
        average length, where Lucene's BM25 (no (k1+1) factor) weighs a term idf / (1 + k1). So 1.0
        means every query word matched."""
        if not self.size or not query_tokens:
            return np.zeros(self.size, dtype=np.float32)
        raw = np.asarray(self._bm25.get_scores(list(query_tokens)), dtype=np.float32)[: self.size]
        ideal = sum(self.idf(tok) for tok in query_tokens) / (1.0 + self._bm25.k1)
        return np.clip(raw / max(ideal, 1e-6), 0.0, 1.0)
