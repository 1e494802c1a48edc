"""Bad input to the staff console's forms (part of the production limits): the console's entry form and login post to these routes.
Each case → a 4xx with a readable message, and nothing written (no entry, no history row)."""
from __future__ import annotations

import json

import httpx
import pytest
from sqlalchemy import create_engine, text

from tests.staff.conftest import PASSWORD

ENTRY = {"key": "bad-input-probe", "category": "staff-test",
         "en": {"question": "Is this a probe?", "answer": "It is a probe."}}


def _entry(**changes) -> bytes:
    body = json.loads(json.dumps(ENTRY))
    for path, value in changes.items():
        node, *rest = path.split(".")
        if rest:
            body[node][rest[0]] = value
        else:
            body[node] = value
    return json.dumps(body).encode()


BAD_ENTRIES = {
    "empty body": b"",
    "whitespace-only question": _entry(**{"en.question": "   \t "}),
    "100 kB answer": _entry(**{"en.answer": "ก" * 34_000}),
    "invalid UTF-8": b'{"key": "bad-input-probe", "category": "x", "en": {"question": "\xc3\x28", "answer": "a"}}',
    "NUL in question": _entry(**{"en.question": "probe\u0000?"}),
    "question is a number": _entry(**{"en.question": 42}),
    "missing key": json.dumps({k: v for k, v in ENTRY.items() if k != "key"}).encode(),
    "deep JSON": b'{"key": "bad-input-probe", "x": ' + b'{"a": ' * 5_000 + b"1" + b"}" * 5_000 + b"}",
    "boolean body": b"true",
}


def _rows(database_url: str) -> tuple[int, int]:
    engine = create_engine(database_url)
    try:
        with engine.connect() as conn:
            return (conn.execute(text("SELECT count(*) FROM faq_entry")).scalar(),
                    conn.execute(text("SELECT count(*) FROM faq_history")).scalar())
    finally:
        engine.dispose()


@pytest.mark.parametrize("name", list(BAD_ENTRIES))
def test_entry_form_refuses_bad_input_and_writes_nothing(sqlite_staff_service, name):
    svc = sqlite_staff_service
    before = _rows(svc.database_url)
    with svc.client("editor") as editor:
        r = editor.post("/api/v1/staff/entries", content=BAD_ENTRIES[name],
                        headers={"content-type": "application/json"})
    assert 400 <= r.status_code < 500, (name, r.status_code, r.text[:300])
    body = r.json()
    assert body.get("message") or body.get("detail"), body
    assert _rows(svc.database_url) == before


@pytest.mark.parametrize("username, password", [("", PASSWORD), ("admin\u0000", PASSWORD), ("a" * 100_000, "x"),
                                                ("admin", ""), ("<script>", "' OR 1=1 --")])
def test_login_refuses_bad_input(sqlite_staff_service, username, password):
    r = httpx.post(f"{sqlite_staff_service.url}/api/v1/staff/token",
                   json={"username": username, "password": password}, timeout=30)
    assert r.status_code in (401, 413, 422), (r.status_code, r.text[:300])
    assert "access_token" not in r.text
