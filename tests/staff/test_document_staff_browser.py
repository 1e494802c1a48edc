"""The documents' staff loop in headless Debian Chromium (SQLite): a question the sample integrity report
answers is listed under "answered from documents" on the review page with its document; the editor
clicks the promote button and lands in the entry editor with the question, the passage as the Thai
answer and the passage's link as the source filled in, the English left empty. The same from a passage
of the document's preview page, where only editors get the button.

Screenshots go to test-artifacts/staff/."""
from __future__ import annotations

import re

from tests.staff.test_console_browser import login, new_page, shot  # noqa: F401 (new_page is a fixture)
from tests.staff.test_console_pages import session
from tests.staff.test_document_staff_loop import FAIR_ASSIGNMENT, REPORT_TITLE, report_passage


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


def test_promote_a_passage_from_the_document_preview(sqlite_staff_service, new_page):
    """On a document's preview an editor drafts an entry from one passage and lands in the entry editor with
    its heading as the question and its text as the answer; a viewer sees no such button and may not post."""
    svc = sqlite_staff_service
    document_id, passage = report_passage(svc)
    page = new_page()
    login(page, svc.url, "editor-user")
    page.goto(f"{svc.url}/console/documents/{document_id}?lang=en")
    item = page.locator(f"#passages li[data-passage-id='{passage.id}']")
    assert item.locator("p").nth(1).inner_text().strip() == passage.text.strip()
    assert page.locator("#passages .promote-button").count() == page.locator("#passages li").count() > 1
    button = item.locator(".promote-button")
    assert button.inner_text() == "Draft an entry from this passage"
    shot(page, "document-preview-promote")
    button.click()
    page.wait_for_url(re.compile(r"/console/entries/\d+\?flash=flash_promoted$"))
    assert "Draft entry created from the document's passage" in page.locator(".flash").inner_text()
    other = "en" if passage.lang == "th" else "th"
    assert page.input_value(f"#question_{passage.lang}") == passage.section.split(" › ")[-1]
    assert page.input_value(f"#answer_{passage.lang}").strip() == passage.text.strip()
    assert page.input_value(f"#question_{other}") == "" and page.input_value(f"#answer_{other}") == ""
    assert page.input_value("#source_url").endswith(f"/documents/{document_id}/file")
    assert page.locator("h1 .badge.draft").count() == 1
    shot(page, "document-preview-promoted-entry")

    viewer = new_page()
    login(viewer, svc.url, "viewer-user")
    viewer.goto(f"{svc.url}/console/documents/{document_id}?lang=en")
    assert viewer.locator("#passages li").count() > 1 and viewer.locator(".promote-button").count() == 0
    c, csrf = session(svc, "viewer-user")
    r = c.post("/console/review/passages/promote", data={"csrf_token": csrf, "passage_id": passage.id})
    assert r.status_code == 403
