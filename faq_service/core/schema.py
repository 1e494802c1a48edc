"""The field types the HTTP API shares. Each enforces exactly what it states in the OpenAPI, so that a
request the published schema allows is taken and one it does not allow is refused with 422:

- `RequestBody`, the base of every JSON request body: no string may hold a NUL or a lone surrogate
  (documented as the `pattern` of every string field that has none of its own);
- `question_field()`: 1 to `max_length` code points as sent, with at least one character that is not
  blank (whitespace, control, format, zero-width or private-use), the pattern `VISIBLE_TEXT`;
- `integer()`: a JSON integer in a body (`3` or `3.0`, never `true` or `"3"`); `RowId` (bodies) and
  `PathId` (paths): database ids, 1..2^31-1; `Offset` for paging;
- `Timestamp`: every time the API emits, RFC 3339 in UTC (`2026-12-04T20:03:09.662482Z`);
  `InstantIn`: a time a caller sends, RFC 3339 with an offset (taken as the same instant in UTC);
- `DAY_PATTERN`: calendar days as YYYY-MM-DD;
- `link()`: an OpenAPI link from a response to the next operation (an answer → its feedback), which
  integrators and Schemathesis's stateful phase follow.
Query and path parameters hold no NUL either: ops/middleware.py refuses one anywhere in the URL.
"""
from __future__ import annotations

import re
from datetime import datetime
from typing import Annotated, Any

from fastapi import Path, Query
from pydantic import (AfterValidator, AwareDatetime, BaseModel, BeforeValidator, ConfigDict, Field, PlainSerializer,
                      WithJsonSchema, field_validator)

from faq_service.core.db import MAX_ROW_ID, as_utc, rfc3339
from faq_service.core.text import normalize, reject_nul_and_surrogates

NO_NUL = "^[^\\u0000]*$"
# Characters that are no text on their own (every BMP whitespace, Cc, Cf and Co character).
BLANK = ("\\u0000-\\u0020\\u007f-\\u00a0\\u00ad\\u0600-\\u0605\\u061c\\u06dd\\u070f\\u0890-\\u0891\\u08e2"
         "\\u1680\\u180e\\u2000-\\u200f\\u2028-\\u202f\\u205f-\\u2064\\u2066-\\u206f\\u3000\\ue000-\\uf8ff"
         "\\ufeff\\ufff9-\\ufffb")
VISIBLE_TEXT = f"^[^\\u0000]*[^{BLANK}][^\\u0000]*$"
_VISIBLE = re.compile(f"[^{BLANK}]")
DAY_PATTERN = "^[0-9]{4}-[0-9]{2}-[0-9]{2}$"
MAX_OFFSET = 1_000_000


def _no_nul_patterns(schema: dict[str, Any]) -> None:
    """Adds NO_NUL to every string of a model's JSON schema that states no pattern, enum or format."""
    if schema.get("type") == "string" and not {"pattern", "enum", "const", "format"} & schema.keys():
        schema["pattern"] = NO_NUL
    for key in ("anyOf", "oneOf", "allOf", "prefixItems"):
        for sub in schema.get(key, ()):
            _no_nul_patterns(sub)
    if isinstance(schema.get("items"), dict):
        _no_nul_patterns(schema["items"])
    for sub in (schema.get("properties") or {}).values():
        _no_nul_patterns(sub)


class RequestBody(BaseModel):
    """Every JSON request body. Values are taken as the types the schema names, never converted (strict:
    `0` is no boolean, `"1"` no integer, a number no time), and NUL and lone surrogates are refused in any
    string (they are not text anyone typed, and PostgreSQL cannot store a NUL); the OpenAPI says so."""

    model_config = ConfigDict(strict=True, json_schema_extra=lambda schema, cls: cls.document(schema))

    @classmethod
    def document(cls, schema: dict[str, Any]) -> None:
        """Completes the model's JSON schema with what its validators enforce (a subclass adds its own)."""
        _no_nul_patterns(schema)

    @field_validator("*", mode="before")
    @classmethod
    def _no_nul(cls, value):
        return reject_nul_and_surrogates(value)


def visible_text(value: str, what: str = "question") -> str:
    """The normalised text (core/text.py); refused when it has no visible character (VISIBLE_TEXT).
    Text whose visible characters normalising drops all the same (a lone Thai vowel mark, an
    unassigned code point) is kept as sent, whitespace collapsed: valid, only unanswerable."""
    if not _VISIBLE.search(value):
        raise ValueError(f"{what} is empty")
    return normalize(value) or " ".join(value.split())


def question_field(max_length: int = 1000, **kwargs) -> Any:
    return Field(min_length=1, max_length=max_length, json_schema_extra={"pattern": VISIBLE_TEXT}, **kwargs)


Question = Annotated[str, question_field(), AfterValidator(visible_text)]

def _whole_number(value: Any) -> Any:
    """A JSON integer: a number without a fraction (`3` or `3.0`, as JSON Schema counts), not `true`."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ValueError("expected an integer")
    if isinstance(value, float):
        if not value.is_integer():
            raise ValueError("expected an integer")
        return int(value)
    return value


def integer(**bounds) -> Any:
    """A JSON integer in a request body, within `bounds` (ge, le)."""
    return Annotated[int, Field(strict=False, **bounds), BeforeValidator(_whole_number)]


RowId = integer(ge=1, le=MAX_ROW_ID)
PathId = Annotated[int, Path(ge=1, le=MAX_ROW_ID)]
Offset = Annotated[int, Query(ge=0, le=MAX_OFFSET)]


Timestamp = Annotated[datetime, PlainSerializer(rfc3339, return_type=str, when_used="json"),
                      WithJsonSchema({"type": "string", "format": "date-time"})]


def _text(value: Any) -> Any:
    if not isinstance(value, str):
        raise ValueError("expected an RFC 3339 date-time string, e.g. 2026-01-31T09:30:00+07:00")
    return value


def _in_utc(value: datetime) -> datetime:
    try:
        return as_utc(value)
    except OverflowError:  # e.g. 9999-12-31T23:00:00-02:00, past the last representable UTC time
        raise ValueError("the time is out of range") from None


InstantIn = Annotated[AwareDatetime, Field(strict=False), BeforeValidator(_text), AfterValidator(_in_utc)]


def link(operation_id: str, description: str, body: dict | None = None, **parameters: str) -> dict:
    """An OpenAPI link to `operation_id`, its parameters (and body fields) taken from this response by
    runtime expressions such as "$response.body#/log_id"."""
    out: dict[str, Any] = {"operationId": operation_id, "description": description}
    if parameters:
        out["parameters"] = parameters
    if body:
        out["requestBody"] = body
    return out
