"""The erase-a-session route, for the chat channels: when a person leaves a channel that promises to
forget them (LINE's unfollow), Rasa's channel asks for their session to be erased here, with the service
token. Same work as `thamtob privacy delete-session` (service.erase_session)."""
from __future__ import annotations

from fastapi import APIRouter, Depends
from pydantic import BaseModel, Field

from faq_service.core.deps import AppState, app_state, require_service_token
from faq_service.core.schema import RequestBody
from faq_service.privacy import service

router = APIRouter(prefix="/api/v1/privacy", tags=["privacy"])


class EraseSessionIn(RequestBody):
    session_id: str = Field(min_length=1, max_length=200, description="the chat session id (Rasa sender id)")


class EraseSessionOut(BaseModel):
    question_log_rows: int = Field(description="question-log rows of the session, erased (kept as counts)")
    tracker_events: int | None = Field(description="Rasa tracker events deleted; null: no tracker store "
                                                   "configured for faq_service (RASA_TRACKER_DB_URL)")
    queue_files: int = Field(description="questions of the session still queued by the action server, removed")


@router.post("/erase-session", response_model=EraseSessionOut, dependencies=[Depends(require_service_token)])
def erase_session(body: EraseSessionIn, state: AppState = Depends(app_state)) -> EraseSessionOut:
    s = state.settings
    erased = service.erase_session(state.db, body.session_id, s.secret_key, s.rasa_tracker_db_url,
                                   s.action_queue_dir)
    return EraseSessionOut(**erased.as_dict())
