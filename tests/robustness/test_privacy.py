"""PDPA retention and erasure: the question log keeps redacted text 365 days then only counts; raw text
(Rasa tracker events, the action server's queue) goes after 30 days; one session can be erased.
The tracker store and the queue are built here the way Rasa and the action server lay them out."""
from __future__ import annotations

import json
import os
import subprocess
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import create_engine, func, select, text

from faq_service.core.db import Database
from faq_service.privacy import service as privacy
from faq_service.questions.models import QuestionLog
from faq_service.questions.service import hash_session, log_question
from faq_service.core.settings import Settings
from faq_service.core.migrations import migrate
from tests.conftest import new_database_url
from tests.support.procs import REPO, VENV_BIN

SECRET = "privacy-test-secret"
NOW = datetime.now(timezone.utc)
EVENTS_DDL = """CREATE TABLE events (id INTEGER PRIMARY KEY {auto}, sender_id VARCHAR(255) NOT NULL,
    type_name VARCHAR(255) NOT NULL, timestamp FLOAT, intent_name VARCHAR(255), action_name VARCHAR(255),
    data TEXT)"""


def test_defaults_are_365_days_of_redacted_text_and_30_days_of_raw_text():
    s = Settings()
    assert (s.retention_question_days, s.retention_raw_days) == (365, 30)


@pytest.fixture(params=["sqlite", "postgres"])
def db(request, tmp_path, postgres_dbs):
    database = Database(new_database_url(request.param, tmp_path, postgres_dbs))
    migrate(database)
    yield database
    database.engine.dispose()


def _ask(db, question, days_ago, session="visitor-1", comment=None):
    with db.session() as s:
        row = log_question(s, question=question, lang="th", channel="web", outcome="answered",
                           session_hash=hash_session(session, SECRET), asked_at=NOW - timedelta(days=days_ago))
        row.feedback_comment = comment
        return row.id


def _rows(db):
    with db.session() as s:
        return {r.id: r for r in s.scalars(select(QuestionLog))}


def test_purge_blanks_old_text_and_keeps_the_counts(db):
    old = _ask(db, "เบอร์ [PHONE] ติดต่อ TCEB", 400, comment="ดีมาก")
    recent = _ask(db, "TCEB อยู่ที่ไหน", 10)
    boundary = _ask(db, "ยังอยู่", 364)
    before = len(_rows(db))
    assert privacy.purge_question_log(db, 365, NOW) == 1
    rows = _rows(db)
    assert len(rows) == before, "rows stay: the counts are kept"
    assert rows[old].question_text == "" and rows[old].session_hash is None and rows[old].feedback_comment is None
    assert rows[old].outcome == "answered" and rows[old].lang == "th" and rows[old].channel == "web"
    assert rows[recent].question_text == "TCEB อยู่ที่ไหน" and rows[boundary].question_text == "ยังอยู่"
    assert privacy.purge_question_log(db, 365, NOW) == 0, "idempotent"


def test_delete_session_erases_only_that_session(db):
    mine = [_ask(db, "คำถามของฉัน", 1, session="me"), _ask(db, "อีกคำถาม", 2, session="me")]
    other = _ask(db, "คำถามคนอื่น", 1, session="someone-else")
    assert privacy.delete_session_log(db, "me", SECRET) == 2
    rows = _rows(db)
    assert all(rows[i].question_text == "" and rows[i].session_hash is None for i in mine)
    assert rows[other].question_text == "คำถามคนอื่น"
    assert privacy.delete_session_log(db, "", SECRET) == 0


