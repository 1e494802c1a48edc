"""The LINE Official Account channel: `POST /webhooks/line/webhook`, registered in bot/credentials.yml as
`bot.channels.line.LineInput` (channel name "line", so the question log's channel is "line").

The webhook, in this order:
- channel off (no LINE credentials in the environment) → 503;
- body over 1 MB → 413;
- X-Line-Signature missing or wrong → 401: nothing parsed, nothing processed, only the refusal logged;
- signed but not UTF-8 JSON of the webhook's shape → 400;
- anything else → 200 at once (LINE redelivers on other statuses): the console's Verify (no events),
  unknown event types, everything below. The events are handled after the answer, in the background.
Each event id (webhookEventId) is taken once (line_seen.py): a redelivered event is not answered again.

Events (from a user's one-to-one chat; the user is known to Rasa only by an HMAC of their userId):
- text message → the same assistant as the web chat (Rasa: NLU, actions, FAQ answers, complaint intake);
  its messages are rendered for LINE (line_render.py) and sent with the event's reply token, or pushed
  when LINE says the token expired or was used;
- postback (a button or quick reply) → its data, a Rasa payload such as /ask_question{"faq_id": 7};
- sticker, image, any other message → a polite "text only" reply in the user's language;
- follow → the greeting, in the language of the user's LINE profile when given, else Thai;
- unfollow → the user's data is erased (line_erase.py);
- from a group or multi-person chat → one line asking to message us one-to-one (at most hourly per chat);
- `mode: standby` (another module has the chat) → nothing is sent.
Per-user rate limit: LINE_RATE_USER. Settings: line_settings.py; texts: line_messages.yml.
"""
from __future__ import annotations

import asyncio
import json
import logging
import os
import re
from pathlib import Path
from typing import Any, Awaitable, Callable, Dict, List, Optional, Set, Text

import aiohttp
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.channels.guarded_rest import fill, load_messages, normalise_message
from bot.channels.line_api import LineApi, LineApiError, ReplyTokenInvalid
from bot.channels.line_erase import forget
from bot.channels.line_render import render
from bot.channels.line_security import sender_id, signature_ok
from bot.channels.line_seen import SeenEvents
from bot.channels.line_settings import MAX_BODY_BYTES, load_settings
from bot.channels.rate_limit import Limit, TokenBuckets
from bot.language import detect_lang
from rasa.core.channels.channel import InputChannel, OutputChannel, UserMessage

logger = logging.getLogger(__name__)

MESSAGES_FILE = Path(__file__).with_name("line_messages.yml")
MAX_MESSAGE_CHARS = 1000  # as faq_service's /api/v1/ask
MAX_POSTBACK_CHARS = 300  # LINE's limit for postback data
USER_ID = re.compile(r"^[A-Za-z0-9_-]{1,100}$")
GROUP_NOTICE = Limit(1, 3600)  # the one-to-one notice, at most once an hour per group chat


class LineTurn(OutputChannel):
    """Collects one turn's bot messages whole (with the response name Rasa gives each, `utter_action`),
    for line_render.py to lay out."""

    def __init__(self) -> None:
        self.messages: List[Dict[Text, Any]] = []

    @classmethod
    def name(cls) -> Text:
        return "line"

    async def send_response(self, recipient_id: Text, message: Dict[Text, Any]) -> None:
        self.messages.append(dict(message))

    async def send_text_message(self, recipient_id: Text, text: Text, **kwargs: Any) -> None:
        self.messages.append({"text": text})


def language_of(tag: Optional[str]) -> Optional[str]:
    """A BCP 47 tag as the bot's language: Thai for th-*, English for any other given language."""
    if not tag:
        return None
    return "th" if tag.lower().split("-")[0] == "th" else "en"


