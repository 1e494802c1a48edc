"""Curation through the staff API: drafts, revisions of published entries, publishing, history with
diffs, revert, filters, bulk publish, try a question, import with a report before writing,
export."""
from __future__ import annotations

import csv
import io
import time
import uuid

import yaml
from openpyxl import load_workbook

from tests.staff.helpers import answered_by, wait_for


def _new_entry(editor, question: str, answer: str, **extra) -> dict:
    key = f"t-{uuid.uuid4().hex[:10]}"
    r = editor.post("/api/v1/staff/entries", json={"key": key, "category": "staff-test",
                                                   "en": {"question": question, "answer": answer}, **extra})
    assert r.status_code == 201, r.text
    return r.json()


def test_editor_drafts_and_reviewer_publishes(staff_service):
    question = "Can TCEB lend a hovercraft for a floating exhibition booth?"
    with staff_service.client("editor") as editor, staff_service.client("reviewer") as reviewer:
        entry = _new_entry(editor, question, "Hovercraft answer: no, TCEB does not lend hovercraft.")
        assert entry["status"] == "draft"
        time.sleep(1.5)  # well past the sync interval: a draft is never answered
        assert staff_service.ask(question)["faq_id"] != entry["id"]
        assert editor.post(f"/api/v1/staff/entries/{entry['id']}/publish").status_code == 403
        r = reviewer.post(f"/api/v1/staff/entries/{entry['id']}/publish")
        assert r.status_code == 200 and r.json()["status"] == "published"
        body = wait_for(answered_by(staff_service, question, entry["id"]), 2)
        assert body and body["answer"].startswith("Hovercraft answer")


def test_a_published_entry_keeps_its_live_text_until_the_revision_is_published(staff_service):
    question = "Does TCEB run a lost-and-found desk for umbrellas at trade fairs?"
    with staff_service.client("editor") as editor, staff_service.client("reviewer") as reviewer:
        entry = _new_entry(editor, question, "Umbrella answer one.")
        reviewer.post(f"/api/v1/staff/entries/{entry['id']}/publish")
        assert wait_for(answered_by(staff_service, question, entry["id"]), 2)
        edit = {"category": "staff-test", "en": {"question": question, "answer": "Umbrella answer two.",
                                                 "alternates": ["Where do I find a lost umbrella at a fair?"]},
                "source_url": "https://www.businesseventsthailand.com/"}
        r = editor.put(f"/api/v1/staff/entries/{entry['id']}", json=edit)
        assert r.status_code == 200 and r.json()["result"] == "revision"
        assert r.json()["answer_en"] == "Umbrella answer one." and r.json()["draft"]["answer_en"] == "Umbrella answer two."
        time.sleep(1.5)
        assert staff_service.ask(question)["answer"] == "Umbrella answer one."
        assert reviewer.post(f"/api/v1/staff/entries/{entry['id']}/publish").status_code == 200
        body = wait_for(lambda: (b := staff_service.ask(question))["answer"] == "Umbrella answer two." and b, 2)
        assert body and body["source_url"] == "https://www.businesseventsthailand.com/"

        history = editor.get(f"/api/v1/staff/entries/{entry['id']}/history").json()["items"]
        assert [h["action"] for h in history][:3] == ["publish", "edit-draft", "publish"]
        assert "+answer_en: Umbrella answer two." in history[0]["diff"]
        assert "-answer_en: Umbrella answer one." in history[0]["diff"]

        first = history[-1]  # the creation
        r = editor.post(f"/api/v1/staff/entries/{entry['id']}/revert", json={"history_id": first["id"]})
        assert r.status_code == 200 and r.json()["result"] == "revision"
        reviewer.post(f"/api/v1/staff/entries/{entry['id']}/publish")
        assert wait_for(lambda: staff_service.ask(question)["answer"] == "Umbrella answer one.", 2)


def test_filters_and_bulk_publish(staff_service):
    with staff_service.client("editor") as editor, staff_service.client("reviewer") as reviewer:
        a = _new_entry(editor, "Bulk question alpha about zeppelins?", "Alpha answer.", needs_review=True)
        b = _new_entry(editor, "Bulk question beta about zeppelins?", "Beta answer.")
        listed = editor.get("/api/v1/staff/entries", params={"q": "zeppelins", "status": "draft"}).json()
        assert {e["id"] for e in listed["items"]} == {a["id"], b["id"]}
        flagged = editor.get("/api/v1/staff/entries", params={"q": "zeppelins", "needs_review": True}).json()
        assert [e["id"] for e in flagged["items"]] == [a["id"]]
        missing_th = editor.get("/api/v1/staff/entries", params={"category": "staff-test", "missing_lang": "th",
                                                                 "limit": 500}).json()
        assert {a["id"], b["id"]} <= {e["id"] for e in missing_th["items"]}
        missing_en = editor.get("/api/v1/staff/entries", params={"missing_lang": "en", "q": "zeppelins"}).json()
        assert missing_en["total"] == 0
        r = reviewer.post("/api/v1/staff/entries/bulk-publish", json={"ids": [a["id"], b["id"], 999999]})
        assert r.status_code == 200 and sorted(r.json()["published"]) == sorted([a["id"], b["id"]])
        assert r.json()["skipped"] == [999999]
        listed = editor.get("/api/v1/staff/entries", params={"q": "zeppelins", "status": "published"}).json()
        assert listed["total"] == 2


