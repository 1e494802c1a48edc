"""Console page of the unanswered-question review (/console/review) and its form actions."""
from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from fastapi import APIRouter, Depends, HTTPException, Request
from pydantic import ValidationError

from faq_service.console.forms import problems
from faq_service.console.login import page_user
from faq_service.console.render import page, register_nav, register_template_dir, see_other, texts_for
from faq_service.core.auth.deps import CurrentUser
from faq_service.core.deps import AppState, SessionRunner, app_state, session_runner
from faq_service.faqs.forms import form_entry
from faq_service.review import documents as doc_review
from faq_service.review import service as review
from faq_service.review.api import clusters_or_503, period_of_request

pages = APIRouter(prefix="/console/review", include_in_schema=False)


@pages.get("")
async def review_page(request: Request, since: str = "", until: str = "", flash: str = "",
                      user: CurrentUser = Depends(page_user("viewer")), state: AppState = Depends(app_state),
                      run: SessionRunner = Depends(session_runner)):
    start, end = period_of_request(state, since or None, until or None)
    items = await clusters_or_503(state, start, end)
    t = texts_for(request)
    return page(request, user, "review.html", clusters=items, since=start.date().isoformat(),
                document_answers=await doc_review.document_answers(state, start, end),
                decline_examples=await run(review.decline_examples),
                until=(end - timedelta(seconds=1)).date().isoformat(), flash=t.get(flash, "") if flash else "")


@pages.post("/{signature}/accept")
async def accept_form(request: Request, signature: str, user: CurrentUser = Depends(page_user("reviewer")),
                      run: SessionRunner = Depends(session_runner)):
    form = await request.form()
    try:
        faq_id = int(form.get("faq_id_other") or form.get("faq_id") or 0)
    except ValueError:
        raise HTTPException(422, "choose an entry")
    lang = form.get("lang") if form.get("lang") in ("th", "en") else "th"
    questions = [str(q) for q in form.getlist("questions")]
    await run(review.accept, user, signature, faq_id, questions, lang)
    return see_other("/console/review?flash=flash_accepted")


@pages.post("/{signature}/draft")
async def draft_form(request: Request, signature: str, user: CurrentUser = Depends(page_user("editor")),
                     run: SessionRunner = Depends(session_runner)):
    form = await request.form()
    try:
        data = form_entry(form, str(form.get("key") or "").strip())
    except ValidationError as exc:
        raise HTTPException(422, problems(exc))
    result = await run(review.draft, user, signature, data)
    return see_other(f"/console/entries/{result['faq_id']}?flash=flash_created")


@pages.post("/document-answers/{log_id}/promote")
@pages.post("/passages/promote")
async def promote_form(request: Request, log_id: int | None = None, user: CurrentUser = Depends(page_user("editor")),
                       state: AppState = Depends(app_state), run: SessionRunner = Depends(session_runner)):
    """A draft entry from a passage, opened in the entry editor: for a question answered from it (the
    review page), or for the passage alone (`/passages/promote`: the buttons of a document's preview)."""
    form = await request.form()
    try:
        passage_id = int(form.get("passage_id") or 0)
    except ValueError:
        raise HTTPException(422, "choose a passage")
    result = await run(doc_review.promote, user, log_id, passage_id, state.settings.public_url)
    return see_other(f"/console/entries/{result['faq_id']}?flash=flash_promoted")


@pages.post("/{signature}/out-of-scope")
async def out_of_scope_form(signature: str, user: CurrentUser = Depends(page_user("reviewer")),
                            run: SessionRunner = Depends(session_runner)):
    await run(review.out_of_scope, user, signature)
    return see_other("/console/review?flash=flash_out_of_scope")


@pages.post("/decline-examples/{example_id}/remove")
async def remove_decline_example_form(example_id: int, user: CurrentUser = Depends(page_user("reviewer")),
                                      run: SessionRunner = Depends(session_runner)):
    await run(review.remove_decline_example, user, example_id)
    return see_other("/console/review?flash=flash_example_removed")


@pages.post("/{signature}/dismiss")
async def dismiss_form(request: Request, signature: str, user: CurrentUser = Depends(page_user("editor")),
                       run: SessionRunner = Depends(session_runner)):
    form = await request.form()
    await run(review.dismiss, user, signature, str(form.get("reason") or ""))
    return see_other("/console/review?flash=flash_dismissed")


def install(app, settings) -> None:
    register_template_dir(Path(__file__).parent / "templates")
    register_nav("/console/review", "คำถามที่ยังตอบไม่ได้", "Unanswered questions", "viewer", order=20)
