"""Documents as knowledge: storing a read file and its passages (all of them or none, in the caller's
one transaction), replacing them when the same file comes back changed, skipping it when its bytes are
known, publishing, expiry, and the passages that may answer questions.

For retrieval: `published_passages(session)` gives every passage of a published document that has not
expired, with its citation (title, section, page, URL); `documents_version(session)` rises with every
change to documents or passages, so whoever indexes them reloads when it moves.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import delete, func, insert, or_, select, update
from sqlalchemy.orm import Session

from faq_service.core.db import is_row_id, utcnow
from faq_service.core.errors import ConflictError
from faq_service.documents.models import Document, DocumentsState, Passage
from faq_service.documents.worker import Reading

BANGKOK = ZoneInfo("Asia/Bangkok")


def today() -> date:
    """The agency's today: validity dates are Bangkok days."""
    return datetime.now(BANGKOK).date()


def content_hash(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def documents_version(session: Session) -> int:
    return session.scalar(select(DocumentsState.version).where(DocumentsState.id == 1)) or 0


def _touch(session: Session, document: Document) -> None:
    """Raise the shared counter (the UPDATE also serialises concurrent writers) and stamp the document."""
    session.execute(update(DocumentsState).where(DocumentsState.id == 1).values(version=DocumentsState.version + 1))
    document.seq = documents_version(session)
    document.updated_at = utcnow()


def file_url(document_id: int) -> str:
    """Where the stored original is served (relative to the service's public address)."""
    return f"/documents/{document_id}/file"


def citation_url(document: Document) -> str:
    return document.source_url or file_url(document.id)


@dataclass
class ImportResult:
    action: str  # created, replaced, unchanged
    document_id: int
    title: str
    passages: int
    duplicate_of: str | None = None  # unchanged because another name holds the same bytes


def known(session: Session, source_name: str, digest: str) -> ImportResult | None:
    """An import that would change nothing: the same bytes are stored already (under any name)."""
    same = session.scalar(select(Document).where(Document.content_hash == digest)
                          .order_by(Document.source_name != source_name, Document.id))
    if same is None:
        return None
    count = session.scalar(select(func.count()).select_from(Passage).where(Passage.document_id == same.id)) or 0
    return ImportResult("unchanged", same.id, same.title, count,
                        None if same.source_name == source_name else same.source_name)


@dataclass
class ImportOptions:
    title: str | None = None
    source_url: str | None = None
    valid_until: date | None = None


def store(session: Session, source_name: str, data: bytes, media_type: str, reading: Reading,
          options: ImportOptions, author: str) -> ImportResult:
    """Create the document, or replace a changed one's passages, in the caller's transaction."""
    digest = content_hash(data)
    unchanged = known(session, source_name, digest)
    if unchanged is not None:
        return unchanged
    document = session.scalar(select(Document).where(Document.source_name == source_name).with_for_update())
    action = "replaced" if document is not None else "created"
    if document is None:
        document = Document(source_name=source_name, status="published", imported_at=utcnow())
        session.add(document)
    else:
        session.execute(delete(Passage).where(Passage.document_id == document.id))
    document.title = (options.title or reading.title or source_name).strip()[:300]
    document.media_type = media_type
    document.content_hash = digest
    document.size_bytes = len(data)
    document.original = data
    document.source_url = options.source_url or reading.source_url or (document.source_url if action == "replaced" else None)
    if options.valid_until is not None or action == "created":
        document.valid_until = options.valid_until
    document.lang = reading.lang
    document.page_count = reading.page_count
    document.ocr = reading.ocr
    document.imported_by = author[:120]
    document.imported_at = utcnow()
    session.flush()
    if reading.passages:  # one multi-row INSERT, not one ORM object per passage
        session.execute(insert(Passage), [
            {"document_id": document.id, "ordinal": i, "kind": p.kind, "text": p.text, "section": p.section,
             "page": p.page, "lang": p.lang} for i, p in enumerate(reading.passages, 1)])
    _touch(session, document)
    return ImportResult(action, document.id, document.title, len(reading.passages))


# ------------------------------------------------------------------ reading what is stored
def count_documents(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(Document)) or 0


def _expired(on: date):
    return Document.valid_until.is_not(None) & (Document.valid_until < on)


def list_documents(session: Session, status: str | None = None, expired: bool | None = None,
                   q: str | None = None, on: date | None = None) -> list[dict]:
    on = on or today()
    counts = select(Passage.document_id, func.count().label("n")).group_by(Passage.document_id).subquery()
    query = select(Document, func.coalesce(counts.c.n, 0)).outerjoin(counts, counts.c.document_id == Document.id)
    if status:
        query = query.where(Document.status == status)
    if expired is True:
        query = query.where(_expired(on))
    elif expired is False:
        query = query.where(or_(Document.valid_until.is_(None), Document.valid_until >= on))
    if q:
        like = "%" + q.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        query = query.where(or_(Document.title.ilike(like, escape="\\"), Document.source_name.ilike(like, escape="\\")))
    rows = session.execute(query.order_by(Document.title, Document.id)).all()
    return [view(d, n, on) for d, n in rows]


def expired_documents(session: Session, on: date | None = None) -> list[dict]:
    """Documents past their validity date, for review: they no longer answer."""
    return list_documents(session, expired=True, on=on)


def view(document: Document, passages: int, on: date | None = None) -> dict:
    on = on or today()
    return {"id": document.id, "title": document.title, "source_name": document.source_name,
            "media_type": document.media_type, "size_bytes": document.size_bytes, "lang": document.lang,
            "status": document.status, "valid_until": document.valid_until,
            "expired": document.valid_until is not None and document.valid_until < on,
            "page_count": document.page_count, "ocr": document.ocr, "source_url": document.source_url,
            "url": citation_url(document), "content_hash": document.content_hash, "passages": passages,
            "imported_by": document.imported_by, "imported_at": document.imported_at,
            "updated_at": document.updated_at}


def get(session: Session, document_id: int) -> Document:
    document = session.get(Document, document_id) if is_row_id(document_id) else None
    if document is None:
        raise LookupError(f"no document {document_id}")
    return document


def passages_of(session: Session, document_id: int) -> list[Passage]:
    return list(session.scalars(select(Passage).where(Passage.document_id == document_id).order_by(Passage.ordinal)))


def original(session: Session, document_id: int, published_only: bool) -> tuple[bytes, str, str]:
    """(bytes, media type, file name) of the stored original; unpublished ones only for staff."""
    document = get(session, document_id)
    if published_only and document.status != "published":
        raise LookupError(f"no published document {document_id}")
    return document.original, document.media_type, document.source_name


# ------------------------------------------------------------------ changes
def set_status(session: Session, document_id: int, status: str) -> bool:
    """Publish or unpublish; False when it already was."""
    document = get(session, document_id)
    if document.status == status:
        return False
    document.status = status
    _touch(session, document)
    return True


def delete_document(session: Session, document_id: int) -> str:
    document = get(session, document_id)
    if document.status == "published":
        raise ConflictError("unpublish the document before deleting it")
    title = document.title
    session.execute(update(DocumentsState).where(DocumentsState.id == 1).values(version=DocumentsState.version + 1))
    session.delete(document)
    return title


# ------------------------------------------------------------------ for retrieval
@dataclass(frozen=True)
class PublishedPassage:
    passage_id: int
    document_id: int
    ordinal: int
    kind: str
    text: str
    lang: str
    title: str         # the document's
    section: str | None
    page: int | None
    url: str           # the document's source URL, or its stored original (file_url)


def _published(on: date):
    return (select(Passage, Document.title, Document.source_url).join(Document, Passage.document_id == Document.id)
            .where(Document.status == "published", or_(Document.valid_until.is_(None), Document.valid_until >= on)))


def _as_published(rows) -> list[PublishedPassage]:
    return [PublishedPassage(p.id, p.document_id, p.ordinal, p.kind, p.text, p.lang, title, p.section, p.page,
                             source_url or file_url(p.document_id)) for p, title, source_url in rows]


def published_passages(session: Session, on: date | None = None) -> list[PublishedPassage]:
    """Every passage that may answer a question: of published documents whose validity has not ended
    (on `on`, default today in Bangkok), in document order."""
    rows = session.execute(_published(on or today()).order_by(Passage.document_id, Passage.ordinal))
    return _as_published(rows)


def published_passage(session: Session, passage_id: int) -> PublishedPassage | None:
    """One passage, when it may answer today (its document published and valid)."""
    found = _as_published(session.execute(_published(today()).where(Passage.id == passage_id)))
    return found[0] if found else None
