"""Unanswered-question review through the staff API: clusters of declined, suggestion-only and 👎
questions; accept into an entry (answered within 2 s), draft, dismiss (back only with new questions)."""
from __future__ import annotations

import time
import uuid

import httpx

from tests.staff.helpers import answered_by, wait_for

KAYAK = ["Where can I rent a kayak in Krabi?", "kayak rental Krabi price", "rent kayaks near Ao Nang Krabi"]
CURRY = ["How long should I boil massaman curry?", "massaman curry cooking time"]


def _cluster_with(items: list[dict], text: str) -> dict | None:
    return next((c for c in items if any(q["text"] == text for q in c["questions"])), None)


def _clusters(client, **params) -> list[dict]:
    r = client.get("/api/v1/staff/review/clusters", params=params)
    assert r.status_code == 200, r.text
    return r.json()["items"]


def test_clusters_accept_dismiss_and_return(staff_service):
    for i, q in enumerate(KAYAK):
        staff_service.ask(q, channel="web" if i % 2 == 0 else "line")
    for q in CURRY:
        staff_service.ask(q, channel="web")
    thumbs = staff_service.ask("What is TCEB's e-mail address?")
    assert thumbs["answered"]
    assert httpx.post(f"{staff_service.url}/api/v1/feedback",
                      json={"log_id": thumbs["log_id"], "helpful": False}).status_code == 204

    with staff_service.client("viewer") as viewer, staff_service.client("editor") as editor, \
            staff_service.client("reviewer") as reviewer:
        items = _clusters(viewer)
        kayak = _cluster_with(items, KAYAK[0])
        assert kayak is not None, [c["examples"] for c in items]
        assert {q["text"] for q in kayak["questions"]} >= set(KAYAK)
        assert not ({q["text"] for q in kayak["questions"]} & set(CURRY))
        assert kayak["size"] >= 3 and kayak["open"] >= 3 and kayak["first_seen"] <= kayak["last_seen"]
        assert {"web", "line"} <= set(kayak["channels"])
        assert _cluster_with(items, "What is TCEB's e-mail address?")["outcomes"].get("thumbs_down") >= 1
        # the period filter: nothing before yesterday
        assert _cluster_with(_clusters(viewer, since="2000-01-01", until="2000-01-31"), KAYAK[0]) is None

        # a published entry to accept into; it becomes the pre-selected (best) candidate
        key = f"kayak-{uuid.uuid4().hex[:6]}"
        made = editor.post("/api/v1/staff/entries", json={"key": key, "category": "staff-test", "en": {
            "question": "Where can incentive groups rent kayaks in Krabi?",
            "answer": "Kayak answer: local operators in Krabi rent kayaks; TCEB can suggest some."}}).json()
        reviewer.post(f"/api/v1/staff/entries/{made['id']}/publish")
        wait_for(lambda: _cluster_with(_clusters(viewer), KAYAK[0])["candidates"][0]["faq_id"] == made["id"], 5)
        kayak = _cluster_with(_clusters(viewer), KAYAK[0])
        assert kayak["candidates"][0]["faq_id"] == made["id"]

        assert editor.post(f"/api/v1/staff/review/clusters/{kayak['signature']}/accept",
                           json={"faq_id": made["id"], "questions": KAYAK, "lang": "en"}).status_code == 403
        r = reviewer.post(f"/api/v1/staff/review/clusters/{kayak['signature']}/accept",
                          json={"faq_id": made["id"], "questions": KAYAK[:2], "lang": "en"})
        assert r.status_code == 200 and r.json()["added"] == KAYAK[:2]
        accepted_at = time.monotonic()
        body = wait_for(answered_by(staff_service, KAYAK[0], made["id"]), 2)
        assert body and time.monotonic() - accepted_at <= 2.5 and body["answer"].startswith("Kayak answer")
        assert _cluster_with(_clusters(viewer), KAYAK[0]) is None  # dealt with: gone from the list

        curry = _cluster_with(_clusters(viewer), CURRY[0])
        assert curry is not None
        assert editor.post(f"/api/v1/staff/review/clusters/{curry['signature']}/dismiss",
                           json={"reason": ""}).status_code == 422
        r = editor.post(f"/api/v1/staff/review/clusters/{curry['signature']}/dismiss",
                        json={"reason": "cooking is out of scope"})
        assert r.status_code == 200 and r.json()["resolved"] == 2
        assert _cluster_with(_clusters(viewer), CURRY[0]) is None
        time.sleep(0.5)
        assert _cluster_with(_clusters(viewer), CURRY[0]) is None  # stays dismissed without new questions
        staff_service.ask("massaman curry boiling time?", channel="line")
        back = _cluster_with(_clusters(viewer), "massaman curry boiling time?")
        assert back is not None and back["open"] == 1
        assert back["signature"] != curry["signature"]
        assert {q["text"] for q in back["questions"] if q["resolved"] == "dismissed"} == set(CURRY)

        with staff_service.client("admin") as admin:
            actions = {a["action"] for a in admin.get("/api/v1/staff/audit", params={"action": "review."}).json()["items"]}
        assert {"review.accept", "review.dismiss"} <= actions


