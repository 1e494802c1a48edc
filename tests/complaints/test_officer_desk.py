"""The complaints officers' desk against the real service, on SQLite and PostgreSQL: the flag is outside
the role ladder (an admin without it gets 403), granted by an admin with an audit row and shown to every
officer; an officer works a case from the queue to its outcome on the staff API and in the console, and
the complainant reads the officer's message on the status page; recusal hides a case from the other
officers; every reading, download and export is audited; an overdue case is highlighted; a complaint
taken by phone is recorded; and new complaints are announced by e-mail to a real local SMTP server, with
none of their content."""
from __future__ import annotations

import io
import re
import time
import uuid
from datetime import timedelta

import httpx
import pytest
from PIL import Image

from faq_service.complaints.models import Complaint
from faq_service.core.db import utcnow
from tests.complaints.desk_support import (CONSOLE_URL, CSRF, NOTIFY_TO, OFFICER_A, OFFICER_A_EMAIL, OFFICER_B,
                                           body_text, start_desk)
from tests.conftest import new_database_url


@pytest.fixture(scope="module", params=["sqlite", "postgres"])
def desk(request, tmp_path_factory, postgres_dbs, artifacts_dir, mailbox):
    tmp = tmp_path_factory.mktemp(f"desk-{request.param}")
    url = new_database_url(request.param, tmp, postgres_dbs)
    holidays = tmp / "holidays.yml"
    holidays.write_text(GOOD_HOLIDAYS)
    svc = start_desk(request.param, url, artifacts_dir / f"logs-desk-{request.param}", mailbox,
                     {"THAMTOB_COMPLAINT_HOLIDAYS": str(holidays)})
    svc.holidays = holidays
    yield svc
    svc.proc.stop()


GOOD_HOLIDAYS = "holidays:\n  - date: 2099-01-01\n    name: test only\n"


def marker() -> str:
    return f"DESKMARK{uuid.uuid4().hex[:10]}"


def png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (8, 8), (200, 30, 30)).save(out, "PNG")
    return out.getvalue()


def test_an_admin_without_the_flag_gets_no_complaint(desk):
    receipt = desk.submit(f"admin must not read this {marker()}")
    cid = desk.complaint_id(receipt["tracking_code"])
    with desk.api("admin") as admin:
        for method, path in (("get", ""), ("get", "/officers"), ("get", f"/{cid}"), ("get", f"/{cid}/export"),
                             ("post", f"/{cid}/status"), ("post", f"/{cid}/messages"),
                             ("put", f"/{cid}/restriction")):
            r = admin.request(method, f"/api/v1/staff/complaints{path}", json={})
            assert r.status_code == 403, (method, path, r.status_code)
        assert admin.post("/api/v1/staff/complaints", data={"kind": "other", "mode": "confidential",
                                                            "channel": "phone", "description": "x"}).status_code == 403
    assert httpx.get(f"{desk.url}/api/v1/staff/complaints").status_code == 401
    page, _ = desk.console("admin")
    assert page.get("/console/complaints").status_code == 403
    assert page.get(f"/console/complaints/{cid}").status_code == 403
    assert 'href="/console/complaints"' not in page.get("/console").text  # no link for a non-officer
    assert httpx.get(f"{desk.url}/console/complaints", follow_redirects=False).status_code == 303
    officer, _ = desk.console(OFFICER_A)
    assert 'href="/console/complaints"' in officer.get("/console").text
    spec = httpx.get(f"{desk.url}/openapi.json").json()["paths"]
    assert spec["/api/v1/staff/complaints/{complaint_id}"]["get"]["x-required-role"] == "complaints_officer"


