"""A small question log and knowledge-base history whose report figures are computed by hand
(see test_figures.py). Times are written in Bangkok time and stored in UTC."""
from __future__ import annotations

from datetime import datetime, timezone
from zoneinfo import ZoneInfo

from sqlalchemy import delete

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
        for model in (QuestionLog, ReviewCluster, FaqHistory, FaqEntry):
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
        return {"a": a.id, "b": b.id, "c": c.id, "d": d.id}
