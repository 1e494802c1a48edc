"""The web chat page (GET /) and Swagger UI (GET /docs) in headless Debian Chromium.

* Every request the pages make goes to 127.0.0.1 (no CDN, no web fonts); screenshots are saved under
  test-artifacts/web/ (desktop and 360x740 phone width).
* The widget, against a stub Rasa REST channel: labels, language switch, quick-reply buttons,
  keyboard use, the error shown when Rasa is unreachable, and an axe-core WCAG 2.1 AA scan.
* With the whole stack (faq_service + action server + Rasa, from tests/bot/conftest.py) a Thai and an
  English question typed into the widget get the right answers.

Needs `make setup-web` (vendored assets) and `make setup-browser` (/usr/bin/chromium).
"""
from __future__ import annotations

import json
import re
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from tests.support import procs  # noqa: E402
from tests.support.browser import PageWatch, contexts_of  # noqa: E402


ARTIFACTS = REPO / "test-artifacts" / "web"
WEB_DIR = REPO / "faq_service" / "web"
AXE_JS = WEB_DIR / "node_modules" / "axe-core" / "axe.min.js"
THAI = re.compile(r"[\u0E00-\u0E7F]")
# An answer whose marked sentences follow an emoji (one code point, two UTF-16 units) and hold a link.
HIGHLIGHTED = "ค่าบริการ 🙂 ฟรี. ดูที่ https://example.org/fees ได้ทุกวัน. จบ"
HIGHLIGHT_SPANS = [[HIGHLIGHTED.index(s), HIGHLIGHTED.index(s) + len(s)]
                   for s in ("ฟรี.", "ดูที่ https://example.org/fees ได้ทุกวัน.")]


# ---------------------------------------------------------------------------------------------
# Stub Rasa REST channel (stdlib only): replies in the message's script, with quick-reply buttons.
# ---------------------------------------------------------------------------------------------
class StubRasa:
    def __init__(self) -> None:
        self.received: list[dict] = []
        stub = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):  # keep pytest output clean
                pass

            def _cors(self):
                self.send_header("Access-Control-Allow-Origin", self.headers.get("Origin") or "*")
                self.send_header("Access-Control-Allow-Methods", "POST, OPTIONS")
                self.send_header("Access-Control-Allow-Headers", "Content-Type, Accept")

            def do_OPTIONS(self):
                self.send_response(204)
                self._cors()
                self.end_headers()

            def do_POST(self):
                if self.path != "/webhooks/rest/webhook":
                    self.send_response(404)
                    self.end_headers()
                    return
                body = json.loads(self.rfile.read(int(self.headers.get("Content-Length") or 0)))
                stub.received.append(body)
                reply = json.dumps(stub.reply(body.get("message", ""))).encode()
                self.send_response(200)
                self._cors()
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(reply)))
                self.end_headers()
                self.wfile.write(reply)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @staticmethod
    def reply(message: str) -> list[dict]:
        if message.startswith("card"):  # an answer as the real bot sends it: four messages (five with the hint)
            parts = [{"recipient_id": "x", "text": "คำตอบการ์ด: บริการของ สสปน. ไม่มีค่าใช้จ่าย\nติดต่อได้ทุกวันทำการ"},
                     {"recipient_id": "x", "text": "ข้อมูล ณ วันที่ 26 พ.ย. 2569"},
                     {"recipient_id": "x", "text": "ที่มา: https://www.businesseventsthailand.com/th/faq"},
                     {"recipient_id": "x", "text": "คำตอบนี้มีประโยชน์ไหม",
                      "buttons": [{"title": "👍 มีประโยชน์", "payload": '/affirm{"log_id": 7}'},
                                  {"title": "👎 ไม่มีประโยชน์", "payload": '/deny{"log_id": 7}'}]}]
            if message == "card with hint":
                parts.insert(3, {"recipient_id": "x",
                                 "custom": {"thamtob": {"outcome": "answered", "key": "fees", "log_id": 7}}})
            return parts
        if message.startswith("highlighted"):  # the answer's sentences to bold; "elsewhere": for another text
            named = HIGHLIGHTED if message == "highlighted" else HIGHLIGHTED + " (another text)"
            return [{"recipient_id": "x", "text": HIGHLIGHTED},
                    {"recipient_id": "x", "custom": {"thamtob": {
                        "outcome": "answered", "key": None, "log_id": 8,
                        "highlights": {"text": named, "spans": HIGHLIGHT_SPANS + [[3, 2], [0, 999], "x"]}}}}]
        if message.startswith("/"):
            return [{"recipient_id": "x", "text": f"payload received: {message}"}]
        if THAI.search(message):
            return [{"recipient_id": "x",
                     "text": "คำตอบทดสอบ: บริการของ สสปน. ไม่มีค่าใช้จ่าย\nที่มา: https://www.businesseventsthailand.com"},
                    {"recipient_id": "x", "text": "คำตอบนี้มีประโยชน์ไหม",
                     "buttons": [{"title": "👍 มีประโยชน์", "payload": "/feedback{\"helpful\": true}"},
                                 {"title": "👎 ไม่มีประโยชน์", "payload": "/feedback{\"helpful\": false}"}]}]
        return [{"recipient_id": "x", "text": "Test answer: TCEB's services are free of charge."},
                {"recipient_id": "x", "text": "Was this helpful?",
                 "buttons": [{"title": "👍 Yes", "payload": "/feedback{\"helpful\": true}"},
                             {"title": "👎 No", "payload": "/feedback{\"helpful\": false}"}]}]

    def __enter__(self) -> "StubRasa":
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()


