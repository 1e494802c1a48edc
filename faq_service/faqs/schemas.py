"""Validated shapes of a knowledge-base entry, shared by the import, the API and the console."""
from __future__ import annotations

import re

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from faq_service.faqs.models import STATUSES
from faq_service.core.text import normalize, reject_nul_and_surrogates

KEY_PATTERN = re.compile(r"^[a-z0-9][a-z0-9-]{0,119}$")


class _NoNul(BaseModel):
    """Refuses NUL and lone surrogates in every field, as the public API does (questions/schemas.py)."""

    model_config = ConfigDict(extra="forbid")

    @field_validator("*", mode="before")
    @classmethod
    def _no_nul(cls, value):
        return reject_nul_and_surrogates(value)


class LangBlock(_NoNul):

    question: str = Field(min_length=1, max_length=1000)
    answer: str = Field(min_length=1, max_length=8000)
    alternates: list[str] = Field(default_factory=list, max_length=100)

    @field_validator("question", "answer")
    @classmethod
    def _clean(cls, value: str) -> str:
        value = normalize(value) if "\n" not in value else "\n".join(normalize(v) for v in value.split("\n"))
        if not value.strip():
            raise ValueError("must not be empty")
        return value.strip()

    @field_validator("alternates")
    @classmethod
    def _clean_alternates(cls, values: list[str]) -> list[str]:
        cleaned = [normalize(v) for v in values]
        return list(dict.fromkeys(v for v in cleaned if v))


class EntryIn(_NoNul):

    key: str
    category: str = Field("general", min_length=1, max_length=80)
    status: str = "published"
    needs_review: bool = False
    source_url: str | None = Field(None, max_length=500)
    th: LangBlock | None = None
    en: LangBlock | None = None

    @field_validator("key")
    @classmethod
    def _key(cls, value: str) -> str:
        if not KEY_PATTERN.match(value):
            raise ValueError("key must be lowercase letters, digits and dashes")
        return value

    @field_validator("status")
    @classmethod
    def _status(cls, value: str) -> str:
        if value not in STATUSES:
            raise ValueError(f"status must be one of {', '.join(STATUSES)}")
        return value

    @field_validator("source_url")
    @classmethod
    def _url(cls, value: str | None) -> str | None:
        if value and not re.match(r"^https?://\S+$", value):
            raise ValueError("source_url must be an http(s) URL")
        return value or None

    @model_validator(mode="after")
    def _one_language(self) -> "EntryIn":
        if self.th is None and self.en is None:
            raise ValueError("an entry needs a question and answer in Thai or in English")
        return self

    def content(self) -> dict:
        """The columns of FaqEntry this input sets."""
        out = {"key": self.key, "category": self.category, "status": self.status,
               "needs_review": self.needs_review, "source_url": self.source_url}
        for lang in ("th", "en"):
            block: LangBlock | None = getattr(self, lang)
            out[f"question_{lang}"] = block.question if block else None
            out[f"answer_{lang}"] = block.answer if block else None
            out[f"alternates_{lang}"] = list(block.alternates) if block else []
        return out
