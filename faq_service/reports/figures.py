"""Automatic figures of a half-year period, from the question log, the knowledge base and the complaint
records (complaints/statistics.py, the same figures as the public statistics page).

Everything is aggregated in SQL (one GROUP BY pass over the period's question_log rows, plus a median
and a top-N query), so the cost depends on the index range scan, not on Python loops over rows.
Time bounds are UTC instants of Bangkok midnights (measures.periods); stored SQLite values are UTC.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import Engine, case, func, inspect, literal, select
from sqlalchemy.orm import Session

from faq_service.complaints import statistics as complaint_statistics
from faq_service.complaints.statistics import ComplaintStats
from faq_service.core.settings import get_settings
from faq_service.faqs.models import FaqEntry, FaqHistory
from faq_service.core.db import as_utc
from faq_service.measures.periods import Period
from faq_service.questions.models import ANSWERED_OUTCOMES, CHANNELS, QuestionLog

COMPLAINT_TOPIC = "complaints"  # the question log's topic of questions about complaint channels
COMPLAINT_CATEGORY = "complaints"
# Not answered: declined, and partial replies (the question asked for another year or organisation).
UNANSWERED_OUTCOMES = ("declined", "partial")
TOP_TOPICS = 5


@dataclass
class MonthFigure:
    month: date
    asked: int = 0
    answered: int = 0

    @property
    def answered_pct(self) -> float | None:
        return round(100.0 * self.answered / self.asked, 1) if self.asked else None


@dataclass
class ChannelFigure:
    """One channel's questions, how many were answered and the feedback on them."""

    channel: str
    asked: int = 0
    answered: int = 0
    helpful_yes: int = 0
    helpful_no: int = 0

    @property
    def answered_pct(self) -> float | None:
        return round(100.0 * self.answered / self.asked, 1) if self.asked else None

    @property
    def helpful_pct(self) -> float | None:
        """👍 among the answers rated 👍 or 👎 (None: no feedback)."""
        rated = self.helpful_yes + self.helpful_no
        return round(100.0 * self.helpful_yes / rated, 1) if rated else None


@dataclass
class Figures:
    period: Period
    asked: int = 0
    by_channel: dict[str, int] = field(default_factory=dict)
    # Every channel of the question log (questions/models.py CHANNELS, zeros included), then any other.
    channels: list[ChannelFigure] = field(default_factory=list)
    by_outcome: dict[str, int] = field(default_factory=dict)
    median_latency_ms: float | None = None
    helpful_yes: int = 0
    helpful_no: int = 0
    comments: int = 0
    complaint_questions: int = 0
    months: list[MonthFigure] = field(default_factory=list)
    top_unanswered: list[tuple[str, int]] = field(default_factory=list)
    clusters_tracked: bool = False  # the review tables exist
    clusters_opened: int = 0
    clusters_closed: int = 0
    entries_published: int = 0  # published at the end of the period
    entries_created: int = 0
    entries_updated: int = 0
    entries_improved: int = 0  # entries that gained alternates or were drafted from unanswered questions
    first_question_at: datetime | None = None
    complaints: ComplaintStats | None = None  # complaints received, answered and closed in the period

    def pct(self, outcome: str) -> float:
        return round(100.0 * self.by_outcome.get(outcome, 0) / self.asked, 1) if self.asked else 0.0

    @property
    def answered_pct(self) -> float:
        """Entries and document passages alike (by_outcome shows them apart)."""
        answered = sum(self.by_outcome.get(o, 0) for o in ANSWERED_OUTCOMES)
        return round(100.0 * answered / self.asked, 1) if self.asked else 0.0

    @property
    def document_pct(self) -> float:
        return self.pct("answered_from_document")

    @property
    def suggested_pct(self) -> float:
        return self.pct("suggested")

    @property
    def declined_pct(self) -> float:
        return round(sum(self.pct(o) for o in UNANSWERED_OUTCOMES), 1)


def compute(session: Session, period: Period, now: datetime | None = None, settings=None) -> Figures:
    """`now`: the moment a complaint's acknowledgement deadline is judged at (default: now);
    `settings`: the complaints service level and holiday file (default: the process's settings)."""
    fig = Figures(period)
    _question_log(session, period, fig)
    fig.median_latency_ms = median_latency(session, period)
    fig.top_unanswered = top_unanswered(session, period)
    _knowledge_base(session, period, fig)
    _review(session, period, fig)
    first = session.scalar(select(func.min(QuestionLog.asked_at)))
    fig.first_question_at = as_utc(first) if first else None
    fig.complaints = complaint_statistics.compute_for(session, period.start, period.end, settings or get_settings(),
                                                      now)
    return fig


def _in_period(period: Period):
    return (QuestionLog.asked_at >= period.start) & (QuestionLog.asked_at < period.end)


