"""The retrieval index: every question, alternate and answer of the published entries, in both
languages, searchable densely (one vector per encoder) and lexically (BM25), fused into one score."""
from __future__ import annotations

import re
import threading
from dataclasses import dataclass, field, replace
from typing import Callable

import numpy as np

from faq_service.retrieval.encoders import Encoder
from faq_service.retrieval.lexical import LexicalIndex
from faq_service.core.text import normalize
from faq_service.retrieval.text import char_ngrams, tokenize


@dataclass(frozen=True)
class EntryDoc:
    """What the index needs of an entry: its id, version and texts per language."""

    faq_id: int
    version: int
    questions: dict[str, str]            # lang → canonical question
    alternates: dict[str, list[str]]     # lang → alternate questions
    answers: dict[str, str]              # lang → answer
    # What the answer's figures are for (years, figure, organisation; docs/kb-format.md), or None.
    scope: dict | None = None

    def texts(self) -> list[str]:
        """Its questions, alternates and answers, in every language."""
        return [*self.questions.values(), *(a for alts in self.alternates.values() for a in alts),
                *self.answers.values()]


@dataclass(frozen=True)
class Unit:
    faq_id: int
    lang: str
    kind: str  # question | alternate | answer | window (a stretch of a long answer)
    text: str


@dataclass
class Hit:
    faq_id: int
    score: float
    dense: float
    lexical: float
    unit: Unit
    prior: float = 0.0  # the entry classifier's probability, when it took part in the order


@dataclass
class FusionWeights:
    """Per query language, the dense score's weight (the lexical score gets the rest); per encoder, the
    cosine range mapped onto [0, 1]. The defaults here are neutral (equal shares, raw cosines); the
    values tuned on bench/heldout live in one place, Settings (faq_service/core/settings.py), which
    FusionWeights.of(settings) reads for the service and the benchmarks."""

    dense_weight: dict[str, float] = field(default_factory=dict)        # missing language: 0.5
    calibration: dict[str, tuple[float, float]] = field(default_factory=dict)  # missing encoder: (0, 1)
    # Answers longer than this many characters are also indexed as overlapping windows of about this
    # size (whole sentences or clauses, half a window apart), so a question about one detail of a long
    # answer meets a text about that detail. 0: off.
    passage_windows: int = 0
    # An entry's score for a query: its best text's, or (share > 0) that blended with the mean of its
    # next `runner_ups` texts: an entry whose several phrasings all fit the question is likelier the
    # one asked for than an entry with one text that happens to share its words. 0: the best alone.
    runner_up_share: float = 0.0
    runner_ups: int = 4
    # The runner-up share a document passage is scored with (for_passages). A passage's texts are
    # the passage and its windows, each about another part of it: a question about one clause meets
    # one window, and blending in the others only lowers long passages against short ones.
    passage_runner_up_share: float = 0.0
    # The entry classifier's share in the order of the entries (retrieval/classifier.py); the score
    # (the confidence) stays the fused similarity. 0: no classifier. classifier_c: its regularisation.
    classifier_weight: float = 0.0
    classifier_c: float = 10.0
    # A text's lexical score is the higher of its word BM25 and this factor × its character-trigram
    # BM25, which still matches a misspelt word by most of its letters (retrieval/text.py char_ngrams):
    # a question spelt right keeps its word score. 0: words alone.
    char_weight: float = 0.0

    @classmethod
    def of(cls, settings) -> "FusionWeights":
        """The weights the settings (core/settings.py) name."""
        return cls({"th": settings.dense_weight_th, "en": settings.dense_weight_en}, dict(settings.calibration),
                   passage_windows=settings.passage_windows, runner_up_share=settings.runner_up_share,
                   runner_ups=settings.runner_ups, classifier_weight=settings.classifier_weight,
                   classifier_c=settings.classifier_c, char_weight=settings.char_ngram_weight,
                   passage_runner_up_share=settings.passage_runner_up_share)

    def for_passages(self) -> "FusionWeights":
        """These weights as document passages are scored with them (retrieval/passages.py)."""
        return replace(self, runner_up_share=self.passage_runner_up_share)

    def dense(self, encoder: str, cos: np.ndarray) -> np.ndarray:
        floor, ceiling = self.calibration.get(encoder, (0.0, 1.0))
        return np.clip((cos - floor) / (ceiling - floor), 0.0, 1.0)

    def fuse(self, langs: list[str], dense: np.ndarray, lex: np.ndarray) -> np.ndarray:
        """Row i of the score matrices belongs to a query in langs[i]."""
        w = np.array([self.dense_weight.get(lang, 0.5) for lang in langs], dtype=np.float32)[:, None]
        return w * dense + (1.0 - w) * lex


