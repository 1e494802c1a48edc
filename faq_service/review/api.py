"""Unanswered-question review: the staff API under /api/v1/staff/review."""
from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, HTTPException, Path, Query
from pydantic import Field

from faq_service.core.auth.deps import CurrentUser, require_role, role_extra
from faq_service.core.deps import AppState, SessionRunner, app_state, session_runner
from faq_service.core.schema import DAY_PATTERN, PathId, Question, RequestBody, RowId, link, question_field
from faq_service.faqs.schemas import EntryIn
from faq_service.review import documents as doc_review
from faq_service.review import service as review

router = APIRouter(prefix="/api/v1/staff/review", tags=["staff"])
Signature = Annotated[str, Path(pattern="^[0-9a-f]{40}$", description="a cluster's signature, as listed")]
Day = Annotated[str | None, Query(pattern=DAY_PATTERN, description="YYYY-MM-DD",
                                  json_schema_extra={"format": "date"})]


class AcceptIn(RequestBody):
    faq_id: RowId
    questions: list[Question] = Field(min_length=1, max_length=200)
    lang: Literal["th", "en"]


class PromoteIn(RequestBody):
    passage_id: RowId


class DismissIn(RequestBody):
    reason: str = question_field(500)


def _day(value: str | None, end: bool = False) -> datetime | None:
    if not value:
        return None
    try:
        d = date.fromisoformat(value)
    except ValueError:
        raise HTTPException(422, f"dates are YYYY-MM-DD, not {value!r}")
    if end and d == date.max:
        return datetime.max.replace(tzinfo=timezone.utc)
    return datetime.combine(d + timedelta(days=1) if end else d, time(0), tzinfo=timezone.utc)


def period_of_request(state: AppState, since: str | None, until: str | None):
    return review.period(_day(since), _day(until, end=True), state.settings.review_default_days)


async def clusters_or_503(state: AppState, since, until, include_resolved=False):
    if not state.knowledge.ready.is_set():
        raise HTTPException(503, "the knowledge base is still loading")
    return await review.clusters(state, since, until, include_resolved)


CLUSTER = {"signature": "$response.body#/items/0/signature"}
CLUSTER_LINKS = {"links": {name: link(op, f"{name.replace('_', ' ')} the first cluster listed", **CLUSTER) for name, op in (
    ("accept", "accept"), ("draft", "draft"), ("dismiss", "dismiss"), ("out_of_scope", "out_of_scope"))}}


@router.get("/clusters", openapi_extra=role_extra("viewer"), responses={200: CLUSTER_LINKS})
async def list_clusters(since: Day = None, until: Day = None,
                        include_resolved: bool = False, user: CurrentUser = Depends(require_role("viewer")),
                        state: AppState = Depends(app_state)) -> dict:
    """Declined, suggestion-only and 👎 questions of the period (default: the last 30 days), clustered."""
    start, end = period_of_request(state, since, until)
    return {"since": start, "until": end, "items": await clusters_or_503(state, start, end, include_resolved)}


@router.post("/clusters/{signature}/accept", openapi_extra=role_extra("reviewer"))
def accept(signature: Signature, body: AcceptIn, user: CurrentUser = Depends(require_role("reviewer")),
           run: SessionRunner = Depends(session_runner)) -> dict:
    """Add the chosen questions as live alternates of a published entry."""
    return run.here(review.accept, user, signature, body.faq_id, body.questions, body.lang)


@router.post("/clusters/{signature}/draft", status_code=201, openapi_extra=role_extra("editor"))
def draft(signature: Signature, body: EntryIn, user: CurrentUser = Depends(require_role("editor")),
          run: SessionRunner = Depends(session_runner)) -> dict:
    """Start a draft entry from the cluster (a reviewer publishes it)."""
    return run.here(review.draft, user, signature, body)


@router.post("/clusters/{signature}/out-of-scope", openapi_extra=role_extra("reviewer"))
def out_of_scope(signature: Signature, user: CurrentUser = Depends(require_role("reviewer")),
                 run: SessionRunner = Depends(session_runner)) -> dict:
    """TCEB does not answer these: the cluster's questions become decline examples, so questions like
    them are no longer answered from the knowledge base (live within seconds)."""
    return run.here(review.out_of_scope, user, signature)


@router.get("/decline-examples", openapi_extra=role_extra("viewer"), responses={200: {"links": {
    "remove": link("remove_decline_example", "undo the first example", example_id="$response.body#/items/0/id")}}})
def list_decline_examples(user: CurrentUser = Depends(require_role("viewer")),
                          run: SessionRunner = Depends(session_runner)) -> dict:
    """Out-of-scope examples added from this console (not those of data/retrieval/decline_examples.yml)."""
    return {"items": run.here(review.decline_examples)}


@router.post("/decline-examples/{example_id}/remove", openapi_extra=role_extra("reviewer"))
def remove_decline_example(example_id: PathId, user: CurrentUser = Depends(require_role("reviewer")),
                           run: SessionRunner = Depends(session_runner)) -> dict:
    return run.here(review.remove_decline_example, user, example_id)


@router.post("/clusters/{signature}/dismiss", openapi_extra=role_extra("editor"))
def dismiss(signature: Signature, body: DismissIn, user: CurrentUser = Depends(require_role("editor")),
            run: SessionRunner = Depends(session_runner)) -> dict:
    return run.here(review.dismiss, user, signature, body.reason)


@router.get("/document-answers", openapi_extra=role_extra("viewer"), responses={200: {"links": {
    "promote": link("promote_passage", "draft an entry from the first question's passage",
                    body={"passage_id": "$response.body#/items/0/passage/passage_id"},
                    log_id="$response.body#/items/0/log_id")}}})
async def list_document_answers(since: Day = None, until: Day = None,
                                user: CurrentUser = Depends(require_role("viewer")),
                                state: AppState = Depends(app_state)) -> dict:
    """Questions of the period answered from documents that no entry was drafted from yet, each with the
    passage that answers it now."""
    if not state.knowledge.ready.is_set():
        raise HTTPException(503, "the knowledge base is still loading")
    start, end = period_of_request(state, since, until)
    return {"since": start, "until": end, "items": await doc_review.document_answers(state, start, end)}


@router.post("/document-answers/{log_id}/promote", status_code=201, openapi_extra=role_extra("editor"))
def promote_passage(log_id: PathId, body: PromoteIn, user: CurrentUser = Depends(require_role("editor")),
                    state: AppState = Depends(app_state), run: SessionRunner = Depends(session_runner)) -> dict:
    """A draft entry from the passage: the question, the passage's text as the answer in its language,
    its citation as the source URL (a reviewer publishes it)."""
    return run.here(doc_review.promote, user, log_id, body.passage_id, state.settings.public_url)
