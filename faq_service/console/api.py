"""Staff API for curation: entries (drafts, revisions, publishing, history, revert), try a question,
import (validate, then apply) and export. Installs the console pages too."""
from __future__ import annotations

from typing import Literal

from fastapi import APIRouter, Depends, FastAPI, File, HTTPException, Query, Response, UploadFile
from fastapi.staticfiles import StaticFiles
from pydantic import BaseModel, Field, ValidationError

from faq_service.console import entries as svc
from faq_service.console import transfer
from faq_service.console.render import CONSOLE_DIR
from faq_service.deps import AppState, app_state
from faq_service.faqs.schemas import EntryIn, LangBlock
from faq_service.staff.api import role_extra
from faq_service.staff.deps import CurrentUser, require_role

router = APIRouter(prefix="/api/v1/staff", tags=["staff"])


class EntryEdit(BaseModel):
    """The editable content of an entry (the key cannot change)."""

    category: str = Field("general", min_length=1, max_length=80)
    needs_review: bool = False
    source_url: str | None = Field(None, max_length=500)
    th: LangBlock | None = None
    en: LangBlock | None = None

    def entry_in(self, key: str) -> EntryIn:
        try:
            return EntryIn.model_validate({"key": key, **self.model_dump()})
        except ValidationError as exc:
            raise HTTPException(422, "; ".join(f"{'.'.join(map(str, e['loc'])) or 'entry'}: {e['msg']}"
                                               for e in exc.errors()))


class EntryCreate(EntryEdit):
    key: str = Field(min_length=1, max_length=120)


class IdsIn(BaseModel):
    ids: list[int] = Field(min_length=1, max_length=1000)


class RevertIn(BaseModel):
    history_id: int


class TryIn(BaseModel):
    question: str = Field(min_length=1, max_length=1000)
    lang: Literal["th", "en"] | None = None


def _entry_or_404(fn, *args):
    try:
        return fn(*args)
    except LookupError as exc:
        raise HTTPException(404, str(exc))
    except (svc.EntryError, ValueError) as exc:
        raise HTTPException(422, str(exc))


@router.get("/entries", openapi_extra=role_extra("viewer"))
def list_entries(q: str | None = Query(None, max_length=200), category: str | None = Query(None, max_length=80),
                 status: Literal["draft", "published", "archived"] | None = None,
                 needs_review: bool | None = None, missing_lang: Literal["th", "en"] | None = None,
                 pending: bool | None = None, limit: int = Query(50, ge=1, le=500), offset: int = Query(0, ge=0),
                 user: CurrentUser = Depends(require_role("viewer")), state: AppState = Depends(app_state)) -> dict:
    with state.db.session() as s:
        rows, total = svc.list_entries(s, q, category, status, needs_review, missing_lang, pending, limit, offset)
        return {"total": total, "items": [svc.view(e) for e in rows]}


@router.get("/entries/{entry_id}", openapi_extra=role_extra("viewer"))
def get_entry(entry_id: int, user: CurrentUser = Depends(require_role("viewer")),
              state: AppState = Depends(app_state)) -> dict:
    with state.db.session() as s:
        return svc.view(_entry_or_404(svc.get, s, entry_id))


@router.post("/entries", status_code=201, openapi_extra=role_extra("editor"))
def create_entry(body: EntryCreate, user: CurrentUser = Depends(require_role("editor")),
                 state: AppState = Depends(app_state)) -> dict:
    with state.db.session() as s:
        return svc.view(_entry_or_404(svc.create, s, user, body.entry_in(body.key)))


@router.put("/entries/{entry_id}", openapi_extra=role_extra("editor"))
def edit_entry(entry_id: int, body: EntryEdit, user: CurrentUser = Depends(require_role("editor")),
               state: AppState = Depends(app_state)) -> dict:
    """A published entry keeps its live text; the edit becomes its draft revision until published."""
    with state.db.session() as s:
        entry = _entry_or_404(svc.get, s, entry_id)
        result = _entry_or_404(svc.edit, s, user, entry_id, body.entry_in(entry.key))
        return {"result": result, **svc.view(entry)}


