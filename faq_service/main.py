"""The app assembly: state, start-up and the index sync loop; every router and every domain's
install() is registered here and nowhere else."""
from __future__ import annotations

import asyncio
import logging
import threading
from contextlib import asynccontextmanager

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from sqlalchemy import text

from faq_service.complaints import api as complaints_api
from faq_service.complaints import desk_api as complaints_desk_api
from faq_service.complaints import desk_pages as complaints_desk_pages
from faq_service.complaints import pages as complaints_pages
from faq_service.complaints import statistics_pages as complaints_statistics
from faq_service.console import login as console_login
from faq_service.core.db import Database
from faq_service.core.deps import AppState
from faq_service.core.errors import error_response
from faq_service.core.group_commit import GroupCommit
from faq_service.core.settings import Settings, get_settings
from faq_service.documents import pages as documents_pages
from faq_service.documents.runner import ImportRunner
from faq_service.faqs import api as faqs_api
from faq_service.faqs import pages as faqs_pages
from faq_service.faqs import staff_api as faqs_staff_api
from faq_service.faqs.index_source import PublishedEntries
from faq_service.documents.index_source import PublishedPassages
from faq_service.measures import api as measures_api
from faq_service.measures import pages as measures_pages
from faq_service.ops import api as ops_api
from faq_service.privacy import api as privacy_api
from faq_service.questions import api as questions_api
from faq_service.questions.answering import load_entries
from faq_service.reports import api as reports_api
from faq_service.reports import pages as reports_pages
from faq_service.retrieval.confidence import ConfidenceModel
from faq_service.retrieval.declines import load_decline_examples
from faq_service.retrieval.encoders import load_encoders
from faq_service.retrieval.index import FusionWeights
from faq_service.retrieval.service import KnowledgeIndex
from faq_service.review import api as review_api
from faq_service.review import pages as review_pages
from faq_service.staff import api as staff_api
from faq_service.staff import pages as staff_pages
from faq_service.startup import prepare
from faq_service.web import api as web_api
from faq_service.web import widget as web_widget

log = logging.getLogger("faq_service")

ROUTERS = (
    questions_api.router, privacy_api.router, faqs_api.router, web_api.router, web_widget.router,
    complaints_api.router, complaints_pages.router,
    complaints_statistics.router, complaints_desk_api.router, complaints_desk_pages.pages,
    staff_api.router, faqs_staff_api.router, review_api.router, measures_api.router, reports_api.router,
    console_login.router, faqs_pages.router, staff_pages.router, review_pages.pages,
    measures_pages.pages, reports_pages.pages, documents_pages.pages,
)

# What each domain adds besides routes (static files, templates, navigation links, middleware).
DOMAINS = (web_api, complaints_api, complaints_pages, complaints_statistics, complaints_desk_pages, console_login, faqs_pages, review_pages, staff_pages, measures_pages, reports_pages,
           documents_pages, ops_api)  # ops last: its middleware (limits, headers, request ids, metrics) wraps everything


class Health(BaseModel):
    status: str


class Readiness(BaseModel):
    database: bool
    index: bool
    entries: int


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
        await asyncio.to_thread(prepare, db, settings.kb_path, settings)
        knowledge = KnowledgeIndex(db, PublishedEntries(), load_encoders(settings.encoder), settings.embedding_cache,
                                   FusionWeights.of(settings), load_decline_examples(settings.decline_examples),
                                   passages=PublishedPassages(),
                                   confidence=ConfidenceModel.load(settings.answer_confidence_model))
        state = AppState(settings, db, knowledge, GroupCommit(db, prepare=load_entries))
        app.state.thamtob = state
        threading.Thread(target=_load_index, args=(state,), daemon=True).start()
        syncer = asyncio.create_task(_sync_loop(state))
        # Queued document imports, on a thread of their own (the reading in a low-priority process).
        runner = ImportRunner(db, settings) if settings.document_jobs_in_service else None
        if runner is not None:
            runner.start()
        yield
        if runner is not None:
            await asyncio.to_thread(runner.stop)
        syncer.cancel()
        state.knowledge.queries.close()
        state.log_writes.close()
        db.engine.dispose()

    # Operation ids are the routes' function names (ask, feedback, get_faq, …): what a generated client calls.
    app = FastAPI(title="ThamTob FAQ service", version="0.1.0", lifespan=lifespan,
                  docs_url=None, redoc_url=None, generate_unique_id_function=lambda route: route.name,
                  description="TCEB's question-answering service: knowledge base, retrieval, question log.")
    for router in ROUTERS:
        app.include_router(router)

    @app.get("/healthz", tags=["health"])
    def healthz() -> Health:
        return Health(status="ok")

    @app.get("/readyz", tags=["health"], response_model=Readiness,
             responses={503: {"description": "Not ready: the error body with the same three fields."}})
    def readyz(request: Request) -> JSONResponse:
        state: AppState = request.app.state.thamtob
        try:
            with state.db.session() as s:
                s.execute(text("SELECT 1"))
            db_ok = True
        except Exception:
            db_ok = False
        found = {"database": db_ok, "index": state.knowledge.ready.is_set(), "entries": len(state.knowledge.index)}
        if db_ok and found["index"]:
            return JSONResponse(found)
        return error_response(503, "not ready", extra=found)

    for domain in DOMAINS:
        domain.install(app, settings)
    return app
