"""Unanswered-question review: staff API under /api/v1/staff/review and the console page."""
from __future__ import annotations

import asyncio

from datetime import date, datetime, time, timedelta, timezone
from typing import Literal

from fastapi import APIRouter, Depends, FastAPI, HTTPException, Query, Request
from pydantic import BaseModel, Field, ValidationError

from faq_service.console import entries as entry_service
from faq_service.console.pages import _form_entry, _problems, page_user, see_other
from faq_service.console.render import page, texts_for
from faq_service.deps import AppState, app_state
from faq_service.faqs.schemas import EntryIn
from faq_service.review import service as review
from faq_service.staff.api import role_extra
from faq_service.staff.deps import CurrentUser, require_role

router = APIRouter(prefix="/api/v1/staff/review", tags=["staff"])
pages = APIRouter(prefix="/console/review", include_in_schema=False)


class AcceptIn(BaseModel):
    faq_id: int
    questions: list[str] = Field(min_length=1, max_length=200)
    lang: Literal["th", "en"]


class DismissIn(BaseModel):
    reason: str = Field(min_length=1, max_length=500)


def _day(value: str | None, end: bool = False) -> datetime | None:
    if not value:
        return None
    try:
        d = date.fromisoformat(value[:10])
    except ValueError:
        raise HTTPException(422, f"dates are YYYY-MM-DD, not {value!r}")
    moment = datetime.combine(d + timedelta(days=1) if end else d, time(0), tzinfo=timezone.utc)
    return moment


def _period(state: AppState, since: str | None, until: str | None):
    return review.period(_day(since), _day(until, end=True), state.settings.review_default_days)


def _run(state: AppState, fn, *args):
    try:
        with state.db.session() as s:
            return fn(s, *args)
    except LookupError as exc:
        raise HTTPException(404, str(exc))
    except (ValueError, entry_service.EntryError) as exc:
        raise HTTPException(422, str(exc))


async def _run_off_loop(state: AppState, fn, *args):
    """_run for the async page routes: on a worker thread, not on the event loop."""
    return await asyncio.to_thread(_run, state, fn, *args)


async def _clusters(state: AppState, since, until, include_resolved=False):
    if not state.knowledge.ready.is_set():
        raise HTTPException(503, "the knowledge base is still loading")
    return await review.clusters(state, since, until, include_resolved)


@router.get("/clusters", openapi_extra=role_extra("viewer"))
async def list_clusters(since: str | None = Query(None, max_length=32), until: str | None = Query(None, max_length=32),
                        include_resolved: bool = False, user: CurrentUser = Depends(require_role("viewer")),
                        state: AppState = Depends(app_state)) -> dict:
    """Declined, suggestion-only and 👎 questions of the period (default: the last 30 days), clustered."""
    start, end = _period(state, since, until)
    return {"since": start, "until": end, "items": await _clusters(state, start, end, include_resolved)}


@router.post("/clusters/{signature}/accept", openapi_extra=role_extra("reviewer"))
def accept(signature: str, body: AcceptIn, user: CurrentUser = Depends(require_role("reviewer")),
           state: AppState = Depends(app_state)) -> dict:
    """Add the chosen questions as live alternates of a published entry."""
    return _run(state, review.accept, user, signature, body.faq_id, body.questions, body.lang)


@router.post("/clusters/{signature}/draft", status_code=201, openapi_extra=role_extra("editor"))
def draft(signature: str, body: EntryIn, user: CurrentUser = Depends(require_role("editor")),
          state: AppState = Depends(app_state)) -> dict:
    """Start a draft entry from the cluster (a reviewer publishes it)."""
    return _run(state, review.draft, user, signature, body)


@router.post("/clusters/{signature}/out-of-scope", openapi_extra=role_extra("reviewer"))
def out_of_scope(signature: str, user: CurrentUser = Depends(require_role("reviewer")),
                 state: AppState = Depends(app_state)) -> dict:
    """TCEB does not answer these: the cluster's questions become decline examples, so questions like
    them are no longer answered from the knowledge base (live within seconds)."""
    return _run(state, review.out_of_scope, user, signature)


