"""SmallTalkGate: a greeting, thanks or goodbye that carries a question becomes a question."""
import pytest
from rasa.shared.nlu.constants import INTENT, TEXT
from rasa.shared.nlu.training_data.message import Message

from bot.components.small_talk_gate import SmallTalkGate


def message(text, intent):
    ranking = [{"name": intent, "confidence": 0.9}, {"name": "ask_question", "confidence": 0.05}]
    return Message({TEXT: text, INTENT: {"name": intent, "confidence": 0.9}, "intent_ranking": ranking})


@pytest.mark.parametrize("text,intent", [
    ("สวัสดีครับ", "greet"), ("หวัดดีค่า", "greet"), ("hello?", "greet"), ("Hi there!", "greet"),
    ("good morning TCEB", "greet"), ("ขอบคุณมากค่ะ", "thank"), ("thanks a lot 🙏", "thank"),
    ("ok thanks", "thank"), ("bye bye", "goodbye"), ("ลาก่อนครับ", "goodbye"),
    ("thanks for the info", "thank"), ("ไม่มีอะไรแล้ว ไปก่อนนะ", "goodbye"), ("ดีค่ะ มีใครอยู่ไหม", "greet")])
def test_pure_small_talk_keeps_its_intent(text, intent):
    m = message(text, intent)
    SmallTalkGate({}).process([m])
    assert m.get(INTENT)["name"] == intent


@pytest.mark.parametrize("text,intent", [
    ("สวัสดีค่ะ เพิ่งเข้ามาครั้งแรก ถามเรื่องอะไรได้บ้างคะ", "greet"),
    ("hello, where is your office?", "greet"),
    ("thanks, and which form do I send for the tax?", "thank"),
    ("hi, I need the tax form for my seminar", "greet"),
    ("ดีจ้า บอทนี้ตอบไรได้มั่ง", "greet"), ("หวัดดีคับ ขอเบอร์แฟกซ์หน่อย", "greet"),
    ("hi pls send the office address", "greet")])
def test_small_talk_carrying_a_question_becomes_a_question(text, intent):
    m = message(text, intent)
    SmallTalkGate({}).process([m])
    assert m.get(INTENT)["name"] == "ask_question"
    assert intent not in [r["name"] for r in m.get("intent_ranking")]


@pytest.mark.parametrize("text,intent", [("qwerty", "thank"), ("test", "thank"), ("https://bit.ly/3xYz", "thank"),
                                         ("good netflix movies tonight", "goodbye"), ("ทดสอบ", "thank")])
def test_a_thanks_or_goodbye_that_says_none_is_a_question(text, intent):
    m = message(text, intent)
    SmallTalkGate({}).process([m])
    assert m.get(INTENT)["name"] == "ask_question"


@pytest.mark.parametrize("text,intent", [("tysm", "thank"), ("I appreciate your help", "thank"), ("later!", "goodbye"),
                                         ("ok", "goodbye"), ("แค่นี้แหละครับ", "goodbye"), ("เจอกันใหม่ค่ะ", "goodbye"),
                                         ("ขอบคุนค่า", "thank"), ("แต๊งกิ้วครับ", "thank")])
def test_a_thanks_or_goodbye_in_its_own_words_stays(text, intent):
    m = message(text, intent)
    SmallTalkGate({}).process([m])
    assert m.get(INTENT)["name"] == intent
