"""The reply to /ask and its question-log row, written as one job of a group commit
(faq_service/core/group_commit.py): the entries it names are read, the row is added in the group's
transaction, and the reply is built once the row has its id; it is sent only after the commit."""
from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Callable

from sqlalchemy import select
from sqlalchemy.orm import Session

from faq_service.faqs.models import FaqEntry
from faq_service.faqs.placeholders import fill
from faq_service.questions import service as questions
from faq_service.questions.partial import reply_text
from faq_service.questions.schemas import AskIn, AskOut, Suggestion
from faq_service.retrieval.service import Decision


def _pick_lang(entry: FaqEntry, lang: str) -> str:
    return lang if lang in entry.languages() else entry.languages()[0]


def _shown(entry: FaqEntry | None) -> bool:
    """Still published, with text: an entry unpublished between search and read is not shown."""
    return entry is not None and entry.status == "published" and bool(entry.languages())


@dataclass
class AskJob:
    body: AskIn
    lang: str
    decision: Decision
    started: float       # perf_counter() when the request came in: the logged latency
    secret_key: str      # for the session id's keyed hash
    fill_values: dict    # the settings' values an answer may name (faqs/placeholders.py)

    @property
    def entry_ids(self) -> set[int]:
        ids = {hit.faq_id for hit in self.decision.suggestions}
        if self.decision.outcome in ("answered", "partial"):
            ids.add(self.decision.top.faq_id)
        return ids

    def __call__(self, s: Session) -> Callable[[], AskOut]:
        decision, lang, body = self.decision, self.lang, self.body
        # partial: the entry is named, its text framed by what it is for (questions/partial.py)
        entry = s.get(FaqEntry, decision.top.faq_id) if decision.outcome in ("answered", "partial") else None
        entry = entry if _shown(entry) else None
        partial = entry is not None and decision.outcome == "partial"
        suggestions = []
        for hit in decision.suggestions:
            sug = s.get(FaqEntry, hit.faq_id)
            if _shown(sug):
                question = sug.text("question", _pick_lang(sug, lang))
                suggestions.append(Suggestion(faq_id=sug.id, key=sug.key, question=question,
                                              confidence=round(hit.score, 4)))
        outcome = ("partial" if partial else "answered") if entry else ("suggested" if suggestions else "declined")
        confidence = round(min(max(decision.top.score, 0.0), 1.0), 4) if decision.top else 0.0
        answer_lang = _pick_lang(entry, lang) if entry else None
        row = questions.find_by_key(s, body.idempotency_key)
        if row is None:
            row = questions.question_row(
                question=body.question, lang=lang, channel=body.channel or "api",
                idempotency_key=body.idempotency_key,
                session_hash=questions.hash_session(body.session_id, self.secret_key),
                outcome=outcome, intent=body.intent, topic=body.topic,
                faq_id=entry.id if entry else (decision.top.faq_id if decision.top else None),
                faq_version=entry.version if entry else None, confidence=confidence,
                suggestions=[sg.faq_id for sg in suggestions],
                latency_ms=(time.perf_counter() - self.started) * 1000)
            s.add(row)
        answer = fill(entry.text("answer", answer_lang), self.fill_values) if entry else None
        if partial:
            answer = reply_text(decision.gap, answer, answer_lang)
        return lambda: AskOut(
            answered=outcome == "answered", outcome=outcome, confidence=confidence, lang=lang, log_id=row.id,
            answer=answer,
            faq_id=entry.id if entry else None, key=entry.key if entry else None,
            matched_question=entry.text("question", answer_lang) if entry else None,
            answer_lang=answer_lang, source_url=entry.source_url if entry else None,
            updated_at=entry.updated_at if entry else None, faq_version=entry.version if entry else None,
            suggestions=suggestions)


def load_entries(s: Session, jobs: list) -> list[FaqEntry]:
    """The group's entries in one query rather than one per entry. The session holds loaded objects
    only weakly: the caller keeps the returned list until the jobs have run."""
    ids = set().union(*(getattr(job, "entry_ids", set()) for job in jobs))
    return list(s.scalars(select(FaqEntry).where(FaqEntry.id.in_(ids)))) if ids else []
