"""End-to-end: the REST channel of a real `rasa run`, the action server and faq_service.

(a) Thai and English: a question about complaint channels (the knowledge base's answer, then the offer
    to report, naming the confidential channel, with its button), a service-manual question (the FAQ
    answer), an out-of-scope question (declined with the contact channels); each turn is in the question
    log with its channel. The complaint intake itself: tests/bot/test_bot_complaints.py.
(b) faq_service killed mid-conversation: the bot still answers with the contact channels within ~3 s,
    queues the question, and after a restart on the same database and port the question is in the log
    exactly once with outcome `unavailable`.
"""
from __future__ import annotations

import time
import uuid
from datetime import datetime, timedelta, timezone

import httpx
import pytest

from tests.support.stack import CONTACT_EMAIL, CONTACT_PHONE

pytestmark = pytest.mark.bot

QUEUE_DELIVERY_DEADLINE_S = 60
DOWN_REPLY_LIMIT_S = 4.0  # the action's budget is 3 s (2.5 s client timeout); a little for Rasa itself


def sender() -> str:
    return f"test-{uuid.uuid4().hex[:12]}"


@pytest.mark.parametrize("lang,question,marker", [
    ("th", "ถ้าจะร้องเรียนเรื่องทุจริตโดยไม่เปิดเผยชื่อ ต้องทำยังไงครับ", "ทางลับ"),
    ("en", "How can I report corruption without giving my name?", "confidential"),
])
def test_complaint_channels(bot_stack, lang, question, marker):
    replies = bot_stack.say(sender(), question)
    reply = bot_stack.texts(replies)
    assert marker in reply.lower() or marker in reply, reply
    assert CONTACT_EMAIL in reply
    assert any(b["payload"].startswith("/report_wrongdoing") for r in replies for b in r.get("buttons", []))
    rows = bot_stack.wait_for_rows(question)
    assert len(rows) == 1, (rows, bot_stack.logs())
    assert rows[0]["channel"] == "web"
    assert rows[0]["outcome"] in ("answered", "suggested", "declined")  # the knowledge base was asked
    assert rows[0]["intent"] == "ask_complaint_channels"


@pytest.mark.parametrize("lang,question", [
    ("th", "ขอคู่มือการขอรับการสนับสนุน MEGA EVENT หน่อยครับ"),
    ("en", "Where can I get the MEGA EVENT support request manual?"),
])
def test_service_manual_question_gets_the_faq_answer(bot_stack, lang, question):
    replies = bot_stack.say(sender(), question)
    reply = bot_stack.texts(replies)
    rows = bot_stack.wait_for_rows(question)
    assert len(rows) == 1, (rows, reply)
    row = rows[0]
    assert row["channel"] == "web" and row["outcome"] == "answered", row
    entry = httpx.get(f"{bot_stack.faq.url}/api/v1/faqs/{row['faq_id']}", timeout=10).json()
    assert "mega" in entry["key"], entry["key"]
    assert entry[f"answer_{lang}"].strip() in reply, reply
    assert ("Information as of" if lang == "en" else "ข้อมูล ณ วันที่") in reply
    # The entry's date as its readers write it: Buddhist Era year in Thai, Gregorian in English.
    updated = datetime.fromisoformat(entry["updated_at"].replace("Z", "+00:00"))
    year = updated.astimezone(timezone(timedelta(hours=7))).year
    assert str(year + 543 if lang == "th" else year) in reply, reply
    assert entry["updated_at"][:10] not in reply, reply  # not the ISO form
    buttons = [b for r in replies for b in r.get("buttons", [])]
    payloads = [b["payload"] for b in buttons]
    assert any(p.startswith("/affirm") for p in payloads) and any(p.startswith("/deny") for p in payloads)


def test_thumbs_up_button_stores_feedback(bot_stack):
    user = sender()
    question = "What was TCEB's ITA score for fiscal year 2562?"
    replies = bot_stack.say(user, question)
    thumbs_up = next(b["payload"] for r in replies for b in r.get("buttons", [])
                     if b["payload"].startswith("/affirm"))
    reply = bot_stack.texts(bot_stack.say(user, thumbs_up))
    assert "Thank you" in reply
    rows = bot_stack.log_rows(question, columns="helpful, outcome")
    assert len(rows) == 1 and rows[0]["outcome"] == "answered", rows
    assert rows[0]["helpful"] in (True, 1)


@pytest.mark.parametrize("lang,question", [
    ("th", "ขอสูตรแกงมัสมั่นไก่หน่อย"),
    ("en", "Who will win the Premier League this season?"),
])
def test_out_of_scope_is_declined_with_contact_channels(bot_stack, lang, question):
    reply = bot_stack.texts(bot_stack.say(sender(), question))
    assert CONTACT_PHONE in reply and CONTACT_EMAIL in reply, reply
    assert ("Sorry" if lang == "en" else "ขออภัย") in reply
    rows = bot_stack.wait_for_rows(question)
    assert len(rows) == 1, rows
    assert rows[0]["channel"] == "web"
    assert rows[0]["intent"] in ("out_of_scope", None)
    assert rows[0]["outcome"] in ("handled_by_bot", "declined")


def test_faq_service_down_then_back_question_logged_once(bot_stack):
    """Runs last in this module: it kills faq_service and restarts it on the same database and port."""
    user = sender()
    first = "What does TCEB do?"
    assert "MICE" in bot_stack.texts(bot_stack.say(user, first))

    bot_stack.faq.kill()
    questions = {
        "en": "Who is eligible for domestic exhibition support?",
        "th": "ใครมีสิทธิ์ขอรับการสนับสนุนงานแสดงสินค้าในประเทศบ้างคะ",
    }
    for lang, question in questions.items():
        started = time.monotonic()
        reply = bot_stack.texts(bot_stack.say(user, question, timeout=15))
        elapsed = time.monotonic() - started
        assert elapsed < DOWN_REPLY_LIMIT_S, f"reply took {elapsed:.2f}s"
        assert CONTACT_PHONE in reply and CONTACT_EMAIL in reply, reply
        assert ("Sorry" if lang == "en" else "ขออภัย") in reply, reply
    pending = list((bot_stack.queue_dir / "pending").glob("*.json"))
    assert len(pending) >= 2, pending

    bot_stack.start_faq()  # same database, same port
    end = time.monotonic() + QUEUE_DELIVERY_DEADLINE_S
    while time.monotonic() < end and not all(bot_stack.log_rows(q) for q in questions.values()):
        time.sleep(0.5)
    time.sleep(3)  # give a duplicate delivery the chance to show up
    for question in questions.values():
        rows = bot_stack.log_rows(question)
        assert len(rows) == 1, (question, rows, bot_stack.logs())
        assert rows[0]["outcome"] == "unavailable"
        assert rows[0]["channel"] == "web"
    assert not list((bot_stack.queue_dir / "pending").glob("*.json"))
    # and the conversation goes on normally
    assert "MICE" in bot_stack.texts(bot_stack.say(user, first))
