"""The chat widget on another website, with the whole stack (faq_service + action server + Rasa) and
headless Chromium.

A static page on another origin (another port of 127.0.0.1) carries the one-line snippet
`<script src="FAQ/widget.js" data-lang="th" defer></script>`:
* on the origin in THAMTOB_WIDGET_ORIGINS (the stack's `widget_origin`), the button opens the panel, a Thai
  and an English question get their answers, each as one card, logged with channel "widget"; the panel is
  keyboard-usable (focus moves in, Tab stays inside, Esc closes and gives focus back to the button),
  full-screen at phone width, its privacy notice one tap away, and axe-core finds no WCAG A/AA violation;
* on an origin not in the list, no button appears (faq_service answers the widget's config request 403
  without CORS headers), a hand-made frame of the panel is refused (CSP frame-ancestors), and Rasa gives
  that origin no CORS headers either.
Screenshots go to test-artifacts/web/.
"""
from __future__ import annotations

import re
import sys
from pathlib import Path

import httpx
import pytest

REPO = Path(__file__).resolve().parents[2]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from tests.support.browser import ask_in_chat, contexts_of  # noqa: E402
from tests.support.procs import free_port  # noqa: E402
from tests.support.widget_site import BUTTON_NAME, SHADOW, Site, panel_frame  # noqa: E402

ARTIFACTS = REPO / "test-artifacts" / "web"
AXE_JS = REPO / "faq_service" / "web" / "node_modules" / "axe-core" / "axe.min.js"
WCAG = "{runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}}"
QUESTIONS = [
    # (panel language, question, any of these in the answer)
    ("th", "ใช้บริการของ สสปน. ต้องเสียค่าใช้จ่ายหรือไม่", ("ไม่ต้องเสียค่าใช้จ่าย", "ไม่มีค่าธรรมเนียม")),
    ("en", "Are TCEB's services free of charge?", ("free", "no fees")),
]


@pytest.fixture(scope="module")
def sites(bot_stack):
    allowed = Site(bot_stack.widget_port, bot_stack.faq.url)
    refused = Site(free_port(), bot_stack.faq.url)
    yield allowed, refused
    allowed.close()
    refused.close()


@pytest.fixture()
def new_page(browser):
    with contexts_of(browser) as new_context:
        def make(width: int = 1280, height: int = 860, bypass_csp: bool = False):
            page = new_context(viewport={"width": width, "height": height}, locale="th-TH",
                               bypass_csp=bypass_csp).new_page()
            page.set_default_timeout(45_000)
            page.console = []
            page.on("console", lambda m: page.console.append(m.text))
            return page
        yield make


