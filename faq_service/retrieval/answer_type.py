"""Meaning over words: a question that asks for a number (how many, which floor, what phone number)
is not answered by an entry whose answer holds no number, however close its words are. The cues are
data (answer_types.yml)."""
from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

import yaml

from faq_service.core.text import normalize
from faq_service.retrieval.index import EntryDoc

_DIGIT = re.compile(r"[0-9๐-๙]")


@lru_cache(maxsize=1)
def _number_cue() -> re.Pattern:
    data = yaml.safe_load((Path(__file__).parent / "answer_types.yml").read_text(encoding="utf-8"))
    return re.compile("|".join(f"(?:{p})" for p in data["number"]), re.IGNORECASE)


def asks_for_number(question: str) -> bool:
    return bool(_number_cue().search(normalize(question)))


def holds_number(doc: EntryDoc) -> bool:
    return any(_DIGIT.search(text) for text in doc.answers.values())


def number_missing(question: str, doc: EntryDoc | None) -> bool:
    """The question asks for a number and the entry's answer (any language) holds none."""
    return doc is not None and asks_for_number(question) and not holds_number(doc)
