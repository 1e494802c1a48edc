"""PDFs: pypdf opens the file (encryption, page count, title, outline), poppler's pdftotext reads the
text layer, and pages without one are read by Tesseract (Thai and English) from pdftoppm's image of
the page.

Why pdftotext and not pypdf's own text extraction: on PDFs printed by Chromium (as ours are) pypdf,
like pdfminer.six, gives NUL characters for Thai upper vowels and tone marks stacked on one
consonant (ทั้ง → "ทั\\x00ง"), so passages would not match what a reader types. pdftotext gives the
original text. Both come from Debian's poppler-utils (`make setup-documents`)."""
from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
from pathlib import Path

from faq_service.documents.blocks import HEADING, PARAGRAPH, Block, Extracted, join_lines
from faq_service.documents.formats import DocumentRefused, Limits

# A page with fewer visible characters than this in its text layer is taken to be a scan.
MIN_TEXT_CHARS = 20
OCR_DPI = 300
OCR_LANGS = "tha+eng"
TOOL_TIMEOUT_S = 300


def _tool(name: str) -> str:
    found = shutil.which(name)
    if not found:
        raise DocumentRefused(503, "err_tools", f"{name} is not installed (make setup-documents)", tool=name)
    return found


def _open(data: bytes):
    import io

    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            try:
                opened = reader.decrypt("")  # only restrictions, no password to read: readable
            except Exception:
                opened = 0
            if not opened:
                raise DocumentRefused(422, "err_encrypted", "the PDF needs a password")
        pages = len(reader.pages)
    except DocumentRefused:
        raise
    except (PyPdfError, ValueError, KeyError, TypeError, AttributeError, OSError, RecursionError) as exc:
        raise DocumentRefused(422, "err_corrupt", f"unreadable PDF: {exc.__class__.__name__}") from exc
    return reader, pages


def _outline(reader) -> dict[int, list[tuple[int, str]]]:
    """The bookmarks, as {page index: [(level, title), …]} (a PDF's headings when it has them)."""
    found: dict[int, list[tuple[int, str]]] = {}

    def walk(items, level: int) -> None:
        for item in items:
            if isinstance(item, list):
                walk(item, level + 1)
                continue
            try:
                page = reader.get_destination_page_number(item)
            except Exception:  # a bookmark to nowhere
                continue
            title = " ".join(str(item.title or "").split())
            if title and page is not None and page >= 0:
                found.setdefault(page, []).append((level, title))
    try:
        walk(reader.outline, 1)
    except Exception:  # a damaged outline: the text is still there
        return {}
    return found


def _page_texts(path: Path, pages: int) -> list[str]:
    run = subprocess.run([_tool("pdftotext"), "-enc", "UTF-8", str(path), "-"], capture_output=True,
                         timeout=TOOL_TIMEOUT_S)
    if run.returncode != 0:
        raise DocumentRefused(422, "err_corrupt", "pdftotext could not read the PDF")
    texts = run.stdout.decode("utf-8", "replace").split("\f")
    return (texts + [""] * pages)[:pages]


def _ocr_page(path: Path, index: int, work: Path) -> str:
    import pytesseract
    from PIL import Image

    prefix = work / f"page-{index + 1}"
    run = subprocess.run([_tool("pdftoppm"), "-r", str(OCR_DPI), "-gray", "-png", "-singlefile",
                          "-f", str(index + 1), "-l", str(index + 1), str(path), str(prefix)],
                         capture_output=True, timeout=TOOL_TIMEOUT_S)
    image_path = prefix.with_suffix(".png")
    if run.returncode != 0 or not image_path.exists():
        raise DocumentRefused(422, "err_corrupt", f"page {index + 1} cannot be drawn for OCR")
    _tool("tesseract")
    with Image.open(image_path) as image:
        text = pytesseract.image_to_string(image, lang=OCR_LANGS, timeout=TOOL_TIMEOUT_S)
    image_path.unlink()
    return _rejoin_thai(text)


def _rejoin_thai(text: str) -> str:
    """Tesseract puts a space between Thai words it read apart; Thai writes none inside a phrase."""
    return re.sub(r"(?<=[\u0e00-\u0e7f]) (?=[\u0e00-\u0e7f])", "", text)


def _page_blocks(text: str, page: int, headings: list[tuple[int, str]]) -> list[Block]:
    """A page's paragraphs (separated by blank lines); a line that is one of the page's bookmarks is a
    heading, and bookmarks not found in the text open the page."""
    wanted = {" ".join(title.split()): level for level, title in headings}
    found: set[str] = set()
    blocks: list[Block] = []
    for chunk in re.split(r"\n\s*\n", text):
        lines: list[str] = []
        for line in (l.strip() for l in chunk.split("\n")):
            if not line:
                continue
            if " ".join(line.split()) in wanted:
                if lines:
                    blocks.append(Block(PARAGRAPH, join_lines(lines), page=page))
                    lines = []
                found.add(" ".join(line.split()))
                blocks.append(Block(HEADING, line, level=wanted[" ".join(line.split())], page=page))
            else:
                lines.append(line)
        if lines:
            blocks.append(Block(PARAGRAPH, join_lines(lines), page=page))
    missing = [Block(HEADING, title, level=level, page=page) for level, title in headings if title not in found]
    return missing + blocks


def read_pdf(data: bytes, limits: Limits) -> Extracted:
    reader, pages = _open(data)
    if pages > limits.max_pages:
        raise DocumentRefused(422, "err_pages", f"{pages} pages, more than {limits.max_pages}",
                              pages=pages, limit=limits.max_pages)
    try:
        title = " ".join(str((reader.metadata or {}).get("/Title") or "").split()) or None
    except Exception:  # damaged document information: no title from it
        title = None
    outline = _outline(reader)
    with tempfile.TemporaryDirectory(prefix="thamtob-doc-") as tmp:
        work = Path(tmp)
        path = work / "document.pdf"
        path.write_bytes(data)
        texts = _page_texts(path, pages)
        scanned = [i for i, t in enumerate(texts) if len(re.sub(r"\s", "", t)) < MIN_TEXT_CHARS]
        if len(scanned) > limits.max_ocr_pages:
            raise DocumentRefused(422, "err_ocr_pages", f"{len(scanned)} pages need OCR",
                                  pages=len(scanned), limit=limits.max_ocr_pages)
        for index in scanned:
            texts[index] = _ocr_page(path, index, work)
    blocks: list[Block] = []
    for index, text in enumerate(texts):
        blocks += _page_blocks(text, index + 1, outline.get(index, []))
    first_heading = next((b.text for b in blocks if b.kind == HEADING), None)
    return Extracted(title or first_heading, blocks, page_count=pages,
                     ocr=any(len(re.sub(r"\s", "", texts[i])) > 0 for i in scanned))
