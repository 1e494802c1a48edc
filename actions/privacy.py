"""PDPA retention and erasure of the bot's raw text: the one implementation, used by `make bot-purge`
(this module's CLI) and by faq_service's `thamtob privacy purge|delete-session` (faq_service/privacy/
service.py delegates here). The stores:
- the Rasa tracker store (SQL `events` table: every event of every conversation, user text included), and
- the action server's on-disk queue (ACTION_QUEUE_DIR: pending/, failed/, tmp/; delivered records are
  deleted at delivery, so what is left is undelivered, rejected or a half-written temporary file).

    python -m actions.privacy purge --days 30 [--tracker-db-url URL] [--queue-dir DIR] [--dry-run]
    make bot-purge [BOT_RETENTION_DAYS=30]

Defaults come from BOT_RETENTION_DAYS, RASA_TRACKER_DB_URL and ACTION_QUEUE_DIR (actions/config.py;
bot/run-with-env.sh sets the last two). The rules:
- tracker events older than N days are deleted; SQLite deletes with `secure_delete` (the freed pages are
  zeroed), PostgreSQL gets a VACUUM of the table; erasing a session does the same for its events;
- a queue file's age is the earliest of the time in its name, its `asked_at` and its mtime; files older
  than N days go from every folder (pending too: undelivered for that long, its text may not be kept),
  and tmp/ files older than an hour whatever N is (abandoned writes).
Needs only SQLAlchemy (1.4 or 2) and the standard library: it runs in both virtualenvs (.venv-bot for the
bot, .venv for faq_service) and talks to PostgreSQL with whichever of psycopg2 / psycopg is installed.
"""
from __future__ import annotations

import argparse
import importlib.util
import json
import logging
import sys
import time
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Callable, Dict, Iterator, Optional

from actions.config import ConfigError, settings

logger = logging.getLogger(__name__)

DEFAULT_DAYS = 30
TMP_GRACE_S = 3600  # a temporary queue file older than this was left by a crash mid-write
QUEUE_FOLDERS = ("pending", "failed", "tmp")
POSTGRES_DRIVERS = ("psycopg2", "psycopg")  # SQLAlchemy driver name = the module it needs


def cutoff(days: float, now: Optional[float] = None) -> float:
    if days < 0:
        raise ValueError("days must be ≥ 0")
    return (time.time() if now is None else now) - days * 86400


# --------------------------------------------------------------------------- Rasa tracker store (SQL)
def sqlalchemy_url(url: str) -> str:
    """Rasa's tracker URL as SQLAlchemy wants it (postgres:// is an old alias)."""
    if url.startswith("postgres://"):
        return "postgresql://" + url[len("postgres://"):]
    return url


def tracker_engine(url: str):
    """An engine for Rasa's URL (`postgresql://…`, `sqlite:///…`) with a PostgreSQL driver this
    environment has: Rasa's URL names none (SQLAlchemy's default is psycopg2), faq_service's venv has psycopg."""
    from sqlalchemy import create_engine
    from sqlalchemy.engine import make_url

    parsed = make_url(sqlalchemy_url(url))
    if parsed.get_backend_name() == "postgresql":
        driver = parsed.drivername.partition("+")[2] or "psycopg2"
        if driver in POSTGRES_DRIVERS and importlib.util.find_spec(driver) is None:
            usable = [d for d in POSTGRES_DRIVERS if importlib.util.find_spec(d) is not None]
            if usable:
                parsed = parsed.set(drivername=f"postgresql+{usable[0]}")
    return create_engine(parsed)


def _delete_events(db_url: str, where: str, params: Dict[str, Any], dry_run: bool = False) -> Dict[str, Any]:
    """Deletes tracker events matching `where` (SQLite: secure_delete; PostgreSQL: VACUUM afterwards)."""
    from sqlalchemy import inspect, text

    engine = tracker_engine(db_url)
    try:
        if not inspect(engine).has_table("events"):
            return {"tracker_events_deleted": 0, "tracker_conversations_touched": 0,
                    "tracker_note": "no events table (no conversation yet)"}
        sqlite = engine.dialect.name == "sqlite"
        with engine.begin() as conn:
            if sqlite:
                conn.execute(text("PRAGMA secure_delete = ON"))
            counts = conn.execute(text(
                f"SELECT COUNT(*), COUNT(DISTINCT sender_id) FROM events WHERE {where}"), params).one()
            deleted = 0
            if not dry_run and counts[0]:
                deleted = conn.execute(text(f"DELETE FROM events WHERE {where}"), params).rowcount
        if not sqlite and deleted:
            try:
                with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                    conn.execute(text("VACUUM events"))
            except Exception as exc:  # autovacuum will get there; the rows are gone for every reader
                logger.warning("privacy: VACUUM events failed: %s", exc)
        return {"tracker_events_deleted": deleted if not dry_run else counts[0],
                "tracker_conversations_touched": counts[1]}
    finally:
        engine.dispose()


