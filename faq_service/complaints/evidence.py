"""Evidence files: the type is read from the bytes (never from the name or the declared type), and what
a file says about its author is removed before it is stored: EXIF (with GPS) and other image metadata
by re-encoding the pixels (Pillow), the document information and XMP of a PDF (pypdf)."""
from __future__ import annotations

import io

from PIL import Image
from pypdf import PdfReader, PdfWriter

SIGNATURES = ((b"%PDF-", "application/pdf"), (b"\xff\xd8\xff", "image/jpeg"), (b"\x89PNG\r\n\x1a\n", "image/png"))


class UnsupportedEvidence(ValueError):
    """Not a PDF, JPEG or PNG (whatever its name says), or a file that does not open as one."""


def sniff(data: bytes) -> str | None:
    head = data[:1024].lstrip() if data[:1] != b"\xff" else data[:16]
    for magic, media_type in SIGNATURES:
        if head.startswith(magic):
            return media_type
    return None


def clean(data: bytes) -> tuple[str, bytes]:
    """(media type, the file without its metadata)."""
    media_type = sniff(data)
    if media_type is None:
        raise UnsupportedEvidence("not a PDF, JPEG or PNG file")
    try:
        return media_type, (_clean_pdf(data) if media_type == "application/pdf" else _clean_image(data, media_type))
    except UnsupportedEvidence:
        raise
    except Exception as exc:  # a damaged or disguised file: refused, never stored as it came
        raise UnsupportedEvidence(f"the {media_type} file cannot be read") from exc


def _clean_image(data: bytes, media_type: str) -> bytes:
    with Image.open(io.BytesIO(data)) as img:
        img.load()
        if img.mode not in ("1", "L", "RGB", "RGBA", "P"):
            img = img.convert("RGBA" if media_type == "image/png" else "RGB")
        if media_type == "image/jpeg" and img.mode not in ("L", "RGB"):
            img = img.convert("RGB")
        # Only the pixels (and a palette) go into the new image: no EXIF, GPS, XMP, text chunks or ICC.
        pixels = Image.frombytes(img.mode, img.size, img.tobytes())
        if img.mode == "P":
            pixels.putpalette(img.getpalette())
        out = io.BytesIO()
        pixels.save(out, "JPEG", quality=92) if media_type == "image/jpeg" else pixels.save(out, "PNG")
        return out.getvalue()


def _clean_pdf(data: bytes) -> bytes:
    reader = PdfReader(io.BytesIO(data))
    if reader.is_encrypted:
        raise UnsupportedEvidence("encrypted PDF files cannot be checked; send one without a password")
    writer = PdfWriter()
    for page in reader.pages:
        writer.add_page(page)
    writer._info = None  # no document information dictionary (author, creator, dates)
    root = writer._root_object
    for key in ("/Metadata", "/PieceInfo"):
        if key in root:
            del root[key]
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
