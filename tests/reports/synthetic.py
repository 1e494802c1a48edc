"""A small question log, knowledge-base history and set of complaints whose report figures are computed
by hand (see test_figures.py). Times are written in Bangkok time and stored in UTC."""
from __future__ import annotations

from datetime import datetime, timezone
from zoneinfo import ZoneInfo

from sqlalchemy import delete

from faq_service.complaints.models import Complaint
from faq_service.faqs.models import FaqEntry, FaqHistory
from faq_service.questions.models import QuestionLog
from faq_service.review.models import ReviewCluster

BKK = ZoneInfo("Asia/Bangkok")


def bkk(*args) -> datetime:
    return datetime(*args, tzinfo=BKK).astimezone(timezone.utc)


def _entry(s, key, category, history):
    e = FaqEntry(key=key, category=category, question_th=f"คำถาม {key}", answer_th=f"คำตอบ {key}",
                 question_en=f"Question {key}", answer_en=f"Answer {key}", alternates_th=[], alternates_en=[],
                 status=history[-1][2], version=len(history), created_at=history[0][1], updated_at=history[-1][1])
    s.add(e)
    s.flush()
    for v, (action, at, status) in enumerate(history, start=1):
        s.add(FaqHistory(faq_id=e.id, version=v, action=action, author="test", changed_at=at,
                         snapshot={"status": status, "key": key}))
    return e


def load(db) -> dict[str, int]:
    with db.session() as s:
        for model in (QuestionLog, ReviewCluster, FaqHistory, FaqEntry, Complaint):
            s.execute(delete(model))
        a = _entry(s, "t-a", "about", [("create", bkk(2019, 9, 1), "published"),
                                      ("update", bkk(2019, 11, 1), "published")])
        b = _entry(s, "t-b", "services", [("create", bkk(2020, 2, 1), "published"),
                                         ("update", bkk(2020, 2, 2), "published")])
        c = _entry(s, "t-c", "complaints", [("create", bkk(2019, 8, 1), "published"),
                                           ("archive", bkk(2020, 1, 5), "archived")])
        d = _entry(s, "t-d", "about", [("create", bkk(2020, 5, 1), "published")])

        def q(at, outcome, channel="web", latency=None, helpful=None, comment=None, topic=None, faq_id=None,
              text="q"):
            s.add(QuestionLog(asked_at=at, question_text=text, lang="th", channel=channel, outcome=outcome,
                              latency_ms=latency, helpful=helpful, feedback_comment=comment, topic=topic,
                              faq_id=faq_id, suggestions=[]))

        q(bkk(2019, 9, 30, 23, 59, 59), "answered", latency=999)                     # FY2562 H2
        q(bkk(2019, 10, 1, 0, 0, 0), "answered", latency=100, helpful=True, comment="ดีมาก", faq_id=a.id)
        q(bkk(2019, 10, 15, 12, 0), "suggested", "line", latency=300, helpful=False)
        q(bkk(2019, 12, 31, 23, 30), "declined", latency=200, text="สมัครงานได้ที่ไหน")
        q(bkk(2020, 1, 1, 0, 30), "declined", "api", latency=400, topic="complaints",
          text="  สมัครงานได้ที่ไหน ")                                                # January in Bangkok
        q(bkk(2020, 2, 10, 9, 0), "handled_by_bot", "line", topic="complaints")
        q(bkk(2020, 3, 31, 23, 59, 59), "answered", latency=500, helpful=True, comment="", faq_id=c.id)
        q(bkk(2020, 4, 1, 0, 0, 0), "answered", latency=50)                          # FY2563 H2
        q(bkk(2020, 9, 30, 23, 59, 59), "declined", latency=70, text="ค่าเช่าบูธ")       # FY2563 H2
        q(bkk(2020, 6, 15, 10, 0), "answered", "widget", helpful=True, faq_id=a.id)   # FY2563 H2 by channel
        q(bkk(2020, 6, 16, 10, 0), "answered", "widget", helpful=False)
        q(bkk(2020, 7, 1, 9, 0), "declined", "widget", text="ค่าเช่าบูธ")
        q(bkk(2020, 7, 2, 9, 0), "answered", "line", helpful=True)
        q(bkk(2020, 10, 1, 0, 0, 0), "answered", latency=1)                          # FY2564 H1

        s.add_all([
            ReviewCluster(signature="c1", member_ids=[], size=2, status="open", created_at=bkk(2019, 11, 1)),
            ReviewCluster(signature="c2", member_ids=[], size=3, status="accepted", faq_id=a.id,
                          created_at=bkk(2019, 12, 1), resolved_at=bkk(2020, 1, 10)),
            ReviewCluster(signature="c3", member_ids=[], size=1, status="dismissed",
                          created_at=bkk(2020, 3, 1), resolved_at=bkk(2020, 4, 2)),
            ReviewCluster(signature="c4", member_ids=[], size=4, status="drafted", faq_id=b.id,
                          created_at=bkk(2019, 10, 5), resolved_at=bkk(2020, 3, 31, 23, 0)),
        ])
        complaints(s)
        return {"a": a.id, "b": b.id, "c": c.id, "d": d.id}


