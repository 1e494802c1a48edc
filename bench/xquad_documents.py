"""XQuAD-th as imported documents: each of the 48 Thai articles is one plain-text document (its
paragraphs separated by blank lines), imported with `documents.imports.import_path` into a temporary
SQLite database, split into passages by the service's own reader, and searched by the passage index
(`retrieval.passages.PassageIndex` over the published passages) with the service's encoders, embedding
cache and fusion weights — the path a document answer takes in /api/v1/ask.

A question is answered right at rank 1 when the best passage is its paragraph, lies inside it (a long
paragraph cut between sentences) or contains it (short paragraphs joined). Asked: the questions of the
report split (odd articles), in Thai and in English, against the same Thai passages; `--split tune` asks
the even articles' questions instead, for choosing settings (the report split is then asked once with
what was chosen).

    PYTHONPATH=. .venv/bin/python -m bench.xquad_documents [--split tune|report] [--limit N] [--out FILE]
"""
from __future__ import annotations

import json
import tempfile
import time
from pathlib import Path

import typer

from bench import machine
from bench.xquad_source import load
from faq_service.core.db import Database
from faq_service.core.migrations import migrate
from faq_service.core.settings import get_settings
from faq_service.core.text import normalize
from faq_service.documents.formats import Limits
from faq_service.documents.imports import import_path
from faq_service.documents.index_source import PublishedPassages
from faq_service.retrieval.cache import CachedEncoder, EmbeddingCache
from faq_service.retrieval.encoders import load_encoders
from faq_service.retrieval.index import FusionWeights, RetrievalIndex
from faq_service.retrieval.passages import PassageIndex
from faq_service.retrieval.text import tokenize


def write_articles(folder: Path) -> Path:
    """One .txt file per XQuAD article, its Thai paragraphs separated by blank lines."""
    paragraphs, _ = load()
    folder.mkdir(parents=True, exist_ok=True)
    articles: dict[int, list[str]] = {}
    for p in paragraphs:
        articles.setdefault(p.article, []).append(p.context_th)
    for a, texts in articles.items():
        (folder / f"xquad-article-{a:02d}.txt").write_text("\n\n".join(texts) + "\n", encoding="utf-8")
    return folder


def build_index(workdir: Path, encoders=None) -> tuple[PassageIndex, Database, dict]:
    """Import the articles into a fresh SQLite database under `workdir` and index their passages."""
    settings = get_settings()
    db = Database(f"sqlite:///{workdir / 'documents.db'}")
    migrate(db)
    t0 = time.perf_counter()
    outcomes = import_path(db, write_articles(workdir / "articles"), "bench-xquad-documents", Limits.of(settings))
    import_s = time.perf_counter() - t0
    refused = [str(o.path.name) for o in outcomes if o.refused]
    assert not refused, refused
    cache = EmbeddingCache(settings.embedding_cache)
    encoders = encoders or load_encoders(settings.encoder)
    index = PassageIndex(db, PublishedPassages(),
                         RetrievalIndex([CachedEncoder(e, cache) for e in encoders], FusionWeights.of(settings)))
    t0 = time.perf_counter()
    index.sync()
    return index, db, {"documents": len(outcomes), "passages": len(index), "import_s": round(import_s, 1),
                       "index_s": round(time.perf_counter() - t0, 1)}


def is_right(passage_text: str, paragraph_text: str) -> bool:
    """Compared without whitespace: a long paragraph's sentences are rejoined with a space where the
    sentence segmenter cut Thai text that had none."""
    passage, paragraph = "".join(passage_text.split()), "".join(paragraph_text.split())
    return passage in paragraph or paragraph in passage


def evaluate(index: PassageIndex, encoders, questions: list[str], langs: list[str], keys: list[str],
             paragraph_of: dict[str, str]) -> dict:
    texts = [normalize(q) for q in questions]
    per_encoder = [e.encode_queries(texts) for e in encoders]
    vectors = [[m[i] for m in per_encoder] for i in range(len(texts))]
    hits = index.search_many(questions, vectors, langs, [tokenize(q) for q in questions])
    right = sum(1 for h, k in zip(hits, keys) if h is not None and is_right(normalize(h.passage.text),
                                                                             paragraph_of[k]))
    return {"questions": len(questions), "r_at_1": round(right / len(questions), 3) if questions else None}


SPLITS = {"report": "report (odd articles)", "tune": "tune (even articles)"}


def main(split: str = typer.Option("report", help="report (odd articles) or tune (even articles)"),
         limit: int = typer.Option(0, help="ask only the first N questions of the split (0 = all)"),
         out: Path = typer.Option(None, help="write the results as JSON here")) -> None:
    if split not in SPLITS:
        raise typer.BadParameter(f"--split must be one of {', '.join(SPLITS)}")
    started = time.time()
    paragraphs, questions = load()
    paragraph_of = {p.key: normalize(p.context_th) for p in paragraphs}
    chosen = [q for q in questions if q.split == split]
    asked = chosen[:limit] if limit else chosen
    settings = get_settings()
    encoders = load_encoders(settings.encoder)
    with tempfile.TemporaryDirectory() as tmp:
        index, _, built = build_index(Path(tmp), encoders)
        t0 = time.perf_counter()
        th = evaluate(index, encoders, [q.th for q in asked], ["th"] * len(asked), [q.key for q in asked],
                      paragraph_of)
        en = evaluate(index, encoders, [q.en for q in asked], ["en"] * len(asked), [q.key for q in asked],
                      paragraph_of)
        search_s = time.perf_counter() - t0
    result = {**machine.info(started), "encoder": settings.encoder, "passage_windows": settings.passage_windows,
              "split": SPLITS[split], "split_questions": len(chosen), **built,
              "ask_s": round(search_s, 1), "th_to_th": th, "en_to_th": en}
    print(json.dumps(result, ensure_ascii=False, indent=1))
    if out:
        out.write_text(json.dumps(result, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


if __name__ == "__main__":
    typer.run(main)
