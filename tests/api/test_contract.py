"""The public API's contract beyond Schemathesis's generated cases, on SQLite and on PostgreSQL: every
timestamp is RFC 3339 with an offset (stored in UTC, rows written before included), every error is the
one body in English and Thai, and the statuses are the documented ones (415, 405 with Allow, 404)."""
from __future__ import annotations

import re
from datetime import datetime, timezone

import httpx
from sqlalchemy import create_engine, text

from tests.support.procs import SERVICE_TOKEN

# RFC 3339 in UTC, as the API writes every time (docs/api.md).
RFC3339 = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$")


def sql(service, statement: str, **params):
    engine = create_engine(service.database_url)
    try:
        with engine.begin() as conn:
            result = conn.execute(text(statement), params)
            return result.all() if result.returns_rows else None
    finally:
        engine.dispose()


def test_timestamps_are_rfc3339_in_utc(faq_service):
    items = httpx.get(f"{faq_service.url}/api/v1/faqs", params={"limit": 100}).json()["items"]
    assert items and all(RFC3339.match(item["updated_at"]) for item in items), items[0]["updated_at"]
    one = httpx.get(f"{faq_service.url}/api/v1/faqs/{items[0]['id']}").json()
    assert RFC3339.match(one["updated_at"])
    answer = httpx.post(f"{faq_service.url}/api/v1/ask", json={"question": "What is TCEB's e-mail address?"},
                        timeout=30).json()
    assert answer["answered"] and RFC3339.match(answer["updated_at"]), answer["updated_at"]


def test_a_row_written_before_keeps_its_meaning(faq_service):
    """SQLite kept no offset: rows written before the UTC column type read back as the UTC they were."""
    entry_id = httpx.get(f"{faq_service.url}/api/v1/faqs", params={"limit": 1}).json()["items"][0]["id"]
    stored = ("2026-01-02 03:04:05.000000" if faq_service.backend == "sqlite"
              else "2026-01-02 03:04:05+00")  # as SQLAlchemy wrote them on each database
    sql(faq_service, "UPDATE faq_entry SET updated_at = :at WHERE id = :i", at=stored, i=entry_id)
    assert httpx.get(f"{faq_service.url}/api/v1/faqs/{entry_id}").json()["updated_at"] == "2026-01-02T03:04:05Z"


def test_a_time_with_another_offset_is_stored_as_the_same_instant(faq_service):
    """On SQLite the wall-clock time was stored as it came, so +07:00 was read back 7 hours late."""
    turn = {"question": "สวัสดี", "outcome": "handled_by_bot", "asked_at": "2026-11-25T10:00:00+07:00",
            "idempotency_key": f"contract-offset-{faq_service.backend}"}
    r = httpx.post(f"{faq_service.url}/api/v1/questions", json=turn, headers={"X-Service-Token": SERVICE_TOKEN})
    assert r.status_code == 201, r.text
    from faq_service.core.db import Database
    from faq_service.questions.models import QuestionLog

    db = Database(faq_service.database_url)
    try:
        with db.session() as s:
            asked = s.get(QuestionLog, r.json()["log_id"]).asked_at
    finally:
        db.engine.dispose()
    assert asked == datetime(2026, 11, 25, 3, 0, tzinfo=timezone.utc) and asked.utcoffset().total_seconds() == 0


def test_times_without_an_offset_or_out_of_range_are_refused(faq_service):
    url, headers = f"{faq_service.url}/api/v1/questions", {"X-Service-Token": SERVICE_TOKEN}
    for asked_at in ("2026-11-25T10:00:00", "9999-12-31T23:00:00-02:00", "0001-01-01T00:30:00+01:00", 1764000000):
        turn = {"question": "hi", "outcome": "unavailable", "asked_at": asked_at, "idempotency_key": "x"}
        r = httpx.post(url, json=turn, headers=headers)
        assert r.status_code == 422 and r.json()["message_th"], (asked_at, r.text)


def error(r: httpx.Response, status: int) -> dict:
    assert r.status_code == status, (r.status_code, r.text)
    body = r.json()
    assert body["detail"] and body["message"] and body["message_th"], body
    return body


def test_every_error_is_the_one_body_in_both_languages(faq_service):
    url = faq_service.url
    error(httpx.get(f"{url}/api/v1/faqs/2147483647"), 404)
    error(httpx.post(f"{url}/api/v1/feedback", json={"log_id": 2147483647, "helpful": True}), 404)
    error(httpx.post(f"{url}/api/v1/questions", json={}), 401)
    error(httpx.post(f"{url}/api/v1/ask", json={"question": " "}), 422)
    error(httpx.get(f"{url}/api/v1/staff/me"), 401)


def test_a_body_of_another_media_type_is_415(faq_service):
    for ctype in ("text/plain", "application/xml", "application/x-www-form-urlencoded"):
        r = httpx.post(f"{faq_service.url}/api/v1/ask", content=b'{"question": "hi"}', headers={"content-type": ctype})
        error(r, 415)
    ok = httpx.post(f"{faq_service.url}/api/v1/ask", content=b'{"question": "hi"}',
                    headers={"content-type": "application/json; charset=utf-8"}, timeout=30)
    assert ok.status_code == 200


def test_405_names_every_method_of_the_path(faq_service):
    r = httpx.delete(f"{faq_service.url}/api/v1/staff/entries")
    assert error(r, 405) and set(r.headers["allow"].split(", ")) >= {"GET", "POST"}
    r = httpx.get(f"{faq_service.url}/api/v1/ask")
    assert error(r, 405) and r.headers["allow"] == "POST"


def test_a_path_naming_nothing_is_404(faq_service):
    error(httpx.get(f"{faq_service.url}/api/v1/faqs/abc"), 404)
    error(httpx.get(f"{faq_service.url}/api/v1/faqs/-1"), 422)  # an id, out of its documented range


def test_questions_the_schema_allows_are_taken(faq_service):
    """The schema allows any question with a visible character; some that the text rule then empties
    (a lone Thai tone mark, a tag character) are taken as sent: declined, not refused."""
    for question in ("\u0e48", "\U000e0041", "\u0378?"):
        r = httpx.post(f"{faq_service.url}/api/v1/ask", json={"question": question}, timeout=30)
        assert r.status_code == 200 and r.json()["answered"] is False, (question, r.text)
