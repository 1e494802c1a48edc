"""The documents pages of the console through the real service (HTTP, session cookie), on SQLite and
PostgreSQL: the sample documents imported at start-up, importing each format (queued, then imported in
the background: each upload's job is followed to its end), skipping and replacing on re-import, expiry,
unpublishing and deleting, the citation link, and every bad file refused with a message in the console's
language and nothing stored: at once when its size or type is wrong, by its job when reading it fails."""
from __future__ import annotations

import html
import re
import time
import uuid
from datetime import timedelta

import httpx
import pytest

from sqlalchemy import func, select

from faq_service.core.db import Database
from faq_service.documents import jobs, service
from faq_service.documents.models import ImportJob
from tests.documents import samples
from tests.staff.test_console_pages import session

DOC_LINK = re.compile(r"/console/documents/(\d+)\?flash=flash_(\w+)&n=(\d+)")
JOB_LINK = re.compile(r"^/console/documents/jobs/(\d+)$")
JOB_STATE = re.compile(r'<section id="job" data-state="(\w+)"')
JOB_DEADLINE_S = 600  # an OCR'd PDF at the lowest priority on a busy machine


def upload(c: httpx.Client, csrf: str, name: str, data: bytes, lang: str = "en", **fields) -> httpx.Response:
    return c.post("/console/documents", params={"lang": lang}, data={"csrf_token": csrf, **fields},
                  files={"file": (name, data)}, timeout=300)


def job_of(r: httpx.Response) -> int:
    """The import job an upload was queued as (the upload answers with its status page)."""
    assert r.status_code == 303, r.text[-2000:]
    found = JOB_LINK.match(r.headers["location"])
    assert found, r.headers["location"]
    return int(found.group(1))


def job_state(c: httpx.Client, job_id: int, lang: str = "en") -> tuple[str, str]:
    r = c.get(f"/console/documents/jobs/{job_id}", params={"lang": lang})
    assert r.status_code == 200, r.text[-2000:]
    return JOB_STATE.search(r.text).group(1), r.text


def wait_for_job(c: httpx.Client, job_id: int, lang: str = "en", seen: list | None = None) -> tuple[str, str]:
    """The job's final state and page; every state seen on the way is added to `seen`."""
    end = time.monotonic() + JOB_DEADLINE_S
    while True:
        state, text = job_state(c, job_id, lang)
        if seen is not None and (not seen or seen[-1] != state):
            seen.append(state)
        if state in jobs.ENDED or time.monotonic() > end:
            return state, text
        time.sleep(0.3)


def imported(c: httpx.Client, r: httpx.Response) -> tuple[int, str, int]:
    """(document id, action, passages) of an upload: at once for bytes stored already, else when its
    job is done."""
    assert r.status_code == 303, r.text[-2000:]
    found = DOC_LINK.search(r.headers["location"])
    if found is None:
        state, text = wait_for_job(c, job_of(r))
        assert state == "done", text[-3000:]
        found = DOC_LINK.search(html.unescape(text))
    return int(found.group(1)), found.group(2), int(found.group(3))


def passages(svc, document_id: int) -> list:
    db = Database(svc.database_url)
    try:
        with db.session() as s:
            return [(p.id, p.kind, p.text, p.section, p.page) for p in service.passages_of(s, document_id)]
    finally:
        db.engine.dispose()


def published(svc, on=None) -> list[service.PublishedPassage]:
    db = Database(svc.database_url)
    try:
        with db.session() as s:
            return service.published_passages(s, on)
    finally:
        db.engine.dispose()


def stored_job(svc, job_id: int) -> dict:
    db = Database(svc.database_url)
    try:
        with db.session() as s:
            job = jobs.get(s, job_id)
            return {**jobs.view(job), "upload_bytes": job.upload and len(job.upload),
                    "message_key": job.message_key, "message_values": job.message_values}
    finally:
        db.engine.dispose()


def queued(svc) -> int:
    """How many import jobs there are (any state)."""
    db = Database(svc.database_url)
    try:
        with db.session() as s:
            return s.scalar(select(func.count()).select_from(ImportJob))
    finally:
        db.engine.dispose()


def counts(svc) -> tuple[int, int]:
    db = Database(svc.database_url)
    try:
        with db.session() as s:
            return service.count_documents(s), len(service.published_passages(s))
    finally:
        db.engine.dispose()


def test_the_sample_documents_were_imported_at_start_up(docs_service):
    c, _ = session(docs_service, "viewer-user")
    page = c.get("/console/documents", params={"lang": "th"}).text
    for title in ("ช่องทางร้องเรียนและแสดงความคิดเห็นของ สสปน.", "Contacting TCEB and what its services cost",
                  "ประจำปีงบประมาณ 2563", "คู่มือการให้บริการของ สสปน."):
        assert title in page
    texts = [p.text for p in published(docs_service)]
    assert any("ได้ทั้งทางเปิดเผย และทางลับ" in t for t in texts)
    assert any("+66 2 694 6000" in t for t in texts)
    assert 'id="upload-form"' not in page  # a viewer imports nothing


