"""Curating entries: list with filters, drafts, revisions of published entries, publishing, history
with diffs and revert. Every change goes through faqs.service.record_change (the index follows the
kb_state counter) and is audited."""
from __future__ import annotations

import difflib

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from faq_service.faqs import service as faqs
from faq_service.faqs.models import LANGS, FaqEntry, FaqHistory
from faq_service.faqs.schemas import EntryIn
from faq_service.core.auth.audit import audit
from faq_service.core.errors import ConflictError

# What an edit sets (status and key are not edited through the form).
EDIT_FIELDS = tuple(f for f in faqs.CONTENT_FIELDS if f != "status")


class EntryError(ConflictError):
    """What the entry does not allow as it is now (a key already used, nothing to publish): HTTP 409."""


def _like(text: str) -> str:
    return "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def list_entries(session: Session, q: str | None = None, category: str | None = None,
                 status: str | None = None, needs_review: bool | None = None,
                 missing_lang: str | None = None, pending: bool | None = None,
                 limit: int = 50, offset: int = 0) -> tuple[list[FaqEntry], int]:
    query = select(FaqEntry)
    if q:
        cols = (FaqEntry.key, FaqEntry.question_th, FaqEntry.question_en, FaqEntry.answer_th,
                FaqEntry.answer_en)
        query = query.where(or_(*(c.ilike(_like(q), escape="\\") for c in cols)))
    if category:
        query = query.where(FaqEntry.category == category)
    if status:
        query = query.where(FaqEntry.status == status)
    if needs_review is not None:
        query = query.where(FaqEntry.needs_review.is_(needs_review))
    if missing_lang in LANGS:
        query = query.where(or_(getattr(FaqEntry, f"question_{missing_lang}").is_(None),
                                getattr(FaqEntry, f"answer_{missing_lang}").is_(None)))
    if pending:
        query = query.where(or_(FaqEntry.draft.is_not(None), FaqEntry.status == "draft"))
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    rows = session.scalars(query.order_by(FaqEntry.category, FaqEntry.key).limit(limit).offset(offset))
    return list(rows), total


def categories(session: Session) -> list[str]:
    return list(session.scalars(select(FaqEntry.category).distinct().order_by(FaqEntry.category)))


def get(session: Session, entry_id: int) -> FaqEntry:
    entry = session.get(FaqEntry, entry_id)
    if entry is None:
        raise LookupError(f"no entry with id {entry_id}")
    return entry


def _content(data: EntryIn) -> dict:
    c = data.content()
    return {f: c[f] for f in EDIT_FIELDS}


def view(entry: FaqEntry) -> dict:
    out = {f: getattr(entry, f) for f in faqs.CONTENT_FIELDS}
    out.update(id=entry.id, key=entry.key, version=entry.version, author=entry.author,
               updated_at=entry.updated_at, draft=entry.draft, has_draft=entry.draft is not None)
    return out


def working_copy(entry: FaqEntry) -> dict:
    """What the edit form shows: the pending revision if there is one, else the entry."""
    base = {f: getattr(entry, f) for f in EDIT_FIELDS}
    return {**base, **(entry.draft or {})}


def create(session: Session, user, data: EntryIn) -> FaqEntry:
    """A new entry always starts as a draft; a reviewer publishes it."""
    if session.scalar(select(FaqEntry.id).where(FaqEntry.key == data.key)) is not None:
        raise EntryError(f"key {data.key!r} is already used")
    entry = FaqEntry(key=data.key, **_content(data), status="draft", version=1, author=user.username)
    session.add(entry)
    session.flush()
    faqs.record_change(session, entry, "create", user.username)
    audit(session, user, "entry.create", entry.key, {"id": entry.id})
    return entry


def _history(session: Session, entry: FaqEntry, action: str, author: str, content: dict) -> None:
    snap = {**{f: getattr(entry, f) for f in faqs.CONTENT_FIELDS}, **content,
            "key": entry.key, "version": entry.version}
    session.add(FaqHistory(faq_id=entry.id, version=entry.version, action=action, author=author,
                           snapshot=snap))


def edit(session: Session, user, entry_id: int, data: EntryIn, action: str = "edit") -> str:
    """A published entry gets a draft revision (the live text stays); others change in place.
    Returns "revision", "updated" or "unchanged"."""
    entry = get(session, entry_id)
    content = _content(data)
    if entry.status == "published":
        live = {f: getattr(entry, f) for f in EDIT_FIELDS}
        new_draft = None if content == live else content
        if new_draft == entry.draft:
            return "unchanged"
        entry.draft = new_draft
        _history(session, entry, f"{action}-draft" if new_draft else "discard-draft", user.username, content)
        audit(session, user, f"entry.{action}", entry.key, {"id": entry.id, "revision": True})
        return "revision"
    if all(getattr(entry, f) == content[f] for f in EDIT_FIELDS):
        return "unchanged"
    for f in EDIT_FIELDS:
        setattr(entry, f, content[f])
    entry.version += 1
    faqs.record_change(session, entry, action, user.username)
    audit(session, user, f"entry.{action}", entry.key, {"id": entry.id, "version": entry.version})
    return "updated"


