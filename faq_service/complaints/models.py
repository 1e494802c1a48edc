"""Complaint tables. Every text a complainant or officer writes about the case (description, who is
concerned, name and contact, messages, evidence) is stored encrypted (crypto.py): the columns named
`*_enc` hold AES-GCM ciphertext. A confidential complaint has no name, contact, session, address or
user agent at all: there is no column for the last three."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Integer, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from faq_service.core.db import Base, UtcDateTime, utcnow

KINDS = ("corruption", "procurement", "personnel", "service", "other")
MODES = ("named", "confidential")
CHANNELS = ("chat", "web", "line", "phone", "letter", "email", "walk_in")
STATUSES = ("received", "acknowledged", "in_review", "referred", "closed")
OUTCOMES = ("substantiated", "not_substantiated", "outside_remit", "withdrawn")
EVIDENCE_TYPES = ("application/pdf", "image/jpeg", "image/png")


class Complaint(Base):
    __tablename__ = "complaint"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    tracking_code: Mapped[str] = mapped_column(String(20), unique=True, index=True)
    secret_hash: Mapped[str] = mapped_column(String(64))
    kind: Mapped[str] = mapped_column(String(16), index=True)
    mode: Mapped[str] = mapped_column(String(16), index=True)
    channel: Mapped[str] = mapped_column(String(16), index=True)
    lang: Mapped[str] = mapped_column(String(2), default="th")
    status: Mapped[str] = mapped_column(String(16), default="received", index=True)
    outcome: Mapped[str | None] = mapped_column(String(20))
    description_enc: Mapped[bytes] = mapped_column(LargeBinary)
    when_enc: Mapped[bytes | None] = mapped_column(LargeBinary)
    where_enc: Mapped[bytes | None] = mapped_column(LargeBinary)
    concerned_enc: Mapped[bytes | None] = mapped_column(LargeBinary)
    name_enc: Mapped[bytes | None] = mapped_column(LargeBinary)        # named complaints only
    contact_enc: Mapped[bytes | None] = mapped_column(LargeBinary)     # named complaints only
    # Officers this complaint is restricted to (recusal), comma-separated user names; empty: all officers.
    restricted_to: Mapped[str | None] = mapped_column(Text)
    received_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow, index=True)
    acknowledged_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    closed_at: Mapped[datetime | None] = mapped_column(UtcDateTime, index=True)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    recorded_by: Mapped[str | None] = mapped_column(String(80))        # an officer, for phone/letter/…

    events: Mapped[list["ComplaintEvent"]] = relationship(back_populates="complaint", order_by="ComplaintEvent.id",
                                                          cascade="all, delete-orphan")
    messages: Mapped[list["ComplaintMessage"]] = relationship(back_populates="complaint",
                                                              order_by="ComplaintMessage.id",
                                                              cascade="all, delete-orphan")
    evidence: Mapped[list["ComplaintEvidence"]] = relationship(back_populates="complaint",
                                                               order_by="ComplaintEvidence.id",
                                                               cascade="all, delete-orphan")


class ComplaintEvent(Base):
    """The history: every change of status, outcome, restriction, and every view of the content."""

    __tablename__ = "complaint_event"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    complaint_id: Mapped[int] = mapped_column(ForeignKey("complaint.id", ondelete="CASCADE"), index=True)
    at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    actor: Mapped[str] = mapped_column(String(80))          # an officer's user name, or "complainant"
    action: Mapped[str] = mapped_column(String(32))
    status: Mapped[str | None] = mapped_column(String(16))
    note_enc: Mapped[bytes | None] = mapped_column(LargeBinary)

    complaint: Mapped[Complaint] = relationship(back_populates="events")


class ComplaintMessage(Base):
    """The thread between officers and the complainant (the only way to reach a confidential one)."""

    __tablename__ = "complaint_message"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    complaint_id: Mapped[int] = mapped_column(ForeignKey("complaint.id", ondelete="CASCADE"), index=True)
    at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    sender: Mapped[str] = mapped_column(String(16))         # officer | complainant
    officer: Mapped[str | None] = mapped_column(String(80))
    text_enc: Mapped[bytes] = mapped_column(LargeBinary)

    complaint: Mapped[Complaint] = relationship(back_populates="messages")


class ComplaintEvidence(Base):
    """An evidence file, its metadata stripped, stored encrypted in the database (no file to orphan)."""

    __tablename__ = "complaint_evidence"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    complaint_id: Mapped[int] = mapped_column(ForeignKey("complaint.id", ondelete="CASCADE"), index=True)
    at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    media_type: Mapped[str] = mapped_column(String(32))
    size: Mapped[int] = mapped_column(Integer)
    filename_enc: Mapped[bytes] = mapped_column(LargeBinary)
    data_enc: Mapped[bytes] = mapped_column(LargeBinary)
    from_complainant: Mapped[bool] = mapped_column(Boolean, default=True)

    complaint: Mapped[Complaint] = relationship(back_populates="evidence")


class ComplaintReplay(Base):
    """A submission's idempotency key (hashed) and its code and secret, encrypted, for 24 hours: a
    replay of the same submission gets the same answer; after that the row is deleted."""

    __tablename__ = "complaint_replay"

    key_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    complaint_id: Mapped[int] = mapped_column(ForeignKey("complaint.id", ondelete="CASCADE"))
    answer_enc: Mapped[bytes] = mapped_column(LargeBinary)
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime, index=True)
