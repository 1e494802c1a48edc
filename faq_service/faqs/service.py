"""Knowledge-base logic: upserts with history, the change counter, published-entry queries, and
importing entry files."""
from __future__ import annotations

from pathlib import Path

from sqlalchemy import func, or_, select, update
from sqlalchemy.orm import Session

from faq_service.core.db import Database, is_row_id, utcnow
from faq_service.faqs import io as faq_io
from faq_service.faqs.models import FaqEntry, FaqHistory, KbState
from faq_service.faqs.schemas import EntryIn
from faq_service.retrieval.index import EntryDoc

CONTENT_FIELDS = ("category", "status", "needs_review", "source_url", "question_th", "answer_th",
                  "alternates_th", "question_en", "answer_en", "alternates_en", "scope")


def kb_version(session: Session) -> int:
    return session.scalar(select(KbState.version).where(KbState.id == 1)) or 0


def next_version(session: Session) -> int:
    """Raise the shared change counter; the UPDATE also serialises concurrent writers on this row."""
    session.execute(update(KbState).where(KbState.id == 1).values(version=KbState.version + 1))
    return kb_version(session)


def snapshot(entry: FaqEntry) -> dict:
    data = {f: getattr(entry, f) for f in CONTENT_FIELDS}
    data.update(key=entry.key, version=entry.version)
    return data


def record_change(session: Session, entry: FaqEntry, action: str, author: str) -> None:
    """Stamp the entry with a new sequence number and keep the change in the history table."""
    entry.seq = next_version(session)
    entry.updated_at = utcnow()
    entry.author = author
    session.flush()
    session.add(FaqHistory(faq_id=entry.id, version=entry.version, action=action, author=author,
                           changed_at=entry.updated_at, snapshot=snapshot(entry)))


def upsert_entry(session: Session, data: EntryIn, author: str) -> tuple[FaqEntry, str]:
    """Create or update by key. Returns the entry and 'created', 'updated' or 'unchanged'."""
    content = data.content()
    entry = session.scalar(select(FaqEntry).where(FaqEntry.key == data.key))
    if entry is None:
        entry = FaqEntry(**content, version=1, author=author)
        session.add(entry)
        session.flush()
        record_change(session, entry, "create", author)
        return entry, "created"
    if all(getattr(entry, f) == content[f] for f in CONTENT_FIELDS):
        return entry, "unchanged"
    for field in CONTENT_FIELDS:
        setattr(entry, field, content[field])
    entry.version += 1
    record_change(session, entry, "update", author)
    return entry, "updated"


def count_entries(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(FaqEntry)) or 0


def entries_changed_since(session: Session, seq: int) -> list[FaqEntry]:
    return list(session.scalars(select(FaqEntry).where(FaqEntry.seq > seq)))


def to_doc(entry: FaqEntry) -> EntryDoc:
    langs = entry.languages()
    return EntryDoc(
        faq_id=entry.id,
        version=entry.version,
        questions={lang: entry.text("question", lang) for lang in langs},
        alternates={lang: list(entry.text("alternates", lang) or []) for lang in langs},
        answers={lang: entry.text("answer", lang) for lang in langs},
        scope=entry.scope,
    )


def list_published(session: Session, lang: str | None, category: str | None, q: str | None,
                   limit: int, offset: int) -> tuple[list[FaqEntry], int]:
    query = select(FaqEntry).where(FaqEntry.status == "published")
    if category:
        query = query.where(FaqEntry.category == category)
    if lang:
        query = query.where(getattr(FaqEntry, f"question_{lang}").is_not(None))
    if q:
        like = "%" + q.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        columns = (FaqEntry.question_th, FaqEntry.question_en, FaqEntry.answer_th, FaqEntry.answer_en)
        query = query.where(or_(*(c.ilike(like, escape="\\") for c in columns)))
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    rows = session.scalars(query.order_by(FaqEntry.category, FaqEntry.id).limit(limit).offset(offset))
    return list(rows), total


def get_published(session: Session, faq_id: int) -> FaqEntry | None:
    if not is_row_id(faq_id):
        return None
    entry = session.get(FaqEntry, faq_id)
    return entry if entry is not None and entry.status == "published" else None


def import_entries(session: Session, entries: list[EntryIn], author: str) -> dict[str, int]:
    """Upsert every entry in one transaction (the caller's): all or nothing."""
    counts = {"created": 0, "updated": 0, "unchanged": 0}
    for data in entries:
        _, result = upsert_entry(session, data, author)
        counts[result] += 1
    return counts


def import_path(db: Database, path: Path, author: str = "import") -> dict[str, int]:
    report = faq_io.parse_path(path)
    if report.errors:
        raise ValueError("the knowledge base files are invalid:\n" + "\n".join(report.errors))
    with db.session() as s:
        return import_entries(s, report.entries, author)
