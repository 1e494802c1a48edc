"""Group commit: the question-log writes of requests that are answered together go into one
transaction, written by one thread.

Under load, the questions of one encoder batch are answered at the same moment, and each stored its
log row in a transaction of its own on a worker thread of its own: sixteen thread hand-offs, sixteen
commits one after another (SQLite takes one writer at a time), and sixteen threads fighting the event
loop for the GIL, all while the encoder had nothing to do. One transaction for the group keeps the
promise that every question is stored before its answer is sent, at a fraction of the cost. A lone
request is a group of one, written at once: there is no waiting for company.
"""
from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Callable, Generic, TypeVar

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from faq_service.core.db import Database

T = TypeVar("T")

# A job adds its rows to the session and returns what builds its result once they are flushed (the
# rows have their ids then). Jobs must not rely on autoflush: the group flushes once, at the end.
Job = Callable[[Session], Callable[[], T]]


class GroupCommit(Generic[T]):
    def __init__(self, db: Database, prepare: Callable[[Session, list[Job]], Any] | None = None):
        self.db = db
        # Run first in each group's transaction, e.g. to read what all its jobs need in one query;
        # what it returns is kept until the jobs have run.
        self.prepare = prepare
        self._pending: list[tuple[Job, asyncio.Future]] = []
        self._draining = False
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="group-commit")

    async def run(self, job: Job) -> T:
        """Run `job` in the next group's transaction; its result once that transaction is committed."""
        loop = asyncio.get_running_loop()
        future = loop.create_future()
        self._pending.append((job, future))
        if not self._draining:
            self._draining = True
            loop.create_task(self._drain())
        return await future

    async def _drain(self) -> None:
        loop = asyncio.get_running_loop()
        try:
            while self._pending:
                group, self._pending = self._pending, []
                outcomes = await loop.run_in_executor(self._executor, self._write, [job for job, _ in group])
                for (_, future), (ok, value) in zip(group, outcomes):
                    if future.done():
                        continue
                    if ok:
                        future.set_result(value)
                    else:
                        future.set_exception(value)
        finally:
            self._draining = False

    def _write(self, jobs: list[Job]) -> list[tuple[bool, object]]:
        """All jobs in one transaction. If a row breaks a constraint (a repeated idempotency key), each
        job again in its own transaction, so that the bad one fails alone and nothing of it is written.
        Any other failure (the database unreachable, say) is every job's: retrying them one by one
        would only make each caller wait for it again."""
        if len(jobs) > 1:
            try:
                return [(True, result) for result in self._transaction(jobs)]
            except IntegrityError:
                pass
            except Exception as exc:  # noqa: BLE001 — handed to every caller
                return [(False, exc)] * len(jobs)
        outcomes: list[tuple[bool, object]] = []
        for job in jobs:
            try:
                outcomes.append((True, self._transaction([job])[0]))
            except Exception as exc:  # noqa: BLE001 — handed to the job's caller
                outcomes.append((False, exc))
        return outcomes

    def _transaction(self, jobs: list[Job]) -> list:
        with self.db.write_session() as s:
            with s.no_autoflush:
                prepared = self.prepare(s, jobs) if self.prepare is not None else None
                finishers = [job(s) for job in jobs]
                del prepared
            s.flush()
            results = [finish() for finish in finishers]
        return results  # only now committed

    def close(self) -> None:
        self._executor.shutdown(wait=True)
