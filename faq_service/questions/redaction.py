"""Personal data is replaced by placeholders before a question is stored (PDPA)."""
from __future__ import annotations

import re

from faq_service.core.text import THAI_DIGITS

# Between digit groups: nothing, one dot or dash (also Unicode dashes), or short runs of spaces around it.
_SEP = r"(?:[ \t\u00a0]{0,2}[\-\u2010-\u2015.][ \t\u00a0]{0,2}|[ \t\u00a0]{1,2}|\n)?"
EMAIL = re.compile(r"[\w.+\-]+@[\w\-]+(?:\.[\w\-]+)+", re.UNICODE)
# 13-digit Thai ID numbers, however grouped (1-2345-67890-12-3, spaces, none).
THAI_ID = re.compile(rf"(?<!\d)\d(?:{_SEP}\d){{12}}(?!\d)")
# Phone numbers: Thai (0 + 8–9 digits), +66 / 66 prefixed, and other international numbers.
PHONE = re.compile(
    rf"(?<![\d+])(?:\+?66{_SEP}?\d(?:{_SEP}\d){{7,8}}|0\d(?:{_SEP}\d){{7,8}}|\+\d(?:{_SEP}\d){{7,13}})(?!\d)"
)

PLACEHOLDERS = {"email": "[EMAIL]", "id": "[ID_NUMBER]", "phone": "[PHONE]"}


def redact(text: str) -> str:
    """E-mails, 13-digit ID numbers, then phone numbers (Thai digits read as digits)."""
    text = text.translate(THAI_DIGITS)
    text = EMAIL.sub(PLACEHOLDERS["email"], text)
    text = THAI_ID.sub(PLACEHOLDERS["id"], text)
    return PHONE.sub(PLACEHOLDERS["phone"], text)
