"""On-disk queue of questions that could not reach the FAQ service's question log.

When faq_service is down, the action server still answers (with the contact channels) and writes the
question here: one JSON file per question under ACTION_QUEUE_DIR/pending (actions/config.py), written
atomically (temporary file, fsync, rename). A background thread delivers the files with
POST /api/v1/questions once the service is back. Each record carries an idempotency_key fixed when it is
queued, so a retry (after a timeout, a crash between the POST and the delete, or two action servers
sharing the folder) never stores a question twice. The files survive action-server restarts: a new
process delivers what an old one left.
Records the service rejects for good (a 4xx other than auth/rate limits) are moved to `failed/`.
A record is delivered as it was queued, with its `topic`; one queued before the bot sent topics gets the
topic of its intent on delivery, as a fresh record would have it. The PDPA purge of this folder is
actions/privacy.py's.
"""
from __future__ import annotations

import fcntl
import json
import logging
import os
import threading
import time
import uuid
from pathlib import Path
from typing import Any, Dict, List, Optional

from actions.config import settings, topic_for
from actions.faq_client import FaqClient, FaqRejected, FaqUnavailable

logger = logging.getLogger(__name__)


def new_idempotency_key() -> str:
    return f"thamtob-{uuid.uuid4().hex}"


def with_topic(record: Dict[str, Any]) -> Dict[str, Any]:
    """`record` with the topic of its intent when it has no `topic` key and its intent has a topic."""
    topic = topic_for(record.get("intent"))
    if "topic" in record or topic is None:
        return record
    return {**record, "topic": topic}


class QuestionQueue:
    """A folder of pending question-log records and the thread that delivers them."""

    def __init__(self, root: Optional[str] = None, client: Optional[FaqClient] = None,
                 interval_s: float = 2.0, max_interval_s: float = 10.0) -> None:
        self.root = Path(root or settings().action_queue_dir)
        self.pending = self.root / "pending"
        self.failed = self.root / "failed"
        self.tmp = self.root / "tmp"
        self.client = client or FaqClient()
        self.interval_s = interval_s
        self.max_interval_s = max_interval_s
        self._thread: Optional[threading.Thread] = None
        self._thread_pid: Optional[int] = None
        self._stop = threading.Event()
        self._wake = threading.Event()
        self._start_lock = threading.Lock()

    def _ensure_dirs(self) -> None:
        for folder in (self.pending, self.failed, self.tmp):
            folder.mkdir(parents=True, exist_ok=True, mode=0o700)

    # ---------------------------------------------------------------- writing
    def enqueue(self, record: Dict[str, Any]) -> Path:
        """Stores `record` (gets an idempotency_key if it has none) atomically; returns its file."""
        self._ensure_dirs()
        record = dict(record)
        record.setdefault("idempotency_key", new_idempotency_key())
        name = f"{time.time_ns():020d}-{record['idempotency_key']}.json"
        tmp_path = self.tmp / name
        data = json.dumps(record, ensure_ascii=False).encode("utf-8")
        fd = os.open(tmp_path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            os.write(fd, data)
            os.fsync(fd)
        finally:
            os.close(fd)
        final = self.pending / name
        os.replace(tmp_path, final)
        self._fsync_dir(self.pending)
        logger.info("queued question %s for the question log", record["idempotency_key"])
        self._wake.set()
        return final

    @staticmethod
    def _fsync_dir(folder: Path) -> None:
        try:
            fd = os.open(folder, os.O_RDONLY)
        except OSError:
            return
        try:
            os.fsync(fd)
        except OSError:
            pass
        finally:
            os.close(fd)

    def pending_files(self) -> List[Path]:
        if not self.pending.is_dir():
            return []
        return sorted(p for p in self.pending.iterdir() if p.suffix == ".json")

    # ---------------------------------------------------------------- delivery
    def deliver_pending(self) -> int:
        """Delivers queued records in order; stops at the first sign the service is still down.

        Returns how many records are still pending. Only one process delivers at a time (flock).
        """
        files = self.pending_files()
        if not files:
            return 0
        self._ensure_dirs()
        with open(self.root / ".deliver.lock", "a+") as lock:
            try:
                fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError:
                return len(files)  # another process is delivering
            try:
                for path in self.pending_files():
                    try:
                        record = json.loads(path.read_text(encoding="utf-8"))
                    except (OSError, ValueError):
                        logger.warning("unreadable queue file %s moved to failed/", path.name)
                        self._move(path, self.failed)
                        continue
                    try:
                        self.client.log_question_sync(with_topic(record))
                    except FaqUnavailable as exc:
                        logger.info("faq_service still unavailable: %s", exc)
                        break
                    except FaqRejected as exc:
                        logger.error("question %s rejected for good: %s", path.name, exc)
                        self._move(path, self.failed)
                        continue
                    path.unlink(missing_ok=True)
                    logger.info("delivered queued question %s", record.get("idempotency_key"))
            finally:
                fcntl.flock(lock, fcntl.LOCK_UN)
        return len(self.pending_files())

    @staticmethod
    def _move(path: Path, folder: Path) -> None:
        try:
            os.replace(path, folder / path.name)
        except OSError:
            pass

    def _run(self) -> None:
        delay = self.interval_s
        while not self._stop.is_set():
            try:
                remaining = self.deliver_pending()
            except Exception:  # never let the thread die
                logger.exception("question queue delivery failed")
                remaining = 1
            delay = self.interval_s if remaining == 0 else min(delay * 1.5, self.max_interval_s)
            if remaining == 0:
                delay = self.interval_s
            self._wake.wait(delay)
            self._wake.clear()

    def start_background(self) -> None:
        """Starts the delivery thread once per process (again after a fork)."""
        with self._start_lock:
            alive = self._thread is not None and self._thread.is_alive()
            if alive and self._thread_pid == os.getpid():
                return
            self._stop.clear()
            self._thread = threading.Thread(target=self._run, name="question-queue", daemon=True)
            self._thread_pid = os.getpid()
            self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout=5)
