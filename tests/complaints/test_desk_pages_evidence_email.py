"""The officer desk, continued, on SQLite and PostgreSQL against the real faq_service:

* the queue comes in pages (THAMTOB_COMPLAINT_QUEUE_PAGE_SIZE), in the staff API and the console, whose
  page links keep the filters and the language (Thai and English);
* an officer adds evidence to an open case: the type read from the bytes, the size limit, metadata
  stripped, stored encrypted, a history entry and an audit row (with no file name); a closed case
  answers 409;
* staff accounts carry an optional, validated e-mail address (the console, the staff API and
  `thamtob staff`), and a new complaint is announced to every complaints officer's stored address and
  THAMTOB_COMPLAINT_NOTIFY_TO — not to other staff — with no content (a real aiosmtpd server).
"""
from __future__ import annotations

import io
import re
import subprocess
import uuid

import pytest
from PIL import Image

from faq_service.complaints.crypto import ContentCipher

from tests.complaints.desk_support import (KEY, NOTIFY_TO, OFFICER_A, OFFICER_A_EMAIL, OFFICER_B, VIEWER_EMAIL,
                                           body_text, start_desk)
from tests.conftest import new_database_url
from tests.support.procs import REPO, SERVICE_TOKEN, VENV_BIN

PAGE_SIZE = 3


@pytest.fixture(scope="module", params=["sqlite", "postgres"])
def desk(request, tmp_path_factory, postgres_dbs, artifacts_dir, mailbox):
    url = new_database_url(request.param, tmp_path_factory.mktemp(f"desk2-{request.param}"), postgres_dbs)
    svc = start_desk(request.param, url, artifacts_dir / f"logs-desk2-{request.param}", mailbox,
                     {"THAMTOB_COMPLAINT_QUEUE_PAGE_SIZE": str(PAGE_SIZE)})
    yield svc
    svc.proc.stop()


def marker() -> str:
    return f"EVIMARK{uuid.uuid4().hex[:10]}"


def jpeg_with_exif(text: str) -> bytes:
    img = Image.new("RGB", (12, 12), (10, 120, 30))
    exif = Image.Exif()
    exif[0x010E] = text  # ImageDescription
    exif[0x013B] = text  # Artist
    out = io.BytesIO()
    img.save(out, "JPEG", exif=exif.tobytes())
    return out.getvalue()


def thamtob(*args: str, database_url: str) -> subprocess.CompletedProcess:
    return subprocess.run([str(VENV_BIN / "thamtob"), "staff", *args], capture_output=True, text=True, cwd=REPO,
                          timeout=300, env={"PATH": "/usr/bin:/bin", "DATABASE_URL": database_url,
                                            "THAMTOB_SERVICE_TOKEN": SERVICE_TOKEN})


