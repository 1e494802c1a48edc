"""Complaint statistics of a period: counts only, from the complaint table's plain columns (kind, mode,
channel, status, outcome and the received / acknowledged / closed instants). The encrypted content
columns are never selected. This is the one source of both the six-month report's complaints section
(reports/figures.py) and the public statistics page (statistics_pages.py), so the two cannot disagree.

Every figure is an aggregate query: one GROUP BY over the complaints received in the period, one over
those closed in it, a median, and one GROUP BY (day received, day answered) for the service level,
whose few groups are then checked against the working-day calendar (complaints/workdays.py).
Period bounds are UTC instants of Bangkok midnights (measures.periods); stored SQLite values are UTC.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import Date, Float, cast, extract, func, select
from sqlalchemy.orm import Session

from faq_service.complaints import workdays
from faq_service.complaints.models import CHANNELS, KINDS, MODES, OUTCOMES, Complaint
from faq_service.core.db import utcnow
from faq_service.measures.periods import FiscalYear, Period

SECONDS_PER_DAY = 86400.0


@dataclass
class KindFigures:
    """What became of the complaints of one kind received in the period (their state now)."""

    received: int = 0
    named: int = 0
    confidential: int = 0
    closed: int = 0
    outcomes: dict[str, int] = field(default_factory=lambda: dict.fromkeys(OUTCOMES, 0))

    @property
    def open(self) -> int:
        return self.received - self.closed


@dataclass
class ComplaintStats:
    start: datetime
    end: datetime
    ack_days: int  # the service level: acknowledged within this many working days
    received: int = 0
    by_kind: dict[str, int] = field(default_factory=lambda: dict.fromkeys(KINDS, 0))
    by_mode: dict[str, int] = field(default_factory=lambda: dict.fromkeys(MODES, 0))
    by_channel: dict[str, int] = field(default_factory=lambda: dict.fromkeys(CHANNELS, 0))
    kinds: dict[str, KindFigures] = field(default_factory=lambda: {k: KindFigures() for k in KINDS})
    # Of the complaints received in the period: those whose acknowledgement was due by now (answered,
    # or the deadline has passed), those of them answered in time, and those still within their time.
    ack_due: int = 0
    ack_in_time: int = 0
    ack_pending: int = 0
    # Closed in the period, whenever they were received.
    closed: int = 0
    by_outcome: dict[str, int] = field(default_factory=lambda: dict.fromkeys(OUTCOMES, 0))
    median_days_to_close: float | None = None

    @property
    def ack_in_time_pct(self) -> float | None:
        return round(100.0 * self.ack_in_time / self.ack_due, 1) if self.ack_due else None


def fiscal_window(fiscal_year: int, half: int | None = None) -> tuple[datetime, datetime]:
    """[start, end) of a fiscal year (half None) or of one of its halves, as UTC instants."""
    if half is None:
        FiscalYear(fiscal_year)  # the same check and message as a half's
        return Period(fiscal_year, 1).start, Period(fiscal_year, 2).end
    period = Period(fiscal_year, half)
    return period.start, period.end


def _bangkok_day(column, dialect: str):
    """The Bangkok calendar day of a stored instant, in SQL. Bangkok is UTC+7 all year (no DST)."""
    if dialect == "postgresql":
        return cast(func.timezone("Asia/Bangkok", column), Date)
    return func.date(column, "+7 hours")


def _as_date(value) -> date | None:
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])


def compute(session: Session, start: datetime, end: datetime, ack_days: int, holidays=None,
            now: datetime | None = None) -> ComplaintStats:
    """The figures of the complaints of [start, end). `holidays`: days off besides weekends (the
    desk's holiday file); `now`: when a deadline not yet reached still counts as pending."""
    stats = ComplaintStats(start, end, ack_days)
    _received(session, stats)
    _service_level(session, stats, holidays or {}, now or utcnow())
    _closed(session, stats)
    stats.median_days_to_close = median_days_to_close(session, start, end)
    return stats


def compute_for(session: Session, start: datetime, end: datetime, settings, now: datetime | None = None,
                ) -> ComplaintStats:
    """compute() with the service level and the holiday file of the settings, read the way the officer
    desk reads them (a mistyped file counts weekends only, as on the desk)."""
    from faq_service.complaints.desk_service import Sla

    sla = Sla.of(settings)
    holidays, _problem = sla.holidays()
    return compute(session, start, end, sla.ack_days, holidays, now)


def _received_in(start: datetime, end: datetime):
    return (Complaint.received_at >= start) & (Complaint.received_at < end)


def _received(session: Session, stats: ComplaintStats) -> None:
    q = (select(Complaint.kind, Complaint.mode, Complaint.channel, Complaint.status, Complaint.outcome, func.count())
         .where(_received_in(stats.start, stats.end))
         .group_by(Complaint.kind, Complaint.mode, Complaint.channel, Complaint.status, Complaint.outcome))
    for kind, mode, channel, status, outcome, n in session.execute(q):
        stats.received += n
        for counts, key in ((stats.by_kind, kind), (stats.by_mode, mode), (stats.by_channel, channel)):
            counts[key] = counts.get(key, 0) + n  # a value the models may gain later still counts
        per_kind = stats.kinds.setdefault(kind, KindFigures())
        per_kind.received += n
        if mode == "named":
            per_kind.named += n
        else:
            per_kind.confidential += n
        if status == "closed":
            per_kind.closed += n
            if outcome:
                per_kind.outcomes[outcome] = per_kind.outcomes.get(outcome, 0) + n


def _service_level(session: Session, stats: ComplaintStats, holidays, now: datetime) -> None:
    """Acknowledged within `ack_days` working days, as the desk's clocks count it (workdays.clock):
    the clock starts the day after the day of receipt, and closing a complaint answers it too. Days are
    compared, not instants, so the rows are grouped by (day received, day answered): a handful of
    groups per period, each checked against the calendar here."""
    dialect = session.get_bind().dialect.name
    answered = func.coalesce(Complaint.acknowledged_at, Complaint.closed_at)
    got, done = _bangkok_day(Complaint.received_at, dialect), _bangkok_day(answered, dialect)
    q = (select(got.label("got"), done.label("done"), func.count())
         .where(_received_in(stats.start, stats.end)).group_by(got, done))
    today = workdays.local_day(now)
    for got_day, done_day, n in session.execute(q):
        last_day = workdays.add_workdays(_as_date(got_day), stats.ack_days, holidays)
        done_day = _as_date(done_day)
        if done_day is not None:
            stats.ack_due += n
            stats.ack_in_time += n if done_day <= last_day else 0
        elif today > last_day:
            stats.ack_due += n  # overdue: due and not done in time
        else:
            stats.ack_pending += n


def _closed_in(start: datetime, end: datetime):
    return (Complaint.status == "closed") & (Complaint.closed_at >= start) & (Complaint.closed_at < end)


def _closed(session: Session, stats: ComplaintStats) -> None:
    q = (select(Complaint.outcome, func.count()).where(_closed_in(stats.start, stats.end))
         .group_by(Complaint.outcome))
    for outcome, n in session.execute(q):
        stats.closed += n
        if outcome:
            stats.by_outcome[outcome] = stats.by_outcome.get(outcome, 0) + n


def median_days_to_close(session: Session, start: datetime, end: datetime) -> float | None:
    """Median of (closed − received) in days, over the complaints closed in [start, end)."""
    where = _closed_in(start, end)
    if session.get_bind().dialect.name == "postgresql":
        days = cast(extract("epoch", Complaint.closed_at - Complaint.received_at), Float) / SECONDS_PER_DAY
        value = session.scalar(select(func.percentile_cont(0.5).within_group(days)).where(where))
        return None if value is None else round(float(value), 1)
    days = func.julianday(Complaint.closed_at) - func.julianday(Complaint.received_at)
    n = session.scalar(select(func.count()).where(where)) or 0
    if n == 0:
        return None
    middle = list(session.scalars(select(days).where(where).order_by(days)
                                  .offset((n - 1) // 2).limit(1 if n % 2 else 2)))
    return round(sum(middle) / len(middle), 1)


def first_fiscal_year(session: Session) -> int | None:
    """The fiscal year of the first complaint on record (the public page lists years from there)."""
    first = session.scalar(select(func.min(Complaint.received_at)))
    return FiscalYear.containing(workdays.as_utc(first)).be if first else None
