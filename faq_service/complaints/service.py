"""Complaints: taking one in (validated whole before anything is written, so a refusal stores
nothing), the complainant's status view and replies, and what officers do with a case. Services
raise plain exceptions (core/errors.py): ComplaintRefused (input to change: 413, 415, 422) and
ComplaintConflict (not allowed in the case's current state: 409) carry the HTTP status and the message
the visitor reads; NotFound is one generic answer for any wrong code or secret."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from faq_service.complaints import codes
from faq_service.complaints.crypto import ContentCipher
from faq_service.complaints.evidence import UnsupportedEvidence, clean
from faq_service.complaints.models import (CHANNELS, KINDS, MODES, OUTCOMES, STATUSES, Complaint, ComplaintEvent,
                                           ComplaintEvidence, ComplaintMessage, ComplaintReplay)
from faq_service.core.db import utcnow
from faq_service.core.errors import Refusal

REPLAY_WINDOW = timedelta(hours=24)
LIMITS = {"description": 5000, "when": 200, "where": 300, "concerned": 300, "name": 200, "contact": 300,
          "message": 5000, "filename": 200}
# Which status may follow which; "referred" is not final (a referred case comes back for a result).
NEXT = {"received": ("acknowledged", "in_review", "closed"), "acknowledged": ("in_review", "referred", "closed"),
        "in_review": ("referred", "closed"), "referred": ("in_review", "closed"), "closed": ()}


class ComplaintRefused(Refusal):
    """Input the visitor must change: 413 (a file too large), 415 (not an allowed type), 422."""


class ComplaintConflict(Refusal):
    """Not allowed in the complaint's current state (409): writing to a closed complaint, or a status
    that cannot follow the present one. The request was fine; the case has moved on."""


class NotFound(LookupError):
    """No complaint with that code and secret (the same answer whichever was wrong)."""


@dataclass
class Upload:
    filename: str
    data: bytes


@dataclass
class Submission:
    kind: str
    mode: str
    description: str
    when: str | None = None
    where: str | None = None
    concerned: str | None = None
    name: str | None = None
    contact: str | None = None
    lang: str = "th"
    channel: str = "web"
    idempotency_key: str | None = None
    files: list[Upload] = field(default_factory=list)


@dataclass
class CleanFile:
    filename: str
    media_type: str
    data: bytes


def _text(value: str | None, name: str, required: bool = False) -> str | None:
    value = (value or "").replace("\x00", "").strip()
    if not value:
        if required:
            raise ComplaintRefused(422, f"complaint_{name}_required", f"{name} is required")
        return None
    if len(value) > LIMITS[name]:
        raise ComplaintRefused(422, "complaint_too_long", f"{name}: at most {LIMITS[name]} characters",
                               field=name, limit=LIMITS[name])
    return value


def clean_files(files: list[Upload], max_files: int, max_bytes: int) -> list[CleanFile]:
    """Every file checked and stripped of its metadata, or a refusal (before anything is stored)."""
    files = [f for f in files if f.data]
    if len(files) > max_files:
        raise ComplaintRefused(422, "complaint_too_many_files", f"at most {max_files} files", limit=max_files)
    out = []
    for upload in files:
        if len(upload.data) > max_bytes:
            raise ComplaintRefused(413, "complaint_file_too_large", f"{upload.filename}: larger than "
                                   f"{max_bytes // (1024 * 1024)} MB", limit_mb=max_bytes // (1024 * 1024))
        try:
            media_type, data = clean(upload.data)
        except UnsupportedEvidence as exc:
            raise ComplaintRefused(415, "complaint_file_type", f"{upload.filename}: {exc}")
        out.append(CleanFile((upload.filename or "evidence")[:LIMITS["filename"]], media_type, data))
    return out


def check(sub: Submission) -> Submission:
    """The submission with its texts trimmed; a refusal names what the visitor must change."""
    if sub.kind not in KINDS:
        raise ComplaintRefused(422, "complaint_kind", f"kind must be one of {', '.join(KINDS)}")
    if sub.mode not in MODES:
        raise ComplaintRefused(422, "complaint_mode", f"mode must be one of {', '.join(MODES)}")
    if sub.channel not in CHANNELS:
        raise ComplaintRefused(422, "complaint_channel", f"channel must be one of {', '.join(CHANNELS)}")
    sub.description = _text(sub.description, "description", required=True)
    sub.when, sub.where = _text(sub.when, "when"), _text(sub.where, "where")
    sub.concerned = _text(sub.concerned, "concerned")
    if sub.mode == "named":
        sub.name = _text(sub.name, "name")
        sub.contact = _text(sub.contact, "contact")
        if not sub.name or not sub.contact:
            raise ComplaintRefused(422, "complaint_named_needs_contact", "a named complaint needs a name and "
                                   "a way to reply")
    else:  # confidential: whatever was typed in these fields is dropped, never stored
        sub.name = sub.contact = None
    sub.lang = sub.lang if sub.lang in ("th", "en") else "th"
    return sub


def submit(session: Session, cipher: ContentCipher, sub: Submission, files: list[CleanFile],
           recorded_by: str | None = None) -> tuple[str, str]:
    """Store a checked submission with its cleaned files; (tracking code, secret). A replay of the same
    idempotency key within 24 hours returns the first answer and stores nothing."""
    now = utcnow()
    earlier = replayed(session, cipher, sub.idempotency_key)
    if earlier is not None:
        return earlier
    replay_key = codes.key_hash(sub.idempotency_key) if sub.idempotency_key else None
    code, secret = _unused_code(session), codes.new_secret()
    complaint = Complaint(
        tracking_code=code, secret_hash=codes.secret_hash(secret), kind=sub.kind, mode=sub.mode,
        channel=sub.channel, lang=sub.lang, status="received", received_at=now, updated_at=now,
        description_enc=cipher.seal(sub.description, "description"), when_enc=cipher.seal(sub.when, "when"),
        where_enc=cipher.seal(sub.where, "where"), concerned_enc=cipher.seal(sub.concerned, "concerned"),
        name_enc=cipher.seal(sub.name, "name"), contact_enc=cipher.seal(sub.contact, "contact"),
        recorded_by=recorded_by)
    complaint.events.append(ComplaintEvent(at=now, actor=recorded_by or "complainant", action="received",
                                           status="received"))
    attach(complaint, cipher, files, now, from_complainant=recorded_by is None)
    session.add(complaint)
    session.flush()
    if replay_key:
        session.add(ComplaintReplay(key_hash=replay_key, complaint_id=complaint.id, expires_at=now + REPLAY_WINDOW,
                                    answer_enc=cipher.seal(f"{code} {secret}", "replay")))
    return code, secret


def replayed(session: Session, cipher: ContentCipher, idempotency_key: str | None) -> tuple[str, str] | None:
    """The code and secret first answered for this idempotency key within the last 24 hours, if any
    (expired keys are deleted on the way)."""
    session.execute(delete(ComplaintReplay).where(ComplaintReplay.expires_at < utcnow()))
    replay = session.get(ComplaintReplay, codes.key_hash(idempotency_key)) if idempotency_key else None
    if replay is None:
        return None
    code, secret = cipher.open(replay.answer_enc, "replay").split(" ", 1)
    return code, secret


def _unused_code(session: Session) -> str:
    while True:  # 60 random bits: a repeat is practically impossible, but cheap to rule out
        code = codes.new_code()
        if session.scalar(select(Complaint.id).where(Complaint.tracking_code == code)) is None:
            return code


def attach(complaint: Complaint, cipher: ContentCipher, files: list[CleanFile], now: datetime,
            from_complainant: bool) -> None:
    for f in files:
        complaint.evidence.append(ComplaintEvidence(
            at=now, media_type=f.media_type, size=len(f.data), from_complainant=from_complainant,
            filename_enc=cipher.seal(f.filename, "filename"), data_enc=cipher.seal(f.data, "evidence")))


def refuse_if_closed(complaint: Complaint) -> None:
    """A closed complaint takes no more messages, evidence or steps: 409, in the reader's language."""
    if complaint.status == "closed":
        raise ComplaintConflict(409, "complaint_closed", "this complaint is closed")


