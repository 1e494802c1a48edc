"""Unit tests: the Thai tokenizer graph component and the language detector."""
import pytest
from rasa.nlu.constants import TOKENS_NAMES
from rasa.shared.nlu.constants import ENTITIES, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.components.language_detector import LanguageDetector, detect_language
from bot.components.thai_tokenizer import ThaiTokenizer


@pytest.fixture(scope="module")
def tokenizer():
    return ThaiTokenizer(ThaiTokenizer.get_default_config())


def tokens(tokenizer, text):
    return [(t.text, t.start, t.end) for t in tokenizer.tokenize(Message({TEXT: text}), TEXT)]


def assert_offsets(text, toks):
    for word, start, end in toks:
        assert text[start:end] == word, (word, start, end)
    starts = [s for _, s, _ in toks]
    assert starts == sorted(starts)


def test_thai_words_are_split(tokenizer):
    text = "อยากทราบคู่มือการขอรับการสนับสนุน"
    toks = tokens(tokenizer, text)
    words = [w for w, _, _ in toks]
    assert words == ["อยาก", "ทราบ", "คู่มือ", "การ", "ขอรับ", "การสนับสนุน"] or len(words) >= 5
    assert "คู่มือ" in words
    assert_offsets(text, toks)


def test_english_words_are_split_too(tokenizer):
    text = "How do I file a complaint, confidentially?"
    toks = tokens(tokenizer, text)
    assert [w for w, _, _ in toks] == ["How", "do", "I", "file", "a", "complaint", "confidentially"]
    assert toks[1] == ("do", 4, 6)
    assert_offsets(text, toks)


def test_mixed_thai_english_keeps_offsets(tokenizer):
    text = "ขอคู่มือ MEGA EVENT ของ TCEB หน่อยครับ"
    toks = tokens(tokenizer, text)
    words = [w for w, _, _ in toks]
    for word in ("คู่มือ", "MEGA", "EVENT", "ของ", "TCEB", "ครับ"):
        assert word in words
    assert ("MEGA", 9, 13) in toks
    assert_offsets(text, toks)


def test_agency_names_are_one_token(tokenizer):
    words = [w for w, _, _ in tokens(tokenizer, "ทีเส็บกับสสปน.เหมือนกันไหม")]
    assert "ทีเส็บ" in words
    assert "สสปน" in words


def test_whitespace_and_zero_width_are_not_tokens(tokenizer):
    text = "สวัสดี\u200bครับ   hello"
    toks = tokens(tokenizer, text)
    assert [w for w, _, _ in toks] == ["สวัสดี", "ครับ", "hello"]
    assert_offsets(text, toks)


def test_punctuation_only_message_still_has_a_token(tokenizer):
    assert [w for w, _, _ in tokens(tokenizer, "???")] == ["???"]
    assert tokens(tokenizer, "👍") == [("👍", 0, 1)]


def test_process_sets_tokens_on_messages(tokenizer):
    message = Message({TEXT: "สวัสดี hello"})
    tokenizer.process([message])
    assert [t.text for t in message.get(TOKENS_NAMES[TEXT])] == ["สวัสดี", "hello"]


def test_process_training_data_tokenizes_examples(tokenizer):
    data = TrainingData([Message({TEXT: "ร้องเรียนได้ที่ไหน", "intent": "ask_complaint_channels"})])
    tokenizer.process_training_data(data)
    assert [t.text for t in data.training_examples[0].get(TOKENS_NAMES[TEXT])][:1] == ["ร้องเรียน"]


@pytest.mark.parametrize("text,lang", [
    ("สวัสดีครับ", "th"),
    ("hello", "en"),
    ("ขอคู่มือ MEGA EVENT", "th"),
    ("TCEB ITA score 2562?", "en"),
    ("", "en"),
])
def test_detect_language(text, lang):
    assert detect_language(text) == lang


def test_language_detector_adds_lang_entity():
    detector = LanguageDetector(LanguageDetector.get_default_config())
    th, en = Message({TEXT: "ติดต่อเจ้าหน้าที่"}), Message({TEXT: "talk to a human"})
    detector.process([th, en])
    assert [e["value"] for e in th.get(ENTITIES) if e["entity"] == "lang"] == ["th"]
    assert [e["value"] for e in en.get(ENTITIES) if e["entity"] == "lang"] == ["en"]
    detector.process([th])  # processing twice keeps one lang entity
    assert len([e for e in th.get(ENTITIES) if e["entity"] == "lang"]) == 1
