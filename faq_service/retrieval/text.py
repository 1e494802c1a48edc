"""Thai-aware tokenisation for the lexical index (PyThaiNLP newmm), on text normalised by core/text.py."""
from __future__ import annotations

import re
import threading
from functools import lru_cache
from pathlib import Path

import yaml
from pythainlp.corpus.common import thai_words
from pythainlp.tokenize import Trie, word_tokenize

from faq_service.core.text import THAI_DIGITS, THAI_LETTER, normalize

# The agency's names and other terms newmm would otherwise split ("สสปน." → "สส", "ปน", ".").
AGENCY_TERMS = ("สสปน.", "สสปน", "สสพ.", "สสพ", "สสพน.", "สสพน", "ทีเส็บ", "ทีเสบ", "ทีเส้บ", "ไมซ์", "เมกะอีเวนต์",
                "อีไลบรารี", "ภ.พ.36", "ภ.ง.ด.90", "ภ.ง.ด.50", "ภ.ง.ด.51", "ภ.พ.", "ภ.ง.ด.")
# Every way the agency's name is written is one lexical token, so "ทีเส็บ" matches an entry saying "สสปน.".
AGENCY_ALIASES = {"สสปน.": "tceb", "สสปน": "tceb", "สสพ.": "tceb", "สสพ": "tceb", "สสพน.": "tceb",
                  "สสพน": "tceb", "ทีเส็บ": "tceb", "ทีเสบ": "tceb", "ทีเส้บ": "tceb"}
# The agency's full names, in either language, count as its short name for word matching: nearly every
# entry is about the agency, so its name should not pull a question towards the entries that spell it out.
FULL_NAMES = re.compile(
    r"thailand\s+convention\s+(?:and|&)\s+exhibition\s+bureau(?:\s*\(public\s+organi[sz]ation\))?"
    r"|สำนักงานส่งเสริมการจัดประชุมและนิทรรศการ(?:\s*\(องค์การมหาชน\))?", re.IGNORECASE)
_WORD = re.compile(r"[\w\u0e00-\u0e7f.]+", re.UNICODE)


@lru_cache(maxsize=1)
def _informal() -> dict:
    return yaml.safe_load((Path(__file__).parent / "informal.yml").read_text(encoding="utf-8"))


@lru_cache(maxsize=1)
def _dictionary() -> Trie:
    """newmm's words, the agency's names, and the informal spellings and particles (informal.yml), so
    that "ครัช" is read as one word and not as "ค" + "รัช"."""
    informal = _informal()
    chat = {str(w) for w in [*informal["spellings"], *informal["particles"]] if THAI_LETTER.match(str(w))}
    return Trie(set(thai_words()) | set(AGENCY_TERMS) | chat)


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
    particles = _informal()["particles"]
    return frozenset(w.lower() for words in [*data.values(), particles] for w in words)


@lru_cache(maxsize=1)
def _spellings() -> dict[str, str]:
    return {str(k).lower(): str(v).lower() for k, v in _informal()["spellings"].items()}


# A letter typed three or more times in a row ("ครับบบ", "soooo") is read once.
_REPEATS = re.compile(r"(.)\1{2,}")


def tokenize(text: str) -> list[str]:
    """Lexical tokens: newmm words for Thai (agency names kept whole), lower-cased English words."""
    return list(_tokens(text))


@lru_cache(maxsize=4096)  # a question is tokenised for the entries and again for the decline examples
def _tokens(text: str) -> tuple[str, ...]:
    text = _REPEATS.sub(r"\1", FULL_NAMES.sub(" tceb ", normalize(text)).lower().translate(THAI_DIGITS))
    tokens = []
    spellings = _spellings()
    for chunk in word_tokenize(text, engine="newmm", custom_dict=_dictionary(), keep_whitespace=False):
        for tok in _WORD.findall(chunk):
            tok = spellings.get(tok, tok)
            tok = AGENCY_ALIASES.get(tok) or (tok if tok in AGENCY_TERMS else tok.strip("."))
            if tok and tok not in _stopwords() and not (len(tok) == 1 and not tok.isdigit()):
                tokens.append(tok)
                if len(tok) > 4 and THAI_LETTER.match(tok) and tok not in AGENCY_TERMS:
                    tokens.extend(p for p in _compound_parts(tok) if p not in _stopwords())
    return tuple(tokens)


# Thai signs a hurried typist drops or confuses, folded away for the character n-grams: tone marks,
# mai han-akat, mai taikhu and thanthakhat go; long and short forms of a vowel become one.
_FOLD = str.maketrans({"\u0e48": None, "\u0e49": None, "\u0e4a": None, "\u0e4b": None, "\u0e4c": None,
                       "\u0e31": None, "\u0e47": None, "\u0e35": "\u0e34", "\u0e37": "\u0e36",
                       "\u0e39": "\u0e38"})
_CHUNK = re.compile(r"[a-z0-9\u0e01-\u0e4e]+")
NGRAM = 3


def char_ngrams(text: str) -> list[str]:
    """Character trigrams of the text's words, Thai signs folded (_FOLD), each word padded with a
    space at both ends: a misspelt word still shares most of its trigrams with the right one."""
    return list(_char_ngrams(text))


@lru_cache(maxsize=4096)
def _char_ngrams(text: str) -> tuple[str, ...]:
    text = _REPEATS.sub(r"\1", FULL_NAMES.sub(" tceb ", normalize(text)).lower().translate(THAI_DIGITS))
    grams = []
    for word in _CHUNK.findall(text):
        if word in _stopwords():
            continue
        padded = f" {word.translate(_FOLD)} "
        grams.extend(padded[i:i + NGRAM] for i in range(len(padded) - NGRAM + 1))
    return tuple(grams)