def test_the_flag_is_granted_by_an_admin_audited_and_shown_to_every_officer(desk):
    grants = desk.audit("user.complaints_officer")
    assert {(g.username, g.target) for g in grants} >= {("admin", OFFICER_A), ("admin", OFFICER_B)}
    with desk.api(OFFICER_B) as officer:
        listed = officer.get("/api/v1/staff/complaints/officers").json()
        assert listed["officers"] == sorted([OFFICER_A, OFFICER_B])
        assert {(c["by"], c["user"], c["granted"]) for c in listed["changes"]} >= {("admin", OFFICER_A, True)}
        # an officer who is not an admin cannot hand out the flag
        assert officer.patch("/api/v1/staff/users/viewer-user", json={"complaints_officer": True}).status_code == 403
    page, _ = desk.console(OFFICER_B)
    queue = page.get("/console/complaints", params={"lang": "en"}).text
    assert OFFICER_A in queue and "admin granted access to officer-a" in queue
    with desk.api("admin") as admin:
        users = {u["username"]: u for u in admin.get("/api/v1/staff/users").json()}
        assert users[OFFICER_A]["complaints_officer"] and not users["admin"]["complaints_officer"]
    # granted and revoked on the admin's users page: the desk opens and closes at once
    admin_page, csrf = desk.console("admin")
    assert 'name="complaints_officer"' in admin_page.get("/console/users").text
    viewer, _ = desk.console("viewer-user")
    assert viewer.get("/console/complaints").status_code == 403
    for flag, status in (("yes", 200), ("no", 403)):
        r = admin_page.post("/console/users", data={"csrf_token": csrf, "op": "update", "username": "viewer-user",
                                                   "complaints_officer": flag})
        assert r.status_code == 303
        assert viewer.get("/console/complaints").status_code == status
    assert [a.detail for a in desk.audit("user.complaints_officer", "viewer-user")] == [
        {"complaints_officer": True}, {"complaints_officer": False}]


def test_an_officer_works_a_case_to_its_outcome_and_the_complainant_reads_the_message(desk):
    text = f"the clerk asked for money {marker()}"
    receipt = desk.submit(text)
    cid = desk.complaint_id(receipt["tracking_code"])
    with desk.api(OFFICER_A) as officer:
        queue = officer.get("/api/v1/staff/complaints", params={"status": "received", "kind": "corruption"}).json()
        row = next(i for i in queue["items"] if i["id"] == cid)
        assert row["tracking_code"] == receipt["tracking_code"] and "description" not in row
        assert row["clocks"]["acknowledge"]["state"] == "open" and not row["clocks"]["overdue"]
        assert cid not in [i["id"] for i in officer.get("/api/v1/staff/complaints",
                                                         params={"status": "closed"}).json()["items"]]
        case = officer.get(f"/api/v1/staff/complaints/{cid}").json()
        assert case["description"] == text and case["name"] is None and case["mode"] == "confidential"

        r = officer.post(f"/api/v1/staff/complaints/{cid}/status", json={"action": "acknowledge"})
        assert r.status_code == 200 and r.json()["status"] == "acknowledged", r.text
        question = "Which event was this, and on what date?"
        assert officer.post(f"/api/v1/staff/complaints/{cid}/messages", json={"text": question}).status_code == 201

        seen = desk.status(receipt).json()
        assert seen["status"] == "acknowledged"
        assert [(m["from"], m["text"]) for m in seen["messages"]] == [("officer", question)]
        reply = httpx.post(f"{desk.url}/api/v1/complaints/reply", data={**receipt, "text": "The fair, 3 May."},
                           headers={"X-Forwarded-For": "198.51.100.77"}, timeout=60)
        assert reply.status_code == 200, reply.text
        row = next(i for i in officer.get("/api/v1/staff/complaints").json()["items"] if i["id"] == cid)
        assert row["awaiting_officer"] is True

        assert officer.post(f"/api/v1/staff/complaints/{cid}/status", json={"action": "refer"}).status_code == 422
        r = officer.post(f"/api/v1/staff/complaints/{cid}/status", json={"action": "refer", "note": "to internal audit"})
        assert r.json()["status"] == "referred"
        back = officer.post(f"/api/v1/staff/complaints/{cid}/status", json={"action": "acknowledge"})
        assert back.status_code == 409 and back.json()["message"].startswith("This step is not possible"), back.text
        assert officer.post(f"/api/v1/staff/complaints/{cid}/status", json={"action": "close"}).status_code == 422
        r = officer.post(f"/api/v1/staff/complaints/{cid}/status",
                         json={"action": "close", "outcome": "substantiated", "note": "disciplinary case opened"})
        assert r.json()["status"] == "closed" and r.json()["outcome"] == "substantiated"
        # A closed case takes nothing more: 409 (not 422: the request is fine, the case has moved on), in
        # both languages; the complainant's reply too.
        for path, body in (("/messages", {"text": "late"}), ("/status", {"action": "review"}),
                           ("/status", {"action": "close", "outcome": "withdrawn"})):
            late = officer.post(f"/api/v1/staff/complaints/{cid}{path}", json=body)
            assert late.status_code == 409 and late.json()["message"].startswith("This complaint is closed"), late.text
            assert late.json()["message_th"].startswith("เรื่องร้องเรียนนี้ปิดแล้ว"), late.text
        late = httpx.post(f"{desk.url}/api/v1/complaints/reply", data={**receipt, "text": "one more thing"},
                          headers={"X-Forwarded-For": "198.51.100.78"}, timeout=60)
        assert late.status_code == 409 and late.json()["message_th"].startswith("เรื่องร้องเรียนนี้ปิดแล้ว"), late.text

        case = officer.get(f"/api/v1/staff/complaints/{cid}").json()
        actions = [h["action"] for h in case["history"]]
        assert actions[0] == "received" and "status:referred" in actions and "status:closed" in actions
        assert next(h for h in case["history"] if h["action"] == "status:referred")["note"] == "to internal audit"
        assert case["clocks"]["result"]["state"] == "done"
    final = desk.status(receipt).json()
    assert final["status"] == "closed" and final["outcome"] == "substantiated"
    changes = desk.audit("complaint.status", receipt["tracking_code"])
    assert [(a.username, a.detail["status"]) for a in changes] == [
        (OFFICER_A, "acknowledged"), (OFFICER_A, "referred"), (OFFICER_A, "closed")]
    assert desk.audit("complaint.message", receipt["tracking_code"])[0].username == OFFICER_A
    audit_text = " ".join(str(tuple(r)) for r in desk.sql("SELECT * FROM staff_audit"))
    assert text.split()[-1] not in audit_text and question not in audit_text  # no content in the audit trail


