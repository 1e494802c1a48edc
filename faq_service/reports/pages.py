"""Console page of the six-month report (/console/reports): the period's figures, preview and
downloads."""
from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter, Depends, HTTPException, Request

from faq_service.console.login import page_user
from faq_service.console.render import DomainTexts, page, register_nav, register_template_dir, request_lang
from faq_service.core.auth.deps import CurrentUser
from faq_service.core.deps import SessionRunner, session_runner
from faq_service.measures.periods import period_of
from faq_service.reports.api import download, figures_view, report_bytes
from faq_service.reports.content import channel_label

pages = APIRouter(prefix="/console", include_in_schema=False)
TEXTS = DomainTexts(Path(__file__).parent / "console.yml")


@pages.get("/reports")
def reports_page(request: Request, fy: int = 2563, half: int = 1, user: CurrentUser = Depends(page_user("viewer")),
                 run: SessionRunner = Depends(session_runner)):
    period = period_of(fy, half)
    figures = run.here(figures_view, period)
    lang = request_lang(request)
    return page(request, user, "reports.html", m=TEXTS.for_request(request), period=period, fig=figures,
                channel_label=lambda channel: channel_label(channel, lang))


@pages.get("/reports/file")
async def report_page_file(request: Request, fy: int, half: int, format: str = "html",
                           user: CurrentUser = Depends(page_user("viewer")), run: SessionRunner = Depends(session_runner)):
    if format not in ("html", "pdf", "xlsx"):
        raise HTTPException(404, "format is html, pdf or xlsx")
    period = period_of(fy, half)
    data = await run(report_bytes, period, format, request_lang(request))
    return download(data, period, format, inline=format == "html")


def install(app, settings) -> None:
    register_template_dir(Path(__file__).parent / "templates")
    register_nav("/console/reports", "รายงาน 6 เดือน", "Six-month report", "viewer", order=80)
