"""Debian Chromium driven by Playwright (never Playwright's own browser download)."""
from __future__ import annotations

from contextlib import contextmanager
from pathlib import Path
from typing import Callable, Iterator

import playwright.sync_api as pw_sync  # a missing Playwright is a failure, not a skip
import pytest

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run"]


@contextmanager
def chromium() -> Iterator[pw_sync.Browser]:
    if not CHROMIUM.exists():
        pytest.fail("Debian Chromium missing at /usr/bin/chromium: run `make setup-browser`")
    with pw_sync.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


@contextmanager
def contexts_of(browser: pw_sync.Browser) -> Iterator[Callable[..., pw_sync.BrowserContext]]:
    """A maker of browser contexts for one test, each closed when the block ends. Service workers are
    blocked in all of them, so every request a page makes is seen by the test's route handlers."""
    opened: list[pw_sync.BrowserContext] = []

    def new_context(**options) -> pw_sync.BrowserContext:
        ctx = browser.new_context(service_workers="block", **options)
        opened.append(ctx)
        return ctx
    try:
        yield new_context
    finally:
        for ctx in opened:
            ctx.close()


def ask_in_chat(target, question: str, detail: Callable[[], object] | None = None) -> pw_sync.Locator:
    """Type a question in the chat (the page, or the widget's panel frame), wait until it is sent and its
    reply shown, and return the reply's card: the whole reply must be that one new card. `detail` adds
    what to show when it is not (the stack's logs)."""
    before = target.locator("#messages .msg-bot").count()
    box = target.locator("#chat-input")
    box.fill(question)
    box.press("Enter")
    target.locator("#messages .msg-user", has_text=question).wait_for()
    target.wait_for_function("() => document.getElementById('status').textContent === ''")
    cards = target.locator("#messages .msg-bot")
    assert cards.count() == before + 1, (cards.all_inner_texts()[before:], detail() if detail else None)
    return cards.nth(before)
