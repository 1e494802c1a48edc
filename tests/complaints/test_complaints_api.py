"""The public complaint API against the real service, on SQLite and PostgreSQL: a complaint is taken
in named or confidential, its content is encrypted at rest, the code and secret open its status, a
replay returns the same answer, bad input is refused whole, and neither the sender's address nor their
user agent is kept anywhere."""
from __future__ import annotations

import base64
import io
import itertools
import re
import secrets
import uuid

import httpx
import pytest
from PIL import Image
from pypdf import PdfWriter
from sqlalchemy import create_engine, inspect, select, text

from faq_service.complaints.crypto import ContentCipher
from faq_service.complaints.models import Complaint, ComplaintEvidence
from tests.conftest import new_database_url
from tests.support.procs import start_faq_service

KEY = secrets.token_bytes(32)
CODE = re.compile(r"^TC-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}$")


@pytest.fixture(scope="module", params=["sqlite", "postgres"])
def service(request, tmp_path_factory, postgres_dbs, artifacts_dir):
    """A faq_service that believes X-Forwarded-For from 127.0.0.1 (as behind the TLS proxy), so each test
    can come from an address of its own, with a complaints key the test knows."""
    tmp = tmp_path_factory.mktemp(f"complaints-{request.param}")
    url = new_database_url(request.param, tmp, postgres_dbs)
    proc = start_faq_service(artifacts_dir / f"logs-complaints-{request.param}", url, deadline=300, extra_env={
        "THAMTOB_COMPLAINTS_KEY": base64.b64encode(KEY).decode(), "THAMTOB_TRUSTED_PROXIES": "127.0.0.1",
        "THAMTOB_COMPLAINT_STATUS_FAILURES": "3", "THAMTOB_COMPLAINT_RATE_LIMIT": "50",
        "THAMTOB_COMPLAINT_ACK_DAYS": "4", "THAMTOB_COMPLAINT_RESULT_DAYS": "21",
        "THAMTOB_PUBLIC_URL": "https://thamtob.example.org"})
    proc.database_url = url
    yield proc
    proc.stop()


def _from(address: str, agent: str = "pytest") -> dict:
    return {"X-Forwarded-For": address, "User-Agent": agent}


_ADDRESSES = itertools.count(1)


def _address() -> str:
    """A client address no other test of this module used: failed status checks count per address, so a
    random one shared by chance with an earlier test's wrong pairs was limited before its own first try."""
    return f"198.51.100.{next(_ADDRESSES)}"


def submit(service, address: str | None = None, files=None, agent: str = "pytest", **fields):
    data = {"kind": "corruption", "mode": "confidential", "description": "a payment was asked for", **fields}
    # Always multipart, as the page sends it (a field part keeps it so when there is no file).
    parts = [*(files or []), ("kind", (None, data.pop("kind")))]
    return httpx.post(f"{service.url}/api/v1/complaints", data=data, files=parts,
                      headers=_from(address or _address(), agent), timeout=60)


def counts(service) -> tuple[int, int]:
    engine = create_engine(service.database_url)
    try:
        with engine.connect() as conn:
            return (conn.execute(text("SELECT count(*) FROM complaint")).scalar(),
                    conn.execute(text("SELECT count(*) FROM complaint_evidence")).scalar())
    finally:
        engine.dispose()


def every_value(service) -> str:
    """Every value of every table of the service's database, as text (bytes decoded loosely)."""
    engine = create_engine(service.database_url)
    out = []
    try:
        with engine.connect() as conn:
            for table in inspect(conn).get_table_names():
                for row in conn.execute(text(f'SELECT * FROM "{table}"')):
                    for value in row:
                        raw = bytes(value) if isinstance(value, (bytes, memoryview)) else None
                        out.append(raw.decode("latin-1") if raw is not None else str(value))
    finally:
        engine.dispose()
    return "\n".join(out)


