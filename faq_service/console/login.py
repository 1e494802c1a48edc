"""The console shell's login: the login and logout pages, and `page_user`, the role check of every
console page, which sends a visitor without a login to the login page."""
from __future__ import annotations

import secrets
from urllib.parse import quote

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.concurrency import run_in_threadpool

from faq_service.console.render import page, see_other, texts_for
from faq_service.core.deps import AppState, app_state
from faq_service.core.auth import security
from faq_service.core.auth.login import issue_token
from faq_service.core.auth.audit import audit
from faq_service.core.auth.deps import CurrentUser, current_user, require_role

router = APIRouter(prefix="/console", include_in_schema=False)


def page_user(role: str):
    """Like require_role, but a missing login redirects (303) to the login page."""
    check = require_role(role)

    async def dependency(request: Request) -> CurrentUser:
        try:
            return await check(request)
        except HTTPException as exc:
            if exc.status_code == 401:
                target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
                raise HTTPException(303, "login required",
                                    headers={"Location": "/console/login?next=" + quote(target, safe="")})
            raise
    return dependency


def _safe_next(value: str | None) -> str:
    return value if value and value.startswith("/console") and not value.startswith("//") else "/console"


# ------------------------------------------------------------------ login / logout
@router.get("/login")
async def login_form(request: Request, next: str | None = None, state: AppState = Depends(app_state)):
    if await current_user(request) is not None:
        return see_other(_safe_next(next))
    nonce = request.cookies.get(security.LOGIN_CSRF_COOKIE) or secrets.token_hex(16)
    response = page(request, None, "login.html", next=_safe_next(next),
                    login_csrf=security.csrf_for(state.settings.secret_key, "login:" + nonce))
    response.set_cookie(security.LOGIN_CSRF_COOKIE, nonce, httponly=True, samesite="strict",
                        secure=state.settings.staff_cookie_secure, path="/console")
    return response


@router.post("/login")
async def login(request: Request, state: AppState = Depends(app_state)):
    form = await request.form()
    nonce = request.cookies.get(security.LOGIN_CSRF_COOKIE) or ""
    if not nonce or not security.csrf_ok(state.settings.secret_key, "login:" + nonce, form.get("csrf_token")):
        raise HTTPException(403, "missing or invalid CSRF token")
    t = texts_for(request)
    nxt = _safe_next(str(form.get("next") or ""))
    login_csrf = security.csrf_for(state.settings.secret_key, "login:" + nonce)
    try:
        user, token, ttl = await run_in_threadpool(issue_token, state, str(form.get("username") or ""),
                                                   str(form.get("password") or ""), "console", "session")
    except HTTPException as exc:
        error = t["login_locked"] if exc.status_code == 429 else t["login_failed"]
        response = page(request, None, "login.html", status_code=exc.status_code, error=error, next=nxt,
                        login_csrf=login_csrf, username=str(form.get("username") or ""))
        if exc.headers:
            response.headers.update(exc.headers)
        return response
    response = see_other(nxt)
    response.set_cookie(security.SESSION_COOKIE, token, max_age=ttl, httponly=True, samesite="lax",
                        secure=state.settings.staff_cookie_secure, path="/")
    response.delete_cookie(security.LOGIN_CSRF_COOKIE, path="/console")
    return response


@router.post("/logout")
def logout(user: CurrentUser = Depends(require_role("viewer")), state: AppState = Depends(app_state)):
    with state.db.session() as s:
        audit(s, user, "logout", "console")
    response = see_other("/console/login")
    response.delete_cookie(security.SESSION_COOKIE, path="/")
    return response


def install(app, settings) -> None:
    """The shell's own stylesheet; the domains register their templates and navigation links."""
    from fastapi.staticfiles import StaticFiles

    from faq_service.console.render import CONSOLE_DIR

    app.mount("/console/static", StaticFiles(directory=str(CONSOLE_DIR / "static")), name="console-static")
