"""How the document passages scale: 2,000 and 10,000 passages (50,000 with --sizes).

The first passages are real: the Thai XQuAD paragraphs cut into pieces of whole clauses (about
PIECE_CHARS characters), each piece under a heading of its own in one plain-text document per
article, so the service's reader keeps it as one passage (a piece starting with a number reads as a
numbered heading instead: 2,411 pieces give 2,203 passages). The rest are synthetic: texts drawn with a
seeded generator from the real pieces' words, imported the same way, whose vectors are random unit
vectors (seeded) written to the embedding cache where the real path keeps vectors. Storing, loading,
BM25 and searching are the service's own; only the encoding of the synthetic texts is skipped.

Measured in one run:
- import throughput: `documents.imports.import_path` + `PassageIndex.sync()` (reading, storing and
  encoding into an empty cache) on the real passages, against the bare encoders' batch rate on the same
  texts, measured just before and just after the import (passages per second, and the ratio to the
  mean of the two); the encoders and the tokenizer are warmed up first, as a running service has them;
- per size, in a fresh process (a restart: the vectors are in the cache, nothing is encoded): time until
  the passage index is ready, the process's RSS, and the p50 of a search as /api/v1/ask runs it (the
  question encoded by the service's batching encoder, then the passage index searched) against the p50
  of a bare single-question encode (ratio).

    PYTHONPATH=. .venv/bin/python -m bench.documents_scale [--sizes 2000,10000] [--out FILE]
"""
from __future__ import annotations

import hashlib
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import typer

from bench import machine
from bench.xquad_source import load
from faq_service.core.db import Database
from faq_service.core.migrations import migrate
from faq_service.core.settings import get_settings
from faq_service.core.text import normalize
from faq_service.documents import service as documents
from faq_service.documents.formats import Limits, sniff
from faq_service.documents.imports import files_in, import_path
from faq_service.documents.worker import read_document
from faq_service.documents.index_source import PublishedPassages
from faq_service.retrieval.batching import BatchingQueryEncoder
from faq_service.retrieval.cache import CachedEncoder, EmbeddingCache
from faq_service.retrieval.encoders import load_encoders
from faq_service.retrieval.index import FusionWeights, RetrievalIndex
from faq_service.retrieval.passages import PassageIndex, sentence_spans
from faq_service.retrieval.text import tokenize

PIECE_CHARS = 45
PER_DOCUMENT = 200  # synthetic passages per document
SEED = 20261205


def pieces_of(text: str) -> list[str]:
    """Runs of whole clauses of at least PIECE_CHARS characters (the last one may be shorter)."""
    out, current = [], ""
    for start, end in sentence_spans(text):
        current = f"{current} {text[start:end]}".strip()
        if len(current) >= PIECE_CHARS:
            out.append(current)
            current = ""
    return out + ([current] if current else [])


def write_documents(folder: Path, name: str, groups: list[list[str]]) -> Path:
    """One plain-text document per group, each text under a heading of its own (one passage each)."""
    folder.mkdir(parents=True, exist_ok=True)
    for g, texts in enumerate(groups):
        body = "\n\n".join(f"## {i}\n\n{t}" for i, t in enumerate(texts, 1))
        (folder / f"{name}-{g:04d}.txt").write_text(f"# {name} {g}\n\n{body}\n", encoding="utf-8")
    return folder


def real_groups() -> list[list[str]]:
    paragraphs, _ = load()
    articles: dict[int, list[str]] = {}
    for p in paragraphs:
        articles.setdefault(p.article, []).extend(pieces_of(normalize(p.context_th)))
    return list(articles.values())


def synthetic_texts(n: int, vocabulary: list[str], rng: np.random.Generator) -> list[str]:
    out = []
    for i in range(n):
        words = rng.choice(vocabulary, size=int(rng.integers(12, 40)))
        # the lead word keeps a short text from reading as a heading (หมวด…, บทที่…); the number keeps
        # every text (and its cache key) distinct
        out.append(f"เนื้อหา {' '.join(words)} {i}")
    return out


