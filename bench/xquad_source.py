"""The XQuAD files (../shared/data/xquad, or $XQUAD_DIR) as paragraphs and parallel questions.
Standard library only: the Rasa bench imports it from .venv-bot."""
from __future__ import annotations

import json
import os
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
XQUAD_DIR = Path(os.environ.get("XQUAD_DIR", REPO_ROOT.parent / "shared" / "data" / "xquad"))


@dataclass(frozen=True)
class Paragraph:
    key: str
    article: int        # article index (0..47): the tune/report split is by article
    context_th: str


@dataclass(frozen=True)
class Question:
    id: str
    key: str            # the paragraph's entry key
    article: int
    rank: int           # position of the question within its paragraph (0-based)
    th: str
    en: str

    @property
    def split(self) -> str:
        """Tune on the even articles, report on the odd ones (no paragraph is in both)."""
        return "tune" if self.article % 2 == 0 else "report"


@lru_cache(maxsize=1)
def load() -> tuple[tuple[Paragraph, ...], tuple[Question, ...]]:
    th = json.loads((XQUAD_DIR / "xquad.th.json").read_text(encoding="utf-8"))["data"]
    en = json.loads((XQUAD_DIR / "xquad.en.json").read_text(encoding="utf-8"))["data"]
    en_q = {qa["id"]: qa["question"] for art in en for p in art["paragraphs"] for qa in p["qas"]}
    paragraphs, questions = [], []
    for a, article in enumerate(th):
        for paragraph in article["paragraphs"]:
            key = f"xquad-{len(paragraphs):03d}"
            paragraphs.append(Paragraph(key, a, paragraph["context"].strip().lstrip("\ufeff")))
            for r, qa in enumerate(paragraph["qas"]):
                questions.append(Question(qa["id"], key, a, r, qa["question"].strip(), en_q[qa["id"]].strip()))
    return tuple(paragraphs), tuple(questions)


def held_out(alternates: int) -> list[Question]:
    """The questions not used as an entry's question text."""
    return [q for q in load()[1] if q.rank >= alternates]