# ---------------------------------------------------------------------------------------------
# Fixtures
# ---------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def stub_rasa():
    with StubRasa() as stub:
        yield stub


@pytest.fixture(scope="module")
def faq_web(tmp_path_factory, stub_rasa):
    """The real faq_service (thamtob serve) whose chat page talks to the stub Rasa."""
    if not (WEB_DIR / "node_modules" / "swagger-ui-dist" / "swagger-ui-bundle.js").exists():
        pytest.fail("vendored web assets missing: run `make setup-web`")
    tmp = tmp_path_factory.mktemp("faq_web")
    proc = procs.start_faq_service(tmp / "logs", f"sqlite:///{tmp / 'web.db'}",
                                   extra_env={"RASA_PUBLIC_URL": stub_rasa.url})
    try:
        yield proc
    finally:
        proc.stop()


@pytest.fixture()
def new_page(browser):
    """new_page(width, height, lang) -> (page, recorder); contexts are closed after the test."""
    with contexts_of(browser) as new_context:
        def make(width: int = 1280, height: int = 860, locale: str = "th-TH", bypass_csp: bool = False):
            ctx = new_context(viewport={"width": width, "height": height}, locale=locale, bypass_csp=bypass_csp)
            rec = PageWatch(ctx, error_pages_local=True)
            page = ctx.new_page()
            rec.watch(page)
            page.set_default_timeout(15_000)
            return page, rec
        yield make


def shot(page, name: str) -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    assert path.stat().st_size > 1000
    return path


def ask(page, text: str) -> None:
    box = page.locator("#chat-input")
    box.fill(text)
    box.press("Enter")


def bot_texts(page) -> list[str]:
    return page.locator("#messages .msg-bot").all_inner_texts()


# ---------------------------------------------------------------------------------------------
# 1. Page and /docs load with every asset from 127.0.0.1
# ---------------------------------------------------------------------------------------------
def test_chat_page_loads_only_local_assets(faq_web, stub_rasa, new_page):
    page, rec = new_page()
    resp = page.goto(faq_web.url + "/", wait_until="networkidle")
    assert resp.status == 200
    csp = resp.headers.get("content-security-policy", "")
    assert "default-src 'none'" in csp and stub_rasa.url in csp

    # The page, its script and stylesheet really ran: the greeting and the example questions.
    page.locator("#messages .msg-bot[data-welcome]").wait_for()
    assert page.locator("html").get_attribute("lang") == "th"
    assert page.locator("#messages .quick button").count() == 3
    notice = page.locator(".notice").inner_text().replace("\xa0", " ")
    assert "PDPA" in notice and "ข้อมูลส่วนบุคคล" in notice and "ร้องเรียนแบบลับ" in notice
    assert "info@tceb.or.th" in notice and "+66 2 694 6000" in notice
    # CSS applied (not the browser default): the send button is the brand blue.
    assert page.locator("#send-btn").evaluate("e => getComputedStyle(e).backgroundColor") == "rgb(11, 79, 138)"
    shot(page, "chat-desktop-th")

    assert len(rec.urls) >= 3
    assert rec.non_local() == [], f"non-local requests: {rec.non_local()}"
    assert rec.errors == [], rec.errors


