"""Console pages of the ITA measures (/console/measures): the list of a fiscal year, a measure with
its steps, results and history."""
from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter, Depends, HTTPException, Request

from faq_service.console.login import page_user
from faq_service.console.render import DomainTexts, page, register_nav, register_template_dir, see_other
from faq_service.core.auth.deps import CurrentUser
from faq_service.core.deps import SessionRunner, session_runner
from faq_service.measures.api import detail_view, list_view, patch_step_in, put_result_in
from faq_service.measures.periods import period_of
from faq_service.measures.schemas import ResultPut, StepPatch

pages = APIRouter(prefix="/console", include_in_schema=False)
TEXTS = DomainTexts(Path(__file__).parent / "console.yml")


@pages.get("/measures")
def measures_page(request: Request, fy: int = 2563, half: int = 1, user: CurrentUser = Depends(page_user("viewer")),
                  run: SessionRunner = Depends(session_runner)):
    period = period_of(fy, half)
    items = run.here(list_view, fy)
    return page(request, user, "measures.html", m=TEXTS.for_request(request), items=items, period=period)


@pages.get("/measures/{measure_id}")
def measure_page(request: Request, measure_id: int, fy: int | None = None, half: int = 1, flash: str = "",
                 user: CurrentUser = Depends(page_user("viewer")), run: SessionRunner = Depends(session_runner)):
    item = run.here(detail_view, measure_id)
    period = period_of(fy or item["fiscal_year"], half)
    result = next((r for r in item["results"] if (r["fiscal_year"], r["half"]) == (period.fiscal_year, period.half)),
                  None)
    mt = TEXTS.for_request(request)
    return page(request, user, "measure_edit.html", m=mt, item=item, period=period, result=result,
                flash=mt.get(flash, "") if flash else "")


@pages.post("/measures/{measure_id}/steps/{step_id}")
async def step_form(request: Request, measure_id: int, step_id: int,
                    user: CurrentUser = Depends(page_user("editor")), run: SessionRunner = Depends(session_runner)):
    form = await request.form()
    try:
        body = StepPatch(status=form.get("status") or None, evidence=str(form.get("evidence") or ""),
                         expected_version=int(form.get("version") or 0) or None)
    except ValueError as exc:
        raise HTTPException(422, str(exc))
    await run(patch_step_in, user, step_id, body)
    return see_other(f"/console/measures/{measure_id}?fy={form.get('fy', '')}&half={form.get('half', 1)}"
                     "&flash=flash_saved")


@pages.post("/measures/{measure_id}/results")
async def result_form(request: Request, measure_id: int, user: CurrentUser = Depends(page_user("editor")),
                      run: SessionRunner = Depends(session_runner)):
    form = await request.form()
    try:
        period = period_of(int(form.get("fy") or 0), int(form.get("half") or 0))
        body = ResultPut(**{k: str(form.get(k) or "") for k in ("result_th", "result_en", "obstacles_th",
                                                                  "obstacles_en")},
                         expected_version=int(form.get("version") or 0) or None)
    except ValueError as exc:
        raise HTTPException(422, str(exc))
    await run(put_result_in, user, measure_id, period, body)
    return see_other(f"/console/measures/{measure_id}?fy={period.fiscal_year}&half={period.half}&flash=flash_saved")


def install(app, settings) -> None:
    register_template_dir(Path(__file__).parent / "templates")
    register_nav("/console/measures", "มาตรการ ITA", "ITA measures", "viewer", order=70)
