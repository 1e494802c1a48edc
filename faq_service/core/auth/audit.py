"""The audit trail: one row per login and per change made by staff (who, when, what)."""
from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from faq_service.core.db import utcnow
from faq_service.core.auth.models import StaffAudit


def _name(user: Any) -> str:
    if user is None:
        return "anonymous"
    if isinstance(user, str):
        return user
    return str(getattr(user, "username", user))


def audit(session: Session, user: Any, action: str, target: str | None = None,
          detail: dict | None = None) -> StaffAudit:
    """Add an audit row in the caller's transaction. `user` is a user object (with `.username`), a
    user name, or None for an anonymous attempt."""
    row = StaffAudit(at=utcnow(), username=_name(user)[:80], action=action[:48],
                     target=None if target is None else str(target)[:200], detail=detail or None)
    session.add(row)
    return row