def test_the_console_desk_pages_do_the_same(desk):
    text = f"a <b>bribe</b> at the counter {marker()}"
    receipt = desk.submit(text, kind="service")
    cid = desk.complaint_id(receipt["tracking_code"])
    page, csrf = desk.console(OFFICER_A)
    queue = page.get("/console/complaints", params={"kind": "service", "lang": "en"})
    assert queue.status_code == 200 and receipt["tracking_code"] in queue.text
    assert receipt["tracking_code"] not in page.get("/console/complaints", params={"kind": "procurement"}).text
    case = page.get(f"/console/complaints/{cid}", params={"lang": "en"})
    assert "a &lt;b&gt;bribe&lt;/b&gt; at the counter" in case.text and "<b>bribe" not in case.text
    assert page.post(f"/console/complaints/{cid}/act", data={"action": "acknowledge"}).status_code == 403  # no CSRF
    r = page.post(f"/console/complaints/{cid}/act", data={"action": "acknowledge", "csrf_token": csrf})
    assert r.status_code == 303 and r.headers["location"].endswith(f"/console/complaints/{cid}?flash=flash_acknowledge")
    r = page.post(f"/console/complaints/{cid}/message", data={"text": "Please send the receipt.", "csrf_token": csrf})
    assert r.status_code == 303
    assert [m["text"] for m in desk.status(receipt).json()["messages"]] == ["Please send the receipt."]
    r = page.post(f"/console/complaints/{cid}/act", data={"action": "close", "csrf_token": csrf})
    assert r.status_code == 422 and "Please choose an outcome before closing." in r.text
    r = page.post(f"/console/complaints/{cid}/act", data={"action": "close", "outcome": "withdrawn", "csrf_token": csrf})
    assert r.status_code == 303
    shown = page.get(f"/console/complaints/{cid}", params={"lang": "en"}).text
    assert re.search(r'id="case-status">Closed<', shown) and "Withdrawn" in shown and 'id="message-form"' not in shown


