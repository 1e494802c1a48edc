"""Staff API of the complaints desk, /api/v1/staff/complaints: the queue, one case (decrypted, audited),
its evidence and export (audited), moving it on, messages to the complainant, recusal, and recording
a complaint received by phone, letter, e-mail or in person.

Every route needs the complaints-officer flag (core/auth/deps.require_complaints_officer), which no role
implies: an admin without it gets 403. A case restricted to other officers answers 404, as a missing one.
"""
from __future__ import annotations

from typing import Literal
from urllib.parse import quote

from fastapi import APIRouter, Depends, File, Form, Query, Request, UploadFile
from fastapi.concurrency import run_in_threadpool
from fastapi.encoders import jsonable_encoder
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, Field

from faq_service.complaints import desk_service as desk
from faq_service.complaints import notify, service
from faq_service.complaints.api import desk_of
from faq_service.core.auth.deps import COMPLAINTS_OFFICER, CurrentUser, require_complaints_officer, role_extra
from faq_service.core.deps import AppState, SessionRunner, app_state, session_runner

router = APIRouter(prefix="/api/v1/staff/complaints", tags=["complaints desk"])
OFFICER = role_extra(COMPLAINTS_OFFICER)
Kind = Literal["corruption", "procurement", "personnel", "service", "other"]
Mode = Literal["named", "confidential"]
Status = Literal["received", "acknowledged", "in_review", "referred", "closed"]
Channel = Literal["chat", "web", "line", "phone", "letter", "email", "walk_in"]
OfficerChannel = Literal["phone", "letter", "email", "walk_in"]
Outcome = Literal["substantiated", "not_substantiated", "outside_remit", "withdrawn"]


class ActIn(BaseModel):
    action: Literal["acknowledge", "review", "refer", "close"]
    note: str | None = Field(None, max_length=service.LIMITS["message"], description="officers only; "
                             "for refer: to whom")
    outcome: Outcome | None = Field(None, description="required to close")


class MessageIn(BaseModel):
    text: str = Field(min_length=1, max_length=service.LIMITS["message"])


class RestrictIn(BaseModel):
    officers: list[str] = Field(max_length=100, description="user names of officers; empty: every officer")


class RecordOut(BaseModel):
    id: int
    tracking_code: str
    secret: str = Field(description="shown once: give it to the complainant with the code")


def _attachment(name: str) -> str:
    """A Content-Disposition that survives any file name (Thai included)."""
    ascii_name = "".join(c if c.isascii() and c.isalnum() or c in "._-" else "_" for c in name) or "file"
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(name)}"


@router.get("", openapi_extra=OFFICER)
async def complaint_queue(request: Request, kind: Kind | None = None, mode: Mode | None = None,
                          status: Status | None = None, channel: Channel | None = None,
                          page: int = Query(1, ge=1, le=100_000, description="1 is the first; past the last "
                                            "page: the last"),
                          user: CurrentUser = Depends(require_complaints_officer),
                          state: AppState = Depends(app_state), run: SessionRunner = Depends(session_runner)) -> dict:
    """One page (THAMTOB_COMPLAINT_QUEUE_PAGE_SIZE cases) of the cases this officer may see, with their
    acknowledge and result clocks (working days), and `page`, `pages`, `total`."""
    return await run(desk.queue, user.username, desk.Filters(kind, mode, status, channel), desk.Sla.of(state.settings),
                     page, state.settings.complaint_queue_page_size)


@router.post("", status_code=201, response_model=RecordOut, openapi_extra=OFFICER)
async def record_complaint(
        request: Request, kind: Kind = Form(), mode: Mode = Form(), channel: OfficerChannel = Form(),
        description: str = Form(max_length=service.LIMITS["description"]),
        when: str | None = Form(None, max_length=service.LIMITS["when"]),
        where: str | None = Form(None, max_length=service.LIMITS["where"]),
        concerned: str | None = Form(None, max_length=service.LIMITS["concerned"]),
        name: str | None = Form(None, max_length=service.LIMITS["name"]),
        contact: str | None = Form(None, max_length=service.LIMITS["contact"]),
        lang: Literal["th", "en"] = Form("th"),
        idempotency_key: str | None = Form(None, min_length=8, max_length=128),
        evidence: list[UploadFile] | None = File(None, description="PDF, JPEG or PNG"),
        user: CurrentUser = Depends(require_complaints_officer), state: AppState = Depends(app_state),
        run: SessionRunner = Depends(session_runner)) -> dict:
    """Record a complaint received by phone, letter, e-mail or in person; answers the code and the
    secret to give the complainant (the secret is not kept)."""
    sub = service.Submission(kind, mode, description, when, where, concerned, name, contact, lang, channel,
                             idempotency_key)
    files = await read_files(state.settings, evidence)
    receipt = await run(desk.record, desk_of(request).cipher, user.username, sub, files)
    if receipt["new"]:
        notify.new_complaint(state.settings, state.db)
    return receipt


async def read_files(settings, evidence: list[UploadFile] | None) -> list[service.CleanFile]:
    limit = settings.complaint_max_file_bytes
    uploads = [service.Upload(f.filename or "evidence", await f.read(limit + 1)) for f in evidence or []]
    return await run_in_threadpool(service.clean_files, uploads, settings.complaint_max_files, limit)


