"""Decline examples: questions outside TCEB's remit (data/retrieval/decline_examples.yml).

A question about another agency's service, a venue's prices or a concert's tickets shares words and
topics with the knowledge base, so its best entry can score as high as a clumsily worded question that
the entry really answers. A fixed threshold cannot tell the two apart; what can is that the first is
even closer to a known out-of-scope question. The examples are scored exactly like an entry (each
encoder's calibrated similarity, averaged, fused with BM25 by the query's language) and the best one is
the question's decline score; the answer rule (retrieval/service.decide) then answers only when the
top entry beats it by the tuned margin."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import yaml

from faq_service.retrieval.encoders import Encoder
from faq_service.retrieval.lexical import LexicalIndex
from faq_service.retrieval.text import normalize, tokenize


def load_decline_examples(path: Path | None) -> list[str]:
    """The example questions of every language in the file; none when there is no file."""
    if path is None or not Path(path).is_file():
        return []
    data = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
    if not isinstance(data, dict):
        raise ValueError(f"{path}: expected a mapping of language → list of questions")
    return [str(text).strip() for texts in data.values() for text in texts or [] if str(text).strip()]


class DeclineExamples:
    def __init__(self, texts: list[str], encoders: list[Encoder]):
        self.texts = list(texts)
        self.names = [encoder.name for encoder in encoders]
        normalized = [normalize(t) for t in self.texts]
        # Encoded as queries: they are questions, compared with questions.
        self.vectors = [np.asarray(encoder.encode_queries(normalized), dtype=np.float32) if normalized
                        else np.zeros((0, 1), np.float32) for encoder in encoders]
        self.lexical = LexicalIndex([tokenize(t) for t in self.texts])

    def __len__(self) -> int:
        return len(self.texts)

    def score(self, query: str, query_vecs: list[np.ndarray], lang: str, weights) -> float:
        """The fused score of the closest example (0 when there are none)."""
        if not self.texts:
            return 0.0
        dense = np.zeros(len(self.texts), dtype=np.float32)
        for name, matrix, vec in zip(self.names, self.vectors, query_vecs):
            # numpy's own loop rather than BLAS, as in RetrievalIndex.search (no wait behind an encode).
            cos = np.einsum("ij,j->i", matrix, np.asarray(vec, dtype=np.float32))
            dense += weights.dense(name, cos) / len(self.names)
        lexical = self.lexical.scores(tokenize(query))
        return float(weights.fuse(lang, dense, lexical).max())
