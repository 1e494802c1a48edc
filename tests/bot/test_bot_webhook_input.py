"""Bad input on the Rasa REST webhook (POST /webhooks/rest/webhook, bot/channels/guarded_rest.py).

Every request gets an answer within the deadline, never a 5xx: malformed requests get a 4xx with a Thai and
English message and reach neither Rasa's tracker nor faq_service's question log; odd but valid text (emoji,
mixed scripts, HTML/script, SQL fragments, control characters) gets a normal bot reply and lands in the
question log whole (normalised), once.
"""
from __future__ import annotations

import json
import uuid

import httpx
import pytest
from sqlalchemy import create_engine, text

pytestmark = pytest.mark.bot

DEADLINE_S = 30  # "never a hang": every request is answered within this


def marker() -> str:
    return f"zq{uuid.uuid4().hex[:10]}"


def post(stack, content: bytes, content_type: str = "application/json") -> httpx.Response:
    return httpx.post(f"{stack.rasa.url}/webhooks/rest/webhook", content=content,
                      headers={"Content-Type": content_type}, timeout=DEADLINE_S)


def as_json(obj) -> bytes:
    return json.dumps(obj, ensure_ascii=False).encode("utf-8")


def rows_like(stack, needle: str) -> list[dict]:
    engine = create_engine(stack.db_url)
    try:
        with engine.connect() as conn:
            return [dict(r._mapping) for r in conn.execute(
                text("SELECT question_text, channel, outcome FROM question_log WHERE question_text LIKE :n"),
                {"n": f"%{needle}%"})]
    finally:
        engine.dispose()


def tracker_senders(stack, needle: str) -> int:
    engine = create_engine(stack.tracker_db_url)
    try:
        with engine.connect() as conn:
            return conn.execute(text("SELECT COUNT(*) FROM events WHERE sender_id LIKE :n OR data LIKE :n"),
                                {"n": f"%{needle}%"}).scalar_one()
    finally:
        engine.dispose()


def rejected_cases(m: str) -> list[tuple[str, bytes, str, int, str]]:
    """(name, body, content type, expected status, expected error code); `m` is in every body."""
    sender = f"bad-{m}"
    deep = ("[" * 3000 + "]" * 3000).encode()
    return [
        ("empty body", b"", "application/json", 400, "invalid_body"),
        ("not json", f"sender={sender}&message=hi {m}".encode(), "application/x-www-form-urlencoded", 400,
         "invalid_body"),
        ("invalid utf-8", b'{"sender": "' + sender.encode() + b'", "message": "\xff\xfe\xc3 ' + m.encode() + b'"}',
         "application/json", 400, "invalid_utf8"),
        ("truncated json", as_json({"sender": sender, "message": f"hi {m}"})[:-3], "application/json", 400,
         "invalid_body"),
        ("deep json", deep[:-1] + b', "' + m.encode() + b'"]', "application/json", 400, "too_deep"),
        ("huge json", as_json({"sender": sender, "message": f"hi {m}",
                               "metadata": {f"k{i}": "v" * 50 for i in range(2000)}}),
         "application/json", 413, "body_too_large"),
        ("100 kB text", as_json({"sender": sender, "message": f"{m} " + "ก" * 100_000}), "application/json",
         413, "body_too_large"),
        ("2 kB text", as_json({"sender": sender, "message": f"{m} " + "a" * 2000}), "application/json", 422,
         "message_too_long"),
        ("empty message", as_json({"sender": sender, "message": ""}), "application/json", 422, "message_empty"),
        ("whitespace only", as_json({"sender": sender, "message": " \t\n\u3000\u200b "}), "application/json", 422,
         "message_empty"),
        ("NUL", as_json({"sender": sender, "message": f"hello\x00{m}"}), "application/json", 422,
         "message_invalid_chars"),
        ("lone surrogate", b'{"sender": "' + sender.encode() + b'", "message": "x\\udc00 ' + m.encode() + b'"}',
         "application/json", 422, "message_invalid_chars"),
        ("message missing", as_json({"sender": sender}), "application/json", 422, "message_missing"),
        ("sender missing", as_json({"message": f"hi {m}"}), "application/json", 422, "sender_missing"),
        ("message is a number", as_json({"sender": sender, "message": 12345}), "application/json", 422,
         "message_missing"),
        ("message is a list", as_json({"sender": sender, "message": [f"hi {m}"]}), "application/json", 422,
         "message_missing"),
        ("message is null", as_json({"sender": sender, "message": None}), "application/json", 422,
         "message_missing"),
        ("sender is an object", as_json({"sender": {"id": m}, "message": "hi"}), "application/json", 422,
         "sender_missing"),
        ("body is a list", as_json([sender, f"hi {m}"]), "application/json", 422, "not_an_object"),
        ("body is a string", as_json(f"hi {m}"), "application/json", 422, "not_an_object"),
        ("NaN", b'{"sender": "' + sender.encode() + b'", "message": NaN}', "application/json", 400, "invalid_body"),
        ("metadata not an object", as_json({"sender": sender, "message": f"hi {m}", "metadata": "x"}),
         "application/json", 422, "metadata_invalid"),
        ("input_channel injection", as_json({"sender": sender, "message": f"hi {m}",
                                              "input_channel": "'; DROP TABLE question_log; --"}),
         "application/json", 422, "input_channel_invalid"),
    ]


