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


def app_state(request: Request) -> AppState:
    return request.app.state.thamtob


def require_service_token(request: Request, x_service_token: str | None = Header(None)) -> None:
    expected = app_state(request).settings.service_token
    if not x_service_token or not hmac.compare_digest(x_service_token, expected):
        raise HTTPException(401, "a valid X-Service-Token header is required")
