"""Migration 0008 on SQLite and PostgreSQL: question-log rows logged under Rasa's input channel name
("rest") or any other legacy value become "web"; web, widget, line and api stay as they are."""
from __future__ import annotations

import pytest
from sqlalchemy import text

from faq_service.core.db import Database
from faq_service.core.migrations import migrate
from tests.conftest import new_database_url

BEFORE = {"rest": "web", "rasa": "web", "website": "web", "cmdline": "web",
          "web": "web", "widget": "widget", "line": "line", "api": "api"}


@pytest.mark.parametrize("kind", ["sqlite", "postgres"])
def test_legacy_channels_become_web(kind, tmp_path, postgres_dbs):
    db = Database(new_database_url(kind, tmp_path, postgres_dbs))
    try:
        migrate(db, "0006")
        with db.engine.begin() as conn:
            for old in BEFORE:
                conn.execute(text("INSERT INTO question_log (asked_at, question_text, lang, channel, outcome, "
                                  "suggestions) VALUES (CURRENT_TIMESTAMP, :q, 'th', :c, 'answered', '[]')"),
                             {"q": f"question via {old}", "c": old})
        migrate(db)
        with db.engine.connect() as conn:
            after = dict(conn.execute(text("SELECT question_text, channel FROM question_log")).all())
        assert after == {f"question via {old}": new for old, new in BEFORE.items()}
    finally:
        db.engine.dispose()
