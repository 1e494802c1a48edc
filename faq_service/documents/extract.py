"""A file's structure as blocks: headings (with their level), paragraphs, list items and table rows, each
with its page where the format has pages. HTML is read with lxml, Markdown is rendered to HTML by
markdown-it-py and read the same way, Word files with python-docx, PDFs in pdf.py; plain text knows
headings by their numbering (1., 1.1, หมวด 2, เอกสารแนบ 3…) and tables by tab-separated cells."""
from __future__ import annotations

import io
import re

from faq_service.documents.blocks import HEADING, LIST, PARAGRAPH, TABLE_HEADING, TABLE_ROW, Block, Extracted, join_lines
from faq_service.documents.formats import DOCX, HTML, MARKDOWN, PDF, DocumentRefused, Limits, decode_text
from faq_service.documents.pdf import read_pdf


def table_blocks(rows: list[list[str]], page: int | None = None) -> list[Block]:
    """A table's rows as blocks: the first row is the header, each later row one block whose cells are
    named by their header ("header: value · header: value"); a row with only its first cell filled, with
    rows of its own after it, is a heading inside the table (TABLE_HEADING)."""
    rows = [[" ".join(c.split()) for c in row] for row in rows]
    rows = [row for row in rows if any(row)]
    if not rows:
        return []
    header, blocks = rows[0], []
    if len(rows) == 1:
        return [Block(TABLE_ROW, " · ".join(c for c in header if c), page=page)]
    body = [row for row in rows[1:] if row != header]  # a header repeated inside the table
    for i, row in enumerate(body):
        following = body[i + 1] if i + 1 < len(body) else None
        if row[0] and not any(row[1:]) and following is not None and any(following[1:]):
            blocks.append(Block(HEADING, row[0], level=TABLE_HEADING, page=page))
            continue
        cells = []
        for i, cell in enumerate(row):
            name = header[i] if i < len(header) else ""
            if cell:
                cells.append(f"{name}: {cell}" if name and name != cell else cell)
        blocks.append(Block(TABLE_ROW, " · ".join(cells), page=page))
    return blocks


# ------------------------------------------------------------------ HTML and Markdown
_HEADINGS = {f"h{i}": i for i in range(1, 7)}
_TEXT_BLOCKS = {"p", "li", "dt", "dd", "blockquote", "pre", "figcaption", "caption", "address"}
_DROPPED = ("script", "style", "noscript", "template", "nav", "svg", "form", "button", "iframe", "object")


def _html_text(data: bytes) -> str | None:
    """The page's text: UTF-8 or Windows-874 (decode_text), else the charset its <meta> names."""
    text = decode_text(data)
    if text is not None:
        return text
    found = re.search(rb"charset=[\"']?([A-Za-z0-9_-]+)", data[:4096])
    try:
        return data.decode(found.group(1).decode()) if found else None
    except (LookupError, UnicodeDecodeError):
        return None


def _clean(text: str) -> str:
    return " ".join(text.split())


def read_html(data: bytes | str) -> Extracted:
    import lxml.html
    from lxml import etree

    text = data if isinstance(data, str) else _html_text(data)
    if text is None:
        raise DocumentRefused(422, "err_corrupt", "the HTML file is not text in a known encoding")
    text = re.sub(r"^\s*<\?xml[^>]*>", "", text)  # lxml refuses a str that declares its encoding
    try:
        root = lxml.html.document_fromstring(text)
    except (etree.ParserError, ValueError) as exc:
        raise DocumentRefused(422, "err_corrupt", f"unreadable HTML: {exc}") from exc
    title = _clean(root.findtext(".//title") or "") or None
    canonical = root.xpath('//link[@rel="canonical"]/@href | //meta[@property="og:url"]/@content')
    source_url = next((u for u in canonical if u.startswith(("https://", "http://"))), None)
    for element in root.xpath("//head | " + " | ".join(f"//{t}" for t in _DROPPED)):
        element.drop_tree()
    blocks: list[Block] = []
    headers: dict = {}
    for element in root.iter():
        tag = element.tag if isinstance(element.tag, str) else ""
        if tag in _HEADINGS:
            if _clean(element.text_content()):
                blocks.append(Block(HEADING, _clean(element.text_content()), level=_HEADINGS[tag]))
        elif tag == "tr":
            table = next(element.iterancestors("table"), None)
            cells = [_clean(c.text_content()) for c in element if c.tag in ("td", "th")]
            is_header = all(c.tag == "th" for c in element if c.tag in ("td", "th")) or \
                any(a.tag == "thead" for a in element.iterancestors())
            if is_header and table not in headers:
                headers[table] = cells
            else:
                blocks += table_blocks([headers.get(table, []), cells])
        elif tag in _TEXT_BLOCKS or (tag == "div" and not element.xpath(
                ".//p | .//li | .//div | .//table | .//h1 | .//h2 | .//h3 | .//h4 | .//h5 | .//h6")):
            inside = any(a.tag in _TEXT_BLOCKS or a.tag in ("tr", "table") or a.tag in _HEADINGS
                         for a in element.iterancestors())
            content = _clean(element.text_content())
            if content and not inside:
                blocks.append(Block(LIST if tag == "li" else PARAGRAPH, content))
    first_heading = next((b.text for b in blocks if b.kind == HEADING), None)
    return Extracted(title or first_heading, blocks, source_url=source_url)


