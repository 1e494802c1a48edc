"""Import (validated first, applied only on confirmation), export, and the "try a question" ranking."""
from __future__ import annotations

import secrets
from datetime import timedelta

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from faq_service.db import utcnow
from faq_service.faqs import io as faq_io
from faq_service.faqs import service as faqs
from faq_service.faqs.models import FaqEntry
from faq_service.retrieval.service import decide
from faq_service.retrieval.text import detect_lang
from faq_service.staff.audit import audit
from faq_service.staff.models import PendingImport

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


def _entries_by_id(session: Session, ids: list[int]) -> dict[int, FaqEntry]:
    return {e.id: e for e in session.scalars(select(FaqEntry).where(FaqEntry.id.in_(ids)))}


async def try_question(state, question: str, lang: str | None, limit: int = 10) -> dict:
    """The live ranking for a question, with the fused, dense and lexical scores and the decision."""
    lang = lang if lang in ("th", "en") else detect_lang(question)
    ranked = await state.knowledge.search(question, lang, limit=limit)
    hits = ranked.hits
    s = state.settings
    decision = decide(ranked, s.answer_threshold, s.suggest_threshold, s.max_suggestions, s.decline_margin)
    entries = await state.db.run(_entries_by_id, [h.faq_id for h in hits]) if hits else {}

    def question_of(entry: FaqEntry) -> str | None:
        return entry.text("question", lang) or entry.question_th or entry.question_en

    ranking = [{"rank": i + 1, "faq_id": h.faq_id,
                "key": entries[h.faq_id].key if h.faq_id in entries else None,
                "question": question_of(entries[h.faq_id]) if h.faq_id in entries else None,
                "score": round(h.score, 4), "dense": round(h.dense, 4), "lexical": round(h.lexical, 4),
                "classifier": round(h.prior, 4), "matched_text": h.unit.text, "matched_kind": h.unit.kind}
               for i, h in enumerate(hits)]
    return {"question": question, "lang": lang, "outcome": decision.outcome,
            "answer_threshold": s.answer_threshold, "suggest_threshold": s.suggest_threshold,
            "decline_score": round(ranked.decline, 4), "decline_margin": s.decline_margin,
            "classifier_weight": state.knowledge.weights.classifier_weight, "ranking": ranking}
