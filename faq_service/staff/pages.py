"""Console pages of staff administration (admin): users and the audit trail."""
from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter, Depends, Request

from faq_service.console.login import page_user
from faq_service.console.render import page, register_nav, register_template_dir, see_other, texts_for
from faq_service.core.auth.deps import CurrentUser
from faq_service.core.auth.models import ROLES
from faq_service.core.deps import AppState, app_state
from faq_service.staff import service as staff

router = APIRouter(prefix="/console", include_in_schema=False)


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
            staff.create_user(s, user, username, str(form.get("password") or ""), str(form.get("role") or ""),
                              str(form.get("email") or ""))
        else:
            active = {"yes": True, "no": False}.get(str(form.get("active") or ""))
            officer = {"yes": True, "no": False}.get(str(form.get("complaints_officer") or ""))
            email = str(form.get("email") or "") if "email" in form else None  # an emptied field removes it
            staff.update_user(s, user, username, str(form.get("role") or "") or None, active,
                              str(form.get("password") or "") or None, officer, email)

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


def install(app, settings) -> None:
    register_template_dir(Path(__file__).parent / "templates")
    register_nav("/console/users", "ผู้ใช้", "Users", "admin", order=50)
    register_nav("/console/audit", "บันทึกการใช้งาน", "Audit log", "admin", order=60)
