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
from faq_service.questions.schemas import AnswerSource, AskIn, AskOut, Suggestion
from faq_service.retrieval.passages import highlights
from faq_service.retrieval.decision import Decision


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
        if self.decision.outcome == "answered_from_document":
            return self._from_document(s)
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
        row = self._log(s, outcome=outcome,
                        faq_id=entry.id if entry else (decision.top.faq_id if decision.top else None),
                        faq_version=entry.version if entry else None, confidence=confidence,
                        suggestions=[sg.faq_id for sg in suggestions])
        answer = fill(entry.text("answer", answer_lang), self.fill_values) if entry else None
        if partial:
            answer = reply_text(decision.gap, answer, answer_lang)
        source = AnswerSource(kind="entry", title=entry.text("question", answer_lang),
                              highlights=highlights(body.question, answer)) if entry else None
        return lambda: AskOut(
            answered=outcome == "answered", outcome=outcome, confidence=confidence, lang=lang, log_id=row.id,
            answer=answer,
            faq_id=entry.id if entry else None, key=entry.key if entry else None,
            matched_question=entry.text("question", answer_lang) if entry else None,
            answer_lang=answer_lang, source_url=entry.source_url if entry else None,
            updated_at=entry.updated_at if entry else None, faq_version=entry.version if entry else None,
            suggestions=suggestions, source=source)

    def _log(self, s: Session, **fields):
        """The question's log row (the one stored under the idempotency key, when there is one)."""
        row = questions.find_by_key(s, self.body.idempotency_key)
        if row is None:
            body = self.body
            row = questions.question_row(
                question=body.question, lang=self.lang, channel=body.channel or "api",
                idempotency_key=body.idempotency_key,
                session_hash=questions.hash_session(body.session_id, self.secret_key),
                intent=body.intent, topic=body.topic,
                latency_ms=(time.perf_counter() - self.started) * 1000, **fields)
            s.add(row)
        return row

    def _from_document(self, s: Session) -> Callable[[], AskOut]:
        """A passage answers: its text, its citation and the sentences that fit the question."""
        hit = self.decision.passage
        passage = hit.passage
        confidence = round(min(max(hit.score, 0.0), 1.0), 4)
        row = self._log(s, outcome="answered_from_document", faq_id=None, faq_version=None,
                        confidence=confidence, suggestions=[])
        source = AnswerSource(kind="document", title=passage.title, page=passage.page, section=passage.section,
                              highlights=highlights(self.body.question, passage.text))
        return lambda: AskOut(
            answered=True, outcome="answered_from_document", confidence=confidence, lang=self.lang,
            log_id=row.id, answer=passage.text, faq_id=None, matched_question=None,
            answer_lang=passage.lang if passage.lang in ("th", "en") else self.lang, source_url=passage.url,
            updated_at=None, faq_version=None, suggestions=[], source=source)


def load_entries(s: Session, jobs: list) -> list[FaqEntry]:
    """The group's entries in one query rather than one per entry. The session holds loaded objects
    only weakly: the caller keeps the returned list until the jobs have run."""
    ids = set().union(*(getattr(job, "entry_ids", set()) for job in jobs))
    return list(s.scalars(select(FaqEntry).where(FaqEntry.id.in_(ids)))) if ids else []