@pytest.mark.parametrize("name, make, expect", [
    ("guide.pdf", samples.thai_pdf, "ได้ทั้งทางเปิดเผย และทางลับ ขั้นตอนดำเนินการ"),
    ("programmes.docx", samples.docx_with_table, "Programme: Domestic exhibitions · Applicant:"),
    ("page.html", samples.html_page, "บริการของ สสปน. ไม่มีค่าใช้จ่าย"),
])
def test_import_each_format_and_preview_its_passages(docs_service, name, make, expect):
    c, csrf = session(docs_service, "editor-user")
    marker = uuid.uuid4().hex[:6]
    document_id, action, n = imported(c, upload(c, csrf, f"{marker}-{name}", make(marker)))
    assert action == "created" and n >= 1
    page = c.get(f"/console/documents/{document_id}", params={"lang": "en", "flash": "flash_created", "n": n}).text
    assert f"Imported: {n} passages." in page and expect in page and 'id="passage-1"' in page
    rows = passages(docs_service, document_id)
    assert len(rows) == n and any(expect in text for _, _, text, _, _ in rows)
    if name.endswith(".pdf"):
        assert {page for *_, page in rows} == {1, 2}
    cited = [p for p in published(docs_service) if p.document_id == document_id]
    assert len(cited) == n and all(p.title for p in cited)
    url = cited[0].url
    if name.endswith(".html"):
        assert url == f"https://www.businesseventsthailand.com/th/test-{marker}"
    else:
        assert url == f"/documents/{document_id}/file"
        original = httpx.get(docs_service.url + url)
        assert original.status_code == 200 and original.content == make(marker)[:0] + original.content
        assert original.headers["content-security-policy"] == "sandbox"


def test_a_scanned_pdf_is_imported_through_ocr(docs_service):
    c, csrf = session(docs_service, "editor-user")
    data = samples.scanned_pdf(["ช่องทางร้องเรียนการทุจริต", f"TCEB scan {docs_service.backend} 2563"])
    document_id, action, _ = imported(c, upload(c, csrf, f"scan-{uuid.uuid4().hex[:6]}.pdf", data))
    text = " ".join(t for _, _, t, _, _ in passages(docs_service, document_id))
    assert "ร้องเรียน" in text and "TCEB" in text and "2563" in text, text
    assert "Read by OCR" in c.get(f"/console/documents/{document_id}", params={"lang": "en"}).text


def test_reimport_skips_unchanged_and_replaces_changed(docs_service):
    c, csrf = session(docs_service, "editor-user")
    marker = uuid.uuid4().hex[:6]
    name = f"notes-{marker}.md"
    document_id, action, n = imported(c, upload(c, csrf, name, samples.markdown(marker, "one")))
    before = passages(docs_service, document_id)
    assert action == "created" and n == 2
    again_id, action, _ = imported(c, upload(c, csrf, name, samples.markdown(marker, "one")))
    assert (again_id, action) == (document_id, "unchanged") and passages(docs_service, document_id) == before
    changed_id, action, _ = imported(c, upload(c, csrf, name, samples.markdown(marker, "two")))
    after = passages(docs_service, document_id)
    assert (changed_id, action) == (document_id, "replaced")
    assert any("version two" in t for _, _, t, _, _ in after) and not any("version one" in t for _, _, t, _, _ in after)
    # a damaged file under the same name leaves the stored passages as they were
    r = upload(c, csrf, f"notes-{marker}.md", b"\x00\x01\x02 binary")
    assert r.status_code == 415 and passages(docs_service, document_id) == after


def test_expired_documents_are_flagged_listed_and_stop_answering(docs_service):
    c, csrf = session(docs_service, "editor-user")
    marker = uuid.uuid4().hex[:6]
    yesterday = service.today() - timedelta(days=1)
    document_id, _, _ = imported(c, upload(c, csrf, f"old-{marker}.md", samples.markdown(marker),
                                        valid_until=yesterday.isoformat()))
    listing = c.get("/console/documents", params={"expired": "yes", "lang": "en"}).text
    assert f"Markdown test {marker}" in listing and 'id="expired-banner"' in listing
    assert "have expired and no longer answer questions" in listing
    assert document_id not in {p.document_id for p in published(docs_service)}
    assert document_id in {p.document_id for p in published(docs_service, on=yesterday)}
    db = Database(docs_service.database_url)
    with db.session() as s:
        assert document_id in {d["id"] for d in service.expired_documents(s)}
    db.engine.dispose()


