"""The question log: every question a stakeholder asked, redacted, with how it was handled."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Boolean, Float, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from faq_service.core.db import Base, UtcDateTime, utcnow

# partial: the best entry's figures are for another year or organisation (not answered; see answering.py).
# answered_from_document: a passage of an imported document answered (counted as answered in reports).
OUTCOMES = ("answered", "answered_from_document", "partial", "suggested", "declined", "handled_by_bot",
            "unavailable")
ANSWERED_OUTCOMES = ("answered", "answered_from_document")
# Where a question came from: the chat page, the chat widget on another site, LINE, or a direct API call.
CHANNELS = ("web", "widget", "line", "api")


class QuestionLog(Base):
    __tablename__ = "question_log"
    __table_args__ = (Index("ix_question_log_asked_outcome", "asked_at", "outcome"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    asked_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow, index=True)
    question_text: Mapped[str] = mapped_column(Text)  # redacted before it is stored
    lang: Mapped[str] = mapped_column(String(2))
    channel: Mapped[str] = mapped_column(String(64), default="api", index=True)
    session_hash: Mapped[str | None] = mapped_column(String(64), index=True)
    intent: Mapped[str | None] = mapped_column(String(64))
    # Set by the caller in its own neutral words (complaints, contact…): reports count by topic and
    # need not know how the bot names its intents.
    topic: Mapped[str | None] = mapped_column(String(32))
    outcome: Mapped[str] = mapped_column(String(32))
    faq_id: Mapped[int | None] = mapped_column(Integer, index=True)
    faq_version: Mapped[int | None] = mapped_column(Integer)
    confidence: Mapped[float | None] = mapped_column(Float)
    suggestions: Mapped[list] = mapped_column(JSON, default=list)
    latency_ms: Mapped[float | None] = mapped_column(Float)
    helpful: Mapped[bool | None] = mapped_column(Boolean)
    feedback_comment: Mapped[str | None] = mapped_column(Text)
    feedback_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    idempotency_key: Mapped[str | None] = mapped_column(String(128), unique=True)
