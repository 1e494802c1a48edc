"""Blocks → passages: each passage is one table row, or paragraphs of one section (and one page) up to
about MAX_CHARS; a longer paragraph is cut between sentences, found by PyThaiNLP's CRF sentence
segmenter (Thai has no full stop; it also splits English on its punctuation). Every passage keeps the
headings above it as its section."""
from __future__ import annotations

from dataclasses import dataclass

from faq_service.core.text import detect_lang, normalize
from faq_service.documents.blocks import HEADING, LIST, TABLE_HEADING, TABLE_ROW, Block

MAX_CHARS = 900     # a passage is about this long at most (a sentence longer still is cut at a space)
MIN_CHARS = 250     # short paragraphs of one section are joined until a passage is about this long
MAX_HEADING_CHARS = 200
MAX_LEAD_CHARS = 150
SECTION_SEPARATOR = " › "


@dataclass
class PassageDraft:
    kind: str
    text: str
    section: str | None
    page: int | None
    lang: str


def sentences(text: str) -> list[str]:
    from pythainlp.tokenize import sent_tokenize

    return [s.strip() for s in sent_tokenize(text, engine="crfcut") if s.strip()]


def _hard_cut(text: str) -> list[str]:
    """A sentence longer than MAX_CHARS, cut at the last space before each limit (or at the limit)."""
    pieces = []
    while len(text) > MAX_CHARS:
        cut = text.rfind(" ", MAX_CHARS // 2, MAX_CHARS)
        cut = cut if cut > 0 else MAX_CHARS
        pieces.append(text[:cut].strip())
        text = text[cut:].strip()
    return pieces + ([text] if text else [])


def split_long(text: str) -> list[str]:
    """Text of at most MAX_CHARS as it is; longer text as runs of whole sentences of at most MAX_CHARS."""
    if len(text) <= MAX_CHARS:
        return [text]
    chunks: list[str] = []
    current = ""
    for sentence in sentences(text):
        for piece in _hard_cut(sentence):
            if current and len(current) + 1 + len(piece) > MAX_CHARS:
                chunks.append(current)
                current = ""
            current = f"{current} {piece}".strip()
    return chunks + ([current] if current else [])


def build(blocks: list[Block]) -> list[PassageDraft]:
    headings: list[tuple[int, str]] = []
    drafts: list[PassageDraft] = []
    pending: list[str] = []
    pending_kind = LIST
    place: tuple[str | None, int | None] = (None, None)

    def section() -> str | None:
        joined = SECTION_SEPARATOR.join(text for _, text in headings)
        return joined[:500] or None

    def emit(kind: str, text: str, where: tuple[str | None, int | None]) -> None:
        text = normalize(text)
        # the later pieces of a long table row start with its first cell, which says what the row is about
        lead = text.split(" · ", 1)[0][:MAX_LEAD_CHARS] if kind == TABLE_ROW else ""
        for i, piece in enumerate(split_long(text)):
            piece = f"{lead} … {piece}" if i and lead else piece
            drafts.append(PassageDraft(kind, piece, where[0], where[1], detect_lang(piece)))

    def flush() -> None:
        nonlocal pending
        if pending:
            emit(pending_kind, "\n".join(pending), place)
            pending = []

    for block in blocks:
        text = normalize(block.text)
        if not text:
            continue
        if block.kind == HEADING and len(text) <= MAX_HEADING_CHARS:
            flush()
            while headings and headings[-1][0] >= block.level:
                headings.pop()
            headings.append((block.level, text))
            continue
        if block.kind != TABLE_ROW:
            while headings and headings[-1][0] >= TABLE_HEADING:  # the table it headed has ended
                headings.pop()
        where = (section(), block.page)
        if block.kind == TABLE_ROW:
            flush()
            emit(TABLE_ROW, text, where)
            continue
        joined = len(" ".join(pending))
        # Short paragraphs are joined, but never into text that would have to be cut again: the cut
        # would leave one passage holding the end of one paragraph and the start of the next.
        if where != place or (pending and (joined >= MIN_CHARS or joined + 1 + len(text) > MAX_CHARS)):
            flush()
        if not pending:
            pending_kind = LIST
        if block.kind != LIST:
            pending_kind = "paragraph"
        place = where
        pending.append(text)
    flush()
    return drafts
