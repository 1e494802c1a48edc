"""A document's passages are stored all or none: a failure while writing them (here a passage the
database refuses, as the last one) leaves no document, no passage and no change of the counter, on
SQLite and PostgreSQL; a failed replacement leaves the stored passages as they were."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from faq_service.core.migrations import open_database
from faq_service.documents import service
from faq_service.documents.models import Passage
from faq_service.documents.passages import PassageDraft
from faq_service.documents.worker import Reading
from tests.conftest import new_database_url


def reading(words: str, broken: bool = False) -> Reading:
    drafts = [PassageDraft("paragraph", f"{words} {i}", "Section", None, "en") for i in range(50)]
    if broken:
        drafts.append(PassageDraft("paragraph", "the last passage", "Section", None, None))  # lang is required
    return Reading("Title", None, False, None, "en", drafts)


def state(db) -> tuple[int, int, int]:
    with db.session() as s:
        return (service.count_documents(s), s.scalar(select(func.count()).select_from(Passage)),
                service.documents_version(s))


@pytest.mark.parametrize("kind", ["sqlite", "postgres"])
def test_a_failed_write_stores_nothing_and_a_failed_replacement_keeps_the_old_passages(kind, tmp_path, postgres_dbs):
    db = open_database(new_database_url(kind, tmp_path, postgres_dbs))
    options = service.ImportOptions()
    before = state(db)
    with pytest.raises(IntegrityError):
        with db.session() as s:
            service.store(s, "new.md", b"first bytes", "text/markdown", reading("new", broken=True), options, "test")
    assert state(db) == before

    with db.session() as s:
        created = service.store(s, "kept.md", b"kept bytes", "text/markdown", reading("kept"), options, "test")
    stored = state(db)
    assert created.action == "created" and stored[:2] == (before[0] + 1, before[1] + 50)
    with pytest.raises(IntegrityError):
        with db.session() as s:
            service.store(s, "kept.md", b"changed bytes", "text/markdown", reading("changed", broken=True),
                          options, "test")
    assert state(db) == stored
    with db.session() as s:
        texts = [p.text for p in service.passages_of(s, created.document_id)]
        assert texts[0] == "kept 0" and len(texts) == 50
        assert service.get(s, created.document_id).content_hash == service.content_hash(b"kept bytes")

    with db.session() as s:  # a replacement touches that document's passages only
        other = service.store(s, "other.md", b"other bytes", "text/markdown", reading("other"), options, "test")
    with db.session() as s:
        others = [(p.id, p.text) for p in service.passages_of(s, other.document_id)]
        replaced = service.store(s, "kept.md", b"changed bytes", "text/markdown", reading("changed"), options, "test")
    assert (replaced.action, replaced.document_id) == ("replaced", created.document_id)
    with db.session() as s:
        assert [(p.id, p.text) for p in service.passages_of(s, other.document_id)] == others
        assert service.passages_of(s, created.document_id)[0].text == "changed 0"
    db.engine.dispose()
