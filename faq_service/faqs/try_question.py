"""Try a question (staff): the live ranking with every score and the decision, and nothing logged."""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from faq_service.core.text import detect_lang
from faq_service.faqs.models import FaqEntry
from faq_service.retrieval.service import decide


def _entries_by_id(session: Session, ids: list[int]) -> dict[int, FaqEntry]:
    return {e.id: e for e in session.scalars(select(FaqEntry).where(FaqEntry.id.in_(ids)))}


async def try_question(state, question: str, lang: str | None, limit: int = 10) -> dict:
    """The live ranking for a question, with the fused, dense and lexical scores and the decision."""
    lang = lang if lang in ("th", "en") else detect_lang(question)
    ranked = await state.knowledge.search(question, lang, limit=limit)
    hits = ranked.hits
    s = state.settings
    decision = decide(ranked, s.answer_threshold, s.suggest_threshold, s.max_suggestions, s.decline_margin,
                      s.answer_type_check)
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
