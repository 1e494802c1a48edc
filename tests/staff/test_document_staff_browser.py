"""The documents' staff loop in headless Debian Chromium (SQLite): a question the sample integrity report
answers is listed under "answered from documents" on the review page with its document; the editor
clicks the promote button and lands in the entry editor with the question, the passage as the Thai
answer and the passage's link as the source filled in, the English left empty.

Screenshots go to test-artifacts/staff/."""
from __future__ import annotations

import re

from tests.staff.test_console_browser import login, new_page, shot  # noqa: F401 (new_page is a fixture)
from tests.staff.test_document_staff_loop import FAIR_ASSIGNMENT, REPORT_TITLE


def test_promote_a_document_answer_to_a_draft_entry_on_the_review_page(sqlite_staff_service, new_page):
    svc = sqlite_staff_service
    asked = svc.ask(FAIR_ASSIGNMENT)
    assert asked["outcome"] == "answered_from_document", asked
    page = new_page()
    login(page, svc.url, "editor-user")
    page.goto(svc.url + "/console/review?lang=en")
    section = page.locator("#document-answers")
    assert section.locator("h2").inner_text() == "Answered from documents"
    item = section.locator("article.document-answer", has_text=FAIR_ASSIGNMENT)
    assert item.count() == 1
    assert item.locator(".doc-title").inner_text().startswith(REPORT_TITLE)
    assert item.locator(".doc-passage").inner_text().strip() == asked["answer"].strip()
    shot(page, "review-document-answers")
    item.locator(".promote-button").click()
    page.wait_for_url(re.compile(r"/console/entries/\d+\?flash=flash_promoted$"))
    assert "Draft entry created from the document's passage" in page.locator(".flash").inner_text()
    assert page.input_value("#question_th") == FAIR_ASSIGNMENT
    assert page.input_value("#answer_th").strip() == asked["answer"].strip()
    assert page.input_value("#question_en") == "" and page.input_value("#answer_en") == ""
    assert page.input_value("#source_url").endswith(asked["source_url"])
    assert page.locator("h1 .badge.draft").count() == 1
    shot(page, "review-promoted-entry")
    page.goto(svc.url + "/console/review?lang=en")
    assert page.locator("#document-answers article.document-answer", has_text=FAIR_ASSIGNMENT).count() == 0
