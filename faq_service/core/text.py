"""Text as the service reads it: one normal form (NFC, one spelling of sara am, no zero-width or
control characters), refusal of text nobody typed, and the one rule telling Thai from English
(the bot side carries the same rule: bot/language.py, tested against tests/cases/detect_lang.yml)."""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from pythainlp.util import normalize as thai_normalize

_ZERO_WIDTH = re.compile("[\u200b\u200c\u200d\u2060\ufeff\u00ad]")
THAI_LETTER = re.compile("[\u0e00-\u0e7f]")
_LATIN = re.compile("[A-Za-z]")
_FORBIDDEN = re.compile("[\x00\ud800-\udfff]")
# Thai digits as ASCII digits (str.translate), for reading numbers, years and phone numbers.
THAI_DIGITS = str.maketrans("๐๑๒๓๔๕๖๗๘๙", "0123456789")


def reject_nul_and_surrogates(value):
    """Refuse (ValueError) a NUL or a lone surrogate in a string, or in a list of strings: they are not
    text anyone typed, and normalize() would otherwise turn a NUL silently into a space."""
    for item in value if isinstance(value, list) else (value,):
        if isinstance(item, str) and _FORBIDDEN.search(item):
            raise ValueError("text contains a NUL character or an invalid (surrogate) code point")
    return value


@lru_cache(maxsize=4096)  # the same question is normalised by validation, encoding and tokenising
def normalize(text: str) -> str:
    """NFC, one spelling of sara am, no zero-width or control characters, collapsed whitespace."""
    text = unicodedata.normalize("NFC", text)
    text = _ZERO_WIDTH.sub("", text)
    text = "".join(ch if unicodedata.category(ch)[0] != "C" else " " for ch in text)
    text = thai_normalize(text) if THAI_LETTER.search(text) else text
    return " ".join(text.split())


def detect_lang(text: str) -> str:
    """'th' when Thai letters make up at least a fifth of the letters, else 'en'."""
    thai = len(THAI_LETTER.findall(text))
    latin = len(_LATIN.findall(text))
    if thai and thai >= 0.2 * (thai + latin):
        return "th"
    return "en"
