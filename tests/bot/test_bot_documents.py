"""End-to-end through Rasa's REST channel: a question that a passage of an imported document answers (the
seed report, imported at start-up) gets the passage and its citation — the document's title and a link
the visitor can open — and the machine-readable part marks it answered with no entry key."""
from __future__ import annotations

import uuid

import httpx
import pytest

pytestmark = pytest.mark.bot

QUESTION = "มาตรการเรื่องการมอบหมายงานของผู้บังคับบัญชาอย่างเป็นธรรม มีขั้นตอนดำเนินการอะไรบ้าง"


def test_an_answer_from_a_document_cites_it(bot_stack):
    asked = httpx.post(f"{bot_stack.faq.url}/api/v1/ask", json={"question": QUESTION}, timeout=30).json()
    assert asked["outcome"] == "answered_from_document", asked
    replies = bot_stack.say(f"test-{uuid.uuid4().hex[:12]}", QUESTION)
    reply = bot_stack.texts(replies)
    assert asked["answer"].strip() in reply, reply
    title = asked["source"]["title"]
    assert f'จาก "{title}"' in reply, reply
    link = next(line.rsplit(": ", 1)[1] for line in reply.splitlines() if line.startswith("จาก "))
    assert link.startswith("http") and link.endswith(asked["source_url"]), link
    assert httpx.get(link.replace("http://127.0.0.1:8000", bot_stack.faq.url), timeout=10).status_code in (200, 302)
    part = [r["custom"]["thamtob"] for r in replies if isinstance(r.get("custom"), dict)]
    assert part and part[0]["outcome"] == "answered" and part[0]["key"] is None, replies