def test_try_a_question_shows_the_live_ranking_with_scores(staff_service):
    with staff_service.client("viewer") as viewer:
        r = viewer.post("/api/v1/staff/try", json={"question": "What is TCEB's e-mail address?"})
        assert r.status_code == 200
        body = r.json()
        assert body["outcome"] == "answered" and body["ranking"][0]["key"] == "contact-email"
        top = body["ranking"][0]
        assert {"score", "dense", "lexical", "classifier", "matched_text"} <= top.keys() and 0 <= top["score"] <= 1
        assert body["classifier_weight"] > 0 and top["classifier"] > 0
        # entries are ordered by the score plus the classifier's share (retrieval/classifier.py)
        order = [x["score"] + body["classifier_weight"] * x["classifier"] for x in body["ranking"]]
        assert all(a >= b - 1e-3 for a, b in zip(order, order[1:])), order  # (rounded to 4 places)


def test_import_reports_before_writing_then_applies(staff_service):
    key = f"imp-{uuid.uuid4().hex[:8]}"
    bad = yaml.safe_dump({"category": "imported", "entries": [
        {"key": key, "en": {"question": "Imported question?", "answer": "Imported answer."}},
        {"key": "Bad Key!", "en": {"question": "", "answer": "x"}}]}).encode()
    with staff_service.client("reviewer") as reviewer, staff_service.client("editor") as editor:
        assert editor.post("/api/v1/staff/import/validate", files={"file": ("kb.yml", bad)}).status_code == 403
        r = reviewer.post("/api/v1/staff/import/validate", files={"file": ("kb.yml", bad)})
        assert r.status_code == 200
        report = r.json()
        assert report["valid"] is False and report["import_id"] is None and len(report["errors"]) == 1
        assert "Bad Key!" in report["errors"][0] or "entry 2" in report["errors"][0]
        assert reviewer.get("/api/v1/staff/entries", params={"q": "Imported question"}).json()["total"] == 0

        buf = io.StringIO()
        writer = csv.DictWriter(buf, fieldnames=["key", "category", "status", "question_en", "answer_en",
                                                 "alternates_en"])
        writer.writeheader()
        writer.writerow({"key": key, "category": "imported", "status": "published",
                         "question_en": "Imported question about tuk-tuk rallies?",
                         "answer_en": "Imported tuk-tuk answer.", "alternates_en": "tuk-tuk rally\ntuk tuk race"})
        r = reviewer.post("/api/v1/staff/import/validate", files={"file": ("kb.csv", buf.getvalue().encode())})
        report = r.json()
        assert report["valid"] and report["counts"] == {"create": 1, "update": 0, "unchanged": 0}
        assert report["plan"] == [{"key": key, "action": "create", "status": "published"}]
        assert reviewer.get("/api/v1/staff/entries", params={"q": key}).json()["total"] == 0  # not written yet
        applied = reviewer.post(f"/api/v1/staff/import/{report['import_id']}/apply")
        assert applied.status_code == 200 and applied.json()["created"] == 1
        assert reviewer.post(f"/api/v1/staff/import/{report['import_id']}/apply").status_code == 404
        assert reviewer.get("/api/v1/staff/entries", params={"q": key}).json()["total"] == 1

        exported = reviewer.get("/api/v1/staff/export", params={"format": "xlsx"})
        assert exported.status_code == 200
        sheet = load_workbook(io.BytesIO(exported.content)).active
        assert key in [row[0] for row in sheet.iter_rows(values_only=True)]
        again = reviewer.post("/api/v1/staff/import/validate", files={"file": ("all.xlsx", exported.content)}).json()
        assert again["valid"] and again["counts"]["create"] == 0 and again["counts"]["update"] == 0
        for fmt in ("yaml", "csv"):
            assert key in reviewer.get("/api/v1/staff/export", params={"format": fmt}).text

        audit = None
        with staff_service.client("admin") as admin:
            audit = admin.get("/api/v1/staff/audit", params={"action": "import."}).json()["items"]
        assert {"import.validate", "import.apply"} <= {a["action"] for a in audit}


def test_an_entrys_scope_is_edited_exported_and_makes_other_years_partial(staff_service):
    question = "How many floating pavilions did TCEB sponsor?"
    scope = {"fiscal_years": [2563], "figure": {"en": "number of floating pavilions"}}
    with staff_service.client("editor") as editor, staff_service.client("reviewer") as reviewer:
        entry = _new_entry(editor, question, "Floating pavilions: 7 in fiscal year 2563.", scope=scope)
        assert entry["scope"] == {**scope, "organisation": "TCEB"}
        bad = editor.put(f"/api/v1/staff/entries/{entry['id']}", json={
            "category": "staff-test", "en": {"question": question, "answer": "x"}, "scope": {"fiscal_years": [2020]}})
        assert bad.status_code == 422 and "2400" in bad.text
        assert reviewer.post(f"/api/v1/staff/entries/{entry['id']}/publish").status_code == 200
        assert wait_for(answered_by(staff_service, question + " in fiscal year 2563", entry["id"]), 10)
        other = staff_service.ask(question + " in fiscal year 2566")
        assert other["outcome"] == "partial" and other["faq_id"] == entry["id"] and not other["answered"]
        assert "FY2563 (2020)" in other["answer"] and "FY2566 (2023)" in other["answer"]
        exported = yaml.safe_load(editor.get("/api/v1/staff/export", params={"format": "yaml"}).text)
        mine = next(e for e in exported["entries"] if e["key"] == entry["key"])
        assert mine["scope"] == {**scope, "organisation": "TCEB"}
        rows = list(csv.DictReader(io.StringIO(editor.get("/api/v1/staff/export", params={"format": "csv"})
                                               .content.decode("utf-8-sig"))))
        row = next(r for r in rows if r["key"] == entry["key"])
        assert row["scope_fiscal_years"] == "2563" and row["scope_figure_en"] == "number of floating pavilions"
