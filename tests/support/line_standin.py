"""A stand-in for LINE's Messaging API on 127.0.0.1, for the LINE channel's end-to-end tests; and how
LINE signs the webhooks it sends.

It speaks the parts of the API the channel uses, as LINE documents them (developers.line.biz, Messaging
API reference): POST /v2/bot/message/reply, POST /v2/bot/message/push, GET /v2/bot/profile/{userId}.
- Authorization: Bearer <channel access token>, else 401 {"message": "Authentication failed due to the
  following reason: ..."}.
- A reply token is issued by the test (`reply_token()`), used once, and can be marked expired
  (`expire()`); a used, expired or unknown token → 400 {"message": "Invalid reply token"}.
- Message objects are checked against LINE's limits (1–5 messages, text ≤ 5000, altText ≤ 1500, postback
  data and displayText ≤ 300, quick-reply labels ≤ 20 and Flex button labels ≤ 40 grapheme clusters,
  ≤ 13 quick replies): a violation → 400 {"message": "The request body has N error(s)", "details": [...]}.
- Push: to a user the test registered (`add_user`), else 400 {"message": "Failed to send messages"}; an
  X-Line-Retry-Key seen before → 409.
- Profile: the registered user's profile (with `language` when given), else 404 {"message": "Not found"}.
Every reply and push that LINE would accept is recorded in `sent` (kind, token or user, messages).
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import json
import re
import threading
import time
import uuid
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Callable

import regex

REPLY_TOKEN_LIFETIME_S = 60
AUTH_FAILED = ("Authentication failed due to the following reason: invalid token. Confirm that the access "
               "token in the authorization header is valid.")


def graphemes(text: str) -> int:
    """Grapheme clusters, as LINE counts action labels (a Thai letter with its marks is one)."""
    return len(regex.findall(r"\X", text))


def sign(body: bytes, channel_secret: str) -> str:
    """The X-Line-Signature LINE sends with `body`."""
    return base64.b64encode(hmac.new(channel_secret.encode(), body, hashlib.sha256).digest()).decode()


@dataclass
class Sent:
    kind: str          # "reply" or "push"
    target: str        # the reply token, or the user id pushed to
    messages: list
    at: float = field(default_factory=time.monotonic)


class LineStandIn:
    def __init__(self, access_token: str):
        self.access_token = access_token
        self.sent: list[Sent] = []
        self.refused: list[tuple[str, int, dict]] = []   # (path, status, body) of every refusal
        self.tokens: dict[str, dict] = {}                 # reply token → {"issued": t, "used": bool, "expired": bool}
        self.users: dict[str, dict] = {}                  # userId → profile
        self.retry_keys: set[str] = set()
        self.lock = threading.Lock()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def start(self) -> "LineStandIn":
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    # ------------------------------------------------------------------ what a test sets up and reads
    def add_user(self, language: str | None = None) -> str:
        user_id = "U" + uuid.uuid4().hex
        profile = {"displayName": "Test user", "userId": user_id}
        if language:
            profile["language"] = language
        self.users[user_id] = profile
        return user_id

    def reply_token(self) -> str:
        token = uuid.uuid4().hex
        with self.lock:
            self.tokens[token] = {"issued": time.monotonic(), "used": False, "expired": False}
        return token

    def expire(self, token: str) -> None:
        with self.lock:
            self.tokens[token]["expired"] = True

    def sent_for(self, *, token: str | None = None, user: str | None = None) -> list[Sent]:
        with self.lock:
            return [s for s in self.sent if (token and s.kind == "reply" and s.target == token)
                    or (user and s.kind == "push" and s.target == user)]

    def wait_for(self, found: Callable[[], Any], deadline_s: float = 60) -> Any:
        end = time.monotonic() + deadline_s
        while time.monotonic() < end:
            result = found()
            if result:
                return result
            time.sleep(0.2)
        return found()

    # ------------------------------------------------------------------ LINE's rules
    @staticmethod
    def message_errors(messages: Any) -> list[dict]:
        if not isinstance(messages, list) or not 1 <= len(messages) <= 5:
            return [{"message": "Size must be between 1 and 5", "property": "messages"}]
        errors: list[dict] = []

        def check(value: Any, limit: int, prop: str, count: Callable[[str], int] = len) -> None:
            if not isinstance(value, str) or not value or count(value) > limit:
                errors.append({"message": f"Length must be between 1 and {limit}", "property": prop})

        def action(a: dict, prop: str, label_limit: int) -> None:
            if a.get("type") == "postback":
                check(a.get("data"), 300, f"{prop}.data")
                if "displayText" in a:
                    check(a["displayText"], 300, f"{prop}.displayText", graphemes)
            if a.get("type") in ("postback", "message") or "label" in a:
                check(a.get("label"), label_limit, f"{prop}.label", graphemes)

        def components(node: Any, prop: str) -> None:
            if isinstance(node, dict):
                if node.get("type") == "button":
                    action(node.get("action") or {}, f"{prop}.action", 40)
                elif node.get("type") == "text":
                    check(node.get("text"), 5000, f"{prop}.text")
                for key, value in node.items():
                    if isinstance(value, (dict, list)):
                        components(value, f"{prop}.{key}")
            elif isinstance(node, list):
                for i, item in enumerate(node):
                    components(item, f"{prop}[{i}]")

        for i, m in enumerate(messages):
            prop = f"messages[{i}]"
            kind = m.get("type") if isinstance(m, dict) else None
            if kind == "text":
                check(m.get("text"), 5000, f"{prop}.text", lambda s: len(s.encode("utf-16-le")) // 2)
            elif kind == "flex":
                check(m.get("altText"), 1500, f"{prop}.altText")
                contents = m.get("contents") or {}
                if contents.get("type") not in ("bubble", "carousel"):
                    errors.append({"message": "must be bubble or carousel", "property": f"{prop}.contents.type"})
                if len(json.dumps(contents, ensure_ascii=False).encode()) > 30_000:
                    errors.append({"message": "Bubble is too large", "property": f"{prop}.contents"})
                components(contents, f"{prop}.contents")
            else:
                errors.append({"message": "Must be one of the following values: [text, image, video, audio, "
                                          "location, sticker, template, imagemap, flex]", "property": f"{prop}.type"})
                continue
            items = ((m.get("quickReply") or {}).get("items")) if "quickReply" in m else None
            if items is not None:
                if not isinstance(items, list) or not 1 <= len(items) <= 13:
                    errors.append({"message": "Size must be between 1 and 13", "property": f"{prop}.quickReply.items"})
                else:
                    for j, item in enumerate(items):
                        action(item.get("action") or {}, f"{prop}.quickReply.items[{j}].action", 20)
        return errors

    # ------------------------------------------------------------------ HTTP
    def _handler(self):
        standin = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:  # quiet
                pass

            def answer(self, status: int, body: dict) -> None:
                if status >= 400:
                    standin.refused.append((self.path, status, body))
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("X-Line-Request-Id", uuid.uuid4().hex)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def authorised(self) -> bool:
                if self.headers.get("Authorization") != f"Bearer {standin.access_token}":
                    self.answer(401, {"message": AUTH_FAILED})
                    return False
                return True

            def do_GET(self) -> None:  # noqa: N802
                if not self.authorised():
                    return
                match = re.fullmatch(r"/v2/bot/profile/([^/]+)", self.path)
                profile = standin.users.get(match.group(1)) if match else None
                self.answer(200, profile) if profile else self.answer(404, {"message": "Not found"})

            def do_POST(self) -> None:  # noqa: N802
                raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                if not self.authorised():
                    return
                try:
                    body = json.loads(raw)
                except ValueError:
                    return self.answer(400, {"message": "The request body could not be parsed as JSON (line: 1, column: 1)"})
                errors = standin.message_errors(body.get("messages"))
                if self.path == "/v2/bot/message/reply":
                    with standin.lock:
                        token = standin.tokens.get(body.get("replyToken") or "")
                        if (token is None or token["used"] or token["expired"]
                                or time.monotonic() - token["issued"] > REPLY_TOKEN_LIFETIME_S):
                            return self.answer(400, {"message": "Invalid reply token"})
                        if errors:
                            return self.answer(400, {"message": f"The request body has {len(errors)} error(s)",
                                                     "details": errors})
                        token["used"] = True
                        standin.sent.append(Sent("reply", body["replyToken"], body["messages"]))
                    return self.answer(200, {"sentMessages": [{"id": str(uuid.uuid4().int)[:18]}]})
                if self.path == "/v2/bot/message/push":
                    key = self.headers.get("X-Line-Retry-Key")
                    with standin.lock:
                        if key and key in standin.retry_keys:
                            return self.answer(409, {"message": "The retry key is already accepted"})
                        if errors:
                            return self.answer(400, {"message": f"The request body has {len(errors)} error(s)",
                                                     "details": errors})
                        if body.get("to") not in standin.users:
                            return self.answer(400, {"message": "Failed to send messages"})
                        if key:
                            standin.retry_keys.add(key)
                        standin.sent.append(Sent("push", body["to"], body["messages"]))
                    return self.answer(200, {"sentMessages": [{"id": str(uuid.uuid4().int)[:18]}]})
                self.answer(404, {"message": "Not found"})

        return Handler
