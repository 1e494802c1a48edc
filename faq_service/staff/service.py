"""Staff account administration: creating and changing users, listing them, reading the audit trail.
Logging in is core/auth/login.py: every page and route needs it, not only this domain's."""
from __future__ import annotations

import re

from email_validator import EmailNotValidError, validate_email
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from faq_service.core.db import utcnow
from faq_service.core.errors import ConflictError
from faq_service.core.auth import security
from faq_service.core.auth.audit import audit
from faq_service.core.auth.models import ROLES, StaffAudit, StaffUser

USERNAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._@-]{1,79}$")
MIN_PASSWORD = 10
OFFICER_AUDIT = "user.complaints_officer"  # granting or revoking the complaints-officer flag


class StaffError(ValueError):
    pass


class UserExists(StaffError, ConflictError):
    pass


def check_new_account(username: str, password: str, role: str) -> None:
    if not USERNAME.fullmatch(username or ""):
        raise StaffError("user name: 2–80 letters, digits, dot, dash, underscore or @")
    if role not in ROLES:
        raise StaffError(f"role must be one of {', '.join(ROLES)}")
    check_password(password)


def check_password(password: str) -> None:
    if len(password or "") < MIN_PASSWORD:
        raise StaffError(f"the password needs at least {MIN_PASSWORD} characters")


def check_email(value: str | None) -> str | None:
    """The address in its normal form, or None for none; StaffError for one that is not an address
    (syntax only: no mail server is asked)."""
    value = (value or "").strip()
    if not value:
        return None
    try:
        return validate_email(value, check_deliverability=False).normalized
    except EmailNotValidError as exc:
        raise StaffError(f"e-mail address: {exc}") from exc


def get_user(session: Session, username: str) -> StaffUser | None:
    return session.scalar(select(StaffUser).where(StaffUser.username == username))


def create_user(session: Session, actor, username: str, password: str, role: str,
                email: str | None = None) -> StaffUser:
    check_new_account(username, password, role)
    email = check_email(email)
    if get_user(session, username) is not None:
        raise UserExists(f"user {username!r} already exists")
    user = StaffUser(username=username, password_hash=security.hash_password(password), role=role,
                     active=True, token_version=1, email=email)
    session.add(user)
    session.flush()
    audit(session, actor, "user.create", username, {"role": role, **({"email": "set"} if email else {})})
    return user


def update_user(session: Session, actor, username: str, role: str | None = None,
                active: bool | None = None, password: str | None = None,
                complaints_officer: bool | None = None, email: str | None = None) -> StaffUser:
    """Changes what is given; `email`: None keeps the address, "" removes it."""
    user = get_user(session, username)
    if user is None:
        raise LookupError(f"no user {username!r}")
    changes: dict = {}
    if email is not None:
        new_email = check_email(email)
        if new_email != user.email:  # the trail says that it changed, not the address
            changes["email"] = "set" if new_email else "removed"
            user.email = new_email
    if role is not None and role != user.role:
        if role not in ROLES:
            raise StaffError(f"role must be one of {', '.join(ROLES)}")
        changes["role"] = [user.role, role]
        user.role = role
    if active is not None and active != user.active:
        changes["active"] = [user.active, active]
        user.active = active
        user.token_version += 1
    if password:
        check_password(password)
        user.password_hash = security.hash_password(password)
        user.token_version += 1
        changes["password"] = "changed"
    if changes:
        user.updated_at = utcnow()
        audit(session, actor, "user.update", username, changes)
    if complaints_officer is not None and complaints_officer != user.complaints_officer:
        # An action of its own: the complaints desk shows every officer these grants and revocations.
        user.complaints_officer = complaints_officer
        user.updated_at = utcnow()
        audit(session, actor, OFFICER_AUDIT, username, {"complaints_officer": complaints_officer})
    return user


def complaints_officers(session: Session) -> list[StaffUser]:
    """The active accounts holding the complaints-officer flag."""
    return list(session.scalars(select(StaffUser).where(StaffUser.complaints_officer.is_(True),
                                                        StaffUser.active.is_(True)).order_by(StaffUser.username)))


def list_users(session: Session) -> list[StaffUser]:
    return list(session.scalars(select(StaffUser).order_by(StaffUser.username)))


def count_users(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(StaffUser)) or 0


def audit_rows(session: Session, limit: int = 200, offset: int = 0, username: str | None = None,
               action: str | None = None) -> tuple[list[StaffAudit], int]:
    query = select(StaffAudit)
    if username:
        query = query.where(StaffAudit.username == username)
    if action:
        query = query.where(StaffAudit.action.startswith(action))
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    rows = session.scalars(query.order_by(StaffAudit.id.desc()).limit(limit).offset(offset))
    return list(rows), total
