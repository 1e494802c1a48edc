"""Meaning over words: a question that asks for a kind of detail (a number, an e-mail address, a
social-media page, a salary, a job opening, a visa…) is not answered by an entry that holds no such
detail, however close its words are: the visitor would get a neighbouring fact as if it answered.
Which words ask for a detail and which show that an entry holds one are data (details.yml)."""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

from faq_service.core.text import normalize
from faq_service.retrieval.index import EntryDoc


@dataclass(frozen=True)
class DetailKind:
    name: str
    asks: re.Pattern
    holds: re.Pattern
    answer_only: bool  # held only when the answer shows it (a number), not when a question names it


def _pattern(parts: list[str]) -> re.Pattern:
    return re.compile("|".join(f"(?:{p})" for p in parts), re.IGNORECASE)


@lru_cache(maxsize=1)
def detail_kinds() -> tuple[DetailKind, ...]:
    data = yaml.safe_load((Path(__file__).parent / "details.yml").read_text(encoding="utf-8"))
    return tuple(DetailKind(name, _pattern(kind["asks"]), _pattern(kind["holds"]), kind.get("in") == "answer")
                 for name, kind in data.items())


def asked_details(question: str) -> list[DetailKind]:
    text = normalize(question)
    return [kind for kind in detail_kinds() if kind.asks.search(text)]


def asks_for_number(question: str) -> bool:
    return any(kind.name == "number" for kind in asked_details(question))


def _holds(kind: DetailKind, doc: EntryDoc) -> bool:
    texts = list(doc.answers.values())
    if not kind.answer_only:
        texts += list(doc.questions.values()) + [a for alts in doc.alternates.values() for a in alts]
    return any(kind.holds.search(normalize(text)) for text in texts)


def missing_detail(question: str, doc: EntryDoc | None) -> str | None:
    """The first kind of detail the question asks for that the entry does not hold, or None."""
    if doc is None:
        return None
    for kind in asked_details(question):
        if not _holds(kind, doc):
            return kind.name
    return None
