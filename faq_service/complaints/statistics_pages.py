"""The public complaint statistics page: GET /complaints/statistics, Thai and English (?lang=th|en), no
login, for a fiscal year (?fy=2568, Buddhist Era; default the current one) or one of its halves
(?half=1|2). It shows the same aggregates as the six-month report (complaints/statistics.py) and
nothing else: no complaint, no date of one, no detail.

Small counts could point at a person (the one named complaint about procurement this half), so every
count below MIN_CELL is shown as "fewer than 5"; when that would hide a single count of a table whose
total is shown, the next smallest count is hidden too, or it could be worked out by subtraction. A share
or median resting on fewer than MIN_CELL complaints is not shown either.

The page is plain HTML with its own stylesheet, no script and no third-party asset, under a CSP as
strict as the chat page's. Texts in statistics.yml (both languages, same keys, checked at start-up).
"""
from __future__ import annotations

from datetime import date, datetime
from functools import lru_cache
from pathlib import Path
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, FastAPI, Query, Request
from fastapi.responses import HTMLResponse, Response
from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from pythainlp.util import thai_strftime

from faq_service.complaints import statistics
from faq_service.complaints.models import CHANNELS, KINDS, MODES, OUTCOMES
from faq_service.complaints.texts import load_page_texts
from faq_service.core.db import utcnow
from faq_service.core.deps import AppState, SessionRunner, app_state, session_runner
from faq_service.measures.periods import FiscalYear, Period

HERE = Path(__file__).resolve().parent
TEXTS_PATH = HERE / "statistics.yml"
CSS_PATH = HERE / "statistics.css"
LANGS = ("th", "en")
MIN_CELL = 5
EN_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
PAGE_PATH = "/complaints/statistics"
CSS_URL = "/complaints/statistics.css"

# Its own stylesheet and nothing else: no script, no fetch, no frame, no form.
CSP = ("default-src 'none'; style-src 'self'; img-src data:; base-uri 'none'; form-action 'none'; "
       "frame-ancestors 'none'")
HEADERS = {"Content-Security-Policy": CSP, "X-Content-Type-Options": "nosniff", "Referrer-Policy": "no-referrer",
           "Cache-Control": "no-cache", "X-Frame-Options": "DENY"}

_env = Environment(loader=FileSystemLoader(str(HERE / "templates")), autoescape=select_autoescape(["html"]),
                   undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True)
router = APIRouter(include_in_schema=False)


def _label_keys() -> set[str]:
    return ({f"kind_{k}" for k in KINDS} | {f"mode_{m}" for m in MODES} | {f"channel_{c}" for c in CHANNELS}
            | {f"outcome_{o}" for o in OUTCOMES})


@lru_cache(maxsize=1)
def load_texts() -> dict[str, dict[str, str]]:
    return load_page_texts(TEXTS_PATH, _label_keys())


@lru_cache(maxsize=1)
def _css() -> bytes:
    return CSS_PATH.read_bytes()


def suppress(counts: dict[str, int], total_shown: bool = True) -> dict[str, int | None]:
    """Counts as the public may see them: None for a count below MIN_CELL; and when that hides exactly
    one count of a table whose total is shown, the smallest shown count is hidden as well."""
    out: dict[str, int | None] = {k: (n if n >= MIN_CELL else None) for k, n in counts.items()}
    hidden = [k for k, v in out.items() if v is None]
    shown = [k for k, v in out.items() if v is not None]
    if total_shown and len(hidden) == 1 and shown:
        out[min(shown, key=lambda k: (counts[k], k))] = None
    return out


def public_view(stats: statistics.ComplaintStats) -> dict:
    """What the page may show of the period's figures; None stands for a number it must not show."""
    received = stats.received if stats.received >= MIN_CELL else None
    closed = stats.closed if stats.closed >= MIN_CELL else None
    return {
        "received": received,
        "tables": [("by_kind", "kind_", suppress(stats.by_kind, received is not None)),
                   ("by_mode", "mode_", suppress(stats.by_mode, received is not None)),
                   ("by_channel", "channel_", suppress(stats.by_channel, received is not None))],
        "ack_days": stats.ack_days,
        "ack_pct": stats.ack_in_time_pct if stats.ack_due >= MIN_CELL else None,
        "closed": closed,
        "outcomes": ("by_outcome", "outcome_", suppress(stats.by_outcome, closed is not None)),
        "median_days": stats.median_days_to_close if stats.closed >= MIN_CELL else None,
    }


