"""The six-month report: seed measures + figures → HTML, PDF (text extracted with pdftotext) and XLSX;
the Q&A guide; the CLI commands as real processes. SQLite and PostgreSQL."""
from __future__ import annotations

import io
import os
import re
import shutil
import subprocess
import unicodedata
from pathlib import Path

import pytest
import yaml
from sqlalchemy import func, select

from faq_service.faqs.models import FaqEntry
from faq_service.measures import service as measures
from faq_service.measures.models import Measure, MeasureHistory
from faq_service.measures.periods import Period
from faq_service.reports.guide import build_guide, render_guide
from faq_service.reports.render import render_report
from faq_service.reports.report import build
from faq_service.core.settings import REPO_ROOT
from tests.reports import synthetic

SEED = REPO_ROOT / "data" / "measures"
SEED_DOC = yaml.safe_load((SEED / "fy2563.yml").read_text(encoding="utf-8"))
COLUMNS = ["ประเด็น", "มาตรการ", "ขั้นตอนดำเนินการ", "การติดตามผล", "ผลการดำเนินการ", "ปัญหา/อุปสรรค"]
THAMTOB = REPO_ROOT / ".venv" / "bin" / "thamtob"


# Phrases a Thai reader searches the report for; both are column headings of every table.
SEARCHED = ("ขั้นตอนดำเนินการ", "ผลการดำเนินการ")


def nfkc(text: str) -> str:
    return unicodedata.normalize("NFKC", text)


def squash(text: str) -> str:
    """Compare text as pdftotext gives it: ำ as ํ + า (NFKC) and no spaces or line breaks (a table cell
    wraps its lines where the browser broke them). Every letter, vowel and tone mark must be there."""
    return re.sub(r"\s+", "", nfkc(text))


def pdf_text(pdf: bytes, tmp_path: Path, raw: bool = False) -> str:
    """pdftotext's text: by default in reading order as it guesses it from the layout; with raw, in the
    order the page draws it (cell by cell), which keeps each table cell's lines together."""
    if not shutil.which("pdftotext"):
        pytest.fail("pdftotext is missing: run `make setup-report` (poppler-utils)")
    path = tmp_path / "out.pdf"
    path.write_bytes(pdf)
    return subprocess.run(["pdftotext", *(["-raw"] if raw else []), "-enc", "UTF-8", str(path), "-"], check=True,
                          capture_output=True, text=True).stdout


@pytest.fixture(scope="module")
def seeded(db):
    ids = synthetic.load(db)
    with db.session() as s:
        counts = measures.import_path(s, SEED, author="test")
    assert counts.created + counts.updated + counts.unchanged == len(SEED_DOC["measures"])
    db.ids = ids
    return db


def test_seed_has_every_row_of_groups_1_1_1_2_2_1(seeded):
    groups = {m["group"] for m in SEED_DOC["measures"]}
    assert groups == {"1.1", "1.2", "2.1"}
    items = [code for m in SEED_DOC["measures"] for code in m["items"]]
    assert items == ["I3", "I11", "I2", "I7", "I8", "I9", "I10", "I13", "I14", "I15", "I20",
                     "E1", "E2", "E3", "E5", "E6", "E7", "E9", "E8", "E10", "E11", "E12", "E14", "E15"]
    for m in SEED_DOC["measures"]:
        assert m["measure"]["th"] and m["measure"]["en"], m["key"]
        assert all(s["th"] and s["en"] for s in m["steps"]), m["key"]
        assert m["results"][0]["result"]["th"] and m["results"][0]["result"]["en"], m["key"]
    with seeded.session() as s:
        assert s.scalar(select(func.count()).select_from(Measure)) == len(SEED_DOC["measures"])


def test_import_is_idempotent_and_edits_keep_history(seeded):
    with seeded.session() as s:
        again = measures.import_path(s, SEED, author="test")
    assert (again.created, again.updated) == (0, 0)
    with seeded.session() as s:
        m = s.scalar(select(Measure).where(Measure.key == "fy2563-2.1-e8-e9"))
        step = m.steps[1]
        before = (step.status, step.version)
        measures.update_step(s, step.id, {"status": "done", "evidence": "คู่มือ v1"}, "editor1",
                             expected_version=step.version)
        res = measures.save_result(s, m.id, Period(2563, 2), {"result_th": "เผยแพร่คู่มือแล้ว",
                                                              "obstacles_th": "ไม่มี"}, "editor1")
        assert res.version == 1
        with pytest.raises(measures.MeasureError):
            measures.update_step(s, step.id, {"status": "planned"}, "editor2", expected_version=before[1])
        with pytest.raises(measures.MeasureError):
            measures.update_step(s, step.id, {"status": "finished"}, "editor2")
        hist = measures.history(s, m.id)
        step_change = next(h for h in hist if h.entity == "step" and h.author == "editor1")
        assert step_change.changes["status"] == [before[0], "done"]
        assert step_change.changes["evidence"][1] == "คู่มือ v1"
        assert any(h.entity == "result" and h.action == "create" and h.author == "editor1" for h in hist)
        # restore the seed's text for the other tests: a re-import is an update with history
        measures.import_path(s, SEED, author="test")
        assert s.scalar(select(func.count()).select_from(MeasureHistory)
                        .where(MeasureHistory.measure_id == m.id, MeasureHistory.author == "test",
                               MeasureHistory.action == "update")) >= 1


