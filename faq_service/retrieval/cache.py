"""Sentence vectors of knowledge-base texts, kept in a local SQLite file keyed by encoder, role and
text hash: a restart, a second process or a fresh test database does not encode the same text twice."""
from __future__ import annotations

import hashlib
import logging
import sqlite3
from pathlib import Path

import numpy as np

from faq_service.retrieval.encoders import Encoder

log = logging.getLogger(__name__)


class EmbeddingCache:
    def __init__(self, path: Path):
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        with self._connect() as conn:
            conn.execute("CREATE TABLE IF NOT EXISTS vectors (encoder TEXT, kind TEXT, hash TEXT, vector BLOB, "
                         "PRIMARY KEY (encoder, kind, hash))")

    def _connect(self) -> sqlite3.Connection:
        conn = sqlite3.connect(self.path, timeout=30)
        conn.execute("PRAGMA journal_mode=WAL")
        return conn

    def get(self, encoder: str, kind: str, hashes: list[str]) -> dict[str, np.ndarray]:
        found: dict[str, np.ndarray] = {}
        with self._connect() as conn:
            for start in range(0, len(hashes), 500):
                chunk = hashes[start:start + 500]
                marks = ",".join("?" * len(chunk))
                rows = conn.execute(f"SELECT hash, vector FROM vectors WHERE encoder=? AND kind=? AND hash IN ({marks})",
                                    [encoder, kind, *chunk])
                found.update((h, np.frombuffer(v, dtype=np.float32)) for h, v in rows)
        return found

    def put(self, encoder: str, kind: str, vectors: dict[str, np.ndarray]) -> None:
        try:
            with self._connect() as conn:
                conn.executemany("INSERT OR IGNORE INTO vectors VALUES (?, ?, ?, ?)",
                                 [(encoder, kind, h, np.asarray(v, np.float32).tobytes()) for h, v in vectors.items()])
        except sqlite3.Error:  # a cache that cannot be written only costs speed
            log.warning("embedding cache write failed", exc_info=True)


class CachedEncoder:
    """An encoder whose knowledge-base vectors come from the cache when it has them."""

    def __init__(self, encoder: Encoder, cache: EmbeddingCache):
        self.inner = encoder
        self.name = encoder.name
        self.cache = cache

    def _cached(self, kind: str, texts: list[str], compute) -> np.ndarray:
        if not texts:
            return compute(texts)
        hashes = [hashlib.sha256(t.encode("utf-8")).hexdigest() for t in texts]
        found = self.cache.get(self.name, kind, list(set(hashes)))
        missing = list(dict.fromkeys(i for i, h in enumerate(hashes) if h not in found))
        if missing:
            fresh = {hashes[i]: np.asarray(v, np.float32) for i, v in zip(missing, compute([texts[i] for i in missing]))}
            self.cache.put(self.name, kind, fresh)
            found.update(fresh)
        return np.vstack([found[h] for h in hashes])

    def encode_queries(self, texts: list[str]) -> np.ndarray:
        return self._cached("query", texts, self.inner.encode_queries)

    def encode_passages(self, texts: list[str]) -> np.ndarray:
        return self._cached("passage", texts, self.inner.encode_passages)
