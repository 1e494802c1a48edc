"""Answering: rank entries for a question, decide answered / suggested / declined, and keep the index
in step with the database (edits made by this or any other process sharing the database)."""
from __future__ import annotations

import hashlib
import logging
import threading
from dataclasses import dataclass, field

import numpy as np
from sqlalchemy import select

from faq_service.db import Database
from faq_service.faqs import service as faqs
from faq_service.retrieval.batching import BatchingQueryEncoder
from faq_service.retrieval.encoders import Encoder
from faq_service.retrieval.index import Hit, RetrievalIndex
from faq_service.retrieval.models import EmbeddingCache

log = logging.getLogger(__name__)


class CachedEncoder:
    """Wraps an encoder with the embedding_cache table for knowledge-base texts (not user queries)."""

    def __init__(self, encoder: Encoder, db: Database):
        self.inner = encoder
        self.name = encoder.name
        self.db = db

    def _cached(self, kind: str, texts: list[str], compute) -> np.ndarray:
        if not texts:
            return compute(texts)
        hashes = [hashlib.sha256(t.encode("utf-8")).hexdigest() for t in texts]
        with self.db.session() as s:
            rows = s.execute(select(EmbeddingCache.text_hash, EmbeddingCache.vector).where(
                EmbeddingCache.encoder == self.name, EmbeddingCache.kind == kind,
                EmbeddingCache.text_hash.in_(set(hashes)))).all()
        found = {h: np.frombuffer(v, dtype=np.float32) for h, v in rows}
        missing = list(dict.fromkeys(i for i, h in enumerate(hashes) if h not in found))
        if missing:
            vectors = compute([texts[i] for i in missing])
            new = {}
            for i, vec in zip(missing, vectors):
                found[hashes[i]] = np.asarray(vec, dtype=np.float32)
                new[hashes[i]] = found[hashes[i]]
            self._store(kind, new)
        return np.vstack([found[h] for h in hashes])

    def _store(self, kind: str, vectors: dict[str, np.ndarray]) -> None:
        try:
            with self.db.session() as s:
                known = set(s.scalars(select(EmbeddingCache.text_hash).where(
                    EmbeddingCache.encoder == self.name, EmbeddingCache.kind == kind,
                    EmbeddingCache.text_hash.in_(list(vectors)))))
                s.add_all(EmbeddingCache(encoder=self.name, kind=kind, text_hash=h, vector=v.tobytes())
                          for h, v in vectors.items() if h not in known)
        except Exception:  # another replica stored the same vectors first; the cache is only a cache
            log.info("embedding cache write skipped", exc_info=True)

    def encode_queries(self, texts: list[str]) -> np.ndarray:
        return self._cached("query", texts, self.inner.encode_queries)

    def encode_passages(self, texts: list[str]) -> np.ndarray:
        return self._cached("passage", texts, self.inner.encode_passages)


@dataclass
class Decision:
    outcome: str  # answered | suggested | declined
    hits: list[Hit]
    suggestions: list[Hit] = field(default_factory=list)

    @property
    def top(self) -> Hit | None:
        return self.hits[0] if self.hits else None


def decide(hits: list[Hit], answer_threshold: float, suggest_threshold: float,
           max_suggestions: int) -> Decision:
    """Above the answer threshold: answered. Between the thresholds: up to `max_suggestions`
    "did you mean" entries. Below: declined."""
    if hits and hits[0].score >= answer_threshold:
        return Decision("answered", hits)
    suggestions = [h for h in hits if h.score >= suggest_threshold][:max_suggestions]
    return Decision("suggested" if suggestions else "declined", hits, suggestions)


class KnowledgeIndex:
    """The index of published entries plus the loop that keeps it current."""

    def __init__(self, db: Database, encoder: Encoder):
        self.db = db
        self.index = RetrievalIndex(CachedEncoder(encoder, db))
        self.queries = BatchingQueryEncoder(encoder)
        self.seen_seq = -1
        self.ready = threading.Event()
        self._sync_lock = threading.Lock()

    def sync(self) -> int:
        """Load entries changed since the last sync; returns how many changed."""
        with self._sync_lock:
            with self.db.session() as s:
                version = faqs.kb_version(s)
                if version <= self.seen_seq:
                    return 0
                changed = faqs.entries_changed_since(s, self.seen_seq)
                published = [faqs.to_doc(e) for e in changed if e.status == "published" and e.languages()]
                gone = {e.id for e in changed} - {d.faq_id for d in published}
            self.index.upsert(published, gone)
            self.seen_seq = version
            self.ready.set()
            return len(changed)

    async def search(self, question: str, lang: str, limit: int = 10) -> list[Hit]:
        vector = await self.queries.encode(question)
        return self.index.search(question, vector, lang, limit)
