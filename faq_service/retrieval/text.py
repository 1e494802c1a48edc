"""Thai-aware tokenisation for the lexical index (PyThaiNLP newmm), on text normalised by core/text.py."""
from __future__ import annotations

import re
import threading
from functools import lru_cache
from pathlib import Path

import yaml
from pythainlp.corpus.common import thai_words
from pythainlp.tokenize import Trie, word_tokenize

from faq_service.core.text import THAI_LETTER, normalize

# The agency's names and other terms newmm would otherwise split ("สสปน." → "สส", "ปน", ".").
AGENCY_TERMS = ("สสปน.", "สสปน", "สสพ.", "สสพ", "สสพน.", "สสพน", "ทีเส็บ", "ไมซ์", "เมกะอีเวนต์",
                "อีไลบรารี", "ภ.พ.36", "ภ.ง.ด.90", "ภ.ง.ด.50", "ภ.ง.ด.51", "ภ.พ.", "ภ.ง.ด.")
# Every way the agency's name is written is one lexical token, so "ทีเส็บ" matches an entry saying "สสปน.".
AGENCY_ALIASES = {"สสปน.": "tceb", "สสปน": "tceb", "สสพ.": "tceb", "สสพ": "tceb", "สสพน.": "tceb",
                  "สสพน": "tceb", "ทีเส็บ": "tceb"}
# The agency's full names, in either language, count as its short name for word matching: nearly every
# entry is about the agency, so its name should not pull a question towards the entries that spell it out.
FULL_NAMES = re.compile(
    r"thailand\s+convention\s+(?:and|&)\s+exhibition\s+bureau(?:\s*\(public\s+organi[sz]ation\))?"
    r"|สำนักงานส่งเสริมการจัดประชุมและนิทรรศการ(?:\s*\(องค์การมหาชน\))?", re.IGNORECASE)
_WORD = re.compile(r"[\w\u0e00-\u0e7f.]+", re.UNICODE)
_THAI_DIGITS = str.maketrans("๐๑๒๓๔๕๖๗๘๙", "0123456789")


@lru_cache(maxsize=1)
def _dictionary() -> Trie:
    return Trie(set(thai_words()) | set(AGENCY_TERMS))


_TRIE_LOCK = threading.Lock()


@lru_cache(maxsize=50_000)
def _compound_parts(word: str) -> tuple[str, ...]:
    """A Thai dictionary compound's own words ("เสียค่าธรรมเนียม" → เสีย, ค่า, ธรรมเนียม), so that a
    question using only a part of the compound still matches it."""
    trie = _dictionary()
    with _TRIE_LOCK:  # the word is taken out of the shared dictionary for a moment
        trie.remove(word)
        try:
            parts = word_tokenize(word, engine="newmm", custom_dict=trie, keep_whitespace=False)
        finally:
            trie.add(word)
    if len(parts) > 1 and all(p in trie for p in parts):
        return tuple(parts)
    return ()


@lru_cache(maxsize=1)
def _stopwords() -> frozenset[str]:
    data = yaml.safe_load((Path(__file__).parent / "stopwords.yml").read_text(encoding="utf-8"))
    return frozenset(w.lower() for words in data.values() for w in words)


def tokenize(text: str) -> list[str]:
    """Lexical tokens: newmm words for Thai (agency names kept whole), lower-cased English words."""
    return list(_tokens(text))


@lru_cache(maxsize=4096)  # a question is tokenised for the entries and again for the decline examples
def _tokens(text: str) -> tuple[str, ...]:
    text = FULL_NAMES.sub(" tceb ", normalize(text)).lower().translate(_THAI_DIGITS)
    tokens = []
    for chunk in word_tokenize(text, engine="newmm", custom_dict=_dictionary(), keep_whitespace=False):
        for tok in _WORD.findall(chunk):
            tok = AGENCY_ALIASES.get(tok) or (tok if tok in AGENCY_TERMS else tok.strip("."))
            if tok and tok not in _stopwords() and not (len(tok) == 1 and not tok.isdigit()):
                tokens.append(tok)
                if len(tok) > 4 and THAI_LETTER.match(tok) and tok not in AGENCY_TERMS:
                    tokens.extend(p for p in _compound_parts(tok) if p not in _stopwords())
    return tuple(tokens)