def test_malformed_requests_get_a_clear_4xx_and_write_nothing(bot_stack):
    m = marker()
    problems = []
    for name, body, ctype, status, code in rejected_cases(m):
        resp = post(bot_stack, body, ctype)
        if resp.status_code != status:
            problems.append(f"{name}: HTTP {resp.status_code} (want {status}) {resp.text[:200]}")
            continue
        data = resp.json()
        if data.get("error") != code or not data["messages"]["th"] or not data["messages"]["en"]:
            problems.append(f"{name}: body {data}")
    assert not problems, "\n".join(problems)
    assert rows_like(bot_stack, m) == []
    assert tracker_senders(bot_stack, m) == 0
    # the webhook still works after all that
    assert bot_stack.say(f"ok-{m}", "hello")


@pytest.mark.parametrize("name,message,expect_logged", [
    ("emoji and mixed scripts", "สสปน. ทำอะไรบ้าง 🤔🏽 what does TCEB do? 日本語 مرحبا 👨‍👩‍👧 {m}", None),
    ("html and script", "<script>alert('x')</script><img src=x onerror=alert(1)> What does TCEB do? {m}", None),
    ("sql fragments", "What does TCEB do?'; DROP TABLE question_log; -- OR 1=1 UNION SELECT * FROM staff {m}", None),
    ("control characters", "What\x07 does\x1b TCEB\x7f do?\r\n {m}", "What does TCEB do? {m}"),
    ("zero-width and thai", "สสปน.\u200bทำอะไรบ้าง\ufeff {m}", "สสปน.ทำอะไรบ้าง {m}"),
])
def test_odd_but_valid_text_gets_a_reply_and_is_logged_whole(bot_stack, name, message, expect_logged):
    m = marker()
    message = message.format(m=m)
    resp = post(bot_stack, as_json({"sender": f"odd-{m}", "message": message}))
    assert resp.status_code == 200, resp.text
    replies = resp.json()
    assert replies and any(r.get("text") for r in replies), replies
    expected = (expect_logged or message).format(m=m).replace("\u200d", "")  # zero-width joiner dropped
    rows = bot_stack.wait_for_rows(expected)
    assert len(rows) == 1, (rows, rows_like(bot_stack, m))
    assert rows[0]["channel"] == "web"
    assert all(r["question_text"] == expected for r in rows_like(bot_stack, m))


def test_no_unguarded_channel_is_served(bot_stack):
    """Only the guarded REST channel takes messages: socket.io (which would skip its checks and limits)
    and Rasa's HTTP API (no --enable-api) are not served."""
    polling = httpx.get(f"{bot_stack.rasa.url}/socket.io/", params={"EIO": "4", "transport": "polling"},
                        timeout=DEADLINE_S)
    assert polling.status_code == 404, polling.text[:200]
    api = httpx.post(f"{bot_stack.rasa.url}/model/parse", json={"text": "hello"}, timeout=DEADLINE_S)
    assert api.status_code in (403, 404), api.status_code
