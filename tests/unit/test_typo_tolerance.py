"""Informal spellings and particles (retrieval/informal.yml) and the character-trigram signal for
misspellings (retrieval/text.py char_ngrams, FusionWeights.char_weight), and the benchmark's seeded
typo generator."""
from __future__ import annotations

import pytest

from bench.typos import misspell
from faq_service.retrieval.index import FusionWeights, RetrievalIndex
from faq_service.retrieval.text import char_ngrams, tokenize
from tests.unit.test_fusion import BagOfWordsEncoder, _doc


@pytest.mark.parametrize("informal, standard", [
    ("ต้องทำยังไง", "ต้องทำอย่างไร"), ("เสียตังมั้ย", "เสียเงิน"), ("เบอโทร ทีเสบ", "เบอร์โทร ทีเส็บ"),
    ("อีเมล์ สสปน", "อีเมล สสปน"), ("ใช่ป่าวคับ", "ใช่เปล่า"), ("ส่งได้มั้ยครัช", "ส่งได้ไหม"), ("ครับบบบ จ้า", ""),
    ("plz tell me abt tceb", "please tell me about tceb"),
])
def test_informal_spellings_and_particles_read_as_the_standard_words(informal, standard):
    assert set(tokenize(informal)) <= set(tokenize(standard))
    assert bool(tokenize(informal)) == bool(tokenize(standard))


def test_character_trigrams_ignore_dropped_and_swapped_thai_signs():
    assert char_ngrams("ที่อยู่") == char_ngrams("ทีอยู")
    assert char_ngrams("ค่าธรรมเนียม") == char_ngrams("คาธรรมเนียม")
    assert len(set(char_ngrams("address")) & set(char_ngrams("adrdess"))) >= 3
    assert char_ngrams("ครับ") == []  # particles carry no topic


def test_a_misspelt_word_still_matches_lexically_with_the_trigram_share():
    enc = BagOfWordsEncoder()
    docs = [_doc(1, "office address", "Siam Piwat Tower"), _doc(2, "telephone number", "call 1105")]
    query = "ofice adrdess"
    scores = {}
    for share in (0.0, 0.5):
        index = RetrievalIndex([enc], FusionWeights({"en": 0.0}, {"bow": (0.0, 1.0)}, char_weight=share))
        index.upsert(docs)
        scores[share] = {h.faq_id: h.lexical for h in index.search(query, [enc.encode_queries([query])[0]], "en")}
    assert scores[0.0][1] == 0.0
    assert scores[0.5][1] > 0.2 and scores[0.5][1] > scores[0.5][2]


def test_the_typo_generator_is_seeded_and_changes_every_question():
    question = "คะแนน ITA ของ สสปน. เท่าไร"
    assert misspell(question, 1) == misspell(question, 1)
    assert misspell(question, 1) != question
    assert misspell("where is the office of tceb", 3) != "where is the office of tceb"
