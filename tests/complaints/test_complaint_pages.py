"""The public complaint pages, /complaints (the report form) and /complaints/status, in headless Debian
Chromium at phone width (375 px) against the real faq_service, on SQLite and PostgreSQL.

* Both pages in Thai and English: every request stays on this host, the CSP allows no inline script,
  nothing is wider than the screen, and axe-core (vendored from npm, run under the page's own CSP) finds
  no WCAG 2.1 A/AA violation — also after switching to named mode, after sending and on an open report.
* The form pre-fills from ?kind=…&mode=… (as the chat links to it); confidential mode hides and disables
  name and contact; the language switch keeps what was typed; keyboard only: focus order, a visible
  focus ring, the honeypot never focused, errors announced (role=alert) and linked to their fields.
* A report with a small PDF sent through the page gets a tracking code and a secret on screen (the
  browser's XHR sends this host's cookie; the service drops it, tests/unit/test_no_cookies.py), with
  neither code nor secret in a URL or web storage; the status page with that pair shows
  "received", and a reply with an image sent from the page appears in the thread (and in the API).
  A resend after a lost answer gets the same report (one idempotency key per form load).
* A wrong pair (unknown code, or a real code with a wrong secret) gets one generic message; a refusal of
  the API (a text file named .pdf: 415) is shown in the page's language.

Needs `make setup-web` (axe-core) and `make setup-browser` (/usr/bin/chromium).
"""
from __future__ import annotations

import base64
import io
import re
import secrets
from urllib.parse import urlsplit

import httpx
import pytest
import yaml
from PIL import Image
from pypdf import PdfWriter
from sqlalchemy import create_engine, select, text

from faq_service.complaints import service
from faq_service.complaints.crypto import ContentCipher
from faq_service.complaints.models import Complaint
from faq_service.core.db import Database

from tests.conftest import new_database_url
from tests.support.browser import PageWatch, contexts_of
from tests.support.procs import REPO, start_faq_service

KEY = secrets.token_bytes(32)
PHONE = (375, 812)
CODE = re.compile(r"^TC-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}$")
COMPLAINTS_DIR = REPO / "faq_service" / "complaints"
AXE_JS = REPO / "faq_service" / "web" / "node_modules" / "axe-core" / "axe.min.js"
ARTIFACTS = REPO / "test-artifacts" / "complaints"
TEXTS = yaml.safe_load((COMPLAINTS_DIR / "pages.yml").read_text(encoding="utf-8"))
PAGES = ("/complaints", "/complaints/status")
PAGE_TEMPLATES = ("_layout.html", "_fields.html", "complaint_form.html", "complaint_status.html")
PAGE_SCRIPTS = ("common.js", "complaint_form.js", "complaint_status.js")


# ---------------------------------------------------------------------------------------------
# Fixtures
# ---------------------------------------------------------------------------------------------
@pytest.fixture(scope="module", params=["sqlite", "postgres"])
def site(request, tmp_path_factory, postgres_dbs, artifacts_dir):
    """The real faq_service with a complaints key of the test's own and room for this module's sends."""
    if not AXE_JS.exists():
        pytest.fail("axe-core missing: run `make setup-web`")
    tmp = tmp_path_factory.mktemp(f"complaint-pages-{request.param}")
    url = new_database_url(request.param, tmp, postgres_dbs)
    proc = start_faq_service(artifacts_dir / f"logs-complaint-pages-{request.param}", url, deadline=300, extra_env={
        "THAMTOB_COMPLAINTS_KEY": base64.b64encode(KEY).decode(), "THAMTOB_COMPLAINT_RATE_LIMIT": "200",
        "THAMTOB_COMPLAINT_STATUS_FAILURES": "200"})
    proc.database_url = url
    proc.backend = request.param
    yield proc
    proc.stop()


@pytest.fixture()
def new_page(browser):
    """new_page(width, height) -> (page, watch) at phone width by default; closed after the test."""
    with contexts_of(browser) as new_context:
        def make(width: int = PHONE[0], height: int = PHONE[1], locale: str = "th-TH"):
            ctx = new_context(viewport={"width": width, "height": height}, locale=locale)
            watch = PageWatch(ctx)
            page = ctx.new_page()
            watch.watch(page)
            page.set_default_timeout(20_000)
            return page, watch
        yield make