def find(session: Session, tracking_code: str, secret: str) -> Complaint:
    """The complaint both values name; NotFound (one generic answer) for anything else."""
    code = codes.read_code(tracking_code or "")
    complaint = session.scalar(select(Complaint).where(Complaint.tracking_code == code)) if code else None
    if complaint is None or not codes.secret_matches(secret or "", complaint.secret_hash):
        codes.secret_matches(secret or "", "0" * 64)  # the same work either way
        raise NotFound("no complaint with that tracking code and secret")
    return complaint


def complainant_view(cipher: ContentCipher, complaint: Complaint) -> dict:
    return {"status": complaint.status, "outcome": complaint.outcome, "received_at": complaint.received_at,
            "updated_at": complaint.updated_at,
            "messages": [{"at": m.at, "from": m.sender, "text": cipher.open(m.text_enc, "message")}
                         for m in complaint.messages]}


def reply(session: Session, cipher: ContentCipher, complaint: Complaint, text: str | None,
          files: list[CleanFile]) -> dict:
    """The complainant writes back and/or adds evidence through the status page."""
    text = _text(text, "message")
    if not text and not files:
        raise ComplaintRefused(422, "complaint_message_required", "write a message or add a file")
    refuse_if_closed(complaint)
    now = utcnow()
    if text:
        complaint.messages.append(ComplaintMessage(at=now, sender="complainant", text_enc=cipher.seal(text, "message")))
    attach(complaint, cipher, files, now, from_complainant=True)
    complaint.events.append(ComplaintEvent(at=now, actor="complainant", action="complainant_reply",
                                           status=complaint.status))
    complaint.updated_at = now
    session.flush()
    return complainant_view(cipher, complaint)