def _question_log(session: Session, period: Period, fig: Figures) -> None:
    complaint_ids = list(session.scalars(select(FaqEntry.id).where(FaqEntry.category == COMPLAINT_CATEGORY)))
    months = period.months()
    bucket = case(*[(QuestionLog.asked_at < end, i) for i, (_, _, end) in enumerate(months[:-1])],
                  else_=len(months) - 1).label("bucket")
    is_complaint = QuestionLog.topic == COMPLAINT_TOPIC
    if complaint_ids:
        is_complaint = is_complaint | QuestionLog.faq_id.in_(complaint_ids)
    one = literal(1)
    q = (select(QuestionLog.channel, QuestionLog.outcome, bucket, func.count(),
                func.sum(case((QuestionLog.helpful.is_(True), one), else_=0)),
                func.sum(case((QuestionLog.helpful.is_(False), one), else_=0)),
                func.sum(case((is_complaint, one), else_=0)))
         .where(_in_period(period)).group_by(QuestionLog.channel, QuestionLog.outcome, bucket))
    by_channel: Counter = Counter()
    by_outcome: Counter = Counter()
    per_channel = {c: ChannelFigure(c) for c in CHANNELS}
    fig.months = [MonthFigure(first) for first, _, _ in months]
    for channel, outcome, b, n, yes, no, complaints in session.execute(q):
        by_channel[channel] += n
        ch = per_channel.setdefault(channel, ChannelFigure(channel))
        ch.asked += n
        ch.answered += n if outcome in ANSWERED_OUTCOMES else 0
        ch.helpful_yes += int(yes or 0)
        ch.helpful_no += int(no or 0)
        by_outcome[outcome] += n
        fig.asked += n
        fig.helpful_yes += int(yes or 0)
        fig.helpful_no += int(no or 0)
        fig.complaint_questions += int(complaints or 0)
        fig.months[int(b)].asked += n
        if outcome in ANSWERED_OUTCOMES:
            fig.months[int(b)].answered += n
    # Comments are rare: counted apart through the partial index on commented rows, so that the pass above
    # reads only the covering index ix_question_log_report (an index-only scan on PostgreSQL).
    fig.comments = session.scalar(select(func.count()).where(
        _in_period(period) & QuestionLog.feedback_comment.is_not(None) & (QuestionLog.feedback_comment != ""))) or 0
    fig.by_channel = dict(sorted(by_channel.items(), key=lambda kv: (-kv[1], kv[0])))
    fig.channels = list(per_channel.values())
    fig.by_outcome = dict(by_outcome)


def median_latency(session: Session, period: Period) -> float | None:
    where = _in_period(period) & QuestionLog.latency_ms.is_not(None)
    if session.get_bind().dialect.name == "postgresql":
        value = session.scalar(select(func.percentile_cont(0.5).within_group(QuestionLog.latency_ms)).where(where))
        return None if value is None else round(float(value), 1)
    n = session.scalar(select(func.count()).where(where)) or 0
    if n == 0:
        return None
    middle = list(session.scalars(select(QuestionLog.latency_ms).where(where).order_by(QuestionLog.latency_ms)
                                  .offset((n - 1) // 2).limit(1 if n % 2 else 2)))
    return round(sum(middle) / len(middle), 1)


def top_unanswered(session: Session, period: Period, limit: int = TOP_TOPICS) -> list[tuple[str, int]]:
    """The most frequent unanswered questions (same text, case and surrounding spaces ignored)."""
    text = func.lower(func.trim(QuestionLog.question_text)).label("t")
    q = (select(text, func.count().label("n"))
         .where(_in_period(period) & QuestionLog.outcome.in_(UNANSWERED_OUTCOMES))
         .group_by(text).order_by(func.count().desc(), text).limit(limit))
    return [(t, int(n)) for t, n in session.execute(q)]


def _knowledge_base(session: Session, period: Period, fig: Figures) -> None:
    """Created / updated in the period from faq_history; published as of the period's end."""
    start, end = period.start, period.end
    created: set[int] = set()
    updated: set[int] = set()
    latest: dict[int, tuple[datetime, int, str]] = {}
    rows = session.execute(select(FaqHistory.faq_id, FaqHistory.id, FaqHistory.changed_at, FaqHistory.action,
                                  FaqHistory.snapshot).where(FaqHistory.changed_at < end))
    for faq_id, hid, changed_at, action, snap in rows:  # one row per change: small next to the log
        at = as_utc(changed_at)
        if at >= start:
            (created if action == "create" else updated).add(faq_id)
        status = (snap or {}).get("status", "published")
        if faq_id not in latest or (at, hid) > latest[faq_id][:2]:
            latest[faq_id] = (at, hid, status)
    fig.entries_created = len(created)
    fig.entries_updated = len(updated - created)
    fig.entries_published = sum(1 for _, _, status in latest.values() if status == "published")


def review_tables_exist(bind: Engine) -> bool:
    names = set(inspect(bind).get_table_names())
    return {"review_cluster"} <= names


def _review(session: Session, period: Period, fig: Figures) -> None:
    """Unanswered-question clusters (faq_service.review): opened / closed in the period, and entries
    improved from them. Databases without the review tables report zeros, flagged clusters_tracked=False."""
    if not review_tables_exist(session.connection()):
        return
    from faq_service.review.models import ReviewCluster as C

    fig.clusters_tracked = True
    fig.clusters_opened = session.scalar(select(func.count()).where(
        (C.created_at >= period.start) & (C.created_at < period.end))) or 0
    closed = (C.status != "open") & (C.resolved_at >= period.start) & (C.resolved_at < period.end)
    fig.clusters_closed = session.scalar(select(func.count()).where(closed)) or 0
    fig.entries_improved = session.scalar(select(func.count(func.distinct(C.faq_id))).where(
        closed & C.status.in_(("accepted", "drafted")) & C.faq_id.is_not(None))) or 0