@router.post("/entries/{entry_id}/publish", openapi_extra=role_extra("reviewer"))
def publish_entry(entry_id: int, user: CurrentUser = Depends(require_role("reviewer")),
                  state: AppState = Depends(app_state)) -> dict:
    with state.db.session() as s:
        published = _entry_or_404(svc.publish, s, user, entry_id)
        return {"published": published, **svc.view(svc.get(s, entry_id))}


@router.post("/entries/{entry_id}/discard-draft", openapi_extra=role_extra("editor"))
def discard_draft(entry_id: int, user: CurrentUser = Depends(require_role("editor")),
                  state: AppState = Depends(app_state)) -> dict:
    with state.db.session() as s:
        return {"discarded": _entry_or_404(svc.discard_draft, s, user, entry_id)}


@router.post("/entries/{entry_id}/archive", openapi_extra=role_extra("reviewer"))
def archive_entry(entry_id: int, user: CurrentUser = Depends(require_role("reviewer")),
                  state: AppState = Depends(app_state)) -> dict:
    with state.db.session() as s:
        _entry_or_404(svc.set_status, s, user, entry_id, "archived")
        return svc.view(svc.get(s, entry_id))


@router.get("/entries/{entry_id}/history", openapi_extra=role_extra("viewer"))
def entry_history(entry_id: int, user: CurrentUser = Depends(require_role("viewer")),
                  state: AppState = Depends(app_state)) -> dict:
    with state.db.session() as s:
        _entry_or_404(svc.get, s, entry_id)
        return {"items": svc.history(s, entry_id)}


@router.post("/entries/{entry_id}/revert", openapi_extra=role_extra("editor"))
def revert_entry(entry_id: int, body: RevertIn, user: CurrentUser = Depends(require_role("editor")),
                 state: AppState = Depends(app_state)) -> dict:
    with state.db.session() as s:
        result = _entry_or_404(svc.revert, s, user, entry_id, body.history_id)
        return {"result": result, **svc.view(svc.get(s, entry_id))}


@router.post("/entries/bulk-publish", openapi_extra=role_extra("reviewer"))
def bulk_publish(body: IdsIn, user: CurrentUser = Depends(require_role("reviewer")),
                 state: AppState = Depends(app_state)) -> dict:
    with state.db.session() as s:
        return svc.bulk_publish(s, user, body.ids)


@router.post("/try", openapi_extra=role_extra("viewer"))
async def try_question(body: TryIn, user: CurrentUser = Depends(require_role("viewer")),
                       state: AppState = Depends(app_state)) -> dict:
    """The live ranking for a question, with scores: nothing is logged."""
    if not state.knowledge.ready.is_set():
        raise HTTPException(503, "the knowledge base is still loading")
    return await transfer.try_question(state, body.question, body.lang)


@router.post("/import/validate", openapi_extra=role_extra("reviewer"))
async def import_validate(file: UploadFile = File(...), user: CurrentUser = Depends(require_role("reviewer")),
                          state: AppState = Depends(app_state)) -> dict:
    """Check a .yml/.csv/.xlsx file and report what it would do; nothing is written to the entries."""
    data = await transfer.read_upload(file, state.settings.max_upload_bytes)
    return await state.db.run(transfer.validate, user, file.filename or "upload", data)


@router.post("/import/{import_id}/apply", openapi_extra=role_extra("reviewer"))
def import_apply(import_id: str, user: CurrentUser = Depends(require_role("reviewer")),
                 state: AppState = Depends(app_state)) -> dict:
    with state.db.session() as s:
        return _entry_or_404(transfer.apply, s, user, import_id)


@router.get("/export", openapi_extra=role_extra("viewer"))
def export(format: Literal["yaml", "csv", "xlsx"] = "yaml", user: CurrentUser = Depends(require_role("viewer")),
           state: AppState = Depends(app_state)) -> Response:
    with state.db.session() as s:
        data, media, name = transfer.export(s, user, format)
    return Response(data, media_type=media, headers={"Content-Disposition": f'attachment; filename="{name}"'})


def install(app: FastAPI, settings) -> None:
    from faq_service.console import pages, pages_tools

    app.include_router(router)
    app.mount("/console/static", StaticFiles(directory=str(CONSOLE_DIR / "static")), name="console-static")
    app.include_router(pages.router)
    app.include_router(pages_tools.router)
