"""What a question asks about against what an entry's figures are for: the years it names (either
era, long or short forms) and the organisations it names, checked against the entry's scope
(docs/kb-format.md). A question about another year or organisation than the entry holds gets a
partial reply instead of the entry's figure (retrieval.decision.decide, questions/answering.py)."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime
from zoneinfo import ZoneInfo
from functools import lru_cache
from pathlib import Path

import yaml

from faq_service.core.text import THAI_DIGITS, normalize

BANGKOK = ZoneInfo("Asia/Bangkok")
BE_OFFSET = 543  # Buddhist Era = Common Era + 543
_ERA_BE = r"(?:พ\.?\s?ศ\.?|b\.?\s?e\.?)"
_ERA_CE = r"(?:ค\.?\s?ศ\.?|a\.?\s?d\.?|c\.?\s?e\.?)"
# A Thai month, full or abbreviated, before a year: "มิ.ย. 63", "มิถุนายน 2563".
_THAI_MONTH = (r"มกราคม|กุมภาพันธ์|มีนาคม|เมษายน|พฤษภาคม|มิถุนายน|กรกฎาคม|สิงหาคม|กันยายน|ตุลาคม|พฤศจิกายน|ธันวาคม"
               r"|ม\.ค\.|ก\.พ\.|มี\.ค\.|เม\.ย\.|พ\.ค\.|มิ\.ย\.|ก\.ค\.|ส\.ค\.|ก\.ย\.|ต\.ค\.|พ\.ย\.|ธ\.ค\.")
_FISCAL = r"(?:ปีงบ(?:ประมาณ)?|fiscal\s+year|fiscal|f\.?y\.?)"
# A number written right after it is a count or an amount, not a year ("2000 delegates").
_UNIT = (r"(?!\s*(?:people|persons?|participants?|delegates?|attendees?|visitors?|guests?|baht|thb|usd|"
         r"dollars?|rooms?|seats?|sq|m2|คน|ท่าน|ราย|บาท|ที่นั่ง|ห้อง|ตาราง|%|เปอร์เซ็น))")
_YEAR = re.compile(
    rf"(?P<fiscal>{_FISCAL})\s*(?:{_ERA_BE}\s*)?(?P<era_f>{_ERA_CE}\s*)?'?(?P<fy>\d{{4}}|\d{{2}})(?!\d)"
    rf"|(?P<be>{_ERA_BE})\s*(?P<be_y>\d{{4}}|\d{{2}})(?!\d)"
    rf"|(?P<ce>{_ERA_CE})\s*(?P<ce_y>\d{{4}}|\d{{2}})(?!\d)"
    rf"|ปี\s*(?P<thai_y>\d{{4}}|\d{{2}})(?!\d){_UNIT}"
    rf"|(?:{_THAI_MONTH})\s*(?P<month_y>\d{{4}}|\d{{2}})(?!\d)"
    rf"|(?<![\d.,:/+])(?P<bare>(?:19[5-9]\d|20\d\d|2[45]\d\d|2600))(?![\d.,]\d){_UNIT}",
    re.IGNORECASE)


# Years named relative to today: each pattern with the offset from the current year, and whether it
# names a fiscal year (Thailand's runs from 1 October). Matched on the lower-cased, normalised question.
_RELATIVE = tuple((re.compile(pattern), offset, fiscal) for pattern, offset, fiscal in (
    (r"(?:next|coming|upcoming)\s+fiscal\s+year|ปีงบ(?:ประมาณ)?\s*หน้า", 1, True),
    (r"(?:last|previous|past)\s+fiscal\s+year|ปีงบ(?:ประมาณ)?\s*(?:ที่แล้ว|ก่อน|ที่ผ่านมา)", -1, True),
    (r"(?:this|current)\s+fiscal\s+year|ปีงบ(?:ประมาณ)?\s*(?:นี้|ปัจจุบัน)", 0, True),
    (r"\b(?:next|coming|upcoming)\s+year\b|ปี\s*หน้า", 1, False),
    (r"\b(?:last|previous)\s+year\b|ปี\s*(?:ที่แล้ว|ก่อน|ที่ผ่านมา)", -1, False),
    (r"\b(?:this|current)\s+year\b|ปี\s*(?:นี้|ปัจจุบัน)", 0, False),
))


@dataclass(frozen=True)
class AskedYear:
    year: int      # Buddhist Era
    fiscal: bool   # named as a fiscal year
    text: str      # as written


def _to_be(number: str, era: str | None) -> int:
    """`era`: "be", "ce" or None (a four-digit number tells its era by its size; a two-digit one is
    taken as Buddhist Era, as Thai writes "ปี 65")."""
    value = int(number)
    if len(number) == 2:
        value += 2000 if era == "ce" else 2500
    elif era is None and value < 2300:
        era = "ce"
    return value + BE_OFFSET if era == "ce" and value < 2300 else value


def _current_year_be(today: date, fiscal: bool) -> int:
    return today.year + BE_OFFSET + (1 if fiscal and today.month >= 10 else 0)


def years_in(text: str, today: date | None = None) -> list[AskedYear]:
    """The years a question names, in the order written, each once, as Buddhist Era years; "next
    year", "ปีงบที่แล้ว" and the like count from `today` (default: today in Bangkok)."""
    text = normalize(text).translate(THAI_DIGITS)
    out: dict[int, AskedYear] = {}
    for m in _YEAR.finditer(text):
        if m.group("fy"):
            number = m.group("fy")
            # FY22 is a Common Era short form; FY65 and ปีงบ 65 are Buddhist Era.
            era = "ce" if m.group("era_f") or (len(number) == 2 and int(number) < 40
                                               and not m.group("fiscal").startswith("ปี")) else None
            asked = AskedYear(_to_be(number, era), True, m.group(0))
        elif m.group("be_y"):
            asked = AskedYear(_to_be(m.group("be_y"), "be"), False, m.group(0))
        elif m.group("ce_y"):
            asked = AskedYear(_to_be(m.group("ce_y"), "ce"), False, m.group(0))
        elif m.group("month_y"):
            number = m.group("month_y")
            asked = AskedYear(_to_be(number, "be" if len(number) == 2 else None), False, m.group(0))
        elif m.group("thai_y"):
            number = m.group("thai_y")
            asked = AskedYear(_to_be(number, "be" if len(number) == 2 else None), False, m.group(0))
        else:
            asked = AskedYear(_to_be(m.group("bare"), None), False, m.group(0))
        if asked.year not in out or asked.fiscal:
            out[asked.year] = asked
    lowered = text.lower()
    for pattern, offset, fiscal in _RELATIVE:
        m = pattern.search(lowered)
        if m:
            today = today or datetime.now(BANGKOK).date()
            year = _current_year_be(today, fiscal) + offset
            if year not in out:
                out[year] = AskedYear(year, fiscal, m.group(0))
            lowered = lowered.replace(m.group(0), " ")  # "ปีงบหน้า" is not also "ปีหน้า"
    return list(out.values())


