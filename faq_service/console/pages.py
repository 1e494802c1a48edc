"""Console pages: login and logout, the entry list with filters, editing, publishing, history."""
from __future__ import annotations

import secrets
from urllib.parse import quote

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import RedirectResponse
from pydantic import ValidationError

from faq_service.console import entries as svc
from faq_service.console.render import page, secure_headers, texts_for
from faq_service.deps import AppState, app_state
from faq_service.faqs.models import LANGS
from faq_service.faqs.schemas import EntryIn
from faq_service.staff import security
from faq_service.staff.api import issue_token
from faq_service.staff.audit import audit
from faq_service.staff.deps import CurrentUser, current_user, require_role

router = APIRouter(prefix="/console", include_in_schema=False)
PAGE_SIZE = 50


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


def see_other(url: str) -> RedirectResponse:
    response = RedirectResponse(url, status_code=303)
    secure_headers(response)
    return response


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


# ------------------------------------------------------------------ entries
def _flag(value: str | None) -> bool | None:
    return {"yes": True, "no": False}.get(value or "")


@router.get("")
def entry_list(request: Request, q: str = "", category: str = "", status: str = "", needs_review: str = "",
               missing_lang: str = "", pending: str = "", offset: int = 0, flash: str = "",
               user: CurrentUser = Depends(page_user("viewer")), state: AppState = Depends(app_state)):
    filters = {"q": q[:200], "category": category[:80], "status": status if status in
               ("draft", "published", "archived") else "", "needs_review": needs_review,
               "missing_lang": missing_lang if missing_lang in LANGS else "", "pending": pending}
    with state.db.session() as s:
        rows, total = svc.list_entries(s, filters["q"] or None, filters["category"] or None,
                                       filters["status"] or None, _flag(needs_review),
                                       filters["missing_lang"] or None, pending == "yes",
                                       PAGE_SIZE, max(0, offset))
        cats = svc.categories(s)
        items = [svc.view(e) for e in rows]
    t = texts_for(request)
    return page(request, user, "entries.html", items=items, total=total, filters=filters, categories=cats,
                offset=max(0, offset), page_size=PAGE_SIZE, flash=t.get(flash, "") if flash else "")


def _form_entry(form, key: str) -> EntryIn:
    raw: dict = {"key": key, "category": (form.get("category") or "general").strip(),
                 "needs_review": form.get("needs_review") == "on",
                 "source_url": (form.get("source_url") or "").strip() or None}
    for lang in LANGS:
        question = (form.get(f"question_{lang}") or "").strip()
        answer = (form.get(f"answer_{lang}") or "").replace("\r\n", "\n").strip()
        alternates = [a.strip() for a in (form.get(f"alternates_{lang}") or "").splitlines() if a.strip()]
        if question or answer or alternates:
            raw[lang] = {"question": question, "answer": answer, "alternates": alternates}
    return EntryIn.model_validate(raw)


def _problems(exc: ValidationError) -> str:
    return "; ".join(f"{'.'.join(map(str, e['loc'])) or 'entry'}: {e['msg']}" for e in exc.errors())


def _form_values(form) -> dict:
    values = {k: (form.get(k) or "") for k in ("key", "category", "source_url", "question_th", "answer_th",
                                               "alternates_th", "question_en", "answer_en", "alternates_en")}
    values["needs_review"] = form.get("needs_review") == "on"
    return values


def _values(content: dict) -> dict:
    out = {k: content.get(k) or "" for k in ("key", "category", "source_url", "question_th", "answer_th",
                                              "question_en", "answer_en")}
    for lang in LANGS:
        out[f"alternates_{lang}"] = "\n".join(content.get(f"alternates_{lang}") or [])
    out["needs_review"] = bool(content.get("needs_review"))
    return out


@router.get("/entries/new")
def new_entry_form(request: Request, user: CurrentUser = Depends(page_user("editor"))):
    return page(request, user, "entry_edit.html", entry=None, values=_values({"category": "general"}))


@router.post("/entries/new")
async def create_entry(request: Request, user: CurrentUser = Depends(page_user("editor")),
                       state: AppState = Depends(app_state)):
    form = await request.form()
    try:
        data = _form_entry(form, (form.get("key") or "").strip())
        entry = await state.db.run(svc.create, user, data)
    except (ValidationError, svc.EntryError) as exc:
        error = _problems(exc) if isinstance(exc, ValidationError) else str(exc)
        return page(request, user, "entry_edit.html", status_code=422, entry=None, values=_form_values(form),
                    error=error)
    return see_other(f"/console/entries/{entry.id}?flash=flash_created")


