"""Public question routes: ask, feedback, and turns logged by the bot."""
from __future__ import annotations

import time
from typing import Callable

from fastapi import APIRouter, Depends, HTTPException, Response
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from faq_service.deps import AppState, app_state, require_service_token
from faq_service.faqs.models import FaqEntry
from faq_service.questions import service as questions
from faq_service.questions.schemas import AskIn, AskOut, FeedbackIn, Suggestion, TurnIn, TurnOut
from faq_service.retrieval.service import Decision, decide
from faq_service.retrieval.text import detect_lang

router = APIRouter(prefix="/api/v1", tags=["questions"])


def _pick_lang(entry: FaqEntry, lang: str) -> str:
    return lang if lang in entry.languages() else entry.languages()[0]


def _answer_and_log(state: AppState, body: AskIn, lang: str, decision: Decision, started: float):
    """A group-commit job (faq_service/group_commit.py): read the answering entry and add the log row in
    the group's transaction; the answer is built once the row has its id, and is sent only after the
    transaction is committed."""
    def job(s: Session) -> Callable[[], AskOut]:
        entry = s.get(FaqEntry, decision.top.faq_id) if decision.outcome == "answered" else None
        if entry is not None and (entry.status != "published" or not entry.languages()):
            entry = None  # unpublished between search and read: do not answer with it
        suggestions = []
        for hit in decision.suggestions:
            sug = s.get(FaqEntry, hit.faq_id)
            if sug is not None and sug.status == "published" and sug.languages():
                suggestions.append(Suggestion(faq_id=sug.id, question=sug.text("question", _pick_lang(sug, lang)),
                                              confidence=round(hit.score, 4)))
        outcome = "answered" if entry else ("suggested" if suggestions else "declined")
        confidence = round(min(max(decision.top.score, 0.0), 1.0), 4) if decision.top else 0.0
        answer_lang = _pick_lang(entry, lang) if entry else None
        row = questions.find_by_key(s, body.idempotency_key)
        if row is None:
            row = questions.question_row(
                question=body.question, lang=lang, channel=body.channel or "api",
                idempotency_key=body.idempotency_key,
                session_hash=questions.hash_session(body.session_id, state.settings.secret_key),
                outcome=outcome, intent=body.intent,
                faq_id=entry.id if entry else (decision.top.faq_id if decision.top else None),
                faq_version=entry.version if entry else None, confidence=confidence,
                suggestions=[sg.faq_id for sg in suggestions], latency_ms=(time.perf_counter() - started) * 1000)
            s.add(row)
        return lambda: AskOut(
            answered=entry is not None, outcome=outcome, confidence=confidence, lang=lang, log_id=row.id,
            answer=entry.text("answer", answer_lang) if entry else None,
            faq_id=entry.id if entry else None,
            matched_question=entry.text("question", answer_lang) if entry else None,
            answer_lang=answer_lang, source_url=entry.source_url if entry else None,
            updated_at=entry.updated_at if entry else None, faq_version=entry.version if entry else None,
            suggestions=suggestions)

    return job


@router.post("/ask", response_model=AskOut)
async def ask(body: AskIn, state: AppState = Depends(app_state)) -> AskOut:
    started = time.perf_counter()
    if not state.knowledge.ready.is_set():
        raise HTTPException(503, "the knowledge base is still loading; try again shortly")
    lang = body.lang or detect_lang(body.question)
    ranking = await state.knowledge.search(body.question, lang)
    s = state.settings
    decision = decide(ranking, s.answer_threshold, s.suggest_threshold, s.max_suggestions, s.decline_margin)
    try:
        return await state.log_writes.run(_answer_and_log(state, body, lang, decision, started))
    except IntegrityError:  # the same idempotency key was stored concurrently: answer with that row
        return await state.log_writes.run(_answer_and_log(state, body, lang, decision, started))


@router.post("/feedback", status_code=204, response_class=Response)
def feedback(body: FeedbackIn, state: AppState = Depends(app_state)) -> Response:
    with state.db.write_session() as s:
        if not questions.set_feedback(s, body.log_id, body.helpful, body.comment):
            raise HTTPException(404, f"no question with log_id {body.log_id}")
    return Response(status_code=204)


@router.post("/questions", response_model=TurnOut, status_code=201,
             dependencies=[Depends(require_service_token)])
def record_question(body: TurnIn, response: Response, state: AppState = Depends(app_state)) -> TurnOut:
    row, created = questions.record_turn(
        state.db, body.idempotency_key, question=body.question, lang=body.lang or detect_lang(body.question),
        channel=body.channel or "api", intent=body.intent, outcome=body.outcome, asked_at=body.asked_at,
        session_hash=questions.hash_session(body.session_id, state.settings.secret_key))
    if not created:
        response.status_code = 200
    return TurnOut(log_id=row.id, created=created)
