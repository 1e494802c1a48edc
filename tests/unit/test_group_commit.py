"""Group commit of question-log writes (faq_service/core/group_commit.py) on a real SQLite database."""
from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import event, func, select
from sqlalchemy.exc import IntegrityError

from faq_service.core.db import Database
from faq_service.core.group_commit import GroupCommit
from faq_service.questions import service as questions
from faq_service.questions.models import QuestionLog
from faq_service.core.migrations import migrate


@pytest.fixture()
def db(tmp_path) -> Database:
    database = Database(f"sqlite:///{tmp_path / 'group.db'}")
    migrate(database)
    yield database
    database.engine.dispose()


def _commits(db: Database) -> list[int]:
    counted: list[int] = []
    event.listen(db.engine, "commit", lambda _conn: counted.append(1))
    return counted


def _job(text: str, key: str | None = None):
    def job(s):
        row = questions.question_row(question=text, lang="en", channel="test", session_hash=None,
                                     outcome="declined", idempotency_key=key)
        s.add(row)
        return lambda: (text, row.id)
    return job


def _stored(db: Database) -> dict[int, str]:
    with db.session() as s:
        return {r.id: r.question_text for r in s.scalars(select(QuestionLog))}


def test_writes_that_arrive_together_share_one_transaction(db):
    commits = _commits(db)
    group = GroupCommit(db)

    async def main():
        # The first write starts at once; the 15 that arrive while it runs form the next group.
        return await asyncio.gather(*(group.run(_job(f"question {i}")) for i in range(16)))

    results = asyncio.run(main())
    group.close()
    stored = _stored(db)
    assert sorted(stored.values()) == sorted(f"question {i}" for i in range(16))
    assert all(stored[row_id] == text for text, row_id in results)  # each caller got its own row's id
    assert 1 <= len(commits) <= 2, f"16 writes took {len(commits)} transactions"


def test_a_lone_write_is_committed_before_its_result_returns(db):
    group = GroupCommit(db)
    text, row_id = asyncio.run(group.run(_job("alone")))
    group.close()
    assert _stored(db) == {row_id: "alone"}


def test_a_failing_write_fails_alone_and_leaves_nothing(db):
    group = GroupCommit(db)

    async def main():
        first = await group.run(_job("first with the key", key="k-1"))
        later = await asyncio.gather(
            group.run(_job("before")), group.run(_job("repeat of the key", key="k-1")), group.run(_job("after")),
            return_exceptions=True)
        return first, later

    first, (before, repeat, after) = asyncio.run(main())
    group.close()
    assert isinstance(repeat, IntegrityError)
    stored = _stored(db)
    assert sorted(stored.values()) == ["after", "before", "first with the key"]
    assert stored[before[1]] == "before" and stored[after[1]] == "after"
    with db.session() as s:
        assert s.scalar(select(func.count()).select_from(QuestionLog).where(QuestionLog.idempotency_key == "k-1")) == 1


def test_prepare_runs_once_per_group_before_its_jobs(db):
    seen: list[int] = []
    order: list[str] = []

    def prepare(s, jobs):
        seen.append(len(jobs))
        order.append("prepare")

    def job(text):
        inner = _job(text)

        def run(s):
            order.append(text)
            return inner(s)
        return run

    group = GroupCommit(db, prepare=prepare)

    async def main():
        return await asyncio.gather(*(group.run(job(f"q{i}")) for i in range(5)))

    asyncio.run(main())
    group.close()
    assert sum(seen) == 5 and len(seen) <= 2  # the first job alone, then the other four together
    assert order[0] == "prepare" and order.count("prepare") == len(seen)


def test_a_failure_of_the_whole_group_is_not_retried_job_by_job(db):
    attempts: list[str] = []

    def broken(text):
        def job(s):
            attempts.append(text)
            raise OSError("database unreachable")
        return job

    group = GroupCommit(db)

    async def main():
        first = asyncio.create_task(group.run(_job("first")))  # written alone, so the rest form a group
        await asyncio.sleep(0)
        rest = await asyncio.gather(*(group.run(broken(f"q{i}")) for i in range(4)), return_exceptions=True)
        return await first, rest

    first, rest = asyncio.run(main())
    group.close()
    assert all(isinstance(r, OSError) for r in rest)
    assert len(attempts) == 1, f"the group's failure was retried: {attempts}"  # the group's first job raised
    assert list(_stored(db).values()) == ["first"]
