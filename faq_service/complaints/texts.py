"""Page texts of the public complaint pages (form, status, statistics): one .yml per page family with
`th` and `en` mappings, checked when the service starts rather than when a visitor opens a page."""
from __future__ import annotations

from pathlib import Path

import yaml

LANGS = ("th", "en")


def load_page_texts(path: Path, labels: set[str]) -> dict[str, dict[str, str]]:
    """Both languages' texts: the same keys in each, every label the pages look up by a value from the
    API or the models present, every value a non-empty string."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    if not isinstance(data, dict) or any(not isinstance(data.get(lang), dict) for lang in LANGS):
        raise ValueError(f"{path.name}: needs a mapping for each of {', '.join(LANGS)}")
    differ = set(data["th"]) ^ set(data["en"])
    if differ:
        raise ValueError(f"{path.name}: keys differ between th and en: {sorted(differ)}")
    missing = labels - set(data["th"])
    if missing:
        raise ValueError(f"{path.name}: labels missing: {sorted(missing)}")
    empty = [f"{lang}.{k}" for lang in LANGS for k, v in data[lang].items() if not isinstance(v, str) or not v.strip()]
    if empty:
        raise ValueError(f"{path.name}: empty or non-text values: {empty}")
    return {lang: dict(data[lang]) for lang in LANGS}