class LineInput(InputChannel):
    @classmethod
    def name(cls) -> Text:
        return "line"

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[Text, Any]]) -> "LineInput":
        return cls(**(credentials or {}))

    def __init__(self, **_options: Any) -> None:
        self.settings = load_settings(os.environ)
        self.texts = load_messages(MESSAGES_FILE)
        self.api: Optional[LineApi] = None
        self.seen: Optional[SeenEvents] = None
        s = self.settings
        if s.enabled:
            self.api = LineApi(s.api_base_url, s.access_token, s.api_timeout_s)
            self.seen = SeenEvents(s.redis_url, s.redis_prefix)
        self.user_buckets = TokenBuckets(s.rate_user) if s.rate_user else None
        self.group_buckets = TokenBuckets(GROUP_NOTICE)
        self.user_locks: Dict[str, asyncio.Lock] = {}
        self.tasks: Set[asyncio.Task] = set()
        logger.info("LINE channel %s", "on (POST /webhooks/line/webhook)" if s.enabled else
                    "off: LINE_CHANNEL_SECRET / LINE_CHANNEL_ACCESS_TOKEN not set (the webhook answers 503)")

    # ------------------------------------------------------------------ HTTP
    def http_error(self, status: int, code: str, **fmt: Any) -> HTTPResponse:
        texts = {lang: fill(self.texts[code][lang], fmt) for lang in ("th", "en")}
        return response.json({"error": code, "message": f"{texts['th']} / {texts['en']}", "messages": texts},
                             status=status)

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        webhook = Blueprint("line_webhook", __name__)
        channel = self

        @webhook.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok" if channel.settings.enabled else "disabled"})

        @webhook.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            return await channel.receive(request, on_new_message)

        return webhook

    async def receive(self, request: Request, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> HTTPResponse:
        if not self.settings.enabled:
            return self.http_error(503, "line_disabled")
        body = request.body or b""
        if len(body) > MAX_BODY_BYTES:
            return self.http_error(413, "body_too_large", limit=MAX_BODY_BYTES)
        if not signature_ok(body, request.headers.get("x-line-signature"), self.settings.channel_secret):
            logger.info("LINE webhook refused: X-Line-Signature missing or wrong")
            return self.http_error(401, "bad_signature")
        try:
            data = json.loads(body.decode("utf-8"))
        except (UnicodeDecodeError, ValueError, RecursionError):
            return self.http_error(400, "invalid_body")
        if not isinstance(data, dict) or not isinstance(data.get("events"), list):
            return self.http_error(400, "invalid_body")
        fresh = [event for event in data["events"]
                 if isinstance(event, dict) and await self.seen.first_time(event.get("webhookEventId"))]
        if fresh:
            agent = getattr(request.app.ctx, "agent", None)
            task = asyncio.create_task(self.handle_events(fresh, on_new_message, agent))
            self.tasks.add(task)
            task.add_done_callback(self.tasks.discard)
        return response.json({})

    # ------------------------------------------------------------------ events
    async def handle_events(self, events: List[Dict[str, Any]], on_new_message, agent) -> None:
        for event in events:
            try:
                await self.handle_event(event, on_new_message, agent)
            except Exception:  # one bad event must not stop the others (LINE has had its 200)
                logger.exception("LINE: a %s event could not be handled", str(event.get("type"))[:32])

    def lock_for(self, sender: str) -> asyncio.Lock:
        """One user's events one after another (in this process), e.g. an unfollow after their last question."""
        if len(self.user_locks) > 10_000:
            for key in [k for k, lock in self.user_locks.items() if not lock.locked()]:
                del self.user_locks[key]
        return self.user_locks.setdefault(sender, asyncio.Lock())

    async def handle_event(self, event: Dict[str, Any], on_new_message, agent) -> None:
        kind = event.get("type")
        source = event.get("source") if isinstance(event.get("source"), dict) else {}
        token = event.get("replyToken") if isinstance(event.get("replyToken"), str) else None
        standby = event.get("mode") == "standby"
        message = event.get("message") if isinstance(event.get("message"), dict) else {}
        if source.get("type") in ("group", "room"):
            chat = str(source.get("groupId") or source.get("roomId") or "")
            if kind in ("join", "message") and token and not standby and self.group_buckets.take(chat)[0]:
                text = message.get("text") if isinstance(message.get("text"), str) else ""
                await self.send_notice("one_to_one", detect_lang(text) if text.strip() else None, token, None)
            return
        user_id = source.get("userId")
        if source.get("type") != "user" or not isinstance(user_id, str) or not USER_ID.match(user_id):
            return
        sender = sender_id(user_id, self.settings.user_hash_key)
        async with self.lock_for(sender):
            if kind == "unfollow":
                s = self.settings
                await forget(sender, s.tracker_db_url, s.faq_url, s.service_token)
                return
            if standby:
                return
            reply = (token, user_id)
            if kind == "follow":
                lang = language_of(await self.api.profile_language(user_id)) or "th"
                await self.turn(on_new_message, sender, "/greet" + json.dumps({"lang": lang}), reply)
            elif kind == "postback":
                data = (event.get("postback") or {}).get("data") if isinstance(event.get("postback"), dict) else None
                if isinstance(data, str) and data.startswith("/") and len(data) <= MAX_POSTBACK_CHARS:
                    if await self.within_rate(sender, reply, agent, user_id):
                        await self.turn(on_new_message, sender, data, reply)
            elif kind == "message":
                if message.get("type") == "text" and isinstance(message.get("text"), str):
                    await self.text_message(message["text"], sender, reply, on_new_message, agent, user_id)
                else:
                    await self.send_notice("text_only", await self.user_lang(agent, sender, user_id), *reply)

    async def text_message(self, raw: str, sender: str, reply, on_new_message, agent, user_id: str) -> None:
        text = normalise_message(raw[: MAX_MESSAGE_CHARS * 4])
        if not text:
            return
        if not await self.within_rate(sender, reply, agent, user_id, detect_lang(text)):
            return
        if len(text) > MAX_MESSAGE_CHARS:
            await self.send_notice("message_too_long", detect_lang(text), *reply, limit=MAX_MESSAGE_CHARS)
            return
        await self.turn(on_new_message, sender, text, reply)

    async def within_rate(self, sender: str, reply, agent, user_id: str, lang: Optional[str] = None) -> bool:
        if self.user_buckets is None or self.user_buckets.take(sender)[0]:
            return True
        await self.send_notice("rate_limited", lang or await self.user_lang(agent, sender, user_id), *reply)
        return False

    async def user_lang(self, agent, sender: str, user_id: str) -> str:
        """The language of the conversation so far (Rasa's `lang` slot), else of the LINE profile, else Thai."""
        try:
            tracker = await agent.tracker_store.retrieve(sender) if agent is not None else None
            lang = tracker.get_slot("lang") if tracker is not None else None
        except Exception as exc:
            logger.info("LINE: tracker not readable for the user's language (%s)", exc)
            lang = None
        if lang in ("th", "en"):
            return lang
        return language_of(await self.api.profile_language(user_id)) or "th"

    # ------------------------------------------------------------------ sending
    async def turn(self, on_new_message, sender: str, text: str, reply) -> None:
        collected = LineTurn()
        await on_new_message(UserMessage(text, collected, sender, input_channel=self.name()))
        await self.deliver(render(collected.messages), *reply)

    async def send_notice(self, code: str, lang: Optional[str], token: Optional[str], user_id: Optional[str],
                          **fmt: Any) -> None:
        texts = self.texts[code]
        text = fill(texts[lang], fmt) if lang in ("th", "en") else f"{fill(texts['th'], fmt)} / {fill(texts['en'], fmt)}"
        await self.deliver([{"type": "text", "text": text}], token, user_id)

    async def deliver(self, messages: List[Dict[str, Any]], token: Optional[str], user_id: Optional[str]) -> None:
        """Reply first; push when LINE says the reply token expired or was used."""
        if not messages:
            return
        if token:
            try:
                await self.api.reply(token, messages)
                return
            except ReplyTokenInvalid:
                logger.info("LINE: reply token expired or used; pushing the answer instead")
            except (LineApiError, aiohttp.ClientError, asyncio.TimeoutError) as exc:
                logger.error("LINE: reply failed (%s)", exc)
                return
        if user_id:
            try:
                await self.api.push(user_id, messages)
            except (LineApiError, aiohttp.ClientError, asyncio.TimeoutError) as exc:
                logger.error("LINE: push failed (%s)", exc)
