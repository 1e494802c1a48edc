"""Engine, sessions and the declarative base shared by every domain's models."""
from __future__ import annotations

import asyncio
import threading
from contextlib import contextmanager, nullcontext
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Callable, Iterator

from sqlalchemy import DateTime, create_engine, event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker
from sqlalchemy.types import TypeDecorator


class Base(DeclarativeBase):
    pass


# INTEGER primary keys are 32-bit on PostgreSQL; an id outside 1..MAX_ROW_ID names no row (and would
# overflow the driver), so lookups answer "not found" without asking the database.
MAX_ROW_ID = 2**31 - 1


def is_row_id(value: int) -> bool:
    return 1 <= value <= MAX_ROW_ID


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


def as_utc(moment: datetime) -> datetime:
    """The same instant in UTC; a naive value is taken to be UTC already (as the database stores it)."""
    if moment.tzinfo is None:
        return moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(timezone.utc)


def rfc3339(moment: datetime) -> str:
    """How the API and the exports write a time: RFC 3339 in UTC, e.g. 2026-12-04T20:03:09.662482Z (the
    form pydantic gives an aware UTC value, so models and plain replies agree)."""
    return as_utc(moment).isoformat().replace("+00:00", "Z")


class UtcDateTime(TypeDecorator):
    """The one timestamp column type: stored in UTC, read back timezone-aware in UTC on every database.

    SQLite keeps no offset: it stored the wall-clock time of whatever was written and gives back naive
    values, so an aware value written in another zone would shift and the API would emit timestamps
    without an offset. Here every value is converted to UTC before it is written, and UTC is attached to
    what is read, which also gives rows written before this type (naive UTC) their offset. PostgreSQL's
    timestamptz comes back in the session's time zone and is converted to UTC, so both databases emit
    the same RFC 3339 text."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        return None if value is None else as_utc(value)

    def process_result_value(self, value, dialect):
        return None if value is None else as_utc(value)


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
