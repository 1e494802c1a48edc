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


def _listed(client, question: str) -> dict | None:
    r = client.get("/api/v1/staff/review/document-answers")
    assert r.status_code == 200, r.text
    return next((d for d in r.json()["items"] if d["question"] == question), None)


def test_a_question_answered_from_a_document_is_listed_and_promoted_to_a_draft(staff_service):
    asked = staff_service.ask(FAIR_ASSIGNMENT)
    assert asked["outcome"] == "answered_from_document", asked
    with staff_service.client("editor") as editor, staff_service.client("viewer") as viewer:
        item = _listed(viewer, FAIR_ASSIGNMENT)
        assert item is not None and item["passage"]["title"].startswith(REPORT_TITLE), item
        assert item["passage"]["text"] == asked["answer"] and asked["log_id"] in item["log_ids"]
        c, _ = session(staff_service, "viewer-user")
        page = c.get("/console/review").text
        assert 'id="document-answers"' in page and FAIR_ASSIGNMENT in page and REPORT_TITLE in page
        assert 'class="promote-button"' not in page  # a viewer cannot draft
        body = {"passage_id": item["passage"]["passage_id"]}
        assert viewer.post(f"/api/v1/staff/review/document-answers/{item['log_id']}/promote",
                           json=body).status_code == 403
        assert editor.post("/api/v1/staff/review/document-answers/999999999/promote",
                           json=body).status_code == 404
        gone = editor.post(f"/api/v1/staff/review/document-answers/{item['log_id']}/promote",
                           json={"passage_id": 999999999})
        assert gone.status_code == 409 and "no longer answers" in gone.text
        r = editor.post(f"/api/v1/staff/review/document-answers/{item['log_id']}/promote", json=body)
        assert r.status_code == 201, r.text
        entry = editor.get(f"/api/v1/staff/entries/{r.json()['faq_id']}").json()
        assert _listed(viewer, FAIR_ASSIGNMENT) is None  # dealt with
    assert entry["status"] == "draft" and entry["needs_review"] is True, entry
    assert entry["question_th"] == FAIR_ASSIGNMENT and entry["answer_th"] == asked["answer"]
    assert entry["question_en"] is None and entry["answer_en"] is None
    assert entry["source_url"].startswith("http") and entry["source_url"].endswith(asked["source_url"])
    with staff_service.client("admin") as admin:
        audit = admin.get("/api/v1/staff/audit", params={"action": "review."}).json()["items"]
    assert any(a["action"] == "review.promote_passage" and a["target"] == str(item["log_id"]) for a in audit)
