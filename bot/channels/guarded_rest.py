"""The REST webhook with its input checked: `POST /webhooks/rest/webhook` (same path, same channel name
`rest`, same reply format as Rasa's RestInput), registered in bot/credentials.yml as
`bot.channels.guarded_rest.GuardedRestInput`.

Before a message reaches Rasa:
- rate limits: per client IP (generous) and per sender id → 429 with Retry-After;
- body size (WEBHOOK_MAX_BODY_BYTES, default 16384) → 413;
- strict UTF-8 and JSON (no NaN/Infinity, bounded nesting) → 400;
- a JSON object with `sender` (string or number, ≤ 128 characters, no control characters) and
  `message` (string) → else 422; optional `metadata` (object, ≤ 4 kB, ≤ 5 levels) and `input_channel`
  (short name) → else 422;
- the message text: NUL or lone surrogates → 422; otherwise NFC, control characters become spaces,
  zero-width characters are dropped, whitespace is collapsed; empty → 422; longer than
  WEBHOOK_MAX_MESSAGE_CHARS (default 1000, as faq_service's /api/v1/ask) → 422.
Every rejection is JSON {"error": code, "message": ..., "messages": {"th": ..., "en": ...}} with the texts
from bot/channels/messages.yml. Nothing rejected reaches the tracker store, the actions or the question log.

Limits from the environment: WEBHOOK_RATE_SENDER (default "120/60": 120 messages per 60 s per sender),
WEBHOOK_RATE_IP (default "6000/60"), "off" disables one; WEBHOOK_TRUST_FORWARDED_FOR=1 takes the client
IP from the last X-Forwarded-For hop (only behind a reverse proxy that sets it). A value that cannot be
used stops Rasa with one line naming it (WebhookConfigError).
"""
from __future__ import annotations

import json
import logging
import os
import re
import unicodedata
from pathlib import Path
from typing import Any, Callable, Dict, Optional, Text, Tuple

import yaml
from sanic import response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.channels.rate_limit import Limit, TokenBuckets
from bot.language import detect_lang
from rasa.core.channels.rest import RestInput
from rasa.shared.exceptions import RasaException

logger = logging.getLogger(__name__)

MESSAGES_FILE = Path(__file__).with_name("messages.yml")
DEFAULTS = {
    "max_body_bytes": 16384,
    "max_message_chars": 1000,
    "max_sender_chars": 128,
    "max_metadata_bytes": 4096,
    "max_depth": 5,
    "rate_sender": "120/60",
    "rate_ip": "6000/60",
}
ENV = {
    "max_body_bytes": "WEBHOOK_MAX_BODY_BYTES",
    "max_message_chars": "WEBHOOK_MAX_MESSAGE_CHARS",
    "rate_sender": "WEBHOOK_RATE_SENDER",
    "rate_ip": "WEBHOOK_RATE_IP",
}
# The language of a rejected message is told from its start only: the body may be far over every limit,
# and counting letters over all of it would cost memory in proportion to it.
GUESS_LANG_CHARS = 4000
ZERO_WIDTH = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"))
SURROGATE = re.compile(r"[\ud800-\udfff]")
INPUT_CHANNEL = re.compile(r"^[a-z0-9_-]{1,32}$")


class WebhookConfigError(RasaException):
    """A limit the channel cannot use. Rasa reports its own exceptions as one line, without a traceback."""


def positive_int(value: Any) -> int:
    number = int(value)
    if number < 1:
        raise ValueError(f"{number} < 1")
    return number


def checked(name: str, value: Any, parse: Callable[[Any], Any], expected: str, example: Any) -> Any:
    """parse(value), or WebhookConfigError naming `name` (a variable, or a key of bot/credentials.yml)."""
    try:
        return parse(value)
    except (TypeError, ValueError):
        where = "" if name.isupper() else "bot/credentials.yml: "
        raise WebhookConfigError(f"{where}{name}={value!r} is not {expected} (example: {name}={example})") from None


class Rejected(Exception):
    def __init__(self, status: int, code: str, headers: Optional[Dict[str, str]] = None, **fmt: Any):
        super().__init__(code)
        self.status, self.code, self.headers, self.fmt = status, code, headers or {}, fmt


def load_messages(path: Path = MESSAGES_FILE) -> Dict[str, Dict[str, str]]:
    with open(path, encoding="utf-8") as fh:
        return yaml.safe_load(fh)


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not valid JSON")


