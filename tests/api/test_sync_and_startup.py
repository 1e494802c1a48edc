"""Edits reach every process within 2 s; replicas starting together import the sample data once;
migrations go up from empty and back down."""
from __future__ import annotations

import concurrent.futures
import os
import subprocess
import time

import httpx
import pytest
import yaml
from sqlalchemy import create_engine, inspect, text

from tests.conftest import new_database_url
from tests.support.procs import REPO, VENV_BIN, start_faq_service

EDIT_DEADLINE_S = 2.0


def _import(database_url: str, path) -> None:
    env = {**os.environ, "DATABASE_URL": database_url}
    subprocess.run([str(VENV_BIN / "thamtob"), "faq", "import", str(path)], check=True, env=env, cwd=REPO,
                   capture_output=True, timeout=120)


def _answered_faq_key(url: str, question: str) -> str | None:
    body = httpx.post(f"{url}/api/v1/ask", json={"question": question}, timeout=10).json()
    if not body["answered"]:
        return None
    return httpx.get(f"{url}/api/v1/faqs/{body['faq_id']}").json()["key"]


def _wait_for_key(urls, question, key, deadline_s) -> float:
    start = time.monotonic()
    pending = set(urls)
    while pending and time.monotonic() - start < deadline_s:
        pending = {u for u in pending if _answered_faq_key(u, question) != key}
        if pending:
            time.sleep(0.05)
    assert not pending, f"{pending} did not answer with {key} within {deadline_s}s"
    return time.monotonic() - start


@pytest.mark.parametrize("backend", ["sqlite", "postgres"])
def test_published_edit_reaches_two_processes_within_2s(backend, tmp_path, postgres_dbs, artifacts_dir):
    url = new_database_url(backend, tmp_path, postgres_dbs)
    first = start_faq_service(artifacts_dir / f"logs-sync-{backend}-1", url, deadline=300)
    second = start_faq_service(artifacts_dir / f"logs-sync-{backend}-2", url, deadline=300)
    try:
        question = "Can I bring my pet parrot to the TCEB office in Siam Piwat Tower?"
        assert _answered_faq_key(first.url, question) != "pet-policy"
        edit = tmp_path / "edit.yml"
        edit.write_text(yaml.safe_dump({"category": "contact", "entries": [{
            "key": "pet-policy",
            "en": {"question": "Can I bring my pet parrot to the TCEB office in Siam Piwat Tower?",
                   "answer": "Test entry: pets policy.", "alternates": ["parrot at the TCEB office"]},
            "th": {"question": "พานกแก้วมาที่สำนักงานได้ไหม", "answer": "ทดสอบ"}}]}, allow_unicode=True))
        _import(url, edit)  # a third process writes; both services must pick it up
        _wait_for_key([first.url, second.url], question, "pet-policy", EDIT_DEADLINE_S)

        edit.write_text(yaml.safe_dump({"entries": [{
            "key": "pet-policy", "status": "archived",
            "en": {"question": "Can I bring my pet parrot to the TCEB office in Siam Piwat Tower?",
                   "answer": "Test entry: pets policy."}}]}))
        _import(url, edit)
        start = time.monotonic()
        while time.monotonic() - start < EDIT_DEADLINE_S:
            keys = {_answered_faq_key(u, question) for u in (first.url, second.url)}
            if "pet-policy" not in keys:
                break
            time.sleep(0.05)
        assert "pet-policy" not in keys, "an archived entry is still answered"
    finally:
        first.stop()
        second.stop()


def test_replicas_starting_together_import_once(tmp_path, postgres_dbs, artifacts_dir):
    url = postgres_dbs.create()
    with concurrent.futures.ThreadPoolExecutor(2) as pool:
        procs = list(pool.map(lambda i: start_faq_service(artifacts_dir / f"logs-replica-{i}", url, deadline=300),
                              range(2)))
    try:
        engine = create_engine(url)
        with engine.connect() as conn:
            entries = conn.execute(text("SELECT count(*) FROM faq_entry")).scalar()
            creates = conn.execute(text("SELECT count(*) FROM faq_history WHERE action = 'create'")).scalar()
            keys = conn.execute(text("SELECT count(DISTINCT key) FROM faq_entry")).scalar()
        engine.dispose()
        assert entries == creates == keys >= 40
    finally:
        for p in procs:
            p.stop()


@pytest.mark.parametrize("backend", ["sqlite", "postgres"])
def test_migrations_upgrade_from_empty_and_downgrade(backend, tmp_path, postgres_dbs):
    url = new_database_url(backend, tmp_path, postgres_dbs)
    env = {**os.environ, "DATABASE_URL": url}

    def thamtob(*args):
        subprocess.run([str(VENV_BIN / "thamtob"), *args], check=True, env=env, cwd=REPO, timeout=120,
                       capture_output=True)

    def tables():
        engine = create_engine(url)
        names = set(inspect(engine).get_table_names())
        engine.dispose()
        return names

    thamtob("db", "upgrade")
    assert {"faq_entry", "faq_history", "kb_state", "question_log", "alembic_version"} <= tables()
    thamtob("db", "downgrade", "base")
    assert tables() <= {"alembic_version"}
    thamtob("db", "upgrade")
    assert "faq_entry" in tables()
