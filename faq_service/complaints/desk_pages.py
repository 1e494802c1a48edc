"""The complaints officers' desk in the staff console: the queue (/console/complaints), one case
(/console/complaints/{id}) with its actions, and recording a complaint received by phone, letter,
e-mail or in person (/console/complaints/new). Only complaints officers reach these pages or see the
link (an admin without the flag gets 403); evidence and export links go to the staff API, which audits
them as this page audits each opening of a case. Texts: desk.yml (both languages, checked at start-up).
"""
from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from pathlib import Path
from urllib.parse import urlencode

import yaml
from fastapi import APIRouter, Depends, HTTPException, Request
from starlette.datastructures import UploadFile

from faq_service.complaints import desk_service as desk
from faq_service.complaints import notify, service
from faq_service.complaints.api import desk_of
from faq_service.complaints.desk_api import read_files
from faq_service.complaints.models import CHANNELS, KINDS, MODES, OUTCOMES, STATUSES
from faq_service.complaints.workdays import TZ, as_utc
from faq_service.console.render import DomainTexts, page, register_nav, register_template_dir, request_lang, see_other
from faq_service.core import messages
from faq_service.console.login import page_user
from faq_service.core.auth.deps import COMPLAINTS_OFFICER, CurrentUser
from faq_service.core.deps import AppState, app_state
from faq_service.core.errors import ConflictError, Refusal

HERE = Path(__file__).resolve().parent
TEXTS_PATH = HERE / "desk.yml"
TEXTS = DomainTexts(TEXTS_PATH)
DESK = "/console/complaints"
FLASHES = ("flash_acknowledge", "flash_review", "flash_refer", "flash_close", "flash_message", "flash_restricted",
           "flash_evidence")

pages = APIRouter(prefix="/console", include_in_schema=False)


# require_complaints_officer for pages: a visitor without a login goes to the login page.
officer_page_user = page_user(COMPLAINTS_OFFICER)


def local_time(moment: datetime | None) -> str:
    return as_utc(moment).astimezone(TZ).strftime("%Y-%m-%d %H:%M") if moment else ""


def local_date(moment: datetime | None) -> str:
    return as_utc(moment).astimezone(TZ).strftime("%Y-%m-%d") if moment else ""


def last_day(due: datetime) -> str:
    """A deadline is the midnight that ends its last working day: officers read that day."""
    return local_date(as_utc(due) - timedelta(seconds=1))


def _render(request: Request, user: CurrentUser, template: str, status_code: int = 200, **context):
    return page(request, user, template, status_code=status_code, m=TEXTS.for_request(request),
                local_time=local_time, last_day=last_day, kinds=KINDS, modes=MODES, statuses=STATUSES,
                channels=CHANNELS, outcomes=OUTCOMES, **context)


def _choice(value: str | None, allowed: tuple[str, ...]) -> str | None:
    return value if value in allowed else None


# ------------------------------------------------------------------ the queue
@pages.get("/complaints")
async def queue_page(request: Request, user: CurrentUser = Depends(officer_page_user),
                     state: AppState = Depends(app_state)):
    q = request.query_params
    filters = desk.Filters(_choice(q.get("kind"), KINDS), _choice(q.get("mode"), MODES),
                           _choice(q.get("status"), STATUSES), _choice(q.get("channel"), CHANNELS))

    page_no = int(q["page"]) if q.get("page", "").isdigit() and 0 < len(q["page"]) < 7 else 1

    def load(s):
        return desk.queue(s, user.username, filters, desk.Sla.of(state.settings), page_no,
                          state.settings.complaint_queue_page_size), desk.officer_names(s), desk.officer_changes(s, 20)
    queue, officers, changes = await state.db.run(load)
    return _render(request, user, "desk_queue.html", queue=queue, filters=filters, officers=officers,
                   changes=changes, page_url=_page_url(filters, request_lang(request)))


