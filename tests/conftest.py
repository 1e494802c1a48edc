"""Shared fixtures: databases (SQLite files and fresh PostgreSQL databases) and the real faq_service."""
from __future__ import annotations

import os
import uuid
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from tests.support.browser import chromium
from tests.support.procs import BOT_BIN, REPO, start_faq_service
from tests.support.stack import MODEL, BotStack

DEFAULT_POSTGRES = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
ARTIFACTS = REPO / "test-artifacts"


def postgres_admin_url() -> str:
    return os.environ.get("TEST_POSTGRES_URL", DEFAULT_POSTGRES)


class PostgresDatabases:
    """Creates uniquely named databases on the test server and drops them at the end."""

    def __init__(self, admin_url: str):
        self.admin_url = admin_url
        self.engine = create_engine(admin_url, isolation_level="AUTOCOMMIT")
        try:
            with self.engine.connect() as conn:
                conn.execute(text("SELECT 1"))
        except Exception as exc:  # a missing database is a failure, never a skip
            pytest.fail(f"PostgreSQL at {admin_url} does not answer: {exc}")
        self.created: list[str] = []

    def create(self) -> str:
        name = f"thamtob_test_{uuid.uuid4().hex[:10]}"
        with self.engine.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        self.created.append(name)
        return make_url(self.admin_url).set(database=name).render_as_string(hide_password=False)

    def drop_all(self) -> None:
        with self.engine.connect() as conn:
            for name in self.created:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        self.engine.dispose()


@pytest.fixture(scope="session")
def postgres_dbs():
    dbs = PostgresDatabases(postgres_admin_url())
    yield dbs
    dbs.drop_all()


@pytest.fixture(scope="session")
def artifacts_dir() -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS


def new_database_url(kind: str, tmp_dir: Path, postgres_dbs: PostgresDatabases | None) -> str:
    if kind == "sqlite":
        return f"sqlite:///{tmp_dir / f'thamtob-{uuid.uuid4().hex[:8]}.db'}"
    return postgres_dbs.create()


@pytest.fixture(scope="session", params=["sqlite", "postgres"])
def faq_service(request, tmp_path_factory, postgres_dbs, artifacts_dir):
    """A real faq_service process on a fresh database, one per backend, shared by the API tests."""
    tmp = tmp_path_factory.mktemp(f"faq-{request.param}")
    url = new_database_url(request.param, tmp, postgres_dbs)
    proc = start_faq_service(artifacts_dir / f"logs-{request.param}", url, deadline=300)
    proc.database_url = url
    proc.backend = request.param
    yield proc
    proc.stop()


@pytest.fixture(scope="session")
def bot_stack(tmp_path_factory) -> BotStack:
    if not MODEL.exists():
        pytest.fail(f"no trained Rasa model at {MODEL}: run `make train` before the bot tests")
    if not (BOT_BIN / "rasa").exists():
        pytest.fail(f"{BOT_BIN / 'rasa'} is missing: run `make setup-bot`")
    stack = BotStack(tmp_path_factory.mktemp("bot-stack"))
    try:
        stack.start_all()
    except Exception:
        stack.stop_all()
        raise
    yield stack
    stack.stop_all()


@pytest.fixture(scope="module")
def browser():
    """Debian's Chromium through Playwright (tests/support/browser.py), one per test module."""
    with chromium() as b:
        yield b
