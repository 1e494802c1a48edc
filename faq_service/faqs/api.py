"""Public, read-only routes over published entries."""
from __future__ import annotations

from typing import Literal

from fastapi import APIRouter, Depends, HTTPException, Query
from pydantic import BaseModel

from faq_service.core.deps import AppState, app_state
from faq_service.core.schema import Offset, PathId, Timestamp, link
from faq_service.faqs import service as faqs
from faq_service.faqs.models import FaqEntry
from faq_service.faqs.placeholders import fill, values_from

router = APIRouter(prefix="/api/v1/faqs", tags=["faqs"])


class FaqOut(BaseModel):
    id: int
    key: str
    category: str
    question_th: str | None
    answer_th: str | None
    alternates_th: list[str]
    question_en: str | None
    answer_en: str | None
    alternates_en: list[str]
    source_url: str | None
    version: int
    updated_at: Timestamp

    @classmethod
    def of(cls, entry: FaqEntry, fill_values: dict) -> "FaqOut":
        out = cls.model_validate(entry, from_attributes=True)
        out.answer_th, out.answer_en = fill(out.answer_th, fill_values), fill(out.answer_en, fill_values)
        return out


class FaqPage(BaseModel):
    items: list[FaqOut]
    total: int


# Stateful tests (and integrators) follow these from a listing to an entry.
ENTRY_LINK = link("get_faq", "the first entry listed", faq_id="$response.body#/items/0/id")


@router.get("", response_model=FaqPage, responses={200: {"links": {"first_entry": ENTRY_LINK}}})
def list_faqs(lang: Literal["th", "en"] | None = None, category: str | None = Query(None, max_length=80),
              q: str | None = Query(None, max_length=200), limit: int = Query(20, ge=1, le=100),
              offset: Offset = 0, state: AppState = Depends(app_state)) -> FaqPage:
    with state.db.session() as s:
        rows, total = faqs.list_published(s, lang, category, q, limit, offset)
        return FaqPage(items=[FaqOut.of(r, values_from(state.settings)) for r in rows], total=total)


@router.get("/{faq_id}", response_model=FaqOut)
def get_faq(faq_id: PathId, state: AppState = Depends(app_state)) -> FaqOut:
    with state.db.session() as s:
        entry = faqs.get_published(s, faq_id)
        if entry is None:
            raise HTTPException(404, f"no published entry with id {faq_id}")
        return FaqOut.of(entry, values_from(state.settings))
