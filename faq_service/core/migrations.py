"""The database every process and command opens: migrated to the newest revision (Alembic), with a
start-up lock so that replicas starting together migrate once."""
from __future__ import annotations

import fcntl
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from alembic import command
from alembic.config import Config
from sqlalchemy import text

from faq_service.core.db import Database
from faq_service.core.settings import REPO_ROOT, get_settings

_LOCK_ID = 0x7468616D  # "tham": the PostgreSQL advisory-lock key for start-up work


def alembic_config(db: Database) -> Config:
    cfg = Config(str(REPO_ROOT / "alembic.ini"))
    cfg.set_main_option("script_location", str(REPO_ROOT / "faq_service" / "migrations"))
    cfg.set_main_option("sqlalchemy.url", db.url.replace("%", "%%"))
    return cfg


@contextmanager
def startup_lock(db: Database) -> Iterator[None]:
    if db.engine.dialect.name == "postgresql":
        with db.engine.connect() as conn:
            conn.execute(text("SELECT pg_advisory_lock(:k)"), {"k": _LOCK_ID})
            try:
                yield
            finally:
                conn.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": _LOCK_ID})
                conn.commit()
    else:
        path = db.url.split("///", 1)[-1]
        lock_path = Path(path + ".startup-lock") if path and path != ":memory:" else None
        if lock_path is None:
            yield
            return
        with open(lock_path, "w") as fh:
            fcntl.flock(fh, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(fh, fcntl.LOCK_UN)


def migrate(db: Database, revision: str = "heads") -> None:
    command.upgrade(alembic_config(db), revision)


def open_database(url: str | None = None) -> Database:
    """The database named by DATABASE_URL (or `url`), migrated: what every command opens."""
    db = Database(url or get_settings().database_url)
    migrate(db)
    return db