def purge_tracker(db_url: str, days: float = DEFAULT_DAYS, dry_run: bool = False,
                  now: Optional[float] = None) -> Dict[str, Any]:
    """Deletes tracker events (Rasa SQLTrackerStore table `events`) older than `days`."""
    return _delete_events(db_url, "timestamp < :c", {"c": cutoff(days, now)}, dry_run)


def delete_tracker_session(db_url: str, sender_id: str) -> int:
    """Deletes every tracker event of one conversation (Rasa's sender id); returns the events deleted."""
    return _delete_events(db_url, "sender_id = :s", {"s": sender_id})["tracker_events_deleted"]


# --------------------------------------------------------------------------- the action server's queue
def _record(path: Path) -> Dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return data if isinstance(data, dict) else {}
    except (OSError, ValueError):
        return {}


def _asked_at(record: Dict[str, Any]) -> Optional[float]:
    value = record.get("asked_at")
    if not isinstance(value, str):
        return None
    try:
        when = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return (when if when.tzinfo else when.replace(tzinfo=timezone.utc)).timestamp()


def queued_at(path: Path) -> float:
    """How old a queue file's text is: the earliest of the time_ns prefix of its name (set when it was
    queued), the `asked_at` in it and its mtime — a file is purged as soon as any of them is too old."""
    times = [path.stat().st_mtime]
    head = path.name.split("-", 1)[0]
    if head.isdigit() and len(head) >= 19:
        times.append(int(head) / 1e9)
    asked = _asked_at(_record(path))
    if asked is not None:
        times.append(asked)
    return min(times)


def _queue_files(root: Path, folder: str) -> Iterator[Path]:
    path = root / folder
    if path.is_dir():
        yield from sorted(p for p in path.iterdir() if p.is_file())


def _remove_where(queue_dir: str, dry_run: bool, remove: Callable[[str, Path], bool]) -> Dict[str, Any]:
    """Deletes the queue files for which remove(folder, path) is true; counts per folder."""
    root = Path(queue_dir)
    result: Dict[str, Any] = {f"queue_{name}_deleted": 0 for name in QUEUE_FOLDERS}
    for name in QUEUE_FOLDERS:
        for path in _queue_files(root, name):
            try:
                if not remove(name, path):
                    continue
                if not dry_run:
                    path.unlink()
            except FileNotFoundError:  # delivered (and removed) by the action server meanwhile
                continue
            result[f"queue_{name}_deleted"] += 1
    result["queue_pending_left"] = len(list((root / "pending").glob("*.json"))) if root.is_dir() else 0
    return result


def purge_queue(queue_dir: str, days: float = DEFAULT_DAYS, dry_run: bool = False,
                now: Optional[float] = None) -> Dict[str, Any]:
    """Deletes queue files older than `days` (tmp/ files older than an hour: abandoned writes)."""
    now = time.time() if now is None else now
    limit = cutoff(days, now)
    tmp_limit = max(limit, now - TMP_GRACE_S)
    return _remove_where(queue_dir, dry_run,
                         lambda folder, path: queued_at(path) < (tmp_limit if folder == "tmp" else limit))


def delete_queue_session(queue_dir: str, session_id: str) -> int:
    """Deletes the queued questions of one session (their `session_id`); returns the files deleted."""
    result = _remove_where(queue_dir, False, lambda folder, path: _record(path).get("session_id") == session_id)
    return sum(result[f"queue_{name}_deleted"] for name in QUEUE_FOLDERS)


# --------------------------------------------------------------------------- make bot-purge
def purge(days: float = DEFAULT_DAYS, tracker_db_url: Optional[str] = None,
          queue_dir: Optional[str] = None, dry_run: bool = False) -> Dict[str, Any]:
    summary: Dict[str, Any] = {"days": days, "dry_run": dry_run}
    if tracker_db_url:
        summary.update(purge_tracker(tracker_db_url, days, dry_run))
    if queue_dir:
        summary.update(purge_queue(queue_dir, days, dry_run))
    return summary


def main(argv: Optional[list] = None) -> int:
    try:
        config = settings()
    except ConfigError as exc:
        print(f"privacy: {exc}", file=sys.stderr)
        return 2
    parser = argparse.ArgumentParser(prog="python -m actions.privacy", description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    cmd = sub.add_parser("purge", help="delete raw text older than --days")
    cmd.add_argument("--days", type=float, default=config.retention_days)
    cmd.add_argument("--tracker-db-url", default=config.tracker_db_url)
    cmd.add_argument("--queue-dir", default=config.action_queue_dir)
    cmd.add_argument("--dry-run", action="store_true", help="count only")
    args = parser.parse_args(argv)
    if not args.tracker_db_url and not args.queue_dir:
        parser.error("nothing to purge: give --tracker-db-url and/or --queue-dir (or set "
                     "RASA_TRACKER_DB_URL / ACTION_QUEUE_DIR)")
    summary = purge(args.days, args.tracker_db_url, args.queue_dir, args.dry_run)
    print(json.dumps(summary, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
