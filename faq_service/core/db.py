"""Engine, sessions and the declarative base shared by every domain's models."""
from __future__ import annotations

import asyncio
import threading
from contextlib import contextmanager, nullcontext
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Callable, Iterator

from sqlalchemy import create_engine, event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker


class Base(DeclarativeBase):
    pass


# INTEGER primary keys are 32-bit on PostgreSQL; an id outside 1..MAX_ROW_ID names no row (and would
# overflow the driver), so lookups answer "not found" without asking the database.
MAX_ROW_ID = 2**31 - 1


def is_row_id(value: int) -> bool:
    return 1 <= value <= MAX_ROW_ID


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


def make_engine(url: str) -> Engine:
    if url.startswith("sqlite"):
        path = url.split("///", 1)[-1]
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30})

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_conn, _record):  # WAL lets readers and one writer work together
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA foreign_keys=ON")
            cur.close()

        return engine
    return create_engine(url, pool_pre_ping=True, pool_size=10, max_overflow=10)


class Database:
    def __init__(self, url: str):
        self.url = url
        self.engine = make_engine(url)
        self.sessions = sessionmaker(self.engine, expire_on_commit=False)
        # SQLite takes one writer at a time, and a writer that finds the database locked polls with
        # sleeps (its busy handler backs off from 1 up to 100 ms), so concurrent question-log writes
        # idled for tens of milliseconds under load. Writers of this process queue on a lock instead
        # and each starts the moment the previous one commits. PostgreSQL needs no such queue.
        self._write_queue = threading.Lock() if url.startswith("sqlite") else nullcontext()

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A transaction: committed when the block ends, rolled back on any error."""
        with self.sessions() as s:
            with s.begin():
                yield s

    async def run(self, fn: Callable[..., Any], *args, **kwargs) -> Any:
        """fn(session, *args) in one transaction, on a worker thread: for async routes, whose event
        loop (answering visitors) must not wait on the database or on what fn computes, such as a
        password hash."""
        return await asyncio.to_thread(self._in_session, fn, *args, **kwargs)

    def _in_session(self, fn: Callable[..., Any], *args, **kwargs) -> Any:
        with self.session() as s:
            return fn(s, *args, **kwargs)

    @contextmanager
    def write_session(self) -> Iterator[Session]:
        """session() for a transaction that writes, on the hot paths (questions, feedback): on SQLite,
        after the writes of this process that came first."""
        with self._write_queue:
            with self.session() as s:
                yield s
