"""Console uploads are queued and imported in the background, through the real service on SQLite and
PostgreSQL: an upload of a scanned PDF of several pages (read by OCR, seconds at the lowest priority)
answers before its import is done, the documents list and the job page show it queued or running, the
job page ends with a link to the document, the upload's bytes are dropped, and the document then
answers through /api/v1/ask; the job page's roles; an editor cancels an import, a viewer cannot."""
from __future__ import annotations

import time
import uuid

import httpx
from sqlalchemy import select

from faq_service.core.auth.models import StaffAudit
from faq_service.core.db import Database
from faq_service.documents import service
from tests.documents import samples
from tests.documents.test_console import (imported, job_of, job_state, passages, stored_job, upload,
                                          wait_for_job)
from tests.staff.test_console_pages import session

LOST_PAGE = ["Lost property at TCEB roadshows", "Umbrellas, badges and bags left at a TCEB",
             "roadshow booth are kept by the roadshow", "coordinator for fourteen days. After fourteen",
             "days unclaimed items are donated to charity."]
LOST_QUESTION = "How many days does the roadshow coordinator keep umbrellas and bags left at a TCEB roadshow booth?"


def scanned_document(marker: str) -> bytes:
    """Four scanned pages: the first says how long lost property is kept, the others are more to read."""
    return samples.scanned_pages([LOST_PAGE, ["ช่องทางร้องเรียนการทุจริต", f"TCEB hotline 1105 {marker}"],
                                  ["ขั้นตอนการขอรับการสนับสนุน", f"Support programme steps {marker}"],
                                  ["คู่มือการใช้บริการ", f"Service manual page {marker}"]])


def ask(svc, question: str) -> dict:
    r = httpx.post(f"{svc.url}/api/v1/ask", json={"question": question}, timeout=60)
    assert r.status_code == 200, r.text
    return r.json()


def test_an_upload_answers_before_its_import_and_the_job_page_follows_it_to_the_document(docs_service):
    c, csrf = session(docs_service, "editor-user")
    marker = str(uuid.uuid4().int)[:6]  # digits: what OCR reads surely
    name = f"lost-property-{marker}.pdf"
    data = scanned_document(marker)
    before = ask(docs_service, LOST_QUESTION)
    assert before["outcome"] != "answered_from_document", before

    started = time.monotonic()
    r = upload(c, csrf, name, data, title=f"Lost property {marker}")
    answered_s = time.monotonic() - started
    job_id = job_of(r)
    state, page = job_state(c, job_id)
    assert state in ("queued", "running"), page[-2000:]  # answered before the import was done
    assert 'data-refresh="2"' in page and "/console/documents-assets/jobs.js" in page
    listing = c.get("/console/documents", params={"lang": "en"}).text
    assert 'id="jobs"' in listing and f'href="/console/documents/jobs/{job_id}">{name}</a>' in listing
    thai = job_state(c, job_id, "th")[1]
    assert any(words in thai for words in ("รอคิว", "กำลังอ่านเอกสาร", "นำเข้าเสร็จแล้ว"))

    seen = [state]
    state, page = wait_for_job(c, job_id, seen=seen)
    assert state == "done" and seen[-1] == "done" and seen[0] in ("queued", "running"), (seen, page[-2000:])
    job = stored_job(docs_service, job_id)
    took_s = (job["finished_at"] - job["created_at"]).total_seconds()
    assert answered_s < took_s, (answered_s, took_s)  # OCR of four pages takes seconds
    assert job["upload_bytes"] is None and job["action"] == "created" and job["attempts"] == 1
    assert 'data-refresh' not in page and "Imported: " in page
    document_id, action, n = imported(c, r)
    assert (document_id, action, n) == (job["document_id"], "created", job["passages"])
    assert f'id="job-document" href="/console/documents/{document_id}?flash=flash_created&amp;n={n}"' in page
    assert f"/console/documents/jobs/{job_id}" not in c.get("/console/documents").text  # no longer under way
    document = c.get(f"/console/documents/{document_id}", params={"lang": "en", "flash": "flash_created", "n": n}).text
    assert f"Lost property {marker}" in document and "Read by OCR" in document
    texts = " ".join(t for _, _, t, _, _ in passages(docs_service, document_id))
    assert "fourteen days" in texts and "ร้องเรียน" in texts and marker in texts, texts
    db = Database(docs_service.database_url)
    try:
        with db.session() as s:
            assert service.original(s, document_id, False)[0] == data  # the document holds the bytes now
    finally:
        db.engine.dispose()

    end = time.monotonic() + 60  # the new passages are encoded by the index sync
    while (body := ask(docs_service, LOST_QUESTION))["outcome"] != "answered_from_document" and time.monotonic() < end:
        time.sleep(0.5)
    assert body["outcome"] == "answered_from_document", body
    assert body["source"]["title"] == f"Lost property {marker}" and "fourteen days" in body["answer"]
    assert body["source"]["page"] == 1 and body["source_url"] == f"/documents/{document_id}/file"


