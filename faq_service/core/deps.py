"""What routes share: the application state, the service-token check, and `run`, which runs domain
work in a database session and turns domain errors into HTTP statuses (core/errors.py)."""
from __future__ import annotations

import hmac
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Callable

from fastapi import HTTPException, Request, Security
from fastapi.security import APIKeyHeader

from faq_service.core.db import Database
from faq_service.core.errors import domain_errors_as_http, may_answer
from faq_service.core.group_commit import GroupCommit
from faq_service.core.settings import Settings

if TYPE_CHECKING:  # the app assembly builds it; core only names its type
    from faq_service.retrieval.service import KnowledgeIndex


@dataclass
class AppState:
    settings: Settings
    db: Database
    knowledge: "KnowledgeIndex"
    log_writes: GroupCommit  # the question log's writes on the /ask path


def state_of(request: Request) -> AppState:
    return request.app.state.thamtob


# The dependencies are async although they do not wait for anything: FastAPI hands a plain `def`
# dependency to a worker thread, one thread hand-off per request on every route that uses it.
@may_answer(503)
async def app_state(request: Request) -> AppState:
    return state_of(request)


SERVICE_TOKEN = APIKeyHeader(name="X-Service-Token", scheme_name="ServiceToken", auto_error=False,
                             description="the service token (THAMTOB_SERVICE_TOKEN) the action server sends")


@may_answer(401)
async def require_service_token(request: Request, x_service_token: str | None = Security(SERVICE_TOKEN)) -> None:
    expected = state_of(request).settings.service_token
    if not x_service_token or not hmac.compare_digest(x_service_token, expected):
        raise HTTPException(401, "a valid X-Service-Token header is required")


class SessionRunner:
    """`await run(fn, *args)`: fn(session, *args) in one transaction on a worker thread (Database.run),
    so that an async route's event loop, which answers visitors, never waits on the database;
    `run.here(fn, *args)` does the same on the current thread, for plain `def` routes that FastAPI
    already runs on a worker thread. Either way LookupError → 404, ConflictError → 409, other
    ValueError → 422."""

    def __init__(self, db: Database):
        self.db = db

    async def __call__(self, fn: Callable[..., Any], *args, **kwargs) -> Any:
        with domain_errors_as_http():
            return await self.db.run(fn, *args, **kwargs)

    def here(self, fn: Callable[..., Any], *args, **kwargs) -> Any:
        with domain_errors_as_http():
            with self.db.session() as s:
                return fn(s, *args, **kwargs)


@may_answer(404, 409, 422, 503)
async def session_runner(request: Request) -> SessionRunner:
    return SessionRunner(state_of(request).db)
