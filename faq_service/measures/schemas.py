"""Request and response bodies of the measures and reports staff API."""
from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from pydantic import Field

from faq_service.core.db import MAX_ROW_ID
from faq_service.core.schema import RequestBody, integer

Status = Literal["planned", "in_progress", "done", "on_hold"]
Version = Annotated[integer(ge=1, le=MAX_ROW_ID), Field(description="the version you read: 409 when it changed since")]


class MeasurePatch(RequestBody):
    measure_th: str | None = Field(None, max_length=10000)
    measure_en: str | None = Field(None, max_length=10000)
    followup_th: str | None = Field(None, max_length=5000)
    followup_en: str | None = Field(None, max_length=5000)
    followup_to: str | None = Field(None, max_length=200)
    followup_every_months: integer(ge=1, le=24) | None = None
    expected_version: Version | None = None


class StepPatch(RequestBody):
    status: Status | None = None
    evidence: str | None = Field(None, max_length=5000)
    text_th: str | None = Field(None, max_length=5000)
    text_en: str | None = Field(None, max_length=5000)
    expected_version: Version | None = None


class ResultPut(RequestBody):
    result_th: str = Field("", max_length=20000)
    result_en: str = Field("", max_length=20000)
    obstacles_th: str = Field("", max_length=10000)
    obstacles_en: str = Field("", max_length=10000)
    expected_version: Version | None = None


def step_out(s) -> dict:
    return {"id": s.id, "position": s.position, "text_th": s.text_th, "text_en": s.text_en, "status": s.status,
            "evidence": s.evidence, "version": s.version, "updated_by": s.updated_by, "updated_at": s.updated_at}


def result_out(r) -> dict:
    return {"fiscal_year": r.fiscal_year, "half": r.half, "result_th": r.result_th, "result_en": r.result_en,
            "obstacles_th": r.obstacles_th, "obstacles_en": r.obstacles_en, "version": r.version,
            "updated_by": r.updated_by, "updated_at": r.updated_at}


def measure_out(m) -> dict:
    return {"id": m.id, "key": m.key, "fiscal_year": m.fiscal_year, "stakeholders": m.stakeholders,
            "group_code": m.group_code, "indicator": m.indicator_no,
            "items": [{"code": link.item_code, "text_th": link.item.text_th, "text_en": link.item.text_en}
                      for link in m.items],
            "measure_th": m.measure_th, "measure_en": m.measure_en, "followup_th": m.followup_th,
            "followup_en": m.followup_en, "followup_to": m.followup_to,
            "followup_every_months": m.followup_every_months, "version": m.version,
            "updated_by": m.updated_by, "updated_at": m.updated_at,
            "steps": [step_out(s) for s in m.steps],
            "results": [result_out(r) for r in sorted(m.results, key=lambda r: (r.fiscal_year, r.half))]}


def history_out(h) -> dict:
    return {"id": h.id, "entity": h.entity, "entity_id": h.entity_id, "version": h.version, "action": h.action,
            "author": h.author, "changed_at": h.changed_at if isinstance(h.changed_at, datetime) else None,
            "changes": h.changes}
