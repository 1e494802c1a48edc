"""Reading a file into passages, away from the service: a process of its own, started for the import
(spawned, so it shares no thread or connection with the service), at the lowest CPU priority (os.nice
19), and ended when the import ends, when its time runs out or when the runner is asked to stop. The
service never reads a file on its event loop: the import runner (documents/runner.py) waits for the
worker on a thread of its own; the CLI reads in its own process, also at the lowest priority."""
from __future__ import annotations

import multiprocessing
import os
import threading
import time
from collections import Counter
from dataclasses import dataclass, field

from faq_service.documents.formats import DocumentRefused, Limits
from faq_service.documents.passages import PassageDraft

NICENESS = 19  # the lowest priority: visitors' questions come first
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


def lower_priority() -> None:
    try:
        os.nice(NICENESS)
    except OSError:  # not allowed here: the import still runs, at normal priority
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


class Interrupted(Exception):
    """The worker was ended before it finished because its caller was asked to stop."""


def in_worker(fn, args: tuple, timeout_s: float, stop: threading.Event | None = None):
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
                   stop: threading.Event | None = None) -> Reading:
    """read_document() in the worker process (never call it on the event loop)."""
    try:
        return in_worker(read_document, (media_type, data, limits), timeout_s, stop)
    except multiprocessing.TimeoutError:
        raise DocumentRefused(422, "err_timeout", f"not read within {timeout_s:.0f} s",
                              minutes=f"{timeout_s / 60:.0f}") from None
