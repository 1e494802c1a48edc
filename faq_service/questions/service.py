"""Question-log logic: store every question (redacted) before answering, feedback, bot turns."""
from __future__ import annotations

import hashlib
import hmac
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from faq_service.core.db import Database, is_row_id, utcnow
from faq_service.questions.models import QuestionLog
from faq_service.questions.redaction import redact


def hash_session(session_id: str | None, secret: str) -> str | None:
    """A keyed hash: the same visitor's questions group together, but the id itself is not kept."""
    if not session_id:
        return None
    return hmac.new(secret.encode(), session_id.encode(), hashlib.sha256).hexdigest()


def question_row(*, question: str, lang: str, channel: str, session_hash: str | None, outcome: str,
                 intent: str | None = None, topic: str | None = None, faq_id: int | None = None, faq_version: int | None = None,
                 confidence: float | None = None, suggestions: list | None = None,
                 latency_ms: float | None = None, asked_at: datetime | None = None,
                 idempotency_key: str | None = None) -> QuestionLog:
    """A new log row, its text redacted; not yet added to a session."""
    return QuestionLog(question_text=redact(question), lang=lang, channel=channel, session_hash=session_hash,
                       outcome=outcome, intent=intent, topic=topic, faq_id=faq_id, faq_version=faq_version,
                       confidence=confidence, suggestions=suggestions or [], latency_ms=latency_ms,
                       asked_at=asked_at or utcnow(), idempotency_key=idempotency_key)


def log_question(session: Session, **fields) -> QuestionLog:
    """Store a log row now (flushed: it has its id). Fields as question_row()."""
    row = question_row(**fields)
    session.add(row)
    session.flush()
    return row


def find_by_key(session: Session, idempotency_key: str | None) -> QuestionLog | None:
    if not idempotency_key:
        return None
    return session.scalar(select(QuestionLog).where(QuestionLog.idempotency_key == idempotency_key))


def set_feedback(session: Session, log_id: int, helpful: bool, comment: str | None) -> bool:
    if not is_row_id(log_id):
        return False
    row = session.get(QuestionLog, log_id)
    if row is None:
        return False
    row.helpful = helpful
    row.feedback_comment = redact(comment) if comment else None
    row.feedback_at = utcnow()
    return True


def record_turn(db: Database, idempotency_key: str, **fields) -> tuple[QuestionLog, bool]:
    """Store a turn the bot handled or could not pass on; a repeated key returns the stored row."""
    def existing() -> QuestionLog | None:
        with db.session() as s:
            return find_by_key(s, idempotency_key)

    row = existing()
    if row is not None:
        return row, False
    try:
        with db.write_session() as s:
            return log_question(s, idempotency_key=idempotency_key, **fields), True
    except IntegrityError:  # a concurrent retry with the same key won the race
        row = existing()
        if row is None:
            raise
        return row, False
