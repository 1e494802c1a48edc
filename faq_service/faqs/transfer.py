"""Import (validated first, applied only on confirmation) and export of the knowledge base."""
from __future__ import annotations

import secrets
from datetime import timedelta

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from faq_service.core.auth.audit import audit
from faq_service.core.db import utcnow
from faq_service.faqs import io as faq_io
from faq_service.faqs import service as faqs
from faq_service.faqs.models import FaqEntry, PendingImport

FORMATS = {"yaml": ("application/x-yaml", "yml"), "csv": ("text/csv; charset=utf-8", "csv"),
           "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx")}


async def read_upload(file, limit: int) -> bytes:
    """The uploaded file's bytes; 413 past `limit` (settings.max_upload_bytes, the limit the body-size
    middleware also applies to the import routes)."""
    from fastapi import HTTPException

    data = await file.read(limit + 1)
    if len(data) > limit:
        raise HTTPException(413, f"file larger than {limit // (1024 * 1024)} MB")
    return data


def _plan(session: Session, report: faq_io.ParseReport) -> list[dict]:
    """What applying would do to each entry, without writing anything."""
    plan = []
    for data in report.entries:
        entry = session.scalar(select(FaqEntry).where(FaqEntry.key == data.key))
        content = data.content()
        if entry is None:
            action = "create"
        elif all(getattr(entry, f) == content[f] for f in faqs.CONTENT_FIELDS):
            action = "unchanged"
        else:
            action = "update"
        plan.append({"key": data.key, "action": action, "status": data.status})
    return plan


def validate(session: Session, user, filename: str, data: bytes) -> dict:
    """Parse and check an upload; keep it (not applied) so that a confirmation can apply it."""
    report = faq_io.parse_bytes(filename, data)
    report.check_unique_keys()
    plan = _plan(session, report) if not report.errors else []
    counts = {a: sum(1 for p in plan if p["action"] == a) for a in ("create", "update", "unchanged")}
    import_id = None
    if not report.errors and report.entries:
        import_id = secrets.token_hex(16)
        session.execute(delete(PendingImport).where(PendingImport.created_at < utcnow() - timedelta(days=1)))
        session.add(PendingImport(id=import_id, username=user.username, filename=filename[:200], data=data))
    audit(session, user, "import.validate", filename[:200],
          {"errors": len(report.errors), "entries": len(report.entries), **counts})
    return {"import_id": import_id, "filename": filename, "valid": not report.errors and bool(report.entries),
            "errors": report.errors, "entries": len(report.entries), "counts": counts, "plan": plan}


def apply(session: Session, user, import_id: str) -> dict:
    pending = session.get(PendingImport, import_id)
    if pending is None or pending.applied:
        raise LookupError("no pending import with that id (already applied or expired)")
    report = faq_io.parse_bytes(pending.filename, pending.data)
    report.check_unique_keys()
    if report.errors:
        raise ValueError("the file no longer validates: " + "; ".join(report.errors[:5]))
    counts = faqs.import_entries(session, report.entries, user.username)
    pending.applied = True
    audit(session, user, "import.apply", pending.filename, counts)
    return counts


def export(session: Session, user, fmt: str) -> tuple[bytes, str, str]:
    if fmt not in FORMATS:
        raise ValueError("format must be yaml, csv or xlsx")
    entries = list(session.scalars(select(FaqEntry).order_by(FaqEntry.category, FaqEntry.key)))
    media, ext = FORMATS[fmt]
    return faq_io.export_bytes(entries, fmt), media, f"thamtob-faq.{ext}"