# Where a long answer may be cut: after a sentence's full stop, at a run of spaces, and at a space
# between Thai letters (Thai writes a space where English ends a clause or a sentence).
_BREAK = re.compile(r"(?<=[.!?\u0e2f\u0e5a\u0e5b])\s+|\s{2,}|\n+|(?<=[\u0e00-\u0e7f])\s+(?=[\u0e00-\u0e7f])")


def windows_of(text: str, size: int) -> list[str]:
    """Overlapping stretches of about `size` characters made of whole pieces, each starting half a
    window after the previous one; none for a text of at most 1.5 × size."""
    if size <= 0 or len(text) <= 1.5 * size:
        return []
    pieces = [p for p in _BREAK.split(text) if p and p.strip()]
    out, start, last_end = [], 0, 0
    while start < len(pieces):
        end, length = start, 0
        while end < len(pieces) and (end <= last_end or length + len(pieces[end]) <= size):
            length += len(pieces[end]) + 1
            end += 1
        out.append(" ".join(pieces[start:end]))
        last_end = end
        if end >= len(pieces):
            break
        half, step = 0, start
        while step < end - 1 and half + len(pieces[step]) < length / 2:
            half += len(pieces[step]) + 1
            step += 1
        start = max(step, start + 1)
    return out


def units_of(doc: EntryDoc, windows: int = 0) -> list[Unit]:
    units = []
    for lang, text in doc.questions.items():
        units.append(Unit(doc.faq_id, lang, "question", text))
    for lang, texts in doc.alternates.items():
        units.extend(Unit(doc.faq_id, lang, "alternate", t) for t in texts if t)
    for lang, text in doc.answers.items():
        units.append(Unit(doc.faq_id, lang, "answer", text))
        units.extend(Unit(doc.faq_id, lang, "window", w) for w in windows_of(text, windows))
    return units


@dataclass(frozen=True)
class _Snapshot:
    units: tuple[Unit, ...]           # grouped by entry: entry j's texts are rows starts[j]:starts[j+1]
    vectors: tuple[np.ndarray, ...]   # one matrix per encoder, rows aligned with units
    lexical: LexicalIndex
    docs: dict[int, EntryDoc]
    tokens: tuple[list[str], ...]
    entry_ids: tuple[int, ...]
    starts: np.ndarray                # len(entry_ids) + 1 offsets into units
    padded: np.ndarray                # entries × most texts: entry j's text rows, then len(units) (none)
    # BM25 over each text's character trigrams, made and built at their first use (only when the
    # weights give the trigrams a share: an edit or an import need not wait for an index nobody reads).
    _chars: list = field(default_factory=list)

    def chars(self) -> LexicalIndex:
        if not self._chars:
            self._chars.append(LexicalIndex([char_ngrams(u.text) for u in self.units]))
        return self._chars[0]

    @classmethod
    def build(cls, units, vectors, tokens, docs) -> "_Snapshot":
        entry_ids = tuple(dict.fromkeys(u.faq_id for u in units))
        position = {faq_id: j for j, faq_id in enumerate(entry_ids)}
        owners = np.array([position[u.faq_id] for u in units], dtype=np.int64)
        # Each entry's texts side by side (a stable sort keeps their order), so an entry's best score
        # is one np.maximum.reduceat over all entries, not a per-element ufunc.at.
        order = np.argsort(owners, kind="stable")
        units = [units[i] for i in order]
        vectors = [matrix[order] if len(matrix) else matrix for matrix in vectors]
        tokens = [tokens[i] for i in order]
        starts = np.searchsorted(owners[order], np.arange(len(entry_ids) + 1))
        sizes = np.diff(starts)
        width = int(sizes.max()) if len(sizes) else 0
        padded = np.full((len(entry_ids), width), len(units), dtype=np.int64)
        for j, (start, size) in enumerate(zip(starts[:-1], sizes)):
            padded[j, :size] = np.arange(start, start + size)
        return cls(tuple(units), tuple(vectors), LexicalIndex(list(tokens)), docs, tuple(tokens),
                   entry_ids, starts, padded)

    def best_per_entry(self, values: np.ndarray) -> np.ndarray:
        """Per entry, the highest of its texts' values (every entry has at least one text); for a
        matrix, per row."""
        return np.maximum.reduceat(values, self.starts[:-1], axis=-1) if values.shape[-1] else values

    def score_per_entry(self, values: np.ndarray, weights: FusionWeights) -> np.ndarray:
        """Per row and entry, the best text's value, blended (weights.runner_up_share) with the mean
        of the next weights.runner_ups texts' values; an entry with a single text keeps its best."""
        share = weights.runner_up_share
        if not share or not values.shape[-1]:
            return self.best_per_entry(values)
        none = np.full(values.shape[:-1] + (1,), np.nan, dtype=values.dtype)
        ranked = -np.sort(-np.concatenate([values, none], axis=-1)[..., self.padded], axis=-1)
        best, runners = ranked[..., 0], ranked[..., 1:1 + weights.runner_ups]
        counted = (~np.isnan(runners)).sum(axis=-1)
        runner_mean = np.nansum(runners, axis=-1) / np.maximum(counted, 1)
        return np.where(counted > 0, (1.0 - share) * best + share * runner_mean, best)

    def texts_of(self, j: int) -> slice:
        return slice(int(self.starts[j]), int(self.starts[j + 1]))


