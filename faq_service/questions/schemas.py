"""Request and response bodies of the public question API."""
from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from faq_service.core.text import normalize, reject_nul_and_surrogates


def clean_question(value: str) -> str:
    value = normalize(reject_nul_and_surrogates(value))
    if not value:
        raise ValueError("question is empty")
    if len(value) > 1000:
        raise ValueError("question is longer than 1000 characters")
    return value


class StrictModel(BaseModel):
    model_config = ConfigDict(extra="ignore", str_strip_whitespace=False)

    @field_validator("*", mode="before")
    @classmethod
    def _no_nul(cls, value):
        return reject_nul_and_surrogates(value)


class QuestionText(StrictModel):
    question: str

    @field_validator("question")
    @classmethod
    def _question(cls, value: str) -> str:
        return clean_question(value)


class AskIn(QuestionText):
    lang: Literal["th", "en"] | None = None
    channel: str | None = Field(None, max_length=64)
    session_id: str | None = Field(None, max_length=200)
    intent: str | None = Field(None, max_length=64, description="the NLU intent, when the bot asks")
    topic: str | None = Field(None, pattern=r"^[a-z][a-z0-9_]{0,31}$",
                              description="what the question is about, in the caller's neutral words "
                                          "(e.g. complaints, contact); the reports count by it")
    idempotency_key: str | None = Field(
        None, min_length=1, max_length=128,
        description="the caller's key for this question: a retry, or a later POST /questions with the same "
                    "key, is not logged twice")


class Suggestion(BaseModel):
    faq_id: int
    question: str
    confidence: float


class AskOut(BaseModel):
    answered: bool
    answer: str | None
    faq_id: int | None
    matched_question: str | None
    confidence: float
    lang: Literal["th", "en"]
    answer_lang: Literal["th", "en"] | None
    source_url: str | None
    suggestions: list[Suggestion]
    log_id: int
    outcome: str
    updated_at: datetime | None = None
    faq_version: int | None = None


class FeedbackIn(StrictModel):
    log_id: int
    helpful: bool
    comment: str | None = Field(None, max_length=2000)


class TurnIn(QuestionText):
    channel: str | None = Field(None, max_length=64)
    session_id: str | None = Field(None, max_length=200)
    intent: str | None = Field(None, max_length=64)
    topic: str | None = Field(None, pattern=r"^[a-z][a-z0-9_]{0,31}$",
                              description="what the question is about, in the caller's neutral words "
                                          "(e.g. complaints, contact); the reports count by it")
    outcome: Literal["handled_by_bot", "unavailable"]
    asked_at: datetime | None = None
    idempotency_key: str = Field(min_length=1, max_length=128)
    lang: Literal["th", "en"] | None = None


class TurnOut(BaseModel):
    log_id: int
    created: bool
