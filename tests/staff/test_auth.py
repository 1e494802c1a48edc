"""Accounts, roles, argon2 hashes, bearer tokens, throttling and lock, audit of logins."""
from __future__ import annotations

import time

import httpx
from sqlalchemy import create_engine, text

from tests.staff.conftest import PASSWORD, create_admin


def _db_rows(url: str, sql: str, **params) -> list[dict]:
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return [dict(r) for r in conn.execute(text(sql), params).mappings()]
    finally:
        engine.dispose()


def test_passwords_are_stored_as_argon2_hashes(staff_service):
    rows = _db_rows(staff_service.database_url, "SELECT username, password_hash, role FROM staff_user")
    assert {r["username"]: r["role"] for r in rows} == {
        "admin": "admin", "viewer-user": "viewer", "editor-user": "editor", "reviewer-user": "reviewer"}
    for r in rows:
        assert r["password_hash"].startswith("$argon2id$") and PASSWORD not in r["password_hash"]


def test_create_admin_takes_the_password_from_env_or_stdin_and_never_prompts(staff_service, tmp_path):
    made = create_admin(staff_service.database_url, username="admin", password=PASSWORD)
    assert made.returncode == 1 and "already exists" in made.stdout + made.stderr
    empty = create_admin(staff_service.database_url, username="second-admin", password="")
    assert empty.returncode == 2  # no password and nothing on stdin: fails at once, no prompt


def test_token_login_and_wrong_password(staff_service):
    r = httpx.post(f"{staff_service.url}/api/v1/staff/token", json={"username": "editor-user", "password": PASSWORD})
    assert r.status_code == 200 and r.json()["token_type"] == "bearer" and r.json()["role"] == "editor"
    tok = r.json()["access_token"]
    me = httpx.get(f"{staff_service.url}/api/v1/staff/me", headers={"Authorization": f"Bearer {tok}"})
    assert me.json() == {"username": "editor-user", "role": "editor", "via": "bearer"}
    # form-encoded works too (OAuth2 password style)
    form = httpx.post(f"{staff_service.url}/api/v1/staff/token", data={"username": "viewer-user", "password": PASSWORD})
    assert form.status_code == 200
    bad = httpx.post(f"{staff_service.url}/api/v1/staff/token", json={"username": "nobody-x", "password": "nope"})
    assert bad.status_code == 401


def test_tampered_or_foreign_tokens_are_rejected(staff_service):
    tok = staff_service.token("viewer-user")
    body, mac = tok.split(".")
    for bad in (tok[:-2] + ("AA" if not tok.endswith("AA") else "BB"), body + ".", "garbage"):
        r = httpx.get(f"{staff_service.url}/api/v1/staff/me", headers={"Authorization": f"Bearer {bad}"})
        assert r.status_code == 401
    # a bearer token is not accepted as a session cookie
    r = httpx.get(f"{staff_service.url}/api/v1/staff/me", cookies={"thamtob_staff": tok})
    assert r.status_code == 401


def test_roles_include_the_ones_below(staff_service):
    expectations = {"viewer": (200, 403, 403, 403), "editor": (200, 200, 403, 403),
                    "reviewer": (200, 200, 200, 403), "admin": (200, 200, 200, 200)}
    for role, (view, edit, review, admin) in expectations.items():
        with staff_service.client(role) as c:
            assert c.get("/api/v1/staff/entries?limit=1").status_code == view
            # editor: create with an invalid body → 422 means the role check passed
            assert c.post("/api/v1/staff/entries", json={}).status_code == (422 if edit == 200 else 403)
            assert c.post("/api/v1/staff/entries/bulk-publish", json={}).status_code == (422 if review == 200 else 403)
            assert c.get("/api/v1/staff/users").status_code == admin


def test_deactivated_account_loses_its_tokens(staff_service):
    with staff_service.client("admin") as admin:
        assert admin.post("/api/v1/staff/users", json={"username": "temp-user", "password": PASSWORD,
                                                       "role": "editor"}).status_code == 201
        tok = staff_service.token("temp-user")
        headers = {"Authorization": f"Bearer {tok}"}
        assert httpx.get(f"{staff_service.url}/api/v1/staff/me", headers=headers).status_code == 200
        assert admin.patch("/api/v1/staff/users/temp-user", json={"active": False}).status_code == 200
        assert httpx.get(f"{staff_service.url}/api/v1/staff/me", headers=headers).status_code == 401
        r = httpx.post(f"{staff_service.url}/api/v1/staff/token", json={"username": "temp-user", "password": PASSWORD})
        assert r.status_code == 401


def test_repeated_failures_slow_down_then_lock(staff_service):
    """Service runs with slow-down after 3 failures and a lock after 5 (tests/staff/conftest.py)."""
    url = f"{staff_service.url}/api/v1/staff/token"
    with staff_service.client("admin") as admin:
        assert admin.post("/api/v1/staff/users", json={"username": "locky", "password": PASSWORD,
                                                       "role": "viewer"}).status_code == 201

    def attempt(password="wrong-password"):
        return httpx.post(url, json={"username": "locky", "password": password})

    for _ in range(3):
        assert attempt().status_code == 401
    slowed = attempt()
    assert slowed.status_code == 429 and int(slowed.headers["Retry-After"]) >= 1
    failures = 3
    deadline = time.monotonic() + 60
    while failures < 5 and time.monotonic() < deadline:  # wait out each slow-down, fail again
        r = attempt()
        if r.status_code == 429:
            time.sleep(int(r.headers["Retry-After"]))
            continue
        assert r.status_code == 401
        failures += 1
    assert failures == 5
    locked = attempt(PASSWORD)  # the right password does not get through a lock
    assert locked.status_code == 429 and int(locked.headers["Retry-After"]) > 60
    rows = _db_rows(staff_service.database_url,
                    "SELECT action FROM staff_audit WHERE username = 'locky' ORDER BY id")
    actions = [r["action"] for r in rows]
    assert actions.count("login.failed") == 5 and "login.throttled" in actions


def test_logins_and_changes_are_audited(staff_service):
    staff_service.token("viewer-user")
    with staff_service.client("admin") as admin:
        body = admin.get("/api/v1/staff/audit", params={"username": "viewer-user", "action": "login"}).json()
        assert body["total"] >= 1
        row = body["items"][0]
        assert row["action"] == "login" and row["at"] and row["target"] == "api"
        created = admin.get("/api/v1/staff/audit", params={"action": "user.create"}).json()["items"]
        assert {r["target"] for r in created} >= {"viewer-user", "editor-user", "reviewer-user"}
        assert all(r["username"] == "admin" for r in created if r["target"].endswith("-user"))
