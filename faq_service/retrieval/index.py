"""The retrieval index: every question, alternate and answer of the published entries, in both
languages, searchable densely (sentence vectors) and lexically (BM25), fused into one score."""
from __future__ import annotations

import threading
from dataclasses import dataclass, field

import numpy as np

from faq_service.retrieval.encoders import Encoder
from faq_service.retrieval.lexical import LexicalIndex
from faq_service.retrieval.text import normalize, tokenize


@dataclass(frozen=True)
class EntryDoc:
    """What the index needs of an entry: its id, version and texts per language."""

    faq_id: int
    version: int
    questions: dict[str, str]            # lang → canonical question
    alternates: dict[str, list[str]]     # lang → alternate questions
    answers: dict[str, str]              # lang → answer


@dataclass(frozen=True)
class Unit:
    faq_id: int
    lang: str
    kind: str  # question | alternate | answer
    text: str


@dataclass
class Hit:
    faq_id: int
    score: float
    dense: float
    lexical: float
    unit: Unit


@dataclass
class FusionWeights:
    """Per query language: weight of the dense score (the lexical one gets the rest), and the cosine
    range that maps dense similarity onto [0, 1]."""

    dense_weight: dict[str, float] = field(default_factory=lambda: {"th": 0.6, "en": 0.75})
    cos_floor: float = 0.75
    cos_ceiling: float = 0.95

    def fuse(self, lang: str, cos: np.ndarray, lex: np.ndarray) -> np.ndarray:
        dense = np.clip((cos - self.cos_floor) / (self.cos_ceiling - self.cos_floor), 0.0, 1.0)
        w = self.dense_weight.get(lang, 0.7)
        return w * dense + (1.0 - w) * lex


def units_of(doc: EntryDoc) -> list[Unit]:
    units = []
    for lang, text in doc.questions.items():
        units.append(Unit(doc.faq_id, lang, "question", text))
    for lang, texts in doc.alternates.items():
        units.extend(Unit(doc.faq_id, lang, "alternate", t) for t in texts if t)
    for lang, text in doc.answers.items():
        units.append(Unit(doc.faq_id, lang, "answer", text))
    return units


@dataclass(frozen=True)
class _Snapshot:
    units: tuple[Unit, ...]
    vectors: np.ndarray
    lexical: LexicalIndex
    docs: dict[int, EntryDoc]
    tokens: tuple[list[str], ...]
    entry_ids: tuple[int, ...]
    owner_index: np.ndarray

    @classmethod
    def build(cls, units, vectors, tokens, docs) -> "_Snapshot":
        entry_ids = tuple(dict.fromkeys(u.faq_id for u in units))
        position = {faq_id: j for j, faq_id in enumerate(entry_ids)}
        owners = np.array([position[u.faq_id] for u in units], dtype=np.int64)
        return cls(tuple(units), vectors, LexicalIndex(list(tokens)), docs, tuple(tokens), entry_ids,
                   owners)


class RetrievalIndex:
    """Incrementally updated: an upsert re-encodes only the changed entries' texts. Searches read an
    immutable snapshot, so an update never disturbs a search in flight."""

    def __init__(self, encoder: Encoder, weights: FusionWeights | None = None):
        self.encoder = encoder
        self.weights = weights or FusionWeights()
        self._write_lock = threading.Lock()
        self._snap = _Snapshot.build((), np.zeros((0, 1), np.float32), (), {})

    def __len__(self) -> int:
        return len(self._snap.docs)

    def doc(self, faq_id: int) -> EntryDoc | None:
        return self._snap.docs.get(faq_id)

    def upsert(self, docs: list[EntryDoc], remove_ids: set[int] | frozenset = frozenset()) -> None:
        with self._write_lock:
            old = self._snap
            changed = {d.faq_id for d in docs} | set(remove_ids)
            keep = [i for i, u in enumerate(old.units) if u.faq_id not in changed]
            new_units = [u for d in docs for u in units_of(d)]
            new_vecs = self._encode_units(new_units)
            if keep and len(new_units):
                vectors = np.vstack([old.vectors[keep], new_vecs])
            elif keep:
                vectors = old.vectors[keep]
            else:
                vectors = new_vecs
            units = tuple(old.units[i] for i in keep) + tuple(new_units)
            tokens = [old.tokens[i] for i in keep] + [tokenize(u.text) for u in new_units]
            doc_map = {k: v for k, v in old.docs.items() if k not in changed}
            doc_map.update({d.faq_id: d for d in docs})
            self._snap = _Snapshot.build(units, vectors, tokens, doc_map)

    def _encode_units(self, units: list[Unit]) -> np.ndarray:
        passages = [normalize(u.text) for u in units if u.kind == "answer"]
        questions = [normalize(u.text) for u in units if u.kind != "answer"]
        p_vecs = iter(self.encoder.encode_passages(passages)) if passages else iter(())
        q_vecs = iter(self.encoder.encode_queries(questions)) if questions else iter(())
        rows = [next(p_vecs) if u.kind == "answer" else next(q_vecs) for u in units]
        return np.vstack(rows).astype(np.float32) if rows else np.zeros((0, 1), np.float32)

    def search(self, query: str, query_vec: np.ndarray, lang: str, limit: int = 10) -> list[Hit]:
        """Entries ranked by fused score. An entry's dense and lexical scores are each the best over
        its texts (a query may echo an alternate's wording while its words sit in the answer)."""
        snap = self._snap
        if not snap.units:
            return []
        cos = snap.vectors @ np.asarray(query_vec, dtype=np.float32)
        lex = snap.lexical.scores(tokenize(query))
        owners = snap.owner_index
        n = len(snap.entry_ids)
        best_cos = np.full(n, -1.0, dtype=np.float32)
        best_lex = np.zeros(n, dtype=np.float32)
        np.maximum.at(best_cos, owners, cos)
        np.maximum.at(best_lex, owners, lex)
        fused = self.weights.fuse(lang, best_cos, best_lex)
        hits = []
        for j in np.argsort(-fused)[:limit]:
            faq_id = snap.entry_ids[j]
            mine = np.flatnonzero(owners == j)
            unit = snap.units[int(mine[np.argmax(cos[mine])])]
            hits.append(Hit(faq_id, float(fused[j]), float(best_cos[j]), float(best_lex[j]), unit))
        return hits
