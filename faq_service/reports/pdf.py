"""HTML → PDF with headless Chromium (Debian's `chromium`, the browser the tests already drive).

Why not WeasyPrint, which rendered the report before: its PDFs look right but their Thai text layer is
broken, so a Thai reader can neither search nor copy. Pango positions a tone mark stacked over an upper
vowel (ขั้น, น้ำ, ผู้) with a vertical offset, and WeasyPrint draws every such glyph with a text rise,
which text extraction reads as a separate line: pdftotext gave "ขัน\\n้ ตอนดําเนิ นการ" for ขั้นตอนดำเนินการ.
No font (TLWG or Noto), font-feature setting or text-rendering value fixes that without turning the
mark positioning off, which misdraws the marks. Chromium writes each cluster's text with its glyphs, so
the extracted text is the original after NFKC, tone marks and all.

Each call starts one browser in a session of its own, with a throwaway profile, and ends the whole
session afterwards (a renderer left behind is killed with it). Scripts cannot run: the templates carry a
Content-Security-Policy that allows inline styles and data: images only, so nothing is fetched either.
"""
from __future__ import annotations

import os
import shutil
import signal
import subprocess
import tempfile
from pathlib import Path

CANDIDATES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
DEBIAN_CHROMIUM = Path("/usr/bin/chromium")
TIMEOUT_S = 120.0
FLAGS = (
    "--headless", "--disable-gpu", "--disable-dev-shm-usage", "--disable-extensions", "--disable-sync",
    "--disable-background-networking", "--disable-component-update", "--disable-default-apps",
    "--no-first-run", "--no-default-browser-check", "--mute-audio", "--hide-scrollbars",
    # The service runs as root in CI and in containers, where Chromium's sandbox cannot start; the page
    # is our own escaped template under a CSP that allows no script and no fetch.
    "--no-sandbox",
    "--no-pdf-header-footer", "--generate-pdf-document-outline",
)


class PdfUnavailable(RuntimeError):
    """No browser to print with, or it failed: the message says which and what to do."""


def chromium() -> str:
    for name in CANDIDATES:
        found = shutil.which(name)
        if found:
            return found
    if DEBIAN_CHROMIUM.exists():
        return str(DEBIAN_CHROMIUM)
    raise PdfUnavailable("PDF needs Chromium (Debian package `chromium`): run `make setup-report`")


def _end_session(proc: subprocess.Popen) -> None:
    """Kill what is left of the browser's session (the one this call started), then reap it."""
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    proc.wait()


def html_to_pdf(html: str, timeout: float = TIMEOUT_S) -> bytes:
    """The page printed as it would be by the browser (CSS @page size, margins and margin boxes)."""
    browser = chromium()
    with tempfile.TemporaryDirectory(prefix="thamtob-pdf-") as tmp:
        work = Path(tmp)
        page, out = work / "page.html", work / "page.pdf"
        page.write_text(html, encoding="utf-8")
        cmd = [browser, *FLAGS, f"--user-data-dir={work / 'profile'}", f"--disk-cache-dir={work / 'cache'}",
               f"--print-to-pdf={out}", page.as_uri()]
        # stderr to a file, not a pipe: a helper process that outlived the browser would hold a pipe open
        with open(work / "chromium.log", "wb") as log:
            proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=log,
                                    start_new_session=True)
            try:
                proc.wait(timeout)
            except subprocess.TimeoutExpired:
                _end_session(proc)
                raise PdfUnavailable(f"Chromium did not print the page within {timeout:.0f} s")
            _end_session(proc)
        data = out.read_bytes() if out.exists() else b""
        if proc.returncode != 0 or not data.startswith(b"%PDF-"):
            tail = (work / "chromium.log").read_text("utf-8", "replace").strip().splitlines()[-3:]
            raise PdfUnavailable(f"Chromium exited with {proc.returncode} and no PDF: {' | '.join(tail)}")
        return data
