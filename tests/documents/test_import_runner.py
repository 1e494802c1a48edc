"""The import queue's runners on SQLite and PostgreSQL, without the web service: two runners never run
one job twice (a race on the claim, and two `thamtob docs worker` processes draining one queue); a job
whose runner was killed mid-import is claimed again when its lease runs out and imported once; a job
that keeps losing its runner is failed after its attempts with a message in Thai and English; a runner
that lost its lease writes nothing; a stopped runner hands its job back; a cancelled job is never
claimed, and a running one that is cancelled has its reader stopped and stores nothing; a file of many passages has
them encoded in the reading process, so the service's index only reads their vectors from the cache."""
from __future__ import annotations

import hashlib
import os
import signal
import subprocess
import threading
import time
import uuid

import pytest
from sqlalchemy import func, select

from faq_service.core.auth.models import StaffAudit
from faq_service.core.db import Database, utcnow
from faq_service.core.migrations import open_database
from faq_service.core.settings import Settings
from faq_service.documents import jobs, service
from faq_service.documents.formats import MARKDOWN, PDF, Limits
from faq_service.documents.imports import import_bytes
from faq_service.documents.models import Document, ImportJob
from faq_service.documents.runner import ImportRunner
from faq_service.documents.index_source import PublishedPassages
from faq_service.documents.texts import texts
from faq_service.documents.worker import ENCODE_AHEAD_FROM
from faq_service.core.text import normalize
from faq_service.retrieval.cache import CachedEncoder, EmbeddingCache
from faq_service.retrieval.encoders import load_encoders
from faq_service.retrieval.index import FusionWeights, RetrievalIndex
from faq_service.retrieval.passages import PassageIndex
from tests.conftest import new_database_url
from tests.documents import samples
from tests.support.procs import REPO, VENV_BIN

KINDS = ["sqlite", "postgres"]


@pytest.fixture(params=KINDS)
def db(request, tmp_path, postgres_dbs):
    database = open_database(new_database_url(request.param, tmp_path, postgres_dbs))
    yield database
    database.engine.dispose()


def queue(db: Database, name: str, data: bytes, media_type: str = MARKDOWN) -> int:
    with db.session() as s:
        return jobs.enqueue(s, name, data, media_type, service.content_hash(data), service.ImportOptions(), "editor-user")


def job(db: Database, job_id: int) -> ImportJob:
    with db.session() as s:
        found = jobs.get(s, job_id)
        found.upload_size = len(found.upload) if found.upload is not None else None
        return found


def audits(db: Database, action: str) -> list[dict]:
    with db.session() as s:
        return [row.detail for row in s.scalars(select(StaffAudit).where(StaffAudit.action == action))]


def worker(db: Database, *args: str, lease_s: float = 60, attempts: int = 3) -> subprocess.Popen:
    """`thamtob docs worker` in a process group of its own (so that killing it kills its reader too)."""
    env = {"PATH": "/usr/bin:/bin", "DATABASE_URL": db.url, "THAMTOB_DOCUMENT_JOBS_LEASE": str(lease_s),
           "THAMTOB_DOCUMENT_JOBS_ATTEMPTS": str(attempts), "THAMTOB_DOCUMENT_JOBS_POLL": "0.2"}
    return subprocess.Popen([str(VENV_BIN / "thamtob"), "docs", "worker", *args], cwd=REPO, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, start_new_session=True)


def wait_until(predicate, seconds: float, what: str):
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        value = predicate()
        if value:
            return value
        time.sleep(0.2)
    pytest.fail(f"not within {seconds} s: {what}")


