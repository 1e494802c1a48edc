"""Questions answered from documents, for review: each is listed with the passage that answers it now,
and one action turns that passage into a draft entry (the question, the passage as the answer in the
passage's language, its citation as the source), so that a reviewed entry can take over the answer.
The same action drafts an entry from any passage of a published document without a logged question
(the document preview's button): the question is then the passage's heading, for the editor to reword.

The question log keeps no passage id (a passage may be replaced on re-import), so the passage shown is
the one retrieval finds for the question today; the promotion names that passage by id and is refused
when it no longer answers (its document unpublished, expired or replaced)."""
from __future__ import annotations

from datetime import datetime
from urllib.parse import urljoin

from sqlalchemy import select
from sqlalchemy.orm import Session

from faq_service.core.auth.audit import audit
from faq_service.core.errors import ConflictError
from faq_service.core.text import detect_lang, normalize
from faq_service.documents import service as documents
from faq_service.faqs import editing as entry_service
from faq_service.faqs.models import FaqEntry
from faq_service.faqs.schemas import EntryIn
from faq_service.questions.models import QuestionLog
from faq_service.review.models import ReviewResolution
from faq_service.review.service import MAX_QUESTIONS, signature

MAX_GROUPS = 100
OUTCOME = "answered_from_document"


def _gather(session: Session, since: datetime, until: datetime) -> list[tuple[int, str, str, datetime]]:
    """The period's questions answered from documents that nobody has turned into an entry yet."""
    rows = session.execute(
        select(QuestionLog.id, QuestionLog.question_text, QuestionLog.lang, QuestionLog.asked_at)
        .where(QuestionLog.asked_at >= since, QuestionLog.asked_at < until, QuestionLog.outcome == OUTCOME)
        .order_by(QuestionLog.id.desc()).limit(MAX_QUESTIONS)).all()
    ids = [r[0] for r in rows]
    done: set[int] = set()
    for start in range(0, len(ids), 500):
        done.update(session.scalars(select(ReviewResolution.log_id)
                                    .where(ReviewResolution.log_id.in_(ids[start:start + 500]))))
    return [tuple(r) for r in rows if r[0] not in done]


async def document_answers(state, since: datetime, until: datetime) -> list[dict]:
    """One item per question text (newest first), with how often it was asked and the passage that
    answers it now (None when none does any more)."""
    rows = await state.db.run(_gather, since, until)
    groups: dict[str, list] = {}
    for row in rows:
        groups.setdefault(normalize(row[1]).casefold(), []).append(row)
    out = []
    for members in list(groups.values())[:MAX_GROUPS]:
        log_id, text, lang, _ = members[0]
        ranked = await state.knowledge.search(text, lang, limit=1)
        hit = ranked.passage
        out.append({
            "log_id": log_id, "question": text, "lang": lang, "asked": len(members),
            "last_seen": max(m[3] for m in members), "log_ids": sorted(m[0] for m in members),
            "passage": None if hit is None else {
                "passage_id": hit.passage.passage_id, "title": hit.passage.title, "section": hit.passage.section,
                "page": hit.passage.page, "url": hit.passage.url, "lang": hit.passage.lang,
                "text": hit.passage.text, "score": round(hit.score, 4)}})
    return out


def _free_key(session: Session, base: str) -> str:
    """`base`, or `base-2`, `base-3`… when taken: one passage may answer several questions."""
    taken = set(session.scalars(select(FaqEntry.key).where(FaqEntry.key.startswith(base))))
    return next(k for k in (base if n == 1 else f"{base}-{n}" for n in range(1, len(taken) + 2)) if k not in taken)


def promote(session: Session, user, log_id: int | None, passage_id: int, public_url: str) -> dict:
    """A draft entry from a passage: the logged question (without one, the passage's innermost heading,
    else its document's title) and the passage's text in the passage's language, the passage's citation
    as the source URL. With a logged question, every question of the log with the same text counts as
    dealt with (action "promoted")."""
    row = None
    if log_id is not None:
        row = session.get(QuestionLog, log_id)
        if row is None or row.outcome != OUTCOME:
            raise LookupError(f"no question {log_id} answered from a document")
    passage = documents.published_passage(session, passage_id)
    if passage is None:
        raise ConflictError("the passage no longer answers (its document was replaced, unpublished or expired)"
                            + ("; list the questions again" if row is not None else ""))
    lang = passage.lang if passage.lang in ("th", "en") else row.lang if row is not None else detect_lang(passage.text)
    base = f"doc-{passage.document_id}-p{passage.passage_id}"
    if row is not None:
        question, key = row.question_text, f"{base}-q{log_id}"
    else:
        question, key = (passage.section or "").split(" › ")[-1].strip() or passage.title, _free_key(session, base)
    data = EntryIn.model_validate({
        "key": key, "category": "general", "needs_review": True,
        "source_url": urljoin(public_url.rstrip("/") + "/", passage.url),
        lang: {"question": question[:1000], "answer": passage.text}})
    entry = entry_service.create(session, user, data)
    if row is not None:
        _resolve_same_questions(session, user, row.question_text, entry.id)
    audit(session, user, "review.promote_passage", str(log_id) if row is not None else f"passage-{passage_id}",
          {"faq_id": entry.id, "key": entry.key, "passage_id": passage.passage_id,
           "document_id": passage.document_id, "lang": lang})
    return {"faq_id": entry.id, "key": entry.key, "lang": lang}


def _resolve_same_questions(session: Session, user, question_text: str, faq_id: int) -> None:
    same = [i for i in session.scalars(select(QuestionLog.id).where(QuestionLog.outcome == OUTCOME,
                                                                    QuestionLog.question_text == question_text))]
    done = set(session.scalars(select(ReviewResolution.log_id).where(ReviewResolution.log_id.in_(same))))
    sig = signature(same)
    for i in same:
        if i not in done:
            session.add(ReviewResolution(log_id=i, signature=sig, action="promoted", faq_id=faq_id,
                                         by=user.username))
