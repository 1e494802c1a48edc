"""The FastAPI application: routes, error handling, start-up, and the index sync loop."""
from __future__ import annotations

import asyncio
import importlib
import logging
import threading
from contextlib import asynccontextmanager

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException
from sqlalchemy import text

from faq_service import messages
from faq_service.db import Database
from faq_service.deps import AppState
from faq_service.group_commit import GroupCommit
from faq_service.faqs.api import router as faqs_router
from faq_service.middleware import BodySizeLimit
from faq_service.questions.answering import load_entries
from faq_service.questions.api import router as questions_router
from faq_service.retrieval.declines import load_decline_examples
from faq_service.retrieval.encoders import load_encoders
from faq_service.retrieval.service import KnowledgeIndex
from faq_service.settings import Settings, get_settings
from faq_service.startup import prepare

log = logging.getLogger("faq_service")

# Each domain with routes or middleware exposes install(app, settings); listed here in mount order.
DOMAIN_MODULES = (
    "faq_service.web.api",
    "faq_service.staff.api",
    "faq_service.console.api",
    "faq_service.review.api",
    "faq_service.measures.api",
    "faq_service.ops.api",  # keep last: its middleware (limits, headers, request ids, metrics) wraps all
)

# Knowledge-base file uploads (console and staff API) have their own, larger limit.
UPLOAD_PATHS = ("/console/import", "/api/v1/staff/import")


def _problems(exc: RequestValidationError) -> str:
    parts = []
    for err in exc.errors():
        where = ".".join(str(p) for p in err.get("loc", ()) if p != "body") or "body"
        parts.append(f"{where}: {err.get('msg', 'invalid')}")
    return "; ".join(parts)


async def _validation_error(request: Request, exc: RequestValidationError) -> JSONResponse:
    if any(e.get("type") == "json_invalid" for e in exc.errors()):
        content = {"detail": "invalid JSON", **messages.both("invalid_json")}
    else:
        problems = _problems(exc)
        content = {"detail": problems, **messages.both("invalid_request", problems=problems)}
    return JSONResponse(content, status_code=422)


async def _http_error(request: Request, exc: StarletteHTTPException) -> JSONResponse:
    """FastAPI reports an undecodable body as 400; it is invalid input like any other, so 422."""
    if exc.status_code == 400 and "parsing the body" in str(exc.detail):
        return JSONResponse({"detail": "invalid JSON", **messages.both("invalid_json")}, status_code=422)
    detail = exc.detail if isinstance(exc.detail, str) else "request failed"
    return JSONResponse({"detail": exc.detail, "message": detail}, status_code=exc.status_code,
                        headers=getattr(exc, "headers", None))


async def _sync_loop(state: AppState) -> None:
    """Pick up edits made by any process on the database (the shared kb_state version)."""
    while True:
        await asyncio.sleep(state.settings.sync_interval_s)
        try:
            await asyncio.to_thread(state.knowledge.sync if state.knowledge.ready.is_set()
                                    else state.knowledge.load)
        except Exception:  # a database blip: keep serving the current index and try again
            log.warning("index sync failed; retrying", exc_info=True)


def _load_index(state: AppState) -> None:
    try:
        state.knowledge.load()
        log.info("index ready: %d entries", len(state.knowledge.index))
    except Exception:
        log.exception("initial index load failed; the sync loop will retry")


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or get_settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        db = Database(settings.database_url)
        await asyncio.to_thread(prepare, db, settings.kb_path)
        state = AppState(settings, db, KnowledgeIndex(db, load_encoders(settings.encoder),
                                                        settings.embedding_cache, settings.fusion_weights(),
                                                        load_decline_examples(settings.decline_examples)),
                         GroupCommit(db, prepare=load_entries))
        app.state.thamtob = state
        threading.Thread(target=_load_index, args=(state,), daemon=True).start()
        syncer = asyncio.create_task(_sync_loop(state))
        yield
        syncer.cancel()
        state.knowledge.queries.close()
        state.log_writes.close()
        db.engine.dispose()

    app = FastAPI(title="ThamTob FAQ service", version="0.1.0", lifespan=lifespan,
                  docs_url=None, redoc_url=None,
                  description="TCEB's question-answering service: knowledge base, retrieval, question log.")
    app.add_middleware(BodySizeLimit, max_bytes=settings.max_body_bytes,
                       max_upload_bytes=settings.max_upload_bytes, upload_paths=UPLOAD_PATHS)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.include_router(questions_router)
    app.include_router(faqs_router)

    @app.get("/healthz", tags=["health"])
    def healthz() -> dict:
        return {"status": "ok"}

    @app.get("/readyz", tags=["health"])
    def readyz(request: Request) -> JSONResponse:
        state: AppState = request.app.state.thamtob
        try:
            with state.db.session() as s:
                s.execute(text("SELECT 1"))
            db_ok = True
        except Exception:
            db_ok = False
        ready = db_ok and state.knowledge.ready.is_set()
        return JSONResponse({"database": db_ok, "index": state.knowledge.ready.is_set(),
                             "entries": len(state.knowledge.index)}, status_code=200 if ready else 503)

    for module in DOMAIN_MODULES:
        importlib.import_module(module).install(app, settings)
    return app
