"""Reading a file into passages, away from the service: a process of its own, started for the import
(spawned, so it shares no thread or connection with the service), at the lowest CPU priority (os.nice
19), and ended when the import ends, when its time runs out or when the runner is asked to stop. The
service never reads a file on its event loop: the import runner (documents/runner.py) waits for the
worker on a thread of its own; the CLI reads in its own process, also at the lowest priority."""
from __future__ import annotations

import logging
import multiprocessing
import os
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from faq_service.documents.formats import DocumentRefused, Limits
from faq_service.documents.passages import PassageDraft

log = logging.getLogger(__name__)

NICENESS = 19  # the lowest priority: visitors' questions come first
# A file of at least this many passages has them encoded in the reading process, into the embedding
# cache, before they are stored: the service's index then only reads their vectors. Below it, loading
# the encoders here costs more than the service's encoding of a few passages.
ENCODE_AHEAD_FROM = 50
# One import at a time per service process: two scanned PDFs at once would only slow both.
_one_at_a_time = threading.Lock()


@dataclass
class Reading:
    """A file read into passages, not yet stored."""

    title: str | None
    page_count: int | None
    ocr: bool
    source_url: str | None
    lang: str
    passages: list[PassageDraft] = field(default_factory=list)


@dataclass(frozen=True)
class Encoding:
    """How the service's passage index encodes (passed to the worker process as it is)."""

    encoder: str
    cache_path: Path
    windows: int

    @classmethod
    def of(cls, settings) -> "Encoding":
        return cls(settings.encoder, settings.embedding_cache, settings.passage_windows)


def lower_priority() -> None:
    """The lowest CPU priority for this process. Linux shares the CPU between sessions first (autogroups)
    and by nice only within one: a process that leads a session of its own (`thamtob docs worker`
    started apart) lowers its session too, or its nice would not count against the service's."""
    try:
        os.nice(NICENESS)
    except OSError:  # not allowed here: the import still runs, at normal priority
        pass
    if os.getsid(0) == os.getpid():  # never the service's session: only this process and its children
        try:
            with open("/proc/self/autogroup", "w") as autogroup:
                autogroup.write(str(NICENESS))
        except OSError:  # no autogroups (or not Linux): nice alone
            pass


def read_document(media_type: str, data: bytes, limits: Limits) -> Reading:
    """Extract and split a file whose type sniff() found; refuses what yields no text."""
    from faq_service.documents.extract import extract
    from faq_service.documents.passages import build

    try:
        extracted = extract(media_type, data, limits)
        drafts = build(extracted.blocks)
    except DocumentRefused:
        raise
    except Exception as exc:  # any parser's failure on a damaged file is the file's, not ours
        raise DocumentRefused(422, "err_corrupt", f"{exc.__class__.__name__}: {exc}"[:300]) from exc
    if not drafts:
        raise DocumentRefused(422, "err_no_text", "no text found in the file (not even by OCR)")
    weight = Counter()
    for draft in drafts:
        weight[draft.lang] += len(draft.text)
    return Reading(extracted.title, extracted.page_count, extracted.ocr, extracted.source_url,
                   weight.most_common(1)[0][0], drafts)


class Stop(Protocol):
    """What tells a reading to stop (a threading.Event, or the runner's lease of the job)."""

    def is_set(self) -> bool: ...


class Interrupted(Exception):
    """The worker was ended before it finished because its caller was asked to stop."""


def read_and_encode(media_type: str, data: bytes, limits: Limits, encoding: Encoding | None) -> Reading:
    """read_document(), then, for a file of many passages, their vectors into the embedding cache (a
    failure there only leaves the encoding to the service)."""
    reading = read_document(media_type, data, limits)
    if encoding is not None and len(reading.passages) >= ENCODE_AHEAD_FROM:
        from faq_service.retrieval.cache import CachedEncoder, EmbeddingCache
        from faq_service.retrieval.encoders import load_encoders
        from faq_service.retrieval.passages import encode_passages_ahead

        try:
            cache = EmbeddingCache(encoding.cache_path)
            encoders = [CachedEncoder(e, cache) for e in load_encoders(encoding.encoder)]
            encode_passages_ahead(encoders, [(p.lang, p.text) for p in reading.passages], encoding.windows)
        except Exception:
            log.warning("passages not encoded ahead; the service's index will encode them", exc_info=True)
    return reading


def in_worker(fn, args: tuple, timeout_s: float, stop: Stop | None = None):
    """fn(*args) in a spawned low-priority process of its own, ended when it returns, when its time runs
    out (multiprocessing.TimeoutError) or when `stop` is set (Interrupted); blocks the calling thread."""
    with _one_at_a_time:
        with multiprocessing.get_context("spawn").Pool(1, initializer=lower_priority) as pool:
            pending = pool.apply_async(fn, args)
            deadline = time.monotonic() + timeout_s
            while True:
                left = deadline - time.monotonic()
                if left <= 0:
                    raise multiprocessing.TimeoutError
                try:
                    return pending.get(min(left, 0.5))
                except multiprocessing.TimeoutError:
                    if stop is not None and stop.is_set():
                        raise Interrupted from None


def read_in_worker(media_type: str, data: bytes, limits: Limits, timeout_s: float,
                   stop: Stop | None = None, encoding: Encoding | None = None) -> Reading:
    """read_document() in the worker process (never call it on the event loop); with `encoding`,
    read_and_encode()."""
    try:
        if encoding is None:
            return in_worker(read_document, (media_type, data, limits), timeout_s, stop)
        return in_worker(read_and_encode, (media_type, data, limits, encoding), timeout_s, stop)
    except multiprocessing.TimeoutError:
        raise DocumentRefused(422, "err_timeout", f"not read within {timeout_s:.0f} s",
                              minutes=f"{timeout_s / 60:.0f}") from None
