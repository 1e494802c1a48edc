"""Knowledge-base tables: entries, their change history, and the version counter processes poll."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Boolean, ForeignKey, Integer, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from faq_service.core.db import Base, UtcDateTime, utcnow

STATUSES = ("draft", "published", "archived")
LANGS = ("th", "en")


class FaqEntry(Base):
    __tablename__ = "faq_entry"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key: Mapped[str] = mapped_column(String(120), unique=True, index=True)
    category: Mapped[str] = mapped_column(String(80), index=True, default="general")
    question_th: Mapped[str | None] = mapped_column(Text)
    answer_th: Mapped[str | None] = mapped_column(Text)
    alternates_th: Mapped[list] = mapped_column(JSON, default=list)
    question_en: Mapped[str | None] = mapped_column(Text)
    answer_en: Mapped[str | None] = mapped_column(Text)
    alternates_en: Mapped[list] = mapped_column(JSON, default=list)
    source_url: Mapped[str | None] = mapped_column(String(500))
    # What the answer's figures are for: years, figure, organisation (faqs/schemas.py EntryScope); None
    # for an entry whose answer holds no such figure.
    scope: Mapped[dict | None] = mapped_column(JSON)
    status: Mapped[str] = mapped_column(String(16), index=True, default="published")
    needs_review: Mapped[bool] = mapped_column(Boolean, default=False)
    author: Mapped[str] = mapped_column(String(120), default="system")
    version: Mapped[int] = mapped_column(Integer, default=1)
    # The kb_state version at this entry's last change: processes reload entries with seq > what they saw.
    seq: Mapped[int] = mapped_column(Integer, index=True, default=0)
    # A pending revision of a published entry (staff console); the live text stays until it is published.
    draft: Mapped[dict | None] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)

    def text(self, field: str, lang: str) -> str | list | None:
        return getattr(self, f"{field}_{lang}")

    def languages(self) -> list[str]:
        return [lang for lang in LANGS if self.text("question", lang) and self.text("answer", lang)]


class FaqHistory(Base):
    """One row per change of an entry: who, when, what, and the full content after the change."""

    __tablename__ = "faq_history"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    faq_id: Mapped[int] = mapped_column(ForeignKey("faq_entry.id", ondelete="CASCADE"), index=True)
    version: Mapped[int] = mapped_column(Integer)
    action: Mapped[str] = mapped_column(String(32))
    author: Mapped[str] = mapped_column(String(120))
    changed_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    snapshot: Mapped[dict] = mapped_column(JSON)


class KbState(Base):
    """A single row whose version rises with every knowledge-base change."""

    __tablename__ = "kb_state"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    version: Mapped[int] = mapped_column(Integer, default=0)


class PendingImport(Base):
    """An uploaded knowledge-base file that was validated but not yet applied."""

    __tablename__ = "staff_pending_import"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    username: Mapped[str] = mapped_column(String(80))
    filename: Mapped[str] = mapped_column(String(200))
    data: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    applied: Mapped[bool] = mapped_column(Boolean, default=False)
    note: Mapped[str | None] = mapped_column(Text)
