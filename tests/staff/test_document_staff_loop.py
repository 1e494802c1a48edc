"""Documents in the staff loop through the real faq_service on SQLite and PostgreSQL: the try-a-question
tool shows the best passage and whether it would answer; questions answered from documents are listed on
the review page with their document; one action turns such a passage into a draft entry, from the review
page or from a document's preview (any passage of a published document)."""
from __future__ import annotations

import uuid

from faq_service.core.db import Database
from faq_service.documents import service as documents
from tests.documents import samples
from tests.documents.test_console import imported, passages, upload
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


def report_passage(svc) -> tuple[int, object]:
    """The sample integrity report's id and a passage of it on the first page of its preview that sits under
    a heading."""
    db = Database(svc.database_url)
    try:
        with db.session() as s:
            document_id = next(d["id"] for d in documents.list_documents(s) if d["title"].startswith(REPORT_TITLE))
            passage = next(p for p in documents.passages_of(s, document_id)[:50] if p.section)
            return document_id, passage
    finally:
        db.engine.dispose()


def test_a_passage_is_drafted_from_the_document_page(staff_service):
    document_id, passage = report_passage(staff_service)
    heading = passage.section.split(" › ")[-1]
    viewer, viewer_csrf = session(staff_service, "viewer-user")
    assert 'class="promote-button"' not in viewer.get(f"/console/documents/{document_id}").text
    assert viewer.post("/console/review/passages/promote",
                       data={"csrf_token": viewer_csrf, "passage_id": passage.id}).status_code == 403
    editor, csrf = session(staff_service, "editor-user")
    preview = editor.get(f"/console/documents/{document_id}").text
    assert f'name="passage_id" value="{passage.id}"' in preview and 'id="promote-note"' not in preview
    keys = []
    with staff_service.client("editor") as api:
        for _ in range(2):  # one passage may answer several questions: a second draft gets a key of its own
            r = editor.post("/console/review/passages/promote", data={"csrf_token": csrf, "passage_id": passage.id})
            assert r.status_code == 303 and r.headers["location"].endswith("?flash=flash_promoted"), r.text
            faq_id = int(r.headers["location"].split("/")[-1].split("?")[0])
            entry = api.get(f"/api/v1/staff/entries/{faq_id}").json()
            assert entry["status"] == "draft" and entry["needs_review"] is True, entry
            assert entry[f"question_{passage.lang}"] == heading and entry[f"answer_{passage.lang}"] == passage.text
            assert entry["source_url"].endswith(f"/documents/{document_id}/file")
            keys.append(entry["key"])
    assert keys == [f"doc-{document_id}-p{passage.id}", f"doc-{document_id}-p{passage.id}-2"]
    with staff_service.client("admin") as admin:
        audit = admin.get("/api/v1/staff/audit", params={"action": "review."}).json()["items"]
    assert sum(a["action"] == "review.promote_passage" and a["target"] == f"passage-{passage.id}" for a in audit) == 2

    # An unpublished document's passages give no draft: no button, a note, and 409 with nothing written.
    marker = uuid.uuid4().hex[:6]
    other_id, _, _ = imported(editor, upload(editor, csrf, f"draftless-{marker}.md", samples.markdown(marker)))
    assert editor.post(f"/console/documents/{other_id}/unpublish", data={"csrf_token": csrf}).status_code == 303
    page = editor.get(f"/console/documents/{other_id}").text
    assert 'class="promote-button"' not in page and 'id="promote-note"' in page
    other_passage = passages(staff_service, other_id)[0][0]
    with staff_service.client("editor") as api:
        before = api.get("/api/v1/staff/entries", params={"limit": 1}).json()["total"]
        r = editor.post("/console/review/passages/promote", data={"csrf_token": csrf, "passage_id": other_passage})
        assert r.status_code == 409 and "no longer answers" in r.text
        assert api.get("/api/v1/staff/entries", params={"limit": 1}).json()["total"] == before
