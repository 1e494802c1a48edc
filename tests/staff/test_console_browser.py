"""The staff console in headless Debian Chromium:

* log in; create, edit and publish an entry in the console; ask the new question in the web chat
  page (the whole bot stack: faq_service + action server + Rasa) and get the new answer; a revision
  of a published entry does not change the chat's answer until it is published;
* accept a cluster on the review page: the same question is answered within 2 s;
* mark a wrongly answered cluster out of scope on the review page (Thai console): the same question is
  no longer answered within 2 s; removing the example there makes it answered again within 2 s;
* question text planted through POST /api/v1/ask (<script>, event handlers, template syntax) is shown
  as text on the review page and never runs (checked with the page's CSP bypassed).

Screenshots go to test-artifacts/staff/.
"""
from __future__ import annotations

import re
import time
import uuid

import httpx
import pytest

from tests.staff.conftest import PASSWORD, create_admin
from tests.staff.helpers import answered_by, wait_for
from tests.support.browser import contexts_of
from tests.support.procs import REPO

ARTIFACTS = REPO / "test-artifacts" / "staff"


@pytest.fixture()
def new_page(browser):
    with contexts_of(browser) as new_context:
        def make(bypass_csp: bool = False, locale: str = "en-US"):
            page = new_context(viewport={"width": 1280, "height": 900}, locale=locale,
                               bypass_csp=bypass_csp).new_page()
            page.set_default_timeout(30_000)
            return page
        yield make


