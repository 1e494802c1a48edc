"""Validated shapes of a knowledge-base entry, shared by the import, the API and the console."""
from __future__ import annotations

import re
from typing import Annotated, Literal

from pydantic import ConfigDict, Field, field_validator, model_validator

from faq_service.core.schema import RequestBody, integer, question_field, visible_text
from faq_service.core.text import normalize

KEY_PATTERN = re.compile(r"^[a-z0-9][a-z0-9-]{0,119}$")
# An http(s) URL with no blank in it, or nothing.
URL_PATTERN = "^(https?://[^\\u0000-\\u0020\\u007f-\\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000\\ufeff]+)?$"
Status = Literal["draft", "published", "archived"]


def _lines(value: str) -> str:
    """normalize() line by line, so that an answer keeps its line breaks."""
    return normalize(value) if "\n" not in value else "\n".join(normalize(v) for v in value.split("\n")).strip()


class LangBlock(RequestBody):
    """One language of an entry. Invalid input is refused in the terms of the OpenAPI: the question and the
    answer need a visible character (core/schema.py), the same rule as a visitor's question."""

    model_config = ConfigDict(extra="forbid")

    question: str = question_field(1000)
    answer: str = question_field(8000)
    alternates: list[Annotated[str, Field(max_length=1000)]] = Field(default_factory=list, max_length=100)

    @field_validator("question", "answer")
    @classmethod
    def _clean(cls, value: str, info) -> str:
        visible_text(value, info.field_name)
        return _lines(value) or " ".join(value.split())

    @field_validator("alternates")
    @classmethod
    def _clean_alternates(cls, values: list[str]) -> list[str]:
        cleaned = [normalize(v) for v in values]
        return list(dict.fromkeys(v for v in cleaned if v))


# A year as the knowledge base writes it: Buddhist Era (CE + 543).
BuddhistYear = integer(ge=2400, le=2700)


class FigureName(RequestBody):
    """What the entry's figures measure, in the languages a reply may be in (e.g. ITA score)."""

    model_config = ConfigDict(extra="forbid")

    th: str | None = Field(None, min_length=1, max_length=120)
    en: str | None = Field(None, min_length=1, max_length=120)

    @field_validator("th", "en")
    @classmethod
    def _clean(cls, value: str | None) -> str | None:
        return normalize(value) or None if value is not None else None


class EntryScope(RequestBody):
    """What an entry's figures are for. A question naming another year or organisation than these is
    not answered with the entry's figure: it gets a partial reply (questions/answering.py)."""

    model_config = ConfigDict(extra="forbid")

    fiscal_years: list[BuddhistYear] = Field(default_factory=list, max_length=20,
                                             description="fiscal years (Buddhist Era, e.g. 2562) the figures are for")
    years: list[BuddhistYear] = Field(default_factory=list, max_length=20,
                                      description="calendar years (Buddhist Era) of dated facts in the answer")
    figure: FigureName | None = None
    organisation: str = Field("TCEB", min_length=1, max_length=80,
                              description="whose figures they are (a name in data/retrieval/organisations.yml)")

    @classmethod
    def document(cls, schema: dict) -> None:
        super().document(schema)
        schema["anyOf"] = [{"required": ["fiscal_years"], "properties": {"fiscal_years": {"minItems": 1}}},
                           {"required": ["years"], "properties": {"years": {"minItems": 1}}},
                           {"required": ["figure"], "properties": {"figure": {"type": "object"}}}]

    @field_validator("fiscal_years", "years")
    @classmethod
    def _sorted(cls, values: list[int]) -> list[int]:
        return sorted(set(values))

    @model_validator(mode="after")
    def _something(self):
        if not self.fiscal_years and not self.years and self.figure is None:
            raise ValueError("a scope needs fiscal_years, years or a figure")
        return self

    def stored(self) -> dict:
        """The JSON kept in faq_entry.scope: only what is set."""
        return {k: v for k, v in self.model_dump(exclude_none=True).items() if v != []}


class EntryContent(RequestBody):
    """What staff edit in an entry (everything but its key and status): a question and an answer in
    Thai or in English or both, which the OpenAPI states as `anyOf` the two."""

    model_config = ConfigDict(extra="forbid")

    category: str = Field("general", min_length=1, max_length=80)
    needs_review: bool = False
    source_url: str | None = Field(None, max_length=500, pattern=URL_PATTERN,
                                   description="an http(s) URL; empty or null: none")
    th: LangBlock | None = None
    en: LangBlock | None = None
    scope: EntryScope | None = Field(None, description="what the answer's figures are for; null: no figures")

    @classmethod
    def document(cls, schema: dict) -> None:
        super().document(schema)
        schema["anyOf"] = [{"required": [lang], "properties": {lang: {"type": "object"}}} for lang in ("th", "en")]

    @field_validator("source_url")
    @classmethod
    def _url(cls, value: str | None) -> str | None:
        return value or None

    @model_validator(mode="after")
    def _one_language(self):
        if self.th is None and self.en is None:
            raise ValueError("an entry needs a question and answer in Thai or in English")
        return self


class EntryIn(EntryContent):
    """A whole entry, as the import, the console form and a new draft give it."""

    key: str = Field(json_schema_extra={"pattern": KEY_PATTERN.pattern})
    status: Status = "published"

    @field_validator("key")
    @classmethod
    def _key(cls, value: str) -> str:
        if not KEY_PATTERN.fullmatch(value):
            raise ValueError("key must be lowercase letters, digits and dashes")
        return value

    def content(self) -> dict:
        """The columns of FaqEntry this input sets."""
        out = {"key": self.key, "category": self.category, "status": self.status,
               "needs_review": self.needs_review, "source_url": self.source_url,
               "scope": self.scope.stored() if self.scope else None}
        for lang in ("th", "en"):
            block: LangBlock | None = getattr(self, lang)
            out[f"question_{lang}"] = block.question if block else None
            out[f"answer_{lang}"] = block.answer if block else None
            out[f"alternates_{lang}"] = list(block.alternates) if block else []
        return out
