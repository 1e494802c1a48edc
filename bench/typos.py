"""A seeded typo generator for visitors' misspellings: Thai tone marks and vowel signs dropped or
swapped, English adjacent letters swapped or one dropped. Used to make a typo copy of the tuning
questions (bench/typo_eval.py), never to write knowledge-base text."""
from __future__ import annotations

import random
import re

TONE_MARKS = "\u0e48\u0e49\u0e4a\u0e4b"                      # ่ ้ ๊ ๋
VOWEL_SIGNS = "\u0e31\u0e34\u0e35\u0e36\u0e37\u0e38\u0e39\u0e47\u0e4c"  # ั ิ ี ึ ื ุ ู ็ ์
# Signs a hurried typist confuses: short and long forms of the same vowel, the two common tone marks.
SWAPS = {"\u0e34": "\u0e35", "\u0e35": "\u0e34", "\u0e36": "\u0e37", "\u0e37": "\u0e36", "\u0e38": "\u0e39",
         "\u0e39": "\u0e38", "\u0e48": "\u0e49", "\u0e49": "\u0e48", "\u0e31": "\u0e47", "\u0e47": "\u0e31"}
_LATIN_WORD = re.compile(r"[A-Za-z]{4,}")


def _thai_edit(text: str, rng: random.Random) -> str:
    marks = [i for i, ch in enumerate(text) if ch in TONE_MARKS or ch in VOWEL_SIGNS]
    if not marks:
        return text
    i = rng.choice(marks)
    if text[i] in SWAPS and rng.random() < 0.5:
        return text[:i] + SWAPS[text[i]] + text[i + 1:]
    return text[:i] + text[i + 1:]


def _latin_edit(text: str, rng: random.Random) -> str:
    words = list(_LATIN_WORD.finditer(text))
    if not words:
        return text
    m = rng.choice(words)
    word = m.group()
    j = rng.randrange(1, len(word) - 1)
    if rng.random() < 0.7:  # swap two neighbours inside the word, keep its first letter
        word = word[:j] + word[j + 1] + word[j] + word[j + 2:]
    else:
        word = word[:j] + word[j + 1:]
    return text[:m.start()] + word + text[m.end():]


def misspell(text: str, seed: int | str, per_chars: int = 30, most: int = 3) -> str:
    """The text with one edit per `per_chars` characters (at least one, at most `most`); the same seed
    gives the same text. Thai gets sign edits, Latin words letter edits."""
    rng = random.Random(f"{seed}:{text}")
    edits = max(1, min(most, round(len(text) / per_chars)))
    thai = any("\u0e00" <= ch <= "\u0e7f" for ch in text)
    for _ in range(edits):
        changed = _thai_edit(text, rng) if thai and rng.random() < 0.8 else _latin_edit(text, rng)
        if changed == text and thai:
            changed = _latin_edit(text, rng)
        text = changed
    return text
