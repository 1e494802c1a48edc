"""Decline examples: the closest out-of-scope example's score and the answer rule's margin."""
import pytest

from faq_service.retrieval.declines import decline_docs, load_decline_examples
from faq_service.retrieval.index import FusionWeights, Hit, RetrievalIndex, Unit
from faq_service.retrieval.decision import DecisionRules, Ranking, decide
from faq_service.core.settings import Settings
from tests.unit.test_fusion import BagOfWordsEncoder

WEIGHTS = FusionWeights({"en": 0.5, "th": 0.5}, {"bow": (0.0, 1.0)})


def _hit(faq_id, score):
    return Hit(faq_id, score, score, 0.0, Unit(faq_id, "en", "question", "q"))


def _examples(texts):
    index = RetrievalIndex([BagOfWordsEncoder()], WEIGHTS)
    index.upsert(decline_docs(texts))
    return index


def _score(examples, question):
    """What KnowledgeIndex.rank takes as the decline score: the best example's fused score, or 0."""
    hits = examples.search(question, [BagOfWordsEncoder().encode_queries([question])[0]], "en", limit=1)
    return hits[0].score if hits else 0.0


def test_closest_example_scores_highest_for_its_own_wording():
    examples = _examples(["how do I extend my tourist visa", "weather in bangkok tomorrow"])
    assert _score(examples, "how do I extend my tourist visa") == pytest.approx(1.0, abs=0.05)
    assert _score(examples, "how do I extend my tourist visa") > _score(examples, "tceb hotline number")
    assert _score(_examples([]), "anything") == 0.0


def test_margin_keeps_an_answer_from_a_question_closer_to_a_decline_example():
    hits = [_hit(1, 0.7), _hit(2, 0.5)]
    assert decide(Ranking(hits, 0.9), DecisionRules(0.6, 0.4, 3, decline_margin=None)).outcome == "answered"
    blocked = decide(Ranking(hits, 0.9), DecisionRules(0.6, 0.4, 3, decline_margin=0.0))
    assert blocked.outcome == "suggested" and [h.faq_id for h in blocked.suggestions] == [1, 2]
    assert decide(Ranking(hits, 0.65), DecisionRules(0.6, 0.4, 3, decline_margin=0.0)).outcome == "answered"
    assert decide(Ranking(hits, 0.65), DecisionRules(0.6, 0.4, 3, decline_margin=0.1)).outcome == "suggested"
    assert decide(Ranking([], 0.9), DecisionRules(0.6, 0.4, 3, decline_margin=0.0)).outcome == "declined"


def test_loading_examples(tmp_path):
    path = tmp_path / "declines.yml"
    path.write_text('th:\n  - "พรุ่งนี้ฝนตกไหม"\nen:\n  - "  concert tickets  "\n  - ""\n', encoding="utf-8")
    assert load_decline_examples(path) == ["พรุ่งนี้ฝนตกไหม", "concert tickets"]
    assert load_decline_examples(tmp_path / "missing.yml") == []
    path.write_text("- just a list\n", encoding="utf-8")
    with pytest.raises(ValueError):
        load_decline_examples(path)


def test_shipped_examples_load():
    texts = load_decline_examples(Settings().decline_examples)
    assert len(texts) >= 40 and any("\u0e00" <= ch <= "\u0e7f" for ch in texts[0] + texts[-1])
