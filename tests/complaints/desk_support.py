"""Helpers of the officer-desk tests: a real faq_service with a known complaints key, an admin made with
the CLI and two complaints officers (one whose user name is an e-mail address), a real local SMTP server
(aiosmtpd) that keeps what it receives, and small clients for the staff API, the console and the
complainant's side."""
from __future__ import annotations

import base64
import email
import email.policy
import re
import secrets
import threading
import time
from dataclasses import dataclass, field
from email.message import Message

import httpx
from aiosmtpd.controller import Controller
from sqlalchemy import create_engine, select, text

from faq_service.core.auth.models import StaffAudit

from tests.staff.conftest import PASSWORD, create_admin
from tests.support.procs import free_port, start_faq_service

KEY = secrets.token_bytes(32)
OFFICER_A = "officer-a"
OFFICER_B = "officer-b@example.org"   # a user name that is also the account's stored e-mail address
OFFICER_A_EMAIL = "a.officer@example.org"  # set by the admin after the account was made
VIEWER_EMAIL = "viewer@example.org"    # not an officer: never told of complaints
NOTIFY_TO = "complaints-desk@example.org"
CONSOLE_URL = "https://thamtob.example.org"
CSRF = re.compile(r'name="csrf_token" value="([0-9a-f]+)"')


@dataclass
class Received:
    sender: str
    recipients: list[str]
    message: Message
    raw: bytes


@dataclass
class Mailbox:
    """What the local SMTP server received, in order."""

    port: int
    messages: list[Received] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    async def handle_DATA(self, server, session, envelope):  # aiosmtpd's handler hook
        raw = envelope.original_content or envelope.content
        with self.lock:
            self.messages.append(Received(envelope.mail_from, list(envelope.rcpt_tos),
                                          email.message_from_bytes(raw, policy=email.policy.default), raw))
        return "250 OK"

    def count(self) -> int:
        with self.lock:
            return len(self.messages)

    def wait_for_new(self, seen: int, deadline_s: float = 30) -> Received:
        end = time.monotonic() + deadline_s
        while time.monotonic() < end:
            with self.lock:
                if len(self.messages) > seen:
                    return self.messages[seen]
            time.sleep(0.1)
        raise AssertionError(f"no e-mail arrived within {deadline_s}s (have {self.count()})")


def start_mailbox() -> tuple[Mailbox, Controller]:
    box = Mailbox(free_port())
    controller = Controller(box, hostname="127.0.0.1", port=box.port)
    controller.start()
    return box, controller


def body_text(message: Message) -> str:
    parts = message.walk() if message.is_multipart() else [message]
    return "\n".join(p.get_payload(decode=True).decode(p.get_content_charset() or "utf-8")
                     for p in parts if p.get_content_maintype() == "text")


class Desk:
    """The service and its people: `api(user)` is a bearer-token client, `console(user)` a logged-in
    console session with its CSRF token."""

    def __init__(self, proc, database_url: str, backend: str, mailbox: Mailbox):
        self.proc, self.url, self.database_url, self.backend, self.mailbox = proc, proc.url, database_url, backend, mailbox
        self._tokens: dict[str, str] = {}

    def api(self, username: str) -> httpx.Client:
        if username not in self._tokens:
            r = httpx.post(f"{self.url}/api/v1/staff/token", json={"username": username, "password": PASSWORD})
            assert r.status_code == 200, r.text
            self._tokens[username] = r.json()["access_token"]
        return httpx.Client(base_url=self.url, headers={"Authorization": f"Bearer {self._tokens[username]}"},
                            timeout=60)

    def console(self, username: str) -> tuple[httpx.Client, str]:
        c = httpx.Client(base_url=self.url, follow_redirects=False, timeout=60)
        token = CSRF.search(c.get("/console/login").text).group(1)
        r = c.post("/console/login", data={"username": username, "password": PASSWORD, "csrf_token": token,
                                           "next": "/console"})
        assert r.status_code == 303, r.text
        return c, CSRF.search(c.get("/console").text).group(1)

    def submit(self, description: str, **fields) -> dict:
        """A complaint through the public API, as the web form sends it."""
        files = fields.pop("files", None)
        data = {"kind": "corruption", "mode": "confidential", "description": description, **fields}
        r = httpx.post(f"{self.url}/api/v1/complaints", data=data, files=files, timeout=60,
                       headers={"X-Forwarded-For": f"198.51.100.{secrets.randbelow(250) + 1}"})
        assert r.status_code == 201, r.text
        return r.json()

    def status(self, receipt: dict) -> httpx.Response:
        return httpx.post(f"{self.url}/api/v1/complaints/status", json=receipt, timeout=60,
                          headers={"X-Forwarded-For": f"198.51.100.{secrets.randbelow(250) + 1}"})

    def complaint_id(self, code: str) -> int:
        return self.sql("SELECT id FROM complaint WHERE tracking_code = :c", c=code)[0][0]

    def sql(self, query: str, **params) -> list:
        engine = create_engine(self.database_url)
        try:
            with engine.begin() as conn:
                result = conn.execute(text(query), params)
                return result.all() if result.returns_rows else []
        finally:
            engine.dispose()

    def update(self, statement) -> None:
        engine = create_engine(self.database_url)
        try:
            with engine.begin() as conn:
                conn.execute(statement)
        finally:
            engine.dispose()

    def audit(self, action: str, target: str | None = None) -> list:
        """Audit rows (username, action, target, detail as JSON) of one action, oldest first."""
        table = StaffAudit.__table__
        query = select(table).where(table.c.action == action)
        if target is not None:
            query = query.where(table.c.target == target)
        engine = create_engine(self.database_url)
        try:
            with engine.connect() as conn:
                return conn.execute(query.order_by(table.c.id)).all()
        finally:
            engine.dispose()


def start_desk(backend: str, database_url: str, log_dir, mailbox: Mailbox, extra_env: dict | None = None) -> Desk:
    made = create_admin(database_url)
    assert made.returncode == 0, made.stdout + made.stderr
    proc = start_faq_service(log_dir, database_url, deadline=300, extra_env={
        "THAMTOB_COMPLAINTS_KEY": base64.b64encode(KEY).decode(), "THAMTOB_TRUSTED_PROXIES": "127.0.0.1",
        "THAMTOB_COMPLAINT_RATE_LIMIT": "1000", "THAMTOB_SMTP_URL": f"smtp://127.0.0.1:{mailbox.port}",
        "THAMTOB_SMTP_FROM": "thamtob@example.org", "THAMTOB_COMPLAINT_NOTIFY_TO": NOTIFY_TO,
        "THAMTOB_CONSOLE_URL": CONSOLE_URL, **(extra_env or {})})
    desk = Desk(proc, database_url, backend, mailbox)
    with desk.api("admin") as admin:
        for name, address in ((OFFICER_A, None), (OFFICER_B, OFFICER_B), ("viewer-user", VIEWER_EMAIL)):
            r = admin.post("/api/v1/staff/users", json={"username": name, "password": PASSWORD, "role": "viewer",
                                                        "email": address})
            assert r.status_code == 201 and r.json()["email"] == address, r.text
        for name, change in ((OFFICER_A, {"email": OFFICER_A_EMAIL}), (OFFICER_B, {})):
            r = admin.patch(f"/api/v1/staff/users/{name}", json={"complaints_officer": True, **change})
            assert r.status_code == 200 and r.json()["complaints_officer"] is True, r.text
    return desk
