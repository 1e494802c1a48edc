"""Console pages: try a question, import/export, users (admin) and the audit trail (admin)."""
from __future__ import annotations

from fastapi import APIRouter, Depends, HTTPException, Request, Response
from starlette.datastructures import UploadFile

from faq_service.console import transfer
from faq_service.console.pages import page_user, see_other
from faq_service.console.render import page, texts_for
from faq_service.deps import AppState, app_state
from faq_service.staff import service as staff
from faq_service.staff.deps import CurrentUser
from faq_service.staff.models import ROLES

router = APIRouter(prefix="/console", include_in_schema=False)


@router.get("/try")
async def try_page(request: Request, q: str = "", lang: str = "", user: CurrentUser = Depends(page_user("viewer")),
                   state: AppState = Depends(app_state)):
    result = None
    q = q.strip()[:1000]
    if q and state.knowledge.ready.is_set():
        result = await transfer.try_question(state, q, lang or None)
    return page(request, user, "try.html", q=q, qlang=lang, result=result)


@router.get("/transfer")
def transfer_page(request: Request, user: CurrentUser = Depends(page_user("viewer"))):
    return page(request, user, "transfer.html", report=None)


@router.post("/import")
async def import_validate(request: Request, user: CurrentUser = Depends(page_user("reviewer")),
                          state: AppState = Depends(app_state)):
    form = await request.form()
    file = form.get("file")
    if not isinstance(file, UploadFile) or not file.filename:
        return page(request, user, "transfer.html", status_code=422, report=None,
                    error=texts_for(request)["import_no_file"])
    data = await transfer.read_upload(file, state.settings.max_upload_bytes)
    report = await state.db.run(transfer.validate, user, file.filename, data)
    return page(request, user, "transfer.html", report=report, status_code=200 if report["valid"] else 422)


@router.post("/import/{import_id}/apply")
def import_apply(request: Request, import_id: str, user: CurrentUser = Depends(page_user("reviewer")),
                 state: AppState = Depends(app_state)):
    try:
        with state.db.session() as s:
            counts = transfer.apply(s, user, import_id)
    except (LookupError, ValueError) as exc:
        return page(request, user, "transfer.html", status_code=422, report=None, error=str(exc))
    return page(request, user, "transfer.html", report=None, applied=counts)


@router.get("/export")
def export(format: str = "yaml", user: CurrentUser = Depends(page_user("viewer")),
           state: AppState = Depends(app_state)):
    try:
        with state.db.session() as s:
            data, media, name = transfer.export(s, user, format)
    except ValueError as exc:
        raise HTTPException(422, str(exc))
    return Response(data, media_type=media, headers={"Content-Disposition": f'attachment; filename="{name}"'})


@router.get("/users")
def users_page(request: Request, flash: str = "", user: CurrentUser = Depends(page_user("admin")),
               state: AppState = Depends(app_state)):
    with state.db.session() as s:
        users = staff.list_users(s)
    t = texts_for(request)
    return page(request, user, "users.html", users=users, roles=ROLES, flash=t.get(flash, "") if flash else "")


@router.post("/users")
async def users_change(request: Request, user: CurrentUser = Depends(page_user("admin")),
                       state: AppState = Depends(app_state)):
    form = await request.form()
    username = str(form.get("username") or "").strip()

    def change(s) -> None:  # on a worker thread: hashing a new password takes a while
        if form.get("op") == "create":
            staff.create_user(s, user, username, str(form.get("password") or ""), str(form.get("role") or ""))
        else:
            active = {"yes": True, "no": False}.get(str(form.get("active") or ""))
            staff.update_user(s, user, username, str(form.get("role") or "") or None, active,
                              str(form.get("password") or "") or None)

    try:
        await state.db.run(change)
    except (staff.StaffError, LookupError) as exc:
        users = await state.db.run(staff.list_users)
        return page(request, user, "users.html", status_code=422, users=users, roles=ROLES, error=str(exc))
    return see_other("/console/users?flash=flash_saved")


@router.get("/audit")
def audit_page(request: Request, username: str = "", action: str = "", offset: int = 0,
               user: CurrentUser = Depends(page_user("admin")), state: AppState = Depends(app_state)):
    with state.db.session() as s:
        rows, total = staff.audit_rows(s, 200, max(0, offset), username[:80] or None, action[:48] or None)
    return page(request, user, "audit.html", rows=rows, total=total, username=username, action=action,
                offset=max(0, offset))
