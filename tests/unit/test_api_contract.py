"""The published OpenAPI, checked in-process: every operation documents the error statuses it can answer
with the one error body, derived from its dependencies and inputs (ops/contract.py); the constraints it
states are the ones the service enforces (checked with the validator Schemathesis uses); timestamps are
stored in UTC and read back with their offset."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import jsonschema_rs
import pytest
from fastapi import Depends, FastAPI
from pydantic import ValidationError
from sqlalchemy import Integer, text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from faq_service.core.db import Database, UtcDateTime, rfc3339
from faq_service.core.errors import may_answer
from faq_service.faqs.schemas import EntryIn
from faq_service.main import create_app
from faq_service.ops import contract
from faq_service.questions.schemas import AskIn

ERROR_REF = {"$ref": "#/components/schemas/Error"}
SPEC = create_app().openapi()


def _operations():
    for path, ops in SPEC["paths"].items():
        for method, op in ops.items():
            yield path, method, op


def test_every_error_status_has_the_one_error_body():
    assert "HTTPValidationError" not in SPEC["components"]["schemas"]
    assert SPEC["components"]["schemas"]["Error"]["required"] == ["detail", "message", "message_th"]
    for path, method, op in _operations():
        errors = {code: r for code, r in op["responses"].items() if code[0] in "45"}
        assert "500" in errors, (method, path)
        for code, response in errors.items():
            assert response["content"]["application/json"]["schema"] == ERROR_REF, (method, path, code)
            assert response["description"], (method, path, code)


def _statuses(path: str, method: str) -> set[int]:
    return {int(code) for code in SPEC["paths"][path][method]["responses"] if code[0] in "45"}


def test_statuses_follow_dependencies_and_inputs():
    for path, method, op in _operations():
        statuses = _statuses(path, method)
        if path.startswith("/api/v1/staff/") and path != "/api/v1/staff/token":
            assert {401, 403, 503} <= statuses and op["security"] == [{"StaffBearer": []}], (method, path)
        if "requestBody" in op:
            assert {413, 415, 422} <= statuses, (method, path)
        if "{" in path:
            assert 404 in statuses, (method, path)
    assert {401, 503} <= _statuses("/api/v1/questions", "post")
    assert SPEC["paths"]["/api/v1/questions"]["post"]["security"] == [{"ServiceToken": []}]
    assert {429, 503} <= _statuses("/api/v1/ask", "post")
    assert 404 in _statuses("/api/v1/feedback", "post")  # named by the route: an unknown log_id
    assert {401, 429} <= _statuses("/api/v1/staff/token", "post")
    assert _statuses("/healthz", "get") == {500} and 503 in _statuses("/readyz", "get")
    assert {404, 409, 422} <= _statuses("/api/v1/staff/measures/{measure_id}", "patch")  # the session runner


def test_a_new_route_is_documented_by_its_dependencies_alone():
    """What a new domain (complaints, documents, channels) gets by using the shared dependencies."""
    @may_answer(409, 503)
    async def store():
        return None

    app = FastAPI()

    @app.post("/things/{thing_id}")
    def change(thing_id: int, body: dict, _=Depends(store)) -> dict:
        return body

    contract.install(app)
    responses = app.openapi()["paths"]["/things/{thing_id}"]["post"]["responses"]
    assert set(responses) == {"200", "404", "409", "413", "415", "422", "500", "503"}
    assert all(r["content"]["application/json"]["schema"] == ERROR_REF for c, r in responses.items() if c != "200")


def _question_schema() -> dict:
    return AskIn.model_json_schema()["properties"]["question"]


def _taken(question: str) -> bool:
    try:
        AskIn(question=question)
        return True
    except ValidationError:
        return False


def test_the_question_constraints_are_the_ones_enforced():
    """Every BMP character alone, and edge cases: the schema's validator and the service agree."""
    validator = jsonschema_rs.validator_for(_question_schema())
    samples = [chr(c) for c in range(0x10000) if not 0xD800 <= c <= 0xDFFF]
    samples += ["", " ", " a ", "\u200b\u200b", "a\u0000", "\U000e0041", "\U0001f600", "ก" * 1000, "ก" * 1001,
                " " * 999 + "x", "\u0e48", "\n\t?"]
    disagree = [s[:20] for s in samples if validator.is_valid(s) != _taken(s)]
    assert not disagree, disagree