def shot(page, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"))


def focus_in_widget(page) -> str:
    """What has focus: 'outside', or the widget part: 'launcher', 'close', 'frame', 'sentinel'…"""
    return page.evaluate(f"""() => {{
        const host = document.querySelector('[data-thamtob-widget]');
        if (document.activeElement !== host) return 'outside';
        const a = {SHADOW}.activeElement;
        return a ? (a.tagName === 'IFRAME' ? 'frame' : a.className || a.tagName) : 'none'; }}""")


def frame_focus(frame) -> str:
    return frame.evaluate("() => document.activeElement.id || document.activeElement.tagName")


def ask(frame, question: str) -> str:
    """Ask in the panel; the text of the one new card."""
    return ask_in_chat(frame, question).inner_text()


def axe_violations(target) -> list:
    target.add_script_tag(content=AXE_JS.read_text(encoding="utf-8"))
    result = target.evaluate(f"() => axe.run(document, {WCAG})")
    return [(v["id"], v["impact"], [n["target"] for n in v["nodes"]][:5]) for v in result["violations"]]


@pytest.mark.bot
def test_widget_answers_on_an_allowed_site(bot_stack, sites, new_page):
    allowed, _ = sites
    page = new_page()
    page.goto(allowed.url + "/")
    button = page.get_by_role("button", name=BUTTON_NAME)
    button.wait_for()
    assert button.get_attribute("aria-expanded") == "false"
    # The host page's CSS (pink buttons, serif) does not reach the widget.
    assert button.evaluate("b => getComputedStyle(b).backgroundColor") == "rgb(11, 79, 138)"
    # Nothing is loaded into the page before the visitor opens the chat.
    assert not any("/widget/panel" in f.url for f in page.frames)

    button.click()
    frame = panel_frame(page)
    assert button.get_attribute("aria-expanded") == "true"
    dialog = page.get_by_role("dialog")
    assert dialog.get_attribute("aria-modal") == "true" and "ThamTob" in dialog.inner_text()
    # Focus is in the chat input, inside the frame.
    page.wait_for_function(f"() => {SHADOW}.activeElement && {SHADOW}.activeElement.tagName === 'IFRAME'")
    frame.wait_for_function("() => document.activeElement.id === 'chat-input'")
    # The privacy notice: folded to its heading, one tap opens it.
    assert frame.locator("#notice").get_attribute("open") is None
    frame.locator("#notice summary").click()
    assert frame.locator("#notice").get_attribute("open") is not None
    assert "PDPA" in frame.locator("#notice").inner_text()
    frame.locator("#notice summary").click()

    for lang, question, expected in QUESTIONS:
        frame.locator(f".lang-btn[data-lang='{lang}']").click()
        text = ask(frame, question)
        assert any(x in text or x in text.lower() for x in expected), (lang, text, bot_stack.logs())
        card = frame.locator("#messages .msg-bot").last
        # One card: the answer, the source and date in small print, the 👍/👎 buttons at the bottom.
        assert card.locator(".card-text").count() >= 1
        assert card.locator(".card-feedback .quick button").count() == 2
        if card.locator(".card-meta").count():
            sizes = card.evaluate("""c => [c.querySelector('.card-text'), c.querySelector('.card-meta')]
                .map(e => parseFloat(getComputedStyle(e).fontSize))""")
            assert sizes[1] < sizes[0], sizes
        rows = bot_stack.wait_for_rows(question)  # the chat page's test may have asked it too: the last row
        assert rows and rows[-1]["channel"] == "widget", (rows, bot_stack.logs())
    shot(page, "widget-allowed-site-desktop")

    # Keyboard: Tab never leaves the widget; past the frame's last control comes the close button.
    seen = []
    for _ in range(20):
        page.keyboard.press("Tab")
        seen.append(focus_in_widget(page))
        assert seen[-1] != "outside", seen
        if seen[-1] == "close":
            break
    assert seen[-1] == "close", seen
    page.keyboard.press("Shift+Tab")  # back into the frame, at its last control
    assert focus_in_widget(page) == "frame"
    frame.wait_for_function("() => document.activeElement.id === 'new-chat-btn'")
    # Esc (pressed inside the frame) closes the panel and gives focus back to the button.
    frame.locator("#chat-input").focus()
    page.keyboard.press("Escape")
    page.wait_for_function(f"() => {SHADOW}.querySelector('[role=dialog]').hidden")
    assert focus_in_widget(page) == "launcher" and button.get_attribute("aria-expanded") == "false"
    # Reopened from the keyboard; Esc on the close button closes it as well.
    page.keyboard.press("Enter")
    page.wait_for_function(f"() => !{SHADOW}.querySelector('[role=dialog]').hidden")
    page.get_by_role("button", name=re.compile("ปิด|Close")).focus()
    page.keyboard.press("Escape")
    assert focus_in_widget(page) == "launcher"


@pytest.mark.bot
def test_widget_full_screen_on_a_phone(sites, new_page):
    allowed, _ = sites
    page = new_page(390, 800)
    page.goto(allowed.url + "/")
    page.get_by_role("button", name=BUTTON_NAME).click()
    frame = panel_frame(page)
    box = page.evaluate(f"() => {{ const r = {SHADOW}.querySelector('[role=dialog]').getBoundingClientRect();"
                        " return [r.x, r.y, r.width, r.height]; }")
    assert box == [0, 0, 390, 800], box
    assert frame.evaluate("document.documentElement.scrollWidth") <= 390
    assert frame.locator("#chat-input").bounding_box()["y"] < 800
    shot(page, "widget-allowed-site-phone-390")


@pytest.mark.bot
def test_widget_wcag_scan(sites, new_page):
    """axe-core finds no WCAG 2.0/2.1 A/AA violation in the panel, nor in the widget on the host page."""
    if not AXE_JS.exists():
        pytest.fail("axe-core missing: run `make setup-web`")
    allowed, _ = sites
    for width, height in ((1280, 860), (390, 800)):
        page = new_page(width, height, bypass_csp=True)  # to inject axe from disk
        page.goto(allowed.url + "/")
        page.get_by_role("button", name=BUTTON_NAME).click()
        frame = panel_frame(page)
        for lang in ("th", "en"):
            frame.locator(f".lang-btn[data-lang='{lang}']").click()
            assert axe_violations(frame) == [], (width, lang)
        assert axe_violations(page) == [], width


@pytest.mark.bot
def test_widget_refused_on_a_site_not_in_the_list(bot_stack, sites, new_page):
    allowed, refused = sites
    assert refused.url not in bot_stack.faq.env.get("THAMTOB_WIDGET_ORIGINS", "")
    page = new_page()
    config = []  # what became of the widget's config request: its status, or the browser's failure
    page.on("response", lambda r: "/widget/config" in r.url and config.append(r.status))
    page.on("requestfailed", lambda r: "/widget/config" in r.url and config.append(r.failure))
    page.goto(refused.url + "/", wait_until="networkidle")
    page.wait_for_timeout(1500)
    # No button: faq_service refused the widget's config request (403, no CORS headers).
    assert page.get_by_role("button", name=BUTTON_NAME).count() == 0
    assert page.evaluate("document.querySelector('[data-thamtob-widget]')") is None
    assert len(config) == 1 and config[0] != 200, config  # blocked by CORS: the page cannot read it
    assert any("CORS" in m for m in page.console), page.console
    assert any("ThamTob widget: not enabled for " + refused.url in m for m in page.console), page.console

    # A frame of the panel made by hand on that site is refused by the browser (frame-ancestors).
    page.goto(refused.url + "/frame.html")
    page.wait_for_timeout(1500)
    panel = next(f for f in page.frames if f != page.main_frame)
    assert "/widget/panel" not in panel.url or panel.evaluate("document.getElementById('chat-input')") is None
    assert any("frame-ancestors" in m for m in page.console), page.console
    # …while the allowed site may frame it.
    page.goto(allowed.url + "/frame.html")
    panel = next(f for f in page.frames if f != page.main_frame)
    panel.locator("#chat-input").wait_for()

    # The same requests by hand: a defined 403 in both languages, never a 500; and Rasa's CORS.
    for path in ("/widget/config?lang=th", "/widget/panel?lang=th"):
        r = httpx.get(bot_stack.faq.url + path, headers={"Origin": refused.url}, timeout=10)
        assert r.status_code == 403 and r.json()["message_th"] and refused.url in r.json()["message"], r.text
        assert "access-control-allow-origin" not in r.headers
        ok = httpx.get(bot_stack.faq.url + path, headers={"Origin": allowed.url}, timeout=10)
        assert ok.status_code == 200
    assert httpx.get(bot_stack.faq.url + "/widget/config?lang=th", headers={"Origin": allowed.url},
                     timeout=10).headers["access-control-allow-origin"] == allowed.url
    # Only the panel may be framed, and only by the listed site; the chat page itself by nobody.
    panel_page = httpx.get(bot_stack.faq.url + "/widget/panel?lang=en", timeout=10)
    assert panel_page.headers["content-security-policy"].endswith(f"frame-ancestors 'self' {allowed.url}")
    assert "x-frame-options" not in panel_page.headers
    chat_page = httpx.get(bot_stack.faq.url + "/", timeout=10)
    assert "frame-ancestors 'none'" in chat_page.headers["content-security-policy"]
    assert chat_page.headers["x-frame-options"] == "DENY"
    for origin, expected in ((refused.url, None), (allowed.url, allowed.url), (bot_stack.faq.url, bot_stack.faq.url)):
        r = httpx.options(bot_stack.rasa.url + "/webhooks/rest/webhook", timeout=10, headers={
            "Origin": origin, "Access-Control-Request-Method": "POST", "Access-Control-Request-Headers": "content-type"})
        assert r.headers.get("access-control-allow-origin") == expected, (origin, dict(r.headers))