def test_report_model_combines_staff_text_and_figures(seeded):
    with seeded.session() as s:
        rep = build(s, Period(2563, 1), "th")
    assert len(rep.rows) == len(SEED_DOC["measures"])
    assert [g.code for sec in rep.sections for g in sec.groups] == ["1.1", "1.2", "2.1"]
    row = next(r for r in rep.rows if r.key == "fy2563-2.1-e8-e9")
    assert row.result[0].startswith("1. มีการดำเนินการแล้ว")
    assert row.auto[0] == "ข้อมูลจากระบบถาม-ตอบ (1 ต.ค. 62 – 31 มี.ค. 63):"
    assert "คำถามที่ได้รับ 6 คำถาม" in row.auto
    e10 = next(r for r in rep.rows if r.key == "fy2563-2.1-e10")
    assert e10.auto[1].startswith("คำถามเกี่ยวกับช่องทางร้องเรียน 3 คำถาม")
    i3 = next(r for r in rep.rows if r.key == "fy2563-1.1-i3")
    assert i3.auto == [] and "22 พ.ค. 63" in i3.result[0]


def test_pdf_contains_the_table_rows(seeded, tmp_path):
    with seeded.session() as s:
        rep = build(s, Period(2563, 1), "th")
    pdf = render_report(rep, "pdf")
    assert pdf[:5] == b"%PDF-"
    text = squash(pdf_text(pdf, tmp_path, raw=True))
    for col in COLUMNS:
        assert squash(col) in text, col
    for m in SEED_DOC["measures"]:
        for code in m["items"]:
            assert code in text, code
        first_line = m["measure"]["th"].splitlines()[0]
        assert squash(first_line)[:40] in text, m["key"]
        assert squash(m["steps"][0]["th"])[:30] in text, m["key"]
        assert squash(m["results"][0]["result"]["th"].splitlines()[0])[:30] in text, m["key"]
    assert squash("คำถามเกี่ยวกับช่องทางร้องเรียน 3 คำถาม") in text
    assert squash("1 ตุลาคม 2562 – 31 มีนาคม 2563") in text


def test_pdf_thai_text_is_searchable_and_complete(seeded, tmp_path):
    """What a Thai reader's search and copy get from the PDF: pdftotext's text, after NFKC, holds each
    phrase exactly — every consonant, vowel and tone mark, in order, no space or break inside (WeasyPrint
    gave "ขัน\\n้ ตอนดําเนิ นการ" for ขั้นตอนดำเนินการ: reports/pdf.py)."""
    with seeded.session() as s:
        rep = build(s, Period(2563, 1), "th")
    pdf = render_report(rep, "pdf")
    text = nfkc(pdf_text(pdf, tmp_path))
    for phrase in SEARCHED:
        assert nfkc(phrase) in text, phrase
    # stacked marks (ผู้, ำ) and marks over the tall ป and ฝ, where a shifted glyph used to split the word
    for phrase in ("ผู้อำนวยการ", "ปัญหา/อุปสรรค", "ประจำปีงบประมาณ 2563", "ฝ่ายตรวจสอบภายใน"):
        assert nfkc(phrase) in text, phrase
    raw = squash(pdf_text(pdf, tmp_path, raw=True))
    assert squash("เรื่องร้องเรียนในรอบรายงาน") in raw
    assert squash("ในรอบรายงานนี้ได้รับเรื่องร้องเรียนการทุจริต 2 เรื่อง (เปิดเผยชื่อ 1 แจ้งแบบลับ 1)") in raw


def test_report_proposes_complaint_results(seeded):
    with seeded.session() as s:
        rep = build(s, Period(2563, 1), "th")
        en = build(s, Period(2563, 2), "en")
    rows = {r.key: r for r in rep.rows}
    e10 = rows["fy2563-2.1-e10"]
    assert e10.proposal[0].startswith("ข้อความผลการดำเนินการที่ระบบเสนอ")
    assert e10.proposal[1].startswith("ในรอบรายงานนี้ได้รับเรื่องร้องเรียนการทุจริต 2 เรื่อง")
    assert "เรื่องร้องเรียนที่ได้รับ 5 เรื่อง" in " ".join(e10.auto)
    assert rows["fy2563-1.1-i11"].proposal[1].startswith("ในรอบรายงานนี้ได้รับเรื่องร้องเรียนเรื่องการจัดซื้อจัดจ้าง 1")
    assert len(rows["fy2563-1.2-i13-i15"].proposal) == 2  # heading + personnel, once for I13–I15
    assert all(not r.proposal for k, r in rows.items() if k not in ("fy2563-2.1-e10", "fy2563-1.1-i11",
                                                                    "fy2563-1.2-i13-i15"))
    assert next(r for r in en.rows if r.key == "fy2563-2.1-e10").proposal[1] == (
        "No corruption complaint was received in the period.")
    html = render_report(en, "html").decode("utf-8")
    assert 'id="complaints"' in html and "Complaints in this period" in html
    assert "No corruption complaint was received in the period." in html