def stored(service, code: str) -> tuple[Complaint, list[ComplaintEvidence]]:
    engine = create_engine(service.database_url)
    try:
        with engine.connect() as conn:
            complaint = conn.execute(select(Complaint.__table__).where(Complaint.tracking_code == code)).one()
            evidence = conn.execute(select(ComplaintEvidence.__table__)
                                    .where(ComplaintEvidence.complaint_id == complaint.id)).all()
            return complaint, evidence
    finally:
        engine.dispose()


def pdf_with_author(author: str) -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(200, 200)
    writer.add_metadata({"/Author": author})
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def jpeg_with_exif(maker: str) -> bytes:
    exif = Image.Exif()
    exif[0x010F] = maker
    out = io.BytesIO()
    Image.new("RGB", (32, 16), (10, 120, 200)).save(out, "JPEG", exif=exif.tobytes())
    return out.getvalue()


def test_a_confidential_complaint_is_encrypted_and_keeps_no_sender(service):
    marker = f"MARKER{uuid.uuid4().hex[:12]}"
    agent, address = f"LeakAgent/{uuid.uuid4().hex[:6]}", f"203.0.113.{secrets.randbelow(250) + 1}"
    r = submit(service, address, agent=agent, description=f"cash asked for a permit {marker}",
               concerned=f"deputy of {marker}X", name="Somchai Should-Vanish", contact="should-vanish@example.org",
               files=[("evidence", ("receipt.jpg", jpeg_with_exif("CameraMakerLeak"), "image/jpeg"))])
    assert r.status_code == 201, r.text
    receipt = r.json()
    assert CODE.match(receipt["tracking_code"]) and len(receipt["secret"]) >= 20

    complaint, evidence = stored(service, receipt["tracking_code"])
    cipher = ContentCipher(KEY)
    assert cipher.open(complaint.description_enc, "description").endswith(marker)
    assert complaint.name_enc is None and complaint.contact_enc is None  # confidential: dropped
    assert len(evidence) == 1 and evidence[0].media_type == "image/jpeg"
    assert b"CameraMakerLeak" not in cipher.open_bytes(evidence[0].data_enc, "evidence")  # EXIF stripped

    everything = every_value(service)
    for secret_thing in (marker, agent, address, "Should-Vanish", receipt["secret"]):
        assert secret_thing not in everything
    log = service.log_path.read_text(errors="replace")
    assert address not in log and agent not in log and marker not in log


def test_a_named_complaint_needs_name_and_contact_and_keeps_them_encrypted(service):
    before = counts(service)
    r = submit(service, mode="named", name="Wanida", lang="en")
    assert r.status_code == 422 and "name" in r.json()["message"] and r.json()["message_th"]
    assert counts(service) == before

    r = submit(service, mode="named", name="Wanida K.", contact="0800000000")
    assert r.status_code == 201, r.text
    complaint, _ = stored(service, r.json()["tracking_code"])
    assert ContentCipher(KEY).open(complaint.contact_enc, "contact") == "0800000000"
    assert "Wanida K." not in every_value(service)


def test_status_needs_the_code_and_the_secret_and_answers_one_generic_404(service):
    receipt = submit(service).json()
    url = f"{service.url}/api/v1/complaints/status"
    r = httpx.post(url, json=receipt, headers=_from(_address()))
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["status"] == "received" and body["outcome"] is None and body["messages"] == []
    assert re.match(r"^\d{4}-\d\d-\d\dT", body["updated_at"])
    # typed in lower case without dashes: still the same code
    loose = receipt["tracking_code"].replace("-", "").lower()
    assert httpx.post(url, json={**receipt, "tracking_code": loose}, headers=_from(_address())).status_code == 200

    address = _address()
    wrong_secret = httpx.post(url, json={**receipt, "secret": "x" * 22}, headers=_from(address))
    wrong_code = httpx.post(url, json={"tracking_code": "TC-0000-0000-0000", "secret": receipt["secret"]},
                            headers=_from(address))
    assert wrong_secret.status_code == wrong_code.status_code == 404
    assert wrong_secret.json() == wrong_code.json()
    assert wrong_secret.json()["message_th"]