def shot(page, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def login(page, base: str, username: str, password: str = PASSWORD) -> None:
    page.goto(base + "/console")
    assert "/console/login" in page.url  # 303 to the login page
    page.fill("#username", username)
    page.fill("#password", password)
    page.click("#login-submit")
    page.wait_for_url(re.compile(r"/console(\?.*)?$"))
    assert page.locator("header .who").inner_text().startswith(username)


# ------------------------------------------------------------------ 1. edit, publish, ask in the chat
@pytest.fixture(scope="module")
def stack_with_staff(bot_stack):
    made = create_admin(bot_stack.db_url, username="stack-admin")
    assert made.returncode == 0, made.stdout + made.stderr
    return bot_stack


def chat_answer(page, question: str) -> str:
    before = page.locator("#messages .msg-bot").count()
    box = page.locator("#chat-input")
    box.fill(question)
    box.press("Enter")
    page.locator("#messages .msg-user", has_text=question).last.wait_for()
    page.wait_for_function(f"() => document.querySelectorAll('#messages .msg-bot').length > {before} "
                           "&& document.getElementById('status').textContent === ''")
    return "\n".join(page.locator("#messages .msg-bot").all_inner_texts()[before:])


def test_edit_publish_and_ask_in_the_web_chat(stack_with_staff, new_page):
    stack = stack_with_staff
    base = stack.faq.url
    page = new_page()
    login(page, base, "stack-admin")
    marker = uuid.uuid4().hex[:6]
    question = "Does TCEB run a free shuttle boat to the riverside lantern fair?"

    page.click("#new-entry")
    page.fill("#key", f"shuttle-boat-{marker}")
    page.fill("#category", "events")
    page.fill("#question_en", question)
    page.fill("#answer_en", f"Draft text {marker}.")
    page.fill("#question_th", "สสปน. มีเรือรับส่งฟรีไปงานเทศกาลโคมไฟริมน้ำไหม")
    page.fill("#answer_th", f"ร่าง {marker}")
    page.click("#save")
    page.wait_for_url(re.compile(r"/console/entries/\d+"))
    entry_id = int(re.search(r"/console/entries/(\d+)", page.url).group(1))
    # edit the draft: the answer that will go live
    page.fill("#answer_en", f"Shuttle answer {marker}: yes, a free boat leaves Sathorn pier every hour.")
    page.fill("#alternates_en", "free boat to the lantern fair")
    page.click("#save")
    page.wait_for_url(re.compile(rf"/console/entries/{entry_id}"))
    shot(page, "console-entry-draft")
    page.click("#publish")
    page.wait_for_url(re.compile(rf"/console/entries/{entry_id}\?flash=flash_published"))
    assert "published" in page.locator("h1 .badge").first.inner_text()

    chat = new_page()
    chat.goto(base + "/")
    chat.locator("#messages .msg-bot[data-welcome]").wait_for()
    chat.locator(".lang-btn[data-lang='en']").click()
    deadline = time.monotonic() + 20
    reply = chat_answer(chat, question)
    while f"Shuttle answer {marker}" not in reply and time.monotonic() < deadline:
        time.sleep(1)
        reply = chat_answer(chat, question)
    assert f"Shuttle answer {marker}" in reply, (reply, stack.logs())
    shot(chat, "chat-new-answer")

    # a revision of the published entry: the chat keeps the live answer until it is published
    page.goto(f"{base}/console/entries/{entry_id}")
    page.fill("#answer_en", f"Shuttle answer v2 {marker}: the boat now leaves every 30 minutes.")
    page.click("#save")
    page.wait_for_url(re.compile(r"flash=flash_revision"))
    assert page.locator("#revision-badge").is_visible()
    time.sleep(1.5)
    assert f"Shuttle answer {marker}" in chat_answer(chat, question)
    page.click("#publish")
    page.wait_for_url(re.compile(r"flash=flash_published"))
    deadline = time.monotonic() + 20
    reply = chat_answer(chat, question)
    while f"v2 {marker}" not in reply and time.monotonic() < deadline:
        time.sleep(1)
        reply = chat_answer(chat, question)
    assert f"v2 {marker}" in reply
    page.goto(f"{base}/console/entries/{entry_id}/history")
    assert page.locator(".diff .add", has_text=f"v2 {marker}").count() >= 1
    shot(page, "console-history")


# ------------------------------------------------------------------ 2. accept a cluster
def test_accept_a_cluster_on_the_review_page(sqlite_staff_service, new_page):
    svc = sqlite_staff_service
    questions = ["Can I bring my pet elephant to the convention centre?",
                 "are elephants allowed inside the convention center",
                 "elephant allowed at convention centre?"]
    for q in questions:
        assert not svc.ask(q, channel="web")["answered"]
    with svc.client("reviewer") as reviewer:
        key = f"elephants-{uuid.uuid4().hex[:6]}"
        made = reviewer.post("/api/v1/staff/entries", json={"key": key, "category": "venues", "en": {
            "question": "Are elephants or other large animals allowed in convention centres?",
            "answer": "Elephant answer: animals are not allowed inside convention centres."}}).json()
        reviewer.post(f"/api/v1/staff/entries/{made['id']}/publish")
    time.sleep(1)

    page = new_page()
    login(page, svc.url, "reviewer-user")
    page.goto(svc.url + "/console/review")
    section = page.locator("section.cluster", has_text=questions[0])
    section.wait_for()
    shot(page, "review-clusters")
    assert section.locator("select[name=faq_id]").input_value() == str(made["id"])  # best candidate pre-selected
    section.locator("button.accept-button").click()
    page.wait_for_url(re.compile(r"flash=flash_accepted"))
    accepted = time.monotonic()
    body = wait_for(answered_by(svc, questions[0], made["id"]), 2)
    assert body and time.monotonic() - accepted <= 2.5, body
    assert page.locator("section.cluster", has_text=questions[0]).count() == 0


def test_mark_a_cluster_out_of_scope_on_the_review_page(sqlite_staff_service, new_page):
    svc = sqlite_staff_service
    question = "What colour is TCEB's logo?"  # not in the knowledge base, yet answered until marked
    first = svc.ask(question, channel="web")
    assert first["answered"], f"precondition: answered before it is marked ({first})"
    feedback = httpx.post(f"{svc.url}/api/v1/feedback", json={"log_id": first["log_id"], "helpful": False})
    assert feedback.status_code == 204

    page = new_page(locale="th-TH")
    login(page, svc.url, "reviewer-user")
    page.goto(svc.url + "/console/review")
    section = page.locator("section.cluster", has_text=question)
    section.wait_for()
    section.locator("summary", has_text="นอกขอบเขต").click()
    shot(page, "review-out-of-scope")
    section.locator("button.out-of-scope-button").click()
    page.wait_for_url(re.compile(r"flash=flash_out_of_scope"))
    marked = time.monotonic()
    assert page.locator("section.cluster", has_text=question).count() == 0
    body = wait_for(lambda: (lambda b: b if not b["answered"] else None)(svc.ask(question)), 2)
    assert body and time.monotonic() - marked <= 2.5, "still answered 2 s after it was marked"

    # undo from the same page: the example is listed with a remove button
    example = page.locator("li.decline-example", has_text=question)
    assert example.count() == 1
    example.locator("button.remove-example-button").click()
    page.wait_for_url(re.compile(r"flash=flash_example_removed"))
    removed = time.monotonic()
    assert page.locator("li.decline-example", has_text=question).count() == 0
    again = wait_for(lambda: (lambda b: b if b["answered"] else None)(svc.ask(question)), 2)
    assert again and time.monotonic() - removed <= 2.5, "not answered again 2 s after the removal"


# ------------------------------------------------------------------ 3. escaping
PAYLOADS = [
    "<script>window.__xss = 1</script> opening hours?",
    "<img src=x onerror=\"window.__xss = 2\"> venue list",
    "\"><svg onload=window.__xss=3> visa letter",
    "</textarea><script>window.__xss = 4</script> budget",
    "{{ 7 * 7 }} {% raw %} template probe",
    "<a href=\"javascript:window.__xss=5\">click</a> link probe",
]


def test_question_text_is_escaped_on_the_review_page(sqlite_staff_service, new_page):
    svc = sqlite_staff_service
    for p in PAYLOADS:
        r = httpx.post(f"{svc.url}/api/v1/ask", json={"question": p, "channel": "web"}, timeout=60)
        assert r.status_code == 200
        # A thumbs down puts the question on the review page whatever the retrieval decided (a payload
        # followed by "opening hours?" may well be answered).
        fb = httpx.post(f"{svc.url}/api/v1/feedback", json={"log_id": r.json()["log_id"], "helpful": False},
                        timeout=30)
        assert fb.status_code == 204
    page = new_page(bypass_csp=True)  # only escaping stands between the payloads and the page
    dialogs = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    login(page, svc.url, "admin")
    page.goto(svc.url + "/console/review")
    page.wait_for_load_state("networkidle")
    text = page.locator("main").inner_text()
    for p in ("<script>window.__xss = 1</script>", "<img src=x onerror=\"window.__xss = 2\">",
              "{{ 7 * 7 }}"):
        assert p in text, p
    assert page.evaluate("() => window.__xss") is None
    assert page.locator("main script, main img, main svg, main b, main a[href^='javascript']").count() == 0
    for link in page.locator("section.cluster a").all():
        assert not (link.get_attribute("href") or "").startswith("javascript")
    assert dialogs == []
    shot(page, "review-escaped")
    # the same on the try page and the audit page
    page.goto(f"{svc.url}/console/try?{httpx.QueryParams({'q': PAYLOADS[1]})}")
    assert page.evaluate("() => window.__xss") is None
    assert PAYLOADS[1] in page.locator("#q").input_value()