def _date(day: date, lang: str) -> str:
    if lang == "th":
        return thai_strftime(datetime(day.year, day.month, day.day), "%-d %b %Y")
    return f"{day.day} {EN_MONTHS[day.month - 1]} {day.year}"


def _bounds(fy: int, half: int | None) -> tuple[date, date]:
    if half is None:
        year = FiscalYear(fy)
        return year.first_day, year.last_day
    period = Period(fy, half)
    return period.first_day, period.last_day


def _url(root: str, lang: str, fy: int, half: int | None) -> str:
    query = {"lang": lang, "fy": fy, **({"half": half} if half else {})}
    return f"{root}{PAGE_PATH}?{urlencode(query)}"


def periods_menu(root: str, lang: str, first_fy: int, now: datetime, chosen: tuple[int, int | None]) -> list[dict]:
    """Every fiscal year from the first complaint's to the current one, newest first, each as the whole
    year and the halves that have begun."""
    current = FiscalYear.containing(now).be
    years = []
    for fy in range(current, min(first_fy, current) - 1, -1):
        parts = [{"key": "whole_year", "url": _url(root, lang, fy, None), "current": chosen == (fy, None)}]
        for half in (1, 2):
            if Period(fy, half).start <= now:
                parts.append({"key": f"half_{half}", "url": _url(root, lang, fy, half),
                              "current": chosen == (fy, half)})
        years.append({"fy": fy, "parts": parts})
    return years


def _figures(session, start: datetime, end: datetime, settings, now: datetime):
    return statistics.compute_for(session, start, end, settings, now), statistics.first_fiscal_year(session)


@router.get(PAGE_PATH, response_class=HTMLResponse)
def statistics_page(request: Request, fy: int | None = Query(None, ge=2400, le=2700),
                    half: int | None = Query(None, ge=1, le=2), state: AppState = Depends(app_state),
                    run: SessionRunner = Depends(session_runner)) -> HTMLResponse:
    """Complaint counts of a fiscal year or half; counts below 5 are not shown."""
    lang = request.query_params.get("lang")
    lang = lang if lang in LANGS else "th"
    texts = load_texts()[lang]
    now = utcnow()
    fy = fy or FiscalYear.containing(now).be
    start, end = statistics.fiscal_window(fy, half)
    stats, first_fy = run.here(_figures, start, end, state.settings, now)
    root = request.scope.get("root_path", "").rstrip("/")
    first_day, last_day = _bounds(fy, half)
    html = _env.get_template("statistics.html").render(
        lang=lang, t=texts, view=public_view(stats), css_url=root + CSS_URL,
        heading=texts["period_heading"].format(fy=fy, part=texts[f"half_{half}"] if half else texts["whole_year"],
                                               start=_date(first_day, lang), end=_date(last_day, lang)),
        periods=periods_menu(root, lang, first_fy or FiscalYear.containing(now).be, now, (fy, half)),
        lang_urls={code: _url(root, code, fy, half) for code in LANGS},
        links={"form": f"{root}/complaints?lang={lang}", "status": f"{root}/complaints/status?lang={lang}",
               "chat": f"{root}/"})
    return HTMLResponse(html, headers=HEADERS)


@router.get(CSS_URL)
def statistics_css() -> Response:
    return Response(_css(), media_type="text/css; charset=utf-8",
                    headers={"X-Content-Type-Options": "nosniff", "Cache-Control": "public, max-age=3600"})


def install(app: FastAPI, settings) -> None:
    """Read the texts and the stylesheet now: a broken file stops the start, not the first visitor."""
    load_texts()
    _css()