def test_chat_page_phone_width(faq_web, new_page):
    page, rec = new_page(360, 740)
    page.goto(faq_web.url + "/", wait_until="networkidle")
    page.locator("#messages .msg-bot[data-welcome]").wait_for()
    # Nothing wider than the screen: no horizontal scrolling at 360 px.
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    for sel in ("#chat-input", "#send-btn", ".lang-btn[data-lang='en']", "#complaint-btn"):
        box = page.locator(sel).bounding_box()
        assert box and box["x"] >= 0 and box["x"] + box["width"] <= 360, (sel, box)
    # The composer is on screen without scrolling.
    assert page.locator("#chat-input").bounding_box()["y"] < 740
    shot(page, "chat-phone-360-th")
    page.locator(".lang-btn[data-lang='en']").click()
    shot(page, "chat-phone-360-en")
    # Once the visitor writes, the notice folds to its heading, which still opens it from the keyboard.
    ask(page, "Hello")
    page.locator("#messages .msg-user", has_text="Hello").wait_for()
    assert page.locator("#notice").get_attribute("open") is None
    assert page.locator("#privacy-heading").is_visible()
    page.locator("#notice summary").focus()
    page.keyboard.press("Enter")
    assert page.locator("#notice").get_attribute("open") is not None
    assert rec.non_local() == []


def test_docs_loads_only_local_assets(faq_web, new_page):
    page, rec = new_page()
    resp = page.goto(faq_web.url + "/docs", wait_until="networkidle")
    assert resp.status == 200
    page.locator(".swagger-ui .info .title").wait_for()
    page.locator(".swagger-ui .opblock").first.wait_for()
    assert "/api/v1/ask" in page.locator(".swagger-ui").inner_text()
    shot(page, "docs")
    assert any("/static/vendor/swagger-ui/swagger-ui-bundle.js" in u for u in rec.urls)
    assert any(u.endswith("/openapi.json") for u in rec.urls)
    assert rec.non_local() == [], f"non-local requests: {rec.non_local()}"
    assert rec.errors == [], rec.errors


# ---------------------------------------------------------------------------------------------
# The widget against a stub Rasa: language switch, quick replies, keyboard, errors, WCAG scan
# ---------------------------------------------------------------------------------------------
def test_widget_round_trip_buttons_and_language(faq_web, stub_rasa, new_page):
    page, rec = new_page()
    page.goto(faq_web.url + "/")
    page.locator("#messages .msg-bot[data-welcome]").wait_for()
    log = page.locator("#messages")
    assert log.get_attribute("aria-live") == "polite" and log.get_attribute("role") == "log"

    # Thai labels first; the input is reachable by its label.
    page.get_by_label("พิมพ์คำถามของคุณ").fill("สสปน. คิดค่าบริการไหม")
    page.keyboard.press("Enter")
    page.locator("#messages .msg-bot", has_text="คำตอบทดสอบ").wait_for()
    link = page.locator("#messages .msg-bot a[href='https://www.businesseventsthailand.com']")
    assert link.count() == 1 and link.get_attribute("rel") == "noopener noreferrer"
    page.get_by_role("button", name="👍 มีประโยชน์").click()
    page.locator("#messages .msg-user", has_text="👍 มีประโยชน์").wait_for()
    page.locator("#messages .msg-bot", has_text="payload received: /feedback").wait_for()
    assert page.get_by_role("button", name="👎 ไม่มีประโยชน์").is_disabled()

    # Switch to English: labels change, the bot is asked in English.
    page.get_by_role("button", name="English").click()
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.get_by_role("button", name="English").get_attribute("aria-pressed") == "true"
    page.get_by_label("Type your question").fill("Does TCEB charge fees?")
    page.get_by_role("button", name="Send").click()
    page.locator("#messages .msg-bot", has_text="Test answer").wait_for()
    assert "Privacy (PDPA)" in page.locator(".notice").inner_text()
    shot(page, "widget-stub-en")

    senders = {m["sender"] for m in stub_rasa.received[-3:]}
    assert len(senders) == 1 and next(iter(senders)).startswith("web-")
    assert stub_rasa.received[-2]["message"] == '/feedback{"helpful": true}'
    # The same sender id after a reload (sessionStorage), and the language choice is kept.
    sender = page.evaluate("sessionStorage.getItem('thamtob.sender')")
    page.reload()
    assert page.evaluate("sessionStorage.getItem('thamtob.sender')") == sender
    assert page.locator("html").get_attribute("lang") == "en"
    assert rec.non_local() == []


