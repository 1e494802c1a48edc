"""POST /api/v1/ask and the question log, against a real faq_service on SQLite and on PostgreSQL."""
from __future__ import annotations

import httpx
import pytest
from sqlalchemy import create_engine, text

ASK_FIELDS = {"answered", "answer", "faq_id", "matched_question", "confidence", "lang", "answer_lang",
              "source_url", "suggestions", "log_id"}


def ask(service, question, **extra) -> dict:
    r = httpx.post(f"{service.url}/api/v1/ask", json={"question": question, **extra}, timeout=30)
    assert r.status_code == 200, r.text
    return r.json()


def log_row(service, log_id) -> dict:
    engine = create_engine(service.database_url)
    try:
        with engine.connect() as conn:
            return dict(conn.execute(text("SELECT * FROM question_log WHERE id = :i"), {"i": log_id}).mappings().one())
    finally:
        engine.dispose()


def faq_key(service, faq_id) -> str:
    return httpx.get(f"{service.url}/api/v1/faqs/{faq_id}").json()["key"]


@pytest.mark.parametrize("question, lang, key", [
    ("TCEB ใช้บริการฟรีหรือเปล่า", "th", "services-free-of-charge"),
    ("What is TCEB's e-mail address?", "en", "contact-email"),
    ("ขอคู่มือ MEGA EVENT หน่อย", "th", "manual-mega-event"),
])
def test_known_questions_are_answered_in_their_language(faq_service, question, lang, key):
    body = ask(faq_service, question)
    assert ASK_FIELDS <= body.keys()
    assert body["answered"] is True and body["lang"] == lang and body["answer_lang"] == lang
    assert faq_key(faq_service, body["faq_id"]) == key
    assert body["answer"] and body["matched_question"] and 0 <= body["confidence"] <= 1


def test_english_question_reaches_an_answer_and_says_its_language(faq_service):
    body = ask(faq_service, "How many people took part in the online governance training?")
    assert body["answered"] and body["answer_lang"] == "en" and body["lang"] == "en"


def test_out_of_scope_is_not_answered_and_nulls_are_null(faq_service):
    body = ask(faq_service, "What's the recipe for green curry?")
    assert body["answered"] is False
    for field in ("answer", "faq_id", "matched_question", "source_url", "answer_lang"):
        assert body[field] is None
    assert len(body["suggestions"]) <= 3


def test_given_lang_overrides_detection(faq_service):
    body = ask(faq_service, "TCEB email", lang="th")
    assert body["lang"] == "th"


def test_every_ask_is_logged_redacted_with_hashed_session(faq_service):
    body = ask(faq_service, "ติดต่อผมที่ 081-234-5678 หรือ somchai@example.com เรื่องภาษี VAT ผู้เข้าร่วมคนไทย",
               channel="widget", session_id="visitor-42")
    row = log_row(faq_service, body["log_id"])
    assert "081" not in row["question_text"] and "somchai" not in row["question_text"]
    assert "[PHONE]" in row["question_text"] and "[EMAIL]" in row["question_text"]
    assert row["channel"] == "widget" and row["lang"] == "th"
    assert row["session_hash"] and row["session_hash"] != "visitor-42" and len(row["session_hash"]) == 64
    assert row["outcome"] in ("answered", "suggested", "declined")
    assert row["latency_ms"] > 0 and row["confidence"] == pytest.approx(body["confidence"])
    if body["answered"]:
        assert row["faq_id"] == body["faq_id"] and row["faq_version"] >= 1


def test_feedback_is_stored_and_a_repeat_overwrites(faq_service):
    body = ask(faq_service, "TCEB phone number")
    url = f"{faq_service.url}/api/v1/feedback"
    assert httpx.post(url, json={"log_id": body["log_id"], "helpful": True}).status_code == 204
    r = httpx.post(url, json={"log_id": body["log_id"], "helpful": False, "comment": "call me 0812345678"})
    assert r.status_code == 204
    row = log_row(faq_service, body["log_id"])
    assert row["helpful"] is False or row["helpful"] == 0
    assert row["feedback_comment"] == "call me [PHONE]"
    assert httpx.post(url, json={"log_id": 99_999_999, "helpful": True}).status_code == 404


def test_bot_turns_need_the_service_token_and_are_idempotent(faq_service):
    from tests.support.procs import SERVICE_TOKEN

    url = f"{faq_service.url}/api/v1/questions"
    turn = {"question": "อยากร้องเรียนแบบไม่เปิดเผยชื่อ", "channel": "line", "session_id": "s1",
            "intent": "ask_complaint_channels", "outcome": "handled_by_bot",
            "asked_at": "2026-11-25T10:00:00+07:00", "idempotency_key": "turn-abc-1"}
    assert httpx.post(url, json=turn).status_code == 401
    assert httpx.post(url, json=turn, headers={"X-Service-Token": "wrong"}).status_code == 401
    first = httpx.post(url, json=turn, headers={"X-Service-Token": SERVICE_TOKEN})
    assert first.status_code == 201, first.text
    again = httpx.post(url, json=turn, headers={"X-Service-Token": SERVICE_TOKEN})
    assert again.status_code == 200 and again.json()["log_id"] == first.json()["log_id"]
    row = log_row(faq_service, first.json()["log_id"])
    assert row["intent"] == "ask_complaint_channels" and row["outcome"] == "handled_by_bot"
    assert row["channel"] == "line"


def test_faq_listing_and_detail(faq_service):
    r = httpx.get(f"{faq_service.url}/api/v1/faqs", params={"lang": "en", "limit": 5})
    body = r.json()
    assert r.status_code == 200 and len(body["items"]) == 5 and body["total"] >= 40
    assert httpx.get(f"{faq_service.url}/api/v1/faqs", params={"limit": 101}).status_code == 422
    assert httpx.get(f"{faq_service.url}/api/v1/faqs", params={"q": "100%_"}).json()["total"] == 0
    entry = body["items"][0]
    assert httpx.get(f"{faq_service.url}/api/v1/faqs/{entry['id']}").json()["key"] == entry["key"]
    assert httpx.get(f"{faq_service.url}/api/v1/faqs/99999999").status_code == 404


def test_health_and_openapi(faq_service):
    assert httpx.get(f"{faq_service.url}/healthz").status_code == 200
    ready = httpx.get(f"{faq_service.url}/readyz").json()
    assert ready["database"] and ready["index"] and ready["entries"] >= 40
    paths = httpx.get(f"{faq_service.url}/openapi.json").json()["paths"]
    assert {"/api/v1/ask", "/api/v1/feedback", "/api/v1/questions", "/api/v1/faqs"} <= paths.keys()


def test_ask_with_an_idempotency_key_is_logged_once(faq_service):
    """A bot whose ask timed out queues the question as `unavailable` under the same key; if the
    service had in fact logged the ask, the queued record must not be stored a second time."""
    from tests.support.procs import SERVICE_TOKEN

    key = "ask-key-" + faq_service.backend
    first = ask(faq_service, "TCEB e-mail address", idempotency_key=key)
    again = ask(faq_service, "TCEB e-mail address", idempotency_key=key)
    assert again["log_id"] == first["log_id"]
    turn = {"question": "TCEB e-mail address", "outcome": "unavailable", "idempotency_key": key}
    late = httpx.post(f"{faq_service.url}/api/v1/questions", json=turn, headers={"X-Service-Token": SERVICE_TOKEN})
    assert late.status_code == 200 and late.json()["log_id"] == first["log_id"]
    assert log_row(faq_service, first["log_id"])["outcome"] == "answered"
