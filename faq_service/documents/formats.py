"""What a file is, read from its bytes (the name only tells Markdown from plain text), and the checks
made before anything parses it: its size, a Word file's unpacked size (a zip bomb), a name that
claims another format than the bytes. A refused file raises DocumentRefused: a status and a message
key of the console's texts (console.yml, Thai and English), so every caller can say why in its
reader's language."""
from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass
from pathlib import PurePath

PDF, DOCX, HTML, MARKDOWN, TEXT = ("application/pdf",
                                   "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                                   "text/html", "text/markdown", "text/plain")
MEDIA_TYPES = (PDF, DOCX, HTML, MARKDOWN, TEXT)
SUFFIXES = {".pdf": PDF, ".docx": DOCX, ".html": HTML, ".htm": HTML, ".md": MARKDOWN, ".markdown": MARKDOWN,
            ".txt": TEXT, ".text": TEXT}
# A Word file holds at most this many parts; more is no document anyone wrote.
MAX_ZIP_MEMBERS = 5000
_HTML_START = re.compile(rb"^\s*(<\?xml[^>]*>\s*)?(<!--.*?-->\s*)*<(!doctype\s+html|html[\s>])", re.I | re.S)


class DocumentRefused(ValueError):
    """A file that is not imported, and why: the HTTP status, the key of its message in console.yml
    and the values the message names. Nothing of it is stored."""

    def __init__(self, status: int, key: str, detail: str, **values):
        super().__init__(detail)
        self.status, self.key, self.values = status, key, values

    def __reduce__(self):  # crosses from the worker process back to the service
        return _refused, (self.status, self.key, str(self), self.values)

    def message(self, texts: dict[str, str]) -> str:
        return texts[self.key].format(**self.values)


def _refused(status: int, key: str, detail: str, values: dict) -> DocumentRefused:
    return DocumentRefused(status, key, detail, **values)


@dataclass(frozen=True)
class Limits:
    """The settings an import is checked against (passed to the worker process as they are)."""

    max_bytes: int
    max_unpacked_bytes: int
    max_pages: int
    max_ocr_pages: int

    @classmethod
    def of(cls, settings) -> "Limits":
        return cls(settings.document_max_bytes, settings.document_max_unpacked_bytes,
                   settings.document_max_pages, settings.document_max_ocr_pages)


def _mb(n: int) -> str:
    return f"{n / (1024 * 1024):g}"


def check_size(size: int, limits: Limits) -> None:
    if size > limits.max_bytes:
        raise DocumentRefused(413, "err_too_large", f"file larger than {limits.max_bytes} bytes",
                              limit_mb=_mb(limits.max_bytes))


def decode_text(data: bytes) -> str | None:
    """The text of a text file: UTF-8 (with or without a BOM), else Thai Windows-874 / TIS-620 when it
    reads as Thai; None for bytes that are no text (binary, control characters)."""
    if b"\x00" in data[:65536]:
        return None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = data.decode("cp874")
        except UnicodeDecodeError:
            return None
        if not re.search("[\u0e00-\u0e7f]", text):
            return None
    controls = sum(1 for ch in text[:65536] if ord(ch) < 32 and ch not in "\t\n\r\f")
    return None if controls > 8 else text


def _docx_parts(data: bytes, limits: Limits) -> None:
    """A Word file's parts, checked before python-docx unpacks any: what their headers declare is what
    the zip reader will give (it stops at the declared size), so their sum bounds the memory used."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
            names = {m.filename for m in members}
    except (zipfile.BadZipFile, ValueError, OSError) as exc:
        raise DocumentRefused(422, "err_corrupt", f"damaged zip: {exc}") from exc
    if "word/document.xml" not in names or "[Content_Types].xml" not in names:
        raise DocumentRefused(415, "err_type", "a zip file that is not a Word (.docx) document")
    unpacked = sum(m.file_size for m in members)
    if len(members) > MAX_ZIP_MEMBERS or unpacked > limits.max_unpacked_bytes:
        raise DocumentRefused(413, "err_unpacked", f"unpacks to {unpacked} bytes in {len(members)} parts",
                              limit_mb=_mb(limits.max_unpacked_bytes))


def sniff(name: str, data: bytes, limits: Limits) -> str:
    """The media type of an upload, from its bytes; refuses what cannot or should not be read."""
    check_size(len(data), limits)
    claimed = SUFFIXES.get(PurePath(name).suffix.lower())
    head = data[:1024]
    if head.lstrip().startswith(b"%PDF-"):
        found = PDF
    elif head.startswith(b"PK\x03\x04"):
        _docx_parts(data, limits)
        found = DOCX
    elif not data.strip():
        raise DocumentRefused(422, "err_no_text", "the file is empty")
    else:
        text = decode_text(data)
        if text is None:
            raise DocumentRefused(415, "err_type", "neither PDF, Word, HTML, Markdown nor text")
        found = HTML if _HTML_START.match(data[:4096]) or claimed == HTML else (
            MARKDOWN if claimed == MARKDOWN else TEXT)
    if claimed in (PDF, DOCX) and claimed != found:
        raise DocumentRefused(415, "err_name_mismatch", f"named {name!r} but the content is {found}",
                              name=PurePath(name).name)
    return found
