"""Migration 0012 on SQLite and PostgreSQL: up from 0011 it adds the import queue as the model declares
it (Alembic's comparison finds no difference), a job row can be written, and down to 0011 it is gone
with nothing else touched; up again works."""
from __future__ import annotations

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect, text

from faq_service.core.db import Base, Database
from faq_service.core.migrations import alembic_config, migrate
from faq_service.models_registry import import_all_models
from tests.conftest import new_database_url

TABLE = "document_import_job"


def tables(db: Database) -> set[str]:
    return set(inspect(db.engine).get_table_names())


@pytest.mark.parametrize("kind", ["sqlite", "postgres"])
def test_0012_adds_the_import_queue_and_takes_it_away(kind, tmp_path, postgres_dbs):
    import_all_models()
    db = Database(new_database_url(kind, tmp_path, postgres_dbs))
    try:
        migrate(db, "0011")
        before = tables(db)
        assert TABLE not in before and "document" in before
        migrate(db, "0012")
        assert tables(db) == before | {TABLE}
        with db.engine.connect() as conn:
            differences = [d for d in compare_metadata(MigrationContext.configure(conn), Base.metadata)
                           if TABLE in repr(d)]
        assert differences == []
        with db.engine.begin() as conn:
            conn.execute(text(f"INSERT INTO {TABLE} (status, source_name, media_type, size_bytes, content_hash, "
                              "upload, requested_by, created_at, attempts) VALUES ('queued', 'a.md', "
                              "'text/markdown', 3, 'x', :data, 'editor', CURRENT_TIMESTAMP, 0)"), {"data": b"# a"})
        command.downgrade(alembic_config(db), "0011")
        assert tables(db) == before
        migrate(db)
        assert TABLE in tables(db)
    finally:
        db.engine.dispose()

