"""`thamtob complaints rotate-key` and `purge` on a real SQLite database, through the real command."""
from __future__ import annotations

import base64
import os
import secrets
import subprocess
from datetime import timedelta

from sqlalchemy import select

from faq_service.complaints import service
from faq_service.complaints.crypto import ContentCipher
from faq_service.complaints.models import Complaint, ComplaintEvidence
from faq_service.core.db import Database, utcnow
from faq_service.core.migrations import migrate
from tests.complaints.test_complaints_api import pdf_with_author
from tests.support.procs import VENV_BIN


def _thamtob(db_url: str, *args: str, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run([str(VENV_BIN / "thamtob"), "complaints", *args], capture_output=True, text=True,
                          env={**os.environ, "DATABASE_URL": db_url, **env}, timeout=120)


def _key() -> str:
    return base64.b64encode(secrets.token_bytes(32)).decode()


def test_rotate_key_seals_everything_again_and_purge_removes_old_closed_cases(tmp_path):
    url = f"sqlite:///{tmp_path / 'complaints.db'}"
    db = Database(url)
    migrate(db)
    old_key, new_key = _key(), _key()
    old = ContentCipher(base64.b64decode(old_key))
    files = service.clean_files([service.Upload("a.pdf", pdf_with_author("x"))], 5, 10 * 1024 * 1024)
    with db.session() as s:
        code, _ = service.submit(s, old, service.check(service.Submission(
            "procurement", "named", "the tender was rigged", name="A", contact="a@example.org")), files)
        kept, _ = service.submit(s, old, service.check(service.Submission("service", "confidential", "slow reply")), [])
        complaint = s.scalar(select(Complaint).where(Complaint.tracking_code == code))
        service.change_status(s, old, complaint, "officer1", "closed", note="checked", outcome="not_substantiated")
        complaint.closed_at = utcnow() - timedelta(days=400)

    bad = _thamtob(url, "rotate-key", THAMTOB_COMPLAINTS_KEY=old_key, THAMTOB_COMPLAINTS_NEW_KEY="short")
    assert bad.returncode == 2 and "THAMTOB_COMPLAINTS_NEW_KEY" in bad.stdout
    wrong_old = _thamtob(url, "rotate-key", THAMTOB_COMPLAINTS_KEY=_key(), THAMTOB_COMPLAINTS_NEW_KEY=new_key)
    assert wrong_old.returncode == 1 and "nothing was changed" in wrong_old.stdout

    done = _thamtob(url, "rotate-key", THAMTOB_COMPLAINTS_KEY=old_key, THAMTOB_COMPLAINTS_NEW_KEY=new_key)
    assert done.returncode == 0, done.stdout + done.stderr
    new = ContentCipher(base64.b64decode(new_key))
    with db.session() as s:
        complaint = s.scalar(select(Complaint).where(Complaint.tracking_code == code))
        assert new.open(complaint.description_enc, "description") == "the tender was rigged"
        assert new.open(complaint.contact_enc, "contact") == "a@example.org"
        evidence = s.scalar(select(ComplaintEvidence).where(ComplaintEvidence.complaint_id == complaint.id))
        assert new.open_bytes(evidence.data_enc, "evidence").startswith(b"%PDF")

    purged = _thamtob(url, "purge", "--days", "365", THAMTOB_COMPLAINTS_KEY=new_key)
    assert purged.returncode == 0 and "1 closed" in purged.stdout
    with db.session() as s:
        assert [c.tracking_code for c in s.scalars(select(Complaint))] == [kept]
        assert s.scalar(select(ComplaintEvidence)) is None
    db.engine.dispose()
