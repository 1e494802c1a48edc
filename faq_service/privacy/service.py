"""PDPA retention and erasure.

- The question log keeps redacted text for `retention_question_days` (default 365); after that a row
  keeps only what the aggregates need (time, language, channel, outcome, FAQ, confidence, feedback flag):
  its text and feedback comment are blanked and its session link removed.
- Raw text (what a person typed, before redaction) lives only in Rasa's tracker store (table `events`)
  and in the action server's queue folder (one JSON file per question). Both are purged after
  `retention_raw_days` (default 30), and both can be cleared for one session.
- Deleting a session's data blanks its question-log rows the same way (the counts stay, nothing links
  them to the person) and removes its tracker events and queued files.
"""
from __future__ import annotations

import json
import logging
import os
from datetime import datetime, timedelta, timezone
from pathlib import Path

from sqlalchemy import create_engine, inspect, text, update
from sqlalchemy.engine import make_url

from faq_service.db import Database, utcnow
from faq_service.questions.models import QuestionLog
from faq_service.questions.service import hash_session

log = logging.getLogger("faq_service.privacy")
PURGED_TEXT = ""  # question_text of a row that is only counted now
QUEUE_FOLDERS = ("pending", "failed", "tmp")


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


# --------------------------------------------------------------------------- Rasa tracker store (SQL)
def _tracker_engine(url: str):
    """Rasa's URL (`postgresql://…`, `sqlite:///…`) with a driver this environment has."""
    parsed = make_url(url)
    if parsed.drivername in ("postgresql", "postgres", "postgresql+psycopg2"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    return create_engine(parsed)


def _with_events(url: str, work) -> int:
    engine = _tracker_engine(url)
    try:
        if not inspect(engine).has_table("events"):
            log.info("tracker store %s has no events table yet; nothing to purge",
                     make_url(url).render_as_string(hide_password=True))
            return 0
        with engine.begin() as conn:
            return work(conn)
    finally:
        engine.dispose()


def purge_tracker_store(url: str, days: int, now: datetime | None = None) -> int:
    """Delete tracker events (user messages carry raw text) older than `days`; returns rows deleted."""
    cutoff = ((now or utcnow()) - timedelta(days=days)).timestamp()
    return _with_events(url, lambda conn: conn.execute(
        text("DELETE FROM events WHERE timestamp < :cutoff"), {"cutoff": cutoff}).rowcount or 0)


def delete_tracker_session(url: str, sender_id: str) -> int:
    """Delete every tracker event of one conversation (Rasa's sender id = the session id)."""
    return _with_events(url, lambda conn: conn.execute(
        text("DELETE FROM events WHERE sender_id = :sid"), {"sid": sender_id}).rowcount or 0)


# --------------------------------------------------------------------------- the action server's queue
def _queue_files(queue_dir: Path):
    for folder in QUEUE_FOLDERS:
        path = Path(queue_dir) / folder
        if path.is_dir():
            yield from (p for p in path.iterdir() if p.is_file())


def _record(path: Path) -> dict:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return data if isinstance(data, dict) else {}
    except (OSError, ValueError):
        return {}


def _asked_at(path: Path, record: dict) -> datetime:
    value = record.get("asked_at")
    if isinstance(value, str):
        try:
            when = datetime.fromisoformat(value.replace("Z", "+00:00"))
            return when if when.tzinfo else when.replace(tzinfo=timezone.utc)
        except ValueError:
            pass
    return datetime.fromtimestamp(path.stat().st_mtime, timezone.utc)


def _remove(path: Path) -> bool:
    try:
        os.unlink(path)
        return True
    except FileNotFoundError:  # delivered (and removed) by the action server meanwhile
        return False


def purge_action_queue(queue_dir: Path, days: int, now: datetime | None = None) -> int:
    """Remove queued questions (raw text) asked more than `days` ago; returns files removed."""
    cutoff = (now or utcnow()) - timedelta(days=days)
    return sum(_remove(p) for p in list(_queue_files(queue_dir)) if _asked_at(p, _record(p)) < cutoff)


def delete_queue_session(queue_dir: Path, session_id: str) -> int:
    """Remove the queued questions of one session; returns files removed."""
    return sum(_remove(p) for p in list(_queue_files(queue_dir)) if _record(p).get("session_id") == session_id)
