"""End-to-end through Rasa's REST channel: what a visitor gets is machine-readable, informational intents
do not pre-empt the knowledge base, and a visitor's "that's not what I asked" reaches the review page.

- Every reply that came from the FAQ service ends with `{"custom": {"thamtob": {"outcome", "key",
  "log_id"}}}`, and it agrees with the question log (the row's id, its outcome, its entry's key).
- A wish to talk to a person is asked of the FAQ service too (logged with its intent, not answered by a
  fixed text first); the visitor still gets the contacts.
- A typed follow-up "that's not what I asked" after an answer stores 👎 on that answer, and the staff
  review clusters list the question as a wrong answer.
"""
from __future__ import annotations

import uuid

import httpx
import pytest

from tests.staff.conftest import PASSWORD, create_admin
from tests.support.stack import CONTACT_EMAIL, CONTACT_PHONE

pytestmark = pytest.mark.bot


def sender() -> str:
    return f"test-{uuid.uuid4().hex[:12]}"


def part(replies: list[dict]) -> dict:
    parts = [r["custom"]["thamtob"] for r in replies if isinstance(r.get("custom"), dict) and "thamtob" in r["custom"]]
    assert len(parts) == 1, replies
    assert not any(r.get("text") for r in replies if "custom" in r), replies  # pages show nothing of it
    return parts[0]


def logged(bot_stack, question: str) -> dict:
    rows = bot_stack.log_rows(question, columns="id, outcome, intent, faq_id, helpful")
    assert len(rows) == 1, (rows, bot_stack.logs())
    return rows[0]


def entry_key(bot_stack, faq_id: int) -> str:
    return httpx.get(f"{bot_stack.faq.url}/api/v1/faqs/{faq_id}", timeout=10).json()["key"]


@pytest.mark.parametrize("question", [
    "อีเมลของ สสปน. คืออะไรครับ",
    "What is TCEB's e-mail address?",
])
def test_an_answer_carries_its_outcome_key_and_log_id(bot_stack, question):
    replies = bot_stack.say(sender(), question)
    got = part(replies)
    row = logged(bot_stack, question)
    assert got["outcome"] == row["outcome"] == "answered", (got, row)
    assert got["log_id"] == row["id"]
    assert got["key"] == entry_key(bot_stack, row["faq_id"]) and got["key"].startswith("contact-"), got
    # The same through the API: the entry's key beside its id.
    body = httpx.post(f"{bot_stack.faq.url}/api/v1/ask", json={"question": question}, timeout=30).json()
    assert body["answered"] and body["key"] == got["key"] and body["outcome"] == "answered"


@pytest.mark.parametrize("question", ["ขอวิธีปลูกทุเรียนให้ลูกดกหน่อยครับ", "How do I bake sourdough bread at home?"])
def test_a_decline_carries_its_outcome(bot_stack, question):
    got = part(bot_stack.say(sender(), question))
    row = logged(bot_stack, question)
    assert {k: got[k] for k in ("outcome", "key", "log_id")} == {
        "outcome": row["outcome"], "key": None, "log_id": row["id"]}, (got, row)
    assert got.get("highlights") is None  # nothing to bold in a decline
    assert row["outcome"] in ("declined", "suggested")  # no answer; the closest entries may be offered


@pytest.mark.parametrize("question", ["I want to talk to a human", "ขอคุยกับเจ้าหน้าที่หน่อยครับ"])
def test_wanting_a_person_asks_the_knowledge_base_first(bot_stack, question):
    replies = bot_stack.say(sender(), question)
    reply = bot_stack.texts(replies)
    assert CONTACT_PHONE in reply and CONTACT_EMAIL in reply, reply
    row = logged(bot_stack, question)
    assert row["intent"] == "ask_human", row
    got = part(replies)
    assert got["log_id"] == row["id"], (got, row)
    if got["outcome"] == "answered":  # an entry about reaching a person answers the wish itself
        assert row["outcome"] == "answered" and "contact" in got["key"], (got, row)
    else:  # no confident answer: the fixed list of contacts, as declined
        assert got["outcome"] == "declined" and row["outcome"] in ("declined", "suggested"), (got, row)


def test_thats_not_what_i_asked_reaches_the_review_clusters(bot_stack):
    user, question = sender(), "TCEB e-mail address please"
    got = part(bot_stack.say(user, question))
    assert got["outcome"] == "answered"
    reply = bot_stack.texts(bot_stack.say(user, "that's not what I asked"))
    assert reply, "the follow-up got no reply"
    rows = bot_stack.log_rows(question, columns="id, helpful")
    assert [r["id"] for r in rows] == [got["log_id"]] and rows[0]["helpful"] in (False, 0), rows

    assert create_admin(bot_stack.db_url, username="reviewer-admin").returncode == 0
    token = httpx.post(f"{bot_stack.faq.url}/api/v1/staff/token",
                       json={"username": "reviewer-admin", "password": PASSWORD}, timeout=10).json()["access_token"]
    clusters = httpx.get(f"{bot_stack.faq.url}/api/v1/staff/review/clusters",
                         headers={"Authorization": f"Bearer {token}"}, timeout=60).json()["items"]
    found = [c for c in clusters if any(q["text"] == question for q in c["questions"])]
    assert found and found[0]["outcomes"].get("thumbs_down", 0) >= 1, clusters


@pytest.mark.parametrize("question,year", [
    ("What was TCEB's ITA score for fiscal year 2565?", "2562"),
    ("คะแนน ITA ของ สสปน. ปีงบ 65 ได้เท่าไหร่", "2562"),
])
def test_a_near_scope_question_gets_what_is_known_marked_partial(bot_stack, question, year):
    replies = bot_stack.say(sender(), question)
    got = part(replies)
    row = logged(bot_stack, question)
    assert got["outcome"] == row["outcome"] == "partial", (got, row)
    assert got["log_id"] == row["id"] and got["key"] == entry_key(bot_stack, row["faq_id"])
    reply = bot_stack.texts(replies)
    assert "93.35" in reply and year in reply, reply  # what is known, said for the year it is known for


@pytest.mark.parametrize("question", ["What is the Facebook page of TCEB?", "เงินเดือนพนักงาน สสปน. เท่าไหร่ครับ",
                                      "How many events did TCEB support in 2021?"])
def test_a_detail_the_knowledge_base_lacks_is_not_answered_with_a_neighbour(bot_stack, question):
    replies = bot_stack.say(sender(), question)
    got = part(replies)
    row = logged(bot_stack, question)
    assert got["outcome"] == row["outcome"] and got["outcome"] in ("suggested", "declined"), (got, row)
    assert got["log_id"] == row["id"]


@pytest.mark.parametrize("greeting,question", [
    ("สวัสดีครับ", "สวัสดีครับ อีเมลของ สสปน. คืออะไรครับ"),
    ("Hello!", "Hello! What is TCEB's e-mail address?"),
])
def test_a_greeting_is_greeted_and_a_greeting_with_a_question_is_answered(bot_stack, greeting, question):
    replies = bot_stack.say(sender(), greeting)
    assert not any("custom" in r for r in replies), replies  # the fixed greeting; the service not asked
    assert bot_stack.texts(replies)
    got = part(bot_stack.say(sender(), question))
    assert got["outcome"] == "answered" and got["key"].startswith("contact-"), got
