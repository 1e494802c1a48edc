"""The sentences of an answer that answer the question are bold, on the chat page and in the widget on
another site, through the whole stack (faq_service + action server + Rasa) and headless Chromium.

The question is answered from a passage of the sample integrity report (data/documents). The same question
asked of /api/v1/ask gives the answer and its `source.highlights`; in the card, the <strong> elements hold
exactly those sentences, they are rendered bold, and the rest of the answer is not."""
from __future__ import annotations

import sys
from pathlib import Path

import httpx
import pytest

REPO = Path(__file__).resolve().parents[2]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from tests.support.browser import ask_in_chat, contexts_of  # noqa: E402
from tests.support.widget_site import BUTTON_NAME, Site, panel_frame  # noqa: E402

ARTIFACTS = REPO / "test-artifacts" / "web"
QUESTION = "มาตรการเรื่องการมอบหมายงานของผู้บังคับบัญชาอย่างเป็นธรรม มีขั้นตอนดำเนินการอะไรบ้าง"
# Per text node of the card's answer paragraph: its text and the computed weight of the element holding it.
TEXT_WEIGHTS = """p => {
    const walker = document.createTreeWalker(p, NodeFilter.SHOW_TEXT);
    const out = [];
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
        out.push([n.textContent, parseInt(getComputedStyle(n.parentElement).fontWeight, 10),
                  n.parentElement.tagName]);
    }
    return out; }"""


@pytest.fixture(scope="module")
def expected(bot_stack):
    """The answer and the sentences the API marks in it."""
    body = httpx.post(f"{bot_stack.faq.url}/api/v1/ask", json={"question": QUESTION}, timeout=60).json()
    assert body["outcome"] == "answered_from_document", body
    answer = body["answer"].strip()
    spans = body["source"]["highlights"]
    assert spans and sum(b - a for a, b in spans) < len(answer), "a part of the answer, not all of it"
    return answer, [answer[a:b] for a, b in spans]


@pytest.fixture()
def new_page(browser):
    with contexts_of(browser) as new_context:
        def make():
            page = new_context(viewport={"width": 1280, "height": 900}, locale="th-TH").new_page()
            page.set_default_timeout(45_000)
            return page
        yield make


def ask_and_check(target, bot_stack, expected) -> None:
    """Ask in `target` (the page or the widget's frame) and check the new card's bold text."""
    answer, sentences = expected
    target.locator("#messages .msg-bot[data-welcome]").wait_for()
    paragraph = ask_in_chat(target, QUESTION, bot_stack.logs).locator(".card-text").first
    assert paragraph.text_content() == answer, (paragraph.text_content(), bot_stack.logs())
    assert paragraph.locator("strong").all_text_contents() == sentences
    nodes = paragraph.evaluate(TEXT_WEIGHTS)
    assert "".join(text for text, _, _ in nodes) == answer
    # Every piece is either a marked sentence, bold, or the rest, in the paragraph's normal weight.
    assert all((tag == "STRONG" and weight >= 700) or (tag == "P" and weight < 600) for _, weight, tag in nodes), nodes
    bold = [text for text, weight, _ in nodes if weight >= 700]
    plain = [text for text, weight, _ in nodes if weight < 600]
    assert bold == sentences, nodes
    rest = answer
    for sentence in sentences:
        rest = rest.replace(sentence, "", 1)
    assert "".join(plain) == rest


@pytest.mark.bot
def test_the_chat_page_bolds_the_highlighted_sentences(bot_stack, expected, new_page):
    page = new_page()
    page.goto(bot_stack.faq.url + "/")
    ask_and_check(page, bot_stack, expected)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "highlights-chat-page.png"))


@pytest.mark.bot
def test_the_widget_bolds_the_highlighted_sentences(bot_stack, expected, new_page):
    site = Site(bot_stack.widget_port, bot_stack.faq.url)
    try:
        page = new_page()
        page.goto(site.url + "/")
        page.get_by_role("button", name=BUTTON_NAME).click()
        ask_and_check(panel_frame(page), bot_stack, expected)
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "highlights-widget.png"))
    finally:
        site.close()
