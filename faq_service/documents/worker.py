"""Reading a file into passages, away from the service: a process of its own, started for the import
(spawned, so it shares no thread or connection with the service), at low CPU priority (os.nice), and
ended when the import ends or its time runs out. The service's event loop only awaits it from a thread;
the CLI reads in its own process, also at low priority."""
from __future__ import annotations

import multiprocessing
import os
import threading
from collections import Counter
from dataclasses import dataclass, field

from faq_service.documents.formats import DocumentRefused, Limits
from faq_service.documents.passages import PassageDraft

NICENESS = 10
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


def in_worker(fn, args: tuple, timeout_s: float):
    """fn(*args) in a spawned low-priority process of its own, ended when it returns or its time runs out
    (multiprocessing.TimeoutError); blocks the calling thread."""
    with _one_at_a_time:
        with multiprocessing.get_context("spawn").Pool(1, initializer=lower_priority) as pool:
            return pool.apply_async(fn, args).get(timeout_s)


def read_in_worker(media_type: str, data: bytes, limits: Limits, timeout_s: float) -> Reading:
    """read_document() in the worker process (never call it on the event loop:
    `await asyncio.to_thread(read_in_worker, …)`)."""
    try:
        return in_worker(read_document, (media_type, data, limits), timeout_s)
    except multiprocessing.TimeoutError:
        raise DocumentRefused(422, "err_timeout", f"not read within {timeout_s:.0f} s",
                              minutes=f"{timeout_s / 60:.0f}") from None