def change_status(session: Session, cipher: ContentCipher, complaint: Complaint, officer: str, status: str,
                  note: str | None = None, outcome: str | None = None) -> Complaint:
    """An officer moves the case on: received → acknowledged → in_review → referred → closed (with an
    outcome); every change is kept in the history with who and a note."""
    if status not in STATUSES:
        raise ValueError(f"status must be one of {', '.join(STATUSES)}")
    refuse_if_closed(complaint)
    if status not in NEXT[complaint.status]:
        raise ComplaintConflict(409, "complaint_status_conflict",
                                f"a {complaint.status} complaint cannot become {status}")
    if status == "closed" and outcome not in OUTCOMES:
        raise ValueError(f"closing needs an outcome: {', '.join(OUTCOMES)}")
    now = utcnow()
    complaint.status, complaint.updated_at = status, now
    if complaint.acknowledged_at is None and status != "closed":  # any step on is an acknowledgement
        complaint.acknowledged_at = now
    if status == "closed":
        complaint.outcome, complaint.closed_at = outcome, now
    complaint.events.append(ComplaintEvent(at=now, actor=officer, action=f"status:{status}", status=status,
                                           note_enc=cipher.seal(_text(note, "message"), "note")))
    session.flush()
    return complaint


def officer_message(session: Session, cipher: ContentCipher, complaint: Complaint, officer: str, text: str) -> None:
    text = _text(text, "message", required=True)
    now = utcnow()
    complaint.messages.append(ComplaintMessage(at=now, sender="officer", officer=officer,
                                               text_enc=cipher.seal(text, "message")))
    complaint.events.append(ComplaintEvent(at=now, actor=officer, action="officer_message", status=complaint.status))
    complaint.updated_at = now
    session.flush()


def purge_closed(session: Session, older_than_days: int) -> int:
    """Retention: closed complaints (with their evidence, messages and history) closed before the period."""
    cutoff = utcnow() - timedelta(days=older_than_days)
    doomed = list(session.scalars(select(Complaint).where(Complaint.status == "closed", Complaint.closed_at < cutoff)))
    for complaint in doomed:
        session.delete(complaint)
    return len(doomed)
