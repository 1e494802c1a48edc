"""The import runner: claims the oldest queued upload (documents/jobs.py), reads it in the low-priority
worker process (documents/worker.py; a file of many passages also has them encoded there, into the
embedding cache the service's index reads), and stores the document and ends the job in one transaction,
the upload's bytes dropped with it. One job at a time; between jobs it polls the queue.

Each service process runs one on a thread of its own, started and stopped with the app
(THAMTOB_DOCUMENT_JOBS_IN_SERVICE); `thamtob docs worker` runs the same loop in a process of its own.
While the worker reads, a second thread renews the job's lease; a stop hands the job back to the queue.
"""
from __future__ import annotations

import logging
import os
import socket
import threading
import uuid
from pathlib import Path
from typing import Callable

from faq_service.core.auth.audit import audit
from faq_service.core.db import Database
from faq_service.core.settings import Settings
from faq_service.documents import jobs
from faq_service.documents.formats import DocumentRefused, Limits
from faq_service.documents.imports import import_bytes
from faq_service.documents.service import ImportResult
from faq_service.documents.worker import Encoding, Interrupted, read_in_worker

log = logging.getLogger(__name__)


def runner_name() -> str:
    """Who holds a lease: host, process and a random part (two runners of one process differ)."""
    return f"{socket.gethostname()[:80]}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


class _Lease:
    """Renews a job's lease every third of its length until closed. It is what the reader polls to know
    whether to go on (is_set, as in_worker() asks): not once the lease is lost (the job was cancelled,
    or taken over) or the runner stops."""

    def __init__(self, db: Database, job_id: int, owner: str, lease_s: float, beat: Callable[[], None],
                 stopping: threading.Event):
        self.db, self.job_id, self.owner, self.lease_s, self.beat = db, job_id, owner, lease_s, beat
        self.stopping = stopping
        self.lost = False
        self._done = threading.Event()
        self._thread = threading.Thread(target=self._renew, name=f"lease-{job_id}", daemon=True)

    def __enter__(self) -> "_Lease":
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._done.set()
        self._thread.join()

    def is_set(self) -> bool:
        return self.lost or self.stopping.is_set()

    def _renew(self) -> None:
        while not self._done.wait(self.lease_s / 3):
            try:
                with self.db.session() as s:
                    if not jobs.renew(s, self.job_id, self.owner, self.lease_s):
                        self.lost = True
                        return
                self.beat()
            except Exception:  # a database blip: the lease is still good until it runs out
                log.warning("could not renew the lease of import job %s", self.job_id, exc_info=True)


class ImportRunner:
    def __init__(self, db: Database, settings: Settings, name: str | None = None, heartbeat: Path | None = None):
        """`heartbeat`: a file touched whenever the runner polls or renews a lease (a container's
        healthcheck looks at its age)."""
        self.db, self.settings, self.heartbeat = db, settings, heartbeat
        self.name = name or runner_name()
        self.limits = Limits.of(settings)
        self.stopping = threading.Event()
        self._thread: threading.Thread | None = None

    # ---------------------------------------------------------------- one job
    def run_one(self) -> str | None:
        """Claim and run the oldest claimable job; its final status (None: nothing to do)."""
        settings = self.settings
        with self.db.session() as s:
            job = jobs.claim(s, self.name, settings.document_jobs_lease_s, settings.document_jobs_attempts)
        if job is None:
            return None
        log.info("import job %s (%s) claimed, attempt %d", job.id, job.source_name, job.attempts)
        with _Lease(self.db, job.id, self.name, settings.document_jobs_lease_s, self.beat, self.stopping) as lease:
            try:
                return self._import(job, lease)
            except jobs.LeaseLost:
                log.warning("import job %s is no longer this runner's (cancelled, or taken over by another "
                            "runner); its result is not written", job.id)
                return "lost"
            except Interrupted:
                if lease.lost:  # cancelled or taken over while it was read: the reading is dropped
                    log.warning("import job %s is no longer this runner's; its reading was stopped", job.id)
                    return "lost"
                self._release(job, counted=False)
                return "queued"
            except Exception:  # not the file's fault (a database blip, the worker killed): try again later
                log.exception("import job %s failed; it goes back to the queue", job.id)
                self._release(job, counted=True)
                return "queued"

    def _import(self, job: jobs.ClaimedJob, stop: _Lease) -> str:
        with self.db.session() as s:
            data = jobs.upload_of(s, job.id)

        def read(media_type, payload, limits):
            return read_in_worker(media_type, payload, limits, self.settings.document_import_timeout_s,
                                  stop, Encoding.of(self.settings))

        def finish(session, result: ImportResult) -> None:
            jobs.mark_done(session, job.id, self.name, result)  # first: LeaseLost stores nothing
            audit(session, job.requested_by, f"document.{result.action}", job.source_name,
                  {"document_id": result.document_id, "passages": result.passages, "job_id": job.id})

        try:
            result = import_bytes(self.db, job.source_name, data, job.options, job.requested_by, self.limits,
                                  read, job.media_type, finish)
        except DocumentRefused as refused:
            with self.db.session() as s:
                jobs.mark_refused(s, job.id, self.name, refused)
                audit(s, job.requested_by, "document.refused", job.source_name,
                      {"job_id": job.id, "reason": refused.key})
            log.info("import job %s refused: %s", job.id, refused)
            return "refused"
        log.info("import job %s done: document %s %s, %d passages", job.id, result.document_id, result.action,
                 result.passages)
        return "done"

    def _release(self, job: jobs.ClaimedJob, counted: bool) -> None:
        try:
            with self.db.session() as s:
                jobs.release(s, job.id, self.name, counted)
        except Exception:  # its lease runs out and another runner claims it
            log.warning("could not hand import job %s back to the queue", job.id, exc_info=True)

    # ---------------------------------------------------------------- the loop
    def beat(self) -> None:
        if self.heartbeat is not None:
            self.heartbeat.touch()

    def serve(self) -> None:
        """Run jobs until stop(); poll the queue between them."""
        while not self.stopping.is_set():
            self.beat()
            try:
                ran = self.run_one()
            except Exception:  # the database is unreachable: keep polling
                log.warning("the import queue could not be read; retrying", exc_info=True)
                ran = None
            if ran is None:
                self.stopping.wait(self.settings.document_jobs_poll_s)

    def drain(self) -> int:
        """Run jobs until none is claimable (or stop()); how many ran."""
        ran = 0
        while not self.stopping.is_set() and self.run_one() is not None:
            ran += 1
        return ran

    def start(self) -> None:
        self._thread = threading.Thread(target=self.serve, name="document-import-runner", daemon=True)
        self._thread.start()

    def stop(self, timeout_s: float = 15) -> None:
        """Ask the loop to stop: a job being read goes back to the queue."""
        self.stopping.set()
        if self._thread is not None:
            self._thread.join(timeout_s)
