"""A real faq_service per backend (SQLite, PostgreSQL) with staff accounts for every role.

The admin is created with the CLI (`thamtob staff create-admin`, password on stdin) before the
service starts; the other accounts through the staff API."""
from __future__ import annotations

import subprocess

import httpx
import pytest

from tests.conftest import new_database_url
from tests.support.procs import REPO, SERVICE_TOKEN, VENV_BIN, start_faq_service

PASSWORD = "correct horse battery"
ROLES = ("viewer", "editor", "reviewer", "admin")
# The review flow's tests need out-of-scope questions the knowledge base answers (wrongly) until staff
# mark them; the answer-confidence check holds those back as suggestions, so the staff service runs
# without it (the check itself: tests/unit/test_confidence.py and the bot and /ask tests).
LOGIN_ENV = {"THAMTOB_LOGIN_SLOW_AFTER": "3", "THAMTOB_LOGIN_LOCK_AFTER": "5",
             "THAMTOB_LOGIN_LOCK_SECONDS": "600", "THAMTOB_MIN_ANSWER_CONFIDENCE_TH": "0",
             "THAMTOB_MIN_ANSWER_CONFIDENCE_EN": "0"}


class StaffService:
    def __init__(self, proc, database_url: str, backend: str):
        self.proc = proc
        self.url = proc.url
        self.database_url = database_url
        self.backend = backend
        self.tokens: dict[str, str] = {}

    def token(self, username: str, password: str = PASSWORD) -> str:
        r = httpx.post(f"{self.url}/api/v1/staff/token", json={"username": username, "password": password})
        assert r.status_code == 200, r.text
        return r.json()["access_token"]

    def client(self, role: str | None) -> httpx.Client:
        headers = {}
        if role is not None:
            if role not in self.tokens:
                self.tokens[role] = self.token(f"{role}-user" if role != "admin" else "admin")
            headers["Authorization"] = f"Bearer {self.tokens[role]}"
        return httpx.Client(base_url=self.url, headers=headers, timeout=60)

    def ask(self, question: str, **extra) -> dict:
        r = httpx.post(f"{self.url}/api/v1/ask", json={"question": question, **extra}, timeout=60)
        assert r.status_code == 200, r.text
        return r.json()


def create_admin(database_url: str, username: str = "admin", password: str = PASSWORD) -> subprocess.CompletedProcess:
    return subprocess.run([str(VENV_BIN / "thamtob"), "staff", "create-admin", "--username", username],
                          input=password + "\n", text=True, capture_output=True, cwd=REPO, timeout=300,
                          env={"PATH": "/usr/bin:/bin", "DATABASE_URL": database_url,
                               "THAMTOB_SERVICE_TOKEN": SERVICE_TOKEN})


def start_staff_service(kind: str, tmp, postgres_dbs, artifacts_dir) -> StaffService:
    url = new_database_url(kind, tmp, postgres_dbs)
    made = create_admin(url)
    assert made.returncode == 0, made.stdout + made.stderr
    proc = start_faq_service(artifacts_dir / f"logs-staff-{kind}", url, extra_env=LOGIN_ENV, deadline=300)
    svc = StaffService(proc, url, kind)
    with svc.client("admin") as admin:
        for role in ROLES[:-1]:
            r = admin.post("/api/v1/staff/users", json={"username": f"{role}-user", "password": PASSWORD,
                                                        "role": role})
            assert r.status_code == 201, r.text
    return svc


@pytest.fixture(scope="session", params=["sqlite", "postgres"])
def staff_service(request, tmp_path_factory, postgres_dbs, artifacts_dir):
    svc = start_staff_service(request.param, tmp_path_factory.mktemp(f"staff-{request.param}"),
                              postgres_dbs, artifacts_dir)
    yield svc
    svc.proc.stop()


@pytest.fixture(scope="session")
def sqlite_staff_service(tmp_path_factory, postgres_dbs, artifacts_dir):
    """One SQLite service for the browser tests."""
    svc = start_staff_service("sqlite", tmp_path_factory.mktemp("staff-browser"), postgres_dbs, artifacts_dir)
    yield svc
    svc.proc.stop()
