"""Decline examples that staff added from the review console (the curated ones live in
data/retrieval/decline_examples.yml). Both feed the same index (retrieval/declines.py)."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from faq_service.core.db import Base, UtcDateTime, utcnow


class DeclineExample(Base):
    __tablename__ = "decline_example"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    text: Mapped[str] = mapped_column(Text)  # a logged (already redacted) question, normalised
    # The kb_state version when it was added: every process's index sync picks up rows newer than the
    # version it has seen, as it does for entries.
    seq: Mapped[int] = mapped_column(Integer, index=True)
    signature: Mapped[str | None] = mapped_column(String(40))  # the review cluster it came from
    added_by: Mapped[str] = mapped_column(String(80))
    added_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    # Removed by staff (kept for the audit trail); seq is raised again so every process drops it.
    removed_by: Mapped[str | None] = mapped_column(String(80))
    removed_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
