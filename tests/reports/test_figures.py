"""Report figures from a known synthetic log and set of complaints equal the values computed by hand
(SQLite and PostgreSQL)."""
from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import text

from faq_service.core.db import Database
from faq_service.measures.periods import Period
from faq_service.reports.content import figure_lines, proposal_lines
from faq_service.reports.figures import compute
from faq_service.core.migrations import migrate
from tests.conftest import new_database_url
from tests.reports import synthetic
from tests.reports.synthetic import bkk

# The acknowledgement clocks are judged at a fixed moment: c4 (received 31 Mar 23:59) is then still
# within its 3 working days; at any later date it is overdue.
H1_NOW = bkk(2020, 4, 1, 10, 0)


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


def channel_rows(f) -> list[tuple]:
    return [(c.channel, c.asked, c.answered, c.answered_pct, c.helpful_yes, c.helpful_no, c.helpful_pct)
            for c in f.channels]


def test_first_half_by_channel(loaded):
    with loaded.session() as s:
        f = compute(s, Period(2563, 1))
    # web: rows 1, 3, 6 — two answered, both 👍; line: rows 2, 5 — none answered, one 👎; api: row 4.
    assert channel_rows(f) == [("web", 3, 2, 66.7, 2, 0, 100.0), ("widget", 0, 0, None, 0, 0, None),
                               ("line", 2, 0, 0.0, 0, 1, 0.0), ("api", 1, 0, 0.0, 0, 0, None)]
    line = figure_lines(f, ["E6"], "en")[1]
    assert line == ("By channel: Chat page 3 questions (66.7% answered; 👍 100.0% of feedback); "
                    "Chat widget on websites 0 questions; LINE 2 questions (0.0% answered; 👍 0.0% of feedback); "
                    "API 1 questions (0.0% answered; no feedback yet)")


def test_second_half_figures(loaded):
    with loaded.session() as s:
        f = compute(s, Period(2563, 2))
    assert f.asked == 6
    assert f.by_outcome == {"answered": 4, "declined": 2}
    assert f.median_latency_ms == 60.0  # even count: mean of 50 and 70
    assert f.months[0].asked == 1 and f.months[-1].asked == 1
    assert [m.asked for m in f.months] == [1, 0, 2, 2, 0, 1]
    assert f.top_unanswered == [("ค่าเช่าบูธ", 2)]
    # web: Apr answered, Sep declined; widget: two answered (👍, 👎) and one declined; line: one answered 👍.
    assert channel_rows(f) == [("web", 2, 1, 50.0, 0, 0, None), ("widget", 3, 2, 66.7, 1, 1, 50.0),
                               ("line", 1, 1, 100.0, 1, 0, 100.0), ("api", 0, 0, None, 0, 0, None)]
    assert (f.helpful_yes, f.helpful_no) == (2, 1)
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
    assert figure_lines(f, ["E10"], "en")[0] == (
        "3 questions about complaint channels (counts only; no complaint content is kept)")
    assert figure_lines(f, ["I3"], "th") == []


def test_complaint_figures_first_half(loaded):
    with loaded.session() as s:
        c = compute(s, Period(2563, 1), now=H1_NOW).complaints
    assert c.received == 5  # c1–c5; c6 was received the minute before the period, c7 the instant after
    assert c.by_kind == {"corruption": 2, "procurement": 1, "personnel": 1, "service": 1, "other": 0}
    assert c.by_mode == {"named": 2, "confidential": 3}
    assert c.by_channel == {"chat": 1, "web": 3, "line": 0, "phone": 1, "letter": 0, "email": 0, "walk_in": 0}
    # c1 and c2 in time (c2 only when days are counted in Bangkok), c3 and c5 late, c4 not yet due
    assert (c.ack_days, c.ack_due, c.ack_in_time, c.ack_pending, c.ack_in_time_pct) == (3, 4, 2, 1, 50.0)
    # closed in the period: c1 (20.0 days), c3 (5.4), c6 (10.0, received in FY2562); c5 closes in H2
    assert c.closed == 3
    assert c.by_outcome == {"substantiated": 1, "not_substantiated": 1, "outside_remit": 1, "withdrawn": 0}
    assert c.median_days_to_close == 10.0
    corruption = c.kinds["corruption"]
    assert (corruption.received, corruption.named, corruption.confidential, corruption.closed, corruption.open) == (
        2, 1, 1, 1, 1)
    assert corruption.outcomes["substantiated"] == 1
    assert (c.kinds["procurement"].closed, c.kinds["procurement"].outcomes["outside_remit"]) == (1, 1)
    assert (c.kinds["personnel"].received, c.kinds["personnel"].open) == (1, 1)


