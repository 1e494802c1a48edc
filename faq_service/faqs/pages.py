"""Console pages of the knowledge base: the entry list with filters, editing, publishing, history, and
the tools: try a question, import (validate, then apply), export."""
from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter, Depends, HTTPException, Request, Response
from pydantic import ValidationError
from starlette.datastructures import UploadFile

from faq_service.console.forms import flag, problems
from faq_service.console.login import page_user
from faq_service.console.render import page, register_nav, register_template_dir, see_other, texts_for
from faq_service.core.auth.deps import CurrentUser
from faq_service.core.deps import AppState, SessionRunner, app_state, session_runner
from faq_service.faqs import editing as svc
from faq_service.faqs import transfer
from faq_service.faqs.forms import form_entry, form_values, values
from faq_service.faqs.models import LANGS
from faq_service.faqs.try_question import try_question

router = APIRouter(prefix="/console", include_in_schema=False)
PAGE_SIZE = 50


@router.get("")
def entry_list(request: Request, q: str = "", category: str = "", status: str = "", needs_review: str = "",
               missing_lang: str = "", pending: str = "", offset: int = 0, flash: str = "",
               user: CurrentUser = Depends(page_user("viewer")), state: AppState = Depends(app_state)):
    filters = {"q": q[:200], "category": category[:80], "status": status if status in
               ("draft", "published", "archived") else "", "needs_review": needs_review,
               "missing_lang": missing_lang if missing_lang in LANGS else "", "pending": pending}
    with state.db.session() as s:
        rows, total = svc.list_entries(s, filters["q"] or None, filters["category"] or None,
                                       filters["status"] or None, flag(needs_review),
                                       filters["missing_lang"] or None, pending == "yes",
                                       PAGE_SIZE, max(0, offset))
        cats = svc.categories(s)
        items = [svc.view(e) for e in rows]
    t = texts_for(request)
    return page(request, user, "entries.html", items=items, total=total, filters=filters, categories=cats,
                offset=max(0, offset), page_size=PAGE_SIZE, flash=t.get(flash, "") if flash else "")


@router.get("/entries/new")
def new_entry_form(request: Request, user: CurrentUser = Depends(page_user("editor"))):
    return page(request, user, "entry_edit.html", entry=None, values=values({"category": "general"}))


@router.post("/entries/new")
async def create_entry(request: Request, user: CurrentUser = Depends(page_user("editor")),
                       state: AppState = Depends(app_state)):
    form = await request.form()
    try:
        data = form_entry(form, (form.get("key") or "").strip())
        entry = await state.db.run(svc.create, user, data)
    except (ValidationError, svc.EntryError) as exc:
        error = problems(exc) if isinstance(exc, ValidationError) else str(exc)
        return page(request, user, "entry_edit.html", status_code=422, entry=None, values=form_values(form),
                    error=error)
    return see_other(f"/console/entries/{entry.id}?flash=flash_created")


def _load(session, entry_id: int) -> dict:
    try:
        entry = svc.get(session, entry_id)
    except LookupError:
        raise LookupError(f"no entry {entry_id}")
    return {"entry": svc.view(entry), "values": values({"key": entry.key, **svc.working_copy(entry)}),
            "live": values({"key": entry.key, **{f: getattr(entry, f) for f in svc.EDIT_FIELDS}})}


@router.get("/entries/{entry_id}")
def edit_form(request: Request, entry_id: int, flash: str = "", user: CurrentUser = Depends(page_user("viewer")),
              run: SessionRunner = Depends(session_runner)):
    t = texts_for(request)
    return page(request, user, "entry_edit.html", flash=t.get(flash, "") if flash else "", **run.here(_load, entry_id))


@router.post("/entries/{entry_id}")
async def save_entry(request: Request, entry_id: int, user: CurrentUser = Depends(page_user("editor")),
                     run: SessionRunner = Depends(session_runner)):
    form = await request.form()
    loaded = await run(_load, entry_id)
    try:
        data = form_entry(form, loaded["entry"]["key"])
        result = await run.db.run(svc.edit, user, entry_id, data)
    except (ValidationError, svc.EntryError) as exc:
        error = problems(exc) if isinstance(exc, ValidationError) else str(exc)
        return page(request, user, "entry_edit.html", status_code=422, entry=loaded["entry"],
                    live=loaded["live"], values={**form_values(form), "key": loaded["entry"]["key"]}, error=error)
    return see_other(f"/console/entries/{entry_id}?flash=flash_{result}")


@router.post("/entries/{entry_id}/publish")
def publish(entry_id: int, user: CurrentUser = Depends(page_user("reviewer")), run: SessionRunner = Depends(session_runner)):
    done = run.here(svc.publish, user, entry_id)
    return see_other(f"/console/entries/{entry_id}?flash={'flash_published' if done else 'flash_nothing'}")


@router.post("/entries/{entry_id}/discard-draft")
def discard(entry_id: int, user: CurrentUser = Depends(page_user("editor")), run: SessionRunner = Depends(session_runner)):
    run.here(svc.discard_draft, user, entry_id)
    return see_other(f"/console/entries/{entry_id}?flash=flash_discarded")


@router.post("/entries/{entry_id}/archive")
def archive(entry_id: int, user: CurrentUser = Depends(page_user("reviewer")), run: SessionRunner = Depends(session_runner)):
    run.here(svc.set_status, user, entry_id, "archived")
    return see_other(f"/console/entries/{entry_id}?flash=flash_archived")


@router.get("/entries/{entry_id}/history")
def history(request: Request, entry_id: int, user: CurrentUser = Depends(page_user("viewer")),
            run: SessionRunner = Depends(session_runner)):
    loaded = run.here(_load, entry_id)
    rows = run.here(svc.history, entry_id)
    return page(request, user, "history.html", entry=loaded["entry"], rows=rows)


@router.post("/entries/{entry_id}/revert")
async def revert(request: Request, entry_id: int, user: CurrentUser = Depends(page_user("editor")),
                 run: SessionRunner = Depends(session_runner)):
    form = await request.form()
    try:
        history_id = int(form.get("history_id") or 0)
    except ValueError:
        raise HTTPException(422, "history_id must be a number")
    result = await run(svc.revert, user, entry_id, history_id)
    return see_other(f"/console/entries/{entry_id}?flash=flash_{result}")


@router.post("/bulk-publish")
async def bulk_publish(request: Request, user: CurrentUser = Depends(page_user("reviewer")),
                       run: SessionRunner = Depends(session_runner)):
    form = await request.form()
    ids = [int(v) for v in form.getlist("ids") if str(v).isdigit()]
    if ids:
        await run(svc.bulk_publish, user, ids)
    return see_other("/console?flash=flash_bulk_published")


# ------------------------------------------------------------------ tools: try a question, import, export
@router.get("/try")
async def try_page(request: Request, q: str = "", lang: str = "", user: CurrentUser = Depends(page_user("viewer")),
                   state: AppState = Depends(app_state)):
    result = None
    q = q.strip()[:1000]
    if q and state.knowledge.ready.is_set():
        result = await try_question(state, q, lang or None)
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


def install(app, settings) -> None:
    register_template_dir(Path(__file__).parent / "templates")
    for href, label_th, label_en, order in (("/console", "รายการคำถาม", "Entries", 10),
                                            ("/console/try", "ลองถาม", "Try a question", 30),
                                            ("/console/transfer", "นำเข้า/ส่งออก", "Import / export", 40)):
        register_nav(href, label_th, label_en, "viewer", order)