@lru_cache(maxsize=1)
def _organisations() -> tuple[tuple[str, re.Pattern], ...]:
    data = yaml.safe_load((Path(__file__).parent / "organisations.yml").read_text(encoding="utf-8"))
    groups = []
    for name, aliases in data.items():
        words = sorted({normalize(str(a)).lower() for a in [name, *aliases]}, key=len, reverse=True)
        # Latin names match whole words; Thai has no spaces between words, so a Thai name matches anywhere.
        parts = [rf"(?<![a-z0-9]){re.escape(w)}(?![a-z0-9])" if re.match(r"[a-z0-9]", w) else re.escape(w)
                 for w in words]
        groups.append((name, re.compile("|".join(parts))))
    return tuple(groups)


def organisation_of(name: str | None) -> str:
    """The group (organisations.yml) a scope's organisation belongs to; an unknown name is its own."""
    name = normalize(name or "TCEB").lower()
    for group, pattern in _organisations():
        if pattern.fullmatch(name):
            return group
    return name


def organisations_in(text: str) -> dict[str, str]:
    """The organisations a question names: group → the name as written (first mention)."""
    text = normalize(text).lower()
    found = {}
    for group, pattern in _organisations():
        m = pattern.search(text)
        if m:
            found[group] = m.group(0)
    return found


# Words that set two things side by side ("compared with", "higher than", "the difference between",
# "เทียบกับ", "ต่างจาก…อย่างไร", "ต่างกันยังไง");
# Thai cues match anywhere, so กว่า also finds ดีกว่า and เทียบ finds เมื่อเทียบ.
COMPARISON = re.compile(r"\b(?:compare[ds]?|comparing|comparison|versus|vs\.?|than|differ(?:s|ence|ent)?\s+from"
                        r"|difference\s+between)\b|เทียบ|ต่างจาก|ต่างกับ|ต่างกัน|แตกต่าง|กว่า", re.IGNORECASE)