@router.get("/decline-examples", openapi_extra=role_extra("viewer"))
def list_decline_examples(user: CurrentUser = Depends(require_role("viewer")),
                          state: AppState = Depends(app_state)) -> dict:
    """Out-of-scope examples added from this console (not those of data/retrieval/decline_examples.yml)."""
    return {"items": _run(state, review.decline_examples)}


@router.post("/decline-examples/{example_id}/remove", openapi_extra=role_extra("reviewer"))
def remove_decline_example(example_id: int, user: CurrentUser = Depends(require_role("reviewer")),
                           state: AppState = Depends(app_state)) -> dict:
    return _run(state, review.remove_decline_example, user, example_id)


@router.post("/clusters/{signature}/dismiss", openapi_extra=role_extra("editor"))
def dismiss(signature: str, body: DismissIn, user: CurrentUser = Depends(require_role("editor")),
            state: AppState = Depends(app_state)) -> dict:
    return _run(state, review.dismiss, user, signature, body.reason)


# ------------------------------------------------------------------ console page
@pages.get("")
async def review_page(request: Request, since: str = "", until: str = "", flash: str = "",
                      user: CurrentUser = Depends(page_user("viewer")), state: AppState = Depends(app_state)):
    start, end = _period(state, since or None, until or None)
    items = await _clusters(state, start, end)
    t = texts_for(request)
    return page(request, user, "review.html", clusters=items, since=start.date().isoformat(),
                decline_examples=await _run_off_loop(state, review.decline_examples),
                until=(end - timedelta(seconds=1)).date().isoformat(), flash=t.get(flash, "") if flash else "")


@pages.post("/{signature}/accept")
async def accept_form(request: Request, signature: str, user: CurrentUser = Depends(page_user("reviewer")),
                      state: AppState = Depends(app_state)):
    form = await request.form()
    try:
        faq_id = int(form.get("faq_id_other") or form.get("faq_id") or 0)
    except ValueError:
        raise HTTPException(422, "choose an entry")
    lang = form.get("lang") if form.get("lang") in ("th", "en") else "th"
    questions = [str(q) for q in form.getlist("questions")]
    await _run_off_loop(state, review.accept, user, signature, faq_id, questions, lang)
    return see_other("/console/review?flash=flash_accepted")


@pages.post("/{signature}/draft")
async def draft_form(request: Request, signature: str, user: CurrentUser = Depends(page_user("editor")),
                     state: AppState = Depends(app_state)):
    form = await request.form()
    try:
        data = _form_entry(form, str(form.get("key") or "").strip())
    except ValidationError as exc:
        raise HTTPException(422, _problems(exc))
    result = await _run_off_loop(state, review.draft, user, signature, data)
    return see_other(f"/console/entries/{result['faq_id']}?flash=flash_created")


@pages.post("/{signature}/out-of-scope")
async def out_of_scope_form(signature: str, user: CurrentUser = Depends(page_user("reviewer")),
                            state: AppState = Depends(app_state)):
    await _run_off_loop(state, review.out_of_scope, user, signature)
    return see_other("/console/review?flash=flash_out_of_scope")


@pages.post("/decline-examples/{example_id}/remove")
async def remove_decline_example_form(example_id: int, user: CurrentUser = Depends(page_user("reviewer")),
                                      state: AppState = Depends(app_state)):
    await _run_off_loop(state, review.remove_decline_example, user, example_id)
    return see_other("/console/review?flash=flash_example_removed")


@pages.post("/{signature}/dismiss")
async def dismiss_form(request: Request, signature: str, user: CurrentUser = Depends(page_user("editor")),
                       state: AppState = Depends(app_state)):
    form = await request.form()
    await _run_off_loop(state, review.dismiss, user, signature, str(form.get("reason") or ""))
    return see_other("/console/review?flash=flash_dismissed")


def install(app: FastAPI, settings) -> None:
    app.include_router(router)
    app.include_router(pages)
