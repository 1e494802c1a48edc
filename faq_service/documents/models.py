"""Documents as knowledge: each imported file (its original kept), the passages it was split into, the
change counter that whoever indexes passages polls, and the queue of uploaded files waiting to be
imported."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Boolean, Date, ForeignKey, Integer, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, deferred, mapped_column, relationship

from faq_service.core.db import Base, UtcDateTime, utcnow

STATUSES = ("published", "unpublished")


class Document(Base):
    """One imported file. `source_name` is what identifies it across imports (the file's name): a new
    import under the same name with other content replaces its passages."""

    __tablename__ = "document"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    source_name: Mapped[str] = mapped_column(String(255), unique=True, index=True)
    title: Mapped[str] = mapped_column(String(300))
    media_type: Mapped[str] = mapped_column(String(100))
    # sha256 of the original's bytes: an import of the same bytes is skipped.
    content_hash: Mapped[str] = mapped_column(String(64), index=True)
    size_bytes: Mapped[int] = mapped_column(Integer)
    original: Mapped[bytes] = deferred(mapped_column(LargeBinary))  # served at /documents/{id}/file
    source_url: Mapped[str | None] = mapped_column(String(500))
    lang: Mapped[str] = mapped_column(String(2), default="th")
    page_count: Mapped[int | None] = mapped_column(Integer)  # formats with pages (PDF) only
    ocr: Mapped[bool] = mapped_column(Boolean, default=False)  # some page's text came from OCR
    status: Mapped[str] = mapped_column(String(16), index=True, default="published")
    # After this day (Bangkok) the document stops answering and is listed for review.
    valid_until: Mapped[date | None] = mapped_column(Date, index=True)
    imported_by: Mapped[str] = mapped_column(String(120), default="system")
    imported_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    # The documents_state version at this document's last change (its passages share it).
    seq: Mapped[int] = mapped_column(Integer, index=True, default=0)

    passages: Mapped[list["Passage"]] = relationship(
        back_populates="document", cascade="all, delete-orphan", passive_deletes=True,
        order_by="Passage.ordinal")


class Passage(Base):
    """A piece of a document small enough to answer from, with where it came from."""

    __tablename__ = "document_passage"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("document.id", ondelete="CASCADE"), index=True)
    ordinal: Mapped[int] = mapped_column(Integer)  # its place in the document, from 1
    kind: Mapped[str] = mapped_column(String(16))  # paragraph, list, table_row
    text: Mapped[str] = mapped_column(Text)
    section: Mapped[str | None] = mapped_column(String(500))  # the headings above it, outermost first
    page: Mapped[int | None] = mapped_column(Integer)  # 1-based, formats with pages only
    lang: Mapped[str] = mapped_column(String(2))

    document: Mapped[Document] = relationship(back_populates="passages")


class DocumentsState(Base):
    """A single row whose version rises with every change to documents or their passages."""

    __tablename__ = "documents_state"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    version: Mapped[int] = mapped_column(Integer, default=0)


JOB_STATUSES = ("queued", "running", "done", "refused", "failed")


class ImportJob(Base):
    """One uploaded file waiting for, or done with, its import: the console stores it and answers at once,
    and a runner (in a service process or `thamtob docs worker`) claims it, reads it in the low-priority
    worker process and writes the result. The upload's bytes are dropped once the job has ended."""

    __tablename__ = "document_import_job"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    status: Mapped[str] = mapped_column(String(16), index=True, default="queued")
    source_name: Mapped[str] = mapped_column(String(255))
    media_type: Mapped[str] = mapped_column(String(100))  # sniffed when the file was uploaded
    size_bytes: Mapped[int] = mapped_column(Integer)
    content_hash: Mapped[str] = mapped_column(String(64))
    upload: Mapped[bytes | None] = deferred(mapped_column(LargeBinary))  # NULL once the job has ended
    # What the uploader gave (else the document's own).
    title: Mapped[str | None] = mapped_column(String(300))
    source_url: Mapped[str | None] = mapped_column(String(500))
    valid_until: Mapped[date | None] = mapped_column(Date)
    requested_by: Mapped[str] = mapped_column(String(120))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    started_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    # Refused or failed: the key of the message in console.yml and the values it names, so the job page
    # says why in its reader's language; `detail` is the technical reason, in English, for operators.
    message_key: Mapped[str | None] = mapped_column(String(40))
    message_values: Mapped[dict | None] = mapped_column(JSON)
    detail: Mapped[str | None] = mapped_column(String(500))
    # Done: the document (created, replaced or unchanged) and its passage count.
    document_id: Mapped[int | None] = mapped_column(ForeignKey("document.id", ondelete="SET NULL"))
    action: Mapped[str | None] = mapped_column(String(16))
    passages: Mapped[int | None] = mapped_column(Integer)
    # Who runs it and until when: a lease that is not renewed (its process died) lets another runner
    # claim the job again, up to the attempts setting.
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    lease_owner: Mapped[str | None] = mapped_column(String(120))
    lease_until: Mapped[datetime | None] = mapped_column(UtcDateTime)