def _page_url(filters: desk.Filters, lang: str):
    """page_url(n): the queue's page n with the same filters and language."""
    kept = {k: v for k, v in (("kind", filters.kind), ("mode", filters.mode), ("status", filters.status),
                              ("channel", filters.channel)) if v}
    return lambda n: f"{DESK}?{urlencode({**kept, 'lang': lang, 'page': n})}"


# ------------------------------------------------------------------ recording a complaint received another way
@pages.get("/complaints/new")
async def record_form(request: Request, user: CurrentUser = Depends(officer_page_user)):
    return _render(request, user, "desk_record.html", values={}, idempotency_key=uuid.uuid4().hex,
                   officer_channels=desk.OFFICER_CHANNELS)


@pages.post("/complaints/new")
async def record_submit(request: Request, user: CurrentUser = Depends(officer_page_user),
                        state: AppState = Depends(app_state)):
    form = await request.form()
    values = {k: str(form.get(k) or "") for k in ("kind", "mode", "channel", "description", "when", "where",
                                                    "concerned", "name", "contact", "lang", "idempotency_key")}
    sub = service.Submission(values["kind"], values["mode"], values["description"], values["when"], values["where"],
                             values["concerned"], values["name"], values["contact"], values["lang"] or "th",
                             values["channel"], values["idempotency_key"][:128] or None)
    files = [f for f in form.getlist("evidence") if isinstance(f, UploadFile) and f.filename]
    try:
        cleaned = await read_files(state.settings, files)
        receipt = await state.db.run(desk.record, desk_of(request).cipher, user.username, sub, cleaned)
    except (Refusal, ValueError) as exc:
        return _render(request, user, "desk_record.html", status_code=_status(exc), values=values,
                       idempotency_key=values["idempotency_key"] or uuid.uuid4().hex,
                       officer_channels=desk.OFFICER_CHANNELS, error=_error_text(request, exc))
    if receipt["new"]:
        notify.new_complaint(state.settings, state.db)
    return _render(request, user, "desk_receipt.html", receipt=receipt)


# ------------------------------------------------------------------ one case
@pages.get("/complaints/{complaint_id}")
async def case_page(request: Request, complaint_id: int, user: CurrentUser = Depends(officer_page_user),
                    state: AppState = Depends(app_state)):
    flash = request.query_params.get("flash")
    return await _case(request, user, state, complaint_id,
                       flash=TEXTS.for_request(request)[flash] if flash in FLASHES else "")


async def _case(request: Request, user: CurrentUser, state: AppState, complaint_id: int, status_code: int = 200,
                **context):
    def load(s):
        return desk.view(s, desk_of(request).cipher, complaint_id, user.username, desk.Sla.of(state.settings)), \
            desk.officer_names(s)
    try:
        case, officers = await state.db.run(load)
    except LookupError:
        raise HTTPException(404, "no such complaint")
    return _render(request, user, "desk_case.html", status_code=status_code, case=case, officers=officers,
                   **context)


@pages.post("/complaints/{complaint_id}/act")
async def case_act(request: Request, complaint_id: int, user: CurrentUser = Depends(officer_page_user),
                   state: AppState = Depends(app_state)):
    form = await request.form()
    action, note = str(form.get("action") or ""), str(form.get("note") or "").strip() or None
    outcome = _choice(str(form.get("outcome") or ""), OUTCOMES)
    m = TEXTS.for_request(request)
    if action == "refer" and not note:
        return await _case(request, user, state, complaint_id, 422, error=m["err_refer_note"])
    if action == "close" and not outcome:
        return await _case(request, user, state, complaint_id, 422, error=m["err_outcome"])
    return await _change(request, user, state, complaint_id, f"flash_{action}", desk.act, action, note, outcome)