# ---------------------------------------------------------------------------------------------
# Helpers
# ---------------------------------------------------------------------------------------------
def t(lang: str, key: str) -> str:
    return TEXTS[lang][key]


def shot(page, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def axe_violations(page) -> list:
    """axe-core evaluated from disk under the page's own CSP (no bypass): WCAG 2.0/2.1 A and AA."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(AXE_JS.read_text(encoding="utf-8"))
    result = page.evaluate("""() => axe.run(document, {runOnly: {type: 'tag',
        values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}})""")
    return [(v["id"], v["impact"], [n["target"] for n in v["nodes"]][:5]) for v in result["violations"]]


def fits(page, width: int = PHONE[0]) -> bool:
    return page.evaluate("document.documentElement.scrollWidth") <= width


def small_pdf() -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    writer.add_metadata({"/Author": "Somchai Test", "/Title": "receipt"})
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def small_png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (16, 16), (200, 30, 30)).save(out, "PNG")
    return out.getvalue()


def complaint_count(site) -> int:
    engine = create_engine(site.database_url)
    try:
        with engine.connect() as conn:
            return conn.execute(text("SELECT count(*) FROM complaint")).scalar()
    finally:
        engine.dispose()


def no_secrets_kept(page, *values: str) -> None:
    """Neither value in the address bar, the history entry, web storage or a cookie."""
    storage = page.evaluate("""() => JSON.stringify([Object.entries(localStorage),
                                                     Object.entries(sessionStorage)])""")
    cookies = str(page.context.cookies())
    for value in values:
        assert value not in page.url and value not in storage and value not in cookies, value


def send_form(page, description: str, files=None) -> None:
    page.locator("#description").fill(description)
    if files:
        page.locator("#evidence").set_input_files(files)
    page.locator("#submit-btn").click()


def as_officer(site, code: str, act) -> None:
    """act(session, cipher, complaint) in the service's database, as an officer's action would (the desk's
    own pages and API are tested in test_officer_desk.py)."""
    db = Database(site.database_url)
    try:
        with db.session() as session:
            act(session, ContentCipher(KEY), session.scalar(select(Complaint).where(Complaint.tracking_code == code)))
    finally:
        db.engine.dispose()


def open_report(page, site, code: str, secret: str, lang: str) -> None:
    page.goto(f"{site.url}/complaints/status?lang={lang}")
    page.locator("#tracking-code").fill(code)
    page.locator("#secret").fill(secret)
    page.locator("#lookup-btn").click()
    page.locator("#case").wait_for()


def api_submit(site) -> dict:
    resp = httpx.post(f"{site.url}/api/v1/complaints", timeout=60, data={
        "kind": "service", "mode": "confidential", "description": "sent by the API for the status page test"})
    assert resp.status_code == 201, resp.text
    return resp.json()


# ---------------------------------------------------------------------------------------------
# Static checks: texts, keys, no HTML from strings
# ---------------------------------------------------------------------------------------------
def test_texts_have_both_languages_and_every_key_the_pages_use():
    from faq_service.complaints import pages

    texts = pages.load_texts()
    assert set(texts["th"]) == set(texts["en"])
    used = set()
    for name in PAGE_TEMPLATES:
        used |= set(re.findall(r'data-i18n="([a-z_0-9]+)"', (COMPLAINTS_DIR / "templates" / name).read_text("utf-8")))
    scripts = {name: (COMPLAINTS_DIR / "static" / name).read_text("utf-8") for name in PAGE_SCRIPTS}
    for source in scripts.values():
        # literal keys only ("status_" + value is covered by load_texts(), which checks every label)
        used |= set(re.findall(r'key: "([a-z_0-9]+)"\s*[,}]', source))
        used |= set(re.findall(r'setText\([^,]+, "([a-z_0-9]+)"\s*[,)]', source))
        used |= set(re.findall(r'\bt\("([a-z_0-9]+)"\s*[,)]', source))
        # user text only through textContent: no HTML parsing of strings anywhere
        assert not re.search(r"innerHTML|outerHTML|insertAdjacentHTML|document\.write|\beval\(", source)
    assert len(used) > 60
    assert used <= set(texts["th"]), sorted(used - set(texts["th"]))


# ---------------------------------------------------------------------------------------------
# Both pages, both languages, phone width: local only, strict CSP, nothing wider, axe-clean
# ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize("path", PAGES)
@pytest.mark.parametrize("lang", ["th", "en"])
def test_page_renders_local_only_and_axe_clean_at_phone_width(site, new_page, path, lang):
    page, watch = new_page()
    resp = page.goto(f"{site.url}{path}?lang={lang}", wait_until="networkidle")
    assert resp.status == 200
    csp = resp.headers["content-security-policy"]
    assert "script-src 'self';" in csp and "connect-src 'self'" in csp and "unsafe-inline" not in csp
    assert resp.headers["cache-control"] == "no-store" and resp.headers["referrer-policy"] == "no-referrer"
    # Only the page's own files and JSON data blocks: no inline script to allow.
    scripts = page.locator("script").evaluate_all("ss => ss.map(s => [s.src, s.type])")
    assert all(src.startswith(site.url + "/complaints/static/") or kind == "application/json" for src, kind in scripts)
    assert page.locator("html").get_attribute("lang") == lang
    for code in ("th", "en"):
        assert page.locator(f".lang-link[data-lang='{code}']").get_attribute("href") == f"{path}?lang={code}"
    heading = "form_heading" if path == "/complaints" else "status_heading"
    assert page.locator("h1").inner_text() == t(lang, heading)
    assert fits(page), "wider than a 375 px screen"
    assert axe_violations(page) == []
    name = f"{path.strip('/').replace('/', '-')}-{lang}-375"
    shot(page, name)
    if path == "/complaints":  # the named-mode fields shown
        page.locator("label[for='mode-named']").click()
        assert page.locator("#name").is_visible()
        assert fits(page) and axe_violations(page) == []
    assert len(watch.requests) >= 4
    assert watch.non_local() == [], watch.non_local()
    assert watch.errors == [], watch.errors


def test_language_switch_relabels_and_keeps_what_was_typed(site, new_page):
    page, watch = new_page()
    page.goto(f"{site.url}/complaints?kind=personnel&mode=named")
    assert page.locator("html").get_attribute("lang") == "th"  # Thai unless asked otherwise
    page.locator("#description").fill("ข้อความที่พิมพ์ไว้")
    page.locator("#name").fill("Test Person")
    page.get_by_role("link", name="English").click()
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.locator("h1").inner_text() == t("en", "form_heading")
    assert page.get_by_label(t("en", "description_label")).input_value() == "ข้อความที่พิมพ์ไว้"
    assert page.locator("#name").input_value() == "Test Person"
    assert page.get_by_role("link", name="English").get_attribute("aria-current") == "true"
    query = urlsplit(page.url).query
    assert "lang=en" in query and "kind=personnel" in query and "mode=named" in query
    # The link to the status page follows the language.
    assert "lang=en" in page.get_by_role("link", name=t("en", "nav_status")).get_attribute("href")
    page.get_by_role("link", name="ไทย").click()
    assert page.locator("h1").inner_text() == t("th", "form_heading")
    assert watch.errors == []


# ---------------------------------------------------------------------------------------------
# Pre-filling from the chat's link, and what confidential mode hides
# ---------------------------------------------------------------------------------------------
def test_form_prefills_from_kind_and_mode(site, new_page):
    page, _ = new_page()
    page.goto(f"{site.url}/complaints?kind=procurement&mode=named&lang=en")
    assert page.locator("#kind-procurement").is_checked()
    assert page.locator("#mode-named").is_checked()
    for field in ("#name", "#contact"):
        assert page.locator(field).is_visible() and page.locator(field).is_enabled()
    assert page.get_by_label(t("en", "name_label")).is_visible()

    page.goto(f"{site.url}/complaints?kind=corruption&mode=confidential")
    assert page.locator("#kind-corruption").is_checked() and page.locator("#mode-confidential").is_checked()
    assert not page.locator("#name").is_visible() and page.locator("#name").is_disabled()
    assert not page.locator("#contact").is_visible() and page.locator("#contact").is_disabled()
    # Both modes are explained in plain words beside their choice.
    assert page.locator("#mode-confidential").get_attribute("aria-describedby") == "mode-confidential-help"
    assert page.locator("#mode-confidential-help").inner_text() == t("th", "mode_confidential_help")

    # Nothing asked for: no kind chosen, confidential (nothing about the sender kept) until changed.
    page.goto(f"{site.url}/complaints")
    assert page.locator("input[name='kind']:checked").count() == 0
    assert page.locator("#mode-confidential").is_checked()

    # Unknown values are ignored, never echoed into the page.
    resp = page.goto(f"{site.url}/complaints?kind=%3Cscript%3Ealert(1)%3C/script%3E&mode=open&lang=xx")
    assert resp.status == 200 and "<script>alert" not in page.content()
    assert page.locator("input[name='kind']:checked").count() == 0
    assert page.locator("#mode-confidential").is_checked() and page.locator("html").get_attribute("lang") == "th"


def test_confidential_mode_hides_disables_and_empties_name_and_contact(site, new_page):
    page, _ = new_page()
    page.goto(f"{site.url}/complaints?kind=service&mode=named&lang=en")
    page.locator("#name").fill("Somchai")
    page.locator("#contact").fill("somchai@example.org")
    # From the keyboard: arrow keys move between the radio buttons of the mode group.
    page.locator("#mode-named").focus()
    page.keyboard.press("ArrowUp")
    assert page.locator("#mode-confidential").is_checked()
    assert not page.locator("#you-group").is_visible()
    assert page.locator("#name").is_disabled() and page.locator("#name").input_value() == ""
    assert page.locator("#contact").input_value() == ""
    page.keyboard.press("ArrowDown")
    assert page.locator("#mode-named").is_checked() and page.locator("#name").is_visible()


# ---------------------------------------------------------------------------------------------
# Keyboard: focus order, visible focus, errors announced and linked
# ---------------------------------------------------------------------------------------------
def test_keyboard_only_focus_order_and_errors_announced(site, new_page):
    page, watch = new_page()
    page.goto(f"{site.url}/complaints?mode=named&lang=en")
    order = []
    for _ in range(40):
        page.keyboard.press("Tab")
        info = page.evaluate("""() => { const e = document.activeElement; const s = getComputedStyle(e);
            return {id: e.id, tag: e.tagName, text: (e.textContent || '').trim(),
                    outline: s.outlineStyle + ' ' + s.outlineWidth}; }""")
        if info["tag"] == "BODY":
            continue
        assert info["outline"].startswith("solid") and info["outline"] != "solid 0px", info
        order.append(info["id"] or info["text"])
        if info["id"] == "submit-btn":
            break
    assert "website" not in order  # the honeypot is never reached
    expected = ["kind-corruption", "mode-named", "description", "when", "where", "concerned", "name", "contact",
                "evidence", "submit-btn"]
    positions = [order.index(x) for x in expected]
    assert positions == sorted(positions), order
    assert order.index("English") < order.index("kind-corruption")

    # Sending with nothing filled in: a summary (role=alert) takes focus and lists every problem.
    page.keyboard.press("Enter")
    summary = page.locator("#form-errors")
    assert summary.get_attribute("role") == "alert"
    summary.locator("li").first.wait_for()
    items = summary.locator("li").all_inner_texts()
    for key in ("err_kind", "err_description", "err_name", "err_contact"):
        assert t("en", key) in items, items
    assert page.evaluate("document.activeElement.id") == "form-errors"
    assert page.locator("#description").get_attribute("aria-invalid") == "true"
    assert page.locator("#description-error").inner_text() == t("en", "err_description")
    assert page.locator("#kind-group-error").inner_text() == t("en", "err_kind")
    assert "description-error" in page.locator("#description").get_attribute("aria-describedby")
    # Each problem links to its field.
    summary.get_by_role("link", name=t("en", "err_description")).press("Enter")
    assert page.evaluate("document.activeElement.id") == "description"
    assert axe_violations(page) == []
    shot(page, "complaints-errors-en-375")
    assert watch.errors == []


# ---------------------------------------------------------------------------------------------
# End to end: a report with a PDF, its codes, the status page and a reply
# ---------------------------------------------------------------------------------------------
def test_report_with_pdf_then_status_received_and_reply(site, new_page):
    page, watch = new_page()
    # A cookie of this host (as a staff member's browser would have): same-origin XHR sends it, so the
    # service strips it from the complaint API (tests/unit/test_no_cookies.py); the report still goes.
    page.context.add_cookies([{"name": "thamtob_console_lang", "value": "en", "url": site.url}])
    before = complaint_count(site)
    marker = f"page-e2e-{secrets.token_hex(6)}"

    page.goto(f"{site.url}/complaints?kind=corruption&mode=confidential")
    page.locator("#when").fill("ต้นเดือนที่แล้ว")
    page.locator("#evidence").set_input_files([{"name": "receipt.pdf", "mimeType": "application/pdf",
                                                "buffer": small_pdf()}])
    assert "receipt.pdf" in page.locator("#evidence-list").inner_text()
    held = []  # the upload is held on its way, to see the page while it is sending
    page.route(f"{site.url}/api/v1/complaints", lambda route: held.append(route))
    with page.expect_request(lambda r: r.url == f"{site.url}/api/v1/complaints" and r.method == "POST") as sent:
        send_form(page, f"มีการเรียกรับเงิน {marker}")
    page.locator("#submit-progress [role=progressbar]").wait_for()
    assert page.locator("#submit-status").inner_text().startswith("กำลังส่งพร้อมไฟล์ 1 ไฟล์")
    assert page.locator("#submit-status").get_attribute("role") == "status"
    assert page.locator("#submit-btn").is_disabled()
    assert page.locator("#complaint-form").get_attribute("aria-busy") == "true"
    while not held:
        page.wait_for_timeout(50)
    held[0].continue_()
    request = sent.value
    headers = request.all_headers()
    assert "referer" not in headers
    body = request.post_data_buffer
    for field in (b'name="kind"', b'name="mode"', b'name="description"', b'name="idempotency_key"',
                  b'name="form_token"', b'name="website"', b'name="evidence"; filename="receipt.pdf"',
                  b'name="lang"'):
        assert field in body, field
    assert b'name="name"' not in body and b'name="contact"' not in body  # confidential: never sent

    done = page.locator("#done")
    done.wait_for()
    code = page.locator("#done-code").inner_text().strip()
    secret = page.locator("#done-secret").inner_text().strip()
    assert CODE.match(code), code
    assert len(secret) >= 16
    assert page.locator("#done-warning").inner_text() == t("th", "done_warning")
    assert page.locator("#done-note").inner_text() == t("th", "done_confidential")
    assert page.evaluate("document.activeElement.id") == "done-heading"
    assert not page.locator("#complaint-form").is_visible()
    assert page.locator("#description").input_value() == ""  # what was typed has left the page
    assert complaint_count(site) == before + 1
    no_secrets_kept(page, code, secret)
    assert fits(page) and axe_violations(page) == []
    shot(page, "complaints-sent-th-375")

    # The status page, reached from the receipt, in the same language.
    page.locator("#done-status-link").click()
    page.wait_for_url(f"{site.url}/complaints/status?lang=th")
    page.get_by_label(t("th", "code_label")).fill(code.lower().replace("-", ""))  # as people type it
    page.locator("#secret").fill(secret)
    page.get_by_role("button", name=t("th", "check_button")).click()
    page.locator("#case").wait_for()
    assert page.locator("#case-status").inner_text() == t("th", "status_received")
    assert page.locator("#case-status-help").inner_text() == t("th", "status_received_help")
    assert page.locator("#thread-empty").is_visible()
    assert page.locator("#case-heading").inner_text() == f"เรื่อง {code}"
    assert page.evaluate("document.activeElement.id") == "case-heading"
    assert page.locator("#secret").input_value() == ""  # the lookup form is emptied and put away
    page.get_by_role("link", name="English").click()
    assert page.locator("#case-status").inner_text() == "Received" == t("en", "status_received")

    # A reply with an image, from the page.
    reply = f"ตอบกลับจากหน้าเว็บ {marker}"
    page.get_by_label(t("en", "reply_label")).fill(reply)
    page.locator("#reply-evidence").set_input_files([{"name": "photo.png", "mimeType": "image/png",
                                                      "buffer": small_png()}])
    with page.expect_request(lambda r: r.url.endswith("/api/v1/complaints/reply")) as sent_reply:
        page.get_by_role("button", name=t("en", "reply_submit")).click()
    assert "referer" not in sent_reply.value.all_headers()
    mine = page.locator("#thread li.msg-complainant", has_text=reply)
    mine.wait_for()
    assert t("en", "from_complainant") in mine.inner_text()
    assert page.locator("#reply-status").inner_text() == t("en", "reply_sent")
    assert page.locator("#reply-text").input_value() == ""
    assert not page.locator("#thread-empty").is_visible()
    no_secrets_kept(page, code, secret)
    assert fits(page) and axe_violations(page) == []
    shot(page, "complaints-status-reply-en-375")

    # The reply is kept: the API shows it with the pair.
    view = httpx.post(f"{site.url}/api/v1/complaints/status", json={"tracking_code": code, "secret": secret},
                      timeout=30).json()
    assert view["status"] == "received"
    assert [m["text"] for m in view["messages"] if m["from"] == "complainant"] == [reply]

    # "Close" forgets the pair: the lookup form is back, empty.
    page.get_by_role("button", name=t("en", "close_case")).click()
    assert page.locator("#lookup-form").is_visible() and not page.locator("#case").is_visible()
    assert code not in page.content()
    assert watch.non_local() == [] and watch.errors == [], watch.errors


def test_officer_question_status_and_outcome_shown_and_answered(site, new_page):
    """Officer asks, the anonymous complainant reads it and answers on the status page; then the case
    closes with an outcome, and the page says so and takes no more messages."""
    receipt = api_submit(site)
    code, secret = receipt["tracking_code"], receipt["secret"]
    question = "โปรดระบุวันที่จ่ายเงิน <b>ถ้าจำได้</b>\nและจำนวนเงิน"  # markup stays text
    as_officer(site, code, lambda s, cipher, c: service.change_status(s, cipher, c, "officer-a", "in_review"))
    as_officer(site, code, lambda s, cipher, c: service.officer_message(s, cipher, c, "officer-a", question))

    page, watch = new_page()
    open_report(page, site, code, secret, "th")
    assert page.locator("#case-status").inner_text() == t("th", "status_in_review")
    asked = page.locator("#thread li.msg-officer")
    assert asked.count() == 1
    assert asked.locator(".msg-from").inner_text() == t("th", "from_officer")
    assert asked.locator(".msg-text").inner_text() == question
    assert asked.locator("b").count() == 0  # shown as typed, never parsed as HTML
    assert asked.locator("time").get_attribute("datetime")
    page.locator("#reply-text").fill("วันที่ 3 ประมาณ 5,000 บาท")
    page.locator("#reply-btn").click()
    page.locator("#thread li.msg-complainant").wait_for()
    senders = page.locator("#thread li").evaluate_all("ls => ls.map(l => l.className)")
    assert senders == ["msg msg-officer", "msg msg-complainant"]  # in order
    assert fits(page) and axe_violations(page) == []
    shot(page, "complaints-status-thread-th-375")

    as_officer(site, code, lambda s, cipher, c: service.change_status(s, cipher, c, "officer-a", "closed",
                                                                      outcome="not_substantiated"))
    page.locator("#close-case").click()
    open_report(page, site, code, secret, "en")
    assert page.locator("#case-status").inner_text() == t("en", "status_closed")
    assert page.locator("#case-outcome").inner_text() == t("en", "outcome_not_substantiated")
    assert not page.locator("#reply-form").is_visible()
    assert page.locator("#reply-closed").inner_text() == t("en", "reply_closed")
    page.get_by_role("link", name="ไทย").click()
    assert page.locator("#case-outcome").inner_text() == t("th", "outcome_not_substantiated")
    assert axe_violations(page) == []
    assert watch.errors == []


def test_resend_after_a_lost_answer_gets_the_same_report(site, new_page):
    page, watch = new_page()
    page.goto(f"{site.url}/complaints?kind=service&mode=named&lang=en")
    page.locator("#name").fill("Named Person")
    page.locator("#contact").fill("+66 2 000 0000")
    before = complaint_count(site)
    lost = []

    def lose_answer(route):  # the request reaches the service, its answer never reaches the page
        if not lost:
            lost.append(route.fetch().status)
            route.abort("connectionreset")
        else:
            route.continue_()

    page.route("**/api/v1/complaints", lose_answer)
    send_form(page, "the first answer is lost on the way")
    summary = page.locator("#form-errors")
    summary.get_by_text(t("en", "err_network")).wait_for()
    assert lost == [201]
    assert page.locator("#description").input_value() == "the first answer is lost on the way"
    page.locator("#submit-btn").click()
    page.locator("#done").wait_for()
    assert CODE.match(page.locator("#done-code").inner_text().strip())
    assert page.locator("#done-note").inner_text() == t("en", "done_named")
    assert complaint_count(site) == before + 1  # the same report, not a second one


def test_a_page_left_open_for_hours_sends_a_fresh_form_token(site, new_page):
    """The token is valid for some hours: a report written slowly still goes, with a token fetched anew."""
    page, watch = new_page()
    page.clock.install()
    page.goto(f"{site.url}/complaints?kind=other&mode=confidential&lang=en")
    first = page.locator("#complaint-form input[name='form_token']").input_value()
    page.clock.fast_forward("05:00:00")
    with page.expect_request(lambda r: r.url.endswith("/api/v1/complaints") and r.method == "POST") as sent:
        send_form(page, "written over a long afternoon")
    page.locator("#done").wait_for()
    loads = [r for r in watch.requests if r.method == "GET" and urlsplit(r.url).path == "/complaints"]
    assert len(loads) == 2 and "cookie" not in loads[1].all_headers()  # the page, then the token refresh
    body = sent.value.post_data_buffer
    assert first.encode() not in body and b'name="form_token"' in body


# ---------------------------------------------------------------------------------------------
# Wrong pairs and refusals
# ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize("lang", ["th", "en"])
def test_wrong_pair_gets_one_generic_message(site, new_page, lang):
    real = api_submit(site)
    page, watch = new_page()
    page.goto(f"{site.url}/complaints/status?lang={lang}")
    shown = []
    for code, secret in ((real["tracking_code"], "not-the-secret-" + secrets.token_hex(4)),
                         ("TC-0000-0000-0000", real["secret"]), ("nonsense", "x")):
        page.locator("#tracking-code").fill(code)
        page.locator("#secret").fill(secret)
        with page.expect_response(lambda r: r.url.endswith("/api/v1/complaints/status")) as answer:
            page.locator("#lookup-btn").click()
        assert answer.value.status == 404
        alert = page.locator("#lookup-errors")
        alert.locator("li").wait_for()
        shown.append(alert.locator("li").inner_text())
        assert alert.get_attribute("role") == "alert"
        assert not page.locator("#case").is_visible()
        no_secrets_kept(page, secret)
        page.locator("#tracking-code").fill("")  # the next attempt starts clean
    assert len(set(shown)) == 1, shown  # no oracle: the same words whichever was wrong
    expected = ("ไม่พบเรื่อง" if lang == "th" else "No complaint matches")
    assert expected in shown[0]
    assert axe_violations(page) == []
    assert watch.errors == [x for x in watch.errors if "404" in x]  # only the failed lookups' own lines


def test_refusal_is_shown_in_the_page_language(site, new_page):
    page, _ = new_page()
    page.goto(f"{site.url}/complaints?kind=other&mode=confidential")
    before = complaint_count(site)
    fake = {"name": "scan.pdf", "mimeType": "application/pdf", "buffer": b"just some text, not a PDF\n" * 10}
    with page.expect_response(lambda r: r.url.endswith("/api/v1/complaints")) as answer:
        send_form(page, "a file that only says it is a PDF", [fake])
    assert answer.value.status == 415
    body = answer.value.json()
    alert = page.locator("#form-errors li")
    alert.first.wait_for()
    assert alert.first.inner_text() == body["message_th"]
    assert page.locator("#evidence").get_attribute("aria-invalid") == "true"
    page.get_by_role("link", name="English").click()
    assert page.locator("#form-errors li").first.inner_text() == body["message"]
    assert complaint_count(site) == before  # nothing stored
    assert page.locator("#complaint-form").is_visible()
