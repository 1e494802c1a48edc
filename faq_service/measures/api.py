"""Staff API for ITA measures (/api/v1/staff/measures): viewers read, editors edit; a change made
against a stale `expected_version` answers 409."""
from __future__ import annotations

from fastapi import APIRouter, Depends, Path, Query

from faq_service.core.auth.audit import audit
from faq_service.core.auth.deps import CurrentUser, require_role, role_extra
from faq_service.core.deps import SessionRunner, session_runner
from faq_service.core.schema import PathId, link
from faq_service.measures import service
from faq_service.measures.periods import Period, period_of
from faq_service.measures.schemas import (MeasurePatch, ResultPut, StepPatch, history_out, measure_out,
                                          result_out, step_out)

router = APIRouter(prefix="/api/v1/staff", tags=["staff"])


# The routes' work, each in the caller's session (API and pages alike).
def list_view(s, fy):
    return [measure_out(m) for m in service.list_measures(s, fy)]


def detail_view(s, measure_id):
    m = service.get_measure(s, measure_id)
    return {**measure_out(m), "history": [history_out(h) for h in service.history(s, measure_id)]}


def patch_measure_in(s, user, measure_id, body: MeasurePatch):
    values = body.model_dump(exclude={"expected_version"}, exclude_none=True)
    m = service.update_measure(s, measure_id, values, user.username, body.expected_version)
    audit(s, user, "measures.update", m.key, {"fields": sorted(values)})
    return measure_out(m)


def patch_step_in(s, user, step_id, body: StepPatch):
    values = body.model_dump(exclude={"expected_version"}, exclude_none=True)
    step = service.update_step(s, step_id, values, user.username, body.expected_version)
    audit(s, user, "measures.step", str(step_id), {"fields": sorted(values)})
    return step_out(step)


def put_result_in(s, user, measure_id, period: Period, body: ResultPut):
    values = body.model_dump(exclude={"expected_version"})
    row = service.save_result(s, measure_id, period, values, user.username, body.expected_version)
    audit(s, user, "measures.result", f"{measure_id}:{period.key}", None)
    return result_out(row)


def _measure_links(at: str) -> dict:
    ref = {"measure_id": f"$response.body#{at}"}
    return {"links": {"read": link("get_measure", "this measure", **ref),
                      "edit": link("patch_measure", "change this measure", **ref),
                      "result": link("put_result", "set a half-year's result of this measure", **ref)}}


# ------------------------------------------------------------------ staff API
@router.get("/measures", openapi_extra=role_extra("viewer"), responses={200: _measure_links("/items/0/id")})
def list_measures(fy: int | None = Query(None, ge=2400, le=2700), user: CurrentUser = Depends(require_role("viewer")),
                  run: SessionRunner = Depends(session_runner)) -> dict:
    return {"items": run.here(list_view, fy)}


@router.get("/measures/{measure_id}", openapi_extra=role_extra("viewer"), responses={200: {"links": {
    "step": link("patch_step", "change the measure's first step", step_id="$response.body#/steps/0/id")}}})
def get_measure(measure_id: PathId, user: CurrentUser = Depends(require_role("viewer")),
                run: SessionRunner = Depends(session_runner)) -> dict:
    """A measure with its items, steps, per-period results and change history."""
    return run.here(detail_view, measure_id)


@router.patch("/measures/{measure_id}", openapi_extra=role_extra("editor"))
def patch_measure(measure_id: PathId, body: MeasurePatch, user: CurrentUser = Depends(require_role("editor")),
                  run: SessionRunner = Depends(session_runner)) -> dict:
    return run.here(patch_measure_in, user, measure_id, body)


@router.patch("/measures/steps/{step_id}", openapi_extra=role_extra("editor"))
def patch_step(step_id: PathId, body: StepPatch, user: CurrentUser = Depends(require_role("editor")),
               run: SessionRunner = Depends(session_runner)) -> dict:
    """Change a step's status, evidence or text (409 when `expected_version` is stale)."""
    return run.here(patch_step_in, user, step_id, body)


@router.put("/measures/{measure_id}/results/{fy}/{half}", openapi_extra=role_extra("editor"))
def put_result(measure_id: PathId, body: ResultPut, fy: int = Path(ge=2400, le=2700), half: int = Path(ge=1, le=2),
               user: CurrentUser = Depends(require_role("editor")), run: SessionRunner = Depends(session_runner)) -> dict:
    """Set the staff result and obstacles text of a measure for one half-year."""
    return run.here(put_result_in, user, measure_id, period_of(fy, half), body)