def test_racing_claims_take_each_job_once(db):
    ids = [queue(db, f"race-{i}.md", f"# Race {i}\n\ntext {uuid.uuid4().hex}".encode()) for i in range(6)]
    racers = [Database(db.url) for _ in range(6)]  # an engine each, as separate processes would have
    claimed: dict[str, list[int]] = {}
    start = threading.Barrier(len(racers))

    def race(i: int, racer: Database) -> None:
        name = f"racer-{i}"
        start.wait()
        while True:
            with racer.session() as s:
                got = jobs.claim(s, name, 60, 3)
            if got is None:
                return
            claimed.setdefault(name, []).append(got.id)
    threads = [threading.Thread(target=race, args=(i, r)) for i, r in enumerate(racers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    for racer in racers:
        racer.engine.dispose()
    every = sorted(i for got in claimed.values() for i in got)
    assert every == ids, claimed  # each job claimed, none twice
    for job_id in ids:
        stored = job(db, job_id)
        assert stored.status == "running" and stored.attempts == 1
        assert stored.lease_owner in claimed and job_id in claimed[stored.lease_owner]


def test_two_worker_processes_run_each_job_once(db):
    ids = [queue(db, f"two-{i}.md", samples.markdown(uuid.uuid4().hex[:6])) for i in range(6)]
    procs = [worker(db, "--once") for _ in range(2)]
    outputs = [p.communicate(timeout=600)[0] for p in procs]
    assert [p.returncode for p in procs] == [0, 0], outputs
    ran = [int(out.rsplit("ran ", 1)[1].split()[0]) for out in outputs]
    assert sum(ran) == 6, outputs
    for job_id in ids:
        stored = job(db, job_id)
        assert (stored.status, stored.attempts, stored.action, stored.upload_size) == ("done", 1, "created", None)
    created = audits(db, "document.created")
    assert sorted(d["job_id"] for d in created) == ids  # one import per job
    with db.session() as s:
        assert s.scalar(select(func.count()).select_from(Document)) == 6


def test_a_job_whose_runner_died_is_claimed_again_when_its_lease_runs_out(db, tmp_path):
    marker = str(uuid.uuid4().int)[:6]  # digits: what OCR reads surely
    data = samples.scanned_pages([["ช่องทางร้องเรียนการทุจริต", f"TCEB lease {marker}"]] * 3)
    job_id = queue(db, f"lease-{marker}.pdf", data, PDF)
    alive = tmp_path / "worker-alive"
    first = worker(db, "--heartbeat", str(alive), lease_s=2)
    wait_until(lambda: job(db, job_id).status == "running", 120, "the first worker claims the job")
    time.sleep(1.5)  # its reader is at work, and it has renewed the lease
    assert time.time() - alive.stat().st_mtime < 1.5  # the heartbeat a container's healthcheck reads
    os.killpg(first.pid, signal.SIGKILL)  # the worker and its reading process die mid-import
    first.wait(30)
    dead = job(db, job_id)
    assert (dead.status, dead.attempts, dead.upload_size) == ("running", 1, len(data))
    wait_until(lambda: job(db, job_id).lease_until < utcnow(), 30, "the lease runs out")
    second = worker(db, "--once", lease_s=2)
    output = second.communicate(timeout=600)[0]
    assert second.returncode == 0 and "ran 1 imports" in output, output
    done = job(db, job_id)
    assert (done.status, done.attempts, done.upload_size) == ("done", 2, None), output
    assert done.lease_owner is None and "attempt 2" in output
    with db.session() as s:
        text = " ".join(p.text for p in service.passages_of(s, done.document_id))
    assert marker in text and "ร้องเรียน" in text, text
    assert [d["job_id"] for d in audits(db, "document.created")] == [job_id]


def test_a_job_that_keeps_losing_its_runner_fails_after_its_attempts(db):
    job_id = queue(db, "dies.md", samples.markdown(uuid.uuid4().hex[:6]))
    for attempt in (1, 2):  # two runners claim it and die (their leases run out at once)
        with db.session() as s:
            assert jobs.claim(s, f"dead-{attempt}", 0.001, 2).attempts == attempt
        time.sleep(0.01)
    with db.session() as s:
        assert jobs.claim(s, "third", 60, 2) is None  # nothing left to run
    failed = job(db, job_id)
    assert (failed.status, failed.attempts, failed.upload_size, failed.document_id) == ("failed", 2, None, None)
    th, en = (jobs.message(failed, texts(lang)) for lang in ("th", "en"))
    assert "2 ครั้ง" in th and "started 2 times and never finished" in en and "Nothing was imported" in en
    assert audits(db, "document.failed") == [{"job_id": job_id, "attempts": 2}]


def test_a_runner_that_lost_its_lease_writes_nothing(db):
    data = samples.markdown(uuid.uuid4().hex[:6])
    job_id = queue(db, "lost.md", data)
    with db.session() as s:
        slow = jobs.claim(s, "slow", 0.001, 3)
    time.sleep(0.01)
    with db.session() as s:
        assert jobs.claim(s, "fast", 60, 3).id == job_id  # the lease ran out: another runner takes it

    def finish(session, result) -> None:
        jobs.mark_done(session, slow.id, "slow", result)
    with pytest.raises(jobs.LeaseLost):
        import_bytes(db, slow.source_name, data, slow.options, "editor-user", Limits.of(Settings()),
                     media_type=MARKDOWN, then=finish)
    with db.session() as s:
        assert service.count_documents(s) == 0
    assert job(db, job_id).lease_owner == "fast"


def test_a_stopped_runner_hands_its_job_back(db):
    data = samples.scanned_pages([["ช่องทางร้องเรียนการทุจริต", "TCEB stop"]] * 3)
    job_id = queue(db, "stop.pdf", data, PDF)
    runner = ImportRunner(db, Settings(DATABASE_URL=db.url, THAMTOB_DOCUMENT_JOBS_POLL=0.2))
    runner.start()
    wait_until(lambda: job(db, job_id).status == "running", 120, "the runner claims the job")
    time.sleep(0.5)
    runner.stop()
    assert not runner._thread.is_alive()
    back = job(db, job_id)
    assert (back.status, back.attempts, back.lease_owner, back.upload_size) == ("queued", 0, None, len(data))
    with db.session() as s:
        assert service.count_documents(s) == 0
    with db.session() as s:  # and it is claimed like any queued job
        assert jobs.claim(s, "next", 60, 3).id == job_id


def test_a_cancelled_job_is_never_claimed_and_keeps_no_upload(db):
    job_id = queue(db, "cancel.md", samples.markdown(uuid.uuid4().hex[:6]))
    with db.session() as s:
        assert jobs.cancel(s, job_id)
    with db.session() as s:
        assert jobs.claim(s, "runner", 60, 3) is None
        assert not jobs.cancel(s, job_id)  # it has ended: nothing changes
    cancelled = job(db, job_id)
    assert (cancelled.status, cancelled.upload_size, cancelled.attempts, cancelled.document_id) == \
        ("cancelled", None, 0, None)


def test_a_running_import_that_is_cancelled_stops_its_reader_and_stores_nothing(db):
    pages = 24  # OCR takes a good second a page here, at the lowest priority
    data = samples.scanned_pages([["ช่องทางร้องเรียนการทุจริต", f"TCEB cancel {uuid.uuid4().hex[:6]}"]] * pages)
    job_id = queue(db, "cancel.pdf", data, PDF)
    # a short lease is renewed every half second: the runner learns of the cancel that soon
    runner = ImportRunner(db, Settings(DATABASE_URL=db.url, THAMTOB_DOCUMENT_JOBS_LEASE=1.5))
    outcome: list[str | None] = []
    thread = threading.Thread(target=lambda: outcome.append(runner.run_one()))
    thread.start()
    wait_until(lambda: job(db, job_id).status == "running", 120, "the runner claims the job")
    time.sleep(1)  # the reader is under way
    with db.session() as s:
        assert jobs.cancel(s, job_id)
    cancelled_at = time.monotonic()
    thread.join(300)
    stopped_s = time.monotonic() - cancelled_at
    assert outcome == ["lost"] and stopped_s < 6, (outcome, stopped_s)  # not the rest of the pages' OCR
    with db.session() as s:
        assert service.count_documents(s) == 0
    cancelled = job(db, job_id)
    assert (cancelled.status, cancelled.upload_size, cancelled.lease_owner, cancelled.document_id) == \
        ("cancelled", None, None, None)


def test_a_large_file_has_its_passages_encoded_in_the_reading_process(db, tmp_path):
    tag = uuid.uuid4().hex[:6]
    body = "\n\n".join(f"## {i}\n\nข้อความทดสอบการเข้ารหัสล่วงหน้า ส่วนที่ {i} ของชุด {tag}" for i in range(ENCODE_AHEAD_FROM))
    small, large = queue(db, "small.md", samples.markdown(tag)), queue(db, "large.txt", f"# {tag}\n\n{body}\n".encode())
    settings = Settings(DATABASE_URL=db.url, THAMTOB_EMBEDDING_CACHE=str(tmp_path / "cache.sqlite3"))
    runner = ImportRunner(db, settings)
    assert (runner.run_one(), runner.run_one()) == ("done", "done")
    cache = EmbeddingCache(settings.embedding_cache)

    def cached(job_id: int) -> list[int]:
        """Per encoder, how many of the job's passages have their vector in the cache."""
        with db.session() as s:
            texts = [p.text for p in service.passages_of(s, job(db, job_id).document_id)]
        hashes = [hashlib.sha256(normalize(t).encode("utf-8")).hexdigest() for t in texts]
        return [len(cache.get(name, "passage", hashes)) for name in settings.encoder.split("+")] + [len(texts)]
    assert cached(small) == [0, 0, 2]  # a few passages: left to the service
    assert cached(large) == [ENCODE_AHEAD_FROM] * 3

    # the service's passage index finds every vector there: it encodes nothing
    class Counting:
        def __init__(self, inner):
            self.inner, self.name, self.encoded = inner, inner.name, 0

        def encode_passages(self, texts):
            self.encoded += len(texts)
            return self.inner.encode_passages(texts)
        encode_queries = encode_passages
    counting = [Counting(e) for e in load_encoders(settings.encoder)]
    index = PassageIndex(db, PublishedPassages(), RetrievalIndex([CachedEncoder(e, cache) for e in counting],
                                                                 FusionWeights.of(settings)))
    index.sync()
    assert len(index) == ENCODE_AHEAD_FROM + 2 and [e.encoded for e in counting] == [2, 2]