# ------------------------------------------------------------------------------------------- pages
def test_the_queue_comes_in_pages_that_keep_the_filters(desk):
    for i in range(PAGE_SIZE * 2 + 1):
        desk.submit(f"paged complaint {i} {marker()}", kind="other")
    outside = desk.submit(f"not in the filter {marker()}", kind="service")["tracking_code"]
    with desk.api(OFFICER_A) as officer:
        first = officer.get("/api/v1/staff/complaints", params={"kind": "other"}).json()
        assert first["page"] == 1 and first["page_size"] == PAGE_SIZE and len(first["items"]) == PAGE_SIZE
        assert first["total"] >= PAGE_SIZE * 2 + 1 and first["pages"] == -(-first["total"] // PAGE_SIZE)
        every = [i["id"] for p in range(1, first["pages"] + 1)
                 for i in officer.get("/api/v1/staff/complaints", params={"kind": "other", "page": p}).json()["items"]]
        assert len(every) == len(set(every)) == first["total"]  # no case twice, none left out
        last = officer.get("/api/v1/staff/complaints", params={"kind": "other", "page": 999}).json()
        assert last["page"] == first["pages"]  # past the end: the last page
        assert officer.get("/api/v1/staff/complaints", params={"page": 0}).status_code == 422

    page, _ = desk.console(OFFICER_A)
    for lang, words in (("en", ("Next page", "Page 1 of")), ("th", ("หน้าถัดไป", "หน้า 1 จาก"))):
        html = page.get("/console/complaints", params={"kind": "other", "lang": lang}).text
        assert all(w in html for w in words), lang
        link = re.search(r'<a href="([^"]+)" rel="next"', html).group(1).replace("&amp;", "&")
        assert "kind=other" in link and f"lang={lang}" in link and "page=2" in link, link
        second = page.get(link).text
        assert "page=1" in re.search(r'<a href="([^"]+)" rel="prev"', second).group(1)
        assert ("Page 2 of" if lang == "en" else "หน้า 2 จาก") in second
        assert outside not in html and outside not in second


# ------------------------------------------------------------------------------------------- evidence
def test_an_officer_adds_evidence_checked_stripped_encrypted_and_audited(desk):
    receipt = desk.submit(f"needs the letter's scan {marker()}")
    cid = desk.complaint_id(receipt["tracking_code"])
    secret_text = marker()
    with desk.api(OFFICER_A) as officer:
        r = officer.post(f"/api/v1/staff/complaints/{cid}/evidence",
                         files=[("evidence", (f"scan-{secret_text}.jpg", jpeg_with_exif(secret_text), "image/jpeg"))])
        assert r.status_code == 201, r.text
        # the same refusals as the public's: a text file named .png (415), over 10 MB (413), none (422)
        bad_type = officer.post(f"/api/v1/staff/complaints/{cid}/evidence",
                                files=[("evidence", ("notes.png", b"just text", "image/png"))])
        assert bad_type.status_code == 415 and bad_type.json()["message_th"], bad_type.text
        big = officer.post(f"/api/v1/staff/complaints/{cid}/evidence",
                           files=[("evidence", ("big.pdf", b"%PDF-1.4\n" + b"0" * (10 * 1024 * 1024 + 1), "application/pdf"))])
        assert big.status_code == 413, big.text
        assert officer.post(f"/api/v1/staff/complaints/{cid}/evidence", files=[]).status_code == 422
        case = officer.get(f"/api/v1/staff/complaints/{cid}").json()
    added = [e for e in case["evidence"] if not e["from_complainant"]]
    assert [(e["filename"], e["media_type"]) for e in added] == [(f"scan-{secret_text}.jpg", "image/jpeg")]
    assert [h["actor"] for h in case["history"] if h["action"] == "officer_evidence"] == [OFFICER_A]

    row = desk.sql("SELECT data_enc, filename_enc FROM complaint_evidence WHERE complaint_id = :c", c=cid)[0]
    stored = bytes(row[0])
    assert secret_text.encode() not in stored and secret_text.encode() not in bytes(row[1])  # encrypted
    plain = ContentCipher(KEY).open_bytes(stored, "evidence")
    assert plain.startswith(b"\xff\xd8\xff") and secret_text.encode() not in plain  # EXIF gone
    with Image.open(io.BytesIO(plain)) as img:
        assert not img.getexif()
    audit = desk.audit("complaint.evidence_add", receipt["tracking_code"])
    assert [(a.username, a.detail) for a in audit] == [(OFFICER_A, {"files": 1})]
    assert desk.sql("SELECT count(*) FROM complaint_evidence WHERE complaint_id = :c", c=cid)[0][0] == 1  # refusals kept nothing


def test_evidence_through_the_console_and_not_on_a_closed_case(desk):
    receipt = desk.submit(f"walk-in evidence {marker()}")
    cid = desk.complaint_id(receipt["tracking_code"])
    page, csrf = desk.console(OFFICER_B)
    html = page.get(f"/console/complaints/{cid}", params={"lang": "en"}).text
    assert 'id="evidence-form"' in html and "Add evidence" in html
    r = page.post(f"/console/complaints/{cid}/evidence", data={"csrf_token": csrf},
                  files=[("evidence", ("photo.jpg", jpeg_with_exif("x"), "image/jpeg"))])
    assert r.status_code == 303 and r.headers["location"].endswith("flash=flash_evidence"), r.text[-500:]
    refused = page.post(f"/console/complaints/{cid}/evidence", data={"csrf_token": csrf},
                        files=[("evidence", ("a.pdf", b"not a pdf", "application/pdf"))], params={"lang": "th"})
    assert refused.status_code == 415 and "แนบได้เฉพาะไฟล์ PDF" in refused.text
    with desk.api(OFFICER_B) as officer:
        assert officer.post(f"/api/v1/staff/complaints/{cid}/status",
                            json={"action": "close", "outcome": "withdrawn"}).status_code == 200
        late = officer.post(f"/api/v1/staff/complaints/{cid}/evidence",
                            files=[("evidence", ("late.jpg", jpeg_with_exif("y"), "image/jpeg"))])
    assert late.status_code == 409 and late.json()["message"].startswith("This complaint is closed"), late.text
    assert 'id="evidence-form"' not in page.get(f"/console/complaints/{cid}").text
    assert desk.sql("SELECT count(*) FROM complaint_evidence WHERE complaint_id = :c", c=cid)[0][0] == 1


# ------------------------------------------------------------------------------------------- e-mail
def test_staff_e_mail_is_validated_and_set_in_the_api_console_and_cli(desk):
    with desk.api("admin") as admin:
        bad = admin.post("/api/v1/staff/users", json={"username": "mail-probe", "password": "x" * 12,
                                                      "email": "not an address"})
        assert bad.status_code == 422 and "email" in str(bad.json()["detail"]) and bad.json()["message_th"], bad.text
        assert admin.patch(f"/api/v1/staff/users/{OFFICER_A}", json={"email": "a@@b"}).status_code == 422
        users = {u["username"]: u["email"] for u in admin.get("/api/v1/staff/users").json()}
    assert users[OFFICER_A] == OFFICER_A_EMAIL and "mail-probe" not in users

    page, csrf = desk.console("admin")
    r = page.post("/console/users", data={"csrf_token": csrf, "op": "create", "username": "console-made",
                                          "password": "y" * 12, "role": "viewer", "email": " Console.Made@Example.ORG "})
    assert r.status_code == 303, r.text[-500:]
    assert desk.sql("SELECT email FROM staff_user WHERE username = 'console-made'")[0][0] == "Console.Made@example.org"
    r = page.post("/console/users", data={"csrf_token": csrf, "op": "update", "username": "console-made",
                                          "email": "broken@", "active": "yes"})
    assert r.status_code == 422 and "e-mail" in r.text
    r = page.post("/console/users", data={"csrf_token": csrf, "op": "update", "username": "console-made",
                                          "email": "", "active": "yes"})
    assert r.status_code == 303
    assert desk.sql("SELECT email FROM staff_user WHERE username = 'console-made'")[0][0] is None
    assert [a.detail for a in desk.audit("user.update", "console-made")] == [{"email": "removed"}]

    made = thamtob("set-email", "console-made", "cli.made@example.org", database_url=desk.database_url)
    assert made.returncode == 0 and "cli.made@example.org" in made.stdout + made.stderr, made.stderr
    refused = thamtob("set-email", "console-made", "no-at-sign", database_url=desk.database_url)
    assert refused.returncode == 1 and "e-mail" in refused.stderr
    assert thamtob("set-email", "nobody-such", "x@example.org", database_url=desk.database_url).returncode == 1
    assert desk.sql("SELECT email FROM staff_user WHERE username = 'console-made'")[0][0] == "cli.made@example.org"


def test_new_complaints_go_to_every_officers_stored_address_and_no_one_else(desk):
    with desk.api("admin") as admin:  # a third officer, known only by the address the admin stored
        assert admin.post("/api/v1/staff/users", json={"username": "officer-c", "password": "z" * 12,
                                                       "email": "c.officer@example.org"}).status_code == 201
        assert admin.patch("/api/v1/staff/users/officer-c", json={"complaints_officer": True}).status_code == 200
    seen = desk.mailbox.count()
    text = f"announced without content {marker()}"
    receipt = desk.submit(text, kind="personnel")
    mail = desk.mailbox.wait_for_new(seen)
    assert set(mail.recipients) == {NOTIFY_TO, OFFICER_A_EMAIL, OFFICER_B, "c.officer@example.org"}
    assert VIEWER_EMAIL not in mail.recipients and OFFICER_A not in mail.recipients
    for secret_thing in (text.split()[-1], receipt["tracking_code"], receipt["secret"], "personnel"):
        assert secret_thing not in body_text(mail.message) and secret_thing.encode() not in mail.raw
    with desk.api("admin") as admin:  # revoked: no longer told
        assert admin.patch("/api/v1/staff/users/officer-c", json={"complaints_officer": False}).status_code == 200
    seen = desk.mailbox.count()
    desk.submit(f"second announcement {marker()}")
    assert "c.officer@example.org" not in desk.mailbox.wait_for_new(seen).recipients