def test_complaint_figures_once_c4_is_overdue(loaded):
    with loaded.session() as s:
        c = compute(s, Period(2563, 1), now=bkk(2020, 4, 4, 0, 0)).complaints  # after the end of Fri 3 Apr
    assert (c.ack_due, c.ack_in_time, c.ack_pending, c.ack_in_time_pct) == (5, 2, 0, 40.0)


def test_complaint_figures_second_half(loaded):
    with loaded.session() as s:
        c = compute(s, Period(2563, 2), now=bkk(2020, 10, 1)).complaints
    assert c.received == 2 and c.by_kind["corruption"] == 0 and c.by_kind["other"] == 1
    assert (c.ack_due, c.ack_in_time) == (2, 1)  # c8 in time, c7 never acknowledged
    assert c.closed == 2 and c.by_outcome["not_substantiated"] == 1 and c.by_outcome["withdrawn"] == 1
    assert c.median_days_to_close == 75.5  # even count: mean of 4.0 and 147.0


def test_complaint_lines_and_proposed_results(loaded):
    with loaded.session() as s:
        h1 = compute(s, Period(2563, 1), now=H1_NOW)
        h2 = compute(s, Period(2563, 2), now=bkk(2020, 10, 1))
        empty = compute(s, Period(2570, 1))
    assert figure_lines(h1, ["E10"], "en")[1:] == [
        "5 complaints received: Corruption or misconduct 2, Procurement 1, Personnel administration 1, Service 1",
        "Named 2, Confidential 3; channels: Chat 1, Web form 3, Phone 1",
        "50.0% acknowledged within 3 working days (2 of 4 due; 1 not yet due)",
        "3 closed in this period (Substantiated 1, Not substantiated 1, Outside TCEB's remit 1); "
        "median time from receipt to closing 10.0 days"]
    assert "เรื่องร้องเรียนที่ได้รับ 5 เรื่อง: การทุจริต/ประพฤติมิชอบ 2, การจัดซื้อจัดจ้าง 1, การบริหารงานบุคคล 1, " \
           "การให้บริการ 1" in figure_lines(h1, ["E10"], "th")
    assert proposal_lines(h1, ["E10"], "en") == [
        "Corruption complaints received in the period: 2 (1 named, 1 confidential). "
        "Closed: 1 (Substantiated 1); in progress: 1."]
    assert proposal_lines(h1, ["E10"], "th") == [
        "ในรอบรายงานนี้ได้รับเรื่องร้องเรียนการทุจริต 2 เรื่อง (เปิดเผยชื่อ 1 แจ้งแบบลับ 1) "
        "ยุติเรื่องแล้ว 1 เรื่อง (มีมูล 1) อยู่ระหว่างดำเนินการ 1 เรื่อง"]
    assert proposal_lines(h1, ["I11"], "en") == [
        "Procurement complaints received in the period: 1 (0 named, 1 confidential). "
        "Closed: 1 (Outside TCEB's remit 1); in progress: 0."]
    # I13–I15 share one measure: one sentence about personnel complaints, not three
    assert proposal_lines(h1, ["I13", "I14", "I15"], "en") == [
        "Personnel-administration complaints received in the period: 1 (1 named, 0 confidential). "
        "Closed: 0; in progress: 1."]
    assert proposal_lines(h2, ["E10"], "en") == ["No corruption complaint was received in the period."]
    assert proposal_lines(h2, ["E10"], "th") == ["ไม่มีการร้องเรียนเรื่องการทุจริตในรอบรายงานนี้"]
    assert proposal_lines(empty, ["I11", "I13"], "en") == [
        "No procurement complaint was received in the period.",
        "No personnel-administration complaint was received in the period."]
    assert figure_lines(empty, ["E10"], "en")[1:] == [
        "No complaint was received in this period",
        "Acknowledged within 3 working days: none due yet (0 not yet due)", "Closed in this period: none"]
    assert proposal_lines(h1, ["E9", "I3"], "th") == []


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
