"""The one JSON error body of the HTTP API, and how domain errors become HTTP statuses.

Every error reply, from a route, an exception handler or a request middleware, is
`{"detail": what was wrong (for developers), "message": English, "message_th": Thai}` (message_th
when the message comes from core/messages.yml). Domain services raise plain exceptions and know
nothing of HTTP: LookupError (nothing by that id) → 404, ConflictError (changed meanwhile) → 409,
any other ValueError (invalid input) → 422.
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
    "title": "Error", "type": "object", "required": ["detail", "message"],
    "properties": {"detail": {"description": "what was wrong, for developers"},
                   "message": {"type": "string", "description": "English, for people"},
                   "message_th": {"type": "string", "description": "Thai, for people"}},
}


class ConflictError(ValueError):
    """A change made against a version someone else has changed since (HTTP 409)."""


class Refusal(ValueError):
    """Input the visitor must change, with its own status (413, 415, 422…) and a message key of
    core/messages.yml: answered in both languages by the handler in ops/errors.py."""

    def __init__(self, status: int, key: str, detail: str, **values):
        super().__init__(detail)
        self.status, self.key, self.values = status, key, values


def error_body(detail: Any, key: str | None = None, **values) -> dict:
    """The error body; `key` names a message of core/messages.yml (in both languages). Without one,
    a text detail is the message too."""
    if key is None:
        return {"detail": detail, "message": detail if isinstance(detail, str) else "request failed"}
    return {"detail": detail, **messages.both(key, **values)}


def error_response(status: int, detail: Any, key: str | None = None, headers: dict | None = None,
                   extra: dict | None = None, **values) -> JSONResponse:
    return JSONResponse({**error_body(detail, key, **values), **(extra or {})}, status_code=status,
                        headers=headers)


async def send_error(send, status: int, detail: Any, key: str | None = None, headers: tuple = (),
                     extra: dict | None = None, **values) -> None:
    """The same body from a plain ASGI middleware (which answers before any route or handler)."""
    body = json.dumps({**error_body(detail, key, **values), **(extra or {})}, ensure_ascii=False).encode()
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
