"""Documents in the staff loop through the real faq_service on SQLite and PostgreSQL: the try-a-question
tool shows the best passage and whether it would answer; questions answered from documents are listed on
the review page with their document; one action turns such a passage into a draft entry."""
from __future__ import annotations

from tests.staff.test_console_pages import session

REPORT_TITLE = "รายงานผลการดำเนินการตามมาตรการเพื่อขับเคลื่อนการส่งเสริมคุณธรรมและความโปร่งใสภายในหน่วยงาน"
FAIR_ASSIGNMENT = "มาตรการเรื่องการมอบหมายงานของผู้บังคับบัญชาอย่างเป็นธรรม มีขั้นตอนดำเนินการอะไรบ้าง"


def test_try_a_question_shows_the_best_passage_and_whether_it_answers(staff_service):
    with staff_service.client("viewer") as viewer:
        r = viewer.post("/api/v1/staff/try", json={"question": FAIR_ASSIGNMENT})
        assert r.status_code == 200, r.text
        body = r.json()
        assert body["outcome"] == "answered_from_document", body
        passage = body["passage"]
        assert passage["title"].startswith(REPORT_TITLE) and passage["would_answer"] is True
        assert passage["score"] >= body["document_threshold"] and passage["section"]
        assert body["ranking"], "the entry hits stay beside the passage"
        entry = viewer.post("/api/v1/staff/try", json={"question": "What is TCEB's e-mail address?",
                                                       "lang": "en"}).json()
    assert entry["outcome"] == "answered" and entry["passage"]["would_answer"] is False
    c, _ = session(staff_service, "viewer-user")
    page = c.get("/console/try", params={"q": FAIR_ASSIGNMENT, "lang": "th"}).text
    assert 'id="ranking"' in page and 'id="try-passage"' in page and REPORT_TITLE in page
    assert 'id="passage-verdict" class="ok">จะตอบจากข้อความนี้<' in page
    english = c.get("/console/try", params={"q": "What is TCEB's e-mail address?", "lang": "en"}).text
    assert "would not answer from this passage" in english or 'id="no-passage"' in english