def test_recusal_hides_a_case_from_the_other_officers(desk):
    receipt = desk.submit(f"it concerns officer b {marker()}",
                          files=[("evidence", ("photo.png", png(), "image/png"))])
    cid = desk.complaint_id(receipt["tracking_code"])
    with desk.api(OFFICER_A) as a, desk.api(OFFICER_B) as b:
        # A name that is not an officer's is wrong input (422), named in both languages; nothing changes.
        wrong = a.put(f"/api/v1/staff/complaints/{cid}/restriction", json={"officers": ["viewer-user"]})
        assert wrong.status_code == 422 and "viewer-user" in wrong.json()["message"], wrong.text
        assert "viewer-user" in wrong.json()["message_th"] and "เจ้าหน้าที่รับเรื่องร้องเรียน" in wrong.json()["message_th"]
        r = a.put(f"/api/v1/staff/complaints/{cid}/restriction", json={"officers": [OFFICER_A]})
        assert r.status_code == 200 and r.json()["restricted_to"] == [OFFICER_A]
        assert cid not in [i["id"] for i in b.get("/api/v1/staff/complaints").json()["items"]]
        evidence_id = a.get(f"/api/v1/staff/complaints/{cid}").json()["evidence"][0]["id"]
        for method, path, body in (("get", "", None), ("get", "/export", None), ("get", f"/evidence/{evidence_id}", None),
                                   ("post", "/status", {"action": "acknowledge"}), ("post", "/messages", {"text": "hi"}),
                                   ("put", "/restriction", {"officers": []})):
            r = b.request(method, f"/api/v1/staff/complaints/{cid}{path}", json=body)
            assert r.status_code == 404, (method, path, r.status_code)
        missing = b.get("/api/v1/staff/complaints/999999")
        assert missing.status_code == 404 and missing.json()["detail"].replace("999999", str(cid)) == \
            b.get(f"/api/v1/staff/complaints/{cid}").json()["detail"]  # recused looks the same as missing
        page_b, _ = desk.console(OFFICER_B)
        assert page_b.get(f"/console/complaints/{cid}").status_code == 404
        assert receipt["tracking_code"] not in page_b.get("/console/complaints").text
        assert a.get(f"/api/v1/staff/complaints/{cid}").status_code == 200
        # the restriction is lifted through the console form (no officer ticked)
        page_a, csrf = desk.console(OFFICER_A)
        assert page_a.post(f"/console/complaints/{cid}/restrict", data={"csrf_token": csrf}).status_code == 303
        assert cid in [i["id"] for i in b.get("/api/v1/staff/complaints").json()["items"]]
    assert [r.detail["officers"] for r in desk.audit("complaint.restrict", receipt["tracking_code"])] == [[OFFICER_A], []]


def test_views_downloads_and_exports_are_audited(desk):
    receipt = desk.submit(f"with a photo {marker()}", files=[("evidence", ("ภาพถ่าย 1.png", png(), "image/png"))])
    code, cid = receipt["tracking_code"], desk.complaint_id(receipt["tracking_code"])
    with desk.api(OFFICER_B) as officer:
        case = officer.get(f"/api/v1/staff/complaints/{cid}").json()
        evidence = case["evidence"][0]
        assert evidence["filename"] == "ภาพถ่าย 1.png" and evidence["media_type"] == "image/png"
        got = officer.get(f"/api/v1/staff/complaints/{cid}/evidence/{evidence['id']}")
        assert got.status_code == 200 and got.content.startswith(b"\x89PNG")
        assert got.headers["content-disposition"].startswith("attachment;") and got.headers["cache-control"] == "no-store"
        exported = officer.get(f"/api/v1/staff/complaints/{cid}/export")
        assert exported.headers["content-disposition"].startswith("attachment;")
        assert exported.json()["complaint"]["tracking_code"] == code and exported.json()["exported_by"] == OFFICER_B
    page, _ = desk.console(OFFICER_B)
    assert page.get(f"/console/complaints/{cid}").status_code == 200
    assert [a.username for a in desk.audit("complaint.view", code)] == [OFFICER_B, OFFICER_B]
    assert desk.audit("complaint.evidence", code)[0].detail == {"evidence": evidence["id"]}
    assert [a.username for a in desk.audit("complaint.export", code)] == [OFFICER_B]
    events = [r[0] for r in desk.sql("SELECT action FROM complaint_event WHERE complaint_id = :c ORDER BY id", c=cid)]
    assert events == ["received", "viewed", "evidence_downloaded", "exported", "viewed"]
    with desk.api("admin") as admin:  # the admin reads the trail (who looked), not the complaint
        trail = admin.get("/api/v1/staff/audit", params={"action": "complaint."}).json()["items"]
        assert {"complaint.view", "complaint.evidence", "complaint.export"} <= {t["action"] for t in trail}


