"""What the service does before serving: migrate to head and, on an empty knowledge base, import the
sample data, under the start-up lock so that replicas starting together do it once."""
from __future__ import annotations

import logging
from pathlib import Path

from faq_service.core.db import Database
from faq_service.core.migrations import migrate, startup_lock
from faq_service.faqs import service as faqs

log = logging.getLogger(__name__)


def prepare(db: Database, kb_path: Path) -> None:
    with startup_lock(db):
        migrate(db)
        with db.session() as s:
            empty = faqs.count_entries(s) == 0
        if empty and kb_path.exists():
            counts = faqs.import_path(db, kb_path, author="initial-import")
            log.info("imported the sample knowledge base: %s", counts)
