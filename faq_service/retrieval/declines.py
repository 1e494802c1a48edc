"""Decline examples: questions outside TCEB's remit (data/retrieval/decline_examples.yml).

A question about another agency's service, a venue's prices or a concert's tickets shares words and
topics with the knowledge base, so its best entry can score as high as a clumsily worded question that
the entry really answers. A fixed threshold cannot tell the two apart; what can is that the first is
even closer to a known out-of-scope question. Each example is indexed as an entry of its own (a
RetrievalIndex beside the knowledge base's, sharing its encoders and fusion weights), so it is scored
exactly like an entry; the best one's score is the question's decline score, and the answer rule
(retrieval/decision.decide) answers only when the top entry beats it by the tuned margin.

Staff add more from the review console ("out of scope": a cluster of logged questions the service
answered or nearly answered although TCEB does not answer them); those live in the database
(retrieval/models.DeclineExample) and reach every process's index at its next sync."""
from __future__ import annotations

from pathlib import Path

import yaml
from sqlalchemy import select
from sqlalchemy.orm import Session

from faq_service.core.db import is_row_id, utcnow
from faq_service.retrieval.index import EntryDoc
from faq_service.retrieval.models import DeclineExample
from faq_service.core.text import detect_lang, normalize


def load_decline_examples(path: Path | None) -> list[str]:
    """The example questions of every language in the file; none when there is no file."""
    if path is None or not Path(path).is_file():
        return []
    data = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
    if not isinstance(data, dict):
        raise ValueError(f"{path}: expected a mapping of language → list of questions")
    return [str(text).strip() for texts in data.values() for text in texts or [] if str(text).strip()]


def _as_entry(doc_id: int, text: str) -> EntryDoc:
    """An example as an entry with only a question (its id is not a knowledge-base id)."""
    return EntryDoc(doc_id, 1, {detect_lang(text): text}, {}, {})


def decline_docs(texts: list[str]) -> list[EntryDoc]:
    """The file's examples, with ids 1..n (their positions)."""
    return [_as_entry(i, text) for i, text in enumerate(texts, start=1)]


def changed_since(session: Session, seq: int) -> tuple[list[EntryDoc], set[int]]:
    """Staff-added examples changed after kb_state version `seq`: the live ones as entries with negative
    ids (the file's examples have 1..n), and the ids of the removed ones."""
    rows = session.scalars(select(DeclineExample).where(DeclineExample.seq > seq).order_by(DeclineExample.id))
    live, removed = [], set()
    for row in rows:
        if row.removed_at is None:
            live.append(_as_entry(-row.id, row.text))
        else:
            removed.add(-row.id)
    return live, removed


def add(session: Session, texts: list[str], seq: int, signature: str | None, username: str) -> list[str]:
    """Store the texts not live yet (compared after normalising); returns those added."""
    wanted = list(dict.fromkeys(t for t in (normalize(x) for x in texts) if t))
    known = set(session.scalars(select(DeclineExample.text).where(
        DeclineExample.text.in_(wanted), DeclineExample.removed_at.is_(None)))) if wanted else set()
    added = [t for t in wanted if t not in known]
    for text in added:
        session.add(DeclineExample(text=text, seq=seq, signature=signature, added_by=username))
    return added


def live(session: Session) -> list[DeclineExample]:
    """The staff-added examples in use, newest first."""
    return list(session.scalars(select(DeclineExample).where(DeclineExample.removed_at.is_(None))
                                .order_by(DeclineExample.id.desc())))


def remove(session: Session, example_id: int, seq: int, username: str) -> DeclineExample:
    row = session.get(DeclineExample, example_id) if is_row_id(example_id) else None
    if row is None or row.removed_at is not None:
        raise LookupError(f"no out-of-scope example {example_id}")
    row.removed_by, row.removed_at, row.seq = username, utcnow(), seq
    return row
