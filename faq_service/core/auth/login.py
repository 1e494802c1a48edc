"""Logging in: checking a password, slowing down and locking repeated failures (per user name, in the
database so that every process sees the same count), and issuing the signed session or bearer token."""
from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from fastapi import HTTPException
from sqlalchemy import select
from sqlalchemy.orm import Session

from faq_service.core.auth import security
from faq_service.core.auth.audit import audit
from faq_service.core.auth.models import LoginThrottle, StaffUser
from faq_service.core.db import utcnow


@dataclass
class LoginResult:
    user: StaffUser | None = None
    retry_after: int | None = None   # set when throttled or locked: answer 429


def _wait_s(row: LoginThrottle, now: datetime, slow_after: int) -> float:
    """Seconds until the next attempt is allowed (0 when it is)."""
    locked = row.locked_until
    if locked and locked > now:
        return (locked - now).total_seconds()
    if row.failures >= slow_after and row.last_failure_at:
        delay = min(2 ** (row.failures - slow_after), 60)
        return max(0.0, (row.last_failure_at + timedelta(seconds=delay) - now).total_seconds())
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
    user = session.scalar(select(StaffUser).where(StaffUser.username == (username or "").strip()))
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
    if row.locked_until and row.locked_until <= now:
        row.failures, row.locked_until = 0, None  # a served lock starts the count again
    row.failures += 1
    row.last_failure_at = now
    detail = {"failures": row.failures}
    if row.failures >= settings.login_lock_after:
        row.locked_until = now + timedelta(seconds=settings.login_lock_seconds)
        detail["locked_until"] = row.locked_until.isoformat()
    audit(session, username or None, "login.failed", channel, detail)
    return LoginResult()



def issue_token(state, username: str, password: str, channel: str, kind: str):
    """(user, token, ttl) on success; raises 401 or 429 (with Retry-After)."""
    settings = state.settings
    with state.db.session() as s:
        result = authenticate(s, username, password, settings, channel)
        user = result.user
        if user is not None:
            s.expunge(user)
    if result.retry_after:
        raise HTTPException(429, "too many failed logins; try again later",
                            headers={"Retry-After": str(result.retry_after)})
    if user is None:
        raise HTTPException(401, "wrong user name or password")
    ttl = settings.staff_token_minutes * 60 if kind == "bearer" else settings.staff_session_hours * 3600
    token = security.sign_token(settings.secret_key, username=user.username,
                                token_version=user.token_version, kind=kind, ttl_s=ttl)
    return user, token, int(ttl)
