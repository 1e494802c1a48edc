"""Public complaint API, reused by the web form, the chat's hand-over and later channels:
POST /api/v1/complaints (multipart), POST /api/v1/complaints/status, POST /api/v1/complaints/reply.
It takes no cookies. Abuse is limited per client address, kept only as a keyed hash in memory or Redis
with expiry; a wrong code or secret counts toward that limit and always gets the same answer."""
from __future__ import annotations

import hashlib
import hmac
import math
import time
from dataclasses import dataclass
from typing import Literal

from fastapi import APIRouter, Depends, File, Form, Request, UploadFile
from fastapi.concurrency import run_in_threadpool
from pydantic import BaseModel, Field

from faq_service.complaints import notify, service, tokens
from faq_service.complaints.crypto import ContentCipher, load_cipher
from faq_service.core.deps import AppState, SessionRunner, app_state, session_runner
from faq_service.core.errors import Refusal
from faq_service.ops.ratelimit import ClientAddress, make_counter

router = APIRouter(prefix="/api/v1/complaints", tags=["complaints"])
PUBLIC_CHANNELS = ("web", "chat", "line")


class ReceiptOut(BaseModel):
    tracking_code: str = Field(description="TC-XXXX-XXXX-XXXX: names the complaint")
    secret: str = Field(description="shown once: with the code, it opens the status page")


class StatusIn(BaseModel):
    tracking_code: str = Field(min_length=1, max_length=40)
    secret: str = Field(min_length=1, max_length=100)


class MessageOut(BaseModel):
    at: str
    sender: Literal["officer", "complainant"] = Field(alias="from")
    text: str

    model_config = {"populate_by_name": True}


class StatusOut(BaseModel):
    status: str
    outcome: str | None
    received_at: str
    updated_at: str
    messages: list[MessageOut]


