"""Meaning over words: a question that asks for a kind of detail (a number, an e-mail address, a
social-media page, a salary, a job opening, a visa…) is not answered by an entry that holds no such
detail, however close its words are: the visitor would get a neighbouring fact as if it answered.
Which words ask for a detail and which show that an entry holds one are data (details.yml)."""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Callable

import yaml

from faq_service.core.text import THAI_DIGITS, normalize
from faq_service.retrieval.index import EntryDoc
from faq_service.retrieval.scope import years_in


@dataclass(frozen=True)
class DetailKind:
    name: str
    asks: re.Pattern
    holds: re.Pattern
    answer_only: bool  # held only when the answer shows it (a number), not when a question names it


def _pattern(parts: list[str]) -> re.Pattern:
    return re.compile("|".join(f"(?:{p})" for p in parts), re.IGNORECASE)


@lru_cache(maxsize=1)
def _data() -> dict:
    return yaml.safe_load((Path(__file__).parent / "details.yml").read_text(encoding="utf-8"))


@lru_cache(maxsize=1)
def detail_kinds() -> tuple[DetailKind, ...]:
    return tuple(DetailKind(name, _pattern(kind["asks"]), _pattern(kind["holds"]), kind.get("in") == "answer")
                 for name, kind in _data().items() if name not in ("counted", "own"))


@lru_cache(maxsize=1)
def _own() -> re.Pattern:
    return _pattern(_data()["own"])


# A number as answers write it: digits (either script), a Thai or English number word, none, or a number
# of days the settings fill in ({complaint_ack_days}).
_NUMBER = (r"[0-9๐-๙]|\{[a-z_]+_days\}|ไม่มี|หนึ่ง|สอง|สาม|สี่|ห้า|หก|เจ็ด|แปด|เก้า|สิบ"
           r"|\b(?:no|none|zero|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|"
           r"(?:thir|four|fif|six|seven|eigh|nine)teen|(?:twen|thir|for|fif|six|seven|eigh|nine)ty|hundred)\b")
_WINDOW = 30  # characters between the number and the thing counted


@lru_cache(maxsize=1)
def _counted() -> tuple[re.Pattern, re.Pattern, dict[str, tuple[str, ...]]]:
    counted = _data()["counted"]
    thai = re.compile(r"(?<!เ)กี่\s*(" + "|".join(sorted(map(re.escape, counted["th"]), key=len, reverse=True)) + ")")
    english = re.compile(r"\bhow\s+many\s+(?:more\s+|of\s+the\s+)?([a-z][a-z-]+)", re.IGNORECASE)
    groups = {word.lower(): tuple(group) for group in counted["en"] for word in group}
    return thai, english, groups


def counted_thing(question: str) -> tuple[str, ...] | None:
    """What a "how many X" / "กี่X" question counts: X and the words for the same thing; None when the
    question counts nothing (or something this list does not know)."""
    thai, english, groups = _counted()
    text = normalize(question)
    m = thai.search(text)
    if m:
        # "คู่มือกี่เล่ม": the noun before กี่ names the thing as well as its classifier does.
        before = text[max(0, m.start() - 20):m.start()]
        words = {m.group(1), *groups.get(m.group(1), ())}
        words.update(w for word, group in groups.items() if word in before and not word.isascii() for w in group)
        return tuple(sorted(words))
    m = english.search(text)
    if m:
        return groups.get(m.group(1).lower())
    return None


def _holds_count(words: tuple[str, ...], doc: EntryDoc) -> bool:
    thing = "|".join(re.escape(w) for w in words)
    near = re.compile(rf"(?:{_NUMBER})[^\n]{{0,{_WINDOW}}}?(?:{thing})|(?:{thing})[^\n]{{0,{_WINDOW}}}?(?:{_NUMBER})",
                      re.IGNORECASE)
    if any(near.search(normalize(text)) for text in doc.answers.values()):
        return True
    # "ITA score?" answered "93.35": the entry's question names the thing, its answer gives the number.
    named = re.compile(rf"(?<![a-z])(?:{thing})(?![a-z])", re.IGNORECASE)
    questions = [*doc.questions.values(), *(a for alts in doc.alternates.values() for a in alts)]
    return (any(named.search(normalize(q)) for q in questions)
            and any(re.search(_NUMBER, normalize(a), re.IGNORECASE) for a in doc.answers.values()))


# A numbered reference: a meeting, order or document number with its year ("ครั้งที่ 11/2562", "No. 3/2563"),
# not part of a date (26/12/2562).
_REFERENCE = re.compile(r"(?<![\d/.])(\d{1,3})\s*/\s*(\d{4}|\d{2})(?![\d/])")


def references_in(text: str) -> set[str]:
    return {f"{int(n)}/{int(y) + 2500 if len(y) == 2 else int(y)}"
            for n, y in _REFERENCE.findall(normalize(text).translate(THAI_DIGITS))}


# A numbered part: "ตัวชี้วัดที่ 9", "ข้อ 7", "indicator 9", "section 41". An entry that names no part with
# that number does not give that part's figure (its score, its count).
_PART = re.compile(r"(?:ตัวชี้วัด|ข้อ|หมวด|มาตรา|\bindicators?|\bitems?|\barticles?|\bsections?|\bchapters?|\bcriteri(?:on|a))"
                   r"\s*(?:ที่|no\.?|number|#)?\s*(\d{1,3})(?![\d/.,])(?!\s*(?:ตัว|ด้าน|ข้อ|หมวด|ประการ|เรื่อง))",
                   re.IGNORECASE)
