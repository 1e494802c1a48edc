"""Request and response bodies of the public question API. Every constraint is stated in the OpenAPI
(core/schema.py): what the schema allows is taken, what it does not is refused with 422."""
from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from faq_service.core.schema import InstantIn, Question, RequestBody, RowId, Timestamp
from faq_service.questions.models import CHANNELS

# The chat page, the chat widget, LINE, a direct API call (questions/models.py).
Channel = Literal[CHANNELS]  # type: ignore[valid-type]


def _topic():
    return Field(None, pattern=r"^[a-z][a-z0-9_]{0,31}$",
                 description="what the question is about, in the caller's neutral words (e.g. complaints, "
                             "contact); the reports count by it")


class AskIn(RequestBody):
    question: Question = Field(description="1–1000 characters as sent, at least one of them visible; "
                                           "normalised (NFC, control and zero-width characters dropped, "
                                           "whitespace collapsed) before it is answered and logged")
    lang: Literal["th", "en"] | None = Field(None, description="null: detected from the text")
    channel: Channel | None = Field(None, description='where the question came from; null: "api"')
    session_id: str | None = Field(None, max_length=200)
    intent: str | None = Field(None, max_length=64, description="the NLU intent, when the bot asks")
    topic: str | None = _topic()
    idempotency_key: str | None = Field(
        None, min_length=1, max_length=128,
        description="the caller's key for this question: a retry, or a later POST /questions with the same "
                    "key, is not logged twice")


class Suggestion(BaseModel):
    faq_id: int
    key: str = Field(description="the entry's stable key (data/faq)")
    question: str
    confidence: float


class AnswerSource(BaseModel):
    """Where the answer comes from: a curated entry or a passage of an imported document."""

    kind: Literal["entry", "document"]
    title: str = Field(description="the entry's question, or the document's title")
    page: int | None = Field(None, description="the passage's page, for documents that have pages")
    section: str | None = Field(None, description="the headings above the passage, outermost first, "
                                                  'joined with " › "')
    highlights: list[list[int]] = Field(
        default_factory=list,
        description="[start, end) character offsets into `answer` of the sentences that answer the question "
                    "best (sharing most of its words)")


class AskOut(BaseModel):
    answered: bool
    answer: str | None
    faq_id: int | None
    key: str | None = Field(None, description="the answering entry's stable key (data/faq); null when not answered")
    matched_question: str | None
    confidence: float
    lang: Literal["th", "en"]
    answer_lang: Literal["th", "en"] | None
    source_url: str | None
    suggestions: list[Suggestion]
    log_id: int = Field(description="the question-log row: send feedback on this answer with it")
    outcome: Literal["answered", "answered_from_document", "partial", "suggested", "declined"] = Field(
        description="answered: `answer` answers the question. answered_from_document: a passage of an "
                    "imported document answers (faq_id null, answer the passage, source_url its citation "
                    "link). partial: the best entry's figures are for "
                    "another year or organisation than the question names; `answer` says what is known "
                    "for which years or organisation (or where to ask), `faq_id` names the entry, and "
                    "`answered` is false. suggested: no answer, `suggestions` to choose from. declined: "
                    "neither")
    updated_at: Timestamp | None = Field(None, description="when the answering entry last changed")
    faq_version: int | None = None
    source: AnswerSource | None = Field(None, description="where the answer comes from; null when not answered")


class FeedbackIn(RequestBody):
    log_id: RowId = Field(description="the log_id of the answer (POST /api/v1/ask)")
    helpful: bool
    comment: str | None = Field(None, max_length=2000)


class TurnIn(RequestBody):
    question: Question
    channel: Channel | None = Field(None, description='where the question came from; null: "api"')
    session_id: str | None = Field(None, max_length=200)
    intent: str | None = Field(None, max_length=64)
    topic: str | None = _topic()
    outcome: Literal["handled_by_bot", "unavailable"]
    asked_at: InstantIn | None = Field(None, description="RFC 3339 with an offset; default: now")
    idempotency_key: str = Field(min_length=1, max_length=128)
    lang: Literal["th", "en"] | None = None


class TurnOut(BaseModel):
    log_id: int
    created: bool
