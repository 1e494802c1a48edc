"""Knowledge-base import (idempotent, by key) and export, on a real SQLite database."""
import yaml
from sqlalchemy import func, select

from faq_service.core.db import Database
from faq_service.faqs import io as faq_io
from faq_service.faqs.models import FaqEntry, FaqHistory, KbState
from faq_service.core.settings import REPO_ROOT
from faq_service.core.migrations import migrate
from faq_service.faqs.service import import_path

SAMPLE = REPO_ROOT / "data" / "faq"


def _db(tmp_path):
    db = Database(f"sqlite:///{tmp_path / 'kb.db'}")
    migrate(db)
    return db


def test_sample_knowledge_base_is_valid_and_bilingual():
    report = faq_io.parse_path(SAMPLE)
    assert report.errors == []
    assert len(report.entries) >= 40
    for entry in report.entries:
        assert entry.th and entry.en, entry.key
        assert len(entry.th.alternates) >= 3 and len(entry.en.alternates) >= 3, entry.key


def test_import_is_idempotent_and_keeps_unmentioned_keys(tmp_path):
    db = _db(tmp_path)
    first = import_path(db, SAMPLE)
    assert first["created"] >= 40 and first["updated"] == 0
    with db.session() as s:
        version = s.scalar(select(KbState.version))
        history = s.scalar(select(func.count()).select_from(FaqHistory))
    again = import_path(db, SAMPLE)
    assert again == {"created": 0, "updated": 0, "unchanged": first["created"]}
    with db.session() as s:
        assert s.scalar(select(KbState.version)) == version
        assert s.scalar(select(func.count()).select_from(FaqHistory)) == history

    one = tmp_path / "one.yml"
    one.write_text(yaml.safe_dump({"category": "test", "entries": [
        {"key": "contact-email", "en": {"question": "E-mail?", "answer": "info@tceb.or.th"}}]}))
    assert import_path(db, one) == {"created": 0, "updated": 1, "unchanged": 0}
    with db.session() as s:
        assert s.scalar(select(func.count()).select_from(FaqEntry)) == first["created"]
        entry = s.scalar(select(FaqEntry).where(FaqEntry.key == "contact-email"))
        assert entry.version == 2 and entry.question_th is None and entry.category == "test"
        actions = s.scalars(select(FaqHistory.action).where(FaqHistory.faq_id == entry.id)).all()
        assert actions == ["create", "update"]


def test_invalid_file_writes_nothing(tmp_path):
    db = _db(tmp_path)
    bad = tmp_path / "bad.yml"
    bad.write_text(yaml.safe_dump({"entries": [
        {"key": "ok-entry", "en": {"question": "Q?", "answer": "A."}},
        {"key": "Bad Key!", "en": {"question": "Q?", "answer": "A."}}]}))
    report = faq_io.parse_path(bad)
    assert len(report.errors) == 1 and "key" in report.errors[0]
    try:
        import_path(db, bad)
        raise AssertionError("an invalid file must be refused")
    except ValueError:
        pass
    with db.session() as s:
        assert s.scalar(select(func.count()).select_from(FaqEntry)) == 0


def test_export_round_trips_in_every_format(tmp_path):
    db = _db(tmp_path)
    import_path(db, SAMPLE)
    with db.session() as s:
        entries = list(s.scalars(select(FaqEntry).order_by(FaqEntry.key)))
    for fmt, suffix in (("yaml", ".yml"), ("csv", ".csv"), ("xlsx", ".xlsx")):
        data = faq_io.export_bytes(entries, fmt)
        report = faq_io.parse_bytes(f"export{suffix}", data)
        assert report.errors == [], fmt
        assert [e.key for e in report.entries] == [e.key for e in entries], fmt
        back = {e.key: e for e in report.entries}
        for entry in entries:
            assert back[entry.key].th.alternates == entry.alternates_th, (fmt, entry.key)
            assert back[entry.key].en.answer == entry.answer_en, (fmt, entry.key)


def test_exports_carry_updated_at_in_rfc3339_and_the_import_ignores_it(tmp_path):
    import csv
    import io

    import yaml
    from openpyxl import load_workbook

    db = _db(tmp_path)
    import_path(db, SAMPLE)
    with db.session() as s:
        entries = list(s.scalars(select(FaqEntry).order_by(FaqEntry.key)))
        entries[0].category = "odd\u001bcategory"  # openpyxl refuses control characters
    stamp = entries[0].updated_at.isoformat().replace("+00:00", "Z")
    assert stamp.endswith("Z")
    docs = yaml.safe_load(faq_io.export_bytes(entries, "yaml"))["entries"]
    rows = list(csv.DictReader(io.StringIO(faq_io.export_bytes(entries, "csv").decode("utf-8-sig"))))
    sheet = list(load_workbook(io.BytesIO(faq_io.export_bytes(entries, "xlsx"))).active.iter_rows(values_only=True))
    assert docs[0]["updated_at"] == rows[0]["updated_at"] == sheet[1][sheet[0].index("updated_at")] == stamp
    assert sheet[1][1] == "oddcategory"
    assert faq_io.parse_bytes("export.yml", faq_io.export_bytes(entries, "yaml")).errors == []