@dataclass
class ComplaintDesk:
    """What the routes share: the content cipher and the per-address counters."""

    cipher: ContentCipher
    counter: object
    client_ip: ClientAddress
    address_key: bytes

    def address(self, request: Request) -> str:
        ip = self.client_ip(request.scope)
        return hmac.new(self.address_key, ip.encode(), hashlib.sha256).hexdigest()[:24]

    async def limit(self, request: Request, what: str, allowed: int, window_s: int, count: bool = True) -> None:
        if not allowed:
            return
        now = time.time()
        window = int(now // window_s)
        key = f"complaints:{what}:{self.address(request)}"
        # count: this attempt is one more; otherwise only look (the attempts so far may not reach the limit)
        over = (await self.counter.hit(key, window, window_s) > allowed if count
                else await self.counter.peek(key, window) >= allowed)
        if over:
            retry = max(1, math.ceil((window + 1) * window_s - now))
            raise Refusal(429, "complaint_rate_limited", "too many attempts", retry_after=retry)


def desk_of(request: Request) -> ComplaintDesk:
    return request.app.state.thamtob_complaints


def _json(view: dict) -> dict:
    return {"status": view["status"], "outcome": view["outcome"], "received_at": view["received_at"].isoformat(),
            "updated_at": view["updated_at"].isoformat(),
            "messages": [{"at": m["at"].isoformat(), "from": m["from"], "text": m["text"]} for m in view["messages"]]}


async def _uploads(files: list[UploadFile] | None, limit: int) -> list[service.Upload]:
    out = []
    for f in files or []:
        data = await f.read(limit + 1)
        out.append(service.Upload(f.filename or "evidence", data))
    return out


def _form_checks(state: AppState, website: str | None, form_token: str | None) -> None:
    """The honeypot left empty, and the page's token (when a page sent one) valid: else nothing is kept."""
    if website or (form_token and not tokens.form_token_ok(state.settings.secret_key, form_token)):
        raise Refusal(422, "complaint_not_accepted", "the submission could not be accepted")


def _submit_once(session, cipher: ContentCipher, sub: service.Submission, files) -> tuple[str, str, bool]:
    """(code, secret, whether this call stored it): a replay answers the first receipt."""
    earlier = service.replayed(session, cipher, sub.idempotency_key)
    if earlier is not None:
        return (*earlier, False)
    return (*service.submit(session, cipher, sub, files), True)


@router.post("", status_code=201, response_model=ReceiptOut)
async def submit_complaint(
        request: Request,
        kind: Literal["corruption", "procurement", "personnel", "service", "other"] = Form(),
        mode: Literal["named", "confidential"] = Form(),
        description: str = Form(max_length=service.LIMITS["description"]),
        when: str | None = Form(None, max_length=service.LIMITS["when"]),
        where: str | None = Form(None, max_length=service.LIMITS["where"]),
        concerned: str | None = Form(None, max_length=service.LIMITS["concerned"]),
        name: str | None = Form(None, max_length=service.LIMITS["name"]),
        contact: str | None = Form(None, max_length=service.LIMITS["contact"]),
        lang: Literal["th", "en"] = Form("th"),
        channel: Literal["web", "chat", "line"] = Form("web"),
        idempotency_key: str | None = Form(None, min_length=8, max_length=128),
        website: str | None = Form(None, max_length=200, description="leave empty"),
        form_token: str | None = Form(None, max_length=500),
        evidence: list[UploadFile] | None = File(None, description="PDF, JPEG or PNG; at most 5, 10 MB each"),
        state: AppState = Depends(app_state), run: SessionRunner = Depends(session_runner)) -> ReceiptOut:
    """Report wrongdoing, named or confidentially. Answers the tracking code and the secret (shown once).
    A confidential report keeps no name, contact, address or anything else that identifies its sender."""
    desk = desk_of(request)
    s = state.settings
    await desk.limit(request, "submit", s.complaint_submissions_per_window, s.complaint_rate_window_s)
    _form_checks(state, website, form_token)
    sub = service.check(service.Submission(kind, mode, description, when, where, concerned, name, contact, lang,
                                           channel, idempotency_key))
    uploads = await _uploads(evidence, s.complaint_max_file_bytes)
    files = await run_in_threadpool(service.clean_files, uploads, s.complaint_max_files, s.complaint_max_file_bytes)
    code, secret, stored_now = await run(_submit_once, desk.cipher, sub, files)
    if stored_now:  # not for a replay: the officers heard of it the first time
        notify.new_complaint(state.settings, state.db)  # returns at once, never raises
    return ReceiptOut(tracking_code=code, secret=secret)


async def _find(request: Request, state: AppState, tracking_code: str, secret: str, run: SessionRunner,
                then, *args):
    """then(session, cipher, complaint, *args) for the complaint the pair names; a wrong pair counts
    toward the address's limit and gets one generic 404."""
    desk = desk_of(request)
    s = state.settings
    await desk.limit(request, "fail", s.complaint_status_failures_per_window, s.complaint_rate_window_s, count=False)

    def found(session):
        return then(session, desk.cipher, service.find(session, tracking_code, secret), *args)

    try:
        return await run.db.run(found)
    except service.NotFound:
        await desk.limit(request, "fail", s.complaint_status_failures_per_window, s.complaint_rate_window_s)
        raise Refusal(404, "complaint_not_found", "no complaint with that tracking code and secret")


@router.post("/status", response_model=StatusOut)
async def complaint_status(body: StatusIn, request: Request, state: AppState = Depends(app_state),
                           run: SessionRunner = Depends(session_runner)) -> dict:
    """Status, dates and the message thread, for the tracking code and secret together."""
    view = await _find(request, state, body.tracking_code, body.secret, run,
                       lambda s, cipher, complaint: service.complainant_view(cipher, complaint))
    return _json(view)


@router.post("/reply", response_model=StatusOut)
async def complaint_reply(
        request: Request, tracking_code: str = Form(min_length=1, max_length=40),
        secret: str = Form(min_length=1, max_length=100),
        text: str | None = Form(None, max_length=service.LIMITS["message"]),
        form_token: str | None = Form(None, max_length=500),
        evidence: list[UploadFile] | None = File(None, description="PDF, JPEG or PNG; at most 5, 10 MB each"),
        state: AppState = Depends(app_state), run: SessionRunner = Depends(session_runner)) -> dict:
    """The complainant writes back or adds evidence (the only way to reach a confidential reporter)."""
    _form_checks(state, None, form_token)
    s = state.settings
    uploads = await _uploads(evidence, s.complaint_max_file_bytes)
    files = await run_in_threadpool(service.clean_files, uploads, s.complaint_max_files, s.complaint_max_file_bytes)
    view = await _find(request, state, tracking_code, secret, run,
                       lambda session, cipher, complaint: service.reply(session, cipher, complaint, text, files))
    return _json(view)


def install(app, settings) -> None:
    """The cipher (a production setup without a key does not start) and the per-address counters."""
    app.state.thamtob_complaints = ComplaintDesk(
        load_cipher(settings), make_counter(settings.redis_url), ClientAddress(settings.trusted_proxies),
        hashlib.sha256(("complaint-address:" + settings.secret_key).encode()).digest())