@pages.post("/complaints/{complaint_id}/message")
async def case_message(request: Request, complaint_id: int, user: CurrentUser = Depends(officer_page_user),
                       state: AppState = Depends(app_state)):
    text = str((await request.form()).get("text") or "")
    if not text.strip():
        return await _case(request, user, state, complaint_id, 422, error=TEXTS.for_request(request)["err_message"])
    return await _change(request, user, state, complaint_id, "flash_message", desk.message, text)


@pages.post("/complaints/{complaint_id}/evidence")
async def case_evidence(request: Request, complaint_id: int, user: CurrentUser = Depends(officer_page_user),
                        state: AppState = Depends(app_state)):
    files = [f for f in (await request.form()).getlist("evidence") if isinstance(f, UploadFile) and f.filename]
    try:
        cleaned = await read_files(state.settings, files)
    except Refusal as exc:
        return await _case(request, user, state, complaint_id, exc.status, error=_error_text(request, exc))
    return await _change(request, user, state, complaint_id, "flash_evidence", desk.add_evidence, cleaned)


@pages.post("/complaints/{complaint_id}/restrict")
async def case_restrict(request: Request, complaint_id: int, user: CurrentUser = Depends(officer_page_user),
                        state: AppState = Depends(app_state)):
    names = [str(n) for n in (await request.form()).getlist("officers")]
    return await _change(request, user, state, complaint_id, "flash_restricted", desk.restrict, names)


async def _change(request: Request, user: CurrentUser, state: AppState, complaint_id: int, flash: str, fn, *args):
    """fn(session, cipher, complaint_id, officer, *args); then back to the case (or, if the officer has
    just restricted it away from themselves, to the queue), or the case again with the reason."""
    try:
        await state.db.run(fn, desk_of(request).cipher, complaint_id, user.username, *args)
    except LookupError:
        raise HTTPException(404, "no such complaint")
    except (Refusal, ValueError) as exc:
        return await _case(request, user, state, complaint_id, _status(exc), error=_error_text(request, exc))
    if not await state.db.run(_exists, complaint_id, user):
        return see_other(f"{DESK}?{urlencode({'flash': flash})}")
    return see_other(f"{DESK}/{complaint_id}?{urlencode({'flash': flash})}")


def _exists(session, complaint_id: int, user: CurrentUser) -> bool:
    try:
        desk.get_visible(session, complaint_id, user.username)
        return True
    except LookupError:
        return False


def _status(exc: Exception) -> int:
    if isinstance(exc, Refusal):
        return exc.status
    return 409 if isinstance(exc, ConflictError) else 422


def _error_text(request: Request, exc: Exception) -> str:
    m = TEXTS.for_request(request)
    if isinstance(exc, Refusal):
        return messages.message(exc.key, request_lang(request), **exc.values)
    if isinstance(exc, ConflictError):
        return m["err_conflict"]
    return m["err_invalid"].format(detail=str(exc))


def check_texts() -> dict:
    """desk.yml: the same keys in both languages, and a label for every kind, mode, status, channel and
    outcome the pages show (fail at start-up, not in front of an officer)."""
    data = yaml.safe_load(TEXTS_PATH.read_text(encoding="utf-8"))
    differ = set(data["th"]) ^ set(data["en"])
    if differ:
        raise ValueError(f"{TEXTS_PATH.name}: keys differ between th and en: {sorted(differ)}")
    needed = ({f"kind_{k}" for k in KINDS} | {f"mode_{m}" for m in MODES} | {f"status_{s}" for s in STATUSES}
              | {f"channel_{c}" for c in CHANNELS} | {f"outcome_{o}" for o in OUTCOMES} | set(FLASHES))
    missing = needed - set(data["th"])
    if missing:
        raise ValueError(f"{TEXTS_PATH.name}: labels missing: {sorted(missing)}")
    return data


def install(app, settings) -> None:
    texts = check_texts()
    register_template_dir(HERE / "templates")
    register_nav(DESK, texts["th"]["nav"], texts["en"]["nav"], COMPLAINTS_OFFICER, order=45)
