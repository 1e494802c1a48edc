"""Thai fiscal years (Buddhist Era) and their half-year reporting periods, in Asia/Bangkok time.

FY2563 runs from 1 Oct 2019 (2562 BE) to 30 Sep 2020 (2563 BE). Its first half is October–March,
its second half April–September. Bounds are half-open: [start, end), midnight Bangkok time.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

from faq_service.core.db import as_utc
from faq_service.core.errors import domain_errors_as_http

BANGKOK = ZoneInfo("Asia/Bangkok")
BE_OFFSET = 543


def _midnight(d: date) -> datetime:
    return datetime(d.year, d.month, d.day, tzinfo=BANGKOK)


@dataclass(frozen=True)
class FiscalYear:
    be: int  # e.g. 2563

    def __post_init__(self) -> None:
        if not 2400 <= self.be <= 2700:
            raise ValueError(f"a Thai fiscal year is given in Buddhist Era, e.g. 2563 (got {self.be})")

    @property
    def ce_end_year(self) -> int:
        return self.be - BE_OFFSET

    @property
    def first_day(self) -> date:
        return date(self.ce_end_year - 1, 10, 1)

    @property
    def last_day(self) -> date:
        return date(self.ce_end_year, 9, 30)

    def half(self, n: int) -> "Period":
        return Period(self.be, n)

    @classmethod
    def containing(cls, moment: datetime) -> "FiscalYear":
        local = as_bangkok(moment)
        return cls(local.year + BE_OFFSET + (1 if local.month >= 10 else 0))


@dataclass(frozen=True)
class Period:
    """One half of a fiscal year: half 1 = 1 Oct – 31 Mar, half 2 = 1 Apr – 30 Sep."""

    fiscal_year: int
    half: int

    def __post_init__(self) -> None:
        FiscalYear(self.fiscal_year)
        if self.half not in (1, 2):
            raise ValueError("half must be 1 (October–March) or 2 (April–September)")

    @property
    def first_day(self) -> date:
        ce = self.fiscal_year - BE_OFFSET
        return date(ce - 1, 10, 1) if self.half == 1 else date(ce, 4, 1)

    @property
    def last_day(self) -> date:
        ce = self.fiscal_year - BE_OFFSET
        return date(ce, 3, 31) if self.half == 1 else date(ce, 9, 30)

    @property
    def start(self) -> datetime:
        """Inclusive start, midnight Bangkok time, as a UTC datetime."""
        return _midnight(self.first_day).astimezone(timezone.utc)

    @property
    def end(self) -> datetime:
        """Exclusive end: midnight Bangkok time after the last day, as a UTC datetime."""
        return _midnight(self.last_day + timedelta(days=1)).astimezone(timezone.utc)

    def contains(self, moment: datetime) -> bool:
        return self.start <= as_utc(moment) < self.end

    def months(self) -> list[tuple[date, datetime, datetime]]:
        """(first day of month, UTC start, UTC end) for the six months of the period."""
        out = []
        d = self.first_day
        for _ in range(6):
            nxt = date(d.year + (d.month == 12), d.month % 12 + 1, 1)
            out.append((d, _midnight(d).astimezone(timezone.utc), _midnight(nxt).astimezone(timezone.utc)))
            d = nxt
        return out

    @property
    def key(self) -> str:
        return f"FY{self.fiscal_year}-H{self.half}"

    @classmethod
    def containing(cls, moment: datetime) -> "Period":
        local = as_bangkok(moment)
        fy = FiscalYear.containing(moment).be
        return cls(fy, 1 if local.month >= 10 or local.month <= 3 else 2)


def as_bangkok(moment: datetime) -> datetime:
    return as_utc(moment).astimezone(BANGKOK)


def period_of(fiscal_year: int, half: int) -> Period:
    """The period a request names; one that does not exist answers 422."""
    with domain_errors_as_http():
        return Period(fiscal_year, half)
