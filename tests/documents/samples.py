"""Files the document tests import, made here with the real tools: a PDF with a Thai text layer printed by
Chromium, a scanned PDF (text drawn into an image with Pillow, wrapped as a PDF with no text layer), a
Word file with a table (python-docx), HTML and Markdown, and the bad ones: encrypted, damaged, a zip
bomb, 2,000 pages."""
from __future__ import annotations

import io
import zipfile
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont
from pypdf import PdfReader, PdfWriter

from faq_service.reports.pdf import html_to_pdf

THAI_FONT = Path("/usr/share/fonts/truetype/noto/NotoSansThai-Regular.ttf")  # Thai letters only
LATIN_FONT = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")


def thai_pdf(marker: str) -> bytes:
    """Two pages, each with a heading (Chromium writes headings as the PDF's outline)."""
    html = f"""<!doctype html><html lang="th"><head><meta charset="utf-8"><title>คู่มือทดสอบ {marker}</title>
<style>body {{ font-family: "Noto Sans Thai", sans-serif }} h1 {{ break-before: page }}</style></head><body>
<h1>ช่องทางร้องเรียน {marker}</h1>
<p>ผู้ร้องเรียนสามารถแจ้งเรื่องการทุจริตได้ทั้งทางเปิดเผย และทางลับ ขั้นตอนดำเนินการ {marker}</p>
<h1>Contact {marker}</h1>
<p>Questions can be sent to info@tceb.or.th, answered within 3-5 working days ({marker}).</p>
</body></html>"""
    return html_to_pdf(html)


def _scanned_page(lines: list[str]) -> Image.Image:
    image = Image.new("L", (1700, 900 if len(lines) <= 6 else 80 + 130 * len(lines)), 255)
    draw = ImageDraw.Draw(image)
    fonts = {True: ImageFont.truetype(str(THAI_FONT), 64), False: ImageFont.truetype(str(LATIN_FONT), 56)}
    for i, line in enumerate(lines):
        thai = any("\u0e00" <= ch <= "\u0e7f" for ch in line)
        draw.text((80, 80 + i * 130), line, font=fonts[thai], fill=0)
    return image


def scanned_pdf(lines: list[str]) -> bytes:
    """A page image of `lines` (large Thai text, as a scanner would give) saved as a PDF: no text layer."""
    return scanned_pages([lines])


def scanned_pages(pages: list[list[str]]) -> bytes:
    """One page image per list of lines, saved as one PDF with no text layer: each page goes through OCR."""
    images = [_scanned_page(lines) for lines in pages]
    out = io.BytesIO()
    images[0].save(out, "PDF", resolution=200, save_all=True, append_images=images[1:])
    return out.getvalue()


def docx_with_table(marker: str) -> bytes:
    import docx

    document = docx.Document()
    document.core_properties.title = f"Support programmes {marker}"
    document.add_heading(f"Support programmes {marker}", level=1)
    document.add_paragraph(f"TCEB supports business events in Thailand; its services are free ({marker}).")
    document.add_heading("Who may apply", level=2)
    table = document.add_table(rows=3, cols=2)
    for row, cells in zip(table.rows, (("Programme", "Applicant"),
                                       ("Domestic exhibitions", f"a show organiser that is a juristic person {marker}"),
                                       ("Flagship events", "state agencies that are juristic persons"))):
        for cell, text in zip(row.cells, cells):
            cell.text = text
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def html_page(marker: str) -> bytes:
    return f"""<!DOCTYPE html><html lang="th"><head><meta charset="utf-8"><title>หน้าเว็บทดสอบ {marker}</title>
<link rel="canonical" href="https://www.businesseventsthailand.com/th/test-{marker}">
<script>document.write("not text")</script><style>p {{ color: red }}</style></head>
<body><nav><a href="/">เมนู</a></nav><h1>หน้าเว็บทดสอบ {marker}</h1>
<h2>บริการ</h2><p>บริการของ สสปน. ไม่มีค่าใช้จ่าย {marker}</p>
<ul><li>คู่มือการขอรับการสนับสนุน MEGA EVENT</li><li>คู่มือการใช้บริการ E-Library</li></ul>
<table><tr><th>ช่องทาง</th><th>รายละเอียด</th></tr><tr><td>อีเมล</td><td>info@tceb.or.th {marker}</td></tr></table>
</body></html>""".encode()


def markdown(marker: str, version: str = "one") -> bytes:
    return (f"# Markdown test {marker}\n\n## First section\n\nThe first paragraph, version {version}.\n\n"
            f"## Second section\n\n| Item | Value |\n|---|---|\n| hotline | 1105 {marker} |\n").encode()


def encrypted_pdf(marker: str, user_password: str = "secret-password") -> bytes:
    """Encrypted; with an empty user password it opens without one (only its permissions are restricted)."""
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(thai_pdf(marker))))
    writer.encrypt(user_password=user_password, owner_password="owner", algorithm="AES-128")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def damaged_pdf(marker: str) -> bytes:
    whole = thai_pdf(marker)
    return whole[:200] + b"\x00garbage" * 50


def many_pages_pdf(pages: int = 2000) -> bytes:
    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=200, height=200)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def zip_bomb_docx(unpacked_mb: int = 300) -> bytes:
    """A Word file whose parts declare more than the unpacked limit (zeros compress ~1000:1)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
        with archive.open("word/media/filler.bin", "w") as member:
            chunk = b"\0" * (1024 * 1024)
            for _ in range(unpacked_mb):
                member.write(chunk)
    return out.getvalue()


PNG_BYTES = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
