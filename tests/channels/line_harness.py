"""What LINE would send to ThamTob's webhook, and what it got back: the helpers of the LINE channel's
end-to-end tests (tests/channels/). Webhooks are signed as LINE signs them."""
from __future__ import annotations

import hashlib
import hmac
import json
import uuid

import httpx
from sqlalchemy import create_engine, text

from tests.support.line_standin import LineStandIn, sign
from tests.support.stack import BotStack

SECRET = "stand-in-channel-secret-4f1c2a"
ACCESS_TOKEN = "stand-in-channel-access-token-9b7e"
HASH_KEY = "stand-in-user-hash-key-0123456789abcdef"
ANSWER_DEADLINE_S = 60


class Line:
    """The stack with its LINE stand-in, and what LINE would send to the webhook."""

    def __init__(self, stack: BotStack, standin: LineStandIn):
        self.stack, self.standin = stack, standin
        self.webhook = f"{stack.rasa.url}/webhooks/line/webhook"

    def post(self, body: bytes, signature: str | None = "sign", webhook: str | None = None) -> httpx.Response:
        """POST to this stack's Rasa (or to `webhook`), signed as LINE signs (or with `signature` as given)."""
        headers = {"Content-Type": "application/json"}
        if signature == "sign":
            headers["x-line-signature"] = sign(body, SECRET)
        elif signature is not None:
            headers["x-line-signature"] = signature
        return httpx.post(webhook or self.webhook, content=body, headers=headers, timeout=30)

    @staticmethod
    def body(*events: dict) -> bytes:
        return json.dumps({"destination": "U" + "0" * 32, "events": list(events)},
                          ensure_ascii=False, separators=(",", ":")).encode("utf-8")

    @staticmethod
    def event(kind: str, user: str | None, token: str | None = None, source: dict | None = None, **extra) -> dict:
        event = {"type": kind, "mode": "active", "timestamp": 1733350000000,
                 "source": source or {"type": "user", "userId": user},
                 "webhookEventId": "01J" + uuid.uuid4().hex[:23].upper(),
                 "deliveryContext": {"isRedelivery": False}, **extra}
        if token:
            event["replyToken"] = token
        return event

    def send(self, *events: dict, webhook: str | None = None) -> None:
        resp = self.post(self.body(*events), webhook=webhook)
        assert resp.status_code == 200, resp.text

    def say(self, user: str, message: str) -> list:
        """A text message; the messages LINE got back for it (by reply)."""
        token = self.standin.reply_token()
        self.send(self.event("message", user, token, message={"type": "text", "id": "1", "text": message}))
        return self.reply(token)

    def tap(self, user: str, data: str, display: str = "") -> list:
        token = self.standin.reply_token()
        self.send(self.event("postback", user, token, postback={"data": data}))
        return self.reply(token)

    def reply(self, token: str) -> list:
        sent = self.standin.wait_for(lambda: self.standin.sent_for(token=token), ANSWER_DEADLINE_S)
        assert sent, (self.standin.refused, self.stack.logs())
        return sent[0].messages

    @staticmethod
    def sender(user: str) -> str:
        return "line-" + hmac.new(HASH_KEY.encode(), user.encode(), hashlib.sha256).hexdigest()

    def tracker_events(self, sender: str) -> int:
        engine = create_engine(self.stack.tracker_db_url)
        try:
            with engine.connect() as conn:
                return conn.execute(text("SELECT COUNT(*) FROM events WHERE sender_id = :s"), {"s": sender}).scalar_one()
        finally:
            engine.dispose()


def flex_text(message: dict) -> str:
    found: list[str] = []

    def walk(node):
        if isinstance(node, dict):
            if node.get("type") == "text":
                found.append(node.get("text", ""))
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)
    walk(message.get("contents"))
    return "\n".join(found)


def postbacks(message: dict) -> list[dict]:
    found: list[dict] = []

    def walk(node):
        if isinstance(node, dict):
            if node.get("type") == "postback":
                found.append(node)
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)
    walk(message)
    return found
