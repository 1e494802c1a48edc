"""Indexes the report figures need on question_log (created by migration 0003).

ix_question_log_report covers every column the period pass reads, so PostgreSQL answers it with an
index-only scan (and SQLite with a covering index); ix_question_log_commented is a partial index over
the few rows that carry a feedback comment."""
from __future__ import annotations

from sqlalchemy import Index

from faq_service.questions.models import QuestionLog

REPORT_INDEX = Index("ix_question_log_report", QuestionLog.asked_at, QuestionLog.channel, QuestionLog.outcome,
                     QuestionLog.latency_ms, QuestionLog.helpful, QuestionLog.intent, QuestionLog.faq_id)
COMMENTED_INDEX = Index("ix_question_log_commented", QuestionLog.asked_at,
                        postgresql_where=QuestionLog.feedback_comment.is_not(None),
                        sqlite_where=QuestionLog.feedback_comment.is_not(None))
