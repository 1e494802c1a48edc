"""Staff API for curation: entries (drafts, revisions, publishing, history, revert), try a question,
import (validate, then apply) and export."""
from __future__ import annotations

from typing import Literal

from fastapi import APIRouter, Depends, File, HTTPException, Path, Query, Response, UploadFile
from pydantic import Field, ValidationError

from faq_service.core.auth.deps import CurrentUser, require_role, role_extra
from faq_service.core.deps import AppState, SessionRunner, app_state, session_runner
from faq_service.core.schema import Offset, PathId, Question, RequestBody, RowId, link
from faq_service.faqs import editing as svc
from faq_service.faqs import transfer
from faq_service.faqs.schemas import KEY_PATTERN, EntryContent, EntryIn, Status
from faq_service.faqs.try_question import try_question as rank_for_staff

router = APIRouter(prefix="/api/v1/staff", tags=["staff"])


class EntryEdit(EntryContent):
    """The editable content of an entry (the key cannot change)."""

    def entry_in(self, key: str) -> EntryIn:
        try:
            return EntryIn.model_validate({"key": key, **self.model_dump()})
        except ValidationError as exc:
            raise HTTPException(422, "; ".join(f"{'.'.join(map(str, e['loc'])) or 'entry'}: {e['msg']}"
                                               for e in exc.errors()))


class EntryCreate(EntryEdit):
    key: str = Field(pattern=KEY_PATTERN.pattern, description="lowercase letters, digits and dashes; 409 when taken")


class IdsIn(RequestBody):
    ids: list[RowId] = Field(min_length=1, max_length=1000)


class RevertIn(RequestBody):
    history_id: RowId


class TryIn(RequestBody):
    question: Question
    lang: Literal["th", "en"] | None = None


def _entry_links(id_at: str) -> dict:
    """What follows a new or listed entry (for integrators and the stateful tests)."""
    entry = {"entry_id": f"$response.body#{id_at}"}
    return {"links": {name: link(op, f"{name} this entry", **entry) for name, op in (
        ("read", "get_entry"), ("edit", "edit_entry"), ("publish", "publish_entry"), ("history", "entry_history"),
        ("discard_draft", "discard_draft"), ("archive", "archive_entry"))}}


# Files: their media types, no JSON schema to check them against.
EXPORT_TYPES = {media.split(";")[0]: {} for media, _ in transfer.FORMATS.values()}


@router.get("/entries", openapi_extra=role_extra("viewer"), responses={200: _entry_links("/items/0/id")})
def list_entries(q: str | None = Query(None, max_length=200), category: str | None = Query(None, max_length=80),
                 status: Status | None = None,
                 needs_review: bool | None = None, missing_lang: Literal["th", "en"] | None = None,
                 pending: bool | None = None, limit: int = Query(50, ge=1, le=500), offset: Offset = 0,
                 user: CurrentUser = Depends(require_role("viewer")), state: AppState = Depends(app_state)) -> dict:
    with state.db.session() as s:
        rows, total = svc.list_entries(s, q, category, status, needs_review, missing_lang, pending, limit, offset)
        return {"total": total, "items": [svc.view(e) for e in rows]}


@router.get("/entries/{entry_id}", openapi_extra=role_extra("viewer"))
def get_entry(entry_id: PathId, user: CurrentUser = Depends(require_role("viewer")),
              run: SessionRunner = Depends(session_runner)) -> dict:
    return run.here(lambda s: svc.view(svc.get(s, entry_id)))


@router.post("/entries", status_code=201, openapi_extra=role_extra("editor"), responses={201: _entry_links("/id")})
def create_entry(body: EntryCreate, user: CurrentUser = Depends(require_role("editor")),
                 run: SessionRunner = Depends(session_runner)) -> dict:
    return run.here(lambda s: svc.view(svc.create(s, user, body.entry_in(body.key))))


