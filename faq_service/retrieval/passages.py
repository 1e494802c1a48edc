"""Passages of imported documents, searched beside the entries with the same encoders, fusion and Thai
lexical index, and the rule that lets one answer.

Each passage is indexed as an entry of its own with only an answer (a RetrievalIndex beside the
knowledge base's), so its score means what an entry's does. The index reloads when the documents'
change counter moves or the Bangkok day changes (a document's validity ends without a change to it);
only passages whose text is new are encoded, and their vectors come from the embedding cache when a
previous run encoded the same text.

The rule (`answer_from_document`): a curated entry that answers wins unless the passage beats it by
more than the document margin; a passage answers only above its own threshold and, like an entry,
when it is ahead of the closest decline example by the decline margin."""
from __future__ import annotations

import logging
import re
import threading
from dataclasses import dataclass
from datetime import date, datetime
from typing import Callable, Protocol
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from faq_service.core.db import Database
from faq_service.retrieval.encoders import Encoder
from faq_service.retrieval.index import EntryDoc, FusionWeights, Hit, RetrievalIndex, encode_ahead
from faq_service.retrieval.text import tokenize

BANGKOK = ZoneInfo("Asia/Bangkok")
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class PassageDoc:
    """What retrieval needs of a passage: its text and where it comes from (for the citation)."""

    passage_id: int
    text: str
    lang: str
    title: str
    section: str | None
    page: int | None
    url: str


class PassageSource(Protocol):
    """Where the passage index gets its passages (documents/index_source.py)."""

    def version(self, session: Session) -> int:
        """Rises with every change to documents or passages."""

    def passages(self, session: Session, on: date) -> list[PassageDoc]:
        """Every passage that may answer on the Bangkok day `on`."""


@dataclass
class PassageHit:
    passage: PassageDoc
    score: float


class PassageIndex:
    """The published passages, kept current by `sync()` (cheap when nothing changed)."""

    def __init__(self, db: Database, source: PassageSource, index: RetrievalIndex,
                 today: Callable[[], date] = lambda: datetime.now(BANGKOK).date()):
        self.db = db
        self.source = source
        self.index = index
        self.weights = index.weights
        self._today = today
        self._passages: dict[int, PassageDoc] = {}
        self._seen: tuple[int, date] | None = None
        self._lock = threading.Lock()
        self.indexed = 0   # passages (re)indexed since the start: new, or changed in text or citation
        self.dropped = 0   # passages taken out: unpublished, deleted, replaced or expired

    def __len__(self) -> int:
        return len(self._passages)

    def stats(self) -> dict:
        """What the index holds and what keeping it current has cost so far (served at /metrics)."""
        return {"passages": len(self._passages), "indexed": self.indexed, "dropped": self.dropped,
                "texts_encoded": self.index.texts_encoded,
                "documents_version": self._seen[0] if self._seen else None}

    @property
    def weights(self) -> FusionWeights:
        return self.index.weights

    @weights.setter
    def weights(self, weights: FusionWeights) -> None:
        """The entries' weights, as passages are scored with them (FusionWeights.for_passages)."""
        self.index.weights = weights.for_passages()

    def sync(self) -> int:
        """Reload when the counter or the day moved; returns how many passages were added or dropped."""
        with self._lock:
            on = self._today()
            with self.db.session() as s:
                version = self.source.version(s)
                if self._seen == (version, on):
                    return 0
                current = {p.passage_id: p for p in self.source.passages(s, on)}
            old = self._passages
            changed = [p for pid, p in current.items() if old.get(pid) != p]
            gone = set(old) - set(current)
            if changed or gone:
                self.index.upsert([as_entry(p.passage_id, p.lang, p.text) for p in changed], gone)
                self.indexed += len(changed)
                self.dropped += len(gone)
                log.info("passages: %d indexed, %d dropped (documents version %d, %d passages)",
                         len(changed), len(gone), version, len(current))
            self._passages = current
            self._seen = (version, on)
            return len(changed) + len(gone)

    def search_many(self, questions: list[str], vectors: list, langs: list[str],
                    tokens: list[list[str]]) -> list[PassageHit | None]:
        """Per question, the best passage (None when there are none)."""
        passages = self._passages
        out = []
        for hits in self.index.search_many(questions, vectors, langs, 1, tokens):
            hit: Hit | None = hits[0] if hits else None
            passage = passages.get(hit.faq_id) if hit else None
            out.append(PassageHit(passage, hit.score) if passage else None)
        return out


def as_entry(passage_id: int, lang: str, text: str) -> EntryDoc:
    """A passage as the index holds it: an entry with only an answer."""
    return EntryDoc(passage_id, 1, {}, {}, {lang: text})


def encode_passages_ahead(encoders: list[Encoder], passages: list[tuple[str, str]], windows: int) -> None:
    """Encode (lang, text) passages as PassageIndex.sync() will, through cached encoders (documents'
    import runner does it in its low-priority reading process, before the passages are stored)."""
    encode_ahead(encoders, [as_entry(i, lang, text) for i, (lang, text) in enumerate(passages, 1)], windows)


def answer_from_document(entry_answers: bool, entry_score: float, passage: PassageHit | None, decline: float,
                         threshold: float, margin: float, decline_margin: float | None) -> bool:
    """Whether the passage answers rather than the entries' decision."""
    if passage is None or passage.score < threshold:
        return False
    if decline_margin is not None and passage.score - decline < decline_margin:
        return False
    return not entry_answers or passage.score > entry_score + margin


# Where a text is cut into sentences for highlighting: after a full stop (or Thai paiyannoi, angkhankhu),
# at a line break or " · " between table cells, and at a space between Thai letters (Thai writes a
# space where English ends a clause or a sentence).
_SENTENCE_END = re.compile(r"(?<=[.!?\u0e2f\u0e5a\u0e5b])\s+|\n+|\s+\u00b7\s+|(?<=[\u0e00-\u0e7f])\s+(?=[\u0e00-\u0e7f0-9])")


def sentence_spans(text: str) -> list[tuple[int, int]]:
    spans, start = [], 0
    for cut in _SENTENCE_END.finditer(text):
        if cut.start() > start:
            spans.append((start, cut.start()))
        start = cut.end()
    if start < len(text):
        spans.append((start, len(text)))
    return spans


def highlights(question: str, text: str, share: float = 0.6) -> list[list[int]]:
    """Character offsets [start, end) of the sentences of `text` that answer `question` best: those
    sharing at least `share` of the best sentence's count of the question's words (at least one)."""
    wanted = set(tokenize(question))
    if not wanted or not text:
        return []
    scored = [(span, len(wanted & set(tokenize(text[span[0]:span[1]])))) for span in sentence_spans(text)]
    best = max((n for _, n in scored), default=0)
    if best == 0:
        return []
    return [[start, end] for (start, end), n in scored if n >= max(1, share * best)]
