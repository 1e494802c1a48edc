"""Reading each format into passages (in this process, with the real parsers, poppler and Tesseract), and
refusing the bad files before or while reading them."""
from __future__ import annotations

import os
import subprocess
import sys
import uuid

import pytest

from faq_service.core.settings import REPO_ROOT, Settings
from faq_service.documents.formats import DOCX, HTML, MARKDOWN, PDF, TEXT, DocumentRefused, Limits, sniff
from faq_service.documents.passages import MAX_CHARS, MAX_LEAD_CHARS, MIN_CHARS
from faq_service.documents.texts import texts
from faq_service.documents.worker import NICENESS, in_worker, read_document, read_in_worker
from tests.documents import samples

LIMITS = Limits.of(Settings())


def read(name: str, data: bytes):
    return read_document(sniff(name, data, LIMITS), data, LIMITS)


def test_pdf_with_a_thai_text_layer_keeps_pages_and_headings():
    marker = uuid.uuid4().hex[:6]
    reading = read("guide.pdf", samples.thai_pdf(marker))
    assert reading.page_count == 2 and not reading.ocr and reading.lang == "th"
    first, second = reading.passages[0], reading.passages[-1]
    # the tone marks and upper vowels survive (ทั้ง, ขั้น), which pypdf's own extraction loses
    assert "ได้ทั้งทางเปิดเผย และทางลับ ขั้นตอนดำเนินการ" in first.text and first.page == 1
    assert first.section == f"ช่องทางร้องเรียน {marker}"
    assert "info@tceb.or.th" in second.text and second.page == 2 and second.section == f"Contact {marker}"
    assert reading.title == f"คู่มือทดสอบ {marker}"


def test_a_scanned_pdf_is_read_by_ocr_in_thai_and_english():
    reading = read("scan.pdf", samples.scanned_pdf(["ช่องทางร้องเรียนการทุจริต", "TCEB hotline 1105"]))
    assert reading.ocr and reading.page_count == 1
    text = " ".join(p.text for p in reading.passages)
    assert "ร้องเรียน" in text and "ทุจริต" in text, text
    assert "TCEB" in text and "1105" in text, text
    assert all(p.page == 1 for p in reading.passages)


def test_docx_headings_paragraphs_and_table_rows():
    marker = uuid.uuid4().hex[:6]
    reading = read("programmes.docx", samples.docx_with_table(marker))
    kinds = [p.kind for p in reading.passages]
    assert kinds == ["paragraph", "table_row", "table_row"], reading.passages
    row = reading.passages[1]
    assert row.text == f"Programme: Domestic exhibitions · Applicant: a show organiser that is a juristic person {marker}"
    assert row.section == f"Support programmes {marker} › Who may apply" and row.page is None
    assert reading.title == f"Support programmes {marker}"


def test_html_drops_scripts_and_navigation_and_keeps_the_canonical_url():
    marker = uuid.uuid4().hex[:6]
    reading = read("page.html", samples.html_page(marker))
    text = "\n".join(p.text for p in reading.passages)
    assert "not text" not in text and "color" not in text and "เมนู" not in text
    assert f"บริการของ สสปน. ไม่มีค่าใช้จ่าย {marker}" in text
    assert f"ช่องทาง: อีเมล · รายละเอียด: info@tceb.or.th {marker}" in text
    assert reading.source_url == f"https://www.businesseventsthailand.com/th/test-{marker}"
    assert reading.passages[0].section == f"หน้าเว็บทดสอบ {marker} › บริการ"


def test_markdown_and_the_seed_report_as_text():
    marker = uuid.uuid4().hex[:6]
    reading = read("notes.md", samples.markdown(marker))
    assert [p.section for p in reading.passages] == [f"Markdown test {marker} › First section",
                                                     f"Markdown test {marker} › Second section"]
    assert reading.passages[1].text == f"Item: hotline · Value: 1105 {marker}"
    report = read("ita-report-fy2563.txt", (REPO_ROOT / "data" / "documents" / "ita-report-fy2563.txt").read_bytes())
    assert report.lang == "th" and report.page_count is None and len(report.passages) > 40
    rows = [p for p in report.passages if p.kind == "table_row" and p.text.startswith("ประเด็น: E10")]
    assert rows and rows[0].section.endswith("ตัวชี้วัดที่ 7 ประสิทธิภาพการสื่อสาร")
    assert all(len(p.text) <= MAX_CHARS + MAX_LEAD_CHARS + 3 for p in report.passages)  # cut between sentences
    i11 = [p.text for p in report.passages if p.text.startswith("ประเด็น: I11 ")]
    assert len(i11) == 2 and " … " in i11[1]  # a long row's later piece names the row it continues


@pytest.mark.parametrize("name, data, status, key", [
    ("locked.pdf", lambda: samples.encrypted_pdf("x"), 422, "err_encrypted"),
    ("broken.pdf", lambda: samples.damaged_pdf("x"), 422, "err_corrupt"),
    ("huge.pdf", lambda: samples.many_pages_pdf(2000), 422, "err_pages"),
    ("bomb.docx", lambda: samples.zip_bomb_docx(), 413, "err_unpacked"),
    ("picture.txt", lambda: samples.PNG_BYTES, 415, "err_type"),
    ("report.pdf", lambda: "ข้อความธรรมดา".encode(), 415, "err_name_mismatch"),
    ("empty.txt", lambda: b"   \n", 422, "err_no_text"),
])
def test_bad_files_are_refused_with_a_message_in_both_languages(name, data, status, key):
    payload = data()
    with pytest.raises(DocumentRefused) as refused:
        read(name, payload)
    assert (refused.value.status, refused.value.key) == (status, key), refused.value
    th, en = refused.value.message(texts("th")), refused.value.message(texts("en"))
    assert th != en and "{" not in th + en
    if key == "err_pages":
        assert "2000" in th and "500" in en


