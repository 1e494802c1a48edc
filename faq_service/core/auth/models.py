"""Who may use the console and the staff API: accounts with roles, login throttling, and the audit trail."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Boolean, Integer, String, false
from sqlalchemy.orm import Mapped, mapped_column

from faq_service.core.db import Base, UtcDateTime, utcnow

# Each role includes the ones before it.
ROLES = ("viewer", "editor", "reviewer", "admin")


def role_rank(role: str) -> int:
    return ROLES.index(role) if role in ROLES else -1


class StaffUser(Base):
    __tablename__ = "staff_user"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(80), unique=True, index=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(16), default="viewer")
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    # Raised on a password change or deactivation: every token issued before stops working.
    token_version: Mapped[int] = mapped_column(Integer, default=1)
    # Outside the role ladder: only complaints officers see complaint content (admin alone does not).
    complaints_officer: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    # Where this person is told of new complaints (when a complaints officer); optional, validated.
    email: Mapped[str | None] = mapped_column(String(254))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class LoginThrottle(Base):
    """Failed logins per (lower-cased) user name, shared by every process through the database."""

    __tablename__ = "staff_login_throttle"

    key: Mapped[str] = mapped_column(String(120), primary_key=True)
    failures: Mapped[int] = mapped_column(Integer, default=0)
    last_failure_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    locked_until: Mapped[datetime | None] = mapped_column(UtcDateTime)


class StaffAudit(Base):
    """Who did what, when: logins (and failed ones) and every change made by staff."""

    __tablename__ = "staff_audit"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow, index=True)
    username: Mapped[str] = mapped_column(String(80), index=True)
    action: Mapped[str] = mapped_column(String(48), index=True)
    target: Mapped[str | None] = mapped_column(String(200))
    detail: Mapped[dict | None] = mapped_column(JSON)
