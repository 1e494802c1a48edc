"""Staff API: bearer tokens, the caller's account, user administration and the audit trail.
Logging in itself is core/auth/login.py, which the console login page shares."""
from __future__ import annotations

from typing import Literal

from fastapi import APIRouter, Depends, HTTPException, Path, Query, Request
from fastapi.concurrency import run_in_threadpool
from pydantic import BaseModel, EmailStr, Field, ValidationError

from faq_service.core.auth.deps import CurrentUser, require_role, role_extra
from faq_service.core.auth.login import issue_token
from faq_service.core.deps import AppState, SessionRunner, app_state, session_runner
from faq_service.core.schema import Offset, RequestBody, Timestamp, link
from faq_service.staff import service as staff

router = APIRouter(prefix="/api/v1/staff", tags=["staff"])
Role = Literal["viewer", "editor", "reviewer", "admin"]


USERNAME = staff.USERNAME.pattern


class TokenIn(RequestBody):
    username: str = Field(min_length=1, max_length=120)
    password: str = Field(min_length=1, max_length=1000)


class TokenOut(BaseModel):
    access_token: str
    token_type: str = "bearer"
    expires_in: int
    username: str
    role: str


class UserOut(BaseModel):
    username: str
    role: Role
    active: bool
    complaints_officer: bool = Field(description="may read and handle complaints (outside the role ladder)")
    email: str | None = Field(None, description="where a complaints officer is told of new complaints")
    created_at: Timestamp


class UserIn(RequestBody):
    username: str = Field(pattern=USERNAME, description="2–80 letters, digits, dot, dash, underscore or @")
    password: str = Field(min_length=staff.MIN_PASSWORD, max_length=1000)
    role: Role = "viewer"
    email: EmailStr | None = Field(None, description="optional e-mail address (checked with email-validator)")


class UserPatch(RequestBody):
    role: Role | None = None
    active: bool | None = None
    password: str | None = Field(None, min_length=staff.MIN_PASSWORD, max_length=1000,
                                 description="a new password (the account's tokens stop working)")
    complaints_officer: bool | None = Field(None, description="grant (true) or revoke (false); audited")
    email: EmailStr | Literal[""] | None = Field(None, description='a new address; "" or null removes it')


@router.post("/token", response_model=TokenOut, responses={401: {}, 429: {}, 503: {}},
             openapi_extra={"requestBody": {"required": True, "content": {
                 "application/json": {"schema": TokenIn.model_json_schema()},
                 "application/x-www-form-urlencoded": {"schema": TokenIn.model_json_schema()}}}})
async def token(request: Request, state: AppState = Depends(app_state)) -> TokenOut:
    """A bearer token for the staff API, from a user name and password (JSON or form)."""
    if request.headers.get("content-type", "").startswith("application/json"):
        try:
            raw = await request.json()
        except (ValueError, RecursionError):
            raise HTTPException(422, "invalid JSON")
    else:
        raw = dict(await request.form())
    try:
        body = TokenIn.model_validate(raw)
    except ValidationError as exc:
        raise HTTPException(422, "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors()))
    user, tok, ttl = await run_in_threadpool(issue_token, state, body.username, body.password, "api", "bearer")
    return TokenOut(access_token=tok, expires_in=ttl, username=user.username, role=user.role)


@router.get("/me", openapi_extra=role_extra("viewer"))
def me(user: CurrentUser = Depends(require_role("viewer"))) -> dict:
    return {"username": user.username, "role": user.role, "via": user.via}


@router.get("/users", response_model=list[UserOut], openapi_extra=role_extra("admin"))
def list_users(user: CurrentUser = Depends(require_role("admin")), state: AppState = Depends(app_state)):
    with state.db.session() as s:
        return [UserOut.model_validate(u, from_attributes=True) for u in staff.list_users(s)]


def _user_out(user) -> UserOut:
    return UserOut.model_validate(user, from_attributes=True)


@router.post("/users", response_model=UserOut, status_code=201, openapi_extra=role_extra("admin"), responses={
    201: {"links": {"update": link("update_user", "change this account", username="$response.body#/username")}}})
def create_user(body: UserIn, user: CurrentUser = Depends(require_role("admin")),
                run: SessionRunner = Depends(session_runner)):
    """A new account; 409 when the user name is taken."""
    return run.here(lambda s: _user_out(staff.create_user(s, user, body.username, body.password, body.role,
                                                          body.email)))


@router.patch("/users/{username}", response_model=UserOut, openapi_extra=role_extra("admin"))
def update_user(body: UserPatch, username: str = Path(max_length=80), user: CurrentUser = Depends(require_role("admin")),
                run: SessionRunner = Depends(session_runner)):
    email = (body.email or "") if "email" in body.model_fields_set else None  # given as null: removed
    return run.here(lambda s: _user_out(staff.update_user(s, user, username, body.role, body.active, body.password,
                                                            body.complaints_officer, email)))


@router.get("/audit", openapi_extra=role_extra("admin"))
def audit_log(username: str | None = Query(None, max_length=80), action: str | None = Query(None, max_length=48),
              limit: int = Query(100, ge=1, le=1000), offset: Offset = 0,
              user: CurrentUser = Depends(require_role("admin")), state: AppState = Depends(app_state)) -> dict:
    with state.db.session() as s:
        rows, total = staff.audit_rows(s, limit, offset, username, action)
        return {"total": total, "items": [{"id": r.id, "at": r.at, "username": r.username, "action": r.action,
                                           "target": r.target, "detail": r.detail} for r in rows]}


