"""The LINE channel's settings at Rasa's start, and webhook event ids shared through Redis: further
`rasa run` processes beside the folder's stack (same action server, faq_service and LINE stand-in).

- no LINE credentials: Rasa starts, the LINE webhook answers 503 (the REST channel works as before);
- one credential without the other: Rasa stops at start with one line naming the missing variable;
- production stores (Rasa's tracker on PostgreSQL, REDIS_URL set): a webhook event id is kept in Redis
  (where every replica sees it), so the same event sent again is not answered again; past LINE_RATE_USER a
  user is told to slow down; unfollow deletes the user's tracker events from PostgreSQL.
"""
from __future__ import annotations

import os
import time
import uuid

import httpx
import pytest
import redis
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from tests.channels.line_harness import ANSWER_DEADLINE_S, SECRET
from tests.support.line_standin import sign
from tests.support.procs import free_port

pytestmark = pytest.mark.bot

REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
VERIFY = b'{"destination":"U8e742f61d673b39c7fff3cecb7536ef0","events":[]}'


def events(engine, sender: str) -> int:
    with engine.connect() as conn:
        return conn.execute(text("SELECT COUNT(*) FROM events WHERE sender_id = :s"), {"s": sender}).scalar_one()


def test_without_credentials_the_line_webhook_answers_503(line):
    rasa = line.stack.start_rasa(port=free_port(), name="rasa-line-off",
                                 extra_env={"LINE_CHANNEL_SECRET": "", "LINE_CHANNEL_ACCESS_TOKEN": ""})
    try:
        resp = httpx.post(f"{rasa.url}/webhooks/line/webhook", content=VERIFY,
                          headers={"x-line-signature": sign(VERIFY, SECRET)}, timeout=30)
        assert resp.status_code == 503, resp.text
        assert "LINE_CHANNEL_SECRET" in resp.json()["messages"]["en"] and resp.json()["messages"]["th"]
        assert line.stack.say(f"rest-{uuid.uuid4().hex[:8]}", "hello", rasa=rasa)
    finally:
        rasa.stop()


def test_one_credential_without_the_other_stops_rasa_naming_it(line):
    with pytest.raises(RuntimeError, match="LINE_CHANNEL_ACCESS_TOKEN"):
        rasa = line.stack.start_rasa(port=free_port(), name="rasa-line-half", extra_env={"LINE_CHANNEL_ACCESS_TOKEN": ""})
        rasa.stop()


def test_with_production_stores_ids_in_redis_a_rate_limit_and_unfollow_on_postgres(line, postgres_dbs):
    client = redis.Redis.from_url(REDIS_URL)
    try:
        client.ping()
    except redis.RedisError as exc:
        pytest.fail(f"Redis at {REDIS_URL} does not answer: {exc}")
    prefix = f"linetest{uuid.uuid4().hex[:8]}"
    tracker_url = make_url(postgres_dbs.create()).set(drivername="postgresql")  # Rasa's driver: psycopg2
    rasa = line.stack.start_rasa(port=free_port(), name="rasa-line-redis",
                                 tracker_db_url=tracker_url.render_as_string(hide_password=False),
                                 extra_env={"REDIS_URL": REDIS_URL, "RASA_REDIS_KEY_PREFIX": prefix,
                                            "LINE_RATE_USER": "2/3600"})
    webhook = f"{rasa.url}/webhooks/line/webhook"
    try:
        user = line.standin.add_user("en")
        token = line.standin.reply_token()
        event = line.event("message", user, token, message={"type": "text", "id": "9", "text": "What is TCEB?"})
        line.send(event, webhook=webhook)
        assert line.reply(token)
        assert client.exists(f"{prefix}:line-event:{event['webhookEventId']}")
        line.send({**event, "deliveryContext": {"isRedelivery": True}}, webhook=webhook)
        time.sleep(3)
        assert len(line.standin.sent_for(token=token)) == 1 and not line.standin.sent_for(user=user)
        # the redelivery took no share of the user's limit: one more question is answered, the next is not
        second = line.standin.reply_token()
        line.send(line.event("message", user, second, message={"type": "text", "id": "10", "text": "TCEB phone"}),
                  webhook=webhook)
        assert line.reply(second)[0]["type"] in ("flex", "text")
        third = line.standin.reply_token()
        line.send(line.event("message", user, third, message={"type": "text", "id": "11", "text": "TCEB email"}),
                  webhook=webhook)
        assert "too quickly" in line.reply(third)[0]["text"]
        sender, engine = line.sender(user), create_engine(tracker_url.set(drivername="postgresql+psycopg"))
        try:
            assert events(engine, sender) > 0
            line.send(line.event("unfollow", user), webhook=webhook)
            assert line.standin.wait_for(lambda: events(engine, sender) == 0, ANSWER_DEADLINE_S)
        finally:
            engine.dispose()
    finally:
        rasa.stop()
        for key in client.scan_iter(f"{prefix}:*"):
            client.delete(key)
        client.close()