class RetrievalIndex:
    """Incrementally updated: an upsert re-encodes only the changed entries' texts. Searches read an
    immutable snapshot, so an update never disturbs a search in flight."""

    def __init__(self, encoders: list[Encoder], weights: FusionWeights | None = None):
        self.encoders = encoders
        self.weights = weights or FusionWeights()
        self._write_lock = threading.Lock()
        # Texts handed to the encoders by upserts since this index was made (the embedding cache answers
        # those it has): what an update cost, and proof that unchanged entries were not encoded again.
        self.texts_encoded = 0
        empty = tuple(np.zeros((0, 1), np.float32) for _ in encoders)
        self._snap = _Snapshot.build((), empty, (), {})

    def __len__(self) -> int:
        return len(self._snap.docs)

    def doc(self, faq_id: int) -> EntryDoc | None:
        return self._snap.docs.get(faq_id)

    def upsert(self, docs: list[EntryDoc], remove_ids: set[int] | frozenset = frozenset()) -> None:
        with self._write_lock:
            old = self._snap
            changed = {d.faq_id for d in docs} | set(remove_ids)
            keep = [i for i, u in enumerate(old.units) if u.faq_id not in changed]
            new_units = [u for d in docs for u in units_of(d, self.weights.passage_windows)]
            self.texts_encoded += len(new_units)
            vectors = []
            for encoder, old_vecs in zip(self.encoders, old.vectors):
                new_vecs = _encode_units(encoder, new_units)
                parts = [m for m in (old_vecs[keep] if keep else None, new_vecs) if m is not None and len(m)]
                vectors.append(np.vstack(parts) if parts else np.zeros((0, 1), np.float32))
            units = tuple(old.units[i] for i in keep) + tuple(new_units)
            tokens = [old.tokens[i] for i in keep] + [tokenize(u.text) for u in new_units]
            doc_map = {k: v for k, v in old.docs.items() if k not in changed}
            doc_map.update({d.faq_id: d for d in docs})
            self._snap = _Snapshot.build(units, vectors, tokens, doc_map)

    def training_rows(self) -> tuple[list[np.ndarray], np.ndarray]:
        """Every indexed text's vectors (one matrix per encoder) and the id of the entry it belongs to."""
        snap = self._snap
        return list(snap.vectors), np.array([u.faq_id for u in snap.units], dtype=np.int64)

    def encode_query(self, query: str) -> list[np.ndarray]:
        return [encoder.encode_queries([normalize(query)])[0] for encoder in self.encoders]

    def search(self, query: str, query_vecs: list[np.ndarray], lang: str, limit: int = 10) -> list[Hit]:
        """Entries ranked by fused score. An entry's dense and lexical scores are each the best over
        its texts (a query may echo an alternate's wording while its words sit in the answer)."""
        return self.search_many([query], [query_vecs], [lang], limit)[0]

    def search_many(self, queries: list[str], query_vecs: list[list[np.ndarray]], langs: list[str],
                    limit: int = 10, tokens: list[list[str]] | None = None,
                    prior: Callable[[list[np.ndarray], tuple[int, ...]], np.ndarray] | None = None,
                    ) -> list[list[Hit]]:
        """search() for several queries at once, with one matrix product per encoder for all of them
        (`tokens`: the queries' tokens, when the caller has them already). `prior(query_matrices,
        entry_ids)`, given one queries × dimensions matrix per encoder: per query and entry, a
        probability that the query asks for the entry (the entry classifier), added with
        weights.classifier_weight to the fused score to order the entries; each hit's score stays the
        fused one."""
        snap = self._snap
        if not snap.units or not queries:
            return [[] for _ in queries]
        dense = np.zeros((len(queries), len(snap.entry_ids)), dtype=np.float32)
        query_matrices = [np.stack([np.asarray(vecs[e], dtype=np.float32) for vecs in query_vecs])
                          for e in range(len(self.encoders))]
        first_cos = None
        for encoder, matrix, query_matrix in zip(self.encoders, snap.vectors, query_matrices):
            cos = _cosines(query_matrix, matrix)
            first_cos = cos if first_cos is None else first_cos
            per_entry = snap.score_per_entry(cos, self.weights)
            dense += self.weights.dense(encoder.name, per_entry) / len(self.encoders)
        tokens = tokens if tokens is not None else [tokenize(q) for q in queries]
        per_text = np.stack([snap.lexical.scores(t) for t in tokens])
        if self.weights.char_weight:
            chars = snap.chars()
            grams = np.stack([chars.scores(char_ngrams(q)) for q in queries])
            per_text = np.maximum(per_text, self.weights.char_weight * grams)
        lex = snap.score_per_entry(per_text, self.weights)
        fused = self.weights.fuse(langs, dense, lex)
        order_by, priors = fused, np.zeros_like(fused)
        if prior is not None and self.weights.classifier_weight:
            priors = prior(query_matrices, snap.entry_ids)
            order_by = fused + self.weights.classifier_weight * priors
        out = []
        for i, order in enumerate(np.argsort(-order_by, axis=1)[:, :limit]):
            hits = []
            for j in order:
                mine = snap.texts_of(j)
                unit = snap.units[mine.start + int(np.argmax(first_cos[i, mine]))]
                hits.append(Hit(snap.entry_ids[j], float(fused[i, j]), float(dense[i, j]), float(lex[i, j]),
                                unit, float(priors[i, j])))
            out.append(hits)
        return out


