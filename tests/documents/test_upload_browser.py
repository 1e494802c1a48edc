"""The upload page in headless Debian Chromium: an editor imports a Word file with a table, lands on its
passages, and a file that is not what its name says is refused with a Thai message on the Thai console.
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
        scripts: list[int] = []
        page.on("response", lambda r: scripts.append(r.status) if r.url.endswith("/upload.js") else None)
        login(page, docs_service.url, "editor-user")
        page.goto(docs_service.url + "/console/documents?lang=en")
        assert page.locator("#upload-progress").is_hidden()
        page.set_input_files("#file", str(word))
        page.fill("#doc-title", f"Programmes {marker}")
        page.fill("#valid_until", "2099-12-31")
        page.click("#upload-submit")
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
    assert scripts and set(scripts) <= {200, 304} and not errors, (scripts, errors)  # the form's script ran