def test_widget_keyboard_only(faq_web, stub_rasa, new_page):
    page, _ = new_page()
    page.goto(faq_web.url + "/")
    page.locator("#messages .msg-bot[data-welcome]").wait_for()
    seen = []
    for _ in range(25):
        page.keyboard.press("Tab")
        info = page.evaluate("""() => { const e = document.activeElement;
            const s = getComputedStyle(e);
            return {id: e.id, tag: e.tagName, text: (e.textContent || '').trim(),
                    outline: s.outlineStyle + ' ' + s.outlineWidth}; }""")
        seen.append(info)
        if info["tag"] != "BODY":  # a visible focus ring on everything that takes focus
            assert info["outline"].startswith("solid") and info["outline"] != "solid 0px", info
        if info["id"] == "chat-input":
            break
    assert any(i["text"] == "English" for i in seen) and seen[-1]["id"] == "chat-input", seen
    page.keyboard.type("Hello, what does TCEB do?")
    page.keyboard.press("Enter")
    page.locator("#messages .msg-bot", has_text="Test answer").wait_for()
    # Quick replies work from the keyboard too.
    page.locator("#messages .quick button", has_text="👍 Yes").focus()
    page.keyboard.press("Enter")
    page.locator("#messages .msg-user", has_text="👍 Yes").wait_for()


def test_widget_error_when_rasa_unreachable(faq_web, stub_rasa, new_page):
    page, _ = new_page()
    page.route(stub_rasa.url + "/**", lambda route: route.abort("connectionrefused"))
    page.goto(faq_web.url + "/")
    page.locator("#messages .msg-bot[data-welcome]").wait_for()
    ask(page, "สวัสดี")
    err = page.locator("#messages .msg-error")
    err.wait_for()
    assert "ไม่สามารถติดต่อผู้ช่วยได้" in err.inner_text() and "+66\xa02\xa0694\xa06000" in err.inner_text()
    page.get_by_role("button", name="English").click()
    ask(page, "hello")
    page.locator("#messages .msg-error", has_text="cannot be reached").wait_for()
    assert not page.locator("#send-btn").is_disabled()
    shot(page, "widget-rasa-unreachable")


def test_wcag_aa_scan(faq_web, new_page):
    """axe-core (vendored from npm, injected from disk) finds no WCAG 2.0/2.1 A/AA violations."""
    if not AXE_JS.exists():
        pytest.fail("axe-core missing: run `make setup-web`")
    for width, height in ((1280, 860), (360, 740)):
        for lang in ("th", "en"):
            page, _ = new_page(width, height, bypass_csp=True)  # to inject axe from disk
            page.goto(faq_web.url + "/")
            page.locator("#messages .msg-bot[data-welcome]").wait_for()
            if lang == "en":
                page.locator(".lang-btn[data-lang='en']").click()
            page.add_script_tag(content=AXE_JS.read_text(encoding="utf-8"))
            result = page.evaluate("""() => axe.run(document, {runOnly: {type: 'tag',
                values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}})""")
            problems = [(v["id"], v["impact"], [n["target"] for n in v["nodes"]][:5])
                        for v in result["violations"]]
            assert problems == [], f"{width}px {lang}: {problems}"


