"""Two faq_service processes on one database (an SQLite file, then PostgreSQL), as two replicas run: a
document imported by `thamtob docs import` (a third process) answers on each within 2 s of the command's
end, and each indexes only the new passages (the passage index's counters at /metrics); unpublished in
the console of one of them, it stops answering on both within 2 s, and nothing is encoded for that."""
from __future__ import annotations

import re
import subprocess
import threading
import time
import uuid

import httpx
import pytest

from faq_service.core.db import Database
from faq_service.documents import service as documents
from tests.api.test_document_answers import LOST_PROPERTY, LOST_QUESTION
from tests.conftest import new_database_url
from tests.staff.conftest import create_admin
from tests.staff.test_console_pages import session
from tests.support.procs import REPO, VENV_BIN, start_faq_service

DEADLINE_S = 2.0
METRIC = re.compile(r"^(thamtob_passages|thamtob_documents_version|thamtob_passages_indexed_total|"
                    r"thamtob_passages_dropped_total|thamtob_passage_texts_encoded_total) (\S+)$", re.M)


def metrics(proc) -> dict[str, float]:
    r = httpx.get(f"{proc.url}/metrics", timeout=30)
    assert r.status_code == 200, r.text
    return {name: float(value) for name, value in METRIC.findall(r.text)}


def ask(proc, question: str) -> dict:
    r = httpx.post(f"{proc.url}/api/v1/ask", json={"question": question}, timeout=30)
    assert r.status_code == 200, r.text
    return r.json()


def from_document(body: dict) -> bool:
    return body["outcome"] == "answered_from_document" and body["source"]["title"] == "Lost property"


def seconds_until(procs, since: float, wanted, limit_s: float = 10.0) -> list[float | None]:
    """Per process, asked over and over at the same time: how long after `since` the first answer that
    satisfies `wanted` arrived (None: not within `limit_s`, which is past the deadline)."""
    found: list[float | None] = [None] * len(procs)

    def watch(i: int, proc) -> None:
        while time.monotonic() - since < limit_s:
            if wanted(ask(proc, LOST_QUESTION)):
                found[i] = time.monotonic() - since
                return
            time.sleep(0.05)

    threads = [threading.Thread(target=watch, args=(i, p)) for i, p in enumerate(procs)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return found


def settled(procs) -> list[dict[str, float]]:
    """Each process's counters, once both reflect the same documents version and hold as many passages."""
    end = time.monotonic() + 60
    while True:
        seen = [metrics(p) for p in procs]
        versions = {m.get("thamtob_documents_version") for m in seen}
        if len(versions) == 1 and None not in versions and len({m["thamtob_passages"] for m in seen}) == 1:
            return seen
        assert time.monotonic() < end, seen
        time.sleep(0.25)


def changes(before: list[dict], after: list[dict]) -> list[dict[str, float]]:
    """Per process, how much each counter moved."""
    return [{name: new[name] - old[name] for name in new} for old, new in zip(before, after)]


@pytest.mark.parametrize("kind", ["sqlite", "postgres"])
def test_two_processes_answer_a_new_document_within_two_seconds_and_stop_when_unpublished(
        kind, tmp_path, postgres_dbs, artifacts_dir):
    url = new_database_url(kind, tmp_path, postgres_dbs)
    made = create_admin(url)
    assert made.returncode == 0, made.stdout + made.stderr
    logs = artifacts_dir / f"logs-two-processes-{kind}"
    procs = []
    try:
        for name in ("a", "b"):
            procs.append(start_faq_service(logs / name, url, deadline=300))
        before = settled(procs)
        assert before[0]["thamtob_passages"] > 0  # the sample documents, imported at the first start
        assert not any(from_document(ask(p, LOST_QUESTION)) for p in procs)

        # Text no earlier run has seen, so neither the index nor the shared embedding cache has its vector.
        path = tmp_path / "lost-property.md"
        marker = uuid.uuid4().hex[:8]
        path.write_text(LOST_PROPERTY.rstrip() + f" This notice is number {marker}.\n", encoding="utf-8")
        done = subprocess.run([str(VENV_BIN / "thamtob"), "docs", "import", str(path), "--title", "Lost property"],
                              capture_output=True, text=True, cwd=REPO, timeout=600,
                              env={"PATH": "/usr/bin:/bin", "DATABASE_URL": url})
        imported = time.monotonic()
        assert done.returncode == 0 and "created 1" in done.stdout, done.stdout + done.stderr
        waited = seconds_until(procs, imported, from_document)
        print(f"{kind}: answering from the new document on each process after {waited} s")
        assert all(s is not None and s <= DEADLINE_S for s in waited), (waited, [p.log() for p in procs])

        db = Database(url)
        try:
            with db.session() as s:
                document_id = next(d["id"] for d in documents.list_documents(s) if d["title"] == "Lost property")
                new_passages = len(documents.passages_of(s, document_id))
        finally:
            db.engine.dispose()
        after = settled(procs)
        for grew in changes(before, after):
            assert grew["thamtob_documents_version"] > 0
            assert grew["thamtob_passages"] == new_passages
            # Only the new passages were indexed and encoded (each is one text: shorter than a window).
            assert grew["thamtob_passages_indexed_total"] == grew["thamtob_passage_texts_encoded_total"] == new_passages
            assert grew["thamtob_passages_dropped_total"] == 0

        # Unpublished in the console of the first process: both stop answering from it.
        admin, csrf = session(procs[0], "admin")
        r = admin.post(f"/console/documents/{document_id}/unpublish", data={"csrf_token": csrf})
        unpublished = time.monotonic()
        assert r.status_code == 303 and "flash_unpublished" in r.headers["location"], r.text
        waited = seconds_until(procs, unpublished, lambda body: not from_document(body))
        print(f"{kind}: no longer answering from it on each process after {waited} s")
        assert all(s is not None and s <= DEADLINE_S for s in waited), (waited, [p.log() for p in procs])
        for grew in changes(after, settled(procs)):
            assert grew["thamtob_passages"] == -new_passages
            assert grew["thamtob_passages_dropped_total"] == new_passages
            assert grew["thamtob_passages_indexed_total"] == grew["thamtob_passage_texts_encoded_total"] == 0
    finally:
        for proc in procs:
            proc.stop()
