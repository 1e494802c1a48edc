"""Install production concerns on the app: the body size limit, rate limits, security headers, CORS
allow-list, JSON logs with request ids, no cookies on the complaint API, GET /metrics, every exception
handler (ops/errors.py) and the published contract: every operation's error statuses in the OpenAPI
(ops/contract.py)."""
from __future__ import annotations

from fastapi import FastAPI
from fastapi.responses import Response
from starlette.middleware.cors import CORSMiddleware

from faq_service.ops import contract, logs
from faq_service.ops.body_limit import BodySizeLimit
from faq_service.ops.errors import install_error_handlers
from faq_service.ops.metrics import CONTENT_TYPE_LATEST, Metrics
from faq_service.ops.middleware import OpsMiddleware
from faq_service.ops.no_cookies import StripCookies
from faq_service.ops.ratelimit import ClientAddress, RateLimiter, make_counter



def upload_limits(settings) -> dict[str, int]:
    """The routes that take files, with their own, larger request-size limits."""
    return {"/console/import": settings.max_upload_bytes, "/api/v1/staff/import": settings.max_upload_bytes,
            "/api/v1/complaints": settings.complaint_upload_bytes(),
            "/api/v1/staff/complaints": settings.complaint_upload_bytes(),
            # the desk's pages that take files: recording a complaint, adding evidence to a case
            "/console/complaints/": settings.complaint_upload_bytes(),
            # the form's other fields and multipart framing besides the file (the route checks the file)
            "/console/documents": settings.document_max_bytes + 1024 * 1024}


def _passage_stats(app: FastAPI) -> dict | None:
    """The passage index's figures, once the app's state (made at start-up) has one."""
    state = getattr(app.state, "thamtob", None)
    passages = getattr(getattr(state, "knowledge", None), "passages", None)
    return passages.stats() if passages is not None else None


def install(app: FastAPI, settings) -> None:
    logs.configure(settings.log_format)
    metrics = Metrics() if settings.metrics_enabled else None
    limiter = RateLimiter(make_counter(settings.redis_url), settings.rate_limit_session,
                          settings.rate_limit_ip, settings.rate_limit_window_s)
    app.state.thamtob_metrics = metrics
    app.state.thamtob_limiter = limiter

    install_error_handlers(app)
    contract.install(app)

    if metrics is not None:
        metrics.watch_passages(lambda: _passage_stats(app))

        @app.get("/metrics", include_in_schema=False)
        def prometheus_metrics() -> Response:
            return Response(metrics.render(), media_type=CONTENT_TYPE_LATEST)

    # Added last, so outermost: these wrap every route, mount and the other middleware; the body size
    # limit sits inside them, so its 413 is counted, logged and carries the request id.
    app.add_middleware(BodySizeLimit, max_bytes=settings.max_body_bytes, upload_limits=upload_limits(settings))
    app.add_middleware(OpsMiddleware, settings=settings, limiter=limiter, metrics=metrics,
                       client_ip=ClientAddress(settings.trusted_proxies))
    origins = settings.cors_origin_list()
    if origins:
        app.add_middleware(CORSMiddleware, allow_origins=origins, allow_methods=["GET", "POST", "OPTIONS"],
                           allow_headers=["Content-Type", "Accept", "Accept-Language", "Authorization",
                                          "X-Request-ID"],
                           expose_headers=["X-Request-ID", "Retry-After"], allow_credentials=False,
                           max_age=600)
    # Outermost of all: the complaint API never sees a cookie, so nothing inside can read or log one.
    app.add_middleware(StripCookies)
