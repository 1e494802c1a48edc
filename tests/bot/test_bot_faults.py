"""Faults on the bot side: the ACTION SERVER killed (SIGKILL) while a question waits in its on-disk queue.

faq_service is killed, a question is asked (the bot answers with the contact channels and queues it on
disk), then the action server is killed too. faq_service comes back first: nothing can deliver the question
while the action server is down. A copy of the queued record under another file name stands for a crash
between the POST and the delete (same idempotency key). When the action server is restarted it delivers
the queue: the question is in the log exactly once (outcome `unavailable`) and the queue is empty.
"""
from __future__ import annotations

import shutil
import time
import uuid

import pytest

from tests.support.stack import CONTACT_EMAIL, CONTACT_PHONE

pytestmark = pytest.mark.bot

DELIVERY_DEADLINE_S = 60


def test_action_server_killed_with_a_queued_question_delivers_it_once_after_restart(bot_stack):
    user = f"fault-{uuid.uuid4().hex[:10]}"
    question = f"Which events qualify for MICE support grants in 2025? ref {uuid.uuid4().hex[:6]}"
    pending_dir = bot_stack.queue_dir / "pending"
    before = set(pending_dir.glob("*.json")) if pending_dir.is_dir() else set()

    bot_stack.faq.kill()
    try:
        reply = bot_stack.texts(bot_stack.say(user, question, timeout=15))
        assert CONTACT_PHONE in reply and CONTACT_EMAIL in reply, reply
        queued = sorted(set(pending_dir.glob("*.json")) - before)
        assert len(queued) == 1, queued
        bot_stack.actions.kill()  # SIGKILL: no clean shutdown
    finally:
        bot_stack.start_faq()  # same database and port
    try:
        assert queued[0].exists()
        time.sleep(3)
        assert bot_stack.log_rows(question) == [], "delivered while the action server was down?"
        # a crash between the POST and the delete leaves the record to be sent again: same key, new file
        head, _, tail = queued[0].name.partition("-")
        shutil.copy(queued[0], pending_dir / f"{int(head) + 1:020d}-{tail}")
    finally:
        bot_stack.start_actions()  # same port and queue folder

    end = time.monotonic() + DELIVERY_DEADLINE_S
    while time.monotonic() < end and (list(pending_dir.glob("*.json")) or not bot_stack.log_rows(question)):
        time.sleep(0.5)
    time.sleep(3)  # room for a duplicate to show up
    rows = bot_stack.log_rows(question)
    assert len(rows) == 1, (rows, bot_stack.logs())
    assert rows[0]["outcome"] == "unavailable" and rows[0]["channel"] == "web"
    assert not list(pending_dir.glob("*.json"))
    assert not list((bot_stack.queue_dir / "failed").glob("*.json"))
    # the conversation goes on through the restarted action server
    assert "MICE" in bot_stack.texts(bot_stack.say(user, "What does TCEB do?"))
