"""What to do with a ranking: answer, say what is known instead (partial), suggest, or decline — and
whether a passage of an imported document answers instead of the entries. The rules come from the
settings as one object, so /api/v1/ask, the staff console's "try a question" page and the benches
decide alike."""
from __future__ import annotations

from dataclasses import dataclass, field

from faq_service.retrieval.index import Hit
from faq_service.retrieval.passages import PassageHit, answer_from_document
from faq_service.retrieval.scope import ScopeGap


@dataclass
class Ranking:
    """The ranked entries, and the closest decline example's score (retrieval/declines.py)."""

    hits: list[Hit]
    decline: float = 0.0
    gap: ScopeGap | None = None  # the top entry's scope against the question (retrieval/scope.py)
    # A kind of detail the question asks for that the top entry does not hold (retrieval/details.py).
    missing_detail: str | None = None
    passage: PassageHit | None = None  # the best passage of an imported document (retrieval/passages.py)
    # The top entry's confidence signals, and how likely they say it is the one asked for
    # (retrieval/confidence.py); None: no entry, or no confidence model.
    signals: list[float] | None = None
    confidence: float | None = None
    lang: str = "en"  # the question's language: the confidence minimum is per language


@dataclass
class Decision:
    outcome: str  # answered | answered_from_document | partial | suggested | declined
    hits: list[Hit]
    suggestions: list[Hit] = field(default_factory=list)
    gap: ScopeGap | None = None  # partial: what the question asks that the top entry's scope does not hold
    passage: PassageHit | None = None  # the passage that answers (answered_from_document)
    # An answer the confidence model held back (suggested): a document passage takes its place only as
    # it would take an answer's, by scoring above it by the document margin.
    unsure: bool = False

    @property
    def top(self) -> Hit | None:
        return self.hits[0] if self.hits else None

    @property
    def entries_answer(self) -> bool:
        """Whether an entry answers, or would but for the confidence model (the documents' rule)."""
        return self.outcome == "answered" or self.unsure


@dataclass(frozen=True)
class DecisionRules:
    """The thresholds of a decision (faq_service/core/settings.py says what each is for)."""

    answer_threshold: float
    suggest_threshold: float
    max_suggestions: int = 3
    decline_margin: float | None = None
    check_answer_type: bool = True
    # The confidence model's minimum per question language (Thai questions score lower and are held
    # back more often for the same share of wrong answers; docs/benchmarks.md).
    min_confidence_th: float = 0.0
    min_confidence_en: float = 0.0
    # An entry between the suggest and the answer threshold answers when the model is at least this
    # sure of it: chatty questions score low on every entry, and the lead and agreement of the signals
    # tell more than the score alone. 0: never (as the minima, 0 is no such check).
    sure_confidence: float = 0.0
    document_threshold: float = 1.01  # above any score: no passage answers unless set
    document_margin: float = 0.0

    @classmethod
    def of(cls, settings) -> DecisionRules:
        return cls(settings.answer_threshold, settings.suggest_threshold, settings.max_suggestions,
                   settings.decline_margin, settings.answer_type_check, settings.min_answer_confidence_th,
                   settings.min_answer_confidence_en, settings.sure_answer_confidence,
                   settings.document_threshold, settings.document_margin)

    def high_enough(self, score: float, confidence: float | None) -> bool:
        """Whether the best entry scores high enough to answer: above the answer threshold, or above the
        suggest threshold with a model that sure of it."""
        if score >= self.answer_threshold:
            return True
        return (self.sure_confidence > 0 and confidence is not None and score >= self.suggest_threshold
                and confidence >= self.sure_confidence)

    def min_confidence(self, lang: str) -> float:
        return self.min_confidence_th if lang == "th" else self.min_confidence_en

    def passage_answers(self, entry_answers: bool, entry_score: float, passage: PassageHit | None,
                        decline: float) -> bool:
        return answer_from_document(entry_answers, entry_score, passage, decline, self.document_threshold,
                                    self.document_margin, self.decline_margin)


def decide(ranking: Ranking, rules: DecisionRules) -> Decision:
    """Above the answer threshold (or above the suggest threshold with a model `sure_confidence` sure of
    it), and ahead of the closest decline example by the decline margin (when one is set): answered.
    Otherwise, entries above the suggest threshold: up to `max_suggestions` "did you mean" entries.
    None: declined. An answer whose entry's figures are for another year or organisation than the
    question names is partial: the reply says what is known instead. With `check_answer_type`, a
    question asking for a kind of detail (a number, an e-mail address, a social-media page…) is not
    answered by an entry holding none. An answer the confidence model (retrieval/confidence.py) rates
    below the question language's minimum is offered among the suggestions."""
    hits = ranking.hits
    unsure = False  # an answer held back by the confidence model
    if hits and rules.high_enough(hits[0].score, ranking.confidence) and not (rules.check_answer_type
                                                                              and ranking.missing_detail):
        if rules.decline_margin is None or hits[0].score - ranking.decline >= rules.decline_margin:
            if ranking.gap:
                return Decision("partial", hits, gap=ranking.gap)
            if ranking.confidence is None or ranking.confidence >= rules.min_confidence(ranking.lang):
                return Decision("answered", hits)
            unsure = True
    suggestions = [h for h in hits if h.score >= rules.suggest_threshold][:rules.max_suggestions]
    return Decision("suggested" if suggestions or unsure else "declined", hits, suggestions, unsure=unsure)


def decide_with_documents(ranking: Ranking, decision: Decision, rules: DecisionRules) -> Decision:
    """The entries' decision, or an answer from the best passage (retrieval/passages.py's rule)."""
    top = decision.top
    if rules.passage_answers(decision.entries_answer, top.score if top else 0.0, ranking.passage, ranking.decline):
        return Decision("answered_from_document", decision.hits, [], passage=ranking.passage)
    return decision
