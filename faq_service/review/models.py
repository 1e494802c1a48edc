"""Unanswered-question review: clusters as last shown (by a stable signature) and what staff decided
for each question (accepted into an entry, turned into a draft, marked out of scope, or dismissed)."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from faq_service.core.db import Base, UtcDateTime, utcnow


class ReviewCluster(Base):
    __tablename__ = "review_cluster"

    # sha1 over the cluster's member question-log ids: the same questions give the same signature.
    signature: Mapped[str] = mapped_column(String(40), primary_key=True)
    member_ids: Mapped[list] = mapped_column(JSON, default=list)
    size: Mapped[int] = mapped_column(Integer, default=0)
    status: Mapped[str] = mapped_column(String(16), default="open")  # open|accepted|drafted|out_of_scope|dismissed
    reason: Mapped[str | None] = mapped_column(Text)
    faq_id: Mapped[int | None] = mapped_column(Integer)
    resolved_by: Mapped[str | None] = mapped_column(String(80))
    resolved_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class ReviewResolution(Base):
    """One row per question-log row staff have dealt with; such a question no longer opens a cluster."""

    __tablename__ = "review_resolution"

    log_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    signature: Mapped[str] = mapped_column(String(40), index=True)
    action: Mapped[str] = mapped_column(String(16))
    faq_id: Mapped[int | None] = mapped_column(Integer)
    by: Mapped[str] = mapped_column(String(80))
    at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
