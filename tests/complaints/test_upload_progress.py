"""The report form shows how much of an upload has gone: at phone width in Chromium, a ~2 MB PDF sent over
a slowed upload moves the bar (role=progressbar, aria-valuenow 0-100, labelled in the page's language)
from 0 through values in between to 100, and the report is received. On SQLite and PostgreSQL."""
from __future__ import annotations

import io
import secrets

from pypdf import PdfWriter
from pypdf.generic import DecodedStreamObject, NameObject

from tests.complaints.test_complaint_pages import CODE, complaint_count, new_page, site, t  # noqa: F401

SIZE = 2 * 1024 * 1024
# Chromium's own network emulation, so the upload takes a few seconds even to 127.0.0.1.
SLOW_UPLOAD = {"offline": False, "latency": 20, "downloadThroughput": -1, "uploadThroughput": 512 * 1024}


def two_mb_pdf() -> bytes:
    """A valid one-page PDF of about 2 MB (its content stream is comment lines)."""
    writer = PdfWriter()
    page = writer.add_blank_page(width=200, height=200)
    lines = b"".join(b"% " + secrets.token_hex(32).encode() + b"\n" for _ in range(SIZE // 67))
    stream = DecodedStreamObject()
    stream.set_data(lines + b"0 0 m 10 10 l S\n")
    page[NameObject("/Contents")] = writer._add_object(stream)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def watch_bar(page) -> None:
    """Every aria-valuenow the bar takes, in order, kept in window.barValues."""
    page.evaluate("""() => {
        const bar = document.querySelector('#submit-progress [role=progressbar]');
        window.barValues = [];
        new MutationObserver(() => window.barValues.push(Number(bar.getAttribute('aria-valuenow'))))
            .observe(bar, {attributes: true, attributeFilter: ['aria-valuenow']});
    }""")


def test_a_2mb_pdf_moves_the_bar_to_100_and_is_received(site, new_page):
    page, watch = new_page()
    before = complaint_count(site)
    pdf = two_mb_pdf()
    assert 1.9 * 1024 * 1024 < len(pdf) < 2.2 * 1024 * 1024
    page.goto(f"{site.url}/complaints?kind=procurement&mode=confidential&lang=en")
    bar = page.locator("#submit-progress [role=progressbar]")
    assert bar.get_attribute("aria-valuemin") == "0" and bar.get_attribute("aria-valuemax") == "100"
    label = page.locator(f"#{bar.get_attribute('aria-labelledby')}")
    assert label.inner_text() == t("en", "progress_label")
    page.get_by_role("link", name="ไทย").click()
    assert label.inner_text() == t("th", "progress_label")
    page.get_by_role("link", name="English").click()

    page.locator("#description").fill("The tender documents were changed after the deadline")
    page.locator("#evidence").set_input_files([{"name": "tender.pdf", "mimeType": "application/pdf",
                                                "buffer": pdf}])
    watch_bar(page)
    cdp = page.context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.emulateNetworkConditions", SLOW_UPLOAD)
    assert bar.get_attribute("aria-valuenow") == "0"
    page.locator("#submit-btn").click()
    page.locator("#done").wait_for(timeout=90_000)

    seen = page.evaluate("window.barValues")
    assert seen and seen[-1] == 100, seen
    assert seen == sorted(seen), seen
    assert any(0 < v < 100 for v in seen), seen  # it moved, not only jumped to the end
    assert CODE.match(page.locator("#done-code").inner_text().strip())
    assert complaint_count(site) == before + 1
    assert watch.non_local() == [] and watch.errors == [], watch.errors
