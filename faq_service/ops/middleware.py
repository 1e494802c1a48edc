"""The outermost request layer: request ids, rate limits on /api/v1/ask, security headers, metrics and
the JSON access log. A plain ASGI middleware so it sees every response, including the 413 of
BodySizeLimit and the static files."""
from __future__ import annotations

import hmac
import json
import logging
import time

from faq_service.core.errors import send_error
from faq_service.ops.logs import ACCESS_LOGGER, request_id_from, request_id_var
from faq_service.ops.metrics import Metrics
from faq_service.ops.ratelimit import ClientAddress, RateLimiter

ASK_PATH = "/api/v1/ask"
# Routes whose access-log lines carry no client address (the complaint pages and their API).
PRIVATE_PATHS = ("/api/v1/complaints", "/complaints")
RATE_LIMITED_PATHS = (ASK_PATH,)  # documented with their 429 (ops/contract.py)
access_log = logging.getLogger(ACCESS_LOGGER)

# JSON answers: nothing to load, nothing may frame them.
API_CSP = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"
# HTML pages that did not set their own policy (Swagger UI at /docs starts itself with an inline script).
PAGE_CSP = ("default-src 'none'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; "
            "img-src 'self' data:; font-src 'self'; connect-src 'self'; frame-ancestors 'none'; "
            "base-uri 'none'; form-action 'self'")
BASE_HEADERS = ((b"x-content-type-options", b"nosniff"), (b"referrer-policy", b"no-referrer"),
                (b"x-frame-options", b"DENY"))


def _header(scope, name: bytes) -> str | None:
    for key, value in scope.get("headers") or []:
        if key == name:
            return value.decode("latin-1")
    return None


async def _buffer_body(receive, limit: int):
    """Reads the request body up to `limit`+1 bytes; returns (body, more_body, last_message)."""
    chunks, size = [], 0
    while True:
        message = await receive()
        if message["type"] != "http.request":
            return b"".join(chunks), False, message
        chunks.append(message.get("body", b""))
        size += len(chunks[-1])
        if not message.get("more_body", False):
            return b"".join(chunks), False, None
        if size > limit:
            return b"".join(chunks), True, None


def _replay(body: bytes, more: bool, last, receive):
    sent = False

    async def replayed():
        nonlocal sent
        if not sent:
            sent = True
            if last is not None and not body:
                return last
            return {"type": "http.request", "body": body, "more_body": more}
        if last is not None:
            return last
        return await receive()

    return replayed


def _session_id(body: bytes) -> str | None:
    try:
        data = json.loads(body)
    except Exception:  # invalid, too deep: the route answers 422; no session to key on
        return None
    value = data.get("session_id") if isinstance(data, dict) else None
    return value[:200] if isinstance(value, str) and value else None


def _has_nul(scope) -> bool:
    """NUL in the path or query: no text column can hold it (PostgreSQL refuses it), so refuse it here."""
    query = scope.get("query_string") or b""
    return "\x00" in scope.get("path", "") or b"%00" in query or b"\x00" in query


def _route_label(scope) -> str:
    route = scope.get("route")
    path = getattr(route, "path", None)
    if path:
        return path
    raw = scope.get("path", "")
    for prefix in ("/static",):
        if raw.startswith(prefix + "/"):
            return prefix
    return "unmatched"


class OpsMiddleware:
    def __init__(self, app, *, settings, limiter: RateLimiter, metrics: Metrics | None,
                 client_ip: ClientAddress):
        self.app = app
        self.settings = settings
        self.limiter = limiter
        self.metrics = metrics
        self.client_ip = client_ip
        self.max_body = settings.max_body_bytes

    def _exempt(self, scope) -> bool:
        token = _header(scope, b"x-service-token")
        return bool(token) and hmac.compare_digest(token.encode(), self.settings.service_token.encode())

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        rid = request_id_from(_header(scope, b"x-request-id"))
        scope["thamtob_request_id"] = rid
        token = request_id_var.set(rid)
        started = time.perf_counter()
        method, path = scope["method"], scope["path"]
        is_ask = method == "POST" and path == ASK_PATH
        ip = self.client_ip(scope)
        state = {"status": 500, "body": bytearray(), "html": False}

        async def send_with_headers(message):
            if message["type"] == "http.response.start":
                state["status"] = message["status"]
                headers = list(message.get("headers") or [])
                names = {k.lower() for k, _ in headers}
                content_type = next((v for k, v in headers if k.lower() == b"content-type"), b"")
                headers.append((b"x-request-id", rid.encode()))
                # A page whose own policy names who may frame it (the widget's panel) is not denied framing.
                own_csp = next((v for k, v in headers if k.lower() == b"content-security-policy"), b"")
                framable = b"frame-ancestors" in own_csp and b"frame-ancestors 'none'" not in own_csp
                headers.extend(h for h in BASE_HEADERS
                               if h[0] not in names and not (framable and h[0] == b"x-frame-options"))
                if b"content-security-policy" not in names:
                    csp = PAGE_CSP if content_type.startswith(b"text/html") else API_CSP
                    headers.append((b"content-security-policy", csp.encode()))
                message = {**message, "headers": headers}
            elif message["type"] == "http.response.body" and is_ask and state["status"] == 200:
                if len(state["body"]) < 65536:
                    state["body"].extend(message.get("body", b""))
            await send(message)

        try:
            if _has_nul(scope):
                return await self._invalid(send_with_headers, "the URL contains a NUL character")
            if is_ask and not self._exempt(scope):
                body, more, last = await _buffer_body(receive, self.max_body)
                receive = _replay(body, more, last, receive)
                verdict = await self.limiter.check(None if more else _session_id(body), ip)
                if not verdict.allowed:
                    if self.metrics:
                        self.metrics.rate_limited.labels(verdict.scope).inc()
                    return await self._too_many(send_with_headers, verdict.retry_after)
            await self.app(scope, receive, send_with_headers)
        finally:
            elapsed = time.perf_counter() - started
            status = state["status"]
            if self.metrics is not None:
                self.metrics.record_request(method, ASK_PATH if is_ask else _route_label(scope), status, elapsed)
                if is_ask:
                    self.metrics.record_ask(self._ask_outcome(status, state["body"]),
                                            elapsed if status == 200 else None)
            line = {"method": method, "path": path, "status": status, "duration_ms": round(elapsed * 1000, 1)}
            if not path.startswith(PRIVATE_PATHS):  # who reported something is nobody's business
                line["client_ip"] = ip
            access_log.info("%s %s %d", method, path, status, extra=line)
            request_id_var.reset(token)

    @staticmethod
    def _ask_outcome(status: int, body: bytearray) -> str:
        if status == 200:
            try:
                return str(json.loads(bytes(body)).get("outcome") or "answered")
            except Exception:
                return "answered"
        if status == 429:
            return "rate_limited"
        if status == 503:
            return "unavailable"
        return "error" if status >= 500 else "invalid"

    @staticmethod
    async def _invalid(send, problem: str) -> None:
        await send_error(send, 422, problem, "invalid_request", problems=problem)

    async def _too_many(self, send, retry_after: int) -> None:
        await send_error(send, 429, "too many requests", "rate_limited", extra={"retry_after": retry_after},
                         headers=((b"retry-after", str(retry_after).encode()),), retry_after=retry_after)
