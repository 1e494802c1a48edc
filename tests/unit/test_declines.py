"""Decline examples: the closest out-of-scope example's score and the answer rule's margin."""
import pytest

from faq_service.retrieval.declines import DeclineExamples, load_decline_examples
from faq_service.retrieval.index import FusionWeights, Hit, Unit
from faq_service.retrieval.service import decide
from faq_service.settings import Settings
from tests.unit.test_fusion import BagOfWordsEncoder

WEIGHTS = FusionWeights({"en": 0.5, "th": 0.5}, {"bow": (0.0, 1.0)})


def _hit(faq_id, score):
    return Hit(faq_id, score, score, 0.0, Unit(faq_id, "en", "question", "q"))


def _score(examples, question):
    enc = BagOfWordsEncoder()
    return examples.score(question, [enc.encode_queries([question])[0]], "en", WEIGHTS)


def test_closest_example_scores_highest_for_its_own_wording():
    enc = BagOfWordsEncoder()
    examples = DeclineExamples(["how do I extend my tourist visa", "weather in bangkok tomorrow"], [enc])
    assert _score(examples, "how do I extend my tourist visa") == pytest.approx(1.0, abs=0.05)
    assert _score(examples, "how do I extend my tourist visa") > _score(examples, "tceb hotline number")
    assert _score(DeclineExamples([], [enc]), "anything") == 0.0


def test_margin_keeps_an_answer_from_a_question_closer_to_a_decline_example():
    hits = [_hit(1, 0.7), _hit(2, 0.5)]
    assert decide(hits, 0.6, 0.4, 3, decline=0.9, decline_margin=None).outcome == "answered"
    blocked = decide(hits, 0.6, 0.4, 3, decline=0.9, decline_margin=0.0)
    assert blocked.outcome == "suggested" and [h.faq_id for h in blocked.suggestions] == [1, 2]
    assert decide(hits, 0.6, 0.4, 3, decline=0.65, decline_margin=0.0).outcome == "answered"
    assert decide(hits, 0.6, 0.4, 3, decline=0.65, decline_margin=0.1).outcome == "suggested"
    assert decide([], 0.6, 0.4, 3, decline=0.9, decline_margin=0.0).outcome == "declined"


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
