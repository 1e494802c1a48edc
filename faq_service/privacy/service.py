"""PDPA retention and erasure.

- The question log keeps redacted text for `retention_question_days` (default 365); after that a row
  keeps only what the aggregates need (time, language, channel, outcome, FAQ, confidence, feedback flag):
  its text and feedback comment are blanked and its session link removed.
- Raw text (what a person typed, before redaction) lives only in Rasa's tracker store (table `events`)
  and in the action server's queue folder (one JSON file per question). Both are purged after
  `retention_raw_days` (default 30), and both can be cleared for one session. The rules for those two
  stores are the bot side's (actions/privacy.py, also run by `make bot-purge`); this module delegates.
- Deleting a session's data blanks its question-log rows the same way (the counts stay, nothing links
  them to the person) and removes its tracker events and queued files.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import datetime, timedelta
from pathlib import Path

from sqlalchemy import update

from actions import privacy as raw_text
from faq_service.core.db import Database, utcnow
from faq_service.questions.models import QuestionLog
from faq_service.questions.service import hash_session

PURGED_TEXT = ""  # question_text of a row that is only counted now


def _erase(stmt):
    return stmt.values(question_text=PURGED_TEXT, feedback_comment=None, session_hash=None)


def purge_question_log(db: Database, days: int, now: datetime | None = None) -> int:
    """Blank the text of rows asked more than `days` ago; returns how many rows were blanked."""
    cutoff = (now or utcnow()) - timedelta(days=days)
    with db.session() as s:
        result = s.execute(_erase(update(QuestionLog).where(
            QuestionLog.asked_at < cutoff,
            (QuestionLog.question_text != PURGED_TEXT) | QuestionLog.session_hash.is_not(None)
            | QuestionLog.feedback_comment.is_not(None))))
        return result.rowcount or 0


def delete_session_log(db: Database, session_id: str, secret_key: str) -> int:
    """Erase one session's questions from the log (the rows stay as counts); returns rows erased."""
    session_hash = hash_session(session_id, secret_key)
    if session_hash is None:
        return 0
    with db.session() as s:
        return s.execute(_erase(update(QuestionLog).where(QuestionLog.session_hash == session_hash))).rowcount or 0


# --------------------------------------------------------------------------- raw text: tracker store, queue
# One implementation for both entry points (`thamtob privacy …` and `make bot-purge`): actions/privacy.py,
# which needs only SQLAlchemy and the standard library and so runs in this virtualenv and in the bot's.
_tracker_engine = raw_text.tracker_engine


def _timestamp(now: datetime | None) -> float | None:
    return None if now is None else now.timestamp()


def purge_tracker_store(url: str, days: int, now: datetime | None = None) -> int:
    """Delete tracker events (user messages carry raw text) older than `days`; returns rows deleted."""
    return raw_text.purge_tracker(url, days, now=_timestamp(now))["tracker_events_deleted"]


def delete_tracker_session(url: str, sender_id: str) -> int:
    """Delete every tracker event of one conversation (Rasa's sender id = the session id)."""
    return raw_text.delete_tracker_session(url, sender_id)


def purge_action_queue(queue_dir: Path, days: int, now: datetime | None = None) -> int:
    """Remove queued questions (raw text) older than `days`, and abandoned temporary files; returns files
    removed."""
    removed = raw_text.purge_queue(str(queue_dir), days, now=_timestamp(now))
    return sum(removed[f"queue_{folder}_deleted"] for folder in raw_text.QUEUE_FOLDERS)


def delete_queue_session(queue_dir: Path, session_id: str) -> int:
    """Remove the queued questions of one session; returns files removed."""
    return raw_text.delete_queue_session(str(queue_dir), session_id)


# --------------------------------------------------------------------------- one session, every store
@dataclass(frozen=True)
class SessionErased:
    question_log_rows: int
    tracker_events: int | None  # None: no tracker store configured here
    queue_files: int

    def as_dict(self) -> dict:
        return asdict(self)


def erase_session(db: Database, session_id: str, secret_key: str, tracker_db_url: str | None,
                  queue_dir: Path) -> SessionErased:
    """Everything kept about one chat session: its question-log rows erased (they stay as counts), its
    tracker events and queued questions deleted. `thamtob privacy delete-session` and the service-token
    route POST /api/v1/privacy/erase-session (a chat channel whose user left, e.g. LINE's unfollow) both
    come here."""
    rows = delete_session_log(db, session_id, secret_key)
    events = delete_tracker_session(tracker_db_url, session_id) if tracker_db_url else None
    return SessionErased(rows, events, delete_queue_session(queue_dir, session_id))