def test_wrong_pairs_count_toward_a_limit_per_address(service):
    receipt = submit(service).json()
    url = f"{service.url}/api/v1/complaints/status"
    address = _address()
    for _ in range(3):
        assert httpx.post(url, json={**receipt, "secret": "wrong-secret-000"}, headers=_from(address)).status_code == 404
    blocked = httpx.post(url, json=receipt, headers=_from(address))
    assert blocked.status_code == 429 and blocked.json()["message_th"]
    assert httpx.post(url, json=receipt, headers=_from(_address())).status_code == 200  # another address


def test_a_replay_within_a_day_returns_the_same_code_and_secret(service):
    key = uuid.uuid4().hex
    before = counts(service)
    first = submit(service, idempotency_key=key).json()
    again = submit(service, idempotency_key=key).json()
    assert first == again
    assert counts(service)[0] == before[0] + 1


def test_the_complainant_replies_and_adds_evidence(service):
    receipt = submit(service).json()
    r = httpx.post(f"{service.url}/api/v1/complaints/reply", headers=_from(_address()),
                   data={**receipt, "text": "I remembered the date: it was a Monday."},
                   files=[("evidence", ("letter.pdf", pdf_with_author("AuthorShouldVanish"), "application/pdf"))])
    assert r.status_code == 200, r.text
    assert [(m["from"], m["text"]) for m in r.json()["messages"]] == [
        ("complainant", "I remembered the date: it was a Monday.")]
    _, evidence = stored(service, receipt["tracking_code"])
    assert len(evidence) == 1 and evidence[0].media_type == "application/pdf"
    assert b"AuthorShouldVanish" not in ContentCipher(KEY).open_bytes(evidence[0].data_enc, "evidence")


@pytest.mark.parametrize("case,status", [
    ("not_a_pdf", 415), ("too_large", 413), ("too_many", 422), ("empty", 422), ("blank", 422),
    ("too_long", 422), ("bad_kind", 422), ("honeypot", 422), ("bad_token", 422)])
def test_bad_input_is_refused_whole_with_a_message_in_both_languages(service, case, status):
    pdf = pdf_with_author("x")
    fields, files = {}, None
    if case == "not_a_pdf":
        files = [("evidence", ("fine.pdf", pdf, "application/pdf")),
                 ("evidence", ("tool.pdf", b"MZ\x90\x00" + b"\x00" * 200, "application/pdf"))]
    elif case == "too_large":
        files = [("evidence", ("big.pdf", pdf + b"\n%" + b"0" * (10 * 1024 * 1024), "application/pdf"))]
    elif case == "too_many":
        files = [("evidence", (f"f{i}.pdf", pdf, "application/pdf")) for i in range(6)]
    elif case == "empty":
        fields = {"description": ""}
    elif case == "blank":
        fields = {"description": "   \n  "}
    elif case == "too_long":
        fields = {"when": "x" * 201}
    elif case == "bad_kind":
        fields = {"kind": "gossip"}
    elif case == "honeypot":
        fields = {"website": "http://spam.example"}
    elif case == "bad_token":
        fields = {"form_token": "forged.token"}
    before = counts(service)
    r = submit(service, files=files, **fields)
    assert r.status_code == status, r.text
    assert r.json()["message"] and r.json()["message_th"]
    assert counts(service) == before


def test_answers_about_complaints_take_time_frames_and_addresses_from_the_settings(service):
    r = httpx.post(f"{service.url}/api/v1/ask", json={
        "question": "What happens after I report something, and how do I follow it up?", "lang": "en"})
    assert r.status_code == 200 and r.json()["answered"], r.text
    answer = r.json()["answer"]
    assert "within 4 working days" in answer and "within\n21 working days" not in answer
    assert "21 working days" in answer and "https://thamtob.example.org/complaints/status" in answer
    assert "{" not in answer
    page = httpx.get(f"{service.url}/api/v1/faqs", params={"q": "tracking code", "lang": "th"}).json()
    th = next(item["answer_th"] for item in page["items"] if item["key"] == "complaints-after-reporting")
    assert "4 วันทำการ" in th and "21 วันทำการ" in th and "{" not in th