def passages_per_second(n: int, seconds: float) -> float:
    return round(n / seconds, 2) if seconds else 0.0


def warm_up(encoders) -> None:
    """What a running service has ready before any import (KnowledgeIndex.load): each encoder's model
    (loaded at its first call) and the Thai tokenizer's dictionary."""
    for encoder in encoders:
        encoder.encode_passages(["การประชุมและนิทรรศการ", "meetings and exhibitions"])
    tokenize("การประชุมและนิทรรศการ")


def bare_encode_s(encoders, texts: list[str]) -> float:
    t0 = time.perf_counter()
    for encoder in encoders:
        encoder.encode_passages([normalize(t) for t in texts])
    return time.perf_counter() - t0


def import_real(db: Database, workdir: Path, cache_path: Path, encoders) -> tuple[dict, list[str]]:
    """Import and index the real passages (empty cache), against the bare encoders' rate on the same
    texts measured just before and just after it (the machine's speed drifts with other work: the
    ratio is to the mean of the two)."""
    settings = get_settings()
    limits = Limits.of(settings)
    folder = write_documents(workdir / "real", "xquad", real_groups())
    warm_up(encoders)
    # The passages the import will store (a piece that reads as a numbered heading is not one), read
    # here untimed, for the bare rate before the import.
    texts = [p.text for f in files_in(folder) for p in read_document(sniff(f.name, f.read_bytes(), limits),
                                                                       f.read_bytes(), limits).passages]
    before_s = bare_encode_s(encoders, texts)
    t0 = time.perf_counter()
    import_path(db, folder, "bench-documents", limits)
    index = PassageIndex(db, PublishedPassages(), RetrievalIndex(
        [CachedEncoder(e, EmbeddingCache(cache_path)) for e in encoders], FusionWeights.of(settings)))
    index.sync()
    import_s = time.perf_counter() - t0
    with db.session() as s:
        stored = [p.text for p in documents.published_passages(s)]
    assert sorted(stored) == sorted(texts), "the import stored other passages than its reader gives"
    after_s = bare_encode_s(encoders, stored)
    n = len(stored)
    rate = passages_per_second(n, import_s)
    before, after = passages_per_second(n, before_s), passages_per_second(n, after_s)
    bare = (before + after) / 2
    return ({"passages": n, "import_and_index_s": round(import_s, 1), "passages_per_s": rate,
             "bare_encode_s_before": round(before_s, 1), "bare_encode_s_after": round(after_s, 1),
             "bare_passages_per_s_before": before, "bare_passages_per_s_after": after,
             "ratio_to_bare": round(rate / bare, 3) if bare else None,
             "ratio_to_bare_before": round(rate / before, 3) if before else None,
             "ratio_to_bare_after": round(rate / after, 3) if after else None}, stored)


def add_synthetic(db: Database, workdir: Path, cache_path: Path, encoders, count: int, vocabulary: list[str],
                  rng: np.random.Generator, batch: int) -> None:
    """`count` synthetic passages through the import path, with seeded random unit vectors in the cache."""
    settings = get_settings()
    texts = synthetic_texts(count, vocabulary, rng)
    groups = [texts[i:i + PER_DOCUMENT] for i in range(0, len(texts), PER_DOCUMENT)]
    import_path(db, write_documents(workdir / f"synthetic-{batch}", f"synthetic-{batch}", groups),
                "bench-documents", Limits.of(settings))
    with db.session() as s:
        stored = [p.text for p in documents.published_passages(s) if p.title.startswith(f"synthetic-{batch} ")]
    assert len(stored) == count, (len(stored), count)
    cache = EmbeddingCache(cache_path)
    hashes = [hashlib.sha256(normalize(t).encode("utf-8")).hexdigest() for t in stored]
    for encoder in encoders:
        dim = encoder.encode_queries(["ขนาด"]).shape[1]
        vectors = rng.standard_normal((count, dim)).astype(np.float32)
        vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
        cache.put(encoder.name, "passage", dict(zip(hashes, vectors)))


def rss_mb() -> float:
    for line in open("/proc/self/status", encoding="utf-8"):
        if line.startswith("VmRSS:"):
            return round(int(line.split()[1]) / 1024, 1)
    return 0.0


