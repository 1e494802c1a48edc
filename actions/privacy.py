"""PDPA retention for the bot side: no raw user text older than N days (default 30) in
- the Rasa tracker store (SQL `events` table: every event of every conversation, user text included), and
- the action server's on-disk queue (ACTION_QUEUE_DIR: pending/, failed/, tmp/; delivered records are
  deleted at delivery, so what is left is undelivered, rejected or a half-written temporary file).

    python -m actions.privacy purge --days 30 [--tracker-db-url URL] [--queue-dir DIR] [--dry-run]
    make bot-purge [BOT_RETENTION_DAYS=30]

Defaults come from RASA_TRACKER_DB_URL and ACTION_QUEUE_DIR (bot/run-with-env.sh sets both). Pending
records older than N days are deleted too (undelivered for that long, their text may not be kept).
SQLite deletes with `secure_delete` (the freed pages are zeroed); PostgreSQL gets a VACUUM of the table.
Prints a JSON summary. Needs only SQLAlchemy (1.4 or 2) and the standard library.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path
from typing import Any, Dict, Optional

DEFAULT_DAYS = 30
TMP_GRACE_S = 3600  # a temporary queue file older than this was left by a crash mid-write
QUEUE_FOLDERS = ("pending", "failed", "tmp")


def cutoff(days: float, now: Optional[float] = None) -> float:
    if days < 0:
        raise ValueError("days must be ≥ 0")
    return (time.time() if now is None else now) - days * 86400


def sqlalchemy_url(url: str) -> str:
    """Rasa's tracker URL as SQLAlchemy wants it (postgres:// is an old alias)."""
    if url.startswith("postgres://"):
        return "postgresql://" + url[len("postgres://"):]
    return url


def purge_tracker(db_url: str, days: float = DEFAULT_DAYS, dry_run: bool = False,
                  now: Optional[float] = None) -> Dict[str, Any]:
    """Deletes tracker events (Rasa SQLTrackerStore table `events`) older than `days`."""
    from sqlalchemy import create_engine, inspect, text

    limit = cutoff(days, now)
    engine = create_engine(sqlalchemy_url(db_url))
    try:
        if not inspect(engine).has_table("events"):
            return {"tracker_events_deleted": 0, "tracker_conversations_touched": 0,
                    "tracker_note": "no events table (no conversation yet)"}
        sqlite = engine.dialect.name == "sqlite"
        with engine.begin() as conn:
            if sqlite:
                conn.execute(text("PRAGMA secure_delete = ON"))
            counts = conn.execute(text(
                "SELECT COUNT(*), COUNT(DISTINCT sender_id) FROM events WHERE timestamp < :c"),
                {"c": limit}).one()
            deleted = 0
            if not dry_run and counts[0]:
                deleted = conn.execute(text("DELETE FROM events WHERE timestamp < :c"),
                                       {"c": limit}).rowcount
        if not sqlite and deleted:
            try:
                with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                    conn.execute(text("VACUUM events"))
            except Exception as exc:  # autovacuum will get there; the rows are gone for every reader
                print(f"privacy: VACUUM events failed: {exc}", file=sys.stderr)
        return {"tracker_events_deleted": deleted if not dry_run else counts[0],
                "tracker_conversations_touched": counts[1]}
    finally:
        engine.dispose()


def _queued_at(path: Path) -> float:
    """When a queue file was written: the time_ns prefix of its name, else its mtime."""
    head = path.name.split("-", 1)[0]
    if head.isdigit() and len(head) >= 19:
        return min(int(head) / 1e9, path.stat().st_mtime)
    return path.stat().st_mtime


def purge_queue(queue_dir: str, days: float = DEFAULT_DAYS, dry_run: bool = False,
                now: Optional[float] = None) -> Dict[str, Any]:
    """Deletes queue files older than `days` (tmp/ files older than an hour: abandoned writes)."""
    root = Path(queue_dir)
    now = time.time() if now is None else now
    limit = cutoff(days, now)
    result: Dict[str, Any] = {f"queue_{name}_deleted": 0 for name in QUEUE_FOLDERS}
    for name in QUEUE_FOLDERS:
        folder = root / name
        if not folder.is_dir():
            continue
        folder_limit = max(limit, now - TMP_GRACE_S) if name == "tmp" else limit
        for path in sorted(folder.iterdir()):
            try:
                if not path.is_file() or _queued_at(path) >= folder_limit:
                    continue
                if not dry_run:
                    path.unlink()
            except FileNotFoundError:  # delivered meanwhile
                continue
            result[f"queue_{name}_deleted"] += 1
    result["queue_pending_left"] = len(list((root / "pending").glob("*.json"))) if root.is_dir() else 0
    return result


def purge(days: float = DEFAULT_DAYS, tracker_db_url: Optional[str] = None,
          queue_dir: Optional[str] = None, dry_run: bool = False) -> Dict[str, Any]:
    summary: Dict[str, Any] = {"days": days, "dry_run": dry_run}
    if tracker_db_url:
        summary.update(purge_tracker(tracker_db_url, days, dry_run))
    if queue_dir:
        summary.update(purge_queue(queue_dir, days, dry_run))
    return summary


def main(argv: Optional[list] = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m actions.privacy", description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    cmd = sub.add_parser("purge", help="delete raw text older than --days")
    cmd.add_argument("--days", type=float, default=float(os.environ.get("BOT_RETENTION_DAYS", DEFAULT_DAYS)))
    cmd.add_argument("--tracker-db-url", default=os.environ.get("RASA_TRACKER_DB_URL"))
    cmd.add_argument("--queue-dir", default=os.environ.get("ACTION_QUEUE_DIR"))
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
