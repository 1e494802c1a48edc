"""What the service does before serving: migrate to head and, on an empty knowledge base, import the
sample data, and on an empty documents table the sample documents, under the start-up lock so that
replicas starting together do it once."""
from __future__ import annotations

import logging
from pathlib import Path

from faq_service.core.db import Database
from faq_service.core.migrations import migrate, startup_lock
from faq_service.core.settings import Settings, get_settings
from faq_service.documents import imports as document_imports
from faq_service.documents import service as documents
from faq_service.documents.formats import Limits
from faq_service.faqs import service as faqs

log = logging.getLogger(__name__)


def prepare(db: Database, kb_path: Path, settings: Settings | None = None) -> None:
    settings = settings or get_settings()
    with startup_lock(db):
        migrate(db)
        with db.session() as s:
            empty = faqs.count_entries(s) == 0
            no_documents = documents.count_documents(s) == 0
        if empty and kb_path.exists():
            counts = faqs.import_path(db, kb_path, author="initial-import")
            log.info("imported the sample knowledge base: %s", counts)
        if no_documents and settings.documents_path.is_dir():
            outcomes = document_imports.import_path(db, settings.documents_path, "initial-import",
                                                    Limits.of(settings))
            for outcome in outcomes:
                if outcome.refused is not None:
                    log.warning("sample document %s refused: %s", outcome.path.name, outcome.refused)
            log.info("imported the sample documents: %d files", sum(1 for o in outcomes if o.result))
