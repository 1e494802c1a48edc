"""The officer desk: what complaints officers do with cases beyond service.py — the queue with its
service-level clocks, reading a case (decrypted, and every reading, evidence download and export
written to the audit trail and the case's history), moving it on, writing to the complainant,
restricting it to named officers (recusal), and recording a complaint received by phone, letter,
e-mail or in person.

Who may call these is decided by the routes (the complaints-officer flag); here `officer` is that
officer's user name, and a case restricted to other officers is answered exactly as a case that does
not exist (LookupError), so a recused officer learns nothing from its id. The audit trail is not
encrypted: it names the case by its tracking code and never holds content (notes, messages, names).
"""
from __future__ import annotations

import logging
from dataclasses import asdict, dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session, load_only

from faq_service.complaints import codes, service, workdays
from faq_service.complaints.crypto import ContentCipher
from faq_service.complaints.models import (CHANNELS, KINDS, MODES, STATUSES, Complaint, ComplaintEvent,
                                           ComplaintMessage, ComplaintReplay)
from faq_service.core.auth.audit import audit
from faq_service.core.db import utcnow
from faq_service.staff import service as staff

log = logging.getLogger(__name__)

OFFICER_CHANNELS = ("phone", "letter", "email", "walk_in")  # how an officer may have received one
ACTIONS = {"acknowledge": "acknowledged", "review": "in_review", "refer": "referred", "close": "closed"}


@dataclass(frozen=True)
class Sla:
    """The service levels (working days) and the holiday file they skip."""

    ack_days: int
    result_days: int
    holidays_path: Path

    @classmethod
    def of(cls, settings) -> "Sla":
        return cls(settings.complaint_ack_days, settings.complaint_result_days, Path(settings.complaint_holidays))

    def holidays(self) -> tuple[dict, str | None]:
        """(holidays, problem): a holiday file staff mistyped must not stop the desk, so the clocks
        then skip weekends only (they run early, never late) and the queue shows the problem."""
        try:
            return workdays.load_holidays(self.holidays_path), None
        except workdays.HolidayFileError as exc:
            log.warning("complaint holiday file ignored: %s", exc)
            return {}, str(exc)


@dataclass(frozen=True)
class Filters:
    kind: str | None = None
    mode: str | None = None
    status: str | None = None
    channel: str | None = None

    def __post_init__(self):
        for name, allowed in (("kind", KINDS), ("mode", MODES), ("status", STATUSES), ("channel", CHANNELS)):
            value = getattr(self, name)
            if value is not None and value not in allowed:
                raise ValueError(f"{name} must be one of {', '.join(allowed)}")


def restricted_names(complaint: Complaint) -> list[str]:
    return [n for n in (complaint.restricted_to or "").split(",") if n]


def visible_to(complaint: Complaint, officer: str) -> bool:
    names = restricted_names(complaint)
    return not names or officer in names


def officer_names(session: Session) -> list[str]:
    return [u.username for u in staff.complaints_officers(session)]


def officer_changes(session: Session, limit: int = 50) -> list[dict]:
    """Grants and revocations of the flag, newest first: every officer sees who was given access."""
    rows, _ = staff.audit_rows(session, limit, 0, action=staff.OFFICER_AUDIT)
    return [{"at": workdays.as_utc(r.at), "by": r.username, "user": r.target,
             "granted": bool((r.detail or {}).get("complaints_officer"))} for r in rows]


def _clock_json(clock: workdays.Clock) -> dict:
    return asdict(clock)


def _clocks(complaint: Complaint, sla: Sla, holidays, now: datetime) -> dict:
    ack, result = workdays.clocks(complaint.received_at, complaint.acknowledged_at, complaint.closed_at,
                                  sla.ack_days, sla.result_days, holidays, now)
    return {"acknowledge": _clock_json(ack), "result": _clock_json(result), "overdue": ack.overdue or result.overdue}


