"""`thamtob privacy …`: retention purge and erasure of one session's data (PDPA)."""
from __future__ import annotations

from pathlib import Path

import typer
from rich.console import Console

from faq_service.core.migrations import open_database
from faq_service.core.settings import get_settings

privacy_app = typer.Typer(help="PDPA: retention purge and deletion by session id.", no_args_is_help=True)
console = Console()

TRACKER_HELP = "Rasa tracker store URL (default $RASA_TRACKER_DB_URL; skipped when unset)"
QUEUE_HELP = "the action server's queue folder (default $ACTION_QUEUE_DIR)"


@privacy_app.command("purge")
def purge(question_days: int = typer.Option(None, help="default $THAMTOB_RETENTION_QUESTION_DAYS (365)"),
          raw_days: int = typer.Option(None, help="default $THAMTOB_RETENTION_RAW_DAYS (30)"),
          tracker_db: str = typer.Option(None, help=TRACKER_HELP),
          action_queue: Path = typer.Option(None, help=QUEUE_HELP)) -> None:
    """Apply the retention periods: blank old question text, delete old raw text (tracker, queue)."""
    from faq_service.privacy import service

    s = get_settings()
    question_days = s.retention_question_days if question_days is None else question_days
    raw_days = s.retention_raw_days if raw_days is None else raw_days
    blanked = service.purge_question_log(open_database(), question_days)
    console.print(f"question log: {blanked} rows older than {question_days} days reduced to counts")
    tracker_db = tracker_db or s.rasa_tracker_db_url
    if tracker_db:
        deleted = service.purge_tracker_store(tracker_db, raw_days)
        console.print(f"tracker store: {deleted} events older than {raw_days} days deleted")
    queue = action_queue or s.action_queue_dir
    removed = service.purge_action_queue(queue, raw_days)
    console.print(f"action queue {queue}: {removed} files older than {raw_days} days removed")


@privacy_app.command("delete-session")
def delete_session(session_id: str = typer.Argument(..., help="the chat session id (Rasa sender id)"),
                   tracker_db: str = typer.Option(None, help=TRACKER_HELP),
                   action_queue: Path = typer.Option(None, help=QUEUE_HELP)) -> None:
    """Erase one session: its question text and session link (rows stay as counts), tracker events, queue."""
    from faq_service.privacy import service

    s = get_settings()
    queue = action_queue or s.action_queue_dir
    erased = service.erase_session(open_database(), session_id, s.secret_key,
                                   tracker_db or s.rasa_tracker_db_url, queue)
    console.print(f"question log: {erased.question_log_rows} rows of the session erased")
    if erased.tracker_events is not None:
        console.print(f"tracker store: {erased.tracker_events} events deleted")
    console.print(f"action queue: {erased.queue_files} files removed")