# ---------------------------------------------------------------------------------------------
# One answer, one card: on the page and in the widget's panel, with and without the custom hint
# ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize("path, surface", [("/", "web"), ("/widget/panel?lang=th", "widget")])
def test_an_answer_is_one_card(faq_web, stub_rasa, new_page, path, surface):
    page, rec = new_page()
    page.goto(faq_web.url + path)
    page.locator("#messages .msg-bot[data-welcome]").wait_for()
    for question, outcome in (("card", None), ("card with hint", "answered")):
        before = page.locator("#messages .msg-bot").count()
        ask(page, question)
        page.wait_for_function(f"() => document.querySelectorAll('#messages .msg-bot').length > {before}"
                               " && document.getElementById('status').textContent === ''")
        cards = page.locator("#messages .msg-bot")
        assert cards.count() == before + 1, cards.all_inner_texts()
        card = cards.last
        assert card.get_attribute("data-outcome") == outcome
        # In order: the answer, then the source link and the date in small print, then 👍/👎.
        parts = card.evaluate("""c => [...c.children].filter(e => !e.classList.contains('visually-hidden'))
            .map(e => [e.className, e.innerText.replace(/\\s+/g, ' ').trim()])""")
        assert [cls for cls, _ in parts] == ["card-text", "card-meta", "card-actions card-feedback"], parts
        assert parts[0][1] == "คำตอบการ์ด: บริการของ สสปน. ไม่มีค่าใช้จ่าย ติดต่อได้ทุกวันทำการ"
        assert parts[1][1].index("ที่มา:") < parts[1][1].index("ข้อมูล ณ วันที่ 26 พ.ย. 2569"), parts[1]
        link = card.locator(".card-meta a")
        assert link.get_attribute("href") == "https://www.businesseventsthailand.com/th/faq"
        sizes = card.evaluate("""c => ['.card-text', '.card-meta'].map(
            s => parseFloat(getComputedStyle(c.querySelector(s)).fontSize))""")
        assert sizes[1] < sizes[0], sizes
        assert card.locator(".card-feedback .quick button").all_inner_texts() == ["👍 มีประโยชน์", "👎 ไม่มีประโยชน์"]
        assert "thamtob" not in card.inner_text() and "{" not in card.inner_text()
    # The page says where it is: the action server logs the channel from it (actions/channels.py).
    assert stub_rasa.received[-1]["metadata"] == {"surface": surface}
    assert stub_rasa.received[-1]["sender"].startswith(surface + "-")
    card.locator(".card-feedback .quick button").first.click()
    page.locator("#messages .msg-bot", has_text="payload received: /affirm").wait_for()
    assert stub_rasa.received[-1]["message"] == '/affirm{"log_id": 7}'
    shot(page, f"card-{surface}")
    assert rec.non_local() == []


@pytest.mark.parametrize("path", ["/", "/widget/panel?lang=th"])
def test_highlighted_sentences_are_bold_by_code_point(faq_web, stub_rasa, new_page, path):
    """The reply's highlights (code-point offsets into the answer message's exact text) become <strong>,
    links inside them stay links; malformed spans are ignored; highlights for another text mark nothing."""
    page, rec = new_page()
    page.goto(faq_web.url + path)
    page.locator("#messages .msg-bot[data-welcome]").wait_for()
    for message, marked in (("highlighted", ["ฟรี.", "ดูที่ ", "https://example.org/fees", " ได้ทุกวัน."]),
                            ("highlighted elsewhere", [])):
        before = page.locator("#messages .msg-bot").count()
        ask(page, message)
        page.wait_for_function(f"() => document.querySelectorAll('#messages .msg-bot').length > {before}"
                               " && document.getElementById('status').textContent === ''")
        text = page.locator("#messages .msg-bot").last.locator(".card-text")
        assert text.locator("strong").all_text_contents() == marked
        # Every child in order: the marked parts bold, the link still a link (bold inside it when marked).
        children = text.evaluate("""p => [...p.childNodes].map(n => [n.nodeName,
            n.nodeName === 'A' ? n.firstChild.nodeName + ':' + n.getAttribute('href') : n.textContent])""")
        if marked:
            assert children == [["#text", "ค่าบริการ 🙂 "], ["STRONG", "ฟรี."], ["#text", " "], ["STRONG", "ดูที่ "],
                                ["A", "STRONG:https://example.org/fees"], ["STRONG", " ได้ทุกวัน."],
                                ["#text", " จบ"]], children
            weights = text.evaluate("p => [...p.querySelectorAll('strong')].map(e => getComputedStyle(e).fontWeight)")
            assert all(int(w) >= 700 for w in weights), weights
        else:
            assert children == [["#text", "ค่าบริการ 🙂 ฟรี. ดูที่ "], ["A", "#text:https://example.org/fees"],
                                ["#text", " ได้ทุกวัน. จบ"]], children
    assert rec.non_local() == []


