"""Who is calling: the staff session cookie or `Authorization: Bearer <token>`.

`require_role(role)` is the dependency every staff route uses: 401 without a valid login, 403 when
the account's role is below `role` (admin ⊃ reviewer ⊃ editor ⊃ viewer). Complaints officers are a
flag outside that ladder (`require_complaints_officer`): no role, admin included, implies it. A cookie-authenticated
request that changes something (POST, PUT, PATCH, DELETE) must also carry the session's CSRF token,
as the form field `csrf_token` or the header `X-CSRF-Token`; a missing or wrong token → 403.
"""
from __future__ import annotations

from dataclasses import dataclass

from fastapi import HTTPException, Request, Security
from fastapi.concurrency import run_in_threadpool
from fastapi.security import HTTPBearer
from sqlalchemy import select

from faq_service.core.auth import security
from faq_service.core.auth.models import ROLES, StaffUser, role_rank
from faq_service.core.errors import may_answer

SAFE_METHODS = ("GET", "HEAD", "OPTIONS")
COMPLAINTS_OFFICER = "complaints_officer"  # the flag's name where a role name is expected (navigation, OpenAPI)
# Documents the staff API's authentication in the OpenAPI (read by current_user, as is the console cookie).
STAFF_BEARER = HTTPBearer(scheme_name="StaffBearer", auto_error=False,
                          description="a token from POST /api/v1/staff/token")


@dataclass(frozen=True)
class CurrentUser:
    id: int
    username: str
    role: str
    via: str                 # "session" or "bearer"
    csrf_token: str | None   # for forms on pages (session logins only)
    complaints_officer: bool = False

    def has(self, role: str) -> bool:
        """A role of the ladder, or COMPLAINTS_OFFICER: the flag alone, whatever the role."""
        if role == COMPLAINTS_OFFICER:
            return self.complaints_officer
        return role_rank(self.role) >= role_rank(role)


def _state(request: Request):
    return request.app.state.thamtob


def _load(request: Request, payload: dict) -> StaffUser | None:
    with _state(request).db.session() as s:
        user = s.scalar(select(StaffUser).where(StaffUser.username == payload.get("u")))
        if user is None or not user.active or user.token_version != payload.get("v"):
            return None
        s.expunge(user)
        return user


async def current_user(request: Request) -> CurrentUser | None:
    """The logged-in staff member, or None. Does not check CSRF."""
    cached = getattr(request.state, "staff_user", None)
    if cached is not None:
        return cached
    secret = _state(request).settings.secret_key
    auth = request.headers.get("authorization", "")
    payload, via = None, None
    if auth[:7].lower() == "bearer ":
        payload, via = security.read_token(secret, auth[7:].strip(), "bearer"), "bearer"
    elif request.cookies.get(security.SESSION_COOKIE):
        payload, via = security.read_token(secret, request.cookies[security.SESSION_COOKIE], "session"), "session"
    if payload is None:
        return None
    user = await run_in_threadpool(_load, request, payload)
    if user is None:
        return None
    csrf = security.csrf_for(secret, payload["sid"]) if via == "session" else None
    found = CurrentUser(user.id, user.username, user.role, via, csrf, bool(user.complaints_officer))
    request.state.staff_user = found
    return found


async def _check_csrf(request: Request, user: CurrentUser) -> None:
    if user.via != "session" or request.method in SAFE_METHODS:
        return
    given = request.headers.get("x-csrf-token")
    if not given and request.headers.get("content-type", "").startswith(
            ("application/x-www-form-urlencoded", "multipart/form-data")):
        form = await request.form()
        given = form.get("csrf_token")
    if not given or not isinstance(given, str) or given != user.csrf_token:
        raise HTTPException(403, "missing or invalid CSRF token")


def require_role(role: str):
    """A FastAPI dependency returning the current user (attributes `username`, `role`)."""
    if role not in ROLES and role != COMPLAINTS_OFFICER:
        raise ValueError(f"unknown role {role!r}; one of {', '.join(ROLES)} or {COMPLAINTS_OFFICER}")

    @may_answer(401, 403, 503)
    async def dependency(request: Request, _bearer=Security(STAFF_BEARER)) -> CurrentUser:
        user = await current_user(request)
        if user is None:
            raise HTTPException(401, "login required", headers={"WWW-Authenticate": "Bearer"})
        if not user.has(role):
            raise HTTPException(403, f"this needs the {role} role")
        await _check_csrf(request, user)
        return user

    dependency.__name__ = f"require_{role}"
    dependency.required_role = role  # type: ignore[attr-defined]
    return dependency


# The complaints-officer flag, checked like a role (CurrentUser.has): no role of the ladder, admin
# included, implies it.
require_complaints_officer = require_role(COMPLAINTS_OFFICER)


require_complaints_officer.required_role = COMPLAINTS_OFFICER  # type: ignore[attr-defined]


def role_extra(role: str) -> dict:
    """Marks a route's required role in the OpenAPI (x-required-role), for clients and tests."""
    return {"x-required-role": role}
