"""Bad input → a readable 4xx, never a 500, and nothing written."""
from __future__ import annotations

import httpx
import pytest
from sqlalchemy import create_engine, text


def log_count(service) -> int:
    engine = create_engine(service.database_url)
    try:
        with engine.connect() as conn:
            return conn.execute(text("SELECT count(*) FROM question_log")).scalar()
    finally:
        engine.dispose()


@pytest.mark.parametrize("body", [
    {},
    {"question": ""},
    {"question": "   \n\t  "},
    {"question": "\u200b\u200b"},
    {"question": "x" * 1001},
    {"question": "hello\u0000world"},
    {"question": 42},
    {"question": ["a"]},
    {"question": "ok", "lang": "fr"},
    {"question": "ok", "channel": "c" * 65},
    {"question": "ok", "channel": "rest"},  # web, widget, line or api only
    [1, 2, 3],
])
def test_invalid_ask_is_422_with_a_message_and_not_logged(faq_service, body):
    before = log_count(faq_service)
    r = httpx.post(f"{faq_service.url}/api/v1/ask", json=body)
    assert r.status_code == 422, r.text
    assert r.json()["message"] and r.json()["message_th"]
    assert log_count(faq_service) == before


def test_lone_surrogate_is_422(faq_service):
    raw = b'{"question": "bad \\ud800 text"}'
    r = httpx.post(f"{faq_service.url}/api/v1/ask", content=raw, headers={"content-type": "application/json"})
    assert r.status_code == 422


def test_invalid_json_and_utf8_are_422(faq_service):
    for raw in (b'{"question": ', b'{"question": "\xff\xfe"}'):
        r = httpx.post(f"{faq_service.url}/api/v1/ask", content=raw, headers={"content-type": "application/json"})
        assert r.status_code == 422, raw


def test_1000_characters_as_sent_are_accepted_and_1001_refused(faq_service):
    """The length is what the OpenAPI states (maxLength 1000): code points as sent, blanks included."""
    question = "ก" * 990 + "\u200b" * 7 + "   "
    assert httpx.post(f"{faq_service.url}/api/v1/ask", json={"question": question}, timeout=30).status_code == 200
    r = httpx.post(f"{faq_service.url}/api/v1/ask", json={"question": question + " "}, timeout=30)
    assert r.status_code == 422 and "1000" in r.json()["message"]


def test_control_characters_are_stripped(faq_service):
    r = httpx.post(f"{faq_service.url}/api/v1/ask", json={"question": "TCEB\u0007 e-mail\u001b?"}, timeout=30)
    assert r.status_code == 200
    engine = create_engine(faq_service.database_url)
    with engine.connect() as conn:
        stored = conn.execute(text("SELECT question_text FROM question_log WHERE id = :i"),
                              {"i": r.json()["log_id"]}).scalar()
    engine.dispose()
    assert stored == "TCEB e-mail ?"


def test_body_over_64kb_is_413(faq_service):
    r = httpx.post(f"{faq_service.url}/api/v1/ask", json={"question": "x" * 70_000})
    assert r.status_code == 413 and "message" in r.json()


def test_feedback_wrong_types_are_422(faq_service):
    for body in ({"log_id": "abc", "helpful": True}, {"log_id": 1}, {"helpful": True}):
        assert httpx.post(f"{faq_service.url}/api/v1/feedback", json=body).status_code == 422
