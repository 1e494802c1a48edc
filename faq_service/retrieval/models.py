"""Stored sentence vectors, so a restart or a second replica does not re-encode the knowledge base."""
from __future__ import annotations

from sqlalchemy import LargeBinary, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from faq_service.db import Base


class EmbeddingCache(Base):
    __tablename__ = "embedding_cache"
    __table_args__ = (UniqueConstraint("encoder", "kind", "text_hash"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    encoder: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(8))  # query | passage
    text_hash: Mapped[str] = mapped_column(String(64))
    vector: Mapped[bytes] = mapped_column(LargeBinary)
