"""Answers from imported documents through the real faq_service on SQLite and PostgreSQL: a passage of
the sample integrity report answers with its citation, an entry keeps the questions it answers, a newly
imported document answers within 2 s, an unpublished one stops answering."""
from __future__ import annotations

import subprocess
import time

from faq_service.core.db import Database
from faq_service.documents import service as documents
from tests.api.test_ask import ASK_FIELDS, ask, faq_key, log_row
from tests.support.procs import REPO, VENV_BIN

REPORT_TITLE = "รายงานผลการดำเนินการตามมาตรการเพื่อขับเคลื่อนการส่งเสริมคุณธรรมและความโปร่งใสภายในหน่วยงาน"
LOST_PROPERTY = """# Lost property at TCEB roadshows

## Items left at a roadshow booth

Umbrellas, badges and bags left at a TCEB roadshow booth are kept by the roadshow coordinator for
fourteen days. After fourteen days unclaimed items are donated to charity.
"""
LOST_QUESTION = "How many days does the roadshow coordinator keep umbrellas and bags left at a TCEB roadshow booth?"


def _wait_for(predicate, seconds: float):
    """The first truthy value of predicate() within `seconds`, else the last value."""
    end = time.monotonic() + seconds
    while True:
        value = predicate()
        if value or time.monotonic() > end:
            return value
        time.sleep(0.1)


def test_a_measures_steps_are_answered_from_the_report_with_its_section(faq_service):
    body = ask(faq_service, "มาตรการเรื่องการมอบหมายงานของผู้บังคับบัญชาอย่างเป็นธรรม มีขั้นตอนดำเนินการอะไรบ้าง")
    assert ASK_FIELDS <= body.keys()
    assert body["outcome"] == "answered_from_document" and body["answered"] is True, body
    assert body["faq_id"] is None and body["matched_question"] is None
    source = body["source"]
    assert source["kind"] == "document" and source["title"].startswith(REPORT_TITLE)
    assert "1.2 กลุ่มประเด็นที่ต้องพัฒนาให้ดีขึ้น" in source["section"] and source["page"] is None
    assert "ขั้นตอนดำเนินการ: 1. เผยแพร่คู่มือ" in body["answer"] and "การมอบหมายงาน" in body["answer"]
    assert body["source_url"].startswith("/documents/") and body["source_url"].endswith("/file")
    assert source["highlights"], "the answering sentences are marked"
    for start, end in source["highlights"]:
        assert 0 <= start < end <= len(body["answer"])
    assert any("มอบหมายงาน" in body["answer"][a:b] for a, b in source["highlights"])
    row = log_row(faq_service, body["log_id"])
    assert row["outcome"] == "answered_from_document" and row["faq_id"] is None


def test_an_entry_keeps_a_question_the_document_also_answers(faq_service):
    body = ask(faq_service, "What is TCEB's fax number?")
    assert body["outcome"] == "answered" and body["faq_id"] is not None
    assert body["source"]["kind"] == "entry" and body["source"]["title"] == body["matched_question"]
    assert body["source"]["page"] is None and body["source"]["section"] is None
    assert log_row(faq_service, body["log_id"])["outcome"] == "answered"
    thai = ask(faq_service, "TCEB ใช้บริการฟรีหรือเปล่า")
    assert thai["outcome"] == "answered" and faq_key(faq_service, thai["faq_id"]) == "services-free-of-charge"


def test_unanswered_has_no_source(faq_service):
    body = ask(faq_service, "What's the recipe for green curry?")
    assert body["answered"] is False and body["source"] is None


def test_a_new_document_answers_within_two_seconds_and_stops_when_unpublished(faq_service, tmp_path):
    before = ask(faq_service, LOST_QUESTION)
    assert before["outcome"] != "answered_from_document", before
    path = tmp_path / "lost-property.md"
    path.write_text(LOST_PROPERTY, encoding="utf-8")
    done = subprocess.run([str(VENV_BIN / "thamtob"), "docs", "import", str(path), "--title", "Lost property"],
                          capture_output=True, text=True, cwd=REPO, timeout=600,
                          env={"PATH": "/usr/bin:/bin", "DATABASE_URL": faq_service.database_url})
    assert done.returncode == 0, done.stdout + done.stderr
    imported = time.monotonic()
    body = _wait_for(lambda: (b := ask(faq_service, LOST_QUESTION))["outcome"] == "answered_from_document" and b,
                     2.0)
    assert body, "the new document did not answer within 2 s"
    assert time.monotonic() - imported <= 2.5
    assert body["source"]["title"] == "Lost property" and "fourteen days" in body["answer"]
    assert body["source"]["section"].endswith("Items left at a roadshow booth")
    assert any("fourteen days" in body["answer"][a:b] for a, b in body["source"]["highlights"])

    db = Database(faq_service.database_url)
    try:
        with db.session() as s:
            document_id = next(d["id"] for d in documents.list_documents(s) if d["title"] == "Lost property")
        with db.write_session() as s:
            assert documents.set_status(s, document_id, "unpublished")
    finally:
        db.engine.dispose()
    after = _wait_for(lambda: (b := ask(faq_service, LOST_QUESTION))["outcome"] != "answered_from_document" and b,
                      2.0)
    assert after, "the unpublished document still answers after 2 s"
    assert after["source"] is None or after["source"]["kind"] == "entry"