def test_the_job_page_needs_a_login_and_names_no_unknown_job(docs_service):
    c, csrf = session(docs_service, "editor-user")
    job_id = job_of(upload(c, csrf, f"roles-{uuid.uuid4().hex[:6]}.md", samples.markdown(uuid.uuid4().hex)))
    viewer, _ = session(docs_service, "viewer-user")
    assert wait_for_job(viewer, job_id)[0] == "done"  # a viewer follows it
    anonymous = httpx.get(f"{docs_service.url}/console/documents/jobs/{job_id}", follow_redirects=False)
    assert anonymous.status_code == 303 and "/console/login" in anonymous.headers["location"]
    assert c.get("/console/documents/jobs/999999").status_code == 404
    assert c.get("/console/documents/jobs/0").status_code == 404


def test_an_editor_cancels_an_import_and_a_viewer_cannot(docs_service):
    c, csrf = session(docs_service, "editor-user")
    name = f"cancel-{uuid.uuid4().hex[:6]}.pdf"
    job_id = job_of(upload(c, csrf, name, scanned_document(str(uuid.uuid4().int)[:6])))
    cancel = f"/console/documents/jobs/{job_id}/cancel"
    viewer, viewer_csrf = session(docs_service, "viewer-user")
    state, page = job_state(viewer, job_id)
    assert state in ("queued", "running") and 'id="job-cancel"' not in page
    assert viewer.post(cancel, data={"csrf_token": viewer_csrf}).status_code == 403
    assert 'id="job-cancel"' in job_state(c, job_id)[1]
    assert c.post(cancel, data={}).status_code == 403  # no CSRF token
    r = c.post(cancel, data={"csrf_token": csrf})
    assert r.status_code == 303 and r.headers["location"] == f"/console/documents/jobs/{job_id}"
    state, page = job_state(c, job_id)
    assert state == "cancelled" and "nothing of the file was stored" in page, page[-2000:]
    assert 'data-refresh' not in page and 'id="job-cancel"' not in page
    assert "ยกเลิกแล้ว" in job_state(c, job_id, "th")[1]
    job = stored_job(docs_service, job_id)
    assert (job["upload_bytes"], job["document_id"], job["active"]) == (None, None, False)
    assert c.post(cancel, data={"csrf_token": csrf}).status_code == 303  # ended already: left as it is
    assert job_state(c, job_id)[0] == "cancelled"
    assert c.post("/console/documents/jobs/999999/cancel", data={"csrf_token": csrf}).status_code == 404
    db = Database(docs_service.database_url)
    try:
        with db.session() as s:
            assert [a.detail for a in s.scalars(select(StaffAudit).where(StaffAudit.action == "document.cancelled",
                                                                         StaffAudit.target == name))] == \
                [{"job_id": job_id}]
    finally:
        db.engine.dispose()