def json_depth(value: Any, limit: int, depth: int = 1) -> int:
    """Nesting depth of a parsed JSON value (stops counting past `limit`)."""
    if depth > limit:
        return depth
    children = value.values() if isinstance(value, dict) else value if isinstance(value, list) else ()
    return max([depth] + [json_depth(c, limit, depth + 1) for c in children if isinstance(c, (dict, list))])


def has_control(text: str) -> bool:
    return any(unicodedata.category(ch) == "Cc" for ch in text)


def normalise_message(text: str) -> str:
    """NFC; control characters → space; zero-width characters dropped; whitespace collapsed."""
    text = unicodedata.normalize("NFC", text).translate(ZERO_WIDTH)
    text = "".join(" " if unicodedata.category(ch) == "Cc" else ch for ch in text)
    return " ".join(text.split())


def fill(template: str, values: Dict[str, Any]) -> str:
    """Replaces {name} placeholders (only those given: JSON braces in a message stay as they are)."""
    for key, value in values.items():
        template = template.replace("{" + key + "}", str(value))
    return template


def guess_lang(text: Any) -> Optional[str]:
    """`th` or `en` (bot/language.py) for a rejected message's text; None when there is no text."""
    if isinstance(text, str) and text.strip():
        return detect_lang(text[:GUESS_LANG_CHARS])
    return None