@router.put("/entries/{entry_id}", openapi_extra=role_extra("editor"))
def edit_entry(entry_id: PathId, body: EntryEdit, user: CurrentUser = Depends(require_role("editor")),
               run: SessionRunner = Depends(session_runner)) -> dict:
    """A published entry keeps its live text; the edit becomes its draft revision until published."""
    def edit(s) -> dict:
        entry = svc.get(s, entry_id)
        result = svc.edit(s, user, entry_id, body.entry_in(entry.key))
        return {"result": result, **svc.view(entry)}
    return run.here(edit)


@router.post("/entries/{entry_id}/publish", openapi_extra=role_extra("reviewer"))
def publish_entry(entry_id: PathId, user: CurrentUser = Depends(require_role("reviewer")),
                  run: SessionRunner = Depends(session_runner)) -> dict:
    def publish(s) -> dict:
        published = svc.publish(s, user, entry_id)
        return {"published": published, **svc.view(svc.get(s, entry_id))}
    return run.here(publish)


@router.post("/entries/{entry_id}/discard-draft", openapi_extra=role_extra("editor"))
def discard_draft(entry_id: PathId, user: CurrentUser = Depends(require_role("editor")),
                  run: SessionRunner = Depends(session_runner)) -> dict:
    return {"discarded": run.here(svc.discard_draft, user, entry_id)}


@router.post("/entries/{entry_id}/archive", openapi_extra=role_extra("reviewer"))
def archive_entry(entry_id: PathId, user: CurrentUser = Depends(require_role("reviewer")),
                  run: SessionRunner = Depends(session_runner)) -> dict:
    def archive(s) -> dict:
        svc.set_status(s, user, entry_id, "archived")
        return svc.view(svc.get(s, entry_id))
    return run.here(archive)


@router.get("/entries/{entry_id}/history", openapi_extra=role_extra("viewer"))
def entry_history(entry_id: PathId, user: CurrentUser = Depends(require_role("viewer")),
                  run: SessionRunner = Depends(session_runner)) -> dict:
    def history(s) -> dict:
        svc.get(s, entry_id)
        return {"items": svc.history(s, entry_id)}
    return run.here(history)


@router.post("/entries/{entry_id}/revert", openapi_extra=role_extra("editor"))
def revert_entry(entry_id: PathId, body: RevertIn, user: CurrentUser = Depends(require_role("editor")),
                 run: SessionRunner = Depends(session_runner)) -> dict:
    def revert(s) -> dict:
        result = svc.revert(s, user, entry_id, body.history_id)
        return {"result": result, **svc.view(svc.get(s, entry_id))}
    return run.here(revert)


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
    return await rank_for_staff(state, body.question, body.lang)


@router.post("/import/validate", openapi_extra=role_extra("reviewer"))
async def import_validate(file: UploadFile = File(...), user: CurrentUser = Depends(require_role("reviewer")),
                          state: AppState = Depends(app_state)) -> dict:
    """Check a .yml/.csv/.xlsx file and report what it would do; nothing is written to the entries."""
    data = await transfer.read_upload(file, state.settings.max_upload_bytes)
    return await state.db.run(transfer.validate, user, file.filename or "upload", data)


@router.post("/import/{import_id}/apply", openapi_extra=role_extra("reviewer"))
def import_apply(import_id: str = Path(pattern="^[0-9a-f]{32}$", description="from POST /import/validate"), user: CurrentUser = Depends(require_role("reviewer")),
                 run: SessionRunner = Depends(session_runner)) -> dict:
    return run.here(transfer.apply, user, import_id)


@router.get("/export", openapi_extra=role_extra("viewer"), response_class=Response,
            responses={200: {"description": "the knowledge base as a file", "content": EXPORT_TYPES}})
def export(format: Literal["yaml", "csv", "xlsx"] = "yaml", user: CurrentUser = Depends(require_role("viewer")),
           state: AppState = Depends(app_state)) -> Response:
    with state.db.session() as s:
        data, media, name = transfer.export(s, user, format)
    return Response(data, media_type=media, headers={"Content-Disposition": f'attachment; filename="{name}"'})
