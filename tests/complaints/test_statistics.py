"""Complaint statistics: the aggregates over a period with the working-day calendar (SQLite and
PostgreSQL), the public page's "fewer than 5" rule, and the page itself against the real service on
both databases, fed through the public complaint API."""
from __future__ import annotations

import base64
import re
import secrets
import uuid
from datetime import date, datetime, timezone

import httpx
import pytest

from faq_service.complaints import statistics
from faq_service.complaints.statistics_pages import CSP, suppress
from faq_service.core.db import Database
from faq_service.core.migrations import migrate
from faq_service.measures.periods import FiscalYear, Period
from tests.conftest import new_database_url
from tests.reports import synthetic
from tests.reports.synthetic import bkk
from tests.support.browser import chromium
from tests.support.procs import REPO, start_faq_service

PAGE = "/complaints/statistics"
AXE_JS = REPO / "faq_service" / "web" / "node_modules" / "axe-core" / "axe.min.js"
PHONE = (375, 740)
CELL = re.compile(r'data-cell="([^"]+)">(.*?)</(?:td|dd)>', re.S)


# --- the aggregates ------------------------------------------------------------------------------

@pytest.fixture(scope="module", params=["sqlite", "postgres"])
def db(request, tmp_path_factory, postgres_dbs):
    database = Database(new_database_url(request.param, tmp_path_factory.mktemp(f"stats-{request.param}"),
                                         postgres_dbs))
    migrate(database)
    synthetic.load(database)  # eight complaints whose figures are worked out in tests/reports/test_figures.py
    yield database
    database.engine.dispose()


def test_holidays_move_the_acknowledgement_deadline(db):
    h1 = Period(2563, 1)
    with db.session() as s:
        weekends_only = statistics.compute(s, h1.start, h1.end, 3, None, now=bkk(2020, 4, 1, 10, 0))
        new_year_off = statistics.compute(s, h1.start, h1.end, 3, {date(2020, 1, 1): "New Year's Day"},
                                          now=bkk(2020, 4, 1, 10, 0))
    # c3, received Tue 31 Dec 23:30 and answered Mon 6 Jan, is late unless 1 Jan is not a working day
    assert (weekends_only.ack_due, weekends_only.ack_in_time) == (4, 2)
    assert (new_year_off.ack_due, new_year_off.ack_in_time, new_year_off.ack_in_time_pct) == (4, 3, 75.0)
    with db.session() as s:
        one_day = statistics.compute(s, h1.start, h1.end, 1, None, now=bkk(2020, 4, 1, 10, 0))
    assert (one_day.ack_due, one_day.ack_in_time) == (4, 0)  # nobody answered on the next working day


def test_a_whole_fiscal_year(db):
    start, end = statistics.fiscal_window(2563)
    assert (start, end) == (Period(2563, 1).start, Period(2563, 2).end)
    with db.session() as s:
        year = statistics.compute(s, start, end, 3, None, now=bkk(2020, 10, 1))
        assert statistics.first_fiscal_year(s) == 2562  # c6, received 30 Sep 2019
    assert year.received == 7  # c1–c5, c7, c8
    assert year.by_mode == {"named": 2, "confidential": 5}
    assert year.closed == 5 and year.median_days_to_close == 10.0  # of 4.0, 5.4, 10.0, 20.0, 147.0
    with pytest.raises(ValueError):
        statistics.fiscal_window(2020)  # a Christian-era year is refused, as for a half


def test_the_fewer_than_5_rule():
    assert suppress({"a": 7, "b": 5, "c": 0}) == {"a": 7, "b": None, "c": None}  # c alone hidden: b too
    assert suppress({"a": 7, "b": 6, "c": 1, "d": 2}) == {"a": 7, "b": 6, "c": None, "d": None}
    assert suppress({"named": 0, "confidential": 9}) == {"named": None, "confidential": None}
    assert suppress({"named": 0, "confidential": 9}, total_shown=False) == {"named": None, "confidential": 9}
    assert suppress({"a": 5, "b": 12}) == {"a": 5, "b": 12}


# --- the page, on the real service ---------------------------------------------------------------

@pytest.fixture(scope="module", params=["sqlite", "postgres"])
def service(request, tmp_path_factory, postgres_dbs, artifacts_dir):
    tmp = tmp_path_factory.mktemp(f"complaint-stats-{request.param}")
    url = new_database_url(request.param, tmp, postgres_dbs)
    proc = start_faq_service(artifacts_dir / f"logs-complaint-stats-{request.param}", url, deadline=300, extra_env={
        "THAMTOB_COMPLAINTS_KEY": base64.b64encode(secrets.token_bytes(32)).decode(),
        "THAMTOB_COMPLAINT_RATE_LIMIT": "100"})
    proc.backend = request.param
    yield proc
    proc.stop()


MARKER = f"STATMARKER{uuid.uuid4().hex[:10]}"
# (kind, mode, channel, how many): 14 complaints received now, in the current fiscal year and half
SUBMISSIONS = [("corruption", "confidential", "web", 6), ("corruption", "named", "chat", 1),
               ("procurement", "confidential", "web", 2), ("service", "confidential", "chat", 5)]


