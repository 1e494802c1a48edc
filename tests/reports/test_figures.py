"""Report figures from a known synthetic log equal the values computed by hand (SQLite and PostgreSQL)."""
from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import text

from faq_service.core.db import Database
from faq_service.measures.periods import Period
from faq_service.reports.content import figure_lines
from faq_service.reports.figures import compute
from faq_service.core.migrations import migrate
from tests.conftest import new_database_url
from tests.reports import synthetic


@pytest.fixture(scope="module")
def loaded(db):
    synthetic.load(db)
    return db


def test_first_half_figures(loaded):
    with loaded.session() as s:
        f = compute(s, Period(2563, 1))
    assert f.asked == 6
    assert f.by_channel == {"web": 3, "line": 2, "api": 1}
    assert f.by_outcome == {"answered": 2, "suggested": 1, "declined": 2, "handled_by_bot": 1}
    assert (f.answered_pct, f.suggested_pct, f.declined_pct) == (33.3, 16.7, 33.3)
    assert f.median_latency_ms == 300.0  # of 100, 300, 200, 400, 500
    assert (f.helpful_yes, f.helpful_no, f.comments) == (2, 1, 1)  # an empty comment is no comment
    assert f.complaint_questions == 3  # two by topic, one answered from a complaints entry
    assert [(m.month, m.asked, m.answered) for m in f.months] == [
        (date(2019, 10, 1), 2, 1), (date(2019, 11, 1), 0, 0), (date(2019, 12, 1), 1, 0),
        (date(2020, 1, 1), 1, 0), (date(2020, 2, 1), 1, 0), (date(2020, 3, 1), 1, 1)]
    assert f.top_unanswered == [("สมัครงานได้ที่ไหน", 2)]
    assert (f.entries_created, f.entries_updated, f.entries_published) == (1, 2, 2)
    assert f.clusters_tracked
    assert (f.clusters_opened, f.clusters_closed, f.entries_improved) == (4, 2, 2)  # c1–c4 opened; c2, c4 closed


def test_second_half_figures(loaded):
    with loaded.session() as s:
        f = compute(s, Period(2563, 2))
    assert f.asked == 2
    assert f.by_outcome == {"answered": 1, "declined": 1}
    assert f.median_latency_ms == 60.0  # even count: mean of 50 and 70
    assert f.months[0].asked == 1 and f.months[-1].asked == 1
    assert f.top_unanswered == [("ค่าเช่าบูธ", 1)]
    assert (f.entries_created, f.entries_updated, f.entries_published) == (1, 0, 3)
    assert (f.clusters_opened, f.clusters_closed, f.entries_improved) == (0, 1, 0)


def test_empty_period(loaded):
    with loaded.session() as s:
        f = compute(s, Period(2570, 1))
    assert f.asked == 0 and f.median_latency_ms is None and f.answered_pct == 0.0
    assert [m.asked for m in f.months] == [0] * 6


def test_figure_lines_for_items(loaded):
    with loaded.session() as s:
        f = compute(s, Period(2563, 1))
    lines = figure_lines(f, ["E9", "E8"], "th")
    assert "คำถามที่ได้รับ 6 คำถาม" in lines
    assert "ตอบได้ร้อยละ 33.3 เสนอคำถามใกล้เคียงร้อยละ 16.7 ตอบไม่ได้ร้อยละ 33.3" in lines
    assert "กลุ่มคำถามที่ยังตอบไม่ได้ เปิดใหม่ 4 กลุ่ม ปิดแล้ว 2 กลุ่ม" in lines
    assert any("👍) 2 ครั้ง" in line for line in lines)
    assert figure_lines(f, ["E10"], "en") == [
        "3 questions about complaint channels (counts only; no complaint content is kept)"]
    assert figure_lines(f, ["I3"], "th") == []


def test_without_review_tables_clusters_are_zero(tmp_path):
    db = Database(new_database_url("sqlite", tmp_path, None))
    migrate(db)
    synthetic.load(db)
    with db.engine.begin() as conn:
        conn.execute(text("DROP TABLE review_cluster"))
    with db.session() as s:
        f = compute(s, Period(2563, 1))
    assert not f.clusters_tracked
    assert (f.clusters_opened, f.clusters_closed, f.entries_improved) == (0, 0, 0)
    assert f.asked == 6
    assert "this database has no review tables yet (0)" in " ".join(figure_lines(f, ["E9"], "en"))
