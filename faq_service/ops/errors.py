"""Every exception handler of the app, each answering with the one error body (core/errors.py):
invalid requests (415 for a body of a media type the operation does not take, else 422), HTTP errors
raised by routes (a 405 names every method of the path), database outages and refused values, and the
unexpected. The OpenAPI documents each operation's statuses (ops/contract.py)."""
from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy.exc import DataError, DBAPIError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from starlette.exceptions import HTTPException as StarletteHTTPException

from faq_service.core.errors import Refusal, error_response
from faq_service.ops import contract

log = logging.getLogger("faq_service.ops")


def _rid_headers(request: Request) -> dict[str, str]:
    rid = request.scope.get("thamtob_request_id")
    return {"X-Request-ID": rid} if rid else {}


def _problems(exc: RequestValidationError) -> str:
    parts = []
    for err in exc.errors():
        where = ".".join(str(p) for p in err.get("loc", ()) if p != "body") or "body"
        parts.append(f"{where}: {err.get('msg', 'invalid')}")
    return "; ".join(parts)


def _unsupported(request: Request) -> JSONResponse:
    given = request.headers.get("content-type") or "no Content-Type"
    return error_response(415, f"{given} is not taken here", headers=_rid_headers(request))


async def _validation_error(request: Request, exc: RequestValidationError) -> JSONResponse:
    if contract.unsupported_media_type(request):
        return _unsupported(request)
    if contract.path_names_nothing(exc):
        allowed = contract.allowed_methods(request)
        if allowed:
            return error_response(405, "method not allowed", headers={"Allow": allowed})
        return error_response(404, f"nothing at {request.url.path}")
    if any(e.get("type") == "json_invalid" for e in exc.errors()):
        return error_response(422, "invalid JSON", "invalid_json")
    problems = _problems(exc)
    return error_response(422, problems, "invalid_request", problems=problems)


async def _http_error(request: Request, exc: StarletteHTTPException) -> JSONResponse:
    """FastAPI reports an undecodable body as 400; it is invalid input like any other, so 422 (or 415 when
    the body is not of a media type the operation takes)."""
    if exc.status_code in (400, 422) and contract.unsupported_media_type(request):
        return _unsupported(request)
    if exc.status_code == 400 and "parsing the body" in str(exc.detail):
        return error_response(422, "invalid JSON", "invalid_json")
    if exc.status_code == 400:  # e.g. a malformed multipart body
        return error_response(422, exc.detail, headers=getattr(exc, "headers", None))
    headers = dict(getattr(exc, "headers", None) or {})
    if exc.status_code == 405:
        headers["Allow"] = contract.allowed_methods(request)
    return error_response(exc.status_code, exc.detail, headers=headers or None)


async def _refusal(request: Request, exc: Refusal) -> JSONResponse:
    return error_response(exc.status, str(exc), exc.key, **exc.values)


async def _database_unavailable(request: Request, exc: Exception) -> JSONResponse:
    """PostgreSQL restarting or unreachable: a clear 503 (nothing was stored), not a bare 500."""
    if isinstance(exc, DBAPIError) and not isinstance(exc, OperationalError) and not exc.connection_invalidated:
        return await _server_error(request, exc)
    log.warning("database unavailable: %s", exc.__class__.__name__)
    return error_response(503, "database unavailable", "database_unavailable",
                          headers={"Retry-After": "2", **_rid_headers(request)})


async def _invalid_data(request: Request, exc: Exception) -> JSONResponse:
    """The database refused a value the request carried (a NUL, a number out of range): the request is
    invalid, the transaction was rolled back, nothing was stored."""
    log.warning("database refused a value: %s", str(getattr(exc, "orig", exc)).splitlines()[0][:200])
    problem = "a value in the request cannot be stored (invalid character or out of range)"
    return error_response(422, problem, "invalid_request", headers=_rid_headers(request), problems=problem)


async def _server_error(request: Request, exc: Exception) -> JSONResponse:
    log.error("unhandled error on %s %s", request.method, request.url.path, exc_info=exc)
    return error_response(500, "internal error", "server_error", headers=_rid_headers(request))


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(Refusal, _refusal)
    app.add_exception_handler(OperationalError, _database_unavailable)
    app.add_exception_handler(PoolTimeout, _database_unavailable)
    app.add_exception_handler(DataError, _invalid_data)
    app.add_exception_handler(DBAPIError, _database_unavailable)
    app.add_exception_handler(Exception, _server_error)
