"""Try a question (staff): the live ranking with every score and the decision, and nothing logged."""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from faq_service.core.text import detect_lang
from faq_service.faqs.models import FaqEntry
from faq_service.retrieval.decision import DecisionRules, decide, decide_with_documents
from faq_service.retrieval.passages import PassageHit


def _entries_by_id(session: Session, ids: list[int]) -> dict[int, FaqEntry]:
    return {e.id: e for e in session.scalars(select(FaqEntry).where(FaqEntry.id.in_(ids)))}


def passage_view(hit: PassageHit | None, entry_answers: bool, entry_score: float, decline: float,
                 rules: DecisionRules) -> dict | None:
    """The best passage and whether it would answer under the current document threshold and margin."""
    if hit is None:
        return None
    p = hit.passage
    would = rules.passage_answers(entry_answers, entry_score, hit, decline)
    return {"passage_id": p.passage_id, "title": p.title, "section": p.section, "page": p.page,
            "lang": p.lang, "url": p.url, "text": p.text, "score": round(hit.score, 4), "would_answer": would}


async def try_question(state, question: str, lang: str | None, limit: int = 10) -> dict:
    """The live ranking for a question, with the fused, dense and lexical scores, the best passage of
    the imported documents and the decision (entries and documents together, as /api/v1/ask decides)."""
    lang = lang if lang in ("th", "en") else detect_lang(question)
    ranked = await state.knowledge.search(question, lang, limit=limit)
    hits = ranked.hits
    s = state.settings
    rules = DecisionRules.of(s)
    decision = decide(ranked, rules)
    entry_top = decision.top.score if decision.top else 0.0
    passage = passage_view(ranked.passage, decision.entries_answer, entry_top, ranked.decline, rules)
    decision = decide_with_documents(ranked, decision, rules)
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
            "confidence": None if ranked.confidence is None else round(ranked.confidence, 4),
            "min_answer_confidence": rules.min_confidence(lang),
            "document_threshold": s.document_threshold, "document_margin": s.document_margin,
            "classifier_weight": state.knowledge.weights.classifier_weight, "ranking": ranking,
            "passage": passage}