@pytest.fixture(scope="module")
def submitted(service):
    codes = []
    for kind, mode, channel, n in SUBMISSIONS:
        for _ in range(n):
            data = {"kind": kind, "mode": mode, "channel": channel, "description": f"statistics test {MARKER}"}
            if mode == "named":
                data.update(name="Somsri Test", contact="somsri@example.org")
            r = httpx.post(f"{service.url}/api/v1/complaints", data=data, timeout=60)
            assert r.status_code == 201, r.text
            codes.append(r.json()["tracking_code"])
    return codes


def cells(html: str) -> dict[str, str]:
    return {name: re.sub(r"<[^>]+>", "", value).strip() for name, value in CELL.findall(html)}


def test_the_page_counts_what_the_api_received(service, submitted):
    now = Period.containing(datetime.now(timezone.utc))
    for params in ({"fy": now.fiscal_year, "half": now.half, "lang": "en"}, {"lang": "en"}):  # the half; the year
        r = httpx.get(service.url + PAGE, params=params)
        assert r.status_code == 200, r.text
        c = cells(r.text)
        assert c["received"] == "14"
        assert (c["kind_corruption"], c["kind_service"]) == ("7", "5")
        assert c["kind_procurement"] == c["kind_personnel"] == c["kind_other"] == "fewer than 5"  # 2, 0, 0
        # one named complaint: hidden, and so is the confidential count, which the total would give away
        assert c["mode_named"] == c["mode_confidential"] == "fewer than 5"
        assert (c["channel_web"], c["channel_chat"], c["channel_phone"]) == ("8", "6", "fewer than 5")
        # none closed or due yet: nothing to show there
        assert c["closed"] == "fewer than 5"
        assert c["ack_pct"] == c["median_days"] == "not shown (fewer than 5 complaints)"
    assert f"Fiscal year {now.fiscal_year}" in r.text
    assert MARKER not in r.text and not any(code in r.text for code in submitted)


def test_the_page_in_thai_and_for_a_period_without_complaints(service, submitted):
    r = httpx.get(service.url + PAGE)  # Thai by default
    assert r.status_code == 200 and '<html lang="th">' in r.text
    c = cells(r.text)
    assert c["received"] == "14" and c["kind_corruption"] == "7" and c["kind_procurement"] == "น้อยกว่า 5"
    assert "สถิติเรื่องร้องเรียน" in r.text and "ปีงบประมาณ" in r.text
    last_year = FiscalYear.containing(datetime.now(timezone.utc)).be - 1
    empty = cells(httpx.get(service.url + PAGE, params={"fy": last_year, "lang": "en"}).text)
    assert empty["received"] == "fewer than 5" and empty["kind_corruption"] == "fewer than 5"


def test_the_page_loads_nothing_from_elsewhere(service, submitted):
    r = httpx.get(service.url + PAGE, params={"lang": "en"})
    assert r.headers["content-security-policy"] == CSP
    assert "script-src" not in CSP and "default-src 'none'" in CSP
    assert r.headers["x-content-type-options"] == "nosniff"
    assert "<script" not in r.text
    for url in re.findall(r'(?:href|src)="([^"]+)"', r.text):
        assert url.startswith(("/", "#", "data:")), url  # this host only
    css = httpx.get(service.url + "/complaints/statistics.css")
    assert css.status_code == 200 and css.headers["content-type"].startswith("text/css")
    assert "url(" not in css.text and "@import" not in css.text


@pytest.mark.parametrize("query,status", [({"fy": "abc"}, 422), ({"fy": 2020}, 422), ({"half": 3}, 422),
                                          ({"half": 0}, 422), ({"lang": "xx"}, 200)])
def test_bad_input_is_a_4xx_never_a_500(service, query, status):
    r = httpx.get(service.url + PAGE, params=query)
    assert r.status_code == status, r.text
    if status == 422:
        assert r.json()["message_th"] and r.json()["message"]


def test_the_page_at_phone_width_is_accessible(service, submitted, artifacts_dir):
    """Nothing wider than a phone's screen, every link reachable by keyboard, and axe-core (run under the
    page's own CSP) finds no WCAG 2.1 A/AA violation, in Thai and in English."""
    if not AXE_JS.exists():
        pytest.fail("axe-core missing: run `make setup-web`")
    shots = artifacts_dir / "complaints"
    shots.mkdir(parents=True, exist_ok=True)
    with chromium() as browser:
        page = browser.new_page(viewport={"width": PHONE[0], "height": PHONE[1]})
        blocked = []
        page.on("console", lambda m: blocked.append(m.text) if "Content Security Policy" in m.text else None)
        for lang in ("th", "en"):
            page.goto(f"{service.url}{PAGE}?lang={lang}")
            assert page.evaluate("document.documentElement.scrollWidth") <= PHONE[0]
            assert page.evaluate("getComputedStyle(document.querySelector('table.counts')).borderCollapse") == \
                "collapse"  # the stylesheet loaded under the CSP
            page.evaluate(AXE_JS.read_text(encoding="utf-8"))
            result = page.evaluate("""() => axe.run(document, {runOnly: {type: 'tag',
                values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}})""")
            assert [(v["id"], [n["target"] for n in v["nodes"]][:3]) for v in result["violations"]] == []
            page.keyboard.press("Tab")
            assert page.evaluate("document.activeElement.className") == "skip-link"
            page.screenshot(path=str(shots / f"statistics-{service.backend}-{lang}.png"),
                            full_page=True)
        assert blocked == []