# ---------------------------------------------------------------------------------------------
# 2. The whole stack: a Thai and an English question typed into the widget get the right answers
# ---------------------------------------------------------------------------------------------

FULL_STACK_QUESTIONS = [
    # (page language, question, any of these in the answer)
    ("th", "ใช้บริการของ สสปน. ต้องเสียค่าใช้จ่ายหรือไม่", ("ไม่ต้องเสียค่าใช้จ่าย", "ไม่มีค่าธรรมเนียม")),
    ("en", "Are TCEB's services free of charge?", ("free", "no fees")),
]


@pytest.fixture(scope="module")
def chat_page_for_stack(bot_stack):
    """The chat page served by the stack's own faq_service, whose RASA_PUBLIC_URL is the stack's Rasa."""
    assert bot_stack.faq.env.get("RASA_PUBLIC_URL", "").rstrip("/") == bot_stack.rasa.url
    return bot_stack.faq.url


def _rasa_allows_page(rasa_url: str, page_url: str) -> bool:
    """A CORS preflight as the browser sends it: Rasa must be run with --cors (as `make run` does)."""
    import httpx
    resp = httpx.options(rasa_url + "/webhooks/rest/webhook", timeout=10, headers={
        "Origin": page_url, "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "content-type"})
    allowed = resp.headers.get("access-control-allow-origin", "")
    return allowed in ("*", page_url)


@pytest.mark.bot
def test_widget_answers_thai_and_english_with_the_real_bot(bot_stack, chat_page_for_stack, new_page):
    rasa_url = bot_stack.rasa.url
    assert _rasa_allows_page(rasa_url, chat_page_for_stack), (
        "Rasa in the bot_stack fixture does not allow the chat page's origin (CORS): start it with "
        "`--cors \"*\"` as mk/bot.mk's `rasa` target does")
    page, rec = new_page()
    page.set_default_timeout(45_000)
    page.goto(chat_page_for_stack + "/")
    page.locator("#messages .msg-bot[data-welcome]").wait_for()

    for lang, question, expected in FULL_STACK_QUESTIONS:
        page.locator(f".lang-btn[data-lang='{lang}']").click()
        before = page.locator("#messages .msg-bot").count()
        ask(page, question)
        page.locator("#messages .msg-user", has_text=question).wait_for()
        # The status line says "replying…" from the moment of sending until every reply is shown.
        page.wait_for_function("() => document.getElementById('status').textContent === ''")
        replies = bot_texts(page)[before:]
        joined = "\n".join(replies)
        assert not page.locator("#messages .msg-error").count(), (joined, bot_stack.logs())
        assert any(x in joined or x in joined.lower() for x in expected), (lang, joined)
        rows = bot_stack.wait_for_rows(question)
        assert rows and rows[0]["channel"] == "web", (rows, bot_stack.logs())

    shot(page, "widget-real-bot-desktop")
    page.set_viewport_size({"width": 360, "height": 740})
    page.locator("#messages").evaluate("e => e.scrollTo({top: e.scrollHeight, behavior: 'instant'})")
    page.screenshot(path=str(ARTIFACTS / "widget-real-bot-phone-360.png"))
    assert rec.non_local() == [], f"non-local requests: {rec.non_local()}"
