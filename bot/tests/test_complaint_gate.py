"""ComplaintCueGate: a "report" or "status check" that names no complaint becomes a question."""
import pytest
from rasa.shared.nlu.constants import INTENT, TEXT
from rasa.shared.nlu.training_data.message import Message

from bot.components.complaint_gate import ComplaintCueGate
from bot.confidential import is_confidential


def message(text, intent, confidence=1.0, ranking=None):
    ranking = ranking or [{"name": intent, "confidence": confidence}, {"name": "ask_question", "confidence": 0.0}]
    return Message({TEXT: text, INTENT: {"name": intent, "confidence": confidence}, "intent_ranking": ranking})


@pytest.mark.parametrize("text,intent", [
    ("I want to report a bribe", "report_wrongdoing"),
    ("someone at the agency took KICKBACKS from suppliers", "report_wrongdoing"),
    ("อยากแจ้งเบาะแสการทุจริต", "report_wrongdoing"),
    ("มีการฮั้วประมูล", "report_wrongdoing"),
    ("any news on my complaint?", "check_complaint_status"),
    ("เรื่องที่ร้องเรียนไปถึงไหนแล้ว", "check_complaint_status"),
])
def test_a_message_that_names_a_complaint_keeps_its_intent(text, intent):
    m = message(text, intent)
    ComplaintCueGate({}).process([m])
    assert m.get(INTENT)["name"] == intent


@pytest.mark.parametrize("text,intent", [
    ("where is your office located", "report_wrongdoing"),
    ("ค่าสมัครขอทุนเท่าไร", "report_wrongdoing"),
    ("what is on the events calendar", "check_complaint_status"),
    ("your report says first half of FY2563, which months is that?", "check_complaint_status"),
])
def test_a_message_that_names_no_complaint_becomes_a_question(text, intent):
    m = message(text, intent, 0.97)
    ComplaintCueGate({}).process([m])
    assert m.get(INTENT) == {"name": "ask_question", "confidence": 0.97}
    assert [r["name"] for r in m.get("intent_ranking")] == ["ask_question"]
    assert not is_confidential(m.get(INTENT)["name"], text, None, m.get("intent_ranking"))


def test_an_unsure_message_stays_unsure_but_leaves_the_intake():
    ranking = [{"name": "nlu_fallback", "confidence": 0.5}, {"name": "report_wrongdoing", "confidence": 0.45},
               {"name": "ask_question", "confidence": 0.4}]
    m = message("how much is the fee", "nlu_fallback", 0.5, ranking)
    ComplaintCueGate({}).process([m])
    assert m.get(INTENT)["name"] == "nlu_fallback"
    assert "report_wrongdoing" not in [r["name"] for r in m.get("intent_ranking")]
    assert not is_confidential("nlu_fallback", "how much is the fee", None, m.get("intent_ranking"))


def test_latin_cues_match_at_word_starts_only():
    m = message("a transport question", "report_wrongdoing")  # "report" inside "transport"
    ComplaintCueGate({}).process([m])
    assert m.get(INTENT)["name"] == "ask_question"


