"""Client for the ThamTob FAQ service (faq_service), the one outside service the actions call.

Contract: docs/api.md. Base URL, service token (sent as X-Service-Token) and time budget come from
actions/config.py (FAQ_URL, THAMTOB_SERVICE_TOKEN, FAQ_TIMEOUT_S). Every call has a total time budget of
at most 3 s (default 2.5 s), so the bot can still answer with the contact channels in time when the
service is down or hanging.
"""
from __future__ import annotations

import asyncio
import json
import logging
import urllib.error
import urllib.request
from typing import Any, Dict, Optional

import aiohttp

from actions.config import MAX_FAQ_TIMEOUT_S, settings

logger = logging.getLogger(__name__)

TOKEN_HEADER = "X-Service-Token"
# 4xx answers that will never succeed on a retry (a bad request stays bad)
PERMANENT_STATUSES = {400, 404, 409, 413, 422}


class FaqUnavailable(Exception):
    """The service did not answer in time, refused the connection, or failed (5xx)."""


class FaqRejected(Exception):
    """The service answered with a client error that a retry will not fix."""

    def __init__(self, status: int, body: str = "") -> None:
        super().__init__(f"faq_service rejected the request: HTTP {status} {body[:200]}")
        self.status = status


class FaqClient:
    """Async (aiohttp) calls for the actions, plus a blocking POST for the queue's delivery thread."""

    def __init__(
        self,
        base_url: Optional[str] = None,
        token: Optional[str] = None,
        timeout_s: Optional[float] = None,
    ) -> None:
        config = settings()
        self.base_url = (base_url or config.faq_url).rstrip("/")
        self.token = token or config.service_token
        self.timeout_s = min(timeout_s or config.faq_timeout_s, MAX_FAQ_TIMEOUT_S)

    @property
    def headers(self) -> Dict[str, str]:
        return {TOKEN_HEADER: self.token, "Accept": "application/json"}

    async def _request(
        self, method: str, path: str, body: Optional[Dict[str, Any]] = None,
        timeout_s: Optional[float] = None,
    ) -> tuple[int, Any]:
        timeout = aiohttp.ClientTimeout(total=min(timeout_s or self.timeout_s, MAX_FAQ_TIMEOUT_S))
        try:
            async with aiohttp.ClientSession(timeout=timeout, headers=self.headers) as session:
                async with session.request(method, self.base_url + path, json=body) as resp:
                    text = await resp.text()
                    status = resp.status
        except (aiohttp.ClientError, OSError, asyncio.TimeoutError) as exc:
            raise FaqUnavailable(f"{method} {path}: {exc!r}") from exc
        if status >= 500 or status in (408, 429):
            raise FaqUnavailable(f"{method} {path}: HTTP {status}")
        if status >= 400:
            raise FaqRejected(status, text)
        try:
            data = json.loads(text) if text else None
        except ValueError:
            data = None
        return status, data

    async def ask(
        self, question: str, lang: Optional[str], channel: Optional[str], session_id: Optional[str],
        intent: Optional[str] = None, idempotency_key: Optional[str] = None, topic: Optional[str] = None,
    ) -> Dict[str, Any]:
        """POST /api/v1/ask → the answer, suggestions or a decline (and its log_id). `topic` (the question
        log's neutral topic, actions/config.py) is left out of the body when there is none."""
        body = {"question": question, "lang": lang, "channel": channel, "session_id": session_id,
                "intent": intent, "idempotency_key": idempotency_key}
        if topic:
            body["topic"] = topic
        _, data = await self._request("POST", "/api/v1/ask", body)
        return data or {}

    async def feedback(self, log_id: int, helpful: bool, comment: Optional[str] = None) -> None:
        """POST /api/v1/feedback (a repeat overwrites)."""
        await self._request(
            "POST", "/api/v1/feedback", {"log_id": log_id, "helpful": helpful, "comment": comment}
        )

    async def get_faq(self, faq_id: int, timeout_s: Optional[float] = None) -> Optional[Dict[str, Any]]:
        """GET /api/v1/faqs/{id}; None when it does not exist (any more)."""
        try:
            _, data = await self._request("GET", f"/api/v1/faqs/{int(faq_id)}", timeout_s=timeout_s)
        except FaqRejected:
            return None
        return data

    async def log_question(self, record: Dict[str, Any]) -> int:
        """POST /api/v1/questions (201 stored, 200 already stored under that idempotency key)."""
        status, _ = await self._request("POST", "/api/v1/questions", record)
        return status

    def log_question_sync(self, record: Dict[str, Any], timeout_s: Optional[float] = None) -> int:
        """Blocking POST /api/v1/questions for the background delivery thread."""
        request = urllib.request.Request(
            self.base_url + "/api/v1/questions",
            data=json.dumps(record).encode("utf-8"),
            headers={**self.headers, "Content-Type": "application/json"},
            method="POST",
        )
        try:
            with urllib.request.urlopen(request, timeout=timeout_s or self.timeout_s) as resp:
                return resp.status
        except urllib.error.HTTPError as exc:
            body = exc.read().decode("utf-8", "replace") if exc.fp else ""
            if exc.code >= 500 or exc.code in (408, 429) or exc.code not in PERMANENT_STATUSES:
                raise FaqUnavailable(f"POST /api/v1/questions: HTTP {exc.code}") from exc
            raise FaqRejected(exc.code, body) from exc
        except (urllib.error.URLError, OSError, TimeoutError) as exc:
            raise FaqUnavailable(f"POST /api/v1/questions: {exc!r}") from exc
