"""The one JSON error body of the HTTP API, and how domain errors become HTTP statuses.

Every error reply, from a route, an exception handler or a request middleware, is
`{"detail": what was wrong (for developers), "message": English, "message_th": Thai}`, both messages
from core/messages.yml (an error raised with a plain text detail gets its status's message). Domain
services raise plain exceptions and know nothing of HTTP: LookupError (nothing by that id) → 404,
ConflictError (changed meanwhile, or not allowed in the current state) → 409, any other ValueError
(invalid input) → 422. A request dependency names the statuses it can answer with `may_answer`, and
the OpenAPI documents them on every operation that uses it (ops/contract.py).
"""
from __future__ import annotations

import json
from contextlib import contextmanager
from typing import Any, Iterator

from fastapi import HTTPException
from fastapi.responses import JSONResponse

from faq_service.core import messages

# Documented as the body of every error status, so that clients and Schemathesis see the real shape.
ERROR_SCHEMA = {
    "title": "Error", "type": "object", "required": ["detail", "message", "message_th"],
    "description": "The one error body of every error status. Some statuses add fields: 429 `retry_after` "
                   "(seconds), 503 from /readyz `database`, `index` and `entries`.",
    "properties": {"detail": {"description": "what was wrong, for developers (usually a string)"},
                   "message": {"type": "string", "description": "English, for people"},
                   "message_th": {"type": "string", "description": "Thai, for people"}},
}

# The message of an error raised with only a text detail (e.g. HTTPException(404, "no entry 5")).
STATUS_MESSAGES = {401: "unauthorized", 403: "forbidden", 404: "not_found", 405: "method_not_allowed",
                   409: "conflict", 413: "too_large_file", 415: "unsupported_media_type",
                   422: "invalid_request", 429: "too_many_attempts", 503: "unavailable"}


class ConflictError(ValueError):
    """A change that conflicts with the current state: made against a version someone else has changed
    since, or one the resource does not allow as it is now (HTTP 409)."""


class Refusal(ValueError):
    """Input the visitor must change, with its own status (413, 415, 422…) and a message key of
    core/messages.yml: answered in both languages by the handler in ops/errors.py."""

    def __init__(self, status: int, key: str, detail: str, **values):
        super().__init__(detail)
        self.status, self.key, self.values = status, key, values


def may_answer(*statuses: int):
    """Marks a request dependency with the error statuses it can answer (documented in the OpenAPI of
    every operation using it, ops/contract.py)."""
    def mark(fn):
        fn.error_statuses = tuple(statuses)
        return fn
    return mark


def error_body(detail: Any, key: str | None = None, status: int | None = None, **values) -> dict:
    """The error body; `key` names a message of core/messages.yml (in both languages). Without one,
    the message of `status` (STATUS_MESSAGES) is used, with the detail as `{detail}`."""
    text = detail.rstrip(".") if isinstance(detail, str) else "request failed"
    if key is None:
        key = STATUS_MESSAGES.get(status or 0, "request_failed")
        values = {"detail": text, "problems": text, **values}
    return {"detail": detail, **messages.both(key, **values)}


def error_response(status: int, detail: Any, key: str | None = None, headers: dict | None = None,
                   extra: dict | None = None, **values) -> JSONResponse:
    return JSONResponse({**error_body(detail, key, status, **values), **(extra or {})}, status_code=status,
                        headers=headers)


async def send_error(send, status: int, detail: Any, key: str | None = None, headers: tuple = (),
                     extra: dict | None = None, **values) -> None:
    """The same body from a plain ASGI middleware (which answers before any route or handler)."""
    body = json.dumps({**error_body(detail, key, status, **values), **(extra or {})}, ensure_ascii=False).encode()
    await send({"type": "http.response.start", "status": status, "headers": [
        (b"content-type", b"application/json"), (b"content-length", str(len(body)).encode()), *headers]})
    await send({"type": "http.response.body", "body": body})


def status_for(exc: Exception) -> int | None:
    if isinstance(exc, Refusal):
        return exc.status
    if isinstance(exc, LookupError):
        return 404
    if isinstance(exc, ConflictError):
        return 409
    if isinstance(exc, ValueError):
        return 422
    return None


@contextmanager
def domain_errors_as_http() -> Iterator[None]:
    """Turns a domain error raised inside the block into the HTTPException of its status."""
    try:
        yield
    except Refusal:
        raise  # answered with its own message (ops/errors.py)
    except (LookupError, ValueError) as exc:
        raise HTTPException(status_for(exc), str(exc)) from exc
