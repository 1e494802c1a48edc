"""Debian Chromium driven by Playwright (never Playwright's own browser download)."""
from __future__ import annotations

from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

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
