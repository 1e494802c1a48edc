"""Answering: rank entries for a question, decide answered / suggested / declined, and keep the index
in step with the database (edits made by this or any other process sharing the database)."""
from __future__ import annotations

import logging
import threading
from functools import lru_cache
from pathlib import Path
from typing import Protocol

from sqlalchemy.orm import Session

from faq_service.core.db import Database
from faq_service.retrieval.batching import BatchingQueryEncoder
from faq_service.retrieval.cache import CachedEncoder, EmbeddingCache
from faq_service.retrieval.classifier import EntryClassifier
from faq_service.retrieval.confidence import RANKED, ConfidenceModel, signals
from faq_service.retrieval.decision import Ranking
from faq_service.retrieval import declines as decline_store
from faq_service.retrieval.encoders import Encoder
from faq_service.retrieval.index import EntryDoc, FusionWeights, RetrievalIndex
from faq_service.retrieval.details import missing_detail
from faq_service.retrieval.scope import ScopeGap, asks_other_month, asks_past_record, implied_scope, scope_gap
from faq_service.retrieval.passages import PassageDoc, PassageHit, PassageIndex, PassageSource
from faq_service.core.text import detect_lang
from faq_service.retrieval.text import tokenize

log = logging.getLogger(__name__)


class EntrySource(Protocol):
    """Where the index gets its entries (the knowledge base, faqs/index_source.py): retrieval knows
    documents and a change counter, not the tables behind them."""

    def version(self, session: Session) -> int:
        """The shared change counter: it rises with every change to an entry or a decline example."""

    def changed_since(self, session: Session, seq: int) -> tuple[list[EntryDoc], set[int]]:
        """The entries changed after `seq`: those to answer from, and the ids of those to drop."""


def _beyond(question: str, doc: EntryDoc, scope: dict) -> tuple[str | None, ScopeGap | None]:
    """What the question asks beyond what an entry (or a passage) holds: a kind of detail it lacks
    (retrieval/details.py; "past_record" for a past year asked of a text naming no year, "other_month" for
    a month it does not tell of), and the
    years or organisations outside its scope (retrieval/scope.py)."""
    missing = missing_detail(question, doc)
    if missing is None and asks_past_record(question, scope):
        missing = "past_record"
    if missing is None and asks_other_month(question, scope):
        missing = "other_month"
    return missing, scope_gap(question, scope)


@lru_cache(maxsize=8192)
def _passage_as_entry(passage: PassageDoc) -> tuple[EntryDoc, dict]:
    """A passage as an entry whose question is its document's title and section and whose answer is
    its text, with the scope those imply; kept per passage, as an entry's implied scope is."""
    heading = " ".join(part for part in (passage.title, passage.section) if part)
    doc = EntryDoc(-passage.passage_id, 0, {passage.lang: heading}, {}, {passage.lang: passage.text})
    return doc, implied_scope([heading, passage.text], None)


