"""Staff accounts and login: creating users, checking passwords, slowing down and locking repeated
failures (per user name, in the database so that every process sees the same count)."""
from __future__ import annotations

import math
import re
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from faq_service.db import utcnow
from faq_service.staff import security
from faq_service.staff.audit import audit
from faq_service.staff.models import ROLES, LoginThrottle, StaffAudit, StaffUser

USERNAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._@-]{1,79}$")
MIN_PASSWORD = 10


class StaffError(ValueError):
    pass


def aware(value: datetime | None) -> datetime | None:
    """SQLite hands back naive datetimes; every stored time is UTC."""
    if value is not None and value.tzinfo is None:
        return value.replace(tzinfo=timezone.utc)
    return value


def check_new_account(username: str, password: str, role: str) -> None:
    if not USERNAME.match(username or ""):
        raise StaffError("user name: 2–80 letters, digits, dot, dash, underscore or @")
    if role not in ROLES:
        raise StaffError(f"role must be one of {', '.join(ROLES)}")
    check_password(password)


def check_password(password: str) -> None:
    if len(password or "") < MIN_PASSWORD:
        raise StaffError(f"the password needs at least {MIN_PASSWORD} characters")


def get_user(session: Session, username: str) -> StaffUser | None:
    return session.scalar(select(StaffUser).where(StaffUser.username == username))


def create_user(session: Session, actor, username: str, password: str, role: str) -> StaffUser:
    check_new_account(username, password, role)
    if get_user(session, username) is not None:
        raise StaffError(f"user {username!r} already exists")
    user = StaffUser(username=username, password_hash=security.hash_password(password), role=role,
                     active=True, token_version=1)
    session.add(user)
    session.flush()
    audit(session, actor, "user.create", username, {"role": role})
    return user


def update_user(session: Session, actor, username: str, role: str | None = None,
                active: bool | None = None, password: str | None = None) -> StaffUser:
    user = get_user(session, username)
    if user is None:
        raise LookupError(username)
    changes: dict = {}
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
    return user


def list_users(session: Session) -> list[StaffUser]:
    return list(session.scalars(select(StaffUser).order_by(StaffUser.username)))


def count_users(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(StaffUser)) or 0


@dataclass
class LoginResult:
    user: StaffUser | None = None
    retry_after: int | None = None   # set when throttled or locked: answer 429


def _wait_s(row: LoginThrottle, now: datetime, slow_after: int) -> float:
    """Seconds until the next attempt is allowed (0 when it is)."""
    locked = aware(row.locked_until)
    if locked and locked > now:
        return (locked - now).total_seconds()
    if row.failures >= slow_after and row.last_failure_at:
        delay = min(2 ** (row.failures - slow_after), 60)
        return max(0.0, (aware(row.last_failure_at) + timedelta(seconds=delay) - now).total_seconds())
    return 0.0


def authenticate(session: Session, username: str, password: str, settings, channel: str) -> LoginResult:
    """Check a login; every outcome is audited. Repeated failures slow down (exponential wait after
    `login_slow_after` failures), then lock the name for `login_lock_seconds`."""
    key = (username or "").strip().lower()[:120]
    now = utcnow()
    row = session.get(LoginThrottle, key, with_for_update=True)
    if row is not None:
        wait = _wait_s(row, now, settings.login_slow_after)
        if wait > 0:
            audit(session, username or None, "login.throttled", channel, {"retry_after": math.ceil(wait)})
            return LoginResult(retry_after=max(1, math.ceil(wait)))
    user = get_user(session, (username or "").strip())
    ok = user is not None and user.active and security.verify_password(password or "", user.password_hash)
    if user is None:
        security.burn_time(password or "")
    if ok:
        if row is not None:
            session.delete(row)
        audit(session, user, "login", channel)
        return LoginResult(user=user)
    if row is None:
        row = LoginThrottle(key=key, failures=0)
        session.add(row)
    if aware(row.locked_until) and aware(row.locked_until) <= now:
        row.failures, row.locked_until = 0, None  # a served lock starts the count again
    row.failures += 1
    row.last_failure_at = now
    detail = {"failures": row.failures}
    if row.failures >= settings.login_lock_after:
        row.locked_until = now + timedelta(seconds=settings.login_lock_seconds)
        detail["locked_until"] = row.locked_until.isoformat()
    audit(session, username or None, "login.failed", channel, detail)
    return LoginResult()


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
