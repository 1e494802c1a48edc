"""`thamtob docs import` (a folder, then again unchanged, then with a changed and a bad file), `list` and
`expired`, through the real command on SQLite and PostgreSQL."""
from __future__ import annotations

import shutil
import subprocess
from datetime import timedelta

import pytest

from faq_service.core.db import Database
from faq_service.documents import service
from tests.conftest import new_database_url
from tests.documents import samples
from tests.support.procs import REPO, VENV_BIN


def thamtob(database_url: str, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([str(VENV_BIN / "thamtob"), "docs", *args], capture_output=True, text=True, cwd=REPO,
                          timeout=600, env={"PATH": "/usr/bin:/bin", "DATABASE_URL": database_url,
                                            "COLUMNS": "200"})


@pytest.mark.parametrize("kind", ["sqlite", "postgres"])
def test_import_a_folder_then_again_then_changed(kind, tmp_path, postgres_dbs):
    url = new_database_url(kind, tmp_path, postgres_dbs)
    folder = tmp_path / "docs"
    folder.mkdir()
    shutil.copy(REPO / "data" / "documents" / "service-manuals.md", folder)
    (folder / "programmes.docx").write_bytes(samples.docx_with_table("cli"))
    (folder / "notes.md").write_bytes(samples.markdown("cli", "one"))
    (folder / "documents.yml").write_text("documents:\n  - file: notes.md\n    title: Notes from the manifest\n"
                                          "    valid_until: 2000-01-31\n", encoding="utf-8")
    first = thamtob(url, "import", str(folder))
    assert first.returncode == 0, first.stdout + first.stderr
    assert "created 3, replaced 0, unchanged 0, refused 0" in first.stdout and "3/3" in first.stdout

    again = thamtob(url, "import", str(folder))
    assert "created 0, replaced 0, unchanged 3, refused 0" in again.stdout, again.stdout

    (folder / "notes.md").write_bytes(samples.markdown("cli", "two"))
    (folder / "locked.pdf").write_bytes(samples.encrypted_pdf("cli"))
    changed = thamtob(url, "import", str(folder))
    assert changed.returncode == 1
    assert "created 0, replaced 1, unchanged 2, refused 1" in changed.stdout, changed.stdout
    assert "locked.pdf: This PDF is protected by a password" in changed.stdout

    db = Database(url)
    with db.session() as s:
        notes = next(d for d in service.list_documents(s) if d["source_name"] == "notes.md")
        assert notes["title"] == "Notes from the manifest" and notes["expired"]
        texts = [p.text for p in service.passages_of(s, notes["id"])]
        assert any("version two" in t for t in texts) and not any("version one" in t for t in texts)
        assert notes["id"] not in {p.document_id for p in service.published_passages(s)}
        assert notes["id"] in {p.document_id for p in service.published_passages(
            s, on=notes["valid_until"] - timedelta(days=1))}
    db.engine.dispose()
    listed = thamtob(url, "list")
    assert "Notes from the manifest" in listed.stdout and "published (expired)" in listed.stdout
    expired = thamtob(url, "expired")
    assert "notes.md" in expired.stdout and "service-manuals.md" not in expired.stdout