def test_entry_constraints_are_the_ones_enforced():
    validator = jsonschema_rs.validator_for(EntryIn.model_json_schema())
    block = {"question": "Q?", "answer": "A."}
    cases = [{"key": "ok-key", "en": block}, {"key": "Bad Key", "en": block}, {"key": "ok", "th": None, "en": None},
             {"key": "ok"}, {"key": "ok", "en": block, "extra": 1}, {"key": "ok", "en": block, "status": "gone"},
             {"key": "ok", "en": block, "source_url": "ftp://x"}, {"key": "ok", "en": block, "source_url": ""},
             {"key": "ok", "en": {"question": " ", "answer": "A."}}, {"key": "ok", "en": block, "needs_review": 0},
             {"key": "ok\n", "en": block}, {"key": "a" * 121, "en": block}]
    for case in cases:
        try:
            EntryIn.model_validate(case)
            taken = True
        except ValidationError:
            taken = False
        assert validator.is_valid(case) == taken, case


class _Base(DeclarativeBase):  # not the service's metadata
    pass


class Stamp(_Base):
    __tablename__ = "contract_stamp"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(UtcDateTime)


@pytest.fixture()
def sqlite_db(tmp_path):
    db = Database(f"sqlite:///{tmp_path / 'stamps.db'}")
    Stamp.__table__.create(db.engine)
    yield db
    db.engine.dispose()


def test_times_are_stored_in_utc_and_read_back_with_their_offset(sqlite_db):
    bangkok = timezone(timedelta(hours=7))
    with sqlite_db.session() as s:
        s.add(Stamp(id=1, at=datetime(2026, 11, 25, 10, 0, tzinfo=bangkok)))
    with sqlite_db.session() as s:
        stored = s.execute(text("SELECT at FROM contract_stamp WHERE id = 1")).scalar()
        at = s.get(Stamp, 1).at
    assert stored.startswith("2026-11-25 03:00:00")  # UTC on disk, as every other row
    assert at == datetime(2026, 11, 25, 3, 0, tzinfo=timezone.utc) and rfc3339(at) == "2026-11-25T03:00:00Z"
    with sqlite_db.session() as s:  # queries compare in UTC too
        assert s.query(Stamp).filter(Stamp.at >= datetime(2026, 11, 25, 9, 59, tzinfo=bangkok)).count() == 1


def test_a_row_written_naive_before_reads_back_in_utc(sqlite_db):
    with sqlite_db.session() as s:
        s.execute(text("INSERT INTO contract_stamp (id, at) VALUES (2, '2026-01-02 03:04:05.000000')"))
    with sqlite_db.session() as s:
        at = s.get(Stamp, 2).at
    assert at.tzinfo is not None and rfc3339(at) == "2026-01-02T03:04:05Z"


def test_pages_show_stored_times_in_bangkok_time():
    from faq_service.console.render import bangkok

    assert bangkok(datetime(2026, 11, 25, 3, 0, tzinfo=timezone.utc)) == "2026-11-25 10:00"
    assert bangkok(datetime(2026, 11, 25, 3, 0)) == "2026-11-25 10:00"  # naive: UTC, as stored
    assert bangkok(None) == ""


def test_readyz_answers_503_with_the_error_body_when_not_ready(tmp_path):
    """A database that is down or an index still loading: 503, the error body and the three fields."""
    import threading
    from types import SimpleNamespace

    from fastapi.testclient import TestClient

    app = create_app()  # its lifespan does not run: the state is made here
    app.state.thamtob = SimpleNamespace(db=Database(f"sqlite:///{tmp_path / 'ready.db'}"),
                                        knowledge=SimpleNamespace(ready=threading.Event(), index=[]))
    r = TestClient(app).get("/readyz")
    body = r.json()
    assert r.status_code == 503 and body["message"] and body["message_th"], body
    assert body["database"] is True and body["index"] is False and body["entries"] == 0
    app.state.thamtob.knowledge.ready.set()
    assert TestClient(app).get("/readyz").json() == {"database": True, "index": True, "entries": 0}
