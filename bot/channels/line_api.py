"""LINE's Messaging API, the calls the LINE channel makes (reply, push, profile): the one module that
talks to LINE. Standard library and aiohttp only (LINE's SDK 3.x needs pydantic 2, which Rasa 3.6's
virtualenv cannot take).

- reply: POST /v2/bot/message/reply. LINE answers 400 {"message": "Invalid reply token"} when the token
  expired (about a minute after the webhook) or was used: that is ReplyTokenInvalid, and the caller
  pushes instead. Any other refusal is LineApiError, with LINE's status and message.
- push: POST /v2/bot/message/push with an X-Line-Retry-Key, so that a retry after a timeout or a 5xx is
  not delivered twice (LINE answers 409 to a key it already accepted: that counts as sent).
- profile_language: GET /v2/bot/profile/{userId} → its BCP 47 `language`, or None (not given, 404, error).
Every call has a time budget; nothing here logs a user id.
"""
from __future__ import annotations

import asyncio
import logging
import uuid
from urllib.parse import quote
from typing import Any, Dict, List, Optional

import aiohttp

logger = logging.getLogger(__name__)

DEFAULT_BASE_URL = "https://api.line.me"
INVALID_REPLY_TOKEN = "Invalid reply token"
PUSH_ATTEMPTS = 2


class LineApiError(Exception):
    def __init__(self, status: int, message: str):
        super().__init__(f"LINE API {status}: {message}")
        self.status, self.message = status, message


class ReplyTokenInvalid(LineApiError):
    """The reply token expired or was already used: push instead."""


class LineApi:
    def __init__(self, base_url: str, access_token: str, timeout_s: float = 5.0):
        self.base_url = base_url.rstrip("/")
        self.access_token = access_token
        self.timeout = aiohttp.ClientTimeout(total=timeout_s)
        self._session: Optional[aiohttp.ClientSession] = None

    def session(self) -> aiohttp.ClientSession:
        # Created on first use, inside the running loop (Sanic's), never at import or config time.
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession(timeout=self.timeout, headers={
                "Authorization": f"Bearer {self.access_token}"})
        return self._session

    async def close(self) -> None:
        if self._session is not None and not self._session.closed:
            await self._session.close()

    async def _call(self, method: str, path: str, body: Optional[Dict[str, Any]] = None,
                    headers: Optional[Dict[str, str]] = None) -> Dict[str, Any]:
        async with self.session().request(method, self.base_url + path, json=body, headers=headers) as resp:
            try:
                data = await resp.json(content_type=None)
            except ValueError:
                data = None
            data = data if isinstance(data, dict) else {}
            if resp.status >= 400:
                raise LineApiError(resp.status, str(data.get("message") or resp.reason or ""))
            return data

    async def reply(self, reply_token: str, messages: List[Dict[str, Any]]) -> None:
        try:
            await self._call("POST", "/v2/bot/message/reply", {"replyToken": reply_token, "messages": messages})
        except LineApiError as exc:
            if exc.status == 400 and exc.message.strip().lower() == INVALID_REPLY_TOKEN.lower():
                raise ReplyTokenInvalid(exc.status, exc.message) from None
            raise

    async def push(self, to: str, messages: List[Dict[str, Any]]) -> None:
        retry_key = str(uuid.uuid4())
        for attempt in range(1, PUSH_ATTEMPTS + 1):
            try:
                await self._call("POST", "/v2/bot/message/push", {"to": to, "messages": messages},
                                 headers={"X-Line-Retry-Key": retry_key})
                return
            except LineApiError as exc:
                if exc.status == 409:  # this retry key was accepted already: the messages went out
                    return
                if exc.status < 500 or attempt == PUSH_ATTEMPTS:
                    raise
            except (aiohttp.ClientError, asyncio.TimeoutError):
                if attempt == PUSH_ATTEMPTS:
                    raise
            await asyncio.sleep(0.5 * attempt)

    async def profile_language(self, user_id: str) -> Optional[str]:
        try:
            data = await self._call("GET", "/v2/bot/profile/" + quote(user_id, safe=""))
        except (LineApiError, aiohttp.ClientError, asyncio.TimeoutError) as exc:
            logger.info("LINE profile not available: %s", exc)
            return None
        language = data.get("language")
        return language if isinstance(language, str) and language else None
