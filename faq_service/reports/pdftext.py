"""Searchable Thai text in WeasyPrint PDFs.

WeasyPrint maps each glyph to the text of the first cluster it is drawn in (its ToUnicode table). Thai
shaping puts several glyphs in one cluster — sara am is drawn as nikhahit + sara aa, a tone mark sits in
its consonant's cluster — so a shared glyph such as sara aa can end up mapped to "ำ", and pdftotext or
copy-and-paste return "สำนักงำน" for "สำนักงาน". Here every Thai glyph the font's cmap (or glyph name,
e.g. "uni0E49.small") ties to a character is mapped to that character instead; what then comes out of
the PDF is the text in its Unicode-decomposed form (ำ as ํ + า), equal to the original under NFKC.
Only the mapping of glyphs that are used changes; the drawing and the font subset stay as they were.
"""
from __future__ import annotations

import io
import logging
import re
from functools import lru_cache

log = logging.getLogger(__name__)
THAI = range(0x0E00, 0x0E80)
_NAME = re.compile(r"^uni((?:[0-9A-F]{4})+)(?:\..*)?$")
_installed = False


class _SeededMap(dict):
    def __init__(self, seed: dict[int, str]):
        super().__init__()
        self.seed = seed

    def __setitem__(self, glyph_id, text):
        super().__setitem__(glyph_id, self.seed.get(glyph_id, text))


@lru_cache(maxsize=32)
def _thai_seed(content: bytes, index: int) -> dict[int, str]:
    from fontTools.ttLib import TTFont

    font = TTFont(io.BytesIO(content), fontNumber=index, lazy=True)
    order = font.getGlyphOrder()
    ids = {name: i for i, name in enumerate(order)}
    seed = {ids[name]: chr(cp) for cp, name in (font.getBestCmap() or {}).items() if cp in THAI and name in ids}
    for name, gid in ids.items():
        m = _NAME.match(name)
        if m and gid not in seed:
            cps = [int(m.group(1)[i:i + 4], 16) for i in range(0, len(m.group(1)), 4)]
            if all(cp in THAI for cp in cps):
                seed[gid] = "".join(map(chr, cps))
    return seed


def install() -> None:
    """Patch weasyprint.pdf.fonts.Font once (WeasyPrint is pinned in requirements/faq.txt)."""
    global _installed
    if _installed:
        return
    from weasyprint.pdf import fonts

    original = fonts.Font.__init__

    def __init__(self, *args, **kwargs):
        original(self, *args, **kwargs)
        try:
            seed = _thai_seed(bytes(self.file_content), int(getattr(self, "index", 0) or 0))
        except Exception:  # a font fontTools cannot read: keep WeasyPrint's own mapping
            log.debug("no Thai glyph map for %s", getattr(self, "family", "?"), exc_info=True)
            return
        if seed:
            mapping = _SeededMap(seed)
            mapping.update(self.to_unicode)
            self.to_unicode = mapping

    fonts.Font.__init__ = __init__
    _installed = True
