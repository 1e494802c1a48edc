"""Unit tests of the guarded REST webhook's checks (bot/channels/guarded_rest.py) and its rate limits."""
import json
from types import SimpleNamespace

import pytest

from bot.channels.guarded_rest import GuardedRestInput, Rejected, load_messages, normalise_message
from bot.channels.rate_limit import Limit, TokenBuckets


def request(body, ip="10.0.0.1", headers=None):
    raw = body if isinstance(body, bytes) else json.dumps(body).encode()
    return SimpleNamespace(body=raw, ip=ip, headers=headers or {})


@pytest.fixture
def channel(monkeypatch):
    for var in ("WEBHOOK_RATE_SENDER", "WEBHOOK_RATE_IP", "WEBHOOK_MAX_BODY_BYTES", "WEBHOOK_MAX_MESSAGE_CHARS"):
        monkeypatch.delenv(var, raising=False)
    return GuardedRestInput()


def rejected(channel, body, **kw):
    with pytest.raises(Rejected) as info:
        channel.validate(request(body, **kw))
    return info.value.status, info.value.code


def test_name_keeps_the_rest_path():
    assert GuardedRestInput.name() == "rest" and GuardedRestInput().url_prefix() == "rest"


def test_good_message_is_normalised(channel):
    sender, text, metadata, chan = channel.validate(
        request({"sender": "u1", "message": "  สวัสดี\u200b ครับ\t\nHello\x07 "}))
    assert (sender, text, metadata, chan) == ("u1", "สวัสดี ครับ Hello", None, "rest")
    assert channel.validate(request({"sender": 42, "message": "hi"}))[0] == "42"


@pytest.mark.parametrize("body,status,code", [
    (b"", 400, "invalid_body"),
    (b"not json", 400, "invalid_body"),
    (b'{"sender": "a", "message": "\xff\xfe"}', 400, "invalid_utf8"),
    (b'{"sender": "a", "message": NaN}', 400, "invalid_body"),
    (b"[" * 5000 + b"]" * 5000, 400, "too_deep"),
    ([1, 2], 422, "not_an_object"),
    ("hello", 422, "not_an_object"),
    ({"message": "hi"}, 422, "sender_missing"),
    ({"sender": ["x"], "message": "hi"}, 422, "sender_missing"),
    ({"sender": "", "message": "hi"}, 422, "sender_invalid"),
    ({"sender": "a\x00b", "message": "hi"}, 422, "sender_invalid"),
    ({"sender": "x" * 500, "message": "hi"}, 422, "sender_invalid"),
    ({"sender": "a"}, 422, "message_missing"),
    ({"sender": "a", "message": 5}, 422, "message_missing"),
    ({"sender": "a", "message": {"text": "hi"}}, 422, "message_missing"),
    ({"sender": "a", "message": ""}, 422, "message_empty"),
    ({"sender": "a", "message": " \t\n\u200b "}, 422, "message_empty"),
    ({"sender": "a", "message": "hi\x00there"}, 422, "message_invalid_chars"),
    ({"sender": "a", "message": "x" * 1001}, 422, "message_too_long"),
    ({"sender": "a", "message": "hi", "metadata": [1]}, 422, "metadata_invalid"),
    ({"sender": "a", "message": "hi", "metadata": {"a": {"b": {"c": {"d": {"e": {"f": 1}}}}}}}, 422, "too_deep"),
    ({"sender": "a", "message": "hi", "input_channel": "<script>"}, 422, "input_channel_invalid"),
])
def test_bad_input_is_rejected(channel, body, status, code):
    assert rejected(channel, body) == (status, code)


def test_lone_surrogate_is_rejected(channel):
    body = b'{"sender": "a", "message": "x\\ud800y"}'
    assert rejected(channel, body) == (422, "message_invalid_chars")


def test_body_size_limit(channel):
    assert rejected(channel, {"sender": "a", "message": "ก" * 40000}) == (413, "body_too_large")


def test_sender_rate_limit_then_ip(monkeypatch):
    monkeypatch.setenv("WEBHOOK_RATE_SENDER", "3/60")
    monkeypatch.setenv("WEBHOOK_RATE_IP", "5/60")
    channel = GuardedRestInput()
    for _ in range(3):
        channel.validate(request({"sender": "s", "message": "hi"}))
    with pytest.raises(Rejected) as info:
        channel.validate(request({"sender": "s", "message": "hi"}))
    assert info.value.status == 429 and info.value.code == "rate_limited_sender"
    assert 1 <= int(info.value.headers["Retry-After"]) <= 20
    channel.validate(request({"sender": "t", "message": "hi"}))
    with pytest.raises(Rejected) as info:
        channel.validate(request({"sender": "u", "message": "hi"}))
    assert info.value.code == "rate_limited_ip"
    channel.validate(request({"sender": "u", "message": "hi"}, ip="10.0.0.2"))  # another client


def test_token_bucket_refills():
    now = [0.0]
    buckets = TokenBuckets(Limit.parse("2/10"), clock=lambda: now[0])
    assert buckets.take("k")[0] and buckets.take("k")[0]
    allowed, retry = buckets.take("k")
    assert not allowed and retry == 5
    now[0] = 5.0
    assert buckets.take("k")[0]
    assert Limit.parse("off") is None


def test_every_error_has_thai_and_english():
    messages = load_messages()
    assert all(set(v) == {"th", "en"} and v["th"] and v["en"] for v in messages.values())


def test_error_response_body(channel):
    err = Rejected(429, "rate_limited_sender", headers={"Retry-After": "7"}, retry_after=7)
    resp = channel.error(err, "en")
    body = json.loads(resp.body)
    assert resp.status == 429 and resp.headers["Retry-After"] == "7"
    assert body["error"] == "rate_limited_sender" and "7 seconds" in body["message"]
    assert "7" in body["messages"]["th"]


@pytest.mark.parametrize("code", sorted(load_messages()))
def test_every_error_renders(channel, code):
    for lang in ("th", "en", None):
        body = json.loads(channel.error(Rejected(400, code, limit=10, retry_after=3), lang).body)
        assert body["error"] == code and "{limit}" not in body["message"] and "{retry_after}" not in body["message"]


def test_normalise_keeps_thai_and_emoji():
    assert normalise_message("ขอบคุณครับ 🙏🏽 <b>x</b>") == "ขอบคุณครับ 🙏🏽 <b>x</b>"


@pytest.mark.parametrize("var,value", [("WEBHOOK_MAX_BODY_BYTES", "abc"), ("WEBHOOK_RATE_IP", "lots")])
def test_a_limit_that_cannot_be_used_is_one_clear_error(monkeypatch, var, value):
    from bot.channels.guarded_rest import WebhookConfigError

    monkeypatch.setenv(var, value)
    with pytest.raises(WebhookConfigError, match=rf"^{var}='{value}' is not .* \(example: {var}=\S+\)$"):
        GuardedRestInput()