def read_markdown(data: bytes) -> Extracted:
    from markdown_it import MarkdownIt

    text = decode_text(data) or ""
    html = MarkdownIt("commonmark", {"html": False}).enable("table").render(text)
    extracted = read_html(f"<html><body>{html}</body></html>")
    return extracted


# ------------------------------------------------------------------ Word
def read_docx(data: bytes) -> Extracted:
    import docx
    from docx.table import Table

    try:
        document = docx.Document(io.BytesIO(data))
    except Exception as exc:  # python-docx raises KeyError, ValueError, lxml errors… on a damaged file
        raise DocumentRefused(422, "err_corrupt", f"unreadable Word file: {exc.__class__.__name__}") from exc
    blocks: list[Block] = []
    for item in document.iter_inner_content():
        if isinstance(item, Table):
            rows = []
            for row in item.rows:
                cells: list[str] = []
                for cell in row.cells:  # a merged cell is repeated once per grid column it spans
                    if not cells or cell.text.strip() != cells[-1]:
                        cells.append(cell.text.strip())
                rows.append(cells)
            blocks += table_blocks(rows)
            continue
        text = _clean(item.text)
        if not text:
            continue
        style = (item.style.name if item.style is not None else "") or ""
        level = re.match(r"Heading (\d)", style)
        if style == "Title":
            blocks.append(Block(HEADING, text, level=1))
        elif level:
            blocks.append(Block(HEADING, text, level=int(level.group(1))))
        else:
            blocks.append(Block(LIST if style.startswith("List") else PARAGRAPH, text))
    title = _clean(document.core_properties.title or "") or next((b.text for b in blocks if b.kind == HEADING), None)
    return Extracted(title, blocks)


# ------------------------------------------------------------------ plain text
_NUMBERED = re.compile(r"^(\d+(?:\.\d+)*)\.?\s+\S")
_NAMED = re.compile(r"^(หมวด(?:ที่)?|ส่วนที่|บทที่|เอกสารแนบ|ภาคผนวก|Chapter|Section|Part|Annex|Appendix|Attachment)"
                    r"\s*[\dก-ฮA-Z]", re.I)
_MARKDOWN_HEADING = re.compile(r"^(#{1,6})\s+(.*)$")


def _heading_level(line: str) -> int:
    """The level of a line standing alone that names a section, 0 for any other line."""
    if len(line) > 200 or line.endswith((":", ",")):
        return 0
    hashes = _MARKDOWN_HEADING.match(line)
    if hashes:
        return len(hashes.group(1))
    if _NAMED.match(line):
        return 1
    numbered = _NUMBERED.match(line)
    return numbered.group(1).count(".") + 1 if numbered else 0


def read_text(data: bytes) -> Extracted:
    text = decode_text(data)
    if text is None:
        raise DocumentRefused(415, "err_type", "not a text file")
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    blocks: list[Block] = []
    chunks = re.split(r"\n\s*\n", text)
    for chunk in chunks:
        lines = [line.rstrip(" ") for line in chunk.split("\n") if line.strip()]  # trailing tabs are empty cells
        table: list[list[str]] = []
        plain: list[str] = []

        def flush_table() -> None:
            if table:
                blocks.extend(table_blocks(table))
                table.clear()

        def flush_plain() -> None:
            if not plain:
                return
            if len(plain) == 1 and _heading_level(plain[0].strip()):
                line = plain[0].strip()
                level = _heading_level(line)
                hashes = _MARKDOWN_HEADING.match(line)
                blocks.append(Block(HEADING, hashes.group(2) if hashes else line, level=level))
            elif all(re.match(r"^\s*([-*•○]|\d+[.)])\s", line) for line in plain):
                blocks.extend(Block(LIST, _clean(line)) for line in plain)
            else:
                blocks.append(Block(PARAGRAPH, join_lines(plain)))
            plain.clear()

        for line in lines:
            if "\t" in line:
                flush_plain()
                table.append([_strip_markup(c) for c in line.split("\t")])
            else:
                flush_table()
                plain.append(_strip_markup(line) if "<" in line else line)
        flush_table()
        flush_plain()
    first = next((b.text for b in blocks), None)
    return Extracted(first[:300] if first else None, blocks)


def _strip_markup(cell: str) -> str:
    """HTML fragments pasted into a text table's cells become their text."""
    if "<" not in cell or ">" not in cell:
        return cell
    import lxml.html

    try:
        return _clean(lxml.html.fragment_fromstring(cell, create_parent="div").text_content())
    except Exception:  # not markup after all
        return cell


def extract(media_type: str, data: bytes, limits: Limits) -> Extracted:
    """The blocks of a file whose type sniff() found."""
    if media_type == PDF:
        return read_pdf(data, limits)
    if media_type == DOCX:
        return read_docx(data)
    if media_type == HTML:
        return read_html(data)
    if media_type == MARKDOWN:
        return read_markdown(data)
    return read_text(data)
