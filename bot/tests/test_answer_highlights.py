"""The sentences to bold in an answer (actions.actions.shown_answer and action_answer_faq's reply): the
machine-readable part names the answer message's exact text and code-point offsets into it."""
import asyncio

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions import actions as bot_actions
from actions.actions import shown_answer

PASSAGE = ("การมอบหมายงาน: ผู้บังคับบัญชามอบหมายงานอย่างเป็นธรรม ขั้นตอนดำเนินการ: 1. เผยแพร่คู่มือ "
           "2. ติดตามผล. Contact 🙂 us at the desk.")


def sentence(text, word):
    start = text.index(word)
    return start, start + len(word)


def test_offsets_refer_to_the_text_shown():
    answer = "\n  " + PASSAGE + "  \n"
    a, b = sentence(answer, "ผู้บังคับบัญชามอบหมายงานอย่างเป็นธรรม")
    shown, part = shown_answer(answer, [[a, b]])
    assert shown == PASSAGE and part["text"] == shown
    [[start, end]] = part["spans"]
    assert shown[start:end] == "ผู้บังคับบัญชามอบหมายงานอย่างเป็นธรรม"


def test_code_points_not_utf16_units():
    # 🙂 is one code point (two UTF-16 units): the offsets after it stay the service's.
    a, b = sentence(PASSAGE, "us at the desk.")
    shown, part = shown_answer(PASSAGE, [[a, b]])
    assert part["spans"] == [[a, b]] and shown[a:b] == "us at the desk."


def test_spans_sorted_merged_clipped_and_malformed_dropped():
    text = "One. Two. Three."
    shown, part = shown_answer(text, [[10, 16], [0, 4], [3, 9], [12, 99], [-5, 2], [7, 7], [True, 3],
                                      ["0", "3"], [1], None, [2.0, 4]])
    assert shown == text
    assert part["spans"] == [[0, 9], [10, 16]]


@pytest.mark.parametrize("highlights", [[], None, "0-4", [[20, 30]], [[4, 2]]])
def test_nothing_to_mark(highlights):
    shown, part = shown_answer(" One. Two. ", highlights)
    assert shown == "One. Two." and part is None


# ------------------------------------------------------------------ the action's reply
class FakeService:
    """What /api/v1/ask answered (tests of the whole stack are in tests/web/test_answer_highlights.py)."""

    def __init__(self, result):
        self.result = result

    async def ask(self, *args, **kwargs):
        return self.result


def reply(monkeypatch, result, text="มาตรการมอบหมายงานมีขั้นตอนอะไร"):
    monkeypatch.setattr(bot_actions, "client", lambda: FakeService(result))
    tracker = Tracker("visitor-1", {"lang": "th"}, {"text": text, "intent": {"name": "ask_question"},
                                                   "entities": []}, [], False, None, {}, "action_listen")
    dispatcher = CollectingDispatcher()
    asyncio.run(bot_actions.ActionAnswerFaq().run(dispatcher, tracker, {}))
    answers = [m["answer"] for m in dispatcher.messages if m.get("response") == "utter_faq_answer"]
    part = [m["custom"]["thamtob"] for m in dispatcher.messages if m.get("custom")]
    return answers, part[-1]


def test_a_document_answer_carries_its_highlights(monkeypatch):
    answer = PASSAGE + "\n"
    a, b = sentence(answer, "ขั้นตอนดำเนินการ:")
    result = {"answered": True, "outcome": "answered_from_document", "answer": answer, "log_id": 5,
              "answer_lang": "th", "source_url": "/documents/1/file", "updated_at": None,
              "source": {"kind": "document", "title": "รายงาน", "page": None, "section": None,
                         "highlights": [[a, b]]}}
    [shown], part = reply(monkeypatch, result)
    assert part["outcome"] == "answered" and part["log_id"] == 5
    assert part["highlights"]["text"] == shown == PASSAGE  # the answer message's exact text
    [[start, end]] = part["highlights"]["spans"]
    assert shown[start:end] == "ขั้นตอนดำเนินการ:"


def test_an_entry_answer_carries_its_highlights_a_partial_reply_none(monkeypatch):
    entry = {"answered": True, "outcome": "answered", "answer": "No fees. Call us.", "log_id": 6, "key": "fees",
             "answer_lang": "en", "source_url": None, "updated_at": "2026-01-01T00:00:00Z",
             "source": {"kind": "entry", "title": "Fees?", "highlights": [[0, 8]]}}
    [shown], part = reply(monkeypatch, entry)
    assert part["highlights"] == {"text": shown, "spans": [[0, 8]]} and shown[0:8] == "No fees."
    partial = {**entry, "answered": False, "outcome": "partial"}
    _, part = reply(monkeypatch, partial)
    assert part["outcome"] == "partial" and part["highlights"] is None
    declined = {"answered": False, "outcome": "declined", "answer": None, "log_id": 7, "suggestions": []}
    _, part = reply(monkeypatch, declined)
    assert part["outcome"] == "declined" and part["highlights"] is None
