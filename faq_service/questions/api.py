"""Public question routes: ask, feedback, and turns logged by the bot."""
from __future__ import annotations

import time

from fastapi import APIRouter, Depends, HTTPException, Response
from sqlalchemy.exc import IntegrityError

from faq_service.core.deps import AppState, app_state, require_service_token
from faq_service.core.schema import link
from faq_service.questions import service as questions
from faq_service.questions.answering import AskJob
from faq_service.questions.schemas import AskIn, AskOut, FeedbackIn, TurnIn, TurnOut
from faq_service.retrieval.decision import DecisionRules, decide, decide_with_documents
from faq_service.core.text import detect_lang
from faq_service.faqs import placeholders

router = APIRouter(prefix="/api/v1", tags=["questions"])

# An answer links to its feedback and to its entry (stateful tests follow these, as integrators do).
FEEDBACK_LINK = link("feedback", "feedback on this answer (or logged turn)", body={"log_id": "$response.body#/log_id"})
ENTRY_LINK = link("get_faq", "the entry that answered (when answered)", faq_id="$response.body#/faq_id")


@router.post("/ask", response_model=AskOut,
             responses={200: {"links": {"feedback": FEEDBACK_LINK, "entry": ENTRY_LINK}}})
async def ask(body: AskIn, state: AppState = Depends(app_state)) -> AskOut:
    started = time.perf_counter()
    if not state.knowledge.ready.is_set():
        raise HTTPException(503, "the knowledge base is still loading; try again shortly")
    lang = body.lang or detect_lang(body.question)
    ranking = await state.knowledge.search(body.question, lang)
    s = state.settings
    rules = DecisionRules.of(s)
    decision = decide_with_documents(ranking, decide(ranking, rules), rules)
    job = AskJob(body, lang, decision, started, s.secret_key, placeholders.values_from(s))
    try:
        out = await state.log_writes.run(job)
    except IntegrityError:  # the same idempotency key was stored concurrently: answer with that row
        out = await state.log_writes.run(job)
    # Serialised here: FastAPI would otherwise dump the model, validate the dump against AskOut again
    # and only then serialise it, on the event loop, while the encoder waits for the next questions.
    return Response(out.model_dump_json(), media_type="application/json")


@router.post("/feedback", status_code=204, response_class=Response,
             responses={404: {"description": "No question with that log_id."}})
def feedback(body: FeedbackIn, state: AppState = Depends(app_state)) -> Response:
    with state.db.write_session() as s:
        if not questions.set_feedback(s, body.log_id, body.helpful, body.comment):
            raise HTTPException(404, f"no question with log_id {body.log_id}")
    return Response(status_code=204)


@router.post("/questions", response_model=TurnOut, status_code=201,
             dependencies=[Depends(require_service_token)],
             responses={200: {"model": TurnOut, "description": "Already stored under this idempotency key.",
                              "links": {"feedback": FEEDBACK_LINK}},
                        201: {"links": {"feedback": FEEDBACK_LINK}}})
def record_question(body: TurnIn, response: Response, state: AppState = Depends(app_state)) -> TurnOut:
    row, created = questions.record_turn(
        state.db, body.idempotency_key, question=body.question, lang=body.lang or detect_lang(body.question),
        channel=body.channel or "api", intent=body.intent, topic=body.topic, outcome=body.outcome, asked_at=body.asked_at,
        session_hash=questions.hash_session(body.session_id, state.settings.secret_key))
    if not created:
        response.status_code = 200
    return TurnOut(log_id=row.id, created=created)