@pytest.fixture(params=["sqlite", "postgres"])
def tracker_url(request, tmp_path, postgres_dbs):
    """A tracker store laid out as Rasa's SQLTrackerStore does (table events), with old and new events."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'tracker.db'}"
        engine, auto, rasa_url = create_engine(url), "", url
    else:
        url = postgres_dbs.create()
        engine, auto = create_engine(url), ""
        rasa_url = url.replace("postgresql+psycopg://", "postgresql://")  # as Rasa's endpoints.yml has it
    with engine.begin() as conn:
        conn.execute(text(EVENTS_DDL.format(auto=auto)))
        for i, (sender, days, typed) in enumerate([("alice", 45, "บัตร 1234567890123"), ("alice", 2, "สวัสดี"),
                                                   ("bob", 31, "my phone 0812345678"), ("bob", 29, "hi")]):
            conn.execute(text("INSERT INTO events (id, sender_id, type_name, timestamp, data) "
                              "VALUES (:i, :s, 'user', :t, :d)"),
                         {"i": i + 1, "s": sender, "t": (NOW - timedelta(days=days)).timestamp(),
                          "d": json.dumps({"event": "user", "text": typed})})
    engine.dispose()
    return rasa_url


def _events(url):
    engine = privacy._tracker_engine(url)
    with engine.connect() as conn:
        rows = conn.execute(text("SELECT sender_id, data FROM events ORDER BY id")).all()
    engine.dispose()
    return [(r[0], json.loads(r[1])["text"]) for r in rows]


def test_tracker_events_older_than_30_days_are_deleted(tracker_url):
    assert privacy.purge_tracker_store(tracker_url, 30, NOW) == 2
    assert _events(tracker_url) == [("alice", "สวัสดี"), ("bob", "hi")]
    assert privacy.purge_tracker_store(tracker_url, 30, NOW) == 0


def test_tracker_events_of_one_session_are_deleted(tracker_url):
    assert privacy.delete_tracker_session(tracker_url, "alice") == 2
    assert [s for s, _ in _events(tracker_url)] == ["bob", "bob"]


def test_a_tracker_store_rasa_has_not_created_yet_is_left_alone(tmp_path):
    assert privacy.purge_tracker_store(f"sqlite:///{tmp_path / 'empty.db'}", 30, NOW) == 0


def _queue(root, folder, name, days, session, asked_at=True):
    (root / folder).mkdir(parents=True, exist_ok=True)
    record = {"question": f"raw text of {name}", "session_id": session, "idempotency_key": name}
    if asked_at:
        record["asked_at"] = (NOW - timedelta(days=days)).isoformat()
    path = root / folder / f"{name}.json"
    path.write_text(json.dumps(record, ensure_ascii=False))
    if not asked_at:  # no timestamp in the record: the file's own time counts
        stamp = (NOW - timedelta(days=days)).timestamp()
        os.utime(path, (stamp, stamp))
    return path


def test_action_queue_files_older_than_30_days_are_removed(tmp_path):
    root = tmp_path / "action-queue"
    keep = [_queue(root, "pending", "new", 3, "a"), _queue(root, "failed", "new-failed", 29, "b")]
    gone = [_queue(root, "pending", "old", 31, "a"), _queue(root, "failed", "old-failed", 90, "b"),
            _queue(root, "tmp", "old-tmp", 40, "c", asked_at=False)]
    assert privacy.purge_action_queue(root, 30, NOW) == 3
    assert all(p.exists() for p in keep) and not any(p.exists() for p in gone)
    assert privacy.purge_action_queue(tmp_path / "no-such-folder", 30, NOW) == 0


def test_action_queue_files_of_one_session_are_removed(tmp_path):
    root = tmp_path / "action-queue"
    mine = [_queue(root, "pending", "m1", 1, "me"), _queue(root, "failed", "m2", 1, "me")]
    theirs = _queue(root, "pending", "t1", 1, "them")
    (root / "pending" / "broken.json").write_text("{not json")
    assert privacy.delete_queue_session(root, "me") == 2
    assert theirs.exists() and not any(p.exists() for p in mine)


def test_cli_purge_and_delete_session(tmp_path):
    url = f"sqlite:///{tmp_path / 'faq.db'}"
    db = Database(url)
    migrate(db)
    _ask(db, "old question", 500, session="s-old")
    kept = _ask(db, "question to erase", 1, session="s-erase")
    tracker = f"sqlite:///{tmp_path / 'tracker.db'}"
    engine = create_engine(tracker)
    with engine.begin() as conn:
        conn.execute(text(EVENTS_DDL.format(auto="")))
        conn.execute(text("INSERT INTO events (sender_id, type_name, timestamp, data) VALUES "
                          "('s-erase', 'user', :t, '{}'), ('x', 'user', :old, '{}')"),
                     {"t": NOW.timestamp(), "old": (NOW - timedelta(days=60)).timestamp()})
    engine.dispose()
    queue = tmp_path / "queue"
    _queue(queue, "pending", "q1", 1, "s-erase")
    env = {**os.environ, "DATABASE_URL": url, "THAMTOB_SECRET_KEY": SECRET, "RASA_TRACKER_DB_URL": tracker,
           "ACTION_QUEUE_DIR": str(queue)}
    purge = subprocess.run([str(VENV_BIN / "thamtob"), "privacy", "purge"], env=env, cwd=REPO,
                           capture_output=True, text=True, timeout=120)
    assert purge.returncode == 0, purge.stderr
    assert "1 rows older than 365 days" in purge.stdout and "1 events older than 30 days" in purge.stdout
    erase = subprocess.run([str(VENV_BIN / "thamtob"), "privacy", "delete-session", "s-erase"], env=env,
                           cwd=REPO, capture_output=True, text=True, timeout=120)
    assert erase.returncode == 0, erase.stderr
    assert "1 rows of the session erased" in erase.stdout and "1 events deleted" in erase.stdout
    assert "1 files removed" in erase.stdout
    rows = _rows(db)
    assert rows[kept].question_text == "" and len(rows) == 2
    with db.session() as s:
        assert s.scalar(select(func.count()).select_from(QuestionLog).where(QuestionLog.question_text != "")) == 0
    db.engine.dispose()