class KnowledgeIndex:
    """The index of published entries plus the loop that keeps it current."""

    def __init__(self, db: Database, source: EntrySource, encoders: list[Encoder], cache_path: Path,
                 weights: FusionWeights | None = None, decline_examples: list[str] = (),
                 passages: PassageSource | None = None, confidence: ConfidenceModel | None = None):
        self.db = db
        self.source = source
        cache = EmbeddingCache(cache_path)
        self.index = RetrievalIndex([CachedEncoder(e, cache) for e in encoders], weights)
        self.queries = BatchingQueryEncoder(encoders, score=self._rank_batch)
        # Encoded at the first sync (in load(), off the start-up path): the vectors take a while.
        self.declines = RetrievalIndex(self.index.encoders, self.index.weights)
        # Passages of imported documents, scored like entries (same encoders, cache and weights).
        self.passages = (PassageIndex(db, passages, RetrievalIndex(self.index.encoders, self.index.weights))
                         if passages is not None else None)
        self._decline_docs = decline_store.decline_docs(list(decline_examples))
        self.classifier: EntryClassifier | None = None  # fitted at the first sync, refitted after changes
        self._refit_wanted = threading.Event()
        self._refitter: threading.Thread | None = None
        self.seen_seq = -1  # -1: nothing loaded yet
        self._scopes: dict[tuple[int, int], dict] = {}  # (entry, version) → its implied scope
        self.confidence = confidence
        self._entry_tokens: dict[tuple[int, int], frozenset[str]] = {}  # (entry, version) → its tokens
        self.ready = threading.Event()
        self._sync_lock = threading.Lock()

    def sync(self) -> int:
        """Load entries changed since the last sync; returns how many changed."""
        if self.passages is not None:
            self.passages.sync()
        with self._sync_lock:
            with self.db.session() as s:
                version = self.source.version(s)
                if version <= self.seen_seq:
                    return 0
                published, gone = self.source.changed_since(s, self.seen_seq)
                staff_declines, removed_declines = decline_store.changed_since(s, self.seen_seq)
            self.index.upsert(published, gone)
            if self.seen_seq < 0:  # the first sync also indexes the examples file
                staff_declines = self._decline_docs + staff_declines
            if staff_declines or removed_declines:
                self.declines.upsert(staff_declines, removed_declines)
            if self.seen_seq < 0:
                self._fit_classifier()  # ready only with the classifier
            elif published or gone or staff_declines or removed_declines:
                self._refit_wanted.set()  # the edit is searchable now; the classifier follows
                self._start_refitter()
            self.seen_seq = version
            return len(published) + len(gone)

    def _start_refitter(self) -> None:
        """Refitting takes from a fraction of a second (the sample knowledge base) to about ten
        (a thousand entries), so it runs on a thread of its own and never holds up an edit: until it
        is done, the previous classifier orders the entries it knows, and a new entry gets no share."""
        if self._refitter is None:
            self._refitter = threading.Thread(target=self._refit_forever, name="classifier-refit",
                                              daemon=True)
            self._refitter.start()

    def _refit_forever(self) -> None:
        while self._refit_wanted.wait():
            self._refit_wanted.clear()
            try:
                self._fit_classifier()
            except Exception:  # keep the previous classifier; the next change tries again
                log.exception("refitting the entry classifier failed")

    def _fit_classifier(self) -> None:
        """Train the entry classifier on the current entries and decline examples (only when the
        weights give it a share: a large index without one, such as a benchmark's, skips the cost)."""
        if not self.weights.classifier_weight:
            self.classifier = None
            return
        vectors, entry_ids = self.index.training_rows()
        decline_vectors, _ = self.declines.training_rows()
        self.classifier = EntryClassifier.fit(vectors, entry_ids, decline_vectors, self.weights.classifier_c)

    def load(self) -> None:
        """The first sync, then one search per language: the first search pays one-off costs (model
        set-up, tokenizer dictionary), which no visitor should wait for. Ready only after that."""
        self.sync()
        for question in ("What does TCEB do?", "ติดต่อ สสปน. ได้อย่างไร"):
            self.rank(question, self.queries.encode_batch([question])[0], detect_lang(question))
        self.ready.set()

    async def search(self, question: str, lang: str, limit: int = 10) -> Ranking:
        _, ranking = await self.queries.encode_and_score(question, (lang, limit))
        return ranking

    @property
    def weights(self) -> FusionWeights:
        return self.index.weights

    @weights.setter
    def weights(self, weights: FusionWeights) -> None:
        """The entries and the decline examples are always scored alike."""
        refit = (weights.classifier_weight and (self.classifier is None
                 or weights.classifier_c != self.index.weights.classifier_c))
        self.index.weights = self.declines.weights = weights
        if self.passages is not None:
            self.passages.weights = weights
        if refit and self.seen_seq >= 0:
            with self._sync_lock:
                self._fit_classifier()

    def rank(self, question: str, vectors: list, lang: str, limit: int = 10) -> Ranking:
        return self.rank_many([question], [vectors], [lang], [limit])[0]

    def rank_many(self, questions: list[str], vectors: list, langs: list[str],
                  limits: list[int]) -> list[Ranking]:
        """Rankings for several questions at once, each with its closest decline example's score."""
        tokens = [tokenize(q) for q in questions]
        classifier = self.classifier
        prior = classifier.probabilities if classifier is not None else None
        hits = self.index.search_many(questions, vectors, langs, max([*limits, RANKED]), tokens, prior)
        declines = self.declines.search_many(questions, vectors, langs, 1, tokens)
        passages = (self.passages.search_many(questions, vectors, langs, tokens) if self.passages is not None
                    else [None] * len(questions))
        out = []
        for question, h, d, p, lang, toks, limit in zip(questions, hits, declines, passages, langs, tokens,
                                                         limits):
            if p is not None and not self._passage_holds(question, p):
                p = None
            top = self.index.doc(h[0].faq_id) if h else None
            missing, gap = _beyond(question, top, self._implied_scope(top)) if top is not None else (None, None)
            decline = d[0].score if d else 0.0
            values = signals(h[:RANKED], decline, lang, toks, self.tokens_of(top)) if top is not None else None
            confidence = (self.confidence.probability(values)
                          if self.confidence is not None and values is not None else None)
            out.append(Ranking(h[:limit], decline, gap=gap, missing_detail=missing, passage=p,
                               signals=values, confidence=confidence, lang=lang))
        return out

    @staticmethod
    def _passage_holds(question: str, hit: PassageHit) -> bool:
        """The near-scope checks an entry gets, for a passage (see _passage_as_entry)."""
        return _beyond(question, *_passage_as_entry(hit.passage)) == (None, None)

    def _implied_scope(self, doc: EntryDoc) -> dict:
        key = (doc.faq_id, doc.version)
        scope = self._scopes.get(key)
        if scope is None:
            scope = self._scopes[key] = implied_scope(doc.texts(), doc.scope)
        return scope

    def tokens_of(self, doc: EntryDoc) -> frozenset[str]:
        """Every lexical token of an entry's texts (the confidence signals' coverage), kept per version."""
        key = (doc.faq_id, doc.version)
        found = self._entry_tokens.get(key)
        if found is None:
            found = self._entry_tokens[key] = frozenset(t for text in doc.texts() for t in tokenize(text))
        return found

    def _rank_batch(self, questions: list[str], vectors: list,
                    contexts: list[tuple[str, int]]) -> list[Ranking]:
        """The encoder batch's `score`: runs on the encode thread (retrieval/batching.py)."""
        langs, limits = [lang for lang, _ in contexts], [limit for _, limit in contexts]
        return self.rank_many(questions, vectors, langs, limits)