def test_draft_entry_from_a_cluster(staff_service):
    question = "Do you sell tickets for the Songkran water-gun championship?"
    staff_service.ask(question, channel="web")
    with staff_service.client("editor") as editor:
        cluster = _cluster_with(_clusters(editor), question)
        key = f"songkran-{uuid.uuid4().hex[:6]}"
        r = editor.post(f"/api/v1/staff/review/clusters/{cluster['signature']}/draft", json={
            "key": key, "category": "events", "status": "draft",
            "en": {"question": question, "answer": "TCEB does not sell event tickets."}})
        assert r.status_code == 201, r.text
        entry = editor.get(f"/api/v1/staff/entries/{r.json()['faq_id']}").json()
        assert entry["status"] == "draft" and entry["key"] == key
        assert _cluster_with(_clusters(editor), question) is None
        assert editor.post(f"/api/v1/staff/review/clusters/{'0' * 40}/dismiss",
                           json={"reason": "x"}).status_code == 404


# An out-of-scope question that the knowledge base answers (wrongly) until staff mark it.
DOG = "Can I bring my dog to the TCEB office?"


def test_out_of_scope_cluster_becomes_decline_examples(staff_service):
    before = staff_service.ask(DOG)
    assert before["answered"], f"precondition: {DOG!r} is answered before it is marked out of scope ({before})"
    assert httpx.post(f"{staff_service.url}/api/v1/feedback",
                      json={"log_id": before["log_id"], "helpful": False}).status_code == 204

    with staff_service.client("viewer") as viewer, staff_service.client("editor") as editor, \
            staff_service.client("reviewer") as reviewer:
        dog = _cluster_with(_clusters(viewer), DOG)
        assert dog is not None and dog["outcomes"].get("thumbs_down") >= 1
        url = f"/api/v1/staff/review/clusters/{dog['signature']}/out-of-scope"
        assert editor.post(url).status_code == 403  # a reviewer's decision, like accepting
        r = reviewer.post(url)
        assert r.status_code == 200 and DOG in r.json()["added"] and r.json()["resolved"] >= 1
        marked_at = time.monotonic()
        assert _cluster_with(_clusters(viewer), DOG) is None  # dealt with (until new questions join it)
        after = wait_for(lambda: (lambda b: b if not b["answered"] else None)(staff_service.ask(DOG)), 2)
        assert after and time.monotonic() - marked_at <= 2.5, "still answered 2 s after it was marked"
        assert after["answer"] is None and after["faq_id"] is None
        assert reviewer.post(f"/api/v1/staff/review/clusters/{'0' * 40}/out-of-scope").status_code == 404
        assert reviewer.post("/api/v1/staff/review/clusters/0000/out-of-scope").status_code == 422  # no signature
        # questions the knowledge base does answer still get their answer
        assert staff_service.ask("What is TCEB's e-mail address?")["answered"]

        # undo: the example is listed; removing it lets the question be answered again
        listed = viewer.get("/api/v1/staff/review/decline-examples").json()["items"]
        example = next(e for e in listed if e["text"] == DOG)
        remove = f"/api/v1/staff/review/decline-examples/{example['id']}/remove"
        assert editor.post(remove).status_code == 403
        assert reviewer.post(remove).status_code == 200
        removed_at = time.monotonic()
        again = wait_for(lambda: (lambda b: b if b["answered"] else None)(staff_service.ask(DOG)), 2)
        assert again and time.monotonic() - removed_at <= 2.5, "not answered again 2 s after the removal"
        assert all(e["text"] != DOG for e in viewer.get("/api/v1/staff/review/decline-examples").json()["items"])
        assert reviewer.post(remove).status_code == 404  # already removed
