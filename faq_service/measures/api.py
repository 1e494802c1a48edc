"""Staff API (/api/v1/staff/measures, /api/v1/staff/reports) and console pages (/console/measures,
/console/reports) for ITA measures and the six-month report. Viewers read; editors edit."""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from fastapi import APIRouter, Depends, FastAPI, HTTPException, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import Response

from faq_service.console.pages import page_user, see_other
from faq_service.console.render import page, register_nav, register_template_dir, request_lang
from faq_service.deps import AppState, app_state
from faq_service.measures import service
from faq_service.measures.periods import Period
from faq_service.measures.schemas import (MeasurePatch, ResultPut, StepPatch, history_out, measure_out,
                                          result_out, step_out)
from faq_service.staff.api import role_extra
from faq_service.staff.audit import audit
from faq_service.staff.deps import CurrentUser, require_role

router = APIRouter(prefix="/api/v1/staff", tags=["staff"])
pages = APIRouter(prefix="/console", include_in_schema=False)
REPORT_CSP = ("default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; "
              "form-action 'none'; frame-ancestors 'none'")


def _period(fy: int, half: int) -> Period:
    try:
        return Period(fy, half)
    except ValueError as exc:
        raise HTTPException(422, str(exc))


def _run(state: AppState, fn, *args, **kwargs):
    try:
        with state.db.session() as s:
            return fn(s, *args, **kwargs)
    except LookupError as exc:
        raise HTTPException(404, str(exc))
    except service.MeasureError as exc:
        raise HTTPException(409 if "changed by someone else" in str(exc) else 422, str(exc))


# ------------------------------------------------------------------ services the routes share
def _list(s, fy):
    return [measure_out(m) for m in service.list_measures(s, fy)]


def _detail(s, measure_id):
    m = service.get_measure(s, measure_id)
    return {**measure_out(m), "history": [history_out(h) for h in service.history(s, measure_id)]}


def _patch_measure(s, user, measure_id, body: MeasurePatch):
    values = body.model_dump(exclude={"expected_version"}, exclude_none=True)
    m = service.update_measure(s, measure_id, values, user.username, body.expected_version)
    audit(s, user, "measures.update", m.key, {"fields": sorted(values)})
    return measure_out(m)


def _patch_step(s, user, step_id, body: StepPatch):
    values = body.model_dump(exclude={"expected_version"}, exclude_none=True)
    step = service.update_step(s, step_id, values, user.username, body.expected_version)
    audit(s, user, "measures.step", str(step_id), {"fields": sorted(values)})
    return step_out(step)


def _put_result(s, user, measure_id, period: Period, body: ResultPut):
    values = body.model_dump(exclude={"expected_version"})
    row = service.save_result(s, measure_id, period, values, user.username, body.expected_version)
    audit(s, user, "measures.result", f"{measure_id}:{period.key}", None)
    return result_out(row)


def _report_bytes(s, period: Period, fmt: str, lang: str) -> bytes:
    from faq_service.reports.render import render_report
    from faq_service.reports.report import build

    return render_report(build(s, period, lang), fmt)


def _figures(s, period: Period) -> dict:
    from dataclasses import asdict

    from faq_service.reports.figures import compute

    f = compute(s, period)
    out = asdict(f)
    out.update(period=period.key, start=period.start, end=period.end, answered_pct=f.answered_pct,
               suggested_pct=f.suggested_pct, declined_pct=f.declined_pct,
               months=[{"month": m.month.isoformat(), "asked": m.asked, "answered": m.answered}
                       for m in f.months],
               top_unanswered=[{"question": q, "count": n} for q, n in f.top_unanswered])
    return out


def _download(data: bytes, period: Period, fmt: str, inline: bool = False) -> Response:
    from faq_service.reports.render import MEDIA_TYPES

    name = f"thamtob-ita-report-{period.key.lower()}.{fmt}"
    headers = {"Content-Disposition": f'{"inline" if inline else "attachment"}; filename="{name}"',
               "Cache-Control": "no-store", "X-Content-Type-Options": "nosniff"}
    if fmt == "html":
        headers["Content-Security-Policy"] = REPORT_CSP
    return Response(data, media_type=MEDIA_TYPES[fmt], headers=headers)


# ------------------------------------------------------------------ staff API
@router.get("/measures", openapi_extra=role_extra("viewer"))
def list_measures(fy: int | None = Query(None, ge=2400, le=2700), user: CurrentUser = Depends(require_role("viewer")),
                  state: AppState = Depends(app_state)) -> dict:
    return {"items": _run(state, _list, fy)}


@router.get("/measures/{measure_id}", openapi_extra=role_extra("viewer"))
def get_measure(measure_id: int, user: CurrentUser = Depends(require_role("viewer")),
                state: AppState = Depends(app_state)) -> dict:
    """A measure with its items, steps, per-period results and change history."""
    return _run(state, _detail, measure_id)


@router.patch("/measures/{measure_id}", openapi_extra=role_extra("editor"))
def patch_measure(measure_id: int, body: MeasurePatch, user: CurrentUser = Depends(require_role("editor")),
                  state: AppState = Depends(app_state)) -> dict:
    return _run(state, _patch_measure, user, measure_id, body)


@router.patch("/measures/steps/{step_id}", openapi_extra=role_extra("editor"))
def patch_step(step_id: int, body: StepPatch, user: CurrentUser = Depends(require_role("editor")),
               state: AppState = Depends(app_state)) -> dict:
    """Change a step's status, evidence or text (409 when `expected_version` is stale)."""
    return _run(state, _patch_step, user, step_id, body)


