"""The officer desk in headless Debian Chromium (SQLite): an officer logs in, finds a new confidential
complaint in the queue, opens it, acknowledges it, asks the complainant a question, and closes it with an
outcome; the complainant's status page API then shows the question and the outcome; a description
written as HTML is shown as text and never runs. An admin without the flag sees no desk link.
Screenshots: test-artifacts/complaints/."""
from __future__ import annotations

import re
import uuid

import pytest

from tests.complaints.desk_support import OFFICER_A, start_desk, start_mailbox
from tests.staff.conftest import PASSWORD
from tests.support.procs import REPO

ARTIFACTS = REPO / "test-artifacts" / "complaints"


@pytest.fixture(scope="module")
def desk(tmp_path_factory, artifacts_dir):
    box, controller = start_mailbox()
    url = f"sqlite:///{tmp_path_factory.mktemp('desk-browser') / 'desk.db'}"
    svc = start_desk("sqlite", url, artifacts_dir / "logs-desk-browser", box)
    yield svc
    svc.proc.stop()
    controller.stop()


def shot(page, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def login(browser, base: str, username: str):
    ctx = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-US", service_workers="block")
    page = ctx.new_page()
    page.set_default_timeout(30_000)
    page.goto(base + "/console?lang=en")
    page.fill("#username", username)
    page.fill("#password", PASSWORD)
    page.click("#login-submit")
    page.wait_for_url(re.compile(r"/console(\?.*)?$"))
    return ctx, page


def test_an_officer_handles_a_complaint_in_the_browser(desk, browser):
    tag = uuid.uuid4().hex[:8]
    receipt = desk.submit(f'<img src=x onerror="window.pwned=1"> payment asked at booth {tag}')
    ctx, page = login(browser, desk.url, OFFICER_A)
    try:
        dialogs = []
        page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
        page.click('header nav a[href="/console/complaints"]')
        page.wait_for_url(re.compile(r"/console/complaints$"))
        row = page.locator("#complaint-queue tr", has_text=receipt["tracking_code"])
        assert row.count() == 1 and "Received" in row.inner_text()
        shot(page, "desk-queue")
        row.locator("a").first.click()
        page.wait_for_selector("#case-description")
        assert f"payment asked at booth {tag}" in page.locator("#case-description").inner_text()
        assert page.evaluate("window.pwned === undefined") and not dialogs
        page.click("#act-acknowledge button")
        page.wait_for_selector("p.flash")
        assert page.locator("#case-status").inner_text() == "Acknowledged"
        page.fill("#message-text", "Which day was it?")
        page.click("#message-form button")
        page.wait_for_selector("#case-messages")
        page.select_option("#close-outcome", "not_substantiated")
        page.fill("#close-note", "no evidence found")
        page.click("#act-close button")
        page.wait_for_selector("#case-outcome")
        assert page.locator("#case-status").inner_text() == "Closed"
        shot(page, "desk-case-closed")
    finally:
        ctx.close()
    status = desk.status(receipt).json()
    assert status["status"] == "closed" and status["outcome"] == "not_substantiated"
    assert [m["text"] for m in status["messages"]] == ["Which day was it?"]


def test_an_admin_without_the_flag_has_no_desk_in_the_browser(desk, browser):
    ctx, page = login(browser, desk.url, "admin")
    try:
        assert page.locator('header nav a[href="/console/complaints"]').count() == 0
        response = page.goto(desk.url + "/console/complaints")
        assert response.status == 403
    finally:
        ctx.close()
