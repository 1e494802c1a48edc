"""Decline examples: questions outside TCEB's remit (data/retrieval/decline_examples.yml).

A question about another agency's service, a venue's prices or a concert's tickets shares words and
topics with the knowledge base, so its best entry can score as high as a clumsily worded question that
the entry really answers. A fixed threshold cannot tell the two apart; what can is that the first is
even closer to a known out-of-scope question. Each example is indexed as an entry of its own (a
RetrievalIndex beside the knowledge base's, sharing its encoders and fusion weights), so it is scored
exactly like an entry; the best one's score is the question's decline score, and the answer rule
(retrieval/service.decide) answers only when the top entry beats it by the tuned margin."""
from __future__ import annotations

from pathlib import Path

import yaml

from faq_service.retrieval.index import EntryDoc
from faq_service.retrieval.text import detect_lang


def load_decline_examples(path: Path | None) -> list[str]:
    """The example questions of every language in the file; none when there is no file."""
    if path is None or not Path(path).is_file():
        return []
    data = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
    if not isinstance(data, dict):
        raise ValueError(f"{path}: expected a mapping of language → list of questions")
    return [str(text).strip() for texts in data.values() for text in texts or [] if str(text).strip()]


def decline_docs(texts: list[str]) -> list[EntryDoc]:
    """Each example as an entry with only a question (ids are positions, not knowledge-base ids)."""
    return [EntryDoc(i, 1, {detect_lang(text): text}, {}, {}) for i, text in enumerate(texts, start=1)]