@pytest.mark.parametrize("text,intent", [
    ("where do I report a bribe?", "report_wrongdoing"),
    ("how many corruption complaints were there last year", "report_wrongdoing"),
    ("ร้องเรียนเรื่องจัดซื้อได้ที่ไหน", "report_wrongdoing"),
    ("เจ้าหน้าที่ขอเงินใต้โต๊ะ แจ้งได้ที่ไหน ไม่อยากบอกชื่อ", "report_wrongdoing"),  # "ไม่อยาก" is no wish
    # asking for figures about complaints, not making one
    ("number of corruption complaints last year", "report_wrongdoing"),
    ("complaint statistics 2563", "report_wrongdoing"),
    ("ผลการจัดการเรื่องร้องเรียนรายงานผู้บริหารบ่อยแค่ไหน", "report_wrongdoing"),
    ("จำนวนเรื่องร้องเรียนทุจริต", "report_wrongdoing"),
    ("corruption complaint count for the year", "report_wrongdoing"),
    ("สรุปเรื่องร้องเรียน รายงานผู้บริหารทุก 6 เดือน", "report_wrongdoing"),
    ("เห็นเจ้าหน้าที่ส่อทุจริต จะแจ้งยังไงให้ปลอดภัย", "report_wrongdoing"),  # จะแจ้ง + how: no wish
    # asking how following a complaint works, not for one's own complaint's status
    ("I sent a complaint yesterday, how do I check its status?", "check_complaint_status"),
    ("ส่งเรื่องร้องเรียนไปแล้ว ติดตามสถานะยังไงคะ", "check_complaint_status"),
    ("ร้องเรียนไปแล้วกี่วันถึงจะรู้ผล", "check_complaint_status"),
    ("ส่งเรื่องร้องเรียนไปเมื่อวาน จะเช็คได้ที่ไหนคะ", "check_complaint_status"),
    ("ผลการร้องเรียนแจ้งผู้บริหารบ่อยไหม", "check_complaint_status"),  # figures, not one's own case
    # what reporting brings or who hears of it
    ("พอส่งเรื่องร้องเรียนแล้วจะได้เลขติดตามไหมครับ", "check_complaint_status"),
    ("เรื่องร้องเรียนถึงผู้อำนวยการด้วยหรือเปล่า", "check_complaint_status"),
    ("after I file a complaint do I get a tracking code?", "check_complaint_status"),
    ("does the director ever see the complaints people send?", "check_complaint_status"),
    ("สงสัยว่าการประมูลไม่โปร่งใส ร้องเรียนได้ทางไหนคะ", "report_wrongdoing"),
    # a wish with a worry about what reporting requires: the answer (open or confidential) comes first
    ("I want to report my manager for taking bribes, but do I have to give my name?", "report_wrongdoing"),
    ("อยากร้องเรียนเจ้าหน้าที่แบบไม่บอกชื่อ ทำยังไง", "report_wrongdoing"),
    ("อยากแจ้งเรื่องเงินทอน แต่กลัวโดนกลั่นแกล้ง ต้องเปิดเผยตัวไหมคะ", "report_wrongdoing"),
    ("อยากแจ้งเรื่องพนักงานรับสินบน แต่ไม่อยากให้ใครรู้ว่าเป็นเรา ทำยังไงคะ", "report_wrongdoing"),
    ("จะแจ้งเรื่องเรียกรับเงิน ต้องบอกชื่อจริงป่ะ", "report_wrongdoing"),
    ("I want to complain about a bribe without my manager knowing, how?", "report_wrongdoing"),
    # a bare topic is a search for it, not a report or one's own case
    ("complaint procedure", "report_wrongdoing"),
    ("ร้องเรียน บริหารงานบุคคล", "report_wrongdoing"),
    ("report corruption", "report_wrongdoing"),
    ("แจ้งทุจริต ไม่เปิดเผยชื่อ", "report_wrongdoing"),
    ("I want to report a bribe but I don't want to give my name. is that possible?", "report_wrongdoing"),
])
def test_asking_how_complaints_work_is_a_question_about_complaints(text, intent):
    m = message(text, intent)
    ComplaintCueGate({}).process([m])
    assert m.get(INTENT)["name"] == "ask_complaint_channels"
    assert not is_confidential("ask_complaint_channels", text, None, m.get("intent_ranking"))


@pytest.mark.parametrize("text", [
    "I want to report a bribe, how do I start?",
    "can you take a report about misconduct now",
    "ขอแจ้งเรื่องทุจริตตอนนี้เลยได้ไหม",
    "อยากแจ้งว่ามีการฮั้วประมูล ทำยังไง",
    "มีการฮั้วประมูล",
    "my manager took a bribe from a supplier",
])
def test_a_wish_to_report_or_an_account_of_wrongdoing_starts_the_intake(text):
    m = message(text, "report_wrongdoing")
    ComplaintCueGate({}).process([m])
    assert m.get(INTENT)["name"] == "report_wrongdoing"


@pytest.mark.parametrize("text", ["ติดตามเรื่องร้องเรียน", "track my complaint", "complaint status"])
def test_a_terse_status_check_keeps_its_reply(text):
    m = message(text, "check_complaint_status")
    ComplaintCueGate({}).process([m])
    assert m.get(INTENT)["name"] == "check_complaint_status"


def test_a_status_question_with_a_tracking_code_stays_a_status_check():
    text = "how do I check TC-7KQ4-M2XP-9D3F"
    m = message(text, "check_complaint_status")
    ComplaintCueGate({}).process([m])
    assert m.get(INTENT)["name"] == "check_complaint_status"
