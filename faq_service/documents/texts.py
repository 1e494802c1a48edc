"""The documents pages' texts and the reasons a file is refused (console.yml: Thai and English, the same
keys in both, checked when first read)."""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import yaml

TEXTS_PATH = Path(__file__).resolve().parent / "console.yml"


@lru_cache(maxsize=1)
def all_texts() -> dict[str, dict[str, str]]:
    data = yaml.safe_load(TEXTS_PATH.read_text(encoding="utf-8"))
    differ = set(data["th"]) ^ set(data["en"])
    if differ:
        raise ValueError(f"{TEXTS_PATH.name}: keys differ between th and en: {sorted(differ)}")
    return data


def texts(lang: str) -> dict[str, str]:
    return all_texts()[lang if lang in ("th", "en") else "en"]
