"""What every format is read into: blocks (headings with their level, paragraphs, list items, table
rows), each with its page where the format has pages."""
from __future__ import annotations

import re
from dataclasses import dataclass, field

HEADING, PARAGRAPH, LIST, TABLE_ROW = "heading", "paragraph", "list", "table_row"
TABLE_HEADING = 9  # the level of a heading row inside a table: it ends with the table


@dataclass
class Block:
    kind: str
    text: str
    level: int = 0  # headings: 1 outermost
    page: int | None = None


@dataclass
class Extracted:
    """What a file says: its own title (if it has one), its blocks, page count, whether OCR read it."""

    title: str | None
    blocks: list[Block] = field(default_factory=list)
    page_count: int | None = None
    ocr: bool = False
    source_url: str | None = None


def join_lines(lines: list[str]) -> str:
    """Wrapped lines as one paragraph: Thai lines join without a space (Thai does not put spaces between
    words, and a wrap falls between two words), others with one."""
    out = lines[0].strip()
    for line in lines[1:]:
        line = line.strip()
        thai_seam = re.search("[\u0e00-\u0e7f]$", out) and re.match("[\u0e00-\u0e7f]", line)
        out += ("" if thai_seam else " ") + line
    return out
