"""What every process does before serving: migrate to head and, on an empty knowledge base, import
the sample data — under a lock, so replicas starting together do it once."""
from __future__ import annotations

import fcntl
import logging
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from alembic import command
from alembic.config import Config
from sqlalchemy import text

from faq_service.db import Database
from faq_service.faqs import io as faq_io
from faq_service.faqs import service as faqs
from faq_service.settings import REPO_ROOT

log = logging.getLogger(__name__)
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


def import_path(db: Database, path: Path, author: str = "import") -> dict[str, int]:
    report = faq_io.parse_path(path)
    if report.errors:
        raise ValueError("the knowledge base files are invalid:\n" + "\n".join(report.errors))
    with db.session() as s:
        return faqs.import_entries(s, report.entries, author)


def prepare(db: Database, kb_path: Path) -> None:
    with startup_lock(db):
        migrate(db)
        with db.session() as s:
            empty = faqs.count_entries(s) == 0
        if empty and kb_path.exists():
            counts = import_path(db, kb_path, author="initial-import")
            log.info("imported the sample knowledge base: %s", counts)
