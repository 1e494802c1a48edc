"""Staff API of the six-month report (/api/v1/staff/reports): its automatic figures and the report
file (HTML, PDF, XLSX) for one half of a fiscal year."""
from __future__ import annotations

from typing import Literal

from fastapi import APIRouter, Depends, Path, Query
from fastapi.responses import Response

from faq_service.core.auth.deps import CurrentUser, require_role, role_extra
from faq_service.core.deps import SessionRunner, session_runner
from faq_service.measures.periods import Period, period_of

router = APIRouter(prefix="/api/v1/staff", tags=["staff"])
# The report file's media types, as the OpenAPI states them (reports/render.py MEDIA_TYPES).
REPORT_TYPES = {media: {} for media in ("text/html", "application/pdf",
                                        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")}
REPORT_CSP = ("default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; "
              "form-action 'none'; frame-ancestors 'none'")


def report_bytes(s, period: Period, fmt: str, lang: str) -> bytes:
    from faq_service.reports.render import render_report
    from faq_service.reports.report import build

    return render_report(build(s, period, lang), fmt)


def figures_view(s, period: Period) -> dict:
    from dataclasses import asdict

    from faq_service.reports.figures import compute

    f = compute(s, period)
    out = asdict(f)
    out.update(period=period.key, start=period.start, end=period.end, answered_pct=f.answered_pct,
               answered_from_document_pct=f.document_pct,
               suggested_pct=f.suggested_pct, declined_pct=f.declined_pct,
               months=[{"month": m.month.isoformat(), "asked": m.asked, "answered": m.answered}
                       for m in f.months],
               top_unanswered=[{"question": q, "count": n} for q, n in f.top_unanswered],
               channels=[{**asdict(c), "answered_pct": c.answered_pct, "helpful_pct": c.helpful_pct}
                         for c in f.channels])
    if f.complaints is not None:
        out["complaints"]["ack_in_time_pct"] = f.complaints.ack_in_time_pct
    return out


def download(data: bytes, period: Period, fmt: str, inline: bool = False) -> Response:
    from faq_service.reports.render import MEDIA_TYPES

    name = f"thamtob-ita-report-{period.key.lower()}.{fmt}"
    headers = {"Content-Disposition": f'{"inline" if inline else "attachment"}; filename="{name}"',
               "Cache-Control": "no-store", "X-Content-Type-Options": "nosniff"}
    if fmt == "html":
        headers["Content-Security-Policy"] = REPORT_CSP
    return Response(data, media_type=MEDIA_TYPES[fmt], headers=headers)


@router.get("/reports/figures", openapi_extra=role_extra("viewer"))
def report_figures(fy: int = Query(..., ge=2400, le=2700), half: int = Query(..., ge=1, le=2),
                   user: CurrentUser = Depends(require_role("viewer")), run: SessionRunner = Depends(session_runner)) -> dict:
    """The automatic figures of a period (question log, knowledge base and complaint counts)."""
    return run.here(figures_view, period_of(fy, half))


@router.get("/reports/{fy}/{half}/{fmt}", openapi_extra=role_extra("viewer"), response_class=Response,
            responses={200: {"description": "the report file", "content": REPORT_TYPES}})
async def report_file(fmt: Literal["html", "pdf", "xlsx"], fy: int = Path(ge=2400, le=2700),
                      half: int = Path(ge=1, le=2), lang: Literal["th", "en"] = "th",
                      user: CurrentUser = Depends(require_role("viewer")), run: SessionRunner = Depends(session_runner)):
    """The six-month report as html, pdf or xlsx."""
    period = period_of(fy, half)
    data = await run(report_bytes, period, fmt, lang)
    return download(data, period, fmt)
