"""The upload page in headless Debian Chromium: an editor imports a Word file with a table, lands on the
import's status page, which shows the import queued or running and then, by itself (jobs.js), done with
a link to the document, whose passages it opens; a file that is not what its name says is refused at
once with a Thai message on the Thai console; an editor cancels a long import from its status page.
Screenshots go to test-artifacts/documents/."""
from __future__ import annotations

import re
import uuid

import pytest

from tests.documents import samples
from tests.staff.test_console_browser import login
from tests.support.browser import chromium
from tests.support.procs import REPO

ARTIFACTS = REPO / "test-artifacts" / "documents"


@pytest.mark.parametrize("docs_service", ["sqlite"], indirect=True)
def test_upload_a_word_file_and_preview_its_passages(docs_service, tmp_path):
    marker = uuid.uuid4().hex[:6]
    word = tmp_path / f"programmes-{marker}.docx"
    word.write_bytes(samples.docx_with_table(marker))
    fake = tmp_path / "scan.pdf"
    fake.write_bytes(samples.PNG_BYTES)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with chromium() as browser:
        context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-US")
        page = context.new_page()
        page.set_default_timeout(60_000)
        errors: list[str] = []
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        scripts: dict[str, list[int]] = {"upload.js": [], "jobs.js": []}
        page.on("response", lambda r: scripts[r.url.rsplit("/", 1)[1]].append(r.status)
                if r.url.rsplit("/", 1)[1] in scripts else None)
        refreshes: list[str] = []
        page.on("request", lambda r: refreshes.append(r.url) if r.resource_type == "fetch" else None)
        login(page, docs_service.url, "editor-user")
        page.goto(docs_service.url + "/console/documents?lang=en")
        assert page.locator("#upload-progress").is_hidden()
        page.set_input_files("#file", str(word))
        page.fill("#doc-title", f"Programmes {marker}")
        page.fill("#valid_until", "2099-12-31")
        page.click("#upload-submit")
        page.wait_for_url(re.compile(r"/console/documents/jobs/\d+$"))
        # spawning the reader alone takes a second: the page opens before the import is done
        assert page.locator("#job").get_attribute("data-state") in ("queued", "running")
        assert f"programmes-{marker}.docx" in page.locator("h1").inner_text()
        link = page.locator("#job-document")
        link.wait_for(timeout=300_000)  # the page refreshes itself until the import is done
        assert page.locator("#job").get_attribute("data-state") == "done"
        assert "Imported: 3 passages." in page.locator("#job-state").inner_text()
        assert refreshes and all("/console/documents/jobs/" in url for url in refreshes)
        page.screenshot(path=str(ARTIFACTS / "import-job-done.png"), full_page=True)
        link.click()
        page.wait_for_url(re.compile(r"/console/documents/\d+\?flash=flash_created"))
        assert page.locator("h1").first.inner_text().startswith(f"Programmes {marker}")
        assert page.locator("#passages > li").count() == 3
        row = page.locator("#passage-2").inner_text()
        assert f"a show organiser that is a juristic person {marker}" in row and "Table row" in row
        page.screenshot(path=str(ARTIFACTS / "document-preview.png"), full_page=True)

        page.goto(docs_service.url + "/console/documents?lang=th")
        page.set_input_files("#file", str(fake))
        page.click("#upload-submit")
        alert = page.locator("p.error[role=alert]")
        assert "ตรวจจากเนื้อไฟล์" in alert.inner_text()
        assert page.locator("#documents").inner_text().count(f"Programmes {marker}") == 1
        page.screenshot(path=str(ARTIFACTS / "upload-refused-th.png"), full_page=True)
        context.close()
    # the form's script and the status page's ran
    assert all(statuses and set(statuses) <= {200, 304} for statuses in scripts.values()) and not errors, \
        (scripts, errors)


@pytest.mark.parametrize("docs_service", ["sqlite"], indirect=True)
def test_cancel_an_import_from_its_status_page(docs_service, tmp_path):
    marker = uuid.uuid4().hex[:6]
    scan = tmp_path / f"scan-{marker}.pdf"  # OCR of several pages: still under way when the button is pressed
    scan.write_bytes(samples.scanned_pages([["ช่องทางร้องเรียนการทุจริต", f"TCEB {marker}"]] * 4))
    with chromium() as browser:
        context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-US")
        page = context.new_page()
        page.set_default_timeout(60_000)
        login(page, docs_service.url, "editor-user")
        page.goto(docs_service.url + "/console/documents?lang=en")
        page.set_input_files("#file", str(scan))
        page.click("#upload-submit")
        page.wait_for_url(re.compile(r"/console/documents/jobs/\d+$"))
        assert page.locator("#job").get_attribute("data-state") in ("queued", "running")
        page.click("#job-cancel button")
        page.wait_for_url(re.compile(r"/console/documents/jobs/\d+$"))
        assert page.locator("#job").get_attribute("data-state") == "cancelled"
        assert "Cancelled" in page.locator("#job-state").inner_text()
        assert "nothing of the file was stored" in page.locator("#job-message").inner_text()
        assert page.locator("#job-cancel").count() == 0 and page.locator("#job").get_attribute("data-refresh") is None
        page.screenshot(path=str(ARTIFACTS / "import-job-cancelled.png"), full_page=True)
        page.goto(docs_service.url + "/console/documents?lang=en")
        assert f"scan-{marker}.pdf" not in page.locator("body").inner_text()
        context.close()