def test_unpublish_then_delete(docs_service):
    c, csrf = session(docs_service, "editor-user")
    marker = uuid.uuid4().hex[:6]
    document_id, _, _ = imported(c, upload(c, csrf, f"temp-{marker}.md", samples.markdown(marker)))
    assert httpx.get(f"{docs_service.url}/documents/{document_id}/file").status_code == 200
    r = c.post(f"/console/documents/{document_id}/unpublish", data={"csrf_token": csrf})
    assert r.status_code == 303 and "flash_unpublished" in r.headers["location"]
    assert document_id not in {p.document_id for p in published(docs_service)}
    assert httpx.get(f"{docs_service.url}/documents/{document_id}/file").status_code == 404
    assert c.post(f"/console/documents/{document_id}/delete", data={"csrf_token": csrf}).status_code == 403  # editor
    reviewer, reviewer_csrf = session(docs_service, "reviewer-user")
    r = reviewer.post(f"/console/documents/{document_id}/delete", data={"csrf_token": reviewer_csrf})
    assert r.status_code == 303 and r.headers["location"].endswith("flash=flash_deleted")
    assert reviewer.get(f"/console/documents/{document_id}").status_code == 404
    assert passages(docs_service, document_id) == []
    # a published document is unpublished before it can be deleted
    other_id, _, _ = imported(c, upload(c, csrf, f"kept-{marker}.md", samples.markdown(marker + "k")))
    r = reviewer.post(f"/console/documents/{other_id}/delete", data={"csrf_token": reviewer_csrf})
    assert "flash=err_published" in r.headers["location"] and passages(docs_service, other_id)


@pytest.mark.parametrize("name, make, status, th, en", [
    ("bomb.docx", lambda: samples.zip_bomb_docx(), 413, "เมื่อแตกไฟล์แล้วใหญ่เกิน 200", "unpacks to more than 200 MB"),
    ("picture.pdf", lambda: samples.PNG_BYTES, 415, "ตรวจจากเนื้อไฟล์", "content is checked, not its name"),
    ("big.txt", lambda: b"a" * (50 * 1024 * 1024 + 1), 413, "ไม่เกิน 50 เมกะไบต์", "at most 50 MB"),
])
def test_files_of_the_wrong_size_or_type_are_refused_at_once_and_nothing_is_queued(docs_service, name, make,
                                                                                   status, th, en):
    c, csrf = session(docs_service, "editor-user")
    data = make()
    before = counts(docs_service), queued(docs_service)
    for lang, words in (("th", th), ("en", en)):
        r = upload(c, csrf, name, data, lang=lang)
        assert r.status_code == status, r.text[-1500:]
        assert words in r.text and 'role="alert"' in r.text
    assert (counts(docs_service), queued(docs_service)) == before


@pytest.mark.parametrize("name, make, th, en", [
    ("locked.pdf", lambda: samples.encrypted_pdf("x"), "เข้ารหัสด้วยรหัสผ่าน", "protected by a password"),
    ("broken.pdf", lambda: samples.damaged_pdf("x"), "ไฟล์เสียหาย", "damaged or cannot be read"),
    ("huge.pdf", lambda: samples.many_pages_pdf(2000), "มี 2000 หน้า", "has 2000 pages, more than the 500"),
])
def test_files_that_cannot_be_read_end_refused_in_both_languages_and_nothing_is_stored(docs_service, name, make,
                                                                                        th, en):
    c, csrf = session(docs_service, "editor-user")
    before = counts(docs_service)
    job_id = job_of(upload(c, csrf, f"{uuid.uuid4().hex[:6]}-{name}", make()))
    state, _ = wait_for_job(c, job_id)
    assert state == "refused"
    for lang, words in (("th", th), ("en", en)):
        _, text = job_state(c, job_id, lang)
        message = re.search(r'<p class="error" id="job-message">([^<]*)</p>', text)
        assert message and words in html.unescape(message.group(1)), text[-2000:]
        assert 'id="job-document"' not in text
    assert counts(docs_service) == before
    job = stored_job(docs_service, job_id)
    assert job["upload_bytes"] is None and job["document_id"] is None and job["attempts"] == 1


def test_console_form_errors_and_roles(docs_service):
    viewer, viewer_csrf = session(docs_service, "viewer-user")
    assert upload(viewer, viewer_csrf, "a.md", b"# a").status_code == 403
    c, csrf = session(docs_service, "editor-user")
    r = c.post("/console/documents", params={"lang": "en"}, data={"csrf_token": csrf})
    assert r.status_code == 422 and "Please choose a file" in r.text
    r = upload(c, csrf, "a.md", b"# a\n\ntext", valid_until="31/12/2027")
    assert r.status_code == 422 and "YYYY-MM-DD" in r.text
    r = upload(c, csrf, "a.md", b"# a\n\ntext", source_url="javascript:alert(1)")
    assert r.status_code == 422 and "https://" in r.text
    assert upload(c, "wrong", "a.md", b"# a").status_code == 403  # CSRF
    assert c.get("/console/documents/999999").status_code == 404
    assert httpx.get(f"{docs_service.url}/documents/999999/file").status_code == 404
