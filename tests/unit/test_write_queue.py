"""Database.write_session: on SQLite, the writers of one process take turns on a lock (rather than
SQLite's sleeping busy handler); every concurrent write still lands, and a failed one writes nothing."""
from __future__ import annotations

import threading
import time

import pytest
from sqlalchemy import func, select

from faq_service.core.db import Database
from faq_service.questions import service as questions
from faq_service.questions.models import QuestionLog
from faq_service.core.migrations import migrate


@pytest.fixture()
def db(tmp_path) -> Database:
    database = Database(f"sqlite:///{tmp_path / 'queue.db'}")
    migrate(database)
    return database


def _log(s, text: str) -> QuestionLog:
    return questions.log_question(s, question=text, lang="en", channel="test", session_hash=None,
                                  outcome="declined")


def test_a_second_writer_starts_only_after_the_first_commits(db):
    first_wrote = threading.Event()
    events: list[tuple[str, float]] = []

    def first() -> None:
        with db.write_session() as s:
            _log(s, "first")
            first_wrote.set()
            time.sleep(0.3)  # holds its transaction open
        events.append(("first committed", time.monotonic()))

    def second() -> None:
        first_wrote.wait(5)
        with db.write_session() as s:
            events.append(("second started", time.monotonic()))
            _log(s, "second")

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(10)
    order = [name for name, _ in sorted(events, key=lambda e: e[1])]
    assert order == ["first committed", "second started"], events


def test_concurrent_writers_all_land(db):
    def writer(n: int) -> None:
        for k in range(10):
            with db.write_session() as s:
                _log(s, f"writer {n} question {k}")

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(16)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    with db.session() as s:
        assert s.scalar(select(func.count()).select_from(QuestionLog)) == 160


def test_a_failed_write_leaves_nothing_and_frees_the_queue(db):
    with pytest.raises(RuntimeError):
        with db.write_session() as s:
            _log(s, "never stored")
            raise RuntimeError("fails after the insert")
    with db.write_session() as s:  # would hang if the failure had kept the lock
        _log(s, "stored")
    with db.session() as s:
        texts = list(s.scalars(select(QuestionLog.question_text)))
    assert texts == ["stored"]


def test_postgresql_writers_do_not_queue_in_process():
    database = Database("postgresql+psycopg://nobody@127.0.0.1:1/none")  # never connects
    assert not isinstance(database._write_queue, type(threading.Lock()))
