"""Report tests run on a fresh SQLite file and a fresh PostgreSQL database, migrated to heads."""
from __future__ import annotations

import pytest

from faq_service.core.db import Database
from faq_service.core.migrations import migrate
from tests.conftest import new_database_url


@pytest.fixture(scope="module", params=["sqlite", "postgres"])
def db(request, tmp_path_factory, postgres_dbs):
    url = new_database_url(request.param, tmp_path_factory.mktemp(f"reports-{request.param}"), postgres_dbs)
    database = Database(url)
    migrate(database)
    database.backend = request.param
    yield database
    database.engine.dispose()