_SCORE = re.compile(r"คะแนน|\bscor(?:e|ed|es|ing)\b|\bresults?\b|\bgrades?\b", re.IGNORECASE)


def parts_in(text: str) -> set[int]:
    return {int(n) for n in _PART.findall(normalize(text).translate(THAI_DIGITS))}


# A year an entry names only with a plan ("its target for fiscal 2563 was 95"), or as not out yet ("the
# 2563 survey's result is not yet available"), holds no result for that year: a question asking how that
# year came out ("did it reach 95 in 2563?", "did it hit its target?") gets no answer from it.
_PLAN = re.compile(r"เป้า|แผน|\btargets?\b|\baim|\bplan(?:s|ned)?\b|\bgoals?\b", re.IGNORECASE)
_OUTCOME = re.compile(r"ได้(?:กี่|เท่า|คะแนน|เกรด|ระดับ|ถึง)|ถึงเป้า|ผ่านเป้า|บรรลุ|ทำได้|จริง|ผล|คะแนน|เกรด"
                      r"|\breach|\bachiev|\bmet\b|\bhit\b|\bactual|\bfinal\b|\bresults?\b|\bscored?\b|\bgrades?\b"
                      r"|\bgot\b|\boutcome", re.IGNORECASE)
# Reaching a mark; the outcome a question asks about also when it names the plan ("did it reach its
# target?"), and, said of a plan, whether it was reached.
_REACH = r"ได้ถึง|ถึงเป้า|ผ่านเป้า|บรรลุ|\breach|\bachiev|\bmet\b|\bhit\b"
_REACHED = re.compile(_REACH + r"|ทำได้|จริง|\bactual|\bfinal\b", re.IGNORECASE)
_TARGET_REACHED = re.compile(_REACH + r"|ทำได้ตาม|\bmake\s+it\b", re.IGNORECASE)
# A clause that says a year's result is not out yet holds none for it either.
_NO_RESULT = re.compile(r"ยังไม่มีผล|ยังไม่ทราบผล|ยังไม่ประกาศ|\bnot\s+yet\s+(?:available|known|out|published|announced)",
                        re.IGNORECASE)
_CLAUSE = re.compile(r"\s+(?:และ|ส่วน)|;|\n|\.\s+(?=[A-Z])")


def asks_outcome(question: str) -> bool:
    text = normalize(question)
    return bool(_OUTCOME.search(text)) and (not _PLAN.search(text) or bool(_REACHED.search(text)))


def asks_if_target_reached(question: str) -> bool:
    text = normalize(question)
    return bool(_PLAN.search(text)) and bool(_TARGET_REACHED.search(text))


def planned_only_years(doc: EntryDoc) -> frozenset[int]:
    return _planned_only_years(tuple(doc.answers.values()))


@lru_cache(maxsize=8192)  # read once per answer text, not for every question about the entry
def _planned_only_years(answers: tuple[str, ...]) -> frozenset[int]:
    planned, reported = set(), set()
    for answer in answers:
        for clause in _CLAUSE.split(normalize(answer)):
            years = {y.year for y in years_in(clause)}
            (planned if _PLAN.search(clause) or _NO_RESULT.search(clause) else reported).update(years)
    return frozenset(planned - reported)


def asked_details(question: str) -> list[DetailKind]:
    text = _own().sub(" ", normalize(question))  # the visitor's own number or address is not asked for
    return [kind for kind in detail_kinds() if kind.asks.search(text)]


def asks_for_number(question: str) -> bool:
    return any(kind.name == "number" for kind in asked_details(question))


def _holds(kind: DetailKind, doc: EntryDoc) -> bool:
    texts = list(doc.answers.values()) if kind.answer_only else doc.texts()
    return any(kind.holds.search(normalize(text)) for text in texts)


def _names_any(asked: set, read: Callable[[str], set], doc: EntryDoc) -> bool:
    """Whether any text of the entry names one of `asked`, as `read` finds them (references, parts)."""
    return any(asked & read(text) for text in doc.texts())


def missing_detail(question: str, doc: EntryDoc | None) -> str | None:
    """The first kind of detail the question asks for that the entry does not hold, or None."""
    if doc is None:
        return None
    kinds = asked_details(question)
    for kind in kinds:
        if not _holds(kind, doc):
            return kind.name
    words = counted_thing(question)
    if words and not _holds_count(words, doc):
        return "count"
    # Meeting 12/2562 is not meeting 11/2562: an entry that names no reference the question names
    # does not tell of that meeting or document.
    asked = references_in(question)
    if asked and not _names_any(asked, references_in, doc):
        return "reference"
    # Only a part's figure: an entry listing the indicators answers "what is indicator 7?".
    numbered = parts_in(question)
    asks_figure = numbered and (any(k.name == "number" for k in kinds) or _SCORE.search(normalize(question)))
    if asks_figure and not _names_any(numbered, parts_in, doc):
        return "part"
    # "Did TCEB reach its target?" names no year, and asks about the one the entry only plans.
    asked_years = {y.year for y in years_in(question)}
    planned = planned_only_years(doc) if asks_outcome(question) else set()
    if planned and (asked_years & planned or (not asked_years and asks_if_target_reached(question))):
        return "outcome"
    return None