@router.put("/measures/{measure_id}/results/{fy}/{half}", openapi_extra=role_extra("editor"))
def put_result(measure_id: int, fy: int, half: int, body: ResultPut,
               user: CurrentUser = Depends(require_role("editor")), state: AppState = Depends(app_state)) -> dict:
    """Set the staff result and obstacles text of a measure for one half-year."""
    return _run(state, _put_result, user, measure_id, _period(fy, half), body)


@router.get("/reports/figures", openapi_extra=role_extra("viewer"))
def report_figures(fy: int = Query(..., ge=2400, le=2700), half: int = Query(..., ge=1, le=2),
                   user: CurrentUser = Depends(require_role("viewer")), state: AppState = Depends(app_state)) -> dict:
    """The automatic figures of a period (question log and knowledge base)."""
    return _run(state, _figures, _period(fy, half))


@router.get("/reports/{fy}/{half}/{fmt}", openapi_extra=role_extra("viewer"))
async def report_file(fy: int, half: int, fmt: str, lang: str = Query("th", pattern="^(th|en)$"),
                      user: CurrentUser = Depends(require_role("viewer")), state: AppState = Depends(app_state)):
    """The six-month report as html, pdf or xlsx."""
    if fmt not in ("html", "pdf", "xlsx"):
        raise HTTPException(404, "format is html, pdf or xlsx")
    period = _period(fy, half)
    data = await run_in_threadpool(_run, state, _report_bytes, period, fmt, lang)
    return _download(data, period, fmt)


# ------------------------------------------------------------------ console pages
@lru_cache(maxsize=1)
def _console_texts() -> dict:
    import yaml

    return yaml.safe_load((Path(__file__).parent / "console.yml").read_text(encoding="utf-8"))


def _ctx_texts(request: Request) -> dict:
    return _console_texts()[request_lang(request)]


@pages.get("/measures")
def measures_page(request: Request, fy: int = 2563, half: int = 1, user: CurrentUser = Depends(page_user("viewer")),
                  state: AppState = Depends(app_state)):
    period = _period(fy, half)
    items = _run(state, _list, fy)
    return page(request, user, "measures.html", m=_ctx_texts(request), items=items, period=period)


@pages.get("/measures/{measure_id}")
def measure_page(request: Request, measure_id: int, fy: int | None = None, half: int = 1, flash: str = "",
                 user: CurrentUser = Depends(page_user("viewer")), state: AppState = Depends(app_state)):
    item = _run(state, _detail, measure_id)
    period = _period(fy or item["fiscal_year"], half)
    result = next((r for r in item["results"] if (r["fiscal_year"], r["half"]) == (period.fiscal_year, period.half)),
                  None)
    mt = _ctx_texts(request)
    return page(request, user, "measure_edit.html", m=mt, item=item, period=period, result=result,
                flash=mt.get(flash, "") if flash else "")


@pages.post("/measures/{measure_id}/steps/{step_id}")
async def step_form(request: Request, measure_id: int, step_id: int,
                    user: CurrentUser = Depends(page_user("editor")), state: AppState = Depends(app_state)):
    form = await request.form()
    try:
        body = StepPatch(status=form.get("status") or None, evidence=str(form.get("evidence") or ""),
                         expected_version=int(form.get("version") or 0) or None)
    except ValueError as exc:
        raise HTTPException(422, str(exc))
    await run_in_threadpool(_run, state, _patch_step, user, step_id, body)
    return see_other(f"/console/measures/{measure_id}?fy={form.get('fy', '')}&half={form.get('half', 1)}"
                     "&flash=flash_saved")


@pages.post("/measures/{measure_id}/results")
async def result_form(request: Request, measure_id: int, user: CurrentUser = Depends(page_user("editor")),
                      state: AppState = Depends(app_state)):
    form = await request.form()
    try:
        period = _period(int(form.get("fy") or 0), int(form.get("half") or 0))
        body = ResultPut(**{k: str(form.get(k) or "") for k in ("result_th", "result_en", "obstacles_th",
                                                                  "obstacles_en")},
                         expected_version=int(form.get("version") or 0) or None)
    except ValueError as exc:
        raise HTTPException(422, str(exc))
    await run_in_threadpool(_run, state, _put_result, user, measure_id, period, body)
    return see_other(f"/console/measures/{measure_id}?fy={period.fiscal_year}&half={period.half}&flash=flash_saved")


@pages.get("/reports")
def reports_page(request: Request, fy: int = 2563, half: int = 1, user: CurrentUser = Depends(page_user("viewer")),
                 state: AppState = Depends(app_state)):
    period = _period(fy, half)
    figures = _run(state, _figures, period)
    return page(request, user, "reports.html", m=_ctx_texts(request), period=period, fig=figures)


@pages.get("/reports/file")
async def report_page_file(request: Request, fy: int, half: int, format: str = "html",
                           user: CurrentUser = Depends(page_user("viewer")), state: AppState = Depends(app_state)):
    if format not in ("html", "pdf", "xlsx"):
        raise HTTPException(404, "format is html, pdf or xlsx")
    period = _period(fy, half)
    data = await run_in_threadpool(_run, state, _report_bytes, period, format, request_lang(request))
    return _download(data, period, format, inline=format == "html")


def install(app: FastAPI, settings) -> None:
    register_template_dir(Path(__file__).parent / "templates")
    register_nav("/console/measures", "มาตรการ ITA", "ITA measures", "viewer")
    register_nav("/console/reports", "รายงาน 6 เดือน", "Six-month report", "viewer")
    app.include_router(router)
    app.include_router(pages)
