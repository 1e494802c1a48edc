"""Questions answered from imported documents count as answered in the reports, and are shown apart
(the question log's outcome column holds the longer name on SQLite and PostgreSQL)."""
from __future__ import annotations

from faq_service.measures.periods import Period
from faq_service.questions.models import QuestionLog
from faq_service.reports.content import figure_lines
from faq_service.reports.figures import compute
from tests.reports.synthetic import bkk


def test_answered_from_document_counts_as_answered_and_apart(db):
    with db.write_session() as s:
        for day, outcome in ((1, "answered"), (2, "answered_from_document"), (3, "declined")):
            s.add(QuestionLog(asked_at=bkk(2019, 11, day, 10, 0), question_text="q", lang="th", channel="web",
                              outcome=outcome, suggestions=[]))
    with db.session() as s:
        f = compute(s, Period(2563, 1))
    assert f.asked == 3 and f.answered_pct == 66.7 and f.document_pct == 33.3
    assert f.by_outcome["answered_from_document"] == 1 and f.by_outcome["answered"] == 1
    assert sum(m.answered for m in f.months) == 2
    assert "ตอบจากเอกสารที่นำเข้าร้อยละ 33.3 (นับรวมอยู่ในที่ตอบได้)" in figure_lines(f, ["E9"], "th")
    assert "33.3% answered from imported documents (included in answered)" in figure_lines(f, ["E9"], "en")