class GuardedRestInput(RestInput):
    """RestInput whose webhook validates and rate-limits every request before Rasa sees it."""

    @classmethod
    def name(cls) -> Text:
        return "rest"  # same URL (/webhooks/rest/webhook) and same channel name in the question log

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[Text, Any]]) -> "GuardedRestInput":
        return cls(**(credentials or {}))

    def __init__(self, **options: Any) -> None:
        settings = dict(DEFAULTS)
        settings.update({k: v for k, v in options.items() if k in DEFAULTS and v is not None})
        sources = {key: key for key in DEFAULTS}
        for key, var in ENV.items():
            if os.environ.get(var, "").strip():
                settings[key] = os.environ[var].strip()
                sources[key] = var

        def number(key: str) -> int:
            return checked(sources[key], settings[key], positive_int, "a whole number ≥ 1", DEFAULTS[key])

        def rate(key: str) -> Optional[Limit]:
            return checked(sources[key], settings[key], lambda v: Limit.parse(str(v)),
                           'a rate limit N/SECONDS or "off"', DEFAULTS[key])

        self.max_body_bytes = number("max_body_bytes")
        self.max_message_chars = number("max_message_chars")
        self.max_sender_chars = number("max_sender_chars")
        self.max_metadata_bytes = number("max_metadata_bytes")
        self.max_depth = number("max_depth")
        sender_limit = rate("rate_sender")
        ip_limit = rate("rate_ip")
        self.sender_buckets = TokenBuckets(sender_limit) if sender_limit else None
        self.ip_buckets = TokenBuckets(ip_limit) if ip_limit else None
        self.trust_forwarded = os.environ.get("WEBHOOK_TRUST_FORWARDED_FOR", "") in ("1", "true", "yes")
        self.messages = load_messages()
        logger.info("guarded REST webhook: body ≤ %d B, message ≤ %d chars, rate per sender %s, per IP %s",
                    self.max_body_bytes, self.max_message_chars, sender_limit, ip_limit)

    # ------------------------------------------------------------------ validation
    def client_ip(self, request: Request) -> str:
        if self.trust_forwarded:
            forwarded = request.headers.get("x-forwarded-for", "")
            hops = [h.strip() for h in forwarded.split(",") if h.strip()]
            if hops:
                return hops[-1]
        return request.ip or "unknown"

    def parse_body(self, request: Request) -> Dict[str, Any]:
        body = request.body or b""
        if len(body) > self.max_body_bytes:
            raise Rejected(413, "body_too_large", limit=self.max_body_bytes)
        try:
            text = body.decode("utf-8")
        except UnicodeDecodeError:
            raise Rejected(400, "invalid_utf8")
        try:
            data = json.loads(text, parse_constant=_reject_constant)
        except RecursionError:
            raise Rejected(400, "too_deep")
        except ValueError:
            raise Rejected(400, "invalid_body")
        if not isinstance(data, dict):
            raise Rejected(422, "not_an_object")
        if json_depth(data, self.max_depth + 1) > self.max_depth + 1:
            raise Rejected(422, "too_deep")
        return data

    def check_sender(self, data: Dict[str, Any]) -> str:
        sender = data.get("sender")
        if sender is None:
            raise Rejected(422, "sender_missing")
        if isinstance(sender, int) and not isinstance(sender, bool):
            sender = str(sender)
        if not isinstance(sender, str):
            raise Rejected(422, "sender_missing")
        if (not sender.strip() or len(sender) > self.max_sender_chars or has_control(sender)
                or SURROGATE.search(sender)):
            raise Rejected(422, "sender_invalid", limit=self.max_sender_chars)
        return sender

    def check_message(self, data: Dict[str, Any]) -> str:
        message = data.get("message")
        if not isinstance(message, str):
            raise Rejected(422, "message_missing")
        if "\x00" in message or SURROGATE.search(message):
            raise Rejected(422, "message_invalid_chars")
        if len(message) > self.max_message_chars * 4:  # do not normalise megabytes of text
            raise Rejected(422, "message_too_long", limit=self.max_message_chars)
        text = normalise_message(message)
        if not text:
            raise Rejected(422, "message_empty")
        if len(text) > self.max_message_chars:
            raise Rejected(422, "message_too_long", limit=self.max_message_chars)
        return text

    def check_extras(self, data: Dict[str, Any]) -> Tuple[Optional[Dict[str, Any]], str]:
        metadata = data.get("metadata")
        if metadata is not None:
            if not isinstance(metadata, dict) or len(json.dumps(metadata)) > self.max_metadata_bytes:
                raise Rejected(422, "metadata_invalid", limit=self.max_metadata_bytes)
        channel = data.get("input_channel")
        if channel is None:
            channel = self.name()
        elif not isinstance(channel, str) or not INPUT_CHANNEL.match(channel):
            raise Rejected(422, "input_channel_invalid")
        return metadata, channel

    def rate_limit(self, buckets: Optional[TokenBuckets], key: str, code: str) -> None:
        if buckets is None:
            return
        allowed, retry_after = buckets.take(key)
        if not allowed:
            raise Rejected(429, code, headers={"Retry-After": str(retry_after)}, retry_after=retry_after)

    def error(self, rejected: Rejected, lang: Optional[str]) -> HTTPResponse:
        texts = self.messages.get(rejected.code) or self.messages["invalid_body"]
        localised = {code: fill(texts[code], rejected.fmt) for code in ("th", "en")}
        body = {"error": rejected.code, "message": localised[lang or "th"] if lang else
                f"{localised['th']} / {localised['en']}", "messages": localised}
        if "retry_after" in rejected.fmt:
            body["retry_after"] = rejected.fmt["retry_after"]
        return response.json(body, status=rejected.status, headers=rejected.headers)

    def validate(self, request: Request) -> Tuple[str, str, Optional[Dict[str, Any]], str]:
        """→ (sender, text, metadata, input_channel) or raises Rejected (rate limits first)."""
        self.rate_limit(self.ip_buckets, self.client_ip(request), "rate_limited_ip")
        data = self.parse_body(request)
        sender = self.check_sender(data)
        self.rate_limit(self.sender_buckets, sender, "rate_limited_sender")
        text = self.check_message(data)
        metadata, channel = self.check_extras(data)
        return sender, text, metadata, channel

    # ------------------------------------------------------------------ the webhook
    def blueprint(self, on_new_message):  # type: ignore[override]
        blueprint = super().blueprint(on_new_message)
        guarded = self

        async def guard(request: Request) -> Optional[HTTPResponse]:
            if request.method != "POST" or not request.path.rstrip("/").endswith("/webhook"):
                return None
            try:
                sender, text, metadata, channel = guarded.validate(request)
            except Rejected as rejected:
                lang = None
                try:
                    lang = guess_lang(json.loads(request.body.decode("utf-8")).get("message"))
                except Exception:  # the body is what was wrong: no language to guess
                    pass
                logger.info("webhook request rejected: %s (%d)", rejected.code, rejected.status)
                return guarded.error(rejected, lang)
            request.ctx.guarded = (sender, text, metadata, channel)
            return None

        blueprint.middleware(guard, "request")
        return blueprint

    # RestInput reads these from request.json; the guard has already checked and normalised them.
    async def _extract_sender(self, req: Request) -> Optional[Text]:
        return req.ctx.guarded[0]

    def _extract_message(self, req: Request) -> Optional[Text]:
        return req.ctx.guarded[1]

    def get_metadata(self, request: Request) -> Optional[Dict[Text, Any]]:
        return request.ctx.guarded[2]

    def _extract_input_channel(self, req: Request) -> Text:
        return req.ctx.guarded[3]