@dataclass
class ScopeGap:
    """What the question asks for that the entry's scope does not hold."""

    years: list[AskedYear] = field(default_factory=list)      # asked, not among the entry's years
    organisations: list[str] = field(default_factory=list)    # named as written, not the entry's
    scope: dict = field(default_factory=dict)                 # the entry's scope


def implied_scope(texts: list[str], scope: dict | None) -> dict:
    """An entry's scope as its own texts (questions, alternates, answers) imply it, over what staff
    stated, so that every entry is checked and not only those with a scope: an entry is about its
    scope's organisation (TCEB unless stated) and about every organisation its texts name (a tax entry
    that names the Revenue Department answers about it); an entry whose scope states no years is about
    the years its texts name, when they name any (an entry that names none holds for every year); and
    it tells of the months its texts name (asks_other_month)."""
    implied = dict(scope or {})
    joined = " ".join(texts)
    implied["mentions"] = sorted(organisations_in(joined))
    implied["months"] = sorted(months_in(joined))
    if not implied.get("fiscal_years") and not implied.get("years"):
        years = sorted({y.year for y in years_in(joined)})
        if years:
            implied["years"] = years
    return implied


def scope_gap(question: str, scope: dict | None) -> ScopeGap | None:
    """None when the question asks for nothing outside the entry's scope (or the entry has none)."""
    if not scope:
        return None
    fiscal = set(scope.get("fiscal_years") or ())
    known = fiscal | set(scope.get("years") or ())
    # A year asked as a fiscal year ("ปีงบ 62") is held only as a stated fiscal year: an entry on fiscal
    # 2563 names October 2562 as calendar year, which is not fiscal 2562.
    years = [y for y in years_in(question)
             if known and y.year not in (fiscal if y.fiscal and fiscal else known)]
    own = organisation_of(scope.get("organisation"))
    held = {own, *scope.get("mentions", ())}
    named = organisations_in(question)
    # Another organisation counts only when the entry's own is not named too ("I'm from X, how do I
    # reach TCEB?" asks about TCEB), or when the question sets the two side by side: a comparison needs
    # the other's figures as well.
    others = ([written for group, written in named.items() if group not in held]
              if own not in named or COMPARISON.search(normalize(question)) else [])
    if not years and not others:
        return None
    return ScopeGap(years, others, scope)


def asks_past_record(question: str, scope: dict, today: date | None = None) -> bool:
    """An entry that names no year states how things are (a process, a programme, a channel); a
    question naming a past year asks what happened then — a record such an entry does not hold. A year
    to come, or this one, is planning, which it does answer."""
    if scope.get("fiscal_years") or scope.get("years"):
        return False  # scope_gap compares the years
    today = today or datetime.now(BANGKOK).date()
    return any(y.year < _current_year_be(today, y.fiscal) for y in years_in(question, today))


# Months by number, as Thai (full and abbreviated) and English (full and short) write them; "may" only
# beside a number or after "in", since it is also a verb.
_MONTHS = tuple(re.compile(pattern, re.IGNORECASE) for pattern in (
    r"มกรา|ม\.\s?ค\.|\bjan(?:uary)?\b", r"กุมภา|ก\.\s?พ\.|\bfeb(?:ruary)?\b", r"มีนา|มี\.\s?ค\.|\bmar(?:ch)?\b",
    r"เมษา|เม\.\s?ย\.|\bapr(?:il)?\b", r"พฤษภา|พ\.\s?ค\.|\bmay\s+\d|\d\s*may\b|\bin\s+may\b",
    r"มิถุนา|มิ\.\s?ย\.|\bjune?\b", r"กรกฎา|ก\.\s?ค\.|\bjul(?:y)?\b", r"สิงหา|ส\.\s?ค\.|\baug(?:ust)?\b",
    r"กันยา|ก\.\s?ย\.|\bsept?(?:ember)?\b", r"ตุลา|ต\.\s?ค\.|\boct(?:ober)?\b", r"พฤศจิกา|พ\.\s?ย\.|\bnov(?:ember)?\b",
    r"ธันวา|ธ\.\s?ค\.|\bdec(?:ember)?\b"))


def months_in(text: str) -> set[int]:
    text = normalize(text)
    return {number for number, pattern in enumerate(_MONTHS, 1) if pattern.search(text)}


def asks_other_month(question: str, scope: dict) -> bool:
    """An entry whose texts date what they tell by month (a training in May) does not answer a question
    about another month: the visitor would get May's figures as June's."""
    asked = months_in(question)
    held = set(scope.get("months") or ())
    return bool(asked and held) and not asked & held
