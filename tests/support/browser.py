"""Debian Chromium driven by Playwright (never Playwright's own browser download)."""
from __future__ import annotations

import re
from contextlib import contextmanager
from pathlib import Path
from typing import Callable, Iterator
from urllib.parse import urlsplit

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


LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1", "[::1]"}
_NOT_LOCAL = re.compile(r"^(?!https?://(127\.0\.0\.1|localhost|\[::1\])[:/]).*")


def is_local(url: str, error_pages: bool = False) -> bool:
    """A URL on this machine or inside the page (data:, blob:, about:); with `error_pages`, Chromium's
    own error page too (what a refused navigation shows)."""
    parts = urlsplit(url)
    schemes = ("data", "blob", "about", "chrome-error") if error_pages else ("data", "blob", "about")
    return parts.scheme in schemes or parts.hostname in LOCAL_HOSTS


class PageWatch:
    """Every request (and websocket) a context's pages open, anything not on this machine aborted as
    well as recorded, and the pages' console errors."""

    def __init__(self, context: pw_sync.BrowserContext, error_pages_local: bool = False) -> None:
        self.requests: list[pw_sync.Request] = []
        self.urls: list[str] = []  # requests' and websockets' URLs
        self.errors: list[str] = []
        self.error_pages_local = error_pages_local
        context.on("request", self._record)
        context.route(_NOT_LOCAL, lambda route: route.abort() if not self.is_local(route.request.url)
                      else route.continue_())

    def _record(self, request: pw_sync.Request) -> None:
        self.requests.append(request)
        self.urls.append(request.url)

    def is_local(self, url: str) -> bool:
        return is_local(url, self.error_pages_local)

    def watch(self, page: pw_sync.Page) -> None:
        page.on("websocket", lambda ws: self.urls.append(ws.url))
        page.on("console", lambda m: m.type == "error" and self.errors.append(m.text))
        page.on("pageerror", lambda e: self.errors.append(str(e)))

    def non_local(self) -> list[str]:
        return [u for u in self.urls if not self.is_local(u)]


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
