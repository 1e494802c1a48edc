"""A real faq_service per backend (SQLite, PostgreSQL) with staff accounts for every role, started on
an empty database: so it has imported the sample documents (data/documents) at start-up."""
from __future__ import annotations

import pytest

from tests.staff.conftest import start_staff_service


@pytest.fixture(scope="session", params=["sqlite", "postgres"])
def docs_service(request, tmp_path_factory, postgres_dbs, artifacts_dir):
    svc = start_staff_service(request.param, tmp_path_factory.mktemp(f"docs-{request.param}"), postgres_dbs,
                              artifacts_dir)
    yield svc
    svc.proc.stop()