def _complaint(s, n, kind, mode, channel, received, acknowledged=None, closed=None, outcome=None, status=None):
    """Only the plain columns matter to the figures; the content columns hold a placeholder."""
    s.add(Complaint(tracking_code=f"TC-TEST-0000-{n:04d}", secret_hash="0" * 64, kind=kind, mode=mode,
                    channel=channel, lang="th", status=status or ("closed" if closed else "acknowledged"
                                                                  if acknowledged else "received"),
                    outcome=outcome, description_enc=b"-", received_at=received, acknowledged_at=acknowledged,
                    closed_at=closed, updated_at=closed or acknowledged or received,
                    recorded_by="officer1" if channel in ("phone", "letter", "email", "walk_in") else None))


def complaints(s) -> None:
    """Acknowledge within 3 working days (the settings' default), weekends off; the settings' holiday
    file is empty, so 1 Jan 2020 (a Wednesday) is a working day unless a test passes it as a holiday.
    FY2563 H1 = 1 Oct 2019 – 31 Mar 2020; H2 = 1 Apr – 30 Sep 2020 (Bangkok)."""
    # c1 Tue → acknowledged Fri (the 3rd working day: in time); closed 20.0 days later
    _complaint(s, 1, "corruption", "confidential", "web", bkk(2019, 10, 1, 9, 0), bkk(2019, 10, 4, 16, 0),
               bkk(2019, 10, 21, 9, 0), "substantiated")
    # c2 Fri 06:00 Bangkok (still Thursday in UTC) → acknowledged Wed: in time only in Bangkok days
    _complaint(s, 2, "corruption", "named", "chat", bkk(2019, 10, 4, 6, 0), bkk(2019, 10, 9, 10, 0),
               status="in_review")
    # c3 Tue 31 Dec 23:30 → closed (unacknowledged) Mon 6 Jan: late, in time if 1 Jan is a holiday; 5.4 days
    _complaint(s, 3, "procurement", "confidential", "web", bkk(2019, 12, 31, 23, 30), None,
               bkk(2020, 1, 6, 10, 0), "outside_remit")
    # c4 the last minute of H1, never acknowledged: pending until the end of Fri 3 Apr, overdue after
    _complaint(s, 4, "personnel", "named", "phone", bkk(2020, 3, 31, 23, 59))
    # c5 Fri → acknowledged Thu (late); closed in H2, 147.0 days later
    _complaint(s, 5, "service", "confidential", "web", bkk(2019, 11, 15, 10, 0), bkk(2019, 11, 21, 11, 0),
               bkk(2020, 4, 10, 10, 0), "not_substantiated")
    # c6 received in FY2562 (the minute before H1), closed in H1 10.0 days later
    _complaint(s, 6, "corruption", "confidential", "web", bkk(2019, 9, 30, 23, 59), bkk(2019, 10, 1, 9, 0),
               bkk(2019, 10, 10, 23, 59), "not_substantiated")
    # c7 the first instant of H2, never acknowledged
    _complaint(s, 7, "other", "confidential", "line", bkk(2020, 4, 1, 0, 0))
    # c8 H2: acknowledged the next day, withdrawn 4.0 days after receipt
    _complaint(s, 8, "personnel", "confidential", "web", bkk(2020, 4, 2, 9, 0), bkk(2020, 4, 3, 9, 0),
               bkk(2020, 4, 6, 9, 0), "withdrawn")