def test_html_and_xlsx(seeded):
    from openpyxl import load_workbook

    with seeded.session() as s:
        rep = build(s, Period(2563, 1), "th")
    html = render_report(rep, "html").decode("utf-8")
    assert html.count('<tr id="fy2563-') == len(SEED_DOC["measures"])
    assert html.count("data:image/png;base64,") == 4  # months, answered rate, channels, unanswered topics
    wb = load_workbook(io.BytesIO(render_report(rep, "xlsx")))
    sheet = wb["รายงาน"]
    cells = [str(c.value) for row in sheet.iter_rows() for c in row if c.value]
    assert all(col in cells for col in COLUMNS)
    assert any(c.startswith("E10 ") for c in cells)
    figures = {r[0].value: r[1].value for r in wb["ตัวเลข"].iter_rows() if r[0].value}
    assert figures["คำถามทั้งหมด"] == 6 and figures["channel:web"] == 3
    complaints = {r[0].value: r[1].value for r in wb["เรื่องร้องเรียน"].iter_rows() if r[0].value}
    assert complaints["เรื่องที่ได้รับ"] == 5 and complaints["ยุติเรื่องในรอบ"] == 3
    assert complaints["แยกตามประเภทเรื่อง: การทุจริต/ประพฤติมิชอบ"] == 2
    assert complaints["ระยะเวลาจนยุติเรื่อง (มัธยฐาน) (วัน)"] == 10.0
    assert any("ในรอบรายงานนี้ได้รับเรื่องร้องเรียนการทุจริต 2 เรื่อง" in c for c in cells)
    assert 'id="complaints"' in html
    assert [r[1].value for r in wb["รายเดือน"].iter_rows(min_row=2, max_row=7)] == [2, 0, 1, 1, 1, 1]


def test_english_report(seeded):
    with seeded.session() as s:
        rep = build(s, Period(2563, 1), "en")
    html = render_report(rep, "html").decode("utf-8")
    assert "Problems/obstacles" in html and "6 questions received" in html


def test_guide_lists_published_entries_by_category(seeded, tmp_path):
    with seeded.session() as s:
        guide = build_guide(s)
        published = s.scalar(select(func.count()).select_from(FaqEntry).where(FaqEntry.status == "published"))
    assert guide.count == published == 3  # t-a, t-b, t-d; t-c is archived
    assert [c.key for c in guide.categories] == ["about", "services"]
    html = render_guide(guide, "html").decode("utf-8")
    assert "คู่มือแนวทางการตอบคำถาม Q&amp;A" in html and "Question t-a" in html and "คำถาม t-b" in html
    assert "t-c" not in html
    text = squash(pdf_text(render_guide(guide, "pdf"), tmp_path))
    assert squash("คู่มือแนวทางการตอบคำถาม Q&A") in text and "Questiont-d" in text
    assert squash(f"ฉบับที่ {guide.version}") in text


def test_cli_import_report_and_guide(seeded, tmp_path):
    env = {**os.environ, "DATABASE_URL": seeded.url}
    run = lambda *args: subprocess.run([str(THAMTOB), *args], env=env, capture_output=True, text=True,  # noqa: E731
                                       timeout=300)
    done = run("measures", "import")
    assert done.returncode == 0, done.stderr
    assert "unchanged 13" in done.stdout
    for fmt in ("pdf", "html", "xlsx"):
        out = tmp_path / f"r.{fmt}"
        done = run("report", "--fy", "2563", "--half", "1", "--format", fmt, "--out", str(out))
        assert done.returncode == 0, done.stderr
        assert out.stat().st_size > 1000
    assert squash("ตัวชี้วัดที่ 7 ประสิทธิภาพการสื่อสาร") in squash(pdf_text((tmp_path / "r.pdf").read_bytes(), tmp_path))
    bad = run("report", "--fy", "2020", "--half", "1", "--format", "pdf", "--out", str(tmp_path / "x.pdf"))
    assert bad.returncode != 0
    out = tmp_path / "guide.html"
    done = run("guide", "--format", "html", "--out", str(out))
    assert done.returncode == 0, done.stderr
    assert "Question t-a" in out.read_text(encoding="utf-8")