def test_an_overdue_case_is_highlighted(desk):
    receipt = desk.submit(f"old one {marker()}", kind="procurement")
    cid = desk.complaint_id(receipt["tracking_code"])
    desk.update(Complaint.__table__.update().where(Complaint.id == cid).values(received_at=utcnow() - timedelta(days=70)))
    with desk.api(OFFICER_A) as officer:
        row = next(i for i in officer.get("/api/v1/staff/complaints", params={"kind": "procurement"}).json()["items"]
                   if i["id"] == cid)
    assert row["clocks"]["overdue"] and row["clocks"]["acknowledge"]["state"] == "overdue"
    assert row["clocks"]["result"]["state"] == "overdue" and row["clocks"]["acknowledge"]["working_days"] > 20
    page, _ = desk.console(OFFICER_A)
    html = page.get("/console/complaints", params={"kind": "procurement", "lang": "en"}).text
    assert re.search(rf'<tr id="complaint-{cid}" class="overdue">', html)
    assert re.search(rf'id="complaint-{cid}".*?Overdue by \d+ working days', html, re.S)


def test_a_mistyped_holiday_file_is_shown_and_does_not_stop_the_desk(desk):
    desk.submit(f"any {marker()}")
    try:
        desk.holidays.write_text("holidays:\n  - 2099-13-45\n")
        with desk.api(OFFICER_A) as officer:
            queue = officer.get("/api/v1/staff/complaints").json()
            assert "holidays.yml" in queue["holiday_problem"] and queue["items"]
        page, _ = desk.console(OFFICER_A)
        assert "The holiday file cannot be read" in page.get("/console/complaints", params={"lang": "en"}).text
    finally:
        desk.holidays.write_text(GOOD_HOLIDAYS)
    with desk.api(OFFICER_A) as officer:
        assert officer.get("/api/v1/staff/complaints").json()["holiday_problem"] is None