def _load(state: AppState, entry_id: int) -> dict:
    with state.db.session() as s:
        try:
            entry = svc.get(s, entry_id)
        except LookupError:
            raise HTTPException(404, f"no entry {entry_id}")
        return {"entry": svc.view(entry), "values": _values({"key": entry.key, **svc.working_copy(entry)}),
                "live": _values({"key": entry.key, **{f: getattr(entry, f) for f in svc.EDIT_FIELDS}})}


@router.get("/entries/{entry_id}")
def edit_form(request: Request, entry_id: int, flash: str = "", user: CurrentUser = Depends(page_user("viewer")),
              state: AppState = Depends(app_state)):
    t = texts_for(request)
    return page(request, user, "entry_edit.html", flash=t.get(flash, "") if flash else "", **_load(state, entry_id))


@router.post("/entries/{entry_id}")
async def save_entry(request: Request, entry_id: int, user: CurrentUser = Depends(page_user("editor")),
                     state: AppState = Depends(app_state)):
    form = await request.form()
    loaded = await run_in_threadpool(_load, state, entry_id)
    try:
        data = _form_entry(form, loaded["entry"]["key"])
        result = await state.db.run(svc.edit, user, entry_id, data)
    except (ValidationError, svc.EntryError) as exc:
        error = _problems(exc) if isinstance(exc, ValidationError) else str(exc)
        return page(request, user, "entry_edit.html", status_code=422, entry=loaded["entry"],
                    live=loaded["live"], values={**_form_values(form), "key": loaded["entry"]["key"]}, error=error)
    return see_other(f"/console/entries/{entry_id}?flash=flash_{result}")


def _action(state: AppState, fn, *args):
    try:
        with state.db.session() as s:
            return fn(s, *args)
    except LookupError as exc:
        raise HTTPException(404, str(exc))
    except svc.EntryError as exc:
        raise HTTPException(422, str(exc))


@router.post("/entries/{entry_id}/publish")
def publish(entry_id: int, user: CurrentUser = Depends(page_user("reviewer")), state: AppState = Depends(app_state)):
    done = _action(state, svc.publish, user, entry_id)
    return see_other(f"/console/entries/{entry_id}?flash={'flash_published' if done else 'flash_nothing'}")


@router.post("/entries/{entry_id}/discard-draft")
def discard(entry_id: int, user: CurrentUser = Depends(page_user("editor")), state: AppState = Depends(app_state)):
    _action(state, svc.discard_draft, user, entry_id)
    return see_other(f"/console/entries/{entry_id}?flash=flash_discarded")


@router.post("/entries/{entry_id}/archive")
def archive(entry_id: int, user: CurrentUser = Depends(page_user("reviewer")), state: AppState = Depends(app_state)):
    _action(state, svc.set_status, user, entry_id, "archived")
    return see_other(f"/console/entries/{entry_id}?flash=flash_archived")


@router.get("/entries/{entry_id}/history")
def history(request: Request, entry_id: int, user: CurrentUser = Depends(page_user("viewer")),
            state: AppState = Depends(app_state)):
    loaded = _load(state, entry_id)
    with state.db.session() as s:
        rows = svc.history(s, entry_id)
    return page(request, user, "history.html", entry=loaded["entry"], rows=rows)


@router.post("/entries/{entry_id}/revert")
async def revert(request: Request, entry_id: int, user: CurrentUser = Depends(page_user("editor")),
                 state: AppState = Depends(app_state)):
    form = await request.form()
    try:
        history_id = int(form.get("history_id") or 0)
    except ValueError:
        raise HTTPException(422, "history_id must be a number")
    result = _action(state, svc.revert, user, entry_id, history_id)
    return see_other(f"/console/entries/{entry_id}?flash=flash_{result}")


@router.post("/bulk-publish")
async def bulk_publish(request: Request, user: CurrentUser = Depends(page_user("reviewer")),
                       state: AppState = Depends(app_state)):
    form = await request.form()
    ids = [int(v) for v in form.getlist("ids") if str(v).isdigit()]
    if ids:
        _action(state, svc.bulk_publish, user, ids)
    return see_other("/console?flash=flash_bulk_published")