def child(db_url: str, cache_path: str, queries: int) -> None:
    """A restarted service's passage side: ready time, RSS, search and bare-encode p50 (JSON on stdout)."""
    import asyncio

    settings = get_settings()
    rss_start = rss_mb()
    t0 = time.perf_counter()
    encoders = load_encoders(settings.encoder)
    encoders_s = time.perf_counter() - t0
    db = Database(db_url)
    t0 = time.perf_counter()
    index = PassageIndex(db, PublishedPassages(), RetrievalIndex(
        [CachedEncoder(e, EmbeddingCache(Path(cache_path))) for e in encoders], FusionWeights.of(settings)))
    index.sync()
    ready_s = time.perf_counter() - t0
    _, questions = load()
    asked = [q.th for q in questions if q.split == "report"][:queries]

    def score(texts, vectors, contexts):
        return index.search_many(texts, vectors, ["th"] * len(texts), [tokenize(t) for t in texts])

    batching = BatchingQueryEncoder(encoders, score=score)

    async def searches() -> list[float]:
        out = []
        for q in asked:
            t = time.perf_counter()
            await batching.encode_and_score(q, None)
            out.append(time.perf_counter() - t)
        return out

    asyncio.run(searches())  # first calls pay one-off costs (as load() warms up the service)
    search = asyncio.run(searches())
    bare = []
    for q in asked:
        t = time.perf_counter()
        for encoder in encoders:
            encoder.encode_queries([normalize(q)])
        bare.append(time.perf_counter() - t)
    p50_search, p50_bare = statistics.median(search) * 1000, statistics.median(bare) * 1000
    print(json.dumps({"passages": len(index), "encoders_load_s": round(encoders_s, 1),
                      "ready_s": round(ready_s, 2), "rss_mb": rss_mb(), "rss_before_encoders_mb": rss_start,
                      "queries": len(asked), "search_p50_ms": round(p50_search, 1),
                      "bare_encode_p50_ms": round(p50_bare, 1), "search_p95_ms": round(
                          float(np.percentile(search, 95)) * 1000, 1),
                      "ratio_to_bare": round(p50_search / p50_bare, 3)}))


def main(sizes: str = typer.Option("2000,10000", help="index sizes in passages"),
         queries: int = typer.Option(100, help="searches timed per size"),
         as_child: str = typer.Option("", "--child", hidden=True, help="DB_URL|CACHE: the restarted process"),
         out: Path = typer.Option(None, help="write the results as JSON here")) -> None:
    if as_child:
        db_url, cache_path = as_child.split("|")
        child(db_url, cache_path, queries)
        return
    started = time.time()
    settings = get_settings()
    encoders = load_encoders(settings.encoder)
    rng = np.random.default_rng(SEED)
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        db_url, cache_path = f"sqlite:///{work / 'documents.db'}", work / "embedding-cache.sqlite3"
        db = Database(db_url)
        migrate(db)
        throughput, real = import_real(db, work, cache_path, encoders)
        print(json.dumps({"import": throughput}), flush=True)
        vocabulary = sorted({w for t in real for w in tokenize(t)})
        have = len(real)
        for n, size in enumerate(int(s) for s in sizes.split(",")):
            if size > have:
                add_synthetic(db, work, cache_path, encoders, size - have, vocabulary, rng, n)
                have = size
            run = subprocess.run([sys.executable, "-m", "bench.documents_scale", "--queries", str(queries),
                                  "--child", f"{db_url}|{cache_path}"], capture_output=True, text=True,
                                 env={**os.environ}, check=True)
            measured = json.loads(run.stdout.strip().splitlines()[-1])
            measured["real_passages"] = len(real)
            print(json.dumps(measured), flush=True)
            results.append(measured)
    result = {**machine.info(started), "encoder": settings.encoder, "import": throughput, "sizes": results}
    print(json.dumps(result, ensure_ascii=False, indent=1))
    if out:
        out.write_text(json.dumps(result, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


if __name__ == "__main__":
    typer.run(main)