def discard_draft(session: Session, user, entry_id: int) -> bool:
    entry = get(session, entry_id)
    if entry.draft is None:
        return False
    entry.draft = None
    _history(session, entry, "discard-draft", user.username, {})
    audit(session, user, "entry.discard_draft", entry.key, {"id": entry.id})
    return True


def publish(session: Session, user, entry_id: int) -> bool:
    """Publish a draft entry or a published entry's pending revision. False when nothing is pending."""
    entry = get(session, entry_id)
    if entry.draft is not None:
        for f, value in entry.draft.items():
            if f in EDIT_FIELDS:
                setattr(entry, f, value)
        entry.draft = None
    elif entry.status == "published":
        return False
    if not entry.languages():
        raise EntryError(f"{entry.key}: needs a question and answer in Thai or English before publishing")
    entry.status = "published"
    entry.version += 1
    faqs.record_change(session, entry, "publish", user.username)
    audit(session, user, "entry.publish", entry.key, {"id": entry.id, "version": entry.version})
    return True


def set_status(session: Session, user, entry_id: int, status: str) -> None:
    """Archive (take off the index) or restore to draft."""
    if status not in ("archived", "draft"):
        raise EntryError("status must be archived or draft")
    entry = get(session, entry_id)
    if entry.status == status:
        return
    entry.status = status
    entry.version += 1
    faqs.record_change(session, entry, status, user.username)
    audit(session, user, f"entry.{status}", entry.key, {"id": entry.id})


def bulk_publish(session: Session, user, ids: list[int]) -> dict:
    done, skipped = [], []
    for entry_id in ids:
        try:
            (done if publish(session, user, entry_id) else skipped).append(entry_id)
        except (LookupError, EntryError):
            skipped.append(entry_id)
    audit(session, user, "entry.bulk_publish", None, {"published": done, "skipped": skipped})
    return {"published": done, "skipped": skipped}


def add_alternates(session: Session, user, entry_id: int, lang: str, questions: list[str]) -> list[str]:
    """Add questions as alternates of a published entry, live (reviewer): they answer at once."""
    entry = get(session, entry_id)
    if lang not in LANGS or entry.text("question", lang) is None:
        raise EntryError(f"{entry.key} has no {lang} question to attach alternates to")
    field = f"alternates_{lang}"
    current = list(getattr(entry, field) or [])
    added = [q for q in dict.fromkeys(questions) if q and q not in current]
    if not added:
        return []
    setattr(entry, field, current + added)
    if entry.draft is not None and field in entry.draft:
        entry.draft = {**entry.draft, field: list(dict.fromkeys(list(entry.draft[field]) + added))}
    entry.version += 1
    faqs.record_change(session, entry, "add-alternates", user.username)
    audit(session, user, "entry.add_alternates", entry.key, {"id": entry.id, "lang": lang, "added": added})
    return added


def _lines(snap: dict) -> list[str]:
    out = []
    for f in ("category", "status", "needs_review", "source_url"):
        out.append(f"{f}: {snap.get(f)}")
    if snap.get("scope"):
        out.append(f"scope: {snap['scope']}")
    for lang in LANGS:
        for part in ("question", "answer"):
            out.extend(f"{part}_{lang}: {line}" for line in str(snap.get(f"{part}_{lang}") or "").splitlines()
                       or [""])
        out.extend(f"alternate_{lang}: {a}" for a in snap.get(f"alternates_{lang}") or [])
    return out


def history(session: Session, entry_id: int) -> list[dict]:
    """Newest first; each row with a unified diff against the live content before it (a draft
    revision shows what it would change; a publish shows what changed live)."""
    rows = list(session.scalars(select(FaqHistory).where(FaqHistory.faq_id == entry_id)
                                .order_by(FaqHistory.id)))
    out, live = [], []
    for row in rows:
        lines = _lines(row.snapshot)
        diff = list(difflib.unified_diff(live, lines, "before", "after", lineterm="", n=0))
        out.append({"id": row.id, "version": row.version, "action": row.action, "author": row.author,
                    "changed_at": row.changed_at, "diff": [d for d in diff[2:] if not d.startswith("@@")],
                    "draft": row.action.endswith("-draft")})
        if not row.action.endswith("-draft"):
            live = lines
    return out[::-1]


def revert(session: Session, user, entry_id: int, history_id: int) -> str:
    """Bring back the content of a history row, by the same rules as an edit."""
    row = session.get(FaqHistory, history_id)
    if row is None or row.faq_id != entry_id:
        raise LookupError(f"no history row {history_id} for entry {entry_id}")
    snap = row.snapshot
    raw = {"key": get(session, entry_id).key, "category": snap.get("category") or "general",
           "needs_review": bool(snap.get("needs_review")), "source_url": snap.get("source_url")}
    if snap.get("scope"):
        raw["scope"] = snap["scope"]
    for lang in LANGS:
        if snap.get(f"question_{lang}") and snap.get(f"answer_{lang}"):
            raw[lang] = {"question": snap[f"question_{lang}"], "answer": snap[f"answer_{lang}"],
                         "alternates": list(snap.get(f"alternates_{lang}") or [])}
    return edit(session, user, entry_id, EntryIn.model_validate(raw), action="revert")
