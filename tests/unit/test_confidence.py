"""The answer-confidence signals, model and rule (retrieval/confidence.py, decision.decide)."""
import math
from dataclasses import replace

import numpy as np
import pytest

from faq_service.core.settings import Settings
from faq_service.retrieval.confidence import SIGNALS, ConfidenceModel, signals
from faq_service.retrieval.index import Hit, Unit
from faq_service.retrieval.passages import PassageDoc, PassageHit
from faq_service.retrieval.scope import ScopeGap
from faq_service.retrieval.decision import DecisionRules, Ranking, decide, decide_with_documents


def _hit(faq_id, score, dense, lexical, prior, kind="question"):
    return Hit(faq_id, score, dense, lexical, Unit(faq_id, "en", kind, "q"), prior)


def _passage():
    return PassageDoc(1, "TCEB supports business events.", "en", "Annual report", "About", 1, "/documents/1/file")


def _value(values, name):
    return values[SIGNALS.index(name)]


def test_signals_read_the_ranking_and_the_entry_texts():
    hits = [_hit(1, 0.80, 0.70, 0.9, 0.5, "answer"), _hit(2, 0.78, 0.75, 0.5, 0.3), _hit(3, 0.60, 0.5, 0.2, 0.1)]
    values = signals(hits, 0.5, "th", ["fee", "booth", "bitec"], frozenset({"fee", "booth", "tceb"}))
    assert len(values) == len(SIGNALS)
    assert _value(values, "lead") == pytest.approx(0.02)
    assert _value(values, "lead_over_third") == pytest.approx(0.20)
    assert _value(values, "classifier_lead") == pytest.approx(0.2)
    assert _value(values, "classifier_total") == pytest.approx(0.9)
    assert _value(values, "lead_over_decline") == pytest.approx(0.30)
    assert _value(values, "matched_answer") == 1.0
    assert _value(values, "thai") == 1.0
    assert _value(values, "question_length") == pytest.approx(math.log(4))
    assert _value(values, "coverage") == pytest.approx(2 / 3)
    # the runner-up has the higher dense score: the dense order alone does not put the best entry first
    assert (_value(values, "dense_agrees"), _value(values, "lexical_agrees"),
            _value(values, "classifier_agrees")) == (0.0, 1.0, 1.0)
    assert _value(values, "close_entries") == 2.0


def test_signals_of_a_lone_entry_and_an_empty_question():
    values = signals([_hit(1, 0.5, 0.5, 0.0, 0.0)], 0.0, "en", [], frozenset())
    assert _value(values, "lead") == pytest.approx(0.5)
    assert _value(values, "coverage") == 0.0
    assert _value(values, "close_entries") == 1.0


def test_model_round_trips_and_refuses_other_signals(tmp_path):
    rng = np.random.default_rng(0)
    rows = rng.normal(size=(200, len(SIGNALS)))
    right = rows[:, 0] + 0.3 * rng.normal(size=200) > 0  # right answers: a high first signal
    model = ConfidenceModel.fit(rows, right)
    assert model.probability(rows[right].mean(axis=0)) > 0.5 > model.probability(rows[~right].mean(axis=0))
    path = tmp_path / "model.json"
    path.write_text(model.to_json(), encoding="utf-8")
    loaded = ConfidenceModel.load(path)
    assert loaded.probability(rows[0]) == pytest.approx(model.probability(rows[0]), abs=1e-5)
    assert ConfidenceModel.load(None) is None
    path.write_text(model.to_json().replace('"score"', '"another"'), encoding="utf-8")
    with pytest.raises(ValueError, match="other signals"):
        ConfidenceModel.load(path)


def test_the_shipped_model_loads():
    model = ConfidenceModel.load(Settings().answer_confidence_model)
    assert model is not None and 0.0 < model.probability(model.mean) < 1.0


RULES = DecisionRules(0.6, 0.4, 3, min_confidence_th=0.25, min_confidence_en=0.35)
DOCUMENTS = DecisionRules(1.0, 1.0, document_threshold=0.5, document_margin=0.1)


def test_an_unsure_answer_is_offered_as_a_suggestion():
    hits = [_hit(1, 0.8, 0.8, 0.0, 0.5), _hit(2, 0.5, 0.5, 0.0, 0.2), _hit(3, 0.2, 0.2, 0.0, 0.1)]
    assert decide(Ranking(hits, confidence=0.9), RULES).outcome == "answered"
    assert decide(Ranking(hits, confidence=None), RULES).outcome == "answered"
    unsure = decide(Ranking(hits, confidence=0.2), RULES)
    assert unsure.outcome == "suggested" and [h.faq_id for h in unsure.suggestions] == [1, 2]
    # a near-scope reply says what is known whatever the confidence
    gap = ScopeGap(organisations=["TAT"], scope={"organisation": "TCEB"})
    assert decide(Ranking(hits, gap=gap, confidence=0.1), RULES).outcome == "partial"


def test_the_minimum_is_the_question_languages():
    hits = [_hit(1, 0.8, 0.8, 0.0, 0.5), _hit(2, 0.5, 0.5, 0.0, 0.2)]
    assert decide(Ranking(hits, confidence=0.3, lang="th"), RULES).outcome == "answered"
    assert decide(Ranking(hits, confidence=0.3, lang="en"), RULES).outcome == "suggested"
    assert decide(Ranking(hits, confidence=0.2, lang="th"), RULES).outcome == "suggested"


def test_a_sure_model_answers_between_the_suggest_and_the_answer_threshold():
    hits = [_hit(1, 0.5, 0.5, 0.0, 0.5), _hit(2, 0.3, 0.3, 0.0, 0.2)]  # 0.5: between 0.4 and 0.6
    sure = replace(RULES, sure_confidence=0.6)
    assert decide(Ranking(hits, confidence=0.7), sure).outcome == "answered"
    assert decide(Ranking(hits, confidence=0.5), sure).outcome == "suggested"
    assert decide(Ranking(hits, confidence=None), sure).outcome == "suggested"
    assert decide(Ranking(hits, confidence=0.9), RULES).outcome == "suggested"  # no such rule by default
    below = [_hit(1, 0.35, 0.35, 0.0, 0.5)]  # under the suggest threshold: never
    assert decide(Ranking(below, confidence=0.99), sure).outcome == "declined"
    gap = ScopeGap(years=[], organisations=["TAT"], scope={"organisation": "TCEB"})
    assert decide(Ranking(hits, gap=gap, confidence=0.7), sure).outcome == "partial"


def test_a_passage_takes_an_unsure_answers_place_only_as_it_would_take_an_answers():
    entry = _hit(1, 0.6, 0.6, 0.0, 0.5)
    unsure = decide(Ranking([entry], confidence=0.1), replace(RULES, answer_threshold=0.5))
    assert unsure.outcome == "suggested" and unsure.entries_answer
    close = Ranking([entry], 0.0, passage=PassageHit(_passage(), 0.65), confidence=0.1)
    assert decide_with_documents(close, unsure, DOCUMENTS) is unsure  # within the margin: the suggestion stays
    clear = Ranking([entry], 0.0, passage=PassageHit(_passage(), 0.75), confidence=0.1)
    assert decide_with_documents(clear, unsure, DOCUMENTS).outcome == "answered_from_document"