def test_a_pdf_with_only_an_owner_password_is_read():
    marker = uuid.uuid4().hex[:6]
    reading = read("restricted.pdf", samples.encrypted_pdf(marker, user_password=""))
    assert any(marker in p.text for p in reading.passages)


def test_over_size_is_refused_before_reading():
    small = Limits(1024, LIMITS.max_unpacked_bytes, LIMITS.max_pages, LIMITS.max_ocr_pages)
    with pytest.raises(DocumentRefused) as refused:
        sniff("big.txt", b"a" * 1025, small)
    assert refused.value.status == 413 and "0.0009765625" not in refused.value.message(texts("en"))


def test_the_worker_process_reads_and_refuses_like_this_process():
    marker = uuid.uuid4().hex[:6]
    data = samples.markdown(marker)
    reading = read_in_worker(MARKDOWN, data, LIMITS, 120)
    assert reading.passages[1].text == f"Item: hotline · Value: 1105 {marker}"
    with pytest.raises(DocumentRefused) as refused:
        read_in_worker(PDF, samples.encrypted_pdf(marker), LIMITS, 120)
    assert refused.value.key == "err_encrypted"
    with pytest.raises(DocumentRefused) as refused:  # the worker is ended when its time runs out
        read_in_worker(PDF, samples.scanned_pdf(["ช่องทางร้องเรียน"]), LIMITS, 0.5)  # OCR takes seconds
    assert refused.value.key == "err_timeout" and refused.value.status == 422


def test_the_worker_is_another_process_at_low_priority():
    pid, niceness = in_worker(os.getpid, (), 60), in_worker(os.nice, (0,), 60)
    assert pid != os.getpid() and niceness == min(19, os.nice(0) + NICENESS)


def session_niceness() -> str | None:
    """This process's autogroup niceness, or None where its session has no autogroup of its own: the
    kernel shows nothing for the default one (a session begun before autogroups, as under a CI runner)."""
    fields = open("/proc/self/autogroup").read().split()
    return fields[-1] if fields else None


def child_session_niceness(code: str, own_session: bool) -> tuple[str, str]:
    run = subprocess.run([sys.executable, "-c", code + "; fields = open('/proc/self/autogroup').read().split(); "
                          "print(os.nice(0), fields[-1] if fields else 'none')"],
                         capture_output=True, text=True, timeout=120, start_new_session=own_session, cwd=REPO_ROOT)
    assert run.returncode == 0, run.stderr
    niceness, group = run.stdout.split()
    return niceness, group


@pytest.mark.parametrize("own_session", [True, False])
def test_a_worker_in_a_session_of_its_own_lowers_its_session_too(own_session):
    """Linux shares the CPU between sessions (autogroups) before nice counts: a worker started apart
    lowers its own session; one in another's session (the service's reader) leaves that session alone."""
    before = session_niceness()
    _, plain_group = child_session_niceness("import os", own_session)  # what a child gets without lowering
    niceness, group = child_session_niceness(
        "from faq_service.documents.worker import lower_priority; import os; lower_priority()", own_session)
    assert int(niceness) == 19
    if plain_group == "none":  # its session has no autogroup to lower: nice alone decides
        assert group == "none"
    else:
        assert group == ("19" if own_session else plain_group)
    assert session_niceness() == before


def test_types_come_from_the_bytes():
    assert sniff("x.bin", samples.thai_pdf("t"), LIMITS) == PDF
    assert sniff("noname", samples.docx_with_table("t"), LIMITS) == DOCX
    assert sniff("page.txt", samples.html_page("t"), LIMITS) == HTML
    assert sniff("notes.md", b"# Title\n\ntext", LIMITS) == MARKDOWN
    assert sniff("notes", b"plain words", LIMITS) == TEXT


def test_short_paragraphs_are_joined_but_never_into_text_that_must_be_cut_again():
    marker = uuid.uuid4().hex[:6]
    short = [f"Badges are printed at the front desk {marker}.", "Visitors show an identity card.",
             "Umbrellas are lent at the entrance."]
    long = " ".join(f"Sentence {i} of the long paragraph says what the hall offers on floor {i}." for i in range(16))
    assert len(" ".join(short)) < MIN_CHARS and len(long) > MAX_CHARS
    reading = read("notes.txt", "\n\n".join([*short, long]).encode())
    first, *pieces = [p.text for p in reading.passages]
    assert first.split() == " ".join(short).split()  # the short ones together, and nothing of the long one
    # the long paragraph alone, cut between its own sentences: no passage holds the end of one paragraph
    # and the start of the next
    assert len(pieces) >= 2 and all(p in long for p in pieces)
    assert "".join(pieces).replace(" ", "") == long.replace(" ", "")
