"""The staff API's contract, on SQLite and on PostgreSQL: timestamps in RFC 3339 with an offset in every
JSON reply and every export (YAML, CSV, XLSX), states the schema cannot see answered 409, the statuses
Schemathesis found wrong now right (each a regression test)."""
from __future__ import annotations

import csv
import io
import re
import uuid

import httpx
import yaml
from openpyxl import load_workbook

from tests.staff.conftest import PASSWORD

# RFC 3339 in UTC, as the API writes every time (docs/api.md).
RFC3339 = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$")
TIME_FIELDS = {"updated_at", "created_at", "changed_at", "at", "added_at", "since", "until", "start", "end"}


def times_in(value, found=None) -> list[str]:
    """Every value of a timestamp field, anywhere in a JSON reply."""
    found = [] if found is None else found
    if isinstance(value, dict):
        for key, item in value.items():
            if key in TIME_FIELDS and item is not None:
                found.append(item)
            else:
                times_in(item, found)
    elif isinstance(value, list):
        for item in value:
            times_in(item, found)
    return found


def test_every_staff_reply_and_export_gives_times_in_rfc3339(staff_service):
    key = f"t-{uuid.uuid4().hex[:10]}"
    with staff_service.client("admin") as admin:
        entry = admin.post("/api/v1/staff/entries", json={"key": key, "en": {"question": "Q?", "answer": "A."}}).json()
        replies = [entry, admin.get(f"/api/v1/staff/entries/{entry['id']}/history").json(),
                   admin.get("/api/v1/staff/entries", params={"limit": 5}).json(),
                   admin.get("/api/v1/staff/users").json(), admin.get("/api/v1/staff/audit").json(),
                   admin.get("/api/v1/staff/review/clusters").json(),
                   admin.get("/api/v1/staff/reports/figures", params={"fy": 2570, "half": 1}).json()]
        found = times_in(replies)
        assert len(found) >= 8 and all(RFC3339.match(t) for t in found), [t for t in found if not RFC3339.match(t)]

        docs = yaml.safe_load(admin.get("/api/v1/staff/export", params={"format": "yaml"}).content)["entries"]
        rows = list(csv.DictReader(io.StringIO(admin.get("/api/v1/staff/export", params={"format": "csv"})
                                               .content.decode("utf-8-sig"))))
        sheet = load_workbook(io.BytesIO(admin.get("/api/v1/staff/export", params={"format": "xlsx"}).content)).active
        header, *cells = list(sheet.iter_rows(values_only=True))
        column = header.index("updated_at")
        for stamps in ([d["updated_at"] for d in docs], [r["updated_at"] for r in rows], [c[column] for c in cells]):
            assert len(stamps) >= 40 and all(isinstance(t, str) and RFC3339.match(t) for t in stamps), stamps[:3]
        assert entry["updated_at"] in [d["updated_at"] for d in docs]


def test_states_the_schema_cannot_see_are_409(staff_service):
    key = f"t-{uuid.uuid4().hex[:10]}"
    with staff_service.client("admin") as admin:
        body = {"key": key, "en": {"question": "Q?", "answer": "A."}}
        assert admin.post("/api/v1/staff/entries", json=body).status_code == 201
        taken = admin.post("/api/v1/staff/entries", json=body)
        assert taken.status_code == 409 and taken.json()["message_th"], taken.text
        user = {"username": f"u{uuid.uuid4().hex[:8]}", "password": PASSWORD, "role": "viewer"}
        assert admin.post("/api/v1/staff/users", json=user).status_code == 201
        assert admin.post("/api/v1/staff/users", json=user).status_code == 409
        # What the schema states is refused with 422: a short password, a user name it does not allow.
        assert admin.post("/api/v1/staff/users", json={**user, "username": "x y"}).status_code == 422
        assert admin.patch(f"/api/v1/staff/users/{user['username']}", json={"password": "short"}).status_code == 422
        assert admin.patch("/api/v1/staff/users/nobody-here", json={"active": True}).status_code == 404


def test_ids_and_offsets_out_of_range_are_422_not_500(staff_service):
    """SQLite's integers stop at 2^63: larger ids and offsets raised OverflowError (a 500)."""
    with staff_service.client("admin") as admin:
        for path in ("/api/v1/staff/entries?offset=15614440384742744064", "/api/v1/staff/entries/24053767413783743954944",
                     "/api/v1/staff/measures/2034554463212704150585344", "/api/v1/staff/audit?offset=572055798094660294934528"):
            r = admin.get(path)
            assert r.status_code == 422 and r.json()["message_th"], (path, r.text)
        r = admin.post("/api/v1/staff/entries/1/revert", json={"history_id": 163685442958378072370466947749380096})
        assert r.status_code == 422, r.text


def test_put_on_a_post_only_path_is_405_not_a_bad_entry_id(staff_service):
    with staff_service.client("admin") as admin:
        r = admin.put("/api/v1/staff/entries/bulk-publish", json={"ids": [1]})
        assert r.status_code == 405 and r.headers["allow"] == "POST", r.text


def test_json_types_are_not_converted(staff_service):
    """`0` is no boolean and `"2"` no integer (the schema says so); `2.0` is an integer, as in JSON Schema."""
    with staff_service.client("admin") as admin:
        entry = admin.get("/api/v1/staff/entries", params={"limit": 1}).json()["items"][0]
        url = f"/api/v1/staff/entries/{entry['id']}/revert"
        assert admin.post(url, json={"history_id": "2147483647"}).status_code == 422
        assert admin.post(url, json={"history_id": 2147483647.0}).status_code == 404  # an integer: no such row
        assert admin.post("/api/v1/staff/entries", json={"key": "t-x", "needs_review": 0,
                                                         "en": {"question": "Q?", "answer": "A."}}).status_code == 422


def test_an_entry_with_a_control_character_still_exports_to_xlsx(staff_service):
    """openpyxl refuses control characters: the XLSX export answered 500 once an entry carried one."""
    key = f"t-{uuid.uuid4().hex[:10]}"
    with staff_service.client("admin") as admin:
        r = admin.post("/api/v1/staff/entries", json={"key": key, "category": "odd\u001bcategory",
                                                      "en": {"question": "Q?", "answer": "A."}})
        assert r.status_code == 201, r.text
        xlsx = admin.get("/api/v1/staff/export", params={"format": "xlsx"})
        assert xlsx.status_code == 200, xlsx.text
        rows = list(load_workbook(io.BytesIO(xlsx.content)).active.iter_rows(values_only=True))
        assert any(row[0] == key and row[1] == "oddcategory" for row in rows)


def test_the_token_route_refuses_bad_bodies_with_4xx(staff_service):
    url = f"{staff_service.url}/api/v1/staff/token"
    deep = b'{"username": ' + b"[" * 50_000 + b"]" * 50_000 + b"}"
    assert httpx.post(url, content=deep, headers={"content-type": "application/json"}).status_code == 413
    deep = b"[" * 30_000 + b"]" * 30_000
    assert httpx.post(url, content=deep, headers={"content-type": "application/json"}).status_code == 422
    assert httpx.post(url, content=b"username=a", headers={"content-type": "text/plain"}).status_code == 415
