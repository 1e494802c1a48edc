"""The import queue: an uploaded file is stored as a job in one transaction and the console answers at
once; a runner (documents/runner.py) claims the oldest queued job, imports it and writes the result.

Claiming is one conditional UPDATE (the row is taken only if it is still claimable when the database
applies the update), so two runners, in one process or many, on SQLite or PostgreSQL, never run the same
job. A claim is a lease: the runner renews it while the worker reads; a lease that ran out (its process
died) makes the job claimable again, and a job claimed `attempts` times without ending is failed.
Ending a job (done, refused, failed) is conditional on still holding it, and drops the stored upload.
Staff can cancel a job that has not ended: a queued one is never claimed, and a running one's runner no
longer holds it: it ends the reader at its next lease renewal, and a result ready before then is not
stored (ending the job fails the lease check).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import and_, func, or_, select, update
from sqlalchemy.orm import Session

from faq_service.core.auth.audit import audit
from faq_service.core.db import is_row_id, utcnow
from faq_service.documents.formats import DocumentRefused
from faq_service.documents.models import ImportJob
from faq_service.documents.service import ImportOptions, ImportResult

ACTIVE = ("queued", "running")
ENDED = ("done", "refused", "failed", "cancelled")


class LeaseLost(Exception):
    """The job is no longer this runner's (its lease ran out and another runner took it)."""


@dataclass(frozen=True)
class ClaimedJob:
    id: int
    source_name: str
    media_type: str
    options: ImportOptions
    requested_by: str
    attempts: int


def enqueue(session: Session, source_name: str, data: bytes, media_type: str, digest: str,
            options: ImportOptions, requested_by: str) -> int:
    job = ImportJob(status="queued", source_name=source_name, media_type=media_type, size_bytes=len(data),
                    content_hash=digest, upload=data, title=options.title, source_url=options.source_url,
                    valid_until=options.valid_until, requested_by=requested_by[:120], created_at=utcnow(),
                    attempts=0)
    session.add(job)
    session.flush()
    return job.id


def _claimable(now: datetime):
    return or_(ImportJob.status == "queued",
               and_(ImportJob.status == "running", ImportJob.lease_until < now))


def _ended(status: str, now: datetime, **values) -> dict:
    return {"status": status, "finished_at": now, "upload": None, "lease_owner": None, "lease_until": None,
            **values}


def claim(session: Session, owner: str, lease_s: float, max_attempts: int) -> ClaimedJob | None:
    """The oldest claimable job, now held by `owner` for `lease_s` seconds; None when there is none. A
    claimable job that has had its attempts is failed instead. Reads only, when nothing waits."""
    while True:
        now = utcnow()
        row = session.execute(select(ImportJob.id, ImportJob.attempts, ImportJob.source_name, ImportJob.requested_by)
                              .where(_claimable(now)).order_by(ImportJob.id).limit(1)).first()
        if row is None:
            return None
        job_id, attempts, source_name, requested_by = row
        if attempts >= max_attempts:
            if session.execute(update(ImportJob).where(ImportJob.id == job_id, _claimable(now)).values(
                    **_ended("failed", now, message_key="err_attempts", message_values={"attempts": attempts},
                             detail=f"started {attempts} times without finishing"))).rowcount:
                audit(session, requested_by, "document.failed", source_name, {"job_id": job_id, "attempts": attempts})
            continue
        taken = session.execute(update(ImportJob).where(ImportJob.id == job_id, _claimable(now)).values(
            status="running", lease_owner=owner, lease_until=now + timedelta(seconds=lease_s),
            attempts=ImportJob.attempts + 1, started_at=now)).rowcount
        if taken:
            job = session.get(ImportJob, job_id)
            return ClaimedJob(job.id, job.source_name, job.media_type,
                              ImportOptions(job.title, job.source_url, job.valid_until), job.requested_by,
                              job.attempts)
        # another runner took it between the two statements: try the next one