def test_a_complaint_taken_by_phone_is_recorded_and_announced(desk):
    mailbox, text = desk.mailbox, f"caller reports a kickback {marker()}"
    seen = mailbox.count()
    page, csrf = desk.console(OFFICER_A)
    form = page.get("/console/complaints/new", params={"lang": "en"})
    key = re.search(r'name="idempotency_key" value="([0-9a-f]+)"', form.text).group(1)
    data = {"csrf_token": CSRF.search(form.text).group(1), "idempotency_key": key, "channel": "phone",
            "kind": "procurement", "mode": "named", "description": text, "name": "Khun Caller", "contact": "0812345678"}
    r = page.post("/console/complaints/new", data=data, files=[("evidence", ("note.png", png(), "image/png"))])
    assert r.status_code == 200, r.text[-2000:]
    code = re.search(r'id="receipt-code">([^<]+)<', r.text).group(1)
    secret = re.search(r'id="receipt-secret">([^<]+)<', r.text).group(1)
    again = page.post("/console/complaints/new", data=data)  # the form sent twice: the same complaint
    assert re.search(r'id="receipt-code">([^<]+)<', again.text).group(1) == code
    assert desk.status({"tracking_code": code, "secret": secret}).status_code == 200
    row = desk.sql("SELECT channel, recorded_by, mode FROM complaint WHERE tracking_code = :c", c=code)[0]
    assert tuple(row) == ("phone", OFFICER_A, "named")
    assert len(desk.audit("complaint.record", code)) == 1

    mail = mailbox.wait_for_new(seen)
    assert set(mail.recipients) == {NOTIFY_TO, OFFICER_A_EMAIL, OFFICER_B}
    body = body_text(mail.message)
    assert f"{CONSOLE_URL}/console/complaints" in body
    for secret_thing in (text, text.split()[-1], code, secret, "Khun Caller", "0812345678", "procurement"):
        assert secret_thing not in body and secret_thing.encode() not in mail.raw
    time.sleep(1)
    assert mailbox.count() == seen + 1  # the replayed form announced nothing

    with desk.api(OFFICER_B) as officer:  # the same through the staff API
        r = officer.post("/api/v1/staff/complaints", data={"kind": "other", "mode": "confidential", "channel": "letter",
                                                           "description": "a letter came", "name": "dropped"})
        assert r.status_code == 201 and set(r.json()) == {"id", "tracking_code", "secret"}
        assert officer.get(f"/api/v1/staff/complaints/{r.json()['id']}").json()["name"] is None
        bad = officer.post("/api/v1/staff/complaints", data={"mode": "confidential", "channel": "web",
                                                             "description": "not an officer's channel"},
                           files=[("kind", (None, "other"))])  # multipart, as the route takes it
        assert bad.status_code == 422


def test_a_public_complaint_is_announced_by_email_without_its_content(desk):
    mailbox, text = desk.mailbox, f"secret details of the case {marker()}"
    seen = mailbox.count()
    receipt = desk.submit(text, kind="personnel", concerned="the HR director")
    mail = mailbox.wait_for_new(seen)
    assert set(mail.recipients) == {NOTIFY_TO, OFFICER_A_EMAIL, OFFICER_B} and mail.sender == "thamtob@example.org"
    body = body_text(mail.message)
    assert f"{CONSOLE_URL}/console/complaints" in body and mail.message["Subject"] == "มีเรื่องร้องเรียนใหม่ / New complaint"
    for secret_thing in (text.split()[-1], receipt["tracking_code"], receipt["secret"], "HR director", "personnel"):
        assert secret_thing not in body and secret_thing.encode() not in mail.raw


@pytest.mark.parametrize("method, path, body", [
    ("post", "/status", {"action": "approve"}),
    ("post", "/status", {"action": "close", "outcome": "guilty"}),
    ("post", "/status", {"action": "refer", "note": "x" * 5001}),
    ("post", "/messages", {"text": ""}),
    ("post", "/messages", {"text": "   \n "}),
    ("post", "/messages", {"text": "y" * 5001}),
    ("post", "/messages", {"text": 42}),
    ("put", "/restriction", {"officers": "officer-a"}),
    ("put", "/restriction", {"officers": ["nobody-such"]}),
    ("get", "/evidence/notanumber", None),
    ("get", "", {"bad": "query"}),
])
def test_bad_input_to_the_desk_is_a_4xx_and_changes_nothing(desk, method, path, body):
    receipt = desk.submit(f"bad input probe {marker()}")
    cid = desk.complaint_id(receipt["tracking_code"])
    before = desk.sql("SELECT status, updated_at, restricted_to FROM complaint WHERE id = :c", c=cid)
    with desk.api(OFFICER_A) as officer:
        if path == "" and method == "get":  # a filter that is not one of the values
            r = officer.get("/api/v1/staff/complaints", params={"kind": "gossip"})
        else:
            r = officer.request(method, f"/api/v1/staff/complaints/{cid}{path}", json=body)
    assert 400 <= r.status_code < 500 and r.json()["message"], (r.status_code, r.text[:300])
    assert desk.sql("SELECT status, updated_at, restricted_to FROM complaint WHERE id = :c", c=cid) == before
    assert desk.sql("SELECT count(*) FROM complaint_message WHERE complaint_id = :c", c=cid)[0][0] == 0
