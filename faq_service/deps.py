"""What routes share: the application state and the service-token check."""
from __future__ import annotations

import hmac
from dataclasses import dataclass

from fastapi import Header, HTTPException, Request

from faq_service.db import Database
from faq_service.group_commit import GroupCommit
from faq_service.retrieval.service import KnowledgeIndex
from faq_service.settings import Settings


@dataclass
class AppState:
    settings: Settings
    db: Database
    knowledge: KnowledgeIndex
    log_writes: GroupCommit  # the question log's writes on the /ask path


def state_of(request: Request) -> AppState:
    return request.app.state.thamtob


# The dependencies are async although they do not wait for anything: FastAPI hands a plain `def`
# dependency to a worker thread, one thread hand-off per request on every route that uses it.
async def app_state(request: Request) -> AppState:
    return state_of(request)


async def require_service_token(request: Request, x_service_token: str | None = Header(None)) -> None:
    expected = state_of(request).settings.service_token
    if not x_service_token or not hmac.compare_digest(x_service_token, expected):
        raise HTTPException(401, "a valid X-Service-Token header is required")
