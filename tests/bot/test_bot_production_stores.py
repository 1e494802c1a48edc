"""Production shape of the bot: Rasa's tracker store on PostgreSQL and its lock store on Redis, in one
end-to-end test; and the webhook's rate limits (429 + Retry-After) on that same Rasa process.

A second `rasa run` (own port, shares the stack's action server and faq_service) is started with
RASA_TRACKER_DB_URL on a fresh PostgreSQL database (dropped at the end of the run), REDIS_URL on the
machine's Redis with a key prefix of its own, and low rate limits (WEBHOOK_RATE_SENDER=4/60,
WEBHOOK_RATE_IP=40/60) so a test can trip them.
"""
from __future__ import annotations

import json
import threading
import time
import uuid

import httpx
import pytest
import redis
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from tests.support.procs import free_port

pytestmark = pytest.mark.bot

REDIS_URL = "redis://127.0.0.1:6379/0"
SENDER_LIMIT, IP_LIMIT = 4, 40


class RedisMonitor:
    """Records the Redis commands that mention `needle` (MONITOR in a thread)."""

    def __init__(self, url: str, needle: str):
        self.client = redis.Redis.from_url(url)
        self.needle = needle
        self.seen: list[str] = []
        self._stop = threading.Event()
        self._ready = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        with self.client.monitor() as monitor:
            self._ready.set()
            for command in monitor.listen():
                line = command.get("command", "")
                if self.needle in line:
                    self.seen.append(line)
                if self._stop.is_set():
                    return

    def __enter__(self) -> "RedisMonitor":
        self._thread.start()
        assert self._ready.wait(10), "MONITOR did not start"
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self.client.ping()  # a last command so listen() returns
        self._thread.join(10)
        self.client.close()


@pytest.fixture(scope="module")
def prod_rasa(bot_stack, postgres_dbs):
    try:
        redis.Redis.from_url(REDIS_URL).ping()
    except redis.RedisError as exc:  # a missing prerequisite fails, never skips
        pytest.fail(f"Redis at {REDIS_URL} does not answer: {exc}")
    pg_url = make_url(postgres_dbs.create())
    rasa_pg_url = pg_url.set(drivername="postgresql").render_as_string(hide_password=False)  # psycopg2
    prefix = f"thamtobtest{uuid.uuid4().hex[:8]}"
    proc = bot_stack.start_rasa(
        port=free_port(), tracker_db_url=rasa_pg_url, name="rasa-prod",
        extra_env={"REDIS_URL": REDIS_URL, "RASA_REDIS_KEY_PREFIX": prefix,
                   "WEBHOOK_RATE_SENDER": f"{SENDER_LIMIT}/60", "WEBHOOK_RATE_IP": f"{IP_LIMIT}/60"})
    proc.pg_url = pg_url.render_as_string(hide_password=False)
    proc.key_prefix = prefix
    yield proc
    proc.stop()


def post(proc, body: dict | bytes) -> httpx.Response:
    url = f"{proc.url}/webhooks/rest/webhook"
    if isinstance(body, bytes):
        return httpx.post(url, content=body, headers={"Content-Type": "application/json"}, timeout=30)
    return httpx.post(url, json=body, timeout=30)


def test_tracker_on_postgresql_and_lock_store_on_redis(bot_stack, prod_rasa):
    th_user, en_user = f"pg-th-{uuid.uuid4().hex[:8]}", f"pg-en-{uuid.uuid4().hex[:8]}"
    th_q = "ถ้าจะร้องเรียนเรื่องทุจริตโดยไม่เปิดเผยชื่อ ต้องทำยังไงครับ"  # a question about complaints: logged
    en_q = "Where can I get the MEGA EVENT support request manual?"
    with RedisMonitor(REDIS_URL, prod_rasa.key_prefix) as monitor:
        th_reply = bot_stack.texts(bot_stack.say(th_user, th_q, rasa=prod_rasa))
        en_reply = bot_stack.texts(bot_stack.say(en_user, en_q, rasa=prod_rasa))
        bot_stack.texts(bot_stack.say(en_user, "thank you", rasa=prod_rasa))
        time.sleep(0.5)
    assert "ทางลับ" in th_reply, th_reply
    assert "MEGA" in en_reply.upper(), en_reply

    # the lock store is Redis: Rasa took and released a lock per conversation under our prefix
    for user in (th_user, en_user):
        assert any(user in line for line in monitor.seen), (monitor.seen, prod_rasa.log())
    assert any(line.upper().startswith("SET") for line in monitor.seen), monitor.seen

    # the tracker events are in PostgreSQL
    engine = create_engine(prod_rasa.pg_url)
    try:
        with engine.connect() as conn:
            rows = [dict(r._mapping) for r in conn.execute(text(
                "SELECT sender_id, type_name, action_name, data FROM events "
                "WHERE sender_id IN (:a, :b) ORDER BY id"), {"a": th_user, "b": en_user})]
    finally:
        engine.dispose()
    user_texts = {r["sender_id"]: [] for r in rows}
    for r in rows:
        if r["type_name"] == "user":
            user_texts[r["sender_id"]].append(json.loads(r["data"]).get("text") or "")
    assert th_q in user_texts.get(th_user, []), rows
    assert en_q in user_texts.get(en_user, []), rows
    assert any(r["type_name"] == "bot" for r in rows)
    assert any(r["action_name"] == "action_answer_faq" for r in rows if r["sender_id"] == en_user)
    # the turns reached the question log through the shared action server, with channel "web"
    for question in (th_q, en_q):
        assert any(r["channel"] == "web" for r in bot_stack.wait_for_rows(question))


def test_sender_rate_limit_gives_429_with_retry_after(prod_rasa):
    user = f"rl-{uuid.uuid4().hex[:8]}"
    statuses = [post(prod_rasa, {"sender": user, "message": "hello"}).status_code for _ in range(SENDER_LIMIT)]
    assert statuses == [200] * SENDER_LIMIT
    resp = post(prod_rasa, {"sender": user, "message": "สวัสดีครับ"})
    assert resp.status_code == 429, resp.text
    body = resp.json()
    assert body["error"] == "rate_limited_sender"
    retry_after = int(resp.headers["Retry-After"])
    assert 1 <= retry_after <= 60 and body["retry_after"] == retry_after
    assert "ส่งข้อความเร็วเกินไป" in body["message"] and "too quickly" in body["messages"]["en"]
    # another sender from the same address is not affected
    assert post(prod_rasa, {"sender": f"{user}-b", "message": "hello"}).status_code == 200
    # and after Retry-After the first sender may talk again
    time.sleep(retry_after + 0.5)
    assert post(prod_rasa, {"sender": user, "message": "hello"}).status_code == 200


def test_ip_rate_limit_gives_429(prod_rasa):
    # The per-IP bucket is checked before anything else: cheap invalid requests use it up too.
    statuses = []
    for _ in range(IP_LIMIT + 20):
        statuses.append(post(prod_rasa, b"{}").status_code)
        if statuses[-1] == 429:
            break
    assert statuses[-1] == 429, statuses
    assert set(statuses[:-1]) == {422}
    resp = post(prod_rasa, {"sender": f"ip-{uuid.uuid4().hex[:8]}", "message": "hello"})
    assert resp.status_code == 429 and resp.json()["error"] == "rate_limited_ip"
    assert int(resp.headers["Retry-After"]) >= 1