@router.get("/officers", openapi_extra=OFFICER)
async def complaint_officers(user: CurrentUser = Depends(require_complaints_officer),
                             run: SessionRunner = Depends(session_runner)) -> dict:
    """Every complaints officer, and the latest grants and revocations of the flag (who gave whom access)."""
    return {"officers": await run(desk.officer_names), "changes": await run(desk.officer_changes)}


@router.get("/{complaint_id}", openapi_extra=OFFICER)
async def complaint_case(complaint_id: int, request: Request, user: CurrentUser = Depends(require_complaints_officer),
                         state: AppState = Depends(app_state), run: SessionRunner = Depends(session_runner)) -> dict:
    """The whole case, decrypted: content, evidence list, messages, history and clocks. Audited."""
    return await run(desk.view, desk_of(request).cipher, complaint_id, user.username, desk.Sla.of(state.settings))


@router.get("/{complaint_id}/export", openapi_extra=OFFICER)
async def complaint_export(complaint_id: int, request: Request,
                           user: CurrentUser = Depends(require_complaints_officer),
                           state: AppState = Depends(app_state), run: SessionRunner = Depends(session_runner)):
    """The case as one JSON file to keep with the investigation's papers. Audited."""
    data = await run(desk.export, desk_of(request).cipher, complaint_id, user.username, desk.Sla.of(state.settings))
    code = data["complaint"]["tracking_code"]
    return JSONResponse(jsonable_encoder(data), headers={"Content-Disposition": _attachment(f"{code}.json"),
                                                         "Cache-Control": "no-store"})


@router.get("/{complaint_id}/evidence/{evidence_id}", openapi_extra=OFFICER,
            responses={200: {"content": {"application/pdf": {}, "image/jpeg": {}, "image/png": {}}}})
async def complaint_evidence(complaint_id: int, evidence_id: int, request: Request,
                             user: CurrentUser = Depends(require_complaints_officer),
                             run: SessionRunner = Depends(session_runner)) -> Response:
    """One evidence file, as a download (never shown inline by this origin). Audited."""
    filename, media_type, data = await run(desk.evidence_file, desk_of(request).cipher, complaint_id, evidence_id,
                                           user.username)
    return Response(data, media_type=media_type, headers={
        "Content-Disposition": _attachment(filename), "Cache-Control": "no-store",
        "Content-Security-Policy": "default-src 'none'; sandbox", "X-Content-Type-Options": "nosniff"})


@router.post("/{complaint_id}/status", openapi_extra=OFFICER)
async def complaint_act(complaint_id: int, body: ActIn, request: Request,
                        user: CurrentUser = Depends(require_complaints_officer),
                        run: SessionRunner = Depends(session_runner)) -> dict:
    """acknowledge, review, refer (note: to whom) or close (with an outcome). 409 when the case's
    status does not allow it."""
    return await run(lambda s: _summary(desk.act(s, desk_of(request).cipher, complaint_id, user.username,
                                                 body.action, body.note, body.outcome)))


@router.post("/{complaint_id}/messages", status_code=201, openapi_extra=OFFICER)
async def complaint_message(complaint_id: int, body: MessageIn, request: Request,
                            user: CurrentUser = Depends(require_complaints_officer),
                            run: SessionRunner = Depends(session_runner)) -> dict:
    """A message the complainant reads on the status page (the only way to reach a confidential one)."""
    return await run(lambda s: _summary(desk.message(s, desk_of(request).cipher, complaint_id, user.username,
                                                     body.text)))


@router.post("/{complaint_id}/evidence", status_code=201, openapi_extra=OFFICER)
async def complaint_add_evidence(
        complaint_id: int, request: Request,
        evidence: list[UploadFile] = File(description="PDF, JPEG or PNG; at most 5, 10 MB each"),
        user: CurrentUser = Depends(require_complaints_officer), state: AppState = Depends(app_state),
        run: SessionRunner = Depends(session_runner)) -> dict:
    """Add evidence to an open case (checked, stripped and encrypted as the complainant's). Audited."""
    files = await read_files(state.settings, evidence)
    return await run(lambda s: _summary(desk.add_evidence(s, desk_of(request).cipher, complaint_id, user.username,
                                                          files)))


@router.put("/{complaint_id}/restriction", openapi_extra=OFFICER)
async def complaint_restrict(complaint_id: int, body: RestrictIn, request: Request,
                             user: CurrentUser = Depends(require_complaints_officer),
                             run: SessionRunner = Depends(session_runner)) -> dict:
    """Restrict the case to these officers (recusal); an empty list opens it to every officer again."""
    return await run(lambda s: _summary(desk.restrict(s, desk_of(request).cipher, complaint_id, user.username,
                                                      body.officers)))


def _summary(c) -> dict:
    """What changed, without content (a change is not a reading)."""
    return {"id": c.id, "tracking_code": c.tracking_code, "status": c.status, "outcome": c.outcome,
            "restricted_to": desk.restricted_names(c), "updated_at": desk.workdays.as_utc(c.updated_at)}