def _held(job_id: int, owner: str):
    return and_(ImportJob.id == job_id, ImportJob.status == "running", ImportJob.lease_owner == owner)


def renew(session: Session, job_id: int, owner: str, lease_s: float) -> bool:
    """Extend the lease; False when the job is no longer this owner's."""
    return bool(session.execute(update(ImportJob).where(_held(job_id, owner))
                                .values(lease_until=utcnow() + timedelta(seconds=lease_s))).rowcount)


def upload_of(session: Session, job_id: int) -> bytes:
    data = session.scalar(select(ImportJob.upload).where(ImportJob.id == job_id))
    if data is None:
        raise LeaseLost(f"job {job_id} holds no upload")
    return data


def _end(session: Session, job_id: int, owner: str, status: str, **values) -> None:
    if not session.execute(update(ImportJob).where(_held(job_id, owner))
                           .values(**_ended(status, utcnow(), **values))).rowcount:
        raise LeaseLost(f"job {job_id} is no longer held by {owner}")


def mark_done(session: Session, job_id: int, owner: str, result: ImportResult) -> None:
    """In the transaction that stored the document: raises LeaseLost (so nothing is stored) when
    another runner holds the job now."""
    _end(session, job_id, owner, "done", document_id=result.document_id, action=result.action,
         passages=result.passages)


def mark_refused(session: Session, job_id: int, owner: str, refused: DocumentRefused) -> None:
    _end(session, job_id, owner, "refused", message_key=refused.key, message_values=refused.values or None,
         detail=str(refused)[:500])


def release(session: Session, job_id: int, owner: str, counted: bool) -> bool:
    """Give the job back to the queue (the runner stops, or failed for a reason of its own); an attempt
    that did not count (a clean stop) is taken back."""
    values = {"status": "queued", "lease_owner": None, "lease_until": None}
    if not counted:
        values["attempts"] = ImportJob.attempts - 1
    return bool(session.execute(update(ImportJob).where(_held(job_id, owner)).values(**values)).rowcount)


def cancel(session: Session, job_id: int) -> bool:
    """End a queued or running job as cancelled and drop its upload; False when it had ended already."""
    return bool(session.execute(update(ImportJob).where(ImportJob.id == job_id, ImportJob.status.in_(ACTIVE))
                                .values(**_ended("cancelled", utcnow()))).rowcount)


# ------------------------------------------------------------------ what the console shows
def get(session: Session, job_id: int) -> ImportJob:
    job = session.get(ImportJob, job_id) if is_row_id(job_id) else None
    if job is None:
        raise LookupError(f"no import job {job_id}")
    return job


def active_jobs(session: Session) -> list[ImportJob]:
    """Queued and running jobs, oldest first (a running job whose lease ran out waits to be claimed again)."""
    return list(session.scalars(select(ImportJob).where(ImportJob.status.in_(ACTIVE)).order_by(ImportJob.id)))


def waiting_before(session: Session, job: ImportJob) -> int:
    """How many queued jobs are ahead of this one."""
    return session.scalar(select(func.count()).select_from(ImportJob).where(
        ImportJob.status == "queued", ImportJob.id < job.id)) or 0


def message(job: ImportJob, texts: dict[str, str]) -> str:
    """Why a job was refused or failed, in the reader's language."""
    if not job.message_key:
        return ""
    return texts[job.message_key].format(**(job.message_values or {}))


def view(job: ImportJob) -> dict:
    return {"id": job.id, "status": job.status, "source_name": job.source_name, "media_type": job.media_type,
            "size_bytes": job.size_bytes, "title": job.title, "source_url": job.source_url,
            "valid_until": job.valid_until, "requested_by": job.requested_by, "created_at": job.created_at,
            "started_at": job.started_at, "finished_at": job.finished_at, "attempts": job.attempts,
            "document_id": job.document_id, "action": job.action, "passages": job.passages,
            "active": job.status in ACTIVE}