def _cosines(queries: np.ndarray, matrix: np.ndarray) -> np.ndarray:
    """queries × texts. One query: numpy's own loop, not BLAS. OpenBLAS serialises calls from
    different threads, so a BLAS product on the event loop would wait for the whole of a concurrent
    batch encode (seen in profiles). A batch is ranked on the encode thread itself, where BLAS waits
    for no one."""
    if len(queries) == 1:
        return np.einsum("ij,j->i", matrix, queries[0])[None, :]
    return queries @ matrix.T


def encode_ahead(encoders: list[Encoder], docs: list[EntryDoc], windows: int) -> None:
    """Encode what upsert() would encode for `docs`, and drop the vectors: with cached encoders this
    fills the cache ahead (in another, lower-priority process), so that the index's own upsert reads
    every vector from the cache instead of encoding beside the questions it answers."""
    units = [u for d in docs for u in units_of(d, windows)]
    for encoder in encoders:
        _encode_units(encoder, units)


def _encode_units(encoder: Encoder, units: list[Unit]) -> np.ndarray:
    """Answers (and their windows) are encoded as passages, questions and alternates as queries (E5's
    two roles)."""
    if not units:
        return np.zeros((0, 1), np.float32)
    rows: list = [None] * len(units)
    passage = ("answer", "window")
    for kind, method in (("answer", encoder.encode_passages), ("question", encoder.encode_queries)):
        idx = [i for i, u in enumerate(units) if (u.kind in passage) == (kind == "answer")]
        if idx:
            for i, vec in zip(idx, method([normalize(units[i].text) for i in idx])):
                rows[i] = vec
    return np.vstack(rows).astype(np.float32)