def queue(session: Session, officer: str, filters: Filters, sla: Sla, page: int = 1, page_size: int = 50) -> dict:
    """One page of the cases this officer may see, open ones first (oldest first), each with its clocks
    and whether the complainant wrote last; a page past the last one is the last one. No content:
    nothing here is decrypted."""
    query = select(Complaint).options(load_only(  # the queue shows no content: leave the ciphertext unread
        Complaint.id, Complaint.tracking_code, Complaint.kind, Complaint.mode, Complaint.channel, Complaint.status,
        Complaint.outcome, Complaint.received_at, Complaint.updated_at, Complaint.acknowledged_at,
        Complaint.closed_at, Complaint.recorded_by, Complaint.restricted_to))
    for name in ("kind", "mode", "status", "channel"):
        value = getattr(filters, name)
        if value is not None:
            query = query.where(getattr(Complaint, name) == value)
    query = query.order_by((Complaint.status == "closed"), Complaint.received_at, Complaint.id)
    rows = [c for c in session.scalars(query) if visible_to(c, officer)]  # recusal is per row, so count here
    page_size = max(1, page_size)
    pages = max(1, -(-len(rows) // page_size))
    page = min(max(1, page), pages)
    total, rows = len(rows), rows[(page - 1) * page_size:page * page_size]
    last = _last_messages(session, [c.id for c in rows])
    holidays, problem = sla.holidays()
    now = utcnow()
    items = []
    for c in rows:
        wrote = last.get(c.id, {})
        items.append({
            "id": c.id, "tracking_code": c.tracking_code, "kind": c.kind, "mode": c.mode, "channel": c.channel,
            "status": c.status, "outcome": c.outcome, "received_at": workdays.as_utc(c.received_at),
            "updated_at": workdays.as_utc(c.updated_at), "recorded_by": c.recorded_by,
            "restricted": bool(restricted_names(c)),
            "awaiting_officer": wrote.get("complainant", 0) > wrote.get("officer", 0),
            "clocks": _clocks(c, sla, holidays, now)})
    return {"items": items, "page": page, "pages": pages, "page_size": page_size, "total": total,
            "holiday_problem": problem,
            "ack_days": sla.ack_days, "result_days": sla.result_days}


def _last_messages(session: Session, ids: list[int]) -> dict[int, dict[str, int]]:
    """{complaint id: {sender: id of their last message}}, in one query."""
    if not ids:
        return {}
    out: dict[int, dict[str, int]] = {}
    query = (select(ComplaintMessage.complaint_id, ComplaintMessage.sender, func.max(ComplaintMessage.id))
             .where(ComplaintMessage.complaint_id.in_(ids))
             .group_by(ComplaintMessage.complaint_id, ComplaintMessage.sender))
    for complaint_id, sender, last in session.execute(query):
        out.setdefault(complaint_id, {})[sender] = last
    return out


def get_visible(session: Session, complaint_id: int, officer: str) -> Complaint:
    """The case, if this officer may see it; the same LookupError for a missing or a recused case."""
    complaint = session.get(Complaint, complaint_id)
    if complaint is None or not visible_to(complaint, officer):
        raise LookupError(f"no complaint {complaint_id}")
    return complaint


def _content(cipher: ContentCipher, c: Complaint) -> dict:
    return {"description": cipher.open(c.description_enc, "description"), "when": cipher.open(c.when_enc, "when"),
            "where": cipher.open(c.where_enc, "where"), "concerned": cipher.open(c.concerned_enc, "concerned"),
            "name": cipher.open(c.name_enc, "name"), "contact": cipher.open(c.contact_enc, "contact")}


def _case(cipher: ContentCipher, c: Complaint, sla: Sla) -> dict:
    holidays, _ = sla.holidays()
    return {
        "id": c.id, "tracking_code": c.tracking_code, "kind": c.kind, "mode": c.mode, "channel": c.channel,
        "lang": c.lang, "status": c.status, "outcome": c.outcome, "recorded_by": c.recorded_by,
        "received_at": workdays.as_utc(c.received_at), "updated_at": workdays.as_utc(c.updated_at),
        "acknowledged_at": c.acknowledged_at and workdays.as_utc(c.acknowledged_at),
        "closed_at": c.closed_at and workdays.as_utc(c.closed_at),
        "restricted_to": restricted_names(c), "next_statuses": list(service.NEXT[c.status]),
        "clocks": _clocks(c, sla, holidays, utcnow()), **_content(cipher, c),
        "evidence": [{"id": e.id, "at": workdays.as_utc(e.at), "media_type": e.media_type, "size": e.size,
                      "filename": cipher.open(e.filename_enc, "filename"), "from_complainant": e.from_complainant}
                     for e in c.evidence],
        "messages": [{"at": workdays.as_utc(m.at), "from": m.sender, "officer": m.officer,
                      "text": cipher.open(m.text_enc, "message")} for m in c.messages],
        "history": [{"at": workdays.as_utc(e.at), "actor": e.actor, "action": e.action, "status": e.status,
                     "note": cipher.open(e.note_enc, "note")} for e in c.events]}


def _seen(session: Session, complaint: Complaint, officer: str, action: str, audit_action: str,
          detail: dict | None = None) -> None:
    """A reading of the content: in the case's history and in the audit trail (not a change, so the
    complainant's "updated" date stays)."""
    complaint.events.append(ComplaintEvent(at=utcnow(), actor=officer, action=action, status=complaint.status))
    audit(session, officer, audit_action, complaint.tracking_code, detail)
    session.flush()


def view(session: Session, cipher: ContentCipher, complaint_id: int, officer: str, sla: Sla) -> dict:
    """The whole case, decrypted, for this officer; the reading is audited."""
    complaint = get_visible(session, complaint_id, officer)
    _seen(session, complaint, officer, "viewed", "complaint.view")
    return _case(cipher, complaint, sla)


def export(session: Session, cipher: ContentCipher, complaint_id: int, officer: str, sla: Sla) -> dict:
    """The case as one JSON document (evidence listed; each file is its own, audited download)."""
    complaint = get_visible(session, complaint_id, officer)
    _seen(session, complaint, officer, "exported", "complaint.export")
    return {"exported_at": utcnow(), "exported_by": officer, "complaint": _case(cipher, complaint, sla)}


def evidence_file(session: Session, cipher: ContentCipher, complaint_id: int, evidence_id: int,
                  officer: str) -> tuple[str, str, bytes]:
    """(file name, media type, bytes) of one evidence file; the download is audited."""
    complaint = get_visible(session, complaint_id, officer)
    item = next((e for e in complaint.evidence if e.id == evidence_id), None)
    if item is None:
        raise LookupError(f"no evidence {evidence_id} in complaint {complaint_id}")
    _seen(session, complaint, officer, "evidence_downloaded", "complaint.evidence", {"evidence": evidence_id})
    return cipher.open(item.filename_enc, "filename"), item.media_type, cipher.open_bytes(item.data_enc, "evidence")


def act(session: Session, cipher: ContentCipher, complaint_id: int, officer: str, action: str,
        note: str | None = None, outcome: str | None = None) -> Complaint:
    """acknowledge, review, refer (the note says to whom) or close (with an outcome)."""
    if action not in ACTIONS:
        raise ValueError(f"action must be one of {', '.join(ACTIONS)}")
    if action == "refer" and not (note or "").strip():
        raise ValueError("referring needs a note saying to whom")
    complaint = get_visible(session, complaint_id, officer)
    service.change_status(session, cipher, complaint, officer, ACTIONS[action], note, outcome)
    audit(session, officer, "complaint.status", complaint.tracking_code,
          {"status": complaint.status, **({"outcome": outcome} if action == "close" else {})})
    return complaint


def message(session: Session, cipher: ContentCipher, complaint_id: int, officer: str, text: str) -> Complaint:
    """A message to the complainant, who reads it on the status page (code and secret)."""
    complaint = get_visible(session, complaint_id, officer)
    service.refuse_if_closed(complaint)
    service.officer_message(session, cipher, complaint, officer, text)
    audit(session, officer, "complaint.message", complaint.tracking_code)
    return complaint


def add_evidence(session: Session, cipher: ContentCipher, complaint_id: int, officer: str,
                 files: list[service.CleanFile]) -> Complaint:
    """Evidence an officer adds to an open case (a letter's scan, a photo taken at a walk-in): checked
    as the public's (service.clean_files: type from the bytes, size, metadata stripped), encrypted, in
    the history and the audit trail (the number of files, never their names)."""
    complaint = get_visible(session, complaint_id, officer)
    service.refuse_if_closed(complaint)
    if not files:
        raise service.ComplaintRefused(422, "complaint_evidence_required", "add at least one file")
    now = utcnow()
    service.attach(complaint, cipher, files, now, from_complainant=False)
    complaint.events.append(ComplaintEvent(at=now, actor=officer, action="officer_evidence", status=complaint.status))
    complaint.updated_at = now
    audit(session, officer, "complaint.evidence_add", complaint.tracking_code, {"files": len(files)})
    session.flush()
    return complaint


def restrict(session: Session, cipher: ContentCipher, complaint_id: int, officer: str,
             names: list[str]) -> Complaint:
    """Restrict the case to these officers (recusal), or open it to every officer again (no names).
    Each name must be an active officer; the acting officer may leave themselves out."""
    complaint = get_visible(session, complaint_id, officer)
    wanted = sorted({n.strip() for n in names if n and n.strip()})
    unknown = sorted(set(wanted) - set(officer_names(session)))
    if unknown:  # a name that names no officer is wrong input (422), not a state of the case (409)
        raise service.ComplaintRefused(422, "complaint_not_officers", f"not complaints officers: {', '.join(unknown)}",
                                       names=", ".join(unknown))
    if wanted == restricted_names(complaint):
        return complaint
    now = utcnow()
    complaint.restricted_to = ",".join(wanted) or None
    complaint.events.append(ComplaintEvent(at=now, actor=officer, action="restricted", status=complaint.status,
                                           note_enc=cipher.seal(", ".join(wanted) or None, "note")))
    audit(session, officer, "complaint.restrict", complaint.tracking_code, {"officers": wanted})
    session.flush()
    return complaint


def record(session: Session, cipher: ContentCipher, officer: str, sub: service.Submission,
           files: list[service.CleanFile]) -> dict:
    """A complaint an officer took by phone, letter, e-mail or in person: its id, tracking code and
    secret, for the officer to give the complainant (a resubmitted form, same idempotency key, gets
    the same answer and stores nothing)."""
    if sub.channel not in OFFICER_CHANNELS:
        raise ValueError(f"channel must be one of {', '.join(OFFICER_CHANNELS)}")
    sub = service.check(sub)
    replayed = bool(sub.idempotency_key) and session.scalar(
        select(ComplaintReplay.key_hash).where(ComplaintReplay.key_hash == codes.key_hash(sub.idempotency_key),
                                               ComplaintReplay.expires_at >= utcnow())) is not None
    code, secret = service.submit(session, cipher, sub, files, recorded_by=officer)
    complaint_id = session.scalar(select(Complaint.id).where(Complaint.tracking_code == code))
    if not replayed:
        audit(session, officer, "complaint.record", code, {"channel": sub.channel})
    return {"id": complaint_id, "tracking_code": code, "secret": secret, "new": not replayed}
