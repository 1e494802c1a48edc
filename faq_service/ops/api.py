"""Install production concerns on the app: rate limits, security headers, CORS allow-list, JSON logs
with request ids, GET /metrics, and JSON answers for database outages and unexpected errors."""
from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, Response
from sqlalchemy.exc import DataError, DBAPIError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from starlette.middleware.cors import CORSMiddleware

from faq_service import messages
from faq_service.ops import logs
from faq_service.ops.metrics import CONTENT_TYPE_LATEST, Metrics
from faq_service.ops.middleware import OpsMiddleware
from faq_service.ops.ratelimit import ClientAddress, RateLimiter, make_counter

log = logging.getLogger("faq_service.ops")


def _rid_headers(request: Request) -> dict[str, str]:
    rid = request.scope.get("thamtob_request_id")
    return {"X-Request-ID": rid} if rid else {}


async def _database_unavailable(request: Request, exc: Exception) -> JSONResponse:
    """PostgreSQL restarting or unreachable: a clear 503 (nothing was stored), not a bare 500."""
    if isinstance(exc, DBAPIError) and not isinstance(exc, OperationalError) and not exc.connection_invalidated:
        return await _server_error(request, exc)
    log.warning("database unavailable: %s", exc.__class__.__name__)
    return JSONResponse({"detail": "database unavailable", **messages.both("database_unavailable")},
                        status_code=503, headers={"Retry-After": "2", **_rid_headers(request)})


async def _invalid_data(request: Request, exc: Exception) -> JSONResponse:
    """The database refused a value the request carried (a NUL, a number out of range): the request is
    invalid, the transaction was rolled back, nothing was stored."""
    log.warning("database refused a value: %s", str(getattr(exc, "orig", exc)).splitlines()[0][:200])
    problem = "a value in the request cannot be stored (invalid character or out of range)"
    return JSONResponse({"detail": problem, **messages.both("invalid_request", problems=problem)},
                        status_code=422, headers=_rid_headers(request))


async def _server_error(request: Request, exc: Exception) -> JSONResponse:
    log.error("unhandled error on %s %s", request.method, request.url.path, exc_info=exc)
    return JSONResponse({"detail": "internal error", **messages.both("server_error")}, status_code=500,
                        headers=_rid_headers(request))


# What the service really answers for invalid input (main.py's handlers): a readable message in both
# languages, not FastAPI's default list of errors. Documented so that clients and Schemathesis see it.
ERROR_SCHEMA = {
    "title": "Error", "type": "object", "required": ["detail", "message"],
    "properties": {"detail": {"description": "what was wrong, for developers"},
                   "message": {"type": "string", "description": "English, for people"},
                   "message_th": {"type": "string", "description": "Thai, for people"}},
}


def _document_errors(app: FastAPI) -> None:
    generate = app.openapi

    def openapi() -> dict:
        if app.openapi_schema:
            return app.openapi_schema
        schema = generate()
        schema.setdefault("components", {}).setdefault("schemas", {})["HTTPValidationError"] = ERROR_SCHEMA
        return schema

    app.openapi = openapi


def install(app: FastAPI, settings) -> None:
    logs.configure(settings.log_format)
    metrics = Metrics() if settings.metrics_enabled else None
    limiter = RateLimiter(make_counter(settings.redis_url), settings.rate_limit_session,
                          settings.rate_limit_ip, settings.rate_limit_window_s)
    app.state.thamtob_metrics = metrics
    app.state.thamtob_limiter = limiter

    app.add_exception_handler(OperationalError, _database_unavailable)
    app.add_exception_handler(PoolTimeout, _database_unavailable)
    app.add_exception_handler(DataError, _invalid_data)
    app.add_exception_handler(DBAPIError, _database_unavailable)
    app.add_exception_handler(Exception, _server_error)
    _document_errors(app)

    if metrics is not None:
        @app.get("/metrics", include_in_schema=False)
        def prometheus_metrics() -> Response:
            return Response(metrics.render(), media_type=CONTENT_TYPE_LATEST)

    # Added last, so outermost: these wrap every route, mount and the other middleware.
    app.add_middleware(OpsMiddleware, settings=settings, limiter=limiter, metrics=metrics,
                       client_ip=ClientAddress(settings.trusted_proxies))
    origins = settings.cors_origin_list()
    if origins:
        app.add_middleware(CORSMiddleware, allow_origins=origins, allow_methods=["GET", "POST", "OPTIONS"],
                           allow_headers=["Content-Type", "Accept", "Accept-Language", "Authorization",
                                          "X-Request-ID"],
                           expose_headers=["X-Request-ID", "Retry-After"], allow_credentials=False,
                           max_age=600)
