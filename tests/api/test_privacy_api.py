"""POST /api/v1/privacy/erase-session (service token): a chat channel whose user left (LINE's unfollow)
erases that session's question-log rows, which stay as counts; other sessions are untouched. On SQLite
and PostgreSQL (the `faq_service` fixture)."""
from __future__ import annotations

import uuid

import httpx
from sqlalchemy import create_engine, text

from tests.support.procs import SERVICE_TOKEN


def rows(service, session_marker: str) -> list[dict]:
    engine = create_engine(service.database_url)
    try:
        with engine.connect() as conn:
            return [dict(r._mapping) for r in conn.execute(text(
                "SELECT question_text, session_hash, channel, outcome FROM question_log "
                "WHERE question_text LIKE :m OR question_text = '' ORDER BY id"), {"m": f"%{session_marker}%"})]
    finally:
        engine.dispose()


def test_erase_session_blanks_that_sessions_rows_only(faq_service):
    marker = uuid.uuid4().hex[:8]
    url = f"{faq_service.url}/api/v1/privacy/erase-session"
    for session, question in (("line-leaving", f"What does TCEB do? {marker}a"),
                              ("line-staying", f"What does TCEB do? {marker}b")):
        r = httpx.post(f"{faq_service.url}/api/v1/ask", json={"question": question, "channel": "line",
                                                                "session_id": session}, timeout=30)
        assert r.status_code == 200, r.text
    assert httpx.post(url, json={"session_id": "line-leaving"}).status_code == 401
    assert httpx.post(url, json={"session_id": "line-leaving"}, headers={"X-Service-Token": "no"}).status_code == 401
    done = httpx.post(url, json={"session_id": "line-leaving"}, headers={"X-Service-Token": SERVICE_TOKEN})
    assert done.status_code == 200, done.text
    assert done.json()["question_log_rows"] >= 1 and done.json()["tracker_events"] is None
    left = [r for r in rows(faq_service, marker) if marker in r["question_text"]]
    assert [r["question_text"][-1] for r in left] == ["b"] and left[0]["session_hash"]
    again = httpx.post(url, json={"session_id": "line-leaving"}, headers={"X-Service-Token": SERVICE_TOKEN})
    assert again.status_code == 200 and again.json()["question_log_rows"] == 0  # nothing links to it any more


def test_erase_session_bad_input_is_422(faq_service):
    url = f"{faq_service.url}/api/v1/privacy/erase-session"
    for body in ({}, {"session_id": ""}, {"session_id": "x" * 201}, {"session_id": 5}, {"session_id": "a\u0000b"}):
        r = httpx.post(url, json=body, headers={"X-Service-Token": SERVICE_TOKEN})
        assert r.status_code == 422, (body, r.text)
        assert r.json()["message"] and r.json()["message_th"]
